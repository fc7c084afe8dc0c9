"""The main window: navigation on the left, one area at a time on the right.

The window owns the plumbing the screens share: the read-model watcher (views
refresh only when the runner says something changed), the poll timer that
picks up other workstations' events, the start-up catch-up and rebuild in the
background, and the status bar that says whether this workstation is up to date.
"""

from __future__ import annotations

import sys
from importlib.metadata import PackageNotFoundError, version

from PySide6.QtCore import QByteArray, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.background import BackgroundRunner, run_with_progress
from desktop.backup_actions import BackupActions
from desktop.settings import loyalty_thresholds
from desktop.sounds import VerdictSounds
from desktop.views.box_office import BoxOfficeView
from desktop.views.door import DoorView
from desktop.views.import_dialog import ImportSalesDialog
from desktop.views.patron_dialog import PatronDialog
from desktop.views.patron_page import PatronPage
from desktop.views.patrons import PatronListView
from desktop.views.placeholder import PlaceholderPage
from desktop.views.reports import ReportsView
from desktop.watcher import ReadModelWatcher

DEFAULT_POLL_MS = 2000

PATRONS, BOX_OFFICE, DOOR, THANK_YOUS, REPORTS, SETTINGS = (
    "patrons", "box_office", "door", "thank_yous", "reports", "settings",
)  # fmt: skip
AREAS = (PATRONS, BOX_OFFICE, DOOR, THANK_YOUS, REPORTS, SETTINGS)


def app_version() -> str:
    try:
        return version("houselights")
    except PackageNotFoundError:
        return "0+unknown"


# -- work that runs on the thread pool (only the runner, never a widget) ---------
def catch_up_work(progress, runner) -> dict:
    def report(done: int, total: int) -> None:
        progress.update(done, total, "")

    applied = runner.catch_up(progress=report, cancelled=lambda: progress.cancelled)
    return {"applied": applied, "lag": runner.lag()}


def poll_work(progress, runner) -> dict:
    applied = runner.poll()
    return {"applied": applied, "lag": runner.lag()}


def rebuild_work(progress, runner) -> dict:
    def report(done: int, total: int) -> None:
        progress.update(done, total, "")

    applied = runner.rebuild(progress=report, cancelled=lambda: progress.cancelled)
    return {"applied": applied, "lag": runner.lag()}


class MainWindow(BackupActions, QMainWindow):
    def __init__(self, services, settings=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.app = services.app
        self.runner = services.runner
        self.settings = settings
        self.setObjectName("mainWindow")
        self.setWindowTitle(self.tr("Houselights"))
        self.resize(1240, 800)

        self.background = BackgroundRunner(self)
        self.watcher = ReadModelWatcher(self.runner, self)
        self.watcher.changed.connect(self.read_models_changed)
        self._catch_up_task = None
        self._poll_task = None
        self._rebuild_task = None
        self.rebuild_dialog = None
        self.patron_dialog: PatronDialog | None = None
        self.import_dialog: ImportSalesDialog | None = None
        self.kiosk = False
        self.door_mode = False

        self._build_areas()
        self._build_actions()
        self._build_status_bar()

        self.poll_timer = QTimer(self)
        interval = self._setting("projections/poll_interval_ms", DEFAULT_POLL_MS)
        self.poll_timer.setInterval(int(interval))
        self.poll_timer.timeout.connect(self.poll)
        self.poll_timer.start()
        self._start_backup_timer()

        self._restore()
        self.patron_list.run_search()
        # The other areas load when first shown: start-up reads one screen's rows.
        self._stale = set(AREAS) - {PATRONS}
        self._refresh_shown_area()

    # -- building ------------------------------------------------------------------
    def _area_titles(self) -> dict[str, str]:
        return {
            PATRONS: self.tr("Patrons"),
            BOX_OFFICE: self.tr("Box office"),
            DOOR: self.tr("Door"),
            THANK_YOUS: self.tr("Thank-yous"),
            REPORTS: self.tr("Reports"),
            SETTINGS: self.tr("Settings"),
        }

    def _build_areas(self) -> None:
        titles = self._area_titles()
        self.navigation = QListWidget(self)
        self.navigation.setObjectName("navigation")
        self.navigation.setFixedWidth(210)
        self.navigation.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        for key in AREAS:
            item = QListWidgetItem(titles[key])
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setSizeHint(QSize(0, 42))
            self.navigation.addItem(item)

        self.patron_list = PatronListView(self.runner, self)
        self.patron_page = PatronPage(self.app, self.runner, self)
        self.patron_page.purchases.thresholds = loyalty_thresholds(self.settings)
        self.patrons_area = QStackedWidget(self)
        self.patrons_area.setObjectName("patronsArea")
        self.patrons_area.addWidget(self.patron_list)
        self.patrons_area.addWidget(self.patron_page)
        self.patron_list.open_patron.connect(self.open_patron)
        self.patron_list.new_patron_requested.connect(self.new_patron)
        self.patron_list.exported.connect(
            lambda path: self.show_message(self.tr("Saved {path}").format(path=path))
        )
        self.patron_page.back_requested.connect(self.show_patron_list)
        self.patron_page.open_patron.connect(self.open_patron)
        self.patron_page.message.connect(self.show_message)

        self.pages: dict[str, QWidget] = {PATRONS: self.patrons_area}
        self.box_office = BoxOfficeView(self.app, self.runner, self)
        self.box_office.message.connect(self.show_message)
        self.box_office.open_patron.connect(self.open_patron)
        self.pages[BOX_OFFICE] = self.box_office
        self.door_view = DoorView(
            self.app, self.runner, self.settings,
            VerdictSounds(self.services.config.data_dir,
                          enabled=bool(self._setting("door/sounds", True))),
            self,
        )  # fmt: skip
        self.door_view.kiosk_changed.connect(self.set_kiosk)
        self.door_view.door_mode_changed.connect(self.set_door_mode)
        self.pages[DOOR] = self.door_view
        self.pages[THANK_YOUS] = PlaceholderPage(
            titles[THANK_YOUS],
            self.tr("Send thank-yous after a show and see who has not been thanked yet."),
            [
                self.tr("A list of who came, gave or helped, and who still needs a thank-you"),
                self.tr("Letters, emails and calls recorded on each timeline"),
            ],
            self,
        )
        self.reports = ReportsView(self.runner, self)
        self.reports.exported.connect(
            lambda path: self.show_message(self.tr("Saved {path}").format(path=path))
        )
        self.pages[REPORTS] = self.reports
        self.pages[SETTINGS] = PlaceholderPage(
            titles[SETTINGS],
            self.tr("Choose how Houselights works for your organization."),
            [
                self.tr("Loyalty ladder thresholds, staff names and this workstation's name"),
                self.tr("Where the data lives, and the shared database for several computers"),
                self.tr("Backups"),
            ],
            self,
        )

        self.areas = QStackedWidget(self)
        self.areas.setObjectName("areas")
        for key in AREAS:
            self.areas.addWidget(self.pages[key])
        self.navigation.currentRowChanged.connect(self.areas.setCurrentIndex)
        self._stale: set[str] = set()
        self.areas.currentChanged.connect(self._refresh_shown_area)

        brand = QLabel(self.tr("Houselights"), self)
        brand.setObjectName("brand")
        sidebar = QWidget(self)
        sidebar.setObjectName("sidebar")
        side = QVBoxLayout(sidebar)
        side.setContentsMargins(0, 0, 0, 0)
        side.setSpacing(0)
        side.addWidget(brand)
        side.addWidget(self.navigation, 1)
        self.sidebar = sidebar

        central = QWidget(self)
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(sidebar)
        layout.addWidget(self.areas, 1)
        self.setCentralWidget(central)
        self.navigation.setCurrentRow(0)

    def _build_actions(self) -> None:
        self.new_patron_action = QAction(self.tr("&New patron…"), self)
        self.new_patron_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_patron_action.triggered.connect(self.new_patron)
        self.find_action = QAction(self.tr("&Find patron"), self)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.find_action.triggered.connect(self.focus_search)
        self.import_sales_action = QAction(self.tr("&Import online sales…"), self)
        self.import_sales_action.triggered.connect(self.import_sales)
        self.rebuild_action = QAction(self.tr("&Rebuild read models…"), self)
        self.rebuild_action.triggered.connect(self.confirm_rebuild)
        self.quit_action = QAction(self.tr("&Quit"), self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit_action.triggered.connect(self.close)
        self.about_action = QAction(self.tr("&About Houselights"), self)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self.show_about)

        file_menu = self.menuBar().addMenu(self.tr("&File"))
        file_menu.addAction(self.new_patron_action)
        file_menu.addAction(self.find_action)
        file_menu.addSeparator()
        file_menu.addAction(self.import_sales_action)
        file_menu.addAction(self.rebuild_action)
        file_menu.addSeparator()
        self._add_backup_actions(file_menu)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        help_menu.addAction(self.about_action)
        # Shortcuts also work while the menu bar is hidden (native menu bars on macOS).
        for action in (self.new_patron_action, self.find_action, self.quit_action):
            self.addAction(action)

    def _build_status_bar(self) -> None:
        config = self.services.config
        if config.kind == "sqlite":
            store = self.tr("Local database: {where}").format(where=config.describe())
        else:
            store = self.tr("Shared database: {where}").format(where=config.describe())
        self.store_label = QLabel(store, self)
        self.store_label.setObjectName("storeLabel")
        self.sync_label = QLabel(self.tr("Checking for new events…"), self)
        self.sync_label.setObjectName("syncLabel")
        self.catch_up_progress = QProgressBar(self)
        self.catch_up_progress.setTextVisible(False)
        self.catch_up_progress.hide()
        bar = self.statusBar()
        bar.setSizeGripEnabled(False)
        bar.addPermanentWidget(self.catch_up_progress)
        bar.addPermanentWidget(self.sync_label)
        bar.addPermanentWidget(self.store_label)

    # -- settings ----------------------------------------------------------------
    def _setting(self, key: str, default):
        if self.settings is None:
            return default
        value = self.settings.get(key)
        return default if value in (None, "") else value

    def _restore(self) -> None:
        geometry = self._setting("ui/geometry", None)
        if geometry:
            self.restoreGeometry(QByteArray(geometry))
        area = self._setting("ui/last_area", PATRONS)
        if area in AREAS and area != PATRONS:
            self.show_area(area)

    def _save(self) -> None:
        if self.settings is None:
            return
        self.settings.set("ui/geometry", self.saveGeometry())
        self.settings.set("ui/last_area", self.current_area())

    # -- navigation ----------------------------------------------------------------
    def current_area(self) -> str:
        return AREAS[max(0, self.areas.currentIndex())]

    def show_area(self, key: str) -> None:
        if self.door_mode and key != DOOR:
            return  # volunteer door mode: the door only
        self.navigation.setCurrentRow(AREAS.index(key))

    def set_kiosk(self, on: bool) -> None:
        """The door alone, full screen, for a volunteer's scanning station (Esc leaves)."""
        self.show_area(DOOR)
        self.kiosk = on
        self._show_chrome()
        if on:
            self._was_maximized = self.isMaximized()
            self.showFullScreen()
        elif self.isFullScreen():
            if getattr(self, "_was_maximized", False):
                self.showMaximized()
            else:
                self.showNormal()

    def set_door_mode(self, on: bool) -> None:
        """A volunteer's door-only session: no navigation, menus or other areas until
        the door view takes the PIN (quitting stays possible)."""
        self.show_area(DOOR)
        self.door_mode = on
        for action in self.findChildren(QAction):
            if action is not self.quit_action:
                action.setEnabled(not on)
        self._show_chrome()

    def _show_chrome(self) -> None:
        door_only = self.kiosk or self.door_mode
        self.sidebar.setVisible(not door_only)
        self.menuBar().setVisible(not door_only)
        self.statusBar().setVisible(not self.kiosk)

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def focus_search(self) -> None:
        """Ctrl+F: the patron search, from anywhere."""
        self.show_area(PATRONS)
        self.show_patron_list()
        self.patron_list.focus_search()

    def show_patron_list(self) -> None:
        self.show_area(PATRONS)
        self.patrons_area.setCurrentWidget(self.patron_list)
        if self.patron_page.patron_id:
            self.patron_list.select_patron(self.patron_page.patron_id)
        self.patron_list.table.setFocus()

    def open_patron(self, patron_id: str) -> None:
        self.show_area(PATRONS)
        self.patron_page.show_patron(patron_id)
        self.patrons_area.setCurrentWidget(self.patron_page)
        self.patron_page.note_edit.setFocus()

    def new_patron(self) -> PatronDialog:
        """Ctrl+N: the new-patron dialog (window-modal; returned for tests and scripts)."""
        if self.patron_dialog is not None and self.patron_dialog.isVisible():
            self.patron_dialog.raise_()
            self.patron_dialog.activateWindow()
            return self.patron_dialog
        dialog = PatronDialog(self.app, None, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._patron_created)
        dialog.open_existing.connect(self.open_patron)
        dialog.destroyed.connect(lambda: setattr(self, "patron_dialog", None))
        self.patron_dialog = dialog
        dialog.open()
        return dialog

    def _patron_created(self, patron_id: str) -> None:
        self.activateWindow()  # the dialog is closing: typing goes to the new page
        self.open_patron(patron_id)
        name = self.patron_page.row["name"] if self.patron_page.row else ""
        self.show_message(self.tr("{name} was added.").format(name=name))

    # -- read models -----------------------------------------------------------------
    def read_models_changed(self, _position: int = 0) -> None:
        """The runner wrote new rows: refresh the area on screen; the others when shown.

        At the door this keeps scans from reloading the patron list, the box office
        and the reports nobody is looking at.
        """
        self._stale = set(AREAS)
        self._refresh_shown_area()

    def _refresh_shown_area(self, _index: int = 0) -> None:
        area = self.current_area()
        if area not in self._stale:
            return
        self._stale.discard(area)
        if area == PATRONS:
            self.patron_list.refresh()
            if self.patron_page.patron_id is not None:
                self.patron_page.refresh()
        elif area == BOX_OFFICE:
            self.box_office.refresh()
        elif area == REPORTS:
            self.reports.refresh()
        elif area == DOOR:
            self.door_view.refresh()

    def set_sync_status(self, lag: int) -> None:
        if lag <= 0:
            self.sync_label.setText(self.tr("Up to date"))
        else:
            self.sync_label.setText(self.tr("Catching up: {count} events").format(count=f"{lag:,}"))
        self.sync_label.setToolTip("")

    def start_catch_up(self):
        """Apply the events this workstation has not seen yet, in the background."""
        if self._catch_up_task is not None:
            return self._catch_up_task
        self.catch_up_progress.setRange(0, 0)
        self.catch_up_progress.show()
        self.sync_label.setText(self.tr("Catching up…"))
        self._catch_up_task = self.background.run(
            catch_up_work,
            self.runner,
            on_progress=self._catch_up_progress,
            on_done=self._caught_up,
            on_error=self._catch_up_failed,
            on_cancelled=self._catch_up_stopped,
        )
        return self._catch_up_task

    def _catch_up_progress(self, done: int, total: int, _message: str = "") -> None:
        if total > 0:
            self.catch_up_progress.setRange(0, total)
            self.catch_up_progress.setValue(done)
        self.sync_label.setText(
            self.tr("Catching up: {count} events").format(count=f"{max(0, total - done):,}")
        )

    def _caught_up(self, result: dict) -> None:
        self._catch_up_task = None
        self.catch_up_progress.hide()
        self.set_sync_status(result["lag"])

    def _catch_up_failed(self, error: BaseException, _details: str = "") -> None:
        self._catch_up_task = None
        self.catch_up_progress.hide()
        self._show_sync_problem(error)

    def _catch_up_stopped(self) -> None:
        self._catch_up_task = None
        self.catch_up_progress.hide()

    def _show_sync_problem(self, error: BaseException) -> None:
        self.sync_label.setText(self.tr("Cannot read new events; will try again"))
        self.sync_label.setToolTip(str(error))
        self.check_damage(error)  # a damaged file: say so, offer the latest backup

    def poll(self):
        """The poll timer: pick up events from other workstations, off the GUI thread."""
        if self._poll_task is not None or self._catch_up_task is not None:
            return None
        if self._rebuild_task is not None:
            return None
        self._poll_task = self.background.run(
            poll_work, self.runner, on_done=self._polled, on_error=self._poll_failed,
            on_cancelled=self._poll_stopped,
        )  # fmt: skip
        return self._poll_task

    def _polled(self, result: dict) -> None:
        self._poll_task = None
        self.set_sync_status(result["lag"])

    def _poll_failed(self, error: BaseException, _details: str = "") -> None:
        self._poll_task = None
        self._show_sync_problem(error)

    def _poll_stopped(self) -> None:
        self._poll_task = None

    # -- menu commands -------------------------------------------------------------------
    def confirm_rebuild(self) -> None:
        answer = QMessageBox.question(
            self,
            self.tr("Rebuild read models"),
            self.tr(
                "Houselights will re-read every recorded event and rebuild the patron "
                "list and timelines on this computer. Nothing recorded is changed or lost.\n\n"
                "With a long history this takes a while. Rebuild now?"
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.rebuild_read_models()

    def import_sales(self) -> ImportSalesDialog:
        """Open (or bring forward) the online-sales import dialog."""
        if self.import_dialog is None:
            self.import_dialog = ImportSalesDialog(
                self.app, self.background, self.settings, parent=self
            )
            self.import_dialog.imported.connect(self._sales_imported)
        self.import_dialog.show()
        self.import_dialog.raise_()
        self.import_dialog.activateWindow()
        return self.import_dialog

    def _sales_imported(self, report: dict) -> None:
        self.show_message(
            self.tr("Imported {orders} online orders ({tickets} tickets).").format(
                orders=report["imported"], tickets=report["tickets"]
            )
        )

    def rebuild_read_models(self):
        """Rebuild in the background with a progress dialog that can be cancelled."""
        if self._rebuild_task is not None:
            return self._rebuild_task
        self.poll_timer.stop()
        self.sync_label.setText(self.tr("Rebuilding…"))
        task, self.rebuild_dialog = run_with_progress(
            self,
            self.background,
            self.tr("Rebuilding the patron list and timelines…"),
            rebuild_work,
            self.runner,
            on_done=self._rebuilt,
            on_error=self._rebuild_failed,
            on_cancelled=self._rebuild_stopped,
        )
        self._rebuild_task = task
        return task

    def _rebuild_finished(self) -> None:
        self._rebuild_task = None
        self.rebuild_dialog = None
        self.poll_timer.start()
        self.read_models_changed()

    def _rebuilt(self, result: dict) -> None:
        self._rebuild_finished()
        self.set_sync_status(result["lag"])
        self.show_message(
            self.tr("Rebuilt from {count} events.").format(count=f"{result['applied']:,}")
        )

    def _rebuild_failed(self, error: BaseException, _details: str = "") -> None:
        self._rebuild_finished()
        QMessageBox.warning(
            self,
            self.tr("Rebuild stopped"),
            self.tr(
                "The rebuild could not finish: {error}\n\nNothing recorded was changed. "
                "The lists on this computer catch up again on their own; you can also "
                "try the rebuild again."
            ).format(error=error),
        )

    def _rebuild_stopped(self) -> None:
        self._rebuild_finished()
        self.show_message(
            self.tr("Rebuild cancelled. The lists catch up with the rest on their own.")
        )

    def show_about(self) -> None:
        config = self.services.config
        QMessageBox.about(
            self,
            self.tr("About Houselights"),
            self.tr(
                "<h3>Houselights {version}</h3>"
                "<p>Know and welcome your patrons.</p>"
                "<p><b>Data folder:</b> {data}<br><b>Event store:</b> {store}</p>"
                "<p>Python {python}</p>"
            ).format(
                version=app_version(),
                data=config.data_dir,
                store=config.describe(),
                python=sys.version.split()[0],
            ),
        )

    # -- closing ---------------------------------------------------------------------------
    def closeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        self._save()
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop timers and background work; safe to call more than once."""
        self.poll_timer.stop()
        self.backup_timer.stop()
        self.watcher.close()
        self.door_view.shutdown()
        self.background.shutdown()
