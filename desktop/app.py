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
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.main_window import MainWindow
from desktop.style import apply_style
from infrastructure.bootstrap import ConnectingServices, Services, bootstrap_window
from infrastructure.config import StoreConfig

ORGANIZATION = "Houselights"
APPLICATION = "Houselights"


def application(argv: list[str] | None = None) -> QApplication:
    """The QApplication, created once with Houselights' names and style."""
    app = QApplication.instance()
    if app is None:
        QCoreApplication.setOrganizationName(ORGANIZATION)
        QCoreApplication.setApplicationName(APPLICATION)
        app = QApplication(argv if argv is not None else sys.argv[:1])
    if not isinstance(app, QApplication):  # a QCoreApplication cannot show windows
        raise RuntimeError("Houselights needs a QApplication, not a QCoreApplication")
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


def show_window(services: Services, settings) -> MainWindow:
    """Show the main window; a data folder never set up opens the first-run assistant."""
    from desktop import organization_sync
    from desktop.settings import needs_setup

    if settings is not None:  # the answers every workstation on the store shares
        organization_sync.at_start(services.app, settings)
    window = create_main_window(services, settings)
    window.show()
    if settings is not None and needs_setup(settings):
        window.run_setup_assistant()
    return window


def backup_folders(config: StoreConfig, settings) -> list:
    """Where backups are looked for: the chosen folder, then the data folder's own."""
    from desktop.settings import setting
    from infrastructure import backups

    chosen = backups.backup_folder(config, str(setting(settings, "backups/folder")))
    return list(dict.fromkeys([chosen, backups.default_folder(config)]))


def ask_for_backup(damaged, parent=None) -> Path | None:
    """The damaged-store dialog; the chosen backup, or None to quit."""
    from desktop.views.system.damaged_store_dialog import DamagedStoreDialog

    dialog = DamagedStoreDialog(damaged, parent)
    if dialog.exec() != DamagedStoreDialog.DialogCode.Accepted:
        return None
    return dialog.chosen


def open_checked(config: StoreConfig, settings, staff: str, workstation: str | None):
    """Check the store files (read-only), offer a backup for a damaged store, then open.

    Returns ``(services, notices)``, or None when the user chose to quit.
    """
    from infrastructure import backups
    from infrastructure.store_check import is_damage_error

    tr = QCoreApplication.translate
    folders = backup_folders(config, settings)
    for _attempt in range(5):
        try:
            try:
                notices = backups.check_before_opening(config, folders)
                # a shared server that does not answer: a workstation online before
                # opens on its own copy and connects in the background
                services = bootstrap_window(config, staff=staff, workstation=workstation)
                return services, notices
            except Exception as error:
                if isinstance(error, backups.DamagedStore) or not is_damage_error(error):
                    raise
                # A database error the quick look missed: read every page to say what.
                backups.check_before_opening(config, folders, full=True)
                continue  # only the read models were damaged: set aside, open again
        except backups.DamagedStore as damaged:
            chosen = ask_for_backup(damaged)
            if chosen is None:
                return None
            try:
                backups.restore(config, chosen)
            except backups.BackupError as problem:
                QMessageBox.warning(None, tr("run_gui", "This backup cannot be used"), str(problem))
    raise RuntimeError("Houselights could not open its data after several tries")


class _PageCheckNotice(QObject):
    """Carries the background page check's finding to the GUI thread."""

    found = Signal(object)


def watch_store_pages(services: Services, window, folders: list):
    """Start the background page check of the store (issue 19); when it finds damage,
    every save is refused already, and the window shows the damaged-store dialog: a
    backup chosen there is restored once the window closes."""
    from infrastructure import backups

    notice = _PageCheckNotice(window)
    window.page_check_notice = notice  # kept alive with the window

    def show(damaged) -> None:
        logging.getLogger("houselights").warning("The page check found damage: %s", damaged)
        chosen = ask_for_backup(damaged, window)
        if chosen is not None:
            window.pending_restore = chosen
        window.close()

    notice.found.connect(show)
    health = None

    def done(damage) -> None:
        if damage is not None and health is not None:
            notice.found.emit(health.damaged(damage))

    health = backups.start_page_check(services, folders, on_done=done)
    if health is not None and health.done and health.damage is not None:
        notice.found.emit(health.damaged(health.damage))  # finished before we listened
    return health


def run_window(app, services: Services, settings, notices: list[str]):
    """Show the window until it closes: ``(exit code, backup to restore or None)``."""
    config = services.config
    tr = QCoreApplication.translate
    log = logging.getLogger("houselights")
    window = show_window(services, settings)
    health = watch_store_pages(services, window, backup_folders(config, settings))
    for notice in notices:
        QMessageBox.information(window, tr("run_gui", "The lists are being rebuilt"), notice)
    window.start_catch_up()
    code = app.exec()
    log.info("Houselights closed (exit status %s)", code)
    pending = window.pending_restore
    if pending is None and not (health is not None and health.done and health.damage):
        exit_backup(config, settings)
    return code, pending


def offer_after_damage(config: StoreConfig, settings):
    """The store failed to read after opening: check every page and offer a backup;
    the chosen one, or None to quit."""
    from infrastructure import backups

    folders = backup_folders(config, settings)
    try:
        backups.check_before_opening(config, folders, full=True)
    except backups.DamagedStore as damaged:
        return ask_for_backup(damaged)
    return None


def exit_backup(config: StoreConfig, settings) -> None:
    """The backup made when Houselights closes (a failure is reported, never fatal)."""
    from desktop.settings import setting
    from infrastructure import backups

    if config.kind != "sqlite" or not setting(settings, "backups/on_exit"):
        return
    try:
        backups.automatic_backup(
            config,
            backup_folders(config, settings)[0],
            int(setting(settings, "backups/keep")),
            include_readmodels=bool(setting(settings, "backups/include_read_models")),
        )
    except Exception as error:  # noqa: BLE001 - closing must not fail because of a USB stick
        print(f"houselights: the backup on closing failed: {error}", file=sys.stderr)


def run_gui(config: StoreConfig, staff: str | None = None, workstation: str | None = None) -> int:
    """Open the Houselights window and run until it is closed; returns the exit code.

    A damaged store is met with the damaged-store dialog before anything opens it;
    a restore chosen in the window closes it, restores, and opens again.
    """
    from desktop.diagnostics import app_version
    from desktop.settings import Settings
    from infrastructure import backups
    from infrastructure.files import restrict_new_files
    from infrastructure.logs import configure_logging

    restrict_new_files()
    configure_logging(config.data_dir)
    log = logging.getLogger("houselights")
    log.info("Houselights %s starting; data folder %s", app_version(), config.data_dir)
    log.info("Event store: %s (%s)", config.kind, config.describe())
    app = application()
    settings = Settings.for_data_folder(config.data_dir)
    staff = staff or settings.get("staff/current") or "office"
    workstation = workstation or settings.get("workstation/name") or None
    tr = QCoreApplication.translate
    while True:
        try:
            opened = open_checked(config, settings, staff, workstation)
        except Exception as error:  # said in a window, never as a traceback
            log.exception("Cannot open the event store")
            QMessageBox.critical(
                None,
                tr("run_gui", "Houselights cannot open its data"),
                tr("run_gui", "{error}\n\nData folder: {data}\nEvent store: {store}").format(
                    error=error, data=config.data_dir, store=config.describe()
                ),
            )
            return int(getattr(error, "exit_status", 1))
        if opened is None:
            log.warning("The event store is damaged; nothing was opened")
            return 3
        services, notices = opened
        pending = None
        try:
            try:
                has_accounts = services.app.accounts_exist()
            except Exception as error:  # a damaged page read at start: the dialog, not a crash
                from infrastructure.store_check import is_damage_error

                if not is_damage_error(error):
                    raise
                pending, code = offer_after_damage(config, settings), 3
                has_accounts = None
            if has_accounts is not None:
                # without the server no sign-in can be checked: the window opens as a
                # door (LateApp) and asks for a sign-in once the store answers
                if has_accounts and not isinstance(services, ConnectingServices):
                    from desktop.views.staff.sign_in_dialog import SignInDialog

                    if SignInDialog(services.app).exec() != SignInDialog.DialogCode.Accepted:
                        return 0
                code, pending = run_window(app, services, settings, notices)
        finally:
            services.close()
        if pending is None:
            return code
        log.info("Restoring the backup %s", pending)
        try:
            backups.restore(config, pending)
        except backups.BackupError as problem:
            log.warning("The backup was not restored: %s", problem)
            QMessageBox.warning(None, tr("run_gui", "The backup was not restored"), str(problem))
