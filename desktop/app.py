"""Starting the desktop client.

``run_gui(config)`` is what the ``houselights`` command calls: it opens the
store without waiting for history, shows the window at once, and lets the
read models catch up in the background while the status bar shows progress.
``create_main_window(services)`` builds the window on services that are
already open (tests, screenshot scripts).
"""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.bootstrap import Services, bootstrap
from desktop.config import StoreConfig
from desktop.main_window import MainWindow
from desktop.style import apply_style

ORGANIZATION = "Houselights"
APPLICATION = "Houselights"


def application(argv: list[str] | None = None) -> QApplication:
    """The QApplication, created once with Houselights' names and style."""
    app = QApplication.instance()
    if app is None:
        QCoreApplication.setOrganizationName(ORGANIZATION)
        QCoreApplication.setApplicationName(APPLICATION)
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(APPLICATION)
    from desktop.appicon import app_icon

    app.setWindowIcon(app_icon())
    apply_style(app)
    return app


def create_main_window(services: Services, settings=None) -> MainWindow:
    """The main window on open services. Without ``settings`` nothing is remembered."""
    apply_style(application())
    return MainWindow(services, settings)


def run_gui(config: StoreConfig, staff: str | None = None, workstation: str | None = None) -> int:
    """Open the Houselights window and run until it is closed; returns the exit code."""
    from desktop.diagnostics import app_version
    from desktop.logs import configure_logging
    from desktop.settings import Settings

    configure_logging(config.data_dir)
    log = logging.getLogger("houselights")
    log.info("Houselights %s starting; data folder %s", app_version(), config.data_dir)
    log.info("Event store: %s (%s)", config.kind, config.describe())
    app = application()
    settings = Settings()
    staff = staff or settings.get("staff/current") or "office"
    workstation = workstation or settings.get("workstation/name") or None
    try:
        services = bootstrap(config, staff=staff, workstation=workstation, catch_up=False)
    except Exception as error:
        log.exception("Cannot open the event store")
        QMessageBox.critical(
            None,
            QCoreApplication.translate("run_gui", "Houselights cannot open its data"),
            QCoreApplication.translate(
                "run_gui", "{error}\n\nData folder: {data}\nEvent store: {store}"
            ).format(error=error, data=config.data_dir, store=config.describe()),
        )
        raise
    try:
        if services.app.accounts_exist():
            from desktop.views.sign_in_dialog import SignInDialog

            if SignInDialog(services.app).exec() != SignInDialog.DialogCode.Accepted:
                return 0
        window = create_main_window(services, settings)
        window.show()
        window.start_catch_up()
        code = app.exec()
        log.info("Houselights closed (exit status %s)", code)
        return code
    finally:
        services.close()
