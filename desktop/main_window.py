"""The main window: navigation on the left, one area at a time on the right.

The window owns the plumbing the screens share: the read-model watcher (views
refresh only when the runner says something changed), the poll timer that
picks up other workstations' events, the start-up catch-up and rebuild in the
background, and the status bar that says whether this workstation is up to date.
"""

from __future__ import annotations

import functools
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QProgressDialog,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import formatting
from desktop.areas import (  # noqa: F401 - the area keys, for callers of the window
    AREA_LIST,
    AREAS,
    AUDIT,
    BOX_OFFICE,
    BY_KEY,
    DOOR,
    DUPLICATES,
    FOLLOW_UPS,
    LADDER,
    PATRONS,
    REPORTS,
    SETTINGS,
    THANK_YOUS,
    Refreshing,
    areas_for,
)
from desktop.background import BackgroundRunner, Task, run_with_progress
from desktop.backup_actions import BackupActions
from desktop.ladder_upkeep import LadderUpkeep
from desktop.scanner import ScannerFilter
from desktop.server_connection import needs_server, offline_words, server_connection
from desktop.sounds import VerdictSounds
from desktop.views.box_office.box_office import BoxOfficeView
from desktop.views.conversations.call_dialog import CallDialog
from desktop.views.conversations.chat_import_dialog import ImportChatsDialog
from desktop.views.conversations.follow_ups import WAITING_TAB, FollowUpsView
from desktop.views.conversations.on_duty import OnDutyLabel
from desktop.views.conversations.rota_dialog import RotaDialog
from desktop.views.door.door import DoorView
from desktop.views.duplicates.duplicates import DuplicatesView
from desktop.views.forms import open_or_raise
from desktop.views.imports.import_dialog import ImportSalesDialog
from desktop.views.loyalty.ladder import LadderView
from desktop.views.loyalty.thank_yous import ThankYouView
from desktop.views.patrons.area import PatronsArea
from desktop.views.patrons.patron_dialog import PatronDialog
from desktop.views.patrons.patron_page import PatronPage
from desktop.views.patrons.patrons import PatronListView
from desktop.views.reports.reports import ReportsView
from desktop.views.staff.audit import AuditView
from desktop.views.staff.sign_in_dialog import SignInDialog
from desktop.views.system.settings_page import SettingsPage
from desktop.watcher import ReadModelWatcher
from desktop.writer import shared_writer
from domain.door import may_become_own_code, read_scan
from domain.errors import NotAllowed, NotConnected
from domain.roles import Permission
from domain.ticket_codes import grouped, is_own_code, normalize_code
from infrastructure.bootstrap import ConnectingServices
from infrastructure.offline_door import DoorState, unreachable

if TYPE_CHECKING:
    from desktop.views.system.setup_assistant import SetupAssistant

DEFAULT_POLL_MS = 2000
#: a look for new events still running after this long: a quick look at the server
SLOW_POLL_MS = 2000


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


def look_work(progress, door) -> bool:
    """Whether the shared server answers a quick look (``OfflineDoor.server_answers``)."""
    return door.server_answers()


def rebuild_work(progress, runner) -> dict:
    def report(done: int, total: int) -> None:
        progress.update(done, total, "")

    applied = runner.rebuild(progress=report, cancelled=lambda: progress.cancelled)
    return {"applied": applied, "lag": runner.lag()}


class AreaStack(QStackedWidget):
    """The areas, one at a time, asking only for the room of the one shown (so the
    window scrolls for a large area, not for every area because of one)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.currentChanged.connect(lambda _index: self.updateGeometry())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        shown = self.currentWidget()
        if shown is None:
            return super().minimumSizeHint()
        # a minimum the area set itself counts too (the ladder's, for its wrapped lines)
        return shown.minimumSizeHint().expandedTo(shown.minimumSize())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        shown = self.currentWidget()
        return shown.sizeHint() if shown is not None else super().sizeHint()

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's name
        return False

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt's name
        # The scroll area would take a page's *preferred* height for its width (wrapped
        # words at their most comfortable) as the least it needs, and scroll a door
        # that fits; the shown page's minimum size is what it needs.
        return -1


class MainWindow(BackupActions):
    #: the shared store opened (emitted from the door's store thread)
    _connected_signal = Signal()

    def __init__(self, services, settings=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.app = services.app
        self.runner = services.runner
        self.settings = settings
        if settings is not None:
            from desktop import file_dialogs, formatting
            from desktop import settings as settings_module

            settings_module.use(settings)
            formatting.configure_from(settings)
            file_dialogs.remember_in(settings)
            self.app.rota.local_zone = settings_module.organization_zone(settings)
        self.setup_assistant: SetupAssistant | None = None
        self.setObjectName("mainWindow")
        self.setWindowTitle(self.tr("Houselights"))
        self.resize(1240, 800)

        self.background = BackgroundRunner(self)
        #: every command that writes (door scans, sales, notes...) runs on the application's
        #: one writer, off the GUI thread (the dialogs hand theirs there too)
        self.writer = shared_writer()
        #: one scanner filter for the whole window: a scan never types into a field
        self.scanner = ScannerFilter(
            self,
            int(self._setting("door/scanner_gap_ms", 30)),
            int(self._setting("door/scanner_min_length", 6)),
        )
        self.scanner.scope = self
        self.scanner.claims = self.scan_claimed
        self.scanner.may_be_scan = self.scan_may_continue
        self.scanner.scanned.connect(self.take_scan)
        self.watcher = ReadModelWatcher(self.runner, self)
        self.watcher.changed.connect(self.read_models_changed)
        self._catch_up_task: Task | None = None
        self._poll_task: Task | None = None
        self._rebuild_task: Task | None = None
        self.rebuild_dialog: QProgressDialog | None = None
        self.patron_dialog: PatronDialog | None = None
        self.import_dialog: ImportSalesDialog | None = None
        self.call_dialog: CallDialog | None = None
        self.chat_import_dialog: ImportChatsDialog | None = None
        self.rota_dialog: RotaDialog | None = None
        self.kiosk = False
        self.door_mode = False
        #: the organization's answers being recorded (the read model follows them after)
        self._recording_organization = 0

        self._build_areas()
        self._build_actions()
        self._build_status_bar()
        self._watch_offline_door()
        self.apply_role()

        self.poll_timer = QTimer(self)
        interval = self._setting("projections/poll_interval_ms", DEFAULT_POLL_MS)
        self.poll_timer.setInterval(int(interval))
        self.poll_timer.timeout.connect(self.poll)
        self.poll_timer.start()
        if self.settings is not None:
            self.settings.changed.connect(self._setting_changed)
            #: the organization's answers go to the store, shared by every workstation
            self.settings.record_organization = self._record_organization
        self._start_backup_timer()

        self._restore()
        if self.door_view.door_mode_remembered():
            self.door_view.set_door_mode(True)  # quitting or a crash does not leave it
        if self._area_shown(PATRONS):  # (a door volunteer's window reads no patrons)
            self.patron_list.run_search()
        # The other areas load when first shown: start-up reads one screen's rows.
        self._stale: set[str] = set(AREAS) - {PATRONS}
        self._refresh_shown_area()
        self.show_follow_up_badge()

    # -- building ------------------------------------------------------------------
    def _area_titles(self) -> dict[str, str]:
        return {area.key: area.label() for area in AREA_LIST}

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

        # The frame first and each area made inside it: a widget moved to another
        # parent is styled again, with everything in it (the application's style sheet),
        # and the areas were moved three times (0.2 to 0.3 s of the window's making).
        central = QWidget(self)
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        # On a small screen or at a large scaling (a laptop at 125%, 150%) an area that
        # needs more room than the window has scrolls instead of being cut off.
        self.area_scroll = QScrollArea(central)
        self.area_scroll.setObjectName("areaScroll")
        self.area_scroll.setWidgetResizable(True)
        self.area_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.areas = AreaStack()
        self.areas.setObjectName("areas")
        self.area_scroll.setWidget(self.areas)
        stack = self.areas

        self.patron_list = PatronListView(self.runner)
        self.patron_page = PatronPage(self.app, self.runner)
        self.patron_page.door_front = self.services.door()  # its unsent admissions too
        self.patron_page.erase_targets = self._erase_targets  # backups an erasure cleans
        self.patrons_area = PatronsArea(self.patron_list, self.patron_page, stack)
        self.patron_list.open_patron.connect(self.open_patron)
        self.patron_list.new_patron_requested.connect(self.new_patron)
        self.patron_list.exported.connect(
            lambda path: self.show_message(self.tr("Saved {path}").format(path=path))
        )
        self.patron_page.back_requested.connect(self.show_patron_list)
        self.patron_page.open_patron.connect(self.open_patron)
        self.patron_page.message.connect(self.show_message)

        self.pages: dict[str, QWidget] = {PATRONS: self.patrons_area}
        self.box_office = BoxOfficeView(self.app, self.runner, stack)
        self.box_office.door_front = self.services.door()  # its waiting scans count here too
        self.box_office.message.connect(self.show_message)
        self.box_office.open_patron.connect(self.open_patron)
        self.pages[BOX_OFFICE] = self.box_office
        self._build_follow_ups()
        self.door_view = DoorView(
            self.app,
            self.runner,
            self.settings,
            VerdictSounds(
                self.services.config.data_dir, enabled=bool(self._setting("door/sounds", True))
            ),
            stack,
            scanner=self.scanner,
            writer=self.writer,
            door_front=self.services.door(),
        )
        self._changed_after_verdict = False
        self.door_view.settled.connect(self._door_settled)
        self.door_view.kiosk_changed.connect(self.set_kiosk)
        self.door_view.door_mode_changed.connect(self.set_door_mode)
        self.pages[DOOR] = self.door_view
        self.ladder_view = LadderView(self.runner, stack)
        self.ladder_view.open_patron.connect(self.open_patron)
        self.ladder_view.exported.connect(
            lambda path: self.show_message(self.tr("Saved {path}").format(path=path))
        )
        self.pages[LADDER] = self.ladder_view
        self.ladder_upkeep = LadderUpkeep(self.runner, self.settings, self.background, self)
        self.ladder_upkeep.recomputed.connect(self.read_models_changed)
        self.ladder_upkeep.message.connect(self.show_message)
        self.thank_yous = ThankYouView(
            self.app,
            self.runner,
            stack,
            organization=str(self._setting("organization/name", "")),
        )
        self.thank_yous.message.connect(self.show_message)
        self.thank_yous.open_patron.connect(self.open_patron)
        self.pages[THANK_YOUS] = self.thank_yous
        self.reports = ReportsView(self.runner, stack, app=self.app)
        self.reports.exported.connect(
            lambda path: self.show_message(self.tr("Saved {path}").format(path=path))
        )
        self.reports.open_patron.connect(self.open_patron)
        self.pages[REPORTS] = self.reports
        self.duplicates = DuplicatesView(self.app, self.runner, self.background, stack)
        self.duplicates.open_patron.connect(self.open_patron)
        self.duplicates.message.connect(self.show_message)
        self.pages[DUPLICATES] = self.duplicates
        self.settings_page = SettingsPage(self.settings, self.services.config, stack)
        self.settings_page.message.connect(self.show_message)
        self.settings_page.assistant_requested.connect(self.run_setup_assistant)
        self.pages[SETTINGS] = self.settings_page

        self.audit_view = AuditView(self.runner, stack)
        self.audit_view.exported.connect(
            lambda path: self.show_message(self.tr("Saved {path}").format(path=path))
        )
        self.pages[AUDIT] = self.audit_view

        for key in AREAS:
            self.areas.addWidget(self.pages[key])
        self.navigation.currentRowChanged.connect(self.areas.setCurrentIndex)
        self._stale = set()
        self.areas.currentChanged.connect(self._refresh_shown_area)

        sidebar = QWidget(central)
        sidebar.setObjectName("sidebar")
        brand = QLabel(self.tr("Houselights"), sidebar)
        brand.setObjectName("brand")
        self.brand = brand
        side = QVBoxLayout(sidebar)
        side.setContentsMargins(0, 0, 0, 0)
        side.setSpacing(0)
        side.addWidget(brand)
        side.addWidget(self.navigation, 1)
        self.sidebar = sidebar

        layout.addWidget(sidebar)
        layout.addWidget(self.area_scroll, 1)
        self.setCentralWidget(central)
        self.navigation.setCurrentRow(0)

    def _build_actions(self) -> None:
        self.new_patron_action = needs_server(QAction(self.tr("&New patron…"), self))
        self.new_patron_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_patron_action.triggered.connect(self.new_patron)
        self.find_action = QAction(self.tr("&Find patron"), self)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.find_action.triggered.connect(self.focus_search)
        self.import_sales_action = needs_server(QAction(self.tr("&Import online sales…"), self))
        self.import_sales_action.triggered.connect(self.import_sales)
        self._build_conversation_actions()
        self.rebuild_action = QAction(self.tr("&Rebuild read models…"), self)
        self.rebuild_action.triggered.connect(self.confirm_rebuild)
        self.quit_action = QAction(self.tr("&Quit"), self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit_action.triggered.connect(self.close)
        self.switch_user_action = QAction(self.tr("S&witch user…"), self)
        self.switch_user_action.triggered.connect(self.switch_user)
        self.staff_action = QAction(self.tr("S&taff accounts…"), self)
        self.staff_action.triggered.connect(self.manage_staff)
        self.sign_out_action = QAction(self.tr("Sign &out"), self)
        self.sign_out_action.triggered.connect(self.sign_out)
        self.about_action = QAction(self.tr("&About Houselights"), self)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self.show_about)
        self.diagnostics_action = QAction(self.tr("&Copy diagnostics"), self)
        self.diagnostics_action.setToolTip(
            self.tr("Copy what a support request needs (no passwords) to the clipboard")
        )
        self.diagnostics_action.triggered.connect(self.copy_diagnostics)

        file_menu = self.menuBar().addMenu(self.tr("&File"))
        file_menu.addAction(self.new_patron_action)
        file_menu.addAction(self.find_action)
        file_menu.addSeparator()
        file_menu.addAction(self.import_sales_action)
        file_menu.addAction(self.rebuild_action)
        file_menu.addSeparator()
        file_menu.addAction(self.staff_action)
        file_menu.addAction(self.switch_user_action)
        file_menu.addAction(self.sign_out_action)
        self._add_backup_actions(file_menu)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        self._conversation_menu()
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        self.help_action = QAction(self.tr("&Help for this screen"), self)
        # F1 everywhere, and the system's own help key where it is another (macOS: Cmd+?)
        help_keys = QKeySequence.keyBindings(QKeySequence.StandardKey.HelpContents)
        f1 = QKeySequence(Qt.Key.Key_F1)
        self.help_action.setShortcuts([f1, *(k for k in help_keys if k != f1)])
        self.help_action.triggered.connect(lambda: self.show_help())
        from desktop import help as guide

        self.setProperty(guide.OWN_F1, True)
        guide.install_f1()  # F1 in dialogs too
        self.guide_action = QAction(self.tr("User &guide"), self)
        self.guide_action.triggered.connect(lambda: self.show_help("index"))
        help_menu.addAction(self.help_action)
        help_menu.addAction(self.guide_action)
        help_menu.addSeparator()
        help_menu.addAction(self.diagnostics_action)
        help_menu.addAction(self.about_action)
        # Shortcuts also work while the menu bar is hidden (native menu bars on macOS).
        for action in (
            self.new_patron_action,
            self.find_action,
            self.quit_action,
            self.log_call_action,
            self.help_action,
        ):
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
        self.on_duty = OnDutyLabel(self.runner, self)
        bar = self.statusBar()
        bar.setSizeGripEnabled(False)
        bar.addPermanentWidget(self.on_duty)
        bar.addPermanentWidget(self.catch_up_progress)
        bar.addPermanentWidget(self.sync_label)
        bar.addPermanentWidget(self.store_label)

    # -- an offline door (issue 18) ------------------------------------------------------
    def _watch_offline_door(self) -> None:
        """Send the door's queued scans in the background, and say in the status bar
        while the shared store does not answer that sales, refunds and exchanges wait.

        A window started without its server (``ConnectingServices``) works from this
        computer's copy; the door's background sync opens the store when the server
        answers, and the window then catches up (``_store_connected``)."""
        self.offline_label = QLabel(
            self.tr("Offline: the door goes on; saving anything else needs the server"), self
        )
        self.offline_label.setToolTip(offline_words())
        self.offline_label.setObjectName("offlineLabel")
        self.offline_label.hide()
        self.statusBar().addPermanentWidget(self.offline_label)
        self.online = True
        #: the sign-in dialog opened by itself when the server answered (once a window)
        self.sign_in_offered: SignInDialog | None = None
        self._was_offline = False
        watcher = self.door_view.offline_watcher
        if watcher is not None:
            watcher.changed.connect(lambda state: self.set_online(not state.offline))
            watcher.changed.connect(self._queue_changed)
            self.set_online(not watcher.state().offline)
        else:
            self.set_online(True)  # the embedded store: never offline
        if isinstance(self.services, ConnectingServices):
            queued = Qt.ConnectionType.QueuedConnection
            self._connected_signal.connect(self._store_connected, queued)
            self.services.on_connected = self._connected_signal.emit
            if not self.services.connected:
                self.sync_label.setText(self.tr("No connection to the server"))
        self.services.door().start_syncing()
        self._access_follows_connection()

    def _access_follows_connection(self) -> None:
        """While the server does not answer, "no staff accounts yet" is not asked of it
        on the GUI thread (each key press would wait for a connection that cannot come)."""
        try:
            access = self.app.access
        except NotConnected:  # a window started without its server: once it answers
            return
        access.store_offline = lambda: not server_connection().online

    def set_online(self, online: bool) -> None:
        """Whether the shared store answers: while it does not, every action that saves
        (``desktop.server_connection``: sales, notes, calls, merges...) is switched off
        and says why; when it answers again they come back, and on an office
        workstation where nobody is signed in the sign-in opens (once)."""
        was_online, self.online = self.online, online
        self.offline_label.setVisible(not online)
        server_connection().set_online(online)
        # the status bar says so at once (not when a look for new events gives up)
        if not online:
            self._say_no_connection(offline_words())
        elif not was_online:
            self.sync_label.setText(self.tr("Checking for new events…"))
            self.sync_label.setToolTip("")
            self.poll()
        if not online:
            self._was_offline = True
        elif self._was_offline:
            self.offer_sign_in()

    def _queue_changed(self, _state: DoorState) -> None:
        """The door queued a scan or sent some: the box office's figures and the patron's
        visits and timeline count them."""
        self._stale.update((BOX_OFFICE, PATRONS))
        self._refresh_shown_area()

    def offer_sign_in(self) -> SignInDialog | None:
        """The server answers again and nobody is signed in on a store with accounts:
        open the sign-in once (not at a door workstation or in door mode, where the door
        just goes on; not again when the connection comes and goes)."""
        if self.sign_in_offered is not None:
            return None
        if self.door_mode or self.kiosk or self._setting("workstation/role", "office") == "door":
            return None
        if QApplication.activeModalWidget() is not None:
            return None  # someone is busy with a dialog: the menu stays there
        try:
            if self.app.signed_in() is not None or not self.app.accounts_exist():
                return None
        except NotConnected:  # the store is not open yet: when it is (_store_connected)
            return None
        dialog = self.sign_in_dialog()
        self.sign_in_offered = dialog
        dialog.open()
        return dialog

    def _store_connected(self) -> None:
        """The shared store opened after a start without it: read what was missed."""
        self.store_label.setToolTip("")
        self._access_follows_connection()
        self.show_message(self.tr("Connected to the server again."))
        self.start_catch_up()
        if self.app.signed_in() is None and self.app.accounts_exist():
            self.show_message(
                self.tr(
                    "Connected to the server. Sign in (File → Switch user) to send the "
                    "door's waiting scans and to use the other areas."
                )
            )
            self.offer_sign_in()
        else:
            self.apply_role()

    def _erase_targets(self) -> dict:
        """Where an erasure looks for copies of the store: the data folder and backup folders."""
        from desktop.backup_actions import backup_folders_of

        folders = backup_folders_of(self) if self.services.config.kind == "sqlite" else []
        return {"data_dir": self.services.config.data_dir, "backup_folders": folders}

    # -- settings ----------------------------------------------------------------
    def _setting(self, key: str, default):
        if self.settings is None:
            return default
        value = self.settings.get(key)
        return default if value in (None, "") else value

    def _setting_changed(self, key: str) -> None:
        if key == "projections/poll_interval_ms":
            self.poll_timer.setInterval(int(self._setting(key, DEFAULT_POLL_MS)))
        if key == "organization/name":
            self.thank_yous.organization = str(self._setting(key, ""))
        if key.startswith("organization/"):  # dates and amounts follow the new locale
            from desktop.settings import organization_zone

            self.app.rota.local_zone = organization_zone(self.settings)
            self._stale = set(AREAS)
            self._refresh_shown_area()

    # -- the organization's answers, shared through the store ------------------------------
    def _record_organization(self, answers: dict[str, str]) -> None:
        """Record the organization's answers in the store (off the GUI thread)."""
        self._recording_organization += 1

        def done(_result=None) -> None:
            self._recording_organization -= 1

        def failed(error: BaseException, _details: str = "") -> None:
            done()
            self.show_message(
                self.tr("The organization's settings were not shared: {problem}").format(
                    problem=error
                )
            )
            self._follow_organization()  # back to what the store says

        configure = functools.partial(self.app.organization.configure_organization, **answers)
        self.writer.submit(configure, on_done=done, on_error=failed)

    def _follow_organization(self) -> None:
        """What another workstation answered for the organization, from the read model."""
        if self.settings is None or self._recording_organization:
            return
        from desktop import organization_sync
        from projections import organization

        try:
            profile = self.runner.read(Permission.SEE_STATUS, organization.profile)
        except NotAllowed:  # nobody signed in yet on a store with accounts: later
            return
        organization_sync.follow(self.settings, profile)

    # -- help (F1) ----------------------------------------------------------------------
    def show_help(self, page: str | None = None):
        """The user-guide page for what is in front of the user (F1), or ``page``."""
        from desktop import help as guide

        if page is None:
            return guide.help_for_focus()
        return guide.show_help(self, page)

    # -- the first-run assistant -----------------------------------------------------
    def run_setup_assistant(self):
        """Open the first-run assistant (modeless); on Start, begin as chosen there."""
        from desktop.views.system.setup_assistant import SetupAssistant

        if self.settings is None:
            return None
        if self.setup_assistant is not None:
            self.setup_assistant.raise_()
            return self.setup_assistant
        self.setup_assistant = SetupAssistant(self.app, self.settings, self)
        self.setup_assistant.setWindowModality(Qt.WindowModality.WindowModal)
        self.setup_assistant.finished.connect(self._setup_closed)
        self.setup_assistant.show()
        return self.setup_assistant

    def _setup_closed(self, result: int) -> None:
        assistant, self.setup_assistant = self.setup_assistant, None
        if assistant is None:
            return
        assistant.deleteLater()
        if result == assistant.DialogCode.Accepted:
            self._setup_finished(assistant)

    def _setup_finished(self, assistant) -> None:
        from desktop.views.system.setup_assistant import DEMO, IMPORT
        from desktop.views.system.setup_assistant import DOOR as DOOR_ROLE

        self.apply_role()  # a manager's account may have been made (and signed in)
        self.door_view.door_field.setText(str(self._setting("door/name", "")))
        if self._setting("workstation/role", "office") == DOOR_ROLE:
            self.show_area(DOOR)
        kind, path = assistant.chosen_start
        if kind == DEMO:
            self.load_demo()
        elif kind == IMPORT:
            self.import_sales().choose_file(path)
        self.show_message(
            self.tr("Welcome, {name}.").format(name=self._setting("organization/name", ""))
        )

    def load_demo(self, patrons: int = 400):
        """Fill the store with the demo organization, in the background with progress."""
        from demo import organization as demo

        zone = self.app.rota.local_zone  # the organization's, as the first-run assistant set it

        def work(progress, app):
            return demo.generate(
                app,
                patrons,
                progress=lambda done, total: progress.update(done, total, ""),
                cancelled=lambda: progress.cancelled,
                zone=zone,
            )

        task, _dialog = run_with_progress(
            self,
            self.background,
            self.tr("Making the demo organization…"),
            work,
            self.app,
            on_done=lambda _result: self.poll(),
        )
        return task

    def _restore(self) -> None:
        geometry = self._setting("ui/geometry", None)
        if geometry:
            self.restoreGeometry(QByteArray(geometry))
        area = self._setting("ui/last_area", PATRONS)
        if self._setting("workstation/role", "office") == "door":
            area = DOOR  # a door's computer opens on the door check
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
        if key not in self.allowed_areas():
            return  # not for this role (a door volunteer browses no donor data)
        self.navigation.setCurrentRow(AREAS.index(key))

    # -- who is signed in (issue 9) ------------------------------------------------
    def _area_shown(self, area: str) -> bool:
        """Whether the signed-in role sees ``area`` (as ``apply_role`` left the
        navigation: asked without a trip to the store, on the GUI thread)."""
        return not self.navigation.item(AREAS.index(area)).isHidden()

    def allowed_areas(self) -> set[str]:
        return areas_for(self.app.current_role())

    def apply_role(self) -> None:
        """Show only the areas of the signed-in role; name them in the title."""
        allowed = self.allowed_areas()
        for row, key in enumerate(AREAS):
            self.navigation.item(row).setHidden(key not in allowed)
        # Signed out: nothing on screen (and the door's scanner stops listening).
        self.areas.setVisible(bool(allowed))
        if self.current_area() not in allowed and allowed:
            self.navigation.setCurrentRow(min(AREAS.index(k) for k in allowed))
        role = self.app.current_role()
        self.patron_page.erase_button.setVisible(role == "manager")
        self.staff_action.setVisible(role == "manager")
        for action in (self.import_sales_action, self.new_patron_action, self.find_action):
            action.setEnabled(PATRONS in allowed)
        # Calls, chats and follow-ups are patron data too: not for the door (Ctrl+L included).
        for action in (self.log_call_action, self.import_chats_action, self.follow_ups_action):
            action.setEnabled(FOLLOW_UPS in allowed and not self.door_mode)
        signed_in = self.app.signed_in()
        self.switch_user_action.setVisible(self.app.accounts_exist())
        self.sign_out_action.setVisible(signed_in is not None)
        if signed_in:
            from domain.roles import ROLE_LABELS

            self.setWindowTitle(
                self.tr("Houselights — {name} ({role})").format(
                    name=signed_in.name, role=ROLE_LABELS.get(signed_in.role, "")
                )
            )
        else:
            self.setWindowTitle(self.tr("Houselights"))
        self._stale = set(AREAS)
        self._refresh_shown_area()

    def sign_in_dialog(self) -> SignInDialog:
        dialog = SignInDialog(self.app, self)
        dialog.accepted.connect(self.apply_role)
        dialog.rejected.connect(self._not_signed_in)
        return dialog

    def switch_user(self) -> SignInDialog:
        """Sign out, then ask who is taking over (returned for tests)."""
        self.app.sign_out()
        self.apply_role()
        dialog = self.sign_in_dialog()
        dialog.open()
        return dialog

    def manage_staff(self):
        """File → Staff accounts… (managers; returned for tests)."""
        from desktop.views.staff.staff_dialog import StaffDialog

        dialog = StaffDialog(self.app, self)
        dialog.changed.connect(self.apply_role)
        dialog.open()
        return dialog

    def sign_out(self) -> SignInDialog:
        return self.switch_user()

    def _not_signed_in(self) -> None:
        self.apply_role()
        if self.allowed_areas():
            return  # a door started without the server goes on without a sign-in
        if self.app.signed_in() is None and self.app.accounts_exist():
            self.close()  # nobody signed in: nothing to show

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
        if not on:
            self.apply_role()  # what the signed-in role may not use stays off

    def _show_chrome(self) -> None:
        door_only = self.kiosk or self.door_mode
        self.sidebar.setVisible(not door_only)
        self.menuBar().setVisible(not door_only)
        self.statusBar().setVisible(not self.kiosk)

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

        def make() -> PatronDialog:
            dialog = PatronDialog(self.app, None, self)
            dialog.saved.connect(self._patron_created)
            dialog.open_existing.connect(self.open_patron)
            return dialog

        return open_or_raise(self, "patron_dialog", make, modal=True)

    def _patron_created(self, patron_id: str) -> None:
        self.activateWindow()  # the dialog is closing: typing goes to the new page
        self.open_patron(patron_id)
        name = self.patron_page.row["name"] if self.patron_page.row else ""
        self.show_message(self.tr("{name} was added.").format(name=name))

    # -- calls, chats and follow-ups (issue 6) -------------------------------------------
    def _build_follow_ups(self) -> None:
        self.follow_ups = FollowUpsView(self.app, self.runner, self.areas)
        self.follow_ups.open_patron.connect(self.open_patron)
        self.follow_ups.message.connect(self.show_message)
        self.follow_ups.log_call_requested.connect(self.log_call)
        self.follow_ups.import_chats_requested.connect(self.import_chats)
        self.pages[FOLLOW_UPS] = self.follow_ups

    def _build_conversation_actions(self) -> None:
        self.log_call_action = needs_server(QAction(self.tr("&Log a call…"), self))
        self.log_call_action.setShortcut(QKeySequence("Ctrl+L"))
        self.log_call_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.log_call_action.triggered.connect(self.log_call)
        self.import_chats_action = needs_server(QAction(self.tr("Import &chats…"), self))
        self.import_chats_action.triggered.connect(self.import_chats)
        self.follow_ups_action = QAction(self.tr("&Follow-ups"), self)
        self.follow_ups_action.triggered.connect(lambda: self.show_area(FOLLOW_UPS))
        self.rota_action = QAction(self.tr("Duty &rota…"), self)
        self.rota_action.triggered.connect(self.open_rota)

    def _conversation_menu(self) -> None:
        menu = self.menuBar().addMenu(self.tr("&Calls && chats"))
        for action in (
            self.log_call_action,
            self.import_chats_action,
            self.follow_ups_action,
            self.rota_action,
        ):
            menu.addAction(action)

    def log_call(self) -> CallDialog | None:
        """Ctrl+L from anywhere: the quick call form (for the patron on screen, if any).

        Not at a volunteer's door station (door mode or kiosk): no patron search there.
        """
        if self.door_mode or self.kiosk or FOLLOW_UPS not in self.allowed_areas():
            return None

        def make() -> CallDialog:
            patron = None
            on_page = self.patrons_area.currentWidget() is self.patron_page
            if self.current_area() == PATRONS and on_page:
                patron = self.patron_page.row
            dialog = CallDialog(self.app, self.runner, patron, self)
            dialog.logged.connect(
                lambda result: self.show_message(
                    self.tr("Call with {name} logged.").format(
                        name=result["patron"].get("name") or ""
                    )
                )
            )
            return dialog

        return open_or_raise(self, "call_dialog", make, modal=True)

    def import_chats(self) -> ImportChatsDialog | None:
        if FOLLOW_UPS not in self.allowed_areas():
            return None  # a door volunteer's session (the service refuses it too)

        def make() -> ImportChatsDialog:
            dialog = ImportChatsDialog(self.app, self.background, self.settings, parent=self)
            dialog.imported.connect(self._chats_imported)
            return dialog

        return open_or_raise(self, "chat_import_dialog", make, keep=True)

    def open_rota(self) -> RotaDialog | None:
        """Calls & chats → Duty rota (everyone but the door sees it; a manager edits it)."""
        if FOLLOW_UPS not in self.allowed_areas():
            return None

        def make() -> RotaDialog:
            dialog = RotaDialog(self.app, self.runner, self)
            dialog.changed.connect(self.show_message)
            return dialog

        return open_or_raise(self, "rota_dialog", make)

    def show_follow_up_badge(self) -> None:
        """'Follow-ups (3)' in the navigation while something is overdue or due today."""
        from projections.conversations import follow_up_counts

        title = self._area_titles()[FOLLOW_UPS]
        item = self.navigation.item(AREAS.index(FOLLOW_UPS))
        if not self._area_shown(FOLLOW_UPS):  # a role that may not read patrons: no count
            item.setText(title)
            item.setToolTip("")
            return
        try:
            counts = self.runner.read(Permission.READ_PATRONS, follow_up_counts, formatting.today())
        except NotAllowed:  # the role changed under the window: no count until it shows
            item.setText(title)
            return
        due = counts["overdue"] + counts["today"]
        item.setText(f"{title} ({due})" if due else title)
        self.fit_navigation()
        item.setToolTip(self.tr("{overdue} overdue, {today} due today").format(**counts))

    def _chats_imported(self, report: dict) -> None:
        self.show_message(
            self.tr(
                "Imported {imported} chats: {linked} on a patron's timeline, {unmatched} waiting."
            ).format(**report)
        )
        if report["unmatched"]:
            self.follow_ups.show_tab(WAITING_TAB)

    # -- read models -----------------------------------------------------------------
    def read_models_changed(self, _position: int = 0) -> None:
        """The runner wrote new rows: refresh the area on screen; the others when shown.

        At the door this keeps scans from reloading the patron list, the box office
        and the reports nobody is looking at; while a scan is being checked, the
        refresh waits for its verdict (the writer's catch-up is what woke it).
        """
        if getattr(self, "_shut_down", False):
            return
        if self.door_view.busy:
            self._changed_after_verdict = True
            return
        self._changed_after_verdict = False
        self._follow_organization()
        self._stale = set(AREAS)
        self._refresh_shown_area()
        self.show_follow_up_badge()
        self.on_duty.refresh()
        if self.rota_dialog is not None and self.rota_dialog.isVisible():
            self.rota_dialog.refresh()

    def _door_settled(self) -> None:
        if self._changed_after_verdict:
            QTimer.singleShot(0, self.read_models_changed)

    def _refresh_shown_area(self, _index: int = 0) -> None:
        area = self.current_area()
        if area not in self._stale or not self._area_shown(area):
            return  # (an area this role does not see is never read: the service refuses)
        self._stale.discard(area)
        if BY_KEY[area].refreshes:
            page = self.pages[area]
            assert isinstance(page, Refreshing), area
            try:
                page.refresh()
            except NotAllowed:  # the role changed under the window (an account was just
                self._stale.add(area)  # made): apply_role, which follows, shows the rest

    def _say_no_connection(self, why: str) -> None:
        self.sync_label.setText(self.tr("No connection to the server"))
        self.sync_label.setToolTip(why)

    def set_sync_status(self, lag: int) -> None:
        if not self.online:  # the connection's state says more than one look that worked
            return
        if lag <= 0:
            self.sync_label.setText(self.tr("Up to date"))
        else:
            self.sync_label.setText(
                self.tr("Catching up: {count} events").format(count=formatting.number(lag))
            )
        self.sync_label.setToolTip("")

    def start_catch_up(self):
        """Apply the events this workstation has not seen yet, in the background."""
        if self._catch_up_task is not None:
            return self._catch_up_task
        if not self.runner.connected:  # started without the server: when it answers
            self.sync_label.setText(self.tr("No connection to the server"))
            return None
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
            self.tr("Catching up: {count} events").format(
                count=formatting.number(max(0, total - done))
            )
        )

    def _caught_up(self, result: dict) -> None:
        self._catch_up_task = None
        self.catch_up_progress.hide()
        self.set_sync_status(result["lag"])
        self.ladder_upkeep.check()  # the office's loyalty rules may be new to this ladder

    def _catch_up_failed(self, error: BaseException, _details: str = "") -> None:
        self._catch_up_task = None
        self.catch_up_progress.hide()
        self._show_sync_problem(error)

    def _catch_up_stopped(self) -> None:
        self._catch_up_task = None
        self.catch_up_progress.hide()

    def _show_sync_problem(self, error: BaseException) -> None:
        if isinstance(error, NotConnected):  # started without the server: not a problem
            self.sync_label.setText(self.tr("No connection to the server"))
            self.sync_label.setToolTip(str(error))
            return
        if unreachable(error):  # the door decides here and sales wait, until it answers
            self.services.door().store_failed()
            self._say_no_connection(str(error))
            return
        self.sync_label.setText(self.tr("Cannot read new events; will try again"))
        self.sync_label.setToolTip(str(error))
        self.check_damage(error)  # a damaged file: say so, offer the latest backup

    def poll(self):
        """The poll timer: pick up events from other workstations, off the GUI thread."""
        if self._poll_task is not None or self._catch_up_task is not None:
            return None
        if not self.runner.connected:  # nothing to read until the server answers
            return None
        if self._rebuild_task is not None:
            return None
        if self.door_view.busy:  # a verdict on its way to the screen goes first
            return None
        self._poll_task = self.background.run(
            poll_work,
            self.runner,
            on_done=self._polled,
            on_error=self._poll_failed,
            on_cancelled=self._poll_stopped,
        )
        if self.online and self.services.config.kind == "postgresql":
            # a look that does not come back soon: is the server there at all? (the
            # pool's own waits and retries take about 40 s to give up)
            QTimer.singleShot(SLOW_POLL_MS, lambda task=self._poll_task: self._poll_slow(task))
        return self._poll_task

    def _poll_slow(self, task) -> None:
        if task is None or task is not self._poll_task or not self.online:
            return  # answered meanwhile, or known offline already
        self.background.run(look_work, self.services.door(), on_done=self._looked)

    def _looked(self, answers: bool) -> None:
        if not answers and self.online:
            self.services.door().store_failed()
            self._say_no_connection(offline_words())

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

        def make() -> ImportSalesDialog:
            dialog = ImportSalesDialog(
                self.app, self.background, self.settings, parent=self, runner=self.runner
            )
            dialog.imported.connect(self._sales_imported)
            return dialog

        return open_or_raise(self, "import_dialog", make, keep=True)

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
            self.tr("Rebuilt from {count} events.").format(
                count=formatting.number(result["applied"])
            )
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

    def show_about(self):
        """Help → About: version, data folder, Open data folder, Copy diagnostics."""
        from desktop.views.system.about_dialog import AboutDialog

        dialog = AboutDialog(self.services, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.diagnostics_copied.connect(
            lambda _text: self.show_message(self.tr("Diagnostics copied to the clipboard."))
        )
        self.about_dialog = dialog
        dialog.open()
        return dialog

    def copy_diagnostics(self) -> str:
        """Help → Copy diagnostics: version, system, store kind, events, last log lines."""
        from desktop.diagnostics import copy_diagnostics

        text = copy_diagnostics(self.services)
        self.show_message(self.tr("Diagnostics copied to the clipboard."))
        return text

    # -- closing ---------------------------------------------------------------------------
    #: below this width (in logical pixels: a 1366-pixel laptop at 125% has 1093) the
    #: area list takes only the room its words need, and the areas get the rest
    NARROW_WINDOW = 1200
    NAVIGATION_WIDTH = 210

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self.fit_navigation()

    def fit_navigation(self) -> None:
        """The area list as wide as its longest name on a narrow window (a laptop at 125%
        or 150%), 210 pixels otherwise."""
        width = self.NAVIGATION_WIDTH
        if self.width() < self.NARROW_WINDOW and self.navigation.count():
            metrics = self.navigation.fontMetrics()
            words = max(
                metrics.horizontalAdvance(self.navigation.item(i).text())
                for i in range(self.navigation.count())
            )
            width = min(width, words + 18 * 2 + 4 + 16)  # the items' padding, mark, room
            width = max(width, self.brand.sizeHint().width())  # the sidebar's one width
        if self.navigation.width() != width:
            self.navigation.setFixedWidth(width)
        self._fit_margins()
        # on a short window (a laptop at 150%) every area is in the list without scrolling
        tall = 42 if self.height() >= 600 else 34
        for i in range(self.navigation.count()):
            item = self.navigation.item(i)
            if item.sizeHint().height() != tall:
                item.setSizeHint(QSize(0, tall))

    def _fit_margins(self) -> None:
        """Half the room around each area on a narrow window; the areas that arrange
        themselves for a small window (their own ``resizeEvent``) are left to it."""
        narrow = self.width() < self.NARROW_WINDOW
        if narrow == getattr(self, "_narrow_margins", None):
            return
        self._narrow_margins = narrow
        kept = self.__dict__.setdefault("_wide_margins", {})
        for key, page in self.pages.items():
            layout = page.layout()
            if layout is None or "resizeEvent" in type(page).__dict__:
                continue
            wide = kept.setdefault(key, layout.contentsMargins())
            if narrow:
                layout.setContentsMargins(
                    min(wide.left(), 14),
                    min(wide.top(), 10),
                    min(wide.right(), 14),
                    min(wide.bottom(), 10),
                )
            else:
                layout.setContentsMargins(wide)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        self.scanner.start()

    # -- scans anywhere ----------------------------------------------------------------------
    def _scans_to_door(self) -> bool:
        if DOOR not in self.allowed_areas():
            return False  # nobody signed in: no scan is taken
        return self.door_mode or self.current_area() == DOOR

    def scan_claimed(self, text: str) -> bool:
        """Whether a scanner burst is a scan on the screen shown: on the door every burst
        is (a garbled one says what was read); elsewhere a burst that reads as a ticket
        (one of our codes, or another system's code we sold). Anything else is typing."""
        if self._scans_to_door():
            return True
        if not self.allowed_areas():
            return False
        reading = read_scan(text)
        if reading.looks_own:
            return True
        if not self._area_shown(BOX_OFFICE):  # tickets are the office's to look up
            return False
        from projections import box_office

        return (
            reading.usable
            and self.runner.read(Permission.READ_TICKETS, box_office.ticket, reading.code)
            is not None
        )

    def scan_may_continue(self, text: str) -> bool:
        """Whether keys typed so far can still become a scan on the screen shown (only
        then are they held back): on the door always; elsewhere while they can still
        grow into one of our codes or a code we sold."""
        if self._scans_to_door():
            return True
        if not self.allowed_areas():
            return False
        if may_become_own_code(text):
            return True
        if not self._area_shown(BOX_OFFICE):  # tickets are the office's to look up
            return False
        from projections import box_office

        return self.runner.read(
            Permission.READ_TICKETS, box_office.ticket_code_starts_with, normalize_code(text)
        )

    def take_scan(self, text: str) -> None:
        """A scan: on the Door it checks the ticket in; elsewhere it opens what the ticket
        belongs to."""
        if self._scans_to_door():
            if DOOR in self.allowed_areas():
                self.door_view.take_scan(text)
                if self.door_view.closed_for_scan:
                    self.show_message(
                        self.tr("“{window}” was closed to show the scan's verdict.").format(
                            window=", ".join(self.door_view.closed_for_scan)
                        )
                    )
            return
        self.open_ticket(text)

    def open_ticket(self, text: str) -> str | None:
        """Away from the door: the ticket's holder with its order selected (an exchange,
        a refund, a question), or, sold without a name, the ticket at the box office.
        Returns what was opened: "patron", "box_office" or None."""
        from projections import box_office

        reading = read_scan(text)
        if not reading.usable:
            self.show_message(
                self.tr("Scanned {text}: {hint}").format(text=reading.scanned, hint=reading.hint)
            )
            return None
        shown = grouped(reading.code) if is_own_code(reading.code) else reading.code
        modal = QApplication.activeModalWidget()
        if modal is not None:
            text = self.tr("Ticket {code} scanned: close “{window}” first to look it up.")
            self.show_message(text.format(code=shown, window=modal.windowTitle()))
            return None
        ticket = self.runner.read(Permission.READ_TICKETS, box_office.ticket, reading.code)
        if ticket is None:
            self.show_message(
                self.tr("Ticket {code} scanned: we have no ticket with this code.").format(
                    code=shown
                )
            )
            return None
        if ticket.get("patron_id") and PATRONS in self.allowed_areas():
            self.open_patron(ticket["patron_id"])
            self.patron_page.purchases.select_order(ticket["order_id"])
            self.show_message(
                self.tr("Ticket {code} scanned: its order is selected.").format(code=shown)
            )
            return "patron"
        if BOX_OFFICE in self.allowed_areas():
            self.show_area(BOX_OFFICE)
            self.box_office.refresh()
            if not self.box_office.select_performance(ticket["performance_id"]):
                # a performance that is over (this afternoon's matinee): the past shows too
                self.box_office.show_past.setChecked(True)
                self.box_office.select_performance(ticket["performance_id"])
            self.box_office.select_tickets([ticket["code"]])
            self.box_office.ticket_table.setFocus()
            self.show_message(
                self.tr("Ticket {code} scanned: sold without a name; it is selected here.").format(
                    code=shown
                )
            )
            return "box_office"
        return None

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        self._save()
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop timers and background work; safe to call more than once."""
        self._shut_down = True  # a refresh still in the event queue reads nothing
        server_connection().set_online(True)  # the next window starts from what it hears
        self.poll_timer.stop()
        self.backup_timer.stop()
        self.on_duty.stop()  # it would read the read models after they close
        self.scanner.stop()
        self.door_view.finish_verdicts()  # a verdict's catch-up goes in line too
        self.writer.shutdown()  # the commands in line are recorded first
        self.watcher.close()
        if self.settings is not None and self.settings.record_organization is not None:
            self.settings.record_organization = None
        self.door_view.shutdown()
        self.thank_yous.shutdown()
        self.background.shutdown()
