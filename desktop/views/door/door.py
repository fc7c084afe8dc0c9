"""The door: scan, look, smile.

A door volunteer chooses the performance (today's is preselected) and scans.
A USB scanner works whichever widget has focus (``desktop.scanner``: the main
window's one filter hands the door every scan while it is shown); codes can
be typed too. Each check runs on the writer worker (``desktop.writer``), never
on the GUI thread: the verdict arrives as a signal, and when the server has
not answered within ``NO_ANSWER_MS`` the panel says so. A verdict goes back to
"Ready to scan" after ``door/verdict_seconds``. The door follows the night:
when a performance starts within ``door/follow_hours`` and another is shown,
it switches (or, right after a scan, offers the switch on F8); a ticket for
another performance today offers the switch on F8 too. The verdict fills the
screen in its own colour with its own sound, and on ADMIT a greeting cue says
whom to welcome and how. The house count on the right follows every door,
also other workstations' doors.

The view calls ``app.scan`` and reads only the door read model
(``projections.door``): no donor data, no patron records.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal, cast

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QStandardItemModel
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import formatting, style
from desktop.background import BackgroundRunner
from desktop.barcode_reading import codes_in_file, zbar_problem
from desktop.door_check import door_greeting
from desktop.file_dialogs import open_file_name
from desktop.loyalty_labels import rung_label
from desktop.scanner import ScannerFilter
from desktop.settings import loyalty_thresholds, setting
from desktop.sounds import VerdictSounds
from desktop.views.door.camera_panel import CameraDialog
from desktop.views.door.door_lookup import DoorLookupDialog
from desktop.views.door.door_mode import PinDialog
from desktop.views.door.house_count import HouseCountCard, RecentScans
from desktop.views.door.offline_banner import OfflineBanner, OfflineWatcher
from desktop.views.door.verdict_panel import IDLE, VerdictPanel
from desktop.views.forms import is_busy, open_or_raise
from desktop.views.staff.sign_in_dialog import DoorUnlockDialog
from desktop.views.widgets import heading
from desktop.writer import CommandWriter
from domain import door as rules
from domain import loyalty, organization_time
from domain.application import Houselights
from domain.door_service import ScanResult, UndoResult
from domain.errors import HouselightsError
from domain.roles import Permission
from domain.ticket_codes import grouped, is_own_code
from infrastructure.offline_door import OfflineDoor
from projections import door
from projections.runner import ReadModelRunner

#: no answer from the store after this long: the door says it is waiting for the server
NO_ANSWER_MS = 300
#: a scan this recent means a queue at the door: the switch is offered, not made
QUIET_BEFORE_SWITCH_S = 5 * 60
#: the door looks at the clock this often to follow the night
FOLLOW_INTERVAL_MS = 60_000


@dataclass(frozen=True, slots=True)
class Checked:
    """A scan checked on the writer worker: the door's result, the greeting worked out
    next to it (ADMIT with a patron; None otherwise), and whether the read models have
    something to catch up with once the verdict is on screen."""

    result: ScanResult
    greeting: loyalty.Greeting | None = None
    behind: bool = False


@dataclass(frozen=True, slots=True)
class DoorNotice:
    """What the panel shows when no verdict came: ``no_connection`` (the server has not
    answered the ``waiting`` scans yet), ``busy_here`` (they wait for this workstation's
    own command being recorded: a sale, an import) or ``problem`` (nothing was checked:
    ``message`` says why, ``scanned`` what was read)."""

    verdict: Literal["no_connection", "busy_here", "problem"]
    message: str = ""
    scanned: str = ""
    waiting: int = 0


#: what the door shows last: a verdict, an undone admission, or a notice
Shown = ScanResult | UndoResult | DoorNotice


def door_qss(c: style.Scheme) -> str:
    """The door's own style in a colour scheme."""
    green = c.verdict_text["admit"]
    return (
        DOOR_QSS.replace("GREEN", green)
        .replace("MUTED", c.muted)
        .replace("TRACK", c.header)
        .replace("LINE", c.line)
        .replace("WARNING_BG", c.warning_bg)
        .replace("SWITCH_BG", "#e8effa" if c.name == "light" else "#22324a")
    )


DOOR_QSS = """
QWidget#doorView { background: palette(window); }
QComboBox#performanceChooser { font-size: 13pt; padding: 6px 10px; min-height: 26px; }
QLineEdit#doorNameField { font-size: 12pt; }
QLineEdit#doorCodeField { font-size: 13pt; padding: 8px 10px; }
QLabel#houseAdmitted { font-size: 40pt; font-weight: 700; color: GREEN; }
QLabel#houseAdmitted[compact="true"] { font-size: 26pt; }
QLabel#houseAdmitted[compact="tiny"] { font-size: 18pt; }
QWidget#doorView[tiny="true"] QComboBox#performanceChooser { font-size: 11pt; padding: 3px 8px; }
QWidget#doorView[tiny="true"] QLineEdit#doorNameField { font-size: 10pt; }
QWidget#doorView[tiny="true"] QLineEdit#doorCodeField { font-size: 11pt; padding: 4px 8px; }
QWidget#doorView[tiny="true"] QLabel#doorName,
QWidget#doorView[tiny="true"] QLabel#doorCount { font-size: 10pt; }
QWidget#doorView[tiny="true"] QWidget#doorSide QPushButton { padding: 4px 12px; min-height: 18px; }
QWidget#doorView[tiny="true"] QWidget#doorSide QPushButton:focus { padding: 3px 11px; }
QWidget#doorView[tiny="true"] QLabel#houseSold,
QWidget#doorView[tiny="true"] QListWidget#recentScans { font-size: 9pt; }
QLabel#houseSold { color: MUTED; font-size: 11pt; }
QProgressBar#houseBar { border: none; border-radius: 5px; background: TRACK; }
QProgressBar#houseBar::chunk { background: GREEN; border-radius: 5px; }
QLabel#doorName, QLabel#doorCount { font-size: 12pt; }
QLabel#doorCount { font-weight: 600; }
QListWidget#recentScans { border: none; background: transparent; font-size: 11pt; }
QListWidget#recentScans::item { padding: 3px 0; border-bottom: 1px solid LINE; }
QLabel#scannerHint { color: GREEN; font-weight: 600; }
QFrame#undoBar { background: WARNING_BG; border: 1px solid #e9a53a; border-radius: 8px; }
QFrame#undoBar QLabel { background: transparent; }
QFrame#switchBar { background: SWITCH_BG; border: 1px solid #2d5bb0; border-radius: 8px; }
QFrame#switchBar QLabel { background: transparent; font-size: 12pt; }
"""


def _starts(rows: list[dict]) -> dict[str, datetime]:
    return {r["id"]: datetime.fromisoformat(r["starts_at"]) for r in rows}


def pick_performance(rows: list[dict], now: datetime, last_chosen: str = "") -> str | None:
    """Today's performance at the venue (the one on now or next), else the last chosen,
    else the next: ``domain.organization_time`` on the organization's clock, whatever
    this computer's clock zone is."""
    return organization_time.pick_performance(_starts(rows), now, formatting.zone(), last_chosen)


def scan_and_greet(front, runner, thresholds, text: str, performance_id: str, door_name: str):
    """On the writer worker: the check (through the door's front: the store, or this
    door's own copy and queue when the store does not answer), then (on ADMIT) the
    greeting from the read models, so the GUI thread only paints.

    The read models catch up with the scan after its verdict is on screen (the
    result's ``behind`` says there is something to catch up, ``DoorView`` hands the
    writer ``runner.notify`` then): the greeting does not need it, as a patron's
    visits count the performances attended other than this one."""
    with runner.notifications_deferred() as saved:
        result: ScanResult = front.scan(text, performance_id, door_name)
    greeting = None
    if result.verdict == rules.ADMIT and result.patron_id:
        greeting = runner.read(
            Permission.DOOR_CHECK,
            door_greeting,
            result.patron_id,
            result.performance_id,
            thresholds,
        )
    return Checked(result, greeting, bool(saved))


def performance_to_follow(
    rows: list[dict], now: datetime, current: str | None, hours: int
) -> str | None:
    """The performance the door should be on now, when it is not the one shown
    (``domain.organization_time.performance_to_follow``). None: stay."""
    return organization_time.performance_to_follow(_starts(rows), now, current, hours)


class DoorView(QWidget):
    #: what the door shows after each scan (``Shown``), once it is on screen
    verdict_shown = Signal(object)
    #: kiosk (full screen, door only) switched on or off
    kiosk_changed = Signal(bool)
    #: volunteer door mode (door only until the PIN is typed) switched on or off
    door_mode_changed = Signal(bool)
    #: every check handed to the writer has been answered (refreshes may follow)
    settled = Signal()

    def __init__(
        self,
        app: Houselights,
        runner: ReadModelRunner,
        settings=None,
        sounds: VerdictSounds | None = None,
        parent: QWidget | None = None,
        scanner: ScannerFilter | None = None,
        writer: CommandWriter | None = None,
        door_front: OfflineDoor | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("doorView")
        self.app = app
        #: scans go through the door's front when there is one (it decides offline)
        self.door_front = door_front
        self.runner = runner
        self.settings = settings
        self.sounds = sounds or VerdictSounds(enabled=bool(setting(settings, "door/sounds")))
        self.kiosk = False
        self.last_result: Shown | None = None
        self._last_admitted: str | None = None
        self.lookup_dialog: DoorLookupDialog | None = None
        self.camera_dialog: CameraDialog | None = None
        self.background = BackgroundRunner(self)
        self.door_mode = False
        self.pin_dialog: PinDialog | DoorUnlockDialog | None = None
        self._pin_hash = str(setting(settings, "door/pin_hash"))
        self._performances: list[dict] | None = None
        self.thresholds = loyalty_thresholds(settings)
        #: now, for following the night (tests set a fixed evening)
        self.clock = lambda: datetime.now(tz=UTC)
        #: the window's scanner filter; on its own (tests, scripts) the door has its own
        self._own_scanner = scanner is None
        self.scanner = scanner or ScannerFilter(
            self,
            int(setting(settings, "door/scanner_gap_ms")),
            int(setting(settings, "door/scanner_min_length")),
        )
        if self._own_scanner:
            self.scanner.scope = self
            self.scanner.scanned.connect(self.take_scan)
        self._own_writer = writer is None
        self.writer = writer or CommandWriter(self)
        #: checks handed to the writer and not answered yet
        self.waiting = 0
        #: verdicts answered and not painted yet
        self._unpainted = 0
        #: the titles of the dialogs the last scan closed (they would hide its verdict)
        self.closed_for_scan: list[str] = []
        self._refresh_after_verdict = False
        self._last_scan_at = float("-inf")
        self._offer: tuple[str, str] | None = None  # (performance id, code to check again)
        self.no_answer_timer = QTimer(self)
        self.no_answer_timer.setSingleShot(True)
        self.no_answer_timer.setInterval(NO_ANSWER_MS)
        self.no_answer_timer.timeout.connect(self._no_answer)
        self.verdict_timer = QTimer(self)
        self.verdict_timer.setSingleShot(True)
        self.verdict_timer.timeout.connect(self._verdict_expired)
        self.follow_timer = QTimer(self)
        self.follow_timer.setInterval(FOLLOW_INTERVAL_MS)
        self.follow_timer.timeout.connect(lambda: self.follow_the_night())
        self.follow_timer.start()
        if settings is not None:
            settings.changed.connect(self._setting_changed)
        self.setStyleSheet(door_qss(style.current()))
        style.follow(lambda scheme: self.setStyleSheet(door_qss(scheme)))
        self._build()
        self.reload_performances()
        self.show_ready()

    def _setting_changed(self, key: str) -> None:
        """Changed on the Settings screen: the door follows at once."""
        if key.startswith("loyalty/"):
            self.thresholds = loyalty_thresholds(self.settings)
        elif key == "door/scanner_gap_ms":
            self.scanner.max_gap = int(setting(self.settings, key)) / 1000
        elif key == "door/scanner_min_length":
            self.scanner.min_length = int(setting(self.settings, key))
        elif key == "door/sounds":
            self.sounds.enabled = bool(setting(self.settings, key))
        elif key == "door/follow_hours":
            self.follow_the_night()

    # -- building -----------------------------------------------------------------------
    def _build(self) -> None:
        title = heading(self.tr("Door"), self)
        self.performance_box = QComboBox(self)
        self.performance_box.setObjectName("performanceChooser")
        # long titles do not widen the window; the list itself shows them whole
        self.performance_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.performance_box.setMinimumContentsLength(16)
        self.performance_box.view().setMinimumWidth(520)
        self.performance_box.setAccessibleName(self.tr("Performance"))
        self.performance_box.currentIndexChanged.connect(self._performance_chosen)
        door_caption = QLabel(self.tr("Door:"), self)
        door_caption.setObjectName("muted")
        self.door_field = QLineEdit(str(setting(self.settings, "door/name")), self)
        self.door_field.setObjectName("doorNameField")
        self.door_field.setMaximumWidth(150)
        self.door_field.setAccessibleName(self.tr("This door's name"))
        self.door_field.editingFinished.connect(self._door_renamed)
        self.kiosk_button = QPushButton(self.tr("Full screen (F11)"), self)
        self.kiosk_button.setObjectName("kioskButton")
        self.kiosk_button.setCheckable(True)
        self.kiosk_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.kiosk_button.toggled.connect(self.set_kiosk)
        self.door_mode_button = QPushButton(self.tr("Door mode…"), self)
        self.door_mode_button.setObjectName("doorModeButton")
        self.door_mode_button.setToolTip(
            self.tr("Volunteer door mode: only the door, until the PIN is typed")
        )
        self.door_mode_button.clicked.connect(self.toggle_door_mode)

        chooser = QHBoxLayout()
        chooser.setSpacing(12)
        chooser.addWidget(title)
        chooser.addSpacing(12)
        chooser.addWidget(self.performance_box, 1)
        tools = QHBoxLayout()
        tools.setSpacing(12)
        tools.addWidget(door_caption)
        tools.addWidget(self.door_field)
        tools.addWidget(self.kiosk_button)
        tools.addWidget(self.door_mode_button)
        # one row; two on a narrow window (a laptop at 150%), see ``fit``
        self.header = header = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        header.setSpacing(12)
        header.addLayout(chooser, 1)
        header.addLayout(tools)

        self.panel = VerdictPanel(self)
        self.house = HouseCountCard(self)
        self.recent = RecentScans(self)
        side = QVBoxLayout()
        side.setSpacing(14)
        side.addWidget(self.house)
        side.addWidget(self.recent, 1)
        side_widget = QWidget(self)
        side_widget.setObjectName("doorSide")
        side_widget.setLayout(side)
        side_widget.setFixedWidth(330)
        self.side_widget = side_widget
        side.setContentsMargins(0, 0, 0, 0)
        self.body = body = QHBoxLayout()
        body.setSpacing(18)
        body.addWidget(self.panel, 1)
        body.addWidget(side_widget)

        self.code_field = QLineEdit(self)
        self.code_field.setObjectName("doorCodeField")
        self.code_field.setPlaceholderText(self.tr("Type a ticket code and press Enter"))
        self.code_field.setAccessibleName(self.tr("Ticket code"))
        self.code_field.setClearButtonEnabled(True)
        self.code_field.returnPressed.connect(self._typed)
        self.check_button = QPushButton(self.tr("Check ticket"), self)
        self.check_button.setObjectName("primaryButton")
        self.check_button.clicked.connect(self._typed)
        self.scanner_hint = QLabel(self)
        self.scanner_hint.setObjectName("scannerHint")
        self.scanner_hint.setWordWrap(True)
        self._scanner_ready()
        self.scanner_hint.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.lookup_button = QPushButton(self.tr("Find by name…"), self)
        self.lookup_button.setToolTip(self.tr("Forgot the ticket? Find tonight's ticket holder"))
        self.lookup_button.clicked.connect(self.open_lookup)
        self.picture_button = QPushButton(self.tr("Scan a picture…"), self)
        self.picture_button.setToolTip(self.tr("A ticket on a phone screenshot or a PDF"))
        self.picture_button.clicked.connect(self.choose_picture)
        self.camera_button = QPushButton(self.tr("Camera…"), self)
        self.camera_button.clicked.connect(self.open_camera)
        self.undo_button = QPushButton(self.tr("Undo admission…"), self)
        self.undo_button.setToolTip(self.tr("Undo the last admission, with a reason"))
        self.undo_button.setEnabled(False)
        self.undo_button.clicked.connect(self.ask_undo)
        manual = QHBoxLayout()
        manual.setSpacing(10)
        manual.addWidget(self.code_field, 2)
        manual.addWidget(self.check_button)
        manual.addSpacing(12)
        manual.addWidget(self.scanner_hint, 3)
        self.side_actions = actions = QGridLayout()
        actions.setSpacing(8)
        self._place_actions(columns=2)
        side.addLayout(actions)
        # on a tiny window the house count and the latest scans share one place, as
        # two tabs (see ``fit``); otherwise the tabs are empty and hidden
        self.side_tabs = QTabWidget(side_widget)
        self.side_tabs.setObjectName("doorSideTabs")
        self.side_tabs.setDocumentMode(True)
        self.side_tabs.hide()
        self.undo_bar = self._build_undo_bar()
        self.switch_bar = self._build_switch_bar()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 20, 28, 20)
        layout.setSpacing(16)
        layout.addLayout(header)
        self._build_offline_banner(layout)
        layout.addLayout(body, 1)
        layout.addWidget(self.switch_bar)
        layout.addWidget(self.undo_bar)
        layout.addLayout(manual)

        self.kiosk_shortcut = QShortcut(QKeySequence(Qt.Key.Key_F11), self)
        self.kiosk_shortcut.activated.connect(self.kiosk_button.toggle)
        self.leave_kiosk_shortcut = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        self.leave_kiosk_shortcut.activated.connect(lambda: self.set_kiosk(False))
        self.switch_shortcut = QShortcut(QKeySequence(Qt.Key.Key_F8), self)
        self.switch_shortcut.activated.connect(self.accept_switch)

    def _place_actions(self, columns: int) -> None:
        """The four side buttons in two columns, or one (a tiny window)."""
        buttons = (self.lookup_button, self.undo_button, self.picture_button, self.camera_button)
        for button in buttons:
            self.side_actions.removeWidget(button)
        for n, button in enumerate(buttons):
            self.side_actions.addWidget(button, n // columns, n % columns)

    def _tab_the_side(self, tabbed: bool) -> None:
        """House count and latest scans one above the other, or as two tabs."""
        side = cast(QVBoxLayout, self.side_widget.layout())
        if tabbed == (self.side_tabs.count() > 0):
            return
        if tabbed:
            side.removeWidget(self.house)
            side.removeWidget(self.recent)
            self.side_tabs.addTab(self.house, self.tr("In the house"))
            self.side_tabs.addTab(self.recent, self.tr("Latest scans"))
            side.insertWidget(0, self.side_tabs, 1)
            self.side_tabs.show()
        else:
            self.side_tabs.clear()
            side.removeWidget(self.side_tabs)
            self.side_tabs.hide()
            side.insertWidget(0, self.house)
            side.insertWidget(1, self.recent, 1)
            self.house.show()
            self.recent.show()
        self.recent.title.setVisible(not tabbed)  # the tab says it
        self.house.title.setVisible(not tabbed)
        self._place_actions(columns=1 if tabbed else 2)

    def _build_switch_bar(self) -> QFrame:
        bar = QFrame(self)
        bar.setObjectName("switchBar")
        self.switch_label = QLabel(bar)
        self.switch_label.setWordWrap(True)
        self.switch_button = QPushButton(self.tr("Switch (F8)"), bar)
        self.switch_button.setObjectName("primaryButton")
        self.switch_button.clicked.connect(self.accept_switch)
        stay = QPushButton(self.tr("Stay"), bar)
        stay.clicked.connect(self.decline_switch)
        row = QHBoxLayout(bar)
        row.setContentsMargins(16, 10, 16, 10)
        row.addWidget(self.switch_label, 1)
        row.addWidget(self.switch_button)
        row.addWidget(stay)
        bar.hide()
        return bar

    def _build_offline_banner(self, layout: QVBoxLayout) -> None:
        """The calm "offline — N scans waiting" note (only with a door front)."""
        self.offline_banner = OfflineBanner(self)
        layout.addWidget(self.offline_banner)
        self.offline_watcher: OfflineWatcher | None = None
        if self.door_front is not None:
            self.offline_watcher = OfflineWatcher(self.door_front, self)
            self.offline_watcher.changed.connect(self.offline_banner.set_state)
            self.offline_watcher.changed.connect(lambda _state: self._refresh_house())
            self.offline_banner.set_state(self.door_front.state())

    def _scanning(self):
        """What decides a scan: the door's front, else the application itself."""
        return self.door_front if self.door_front is not None else self.app

    def _build_undo_bar(self) -> QFrame:
        bar = QFrame(self)
        bar.setObjectName("undoBar")
        self.undo_question = QLabel(bar)
        self.undo_reason = QLineEdit(bar)
        self.undo_reason.setObjectName("undoReason")
        self.undo_reason.setPlaceholderText(self.tr("Why? e.g. scanned the wrong ticket"))
        self.undo_reason.setAccessibleName(self.tr("Reason for undoing the admission"))
        self.undo_reason.returnPressed.connect(self.confirm_undo)
        self.undo_error = QLabel(bar)
        self.undo_error.setObjectName("fieldError")
        self.undo_error.hide()
        confirm = QPushButton(self.tr("Undo admission"), bar)
        confirm.setObjectName("primaryButton")
        confirm.clicked.connect(self.confirm_undo)
        keep = QPushButton(self.tr("Keep it"), bar)
        keep.clicked.connect(self.cancel_undo)
        row = QHBoxLayout(bar)
        row.setContentsMargins(16, 10, 16, 10)
        row.addWidget(self.undo_question)
        row.addWidget(self.undo_reason, 1)
        row.addWidget(self.undo_error)
        row.addWidget(confirm)
        row.addWidget(keep)
        bar.hide()
        return bar

    # -- showing and hiding: the scanner listens only while the door is shown ------------
    #: a window smaller than this (logical pixels: a 1366×768 laptop at 125% is 1093×614)
    #: shows the verdict in smaller type with a narrower side, so nothing scrolls
    COMPACT_BELOW = (1200, 720)
    #: smaller than this (a 1366×768 laptop at 150% is 910×512): the tiny door, whose
    #: verdict, greeting and side still fit without scrolling
    TINY_BELOW = (1000, 600)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self.fit()

    def fit(self) -> None:
        window = self.window()
        compact = window.width() < self.COMPACT_BELOW[0] or window.height() < self.COMPACT_BELOW[1]
        tiny = window.width() < self.TINY_BELOW[0] or window.height() < self.TINY_BELOW[1]
        narrow = window.width() < 1000
        if (compact, tiny, narrow) == getattr(self, "_compact", None):
            return
        self._compact = (compact, tiny, narrow)
        self.setProperty("tiny", "true" if tiny else "false")
        for widget in (self, *self.findChildren(QWidget)):  # only when the size changes
            widget.style().unpolish(widget)
            widget.style().polish(widget)
        self.panel.set_compact(compact, tiny)
        self.house.set_compact(compact, tiny)
        recent, side, page = (
            cast(QLayout, w.layout()) for w in (self.recent, self.side_widget, self)
        )
        recent.setContentsMargins(
            *((10, 6, 10, 6) if tiny else (14, 8, 14, 8) if compact else (20, 14, 20, 14))
        )
        side.setSpacing(6 if tiny else 8 if compact else 14)
        page.setContentsMargins(
            *((12, 6, 12, 6) if tiny else (18, 10, 18, 10) if compact else (28, 20, 28, 20))
        )
        page.setSpacing(6 if tiny else 8 if compact else 16)
        self.body.setSpacing(10 if tiny else 18)
        self.side_widget.setFixedWidth(250 if tiny else 320 if compact else 330)
        self._tab_the_side(tiny)
        self.header.setDirection(
            QBoxLayout.Direction.TopToBottom if narrow else QBoxLayout.Direction.LeftToRight
        )

    def showEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        if self._own_scanner:
            self.scanner.start()
        self.refresh()
        self.follow_the_night()
        self.code_field.setFocus()  # typing a code by hand needs no click first

    def hideEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if self._own_scanner:
            self.scanner.stop()
        super().hideEvent(event)

    def take_scan(self, text: str) -> None:
        """A scanner burst while the door is shown: dialogs opened at the door close
        (they would hide the verdict; what they were for can wait), then the check."""
        for dialog in (self.lookup_dialog, self.pin_dialog):
            if dialog is not None and dialog.isVisible():
                dialog.reject()
        self.closed_for_scan = self.close_dialogs_over_the_door()
        self.check(text, scanned=True)

    def close_dialogs_over_the_door(self) -> list[str]:
        """A message or a file chooser open over this window (a question such as
        "Rebuild read models?", a warning, Scan a picture's file chooser) is closed as
        with Esc, so the verdict is seen; one whose command is being recorded stays,
        and so does a form someone is filling in (what was typed is never lost). What a
        closed message said goes to the log. Returns the titles of the dialogs closed."""
        closed: list[str] = []
        seen: set[int] = set()
        while (modal := QApplication.activeModalWidget()) is not None and id(modal) not in seen:
            seen.add(id(modal))
            if not isinstance(modal, QMessageBox | QFileDialog) or is_busy(modal):
                break
            if not self._over_me(modal):
                break
            if isinstance(modal, QMessageBox):
                logging.getLogger("houselights").info(
                    "Closed for a scan at the door: %s: %s", modal.windowTitle(), modal.text()
                )
            closed.append(modal.windowTitle())
            modal.reject()
        return closed

    def _over_me(self, dialog: QWidget) -> bool:
        top = dialog
        while (parent := top.parentWidget()) is not None:
            top = parent.window()
        return top is self.window()

    # -- performance and door ---------------------------------------------------------------
    def performance_id(self) -> str | None:
        return self.performance_box.currentData()

    def door_name(self) -> str:
        return rules.clean_door(self.door_field.text())

    def _add_heading(self, text: str) -> None:
        """A heading in the performance list that cannot be chosen."""
        self.performance_box.addItem(text, None)
        model = self.performance_box.model()
        assert isinstance(model, QStandardItemModel)  # a combo box's own model
        item = model.item(self.performance_box.count() - 1)
        item.setEnabled(False)
        item.setSelectable(False)

    def _add_performance(self, row: dict, today: date) -> None:
        starts = self._venue_day(row)
        if starts == today:
            when = self.tr("Today, {time}").format(time=formatting.time(row["starts_at"]))
        else:
            when = formatting.moment(
                row["starts_at"], year=starts.year != today.year or starts < today
            )
        label = f"{row['title']} — {when}"
        if row["venue"]:
            label += f" · {row['venue']}"
        self.performance_box.addItem(label, row["id"])

    @staticmethod
    def _venue_day(row: dict) -> date:
        """The day a performance is on at the venue."""
        return organization_time.day(datetime.fromisoformat(row["starts_at"]), formatting.zone())

    def reload_performances(self) -> None:
        rows = self.runner.read(Permission.SEE_PERFORMANCES, door.performances)
        if self._performances is not None and [
            (r["id"], r["title"], r["starts_at"]) for r in rows
        ] == [(r["id"], r["title"], r["starts_at"]) for r in self._performances]:
            return
        current = self.performance_id()
        self._performances = rows
        now = self.clock()
        today = organization_time.day(now, formatting.zone())
        self.performance_box.blockSignals(True)
        self.performance_box.clear()
        # Today's and coming performances first; past ones below, newest first, under
        # their season with the year (a list of forty past shows without years is a puzzle).
        coming = [r for r in rows if self._venue_day(r) >= today]
        past = [r for r in rows if self._venue_day(r) < today]
        for row in coming:
            self._add_performance(row, today)
        season = None
        for row in reversed(past):
            day = self._venue_day(row)
            if formatting.season(day) != season:
                season = formatting.season(day)
                self._add_heading(
                    self.tr("{season} season (past)").format(season=formatting.season_name(season))
                )
            self._add_performance(row, today)
        if not rows:
            self.performance_box.addItem(self.tr("No performances scheduled yet"), None)
        chosen = current or pick_performance(
            rows, now, str(setting(self.settings, "door/last_performance"))
        )
        index = self.performance_box.findData(chosen)
        self.performance_box.setCurrentIndex(max(0, index))
        self.performance_box.blockSignals(False)
        if self.performance_id() != current:
            self.show_ready()
        self._refresh_house()
        if current is not None:
            self.follow_the_night()  # tonight's performance may just have been scheduled

    def choose_performance(self, performance_id: str) -> None:
        index = self.performance_box.findData(performance_id)
        if index >= 0:
            self.performance_box.setCurrentIndex(index)

    def _performance_chosen(self, _index: int) -> None:
        if self.settings is not None and self.performance_id():
            self.settings.set("door/last_performance", self.performance_id())
        self._hide_offer()
        self.show_ready()
        self._refresh_house()

    def _door_renamed(self) -> None:
        name = self.door_name()
        self.door_field.setText(name)
        if self.settings is not None:
            self.settings.set("door/name", name)
        self._refresh_house()

    # -- kiosk ------------------------------------------------------------------------------
    def set_kiosk(self, on: bool) -> None:
        if on == self.kiosk:
            return
        self.kiosk = on
        self.kiosk_button.blockSignals(True)
        self.kiosk_button.setChecked(on)
        self.kiosk_button.blockSignals(False)
        self.kiosk_button.setText(
            self.tr("Leave full screen (Esc)") if on else self.tr("Full screen (F11)")
        )
        self.kiosk_changed.emit(on)

    # -- checking tickets --------------------------------------------------------------------
    def _typed(self) -> None:
        text = self.code_field.text()
        if not text.strip():
            self.code_field.setFocus()
            return
        self.check(text, on_result=lambda result: self._typed_answered(text, result))

    def _typed_answered(self, text: str, result: ScanResult | None) -> None:
        if self.code_field.text() != text:
            return  # something else was typed meanwhile: leave it
        if result is not None and result.verdict != rules.UNKNOWN:
            self.code_field.clear()
        else:  # keep what was typed so it can be corrected
            self.code_field.selectAll()

    def check(self, text: str, scanned: bool = False, on_result=None) -> int | None:
        """Check a code in for the chosen performance on the writer worker; the verdict
        is shown when it comes back (``verdict_shown``), then ``on_result(result or
        None)`` runs. Returns the writer's job number (None: nothing was sent)."""
        performance_id = self.performance_id()
        if not performance_id:
            self._show_problem(self.tr("Choose a performance first"), text)
            if scanned:
                self.code_field.setText(text)  # nothing scanned is lost
            if on_result is not None:
                on_result(None)
            return None
        self._last_scan_at = time.monotonic()
        self.waiting += 1
        if not self.no_answer_timer.isActive():
            self.no_answer_timer.start()
        return self.writer.submit(
            scan_and_greet,
            self._scanning(),
            self.runner,
            self.thresholds,
            text,
            performance_id,
            self.door_name(),
            on_done=lambda result: self._answered(result, on_result),
            on_error=lambda error, _details: self._check_failed(error, text, scanned, on_result),
            first=True,  # ahead of this workstation's other commands still waiting
        )

    def _answer_arrived(self) -> None:
        self.waiting = max(0, self.waiting - 1)
        self.no_answer_timer.stop()
        if self.waiting:  # the next scan in line gets its own time to answer
            self.no_answer_timer.start()

    def _answered(self, checked: Checked, on_result) -> None:
        self._answer_arrived()
        self.show_result(checked.result, checked.greeting)
        if on_result is not None:
            on_result(checked.result)
        # Painted first: the read models' catch-up (and the house count after it) waits
        # for the verdict's paint, so it never competes with it.
        self._unpainted += 1
        self.panel.after_paint(lambda: self._verdict_painted(checked.behind))

    def _verdict_painted(self, behind: bool) -> None:
        self._unpainted -= 1
        if behind and not self.writer.closed:
            # the door's own catch-up, in its line: a scan waiting behind it waits for
            # the server (reading its events), not for this computer's sale
            self.writer.submit(self.runner.notify, first=True)
        self._catch_up_screen()

    @property
    def busy(self) -> bool:
        """A scan is being checked, or its verdict is not painted yet: refreshes wait."""
        return bool(self.waiting or self._unpainted)

    def _catch_up_screen(self) -> None:
        """After the last verdict in line: the refresh that waited for it."""
        if self.busy:
            return
        if self._refresh_after_verdict:
            QTimer.singleShot(0, self.refresh)
        self.settled.emit()

    def _check_failed(self, error: BaseException, text: str, scanned: bool, on_result) -> None:
        self._answer_arrived()
        if isinstance(error, HouselightsError):
            self._show_problem(str(error), text)
        else:  # the store went away: say so, keep the code
            self._show_problem(
                self.tr(
                    "The scan could not be recorded ({error}). Check the connection and scan again."
                ).format(error=error),
                text,
            )
            if scanned:
                self.code_field.setText(text)
        if on_result is not None:
            on_result(None)
        self._catch_up_screen()

    def _no_answer(self) -> None:
        """The scan in line has no answer yet: say why at once. While the writer is still
        recording this workstation's own command (a sale, an import: it cannot be cut
        short) the scan waits for it, not for the server; it gets its own time after."""
        if not self.waiting:
            return
        if self.writer.recording_other():
            self._waiting_here()
            self.no_answer_timer.start()  # look again: the scan's own turn comes next
            return
        title = self.tr("No connection")
        detail = self.tr(
            "The server has not answered yet. Do not let them in until the verdict appears."
        )
        advice = self.tr(
            "The verdict appears here as soon as the server answers. If this "
            "lasts, call the box office."
        )
        self.verdict_timer.stop()
        self.panel.show_verdict("problem", title, detail, "", f"{title}. {detail}", advice)
        self.last_result = DoorNotice("no_connection", waiting=self.waiting)
        self.verdict_shown.emit(self.last_result)

    def _waiting_here(self) -> None:
        if isinstance(self.last_result, DoorNotice) and self.last_result.verdict == "busy_here":
            return  # said already
        title = self.tr("One moment")
        detail = self.tr(
            "Waiting for this computer's sale or import to finish recording. Do not let "
            "them in until the verdict appears."
        )
        advice = self.tr("The verdict appears here by itself; there is no need to scan again.")
        self.verdict_timer.stop()
        self.panel.show_verdict("problem", title, detail, "", f"{title}. {detail}", advice)
        self.last_result = DoorNotice("busy_here", waiting=self.waiting)
        self.verdict_shown.emit(self.last_result)

    def _verdict_expired(self) -> None:
        if self.waiting or self.undo_bar.isVisible():
            return  # a verdict is on its way, or the volunteer is undoing one
        self.show_ready()

    def _hold_verdict(self) -> None:
        """Back to Ready to scan after ``door/verdict_seconds`` (0: until the next scan)."""
        seconds = int(setting(self.settings, "door/verdict_seconds"))
        self.verdict_timer.stop()
        if seconds > 0:
            self.verdict_timer.start(seconds * 1000)

    # -- following the night ---------------------------------------------------------------
    def follow_the_night(self, now: datetime | None = None) -> str | None:
        """Switch to the performance starting within ``door/follow_hours`` when another is
        shown, or offer it (F8) when a scan was made in the last few minutes.
        Returns the performance switched to or offered (None: nothing to do)."""
        rows = self._performances or []
        hours = int(setting(self.settings, "door/follow_hours"))
        target = performance_to_follow(rows, now or self.clock(), self.performance_id(), hours)
        if target is None:
            return None
        if self._offer is not None and self._offer[0] == target:
            return target  # already offered
        if time.monotonic() - self._last_scan_at < QUIET_BEFORE_SWITCH_S or self.waiting:
            row = next(r for r in rows if r["id"] == target)
            self._show_offer(
                target,
                "",
                self.tr("{title} starts at {time}. Switch the door to it?").format(
                    title=row["title"], time=formatting.time(row["starts_at"])
                ),
            )
            return target
        self.choose_performance(target)
        return target

    def _show_offer(self, performance_id: str, code: str, text: str) -> None:
        self._offer = (performance_id, code)
        self.switch_label.setText(text)
        self.switch_bar.show()

    def _hide_offer(self) -> None:
        self._offer = None
        self.switch_bar.hide()

    def accept_switch(self) -> None:
        """F8: the door switches to the offered performance (and checks the ticket
        that asked for it in again)."""
        if self._offer is None:
            return
        performance_id, code = self._offer
        self._hide_offer()
        self.choose_performance(performance_id)
        if code:
            self.check(code, scanned=True)

    def decline_switch(self) -> None:
        self._hide_offer()
        self.code_field.setFocus()

    def show_ready(self) -> None:
        self.verdict_timer.stop()
        self.last_result = None
        if self.performance_id():
            self.panel.show_verdict(
                IDLE,
                self.tr("Ready to scan"),
                self.tr("Scan a ticket, or type its code below."),
                "",
                self.tr("Ready to scan tickets for {show}.").format(
                    show=self.performance_box.currentText()
                ),
                self.tr(
                    "Each verdict has its own colour and sound. On ADMIT you will see "
                    "whom to welcome and something to talk about. F11 turns this "
                    "computer into a full-screen scanning station."
                ),
            )
        else:
            self.panel.show_verdict(
                IDLE,
                self.tr("No performance to check in"),
                self.tr("Schedule a performance at the box office first."),
                "",
                self.tr("No performance is scheduled yet."),
            )

    def _show_problem(self, message: str, text: str) -> None:
        shown = rules.visible(text.strip())
        self.panel.show_verdict(
            "problem",
            self.tr("Not checked"),
            message,
            self.tr("Read: {text}").format(text=shown),
            message,
        )
        self.sounds.play(rules.UNKNOWN)
        self.last_result = DoorNotice("problem", message=message, scanned=shown)
        self._hold_verdict()
        self.verdict_shown.emit(self.last_result)

    def show_result(self, result: ScanResult, greeting: loyalty.Greeting | None = None) -> None:
        """Paint the verdict; on ADMIT greet the patron (``greeting``: worked out already,
        else read now)."""
        verdict = result.verdict
        title, detail = self._words(result)
        if verdict == rules.UNKNOWN:
            code_line = self.tr("Read: {text}").format(text=result.scanned or "—")
        elif is_own_code(result.code):
            code_line = self.tr("Ticket {code}").format(code=grouped(result.code))
        else:
            code_line = self.tr("Ticket {code}").format(code=result.code)
        code_line += "   ·   " + formatting.time(result.at, seconds=True)
        advice = self._advice(result)
        right = result.right_performance
        if right is not None and self._is_today(right.starts_at):
            advice = self.tr(
                "It is for today's {time} performance: press F8 to switch the "
                "door to it and check the ticket in."
            ).format(time=formatting.time(right.starts_at))
            self._show_offer(
                right.id,
                result.code,
                self.tr(
                    "This ticket is for {title} today at {time}. Switch the door to it?"
                ).format(title=right.title, time=formatting.time(right.starts_at)),
            )
        self.panel.show_verdict(
            verdict,
            title,
            detail,
            code_line,
            " ".join(p for p in (f"{title}.", detail, advice) if p),
            advice,
        )
        if verdict == rules.ADMIT:
            self._greet(result, greeting)
        self.sounds.play(verdict)
        if verdict == rules.ADMIT:
            self._last_admitted = result.code
            self.undo_button.setEnabled(True)
        self.last_result = result
        self._hold_verdict()
        self.verdict_shown.emit(result)  # the house count follows when the read models do

    def _is_today(self, starts_at: str) -> bool:
        """Whether a performance is today at the venue (the organization's clock)."""
        starts = datetime.fromisoformat(starts_at)
        return organization_time.same_day(starts, self.clock(), formatting.zone())

    def _words(self, result: ScanResult) -> tuple[str, str]:
        verdict = result.verdict
        if verdict == rules.ADMIT:
            if result.repeat:
                return self.tr("ADMIT"), self.tr("Same ticket scanned twice: they are in.")
            return self.tr("ADMIT"), self.tr("{level} ticket").format(level=result.price_level)
        if verdict == rules.ALREADY_ADMITTED:
            return self.tr("ALREADY ADMITTED"), self.tr(
                "First admitted at {time} at {door}."
            ).format(time=formatting.time(result.admitted_at), door=result.admitted_door)
        if result.right_performance is not None:  # WRONG PERFORMANCE names the right one
            right = result.right_performance
            when = formatting.moment(right.starts_at)
            detail = self.tr("This ticket is for {title}, {when}.")
            return self.tr("WRONG PERFORMANCE"), detail.format(title=right.title, when=when)
        if verdict == rules.VOID:
            if result.status == "refunded":
                return self.tr("REFUNDED"), self.tr("This ticket was refunded; it is not valid.")
            if result.status == "replaced":
                return self.tr("VOID"), self.tr(
                    "This code was replaced by the barcode the ticketing service sent."
                )
            return self.tr("VOID"), self.tr("This ticket was exchanged for another one.")
        if result.problem == rules.NOT_KNOWN_HERE:
            return self.tr("NOT KNOWN HERE YET"), self.tr(
                "This door is offline, and the ticket may have been sold since: check by name "
                "or ID."
            )
        problems = {
            rules.CHECK_CODE: self.tr(
                "One character is wrong: check the code and scan again, or type it in."
            ),
            rules.NOTHING_READ: self.tr("Nothing was read. Scan the ticket again."),
            rules.UNREADABLE: self.tr(
                "The scanner sent unreadable characters. Scan again; if it keeps happening, "
                "check the scanner's keyboard setting."
            ),
            rules.NOT_A_CODE: self.tr("This is not a ticket code. Scan the ticket's barcode."),
        }
        return self.tr("UNKNOWN CODE"), problems.get(
            result.problem,
            self.tr("We have no ticket with this code. Check the code."),
        )

    def _advice(self, result: ScanResult) -> str:
        """What to do next, in a few friendly words."""
        verdict = result.verdict
        if verdict == rules.ALREADY_ADMITTED:
            return self.tr(
                "Perhaps a friend went in with it. Be kind, and ask the box office to help."
            )
        if verdict == rules.WRONG_PERFORMANCE:
            return self.tr("The box office may be able to exchange it for tonight.")
        if verdict == rules.VOID:
            if result.status == "exchanged":
                return self.tr("Ask for the new ticket, or send them to the box office.")
            if result.status == "replaced":
                return self.tr(
                    "Ask for the ticket in their confirmation email, or find them by name."
                )
            return self.tr("Please send them to the box office; they will sort it out.")
        if verdict == rules.UNKNOWN and result.problem == rules.NOT_KNOWN_HERE:
            return self.tr("Use “Find by name…”, or look at their confirmation email or ID.")
        if verdict == rules.UNKNOWN:
            return self.tr("Type the code from the ticket into the field below to try again.")
        return ""

    def _greet(self, result: ScanResult, greeting: loyalty.Greeting | None) -> None:
        patron_id = result.patron_id
        if not patron_id:
            self.panel.show_greeting(
                self.tr("Welcome!"),
                self.tr("No patron on this ticket"),
                [self.tr("Enjoy the show!")],
                "",
                [],
            )
            return
        g = greeting  # worked out on the writer, next to its catch-up
        if g is None:
            g = self.runner.read(
                Permission.DOOR_CHECK,
                door_greeting,
                patron_id,
                result.performance_id,
                self.thresholds,
            )
        cues = []
        for cue in g.cues:
            if cue.kind == loyalty.FIRST_VISIT:
                cues.append(self.tr("First visit: welcome them!"))
            elif cue.kind == loyalty.WELCOME_BACK:
                cues.append(
                    self.tr("Back after {months} months: welcome them back").format(
                        months=cue.value
                    )
                )
            elif cue.kind == loyalty.SUBSCRIBER:
                cues.append(self.tr("Subscriber since {year}").format(year=cue.value))
            elif cue.kind == loyalty.MEMBER:
                cues.append(self.tr("Member since {year}").format(year=cue.value))
            elif cue.kind == loyalty.THANK_DONOR:
                cues.append(self.tr("Donor: thank them for their support"))
        self.panel.show_greeting(
            g.first_name or self.tr("Welcome!"),
            self.tr("{ordinal} visit · {rung}").format(
                ordinal=loyalty.ordinal(g.visit_number), rung=rung_label(g.rung)
            ),
            cues,
            self.tr("Talk about"),
            list(g.interests),
        )

    # -- pictures and the camera (zbar, off the GUI thread) ----------------------------------
    def choose_picture(self) -> None:
        path = open_file_name(
            self,
            "picture",
            self.tr("Scan a ticket from a picture"),
            self.tr("Pictures and PDFs (*.png *.jpg *.jpeg *.bmp *.gif *.webp *.pdf)"),
        )
        if path:
            self.scan_picture(path)

    def scan_picture(self, path: str):
        """Read the barcodes in a picture or PDF in the background, then check them in."""
        name = Path(path).name
        problem = zbar_problem()
        if problem:
            self._show_problem(problem, name)
            return None
        self.scanner_hint.setText("● " + self.tr("Reading {name}…").format(name=name))
        return self.background.run(
            codes_in_file,
            path,
            on_done=lambda codes: self._picture_read(name, codes),
            on_error=lambda error, _details: self._picture_failed(name, error),
        )

    def _picture_read(self, name: str, codes: list[str]) -> None:
        self._scanner_ready()
        if not codes:
            self._show_problem(
                self.tr(
                    "No barcode was found in this picture. Try a sharper picture, or "
                    "type the code from the ticket."
                ),
                name,
            )
            return
        for code in codes:
            self.check(code, scanned=True)

    def _picture_failed(self, name: str, error: BaseException) -> None:
        self._scanner_ready()
        self._show_problem(str(error), name)

    def _scanner_ready(self) -> None:
        self.scanner_hint.setText("● " + self.tr("Scanner ready: scan anywhere on this screen"))

    def open_camera(self) -> CameraDialog:
        """The camera window (non-modal); a code it reads is checked in like a scan."""

        def make() -> CameraDialog:
            dialog = CameraDialog(self)
            dialog.code_seen.connect(lambda code: self.check(code, scanned=True))
            return dialog

        return open_or_raise(self, "camera_dialog", make)

    def finish_verdicts(self) -> None:
        """Closing: what waits for a verdict's paint (the read models' catch-up) is
        handed to the writer now, before the writer finishes its queue."""
        self.panel.run_after_paint_now()

    def shutdown(self) -> None:
        self.finish_verdicts()
        if self.offline_watcher is not None:
            self.offline_watcher.close()
        if self._own_scanner:
            self.scanner.stop()
        self.follow_timer.stop()
        self.verdict_timer.stop()
        if self.camera_dialog is not None:
            self.camera_dialog.close()
        if self._own_writer:
            self.writer.shutdown()  # the scans in line are recorded first
        self.background.shutdown()

    # -- volunteer door mode ---------------------------------------------------------------
    def toggle_door_mode(self) -> PinDialog | DoorUnlockDialog | None:
        """Enter door mode (choosing a PIN the first time) or leave it with the PIN.

        With staff accounts, no PIN is chosen: a manager or box-office member leaves
        door mode with their own password (and is signed in from then on).
        """
        if self.app.accounts_exist():
            if not self.door_mode:
                self.set_door_mode(True)
                return None
            unlock = DoorUnlockDialog(self.app, self)
            unlock.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            unlock.accepted.connect(lambda: self.set_door_mode(False))
            unlock.destroyed.connect(lambda: setattr(self, "pin_dialog", None))
            self.pin_dialog = unlock
            unlock.open()
            return unlock
        if not self.door_mode and self._pin_hash:
            self.set_door_mode(True)
            return None
        dialog = PinDialog(self._pin_hash if self.door_mode else "", self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._pin_given(dialog.pin_hash))
        dialog.destroyed.connect(lambda: setattr(self, "pin_dialog", None))
        self.pin_dialog = dialog
        dialog.open()
        return dialog

    def _pin_given(self, pin_hash: str) -> None:
        if not self.door_mode:
            self._pin_hash = pin_hash
            if self.settings is not None:
                self.settings.set("door/pin_hash", pin_hash)
        self.set_door_mode(not self.door_mode)

    def door_mode_remembered(self) -> bool:
        """Door mode was on when this workstation last closed (or was killed), and it
        can still be left only with the PIN or a staff password."""
        if not bool(setting(self.settings, "door/mode")):
            return False
        return bool(self._pin_hash) or self.app.accounts_exist()

    def set_door_mode(self, on: bool) -> None:
        self.door_mode = on
        if self.settings is not None and bool(self.settings.get("door/mode")) != on:
            self.settings.set("door/mode", on)  # written at once: a crash keeps it
        leave = (
            self.tr("Leave door mode (staff sign-in)…")
            if self.app.accounts_exist()
            else self.tr("Leave door mode (PIN)…")
        )
        self.door_mode_button.setText(leave if on else self.tr("Door mode…"))
        self.door_mode_changed.emit(on)
        self.code_field.setFocus()

    # -- a patron who forgot the ticket ----------------------------------------------------
    def open_lookup(self) -> DoorLookupDialog | None:
        """Find tonight's ticket holder by name (returned for tests and scripts)."""
        performance_id = self.performance_id()
        if not performance_id:
            return None
        dialog = DoorLookupDialog(self.runner, performance_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.admit_requested.connect(self.admit_codes)
        dialog.destroyed.connect(lambda: setattr(self, "lookup_dialog", None))
        self.lookup_dialog = dialog
        dialog.open()
        return dialog

    def admit_codes(self, codes: list[str]) -> list[int]:
        """Check in each ticket of someone found by name; the panel shows the last one
        and, for several, how many were admitted. Returns the writer's job numbers."""
        results: list[ScanResult | None] = []

        def answered(result: ScanResult | None) -> None:
            results.append(result)
            if len(results) < len(codes):
                return
            done = [r for r in results if r is not None]
            admitted = sum(r.verdict == rules.ADMIT for r in done)
            if len(done) > 1 and self.last_result is not None:
                self.panel.detail_label.setText(
                    self.tr("{admitted} of {count} tickets admitted, found by name.").format(
                        admitted=admitted, count=len(done)
                    )
                )

        return [
            job
            for job in (self.check(code, on_result=answered) for code in codes)
            if job is not None
        ]

    # -- undoing an admission made by mistake ----------------------------------------------
    def ask_undo(self) -> None:
        if not self._last_admitted:
            return
        self.undo_question.setText(
            self.tr("Undo the admission of ticket {code}?").format(
                code=grouped(self._last_admitted)
                if is_own_code(self._last_admitted)
                else self._last_admitted
            )
        )
        self.undo_error.hide()
        self.undo_bar.show()
        self.undo_reason.setFocus()

    def cancel_undo(self) -> None:
        self.undo_bar.hide()
        self.undo_reason.clear()
        self.code_field.setFocus()

    def confirm_undo(self) -> int:
        """Undo on the writer worker; returns its job number."""
        return self.writer.submit(
            self._scanning().undo_admission,
            self._last_admitted or "",
            self.undo_reason.text(),
            self.door_name(),
            on_done=self._undone,
            on_error=self._undo_failed,
            first=True,
        )

    def _undo_failed(self, error: BaseException, _details: str = "") -> None:
        self.undo_error.setText(str(error))  # the reason typed stays in the field
        self.undo_error.show()

    def _undone(self, done: UndoResult) -> None:
        self._last_admitted = None
        self.undo_button.setEnabled(False)
        self.cancel_undo()
        shown = grouped(done.code) if is_own_code(done.code) else done.code
        self.panel.show_verdict(
            IDLE,
            self.tr("Admission undone"),
            self.tr("Ticket {code} can be scanned again.").format(code=shown),
            self.tr("Reason: {reason}").format(reason=done.reason),
            self.tr("The admission of ticket {code} was undone.").format(code=shown),
        )
        self.last_result = done
        self._hold_verdict()
        self.verdict_shown.emit(self.last_result)

    # -- read models ---------------------------------------------------------------------------
    def refresh(self) -> None:
        """The read models changed (here or at another workstation). While a scan is
        being checked its verdict goes first: the house count follows right after."""
        if self.busy:
            self._refresh_after_verdict = True
            return
        self._refresh_after_verdict = False
        self.reload_performances()
        self._refresh_house()

    def _refresh_house(self) -> None:
        performance_id = self.performance_id()
        db = self.runner.db()
        empty = {"admitted": 0, "sold": 0, "capacity": 0, "doors": {}}
        # an offline door counts and lists its unsent scans too (the front lays them over)
        reads = self.door_front if self.door_front is not None else door
        count = reads.house_count(db, performance_id) if performance_id else empty
        self.house.show_count(count, self.door_name())
        scans = (
            reads.recent_scans(db, performance_id, self.door_name(), limit=6)
            if performance_id
            else []
        )
        self.recent.show_scans(scans, self._verdict_names())

    def _verdict_names(self) -> dict[str, str]:
        return {
            rules.ADMIT: self.tr("Admitted"),
            "repeat": self.tr("Admitted (twice)"),
            rules.ALREADY_ADMITTED: self.tr("Already in"),
            rules.WRONG_PERFORMANCE: self.tr("Wrong show"),
            rules.VOID: self.tr("Void"),
            rules.UNKNOWN: self.tr("Unknown"),
            "undone": self.tr("Admission undone"),
        }
