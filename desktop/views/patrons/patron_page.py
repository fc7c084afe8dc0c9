"""One patron: contact card, interests, household and the whole timeline.

A note typed here is saved through the application service and shows up at
the top of the timeline as soon as the read models have it (the window calls
``refresh()`` when the runner says so).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, cast

import shiboken6
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import formatting
from desktop.export import EXPORT_HIDDEN, add_export
from desktop.formatting import local_date
from desktop.models.base import SortProxy
from desktop.models.timeline import (
    LADDER,
    UNDO_WAITING,
    WAITING,
    TimelineModel,
    merge_moves,
    move_rows,
)
from desktop.server_connection import needs_server, set_enabled
from desktop.views.duplicates.merge_bar import MergeBar
from desktop.views.forms import is_busy, submit_action
from desktop.views.patrons.erase_dialog import EraseDialog
from desktop.views.patrons.patron_dialog import PatronDialog
from desktop.views.patrons.patron_ladder import LadderSection
from desktop.views.patrons.patron_purchases import PurchasesPanel
from desktop.views.patrons.timeline_detail import TimelineDetail
from desktop.views.widgets import (
    SCROLLS_UP_AND_DOWN,
    ElidedLabel,
    FlowLayout,
    chip,
    date_width,
    error_label,
    heading,
    moment_width,
    show_error,
    table_view,
)
from domain.application import Houselights
from domain.personal_data import ERASED
from domain.roles import Permission
from infrastructure.offline_door import WaitingVisit
from projections import ladder, timeline
from projections import patron_directory as directory
from projections.runner import ReadModelRunner

if TYPE_CHECKING:
    from infrastructure.offline_door import OfflineDoor


class ContactCard(QFrame):
    """Name, how to reach them, address, consent, household, interests."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("card")
        self.name_label = heading("", self, name="patronName")
        self.name_label.setWordWrap(True)
        self.since_label = QLabel(self)
        self.since_label.setObjectName("muted")
        # one line each, cut in the middle with the whole text as the tooltip: a long
        # email never widens (and so clips) the card
        self.email_label = self._value("email", ElidedLabel(self))
        self.phone_label = self._value("phone", ElidedLabel(self))
        self.address_label = self._value("address")
        self.consent_label = self._value("consent")
        self.household_label = self._value("household")
        self.chips = QWidget(self)
        self.chips_layout = FlowLayout(self.chips)

        self.layout_ = layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 18)
        layout.setSpacing(4)
        layout.addWidget(self.name_label)
        layout.addWidget(self.since_label)
        layout.addSpacing(10)
        for caption, value in (
            (self.tr("Email"), self.email_label),
            (self.tr("Phone"), self.phone_label),
            (self.tr("Address"), self.address_label),
            (self.tr("Email news"), self.consent_label),
            (self.tr("Household"), self.household_label),
        ):
            label = QLabel(caption, self)
            label.setObjectName("fieldLabel")
            layout.addWidget(label)
            layout.addWidget(value)
            layout.addSpacing(8)
        interests = QLabel(self.tr("Interests"), self)
        interests.setObjectName("fieldLabel")
        layout.addWidget(interests)
        layout.addWidget(self.chips)
        layout.addSpacing(8)
        self.ladder = LadderSection(self)
        layout.addWidget(self.ladder)
        layout.addStretch(1)

    def _value(self, name: str, label: QLabel | None = None) -> QLabel:
        if label is None:
            label = QLabel(self)
            label.setWordWrap(True)
        label.setObjectName("cardValue")
        label.setProperty("field", name)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def show_row(self, row: dict) -> None:
        none = self.tr("—")
        self.name_label.setText(row.get("name") or self.tr("(no name)"))
        since = local_date(row.get("registered_at"))
        self.since_label.setText(self.tr("Patron since {date}").format(date=since))
        self.email_label.setText(row.get("email") or none)
        self.phone_label.setText(row.get("phone") or none)
        street = row.get("street") or ""
        town = " ".join(p for p in (row.get("postal_code"), row.get("city")) if p)
        lines = [p for p in (street, town, row.get("region"), row.get("country")) if p]
        self.address_label.setText("\n".join(lines) or none)
        self.consent_label.setText(
            self.tr("Yes, happy to receive email")
            if row.get("email_consent")
            else self.tr("No — do not send email")
        )
        self.household_label.setText(row.get("household") or none)
        self.chips_layout.clear()
        tags = [t.strip() for t in (row.get("tags") or "").split(",") if t.strip()]
        for tag in tags:
            self.chips_layout.addWidget(chip(tag, self.chips))
        if not tags:
            empty = QLabel(none, self.chips)
            empty.setObjectName("cardValue")
            self.chips_layout.addWidget(empty)

    def tags(self) -> list[str]:
        return [
            self.chips_layout.itemAt(i).widget().text()
            for i in range(self.chips_layout.count())
            if self.chips_layout.itemAt(i).widget().objectName() == "chip"
        ]


class Sections(QSplitter):
    """The purchases above the timeline; says when it has been given its (new) size."""

    resized = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(Qt.Orientation.Vertical, parent)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)  # its panes have their sizes from here on
        self.resized.emit()


class PatronPage(QWidget):
    """``show_patron(id)`` fills the page; ``refresh()`` re-reads the read models."""

    back_requested = Signal()
    #: a patron to open instead (from the edit dialog's duplicate warning)
    open_patron = Signal(str)
    #: something was saved or exported; a message for the status bar
    message = Signal(str)

    def __init__(self, app: Houselights, runner: ReadModelRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.runner = runner
        #: this workstation's door (its admissions not sent yet count here too)
        self.door_front: OfflineDoor | None = None
        #: ``() -> {"data_dir": …, "backup_folders": […]}``: copies an erasure cleans too
        self.erase_targets: Callable[[], dict] | None = None
        self.patron_id: str | None = None
        self.row: dict | None = None
        self._drafts: dict[str, str] = {}
        self.setObjectName("patronPage")

        self.back_button = QPushButton(self.tr("← Back to patrons"), self)
        self.back_button.setObjectName("flatButton")
        self.back_button.setToolTip(self.tr("Back to the patron list (Esc)"))
        self.back_button.clicked.connect(self.back_requested)
        self.edit_button = needs_server(QPushButton(self.tr("Edit details…"), self))
        self.edit_button.clicked.connect(self.edit)

        self.card = ContactCard(self)
        self.card.setMinimumWidth(300)
        self.card.setMaximumWidth(340)
        self.erase_button = needs_server(QPushButton(self.tr("Erase personal data…"), self.card))
        self.erase_button.setObjectName("flatButton")
        self.erase_button.setToolTip(
            self.tr("Erase this patron's name, contact details and notes for good")
        )
        self.erase_button.clicked.connect(self.erase)
        card_scroll = QScrollArea(self)
        card_scroll.setObjectName("cardScroll")
        card_scroll.setWidget(self.card)
        card_scroll.setWidgetResizable(True)
        card_scroll.setFrameShape(QFrame.Shape.NoFrame)
        card_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        card_scroll.setFixedWidth(330)
        self.card_scroll = card_scroll

        self.note_edit = QPlainTextEdit(self)
        self.note_edit.setObjectName("noteEdit")
        self._note_hint = self.tr(
            "Add a note: a call, a chat at the bar, a wish… (Ctrl+Enter saves)"
        )
        self._short_note_hint = self.tr("Add a note (Ctrl+Enter saves)")
        self.note_edit.setPlaceholderText(self._note_hint)
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setFixedHeight(64)
        self.note_button = needs_server(QPushButton(self.tr("Save note"), self))
        self.note_button.setObjectName("primaryButton")
        self.note_button.setToolTip(self.tr("Ctrl+Enter"))
        self.note_button.clicked.connect(self.save_note)
        self.note_error = error_label(self)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self.note_edit)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.save_note)
        back = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        back.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        back.activated.connect(self.back_requested)

        self.timeline_model = TimelineModel(self)
        self.timeline_proxy = SortProxy(self.timeline_model, self)
        self.timeline_table = table_view(self)
        self.timeline_table.setObjectName("timeline")
        self.timeline_table.setModel(self.timeline_proxy)
        # the When column as wide as its short moments; the summary takes the rest
        self.timeline_table.setColumnWidth(
            TimelineModel.WHEN, moment_width(self.timeline_table, weekday=False)
        )
        self.timeline_table.setColumnWidth(TimelineModel.WHAT, 180)  # "Admitted (not sent)"
        self.timeline_table.setColumnWidth(TimelineModel.BY, 140)
        self.timeline_table.setColumnWidth(TimelineModel.WORKSTATION, 110)
        # The summary matters most; the workstation shows in the "By" column's tooltip
        # and is still exported.
        self.timeline_table.setColumnHidden(TimelineModel.WORKSTATION, True)
        self.timeline_table.setProperty(
            EXPORT_HIDDEN, [TimelineModel.WORKSTATION, TimelineModel.BY]
        )
        self.timeline_table.horizontalHeader().setSectionResizeMode(
            TimelineModel.SUMMARY, QHeaderView.ResizeMode.Stretch
        )
        self.timeline_detail = TimelineDetail(self.timeline_table, self)  # click: the whole chat
        self.timeline_count = QLabel(self)
        self.timeline_count.setObjectName("countLabel")
        self.export_button = QPushButton(self.tr("Export…"), self)
        self.export_action = add_export(
            self.timeline_table,
            self.export_button,
            suggested_name=self.tr("timeline") + ".csv",
            on_done=lambda path: self.message.emit(self.tr("Saved {path}").format(path=path)),
        )

        #: the patron's changes of rung not yet merged into the loaded timeline rows
        self._moves: list[dict] = []
        self.purchases = PurchasesPanel(app, runner, self)
        self.purchases.message.connect(self.message)
        self.purchases.proxy.modelReset.connect(self._name_tabs)
        self.purchases.proxy.layoutChanged.connect(self._name_tabs)
        self.merge_bar = MergeBar(app, runner, self)
        self.merge_bar.open_patron.connect(self.open_patron)
        self.merge_bar.message.connect(self.message)

        top = QHBoxLayout()
        top.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignTop)
        top.addSpacing(16)
        # the patron's actions wrap onto a second line on a narrow window (a laptop at 125%)
        self.actions_box = QWidget(self)
        actions = FlowLayout(self.actions_box, spacing=8, right=True)
        for button in (*self.purchases.page_actions, self.edit_button):
            actions.addWidget(button)
        top.addWidget(self.actions_box, 1)
        # Rarely needed, so at the foot of the card with the data it erases.
        self.card.layout_.addWidget(self.erase_button, 0, Qt.AlignmentFlag.AlignLeft)

        note_row = QHBoxLayout()
        note_row.setSpacing(10)
        note_row.addWidget(self.note_edit, 1)
        note_row.addWidget(self.note_button, 0, Qt.AlignmentFlag.AlignBottom)

        self.timeline_title = QWidget(self)
        timeline_title = QHBoxLayout(self.timeline_title)
        timeline_title.setContentsMargins(0, 0, 0, 0)
        self.timeline_heading = heading(self.tr("Timeline"), self, name="subheading")
        timeline_title.addWidget(self.timeline_heading)
        timeline_title.addWidget(self.timeline_count, 0, Qt.AlignmentFlag.AlignBottom)
        timeline_title.addStretch(1)
        timeline_title.addWidget(self.export_button)

        self.timeline_box = timeline_box = QWidget(self)
        timeline_layout = QVBoxLayout(timeline_box)
        timeline_layout.setContentsMargins(0, 6, 0, 0)
        timeline_layout.setSpacing(10)
        timeline_layout.addWidget(self.timeline_title)
        timeline_layout.addWidget(self.timeline_table, 1)
        timeline_layout.addWidget(self.timeline_detail)
        self.sections = Sections(self)
        # the room is shared once the splitter has its height: a page opened before it
        # is laid out (or resized) would keep the orders' full height otherwise
        self.sections.resized.connect(self._share_when_shown)
        self.sections.setObjectName("patronSections")
        self.sections.setChildrenCollapsible(False)
        self.sections.addWidget(self.purchases)
        self.sections.addWidget(timeline_box)
        # the timeline is what a patron's page is for: it gets the room the orders leave
        self.sections.setStretchFactor(0, 0)
        self.sections.setStretchFactor(1, 1)
        # On a short window (a laptop at 125% or 150%) the timeline and the purchases (with
        # the figures) are two tabs, the timeline first: it gets the whole height.
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("patronTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.hide()
        self.purchases_tab = QWidget(self)
        purchases_tab = QVBoxLayout(self.purchases_tab)
        purchases_tab.setContentsMargins(0, 8, 0, 0)
        purchases_tab.setSpacing(8)
        self.purchases_tab.hide()
        # in tabs, the timeline's count and Export sit beside the tabs (not a row of their own)
        self.tab_corner = QWidget(self.tabs)
        corner = QHBoxLayout(self.tab_corner)
        corner.setContentsMargins(0, 0, 0, 2)
        self.tab_count = QLabel(self.tab_corner)
        self.tab_count.setObjectName("countLabel")
        self.tab_count.hide()  # the tab's title carries the count
        self.tab_export = QPushButton(self.tr("Export…"), self.tab_corner)
        self.tab_export.setObjectName("flatButton")
        self.tab_export.setToolTip(self.export_action.toolTip())
        self.tab_export.clicked.connect(self.export_action.trigger)
        corner.addWidget(self.tab_count)
        corner.addWidget(self.tab_export)
        self.tabs.setCornerWidget(self.tab_corner, Qt.Corner.TopRightCorner)
        self.tabs.currentChanged.connect(lambda index: self.tab_corner.setVisible(index == 0))

        right = QVBoxLayout()
        right.setSpacing(10)
        right.addWidget(self.merge_bar)
        right.addWidget(self.purchases.summary)
        right.addLayout(note_row)
        right.addWidget(self.note_error)
        right.addWidget(self.sections, 1)
        right.addWidget(self.tabs, 1)
        self.right = right

        body = QHBoxLayout()
        body.setSpacing(20)
        body.addWidget(card_scroll)
        body.addLayout(right, 1)

        self.body = body
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 16, 28, 16)
        layout.setSpacing(12)
        layout.addLayout(top)
        layout.addLayout(body, 1)
        self.card.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)

    # -- showing a patron ------------------------------------------------------
    #: orders shown before the purchases scroll (two on a short screen); the timeline has
    #: the rest of the room
    ORDERS_SHOWN = 3
    SHORT = 600

    def share_room(self) -> None:
        """Purchases as tall as their orders (at most ``ORDERS_SHOWN``), the timeline the rest
        (and never less than the orders)."""
        total = sum(self.sections.sizes())
        if total <= 0 or not shiboken6.isValid(self.purchases):
            return
        most = self.ORDERS_SHOWN if total >= self.SHORT else self.ORDERS_SHOWN - 1
        orders = min(max(self.purchases.proxy.rowCount(), 1), most)
        wanted = min(self.purchases.height_for(orders), (total - 1) // 2)
        self.sections.setSizes([wanted, total - wanted])

    #: a window narrower than this (logical pixels: a 1366-pixel laptop at 125% is 1093)
    #: gets a narrower contact card, a shorter note box and tighter margins; narrower
    #: than ``NARROWEST`` (150%: 910) also the figures in two rows
    NARROW_WINDOW = 1200
    NARROWEST = 1000

    def fit_width(self) -> None:
        width = self.window().width()
        narrow, narrowest = width < self.NARROW_WINDOW, width < self.NARROWEST
        if (narrow, narrowest) == getattr(self, "_narrow", None):
            return
        self._narrow = (narrow, narrowest)
        card = 250 if narrowest else 290 if narrow else 330  # an email still fits at 125%
        self.card_scroll.setFixedWidth(card)
        self.card.setMinimumWidth(card - 20)
        self.card.setMaximumWidth(card + 10)
        self._fit_timeline_columns(narrow)
        self.purchases.stats.set_columns(2 if narrowest else 4)
        self.purchases.stats.set_compact(narrow)
        self._fit_sizes()
        layout = cast(QVBoxLayout, self.layout())
        layout.setContentsMargins(*((14, 8, 14, 8) if narrow else (28, 16, 28, 16)))
        layout.setSpacing(8 if narrow else 12)
        self.body.setSpacing(12 if narrow else 20)

    def _fit_timeline_columns(self, narrow: bool) -> None:
        """The summary gets the room: on a narrow window When is the day only and What
        narrower and By hidden (the tooltips say the time and who recorded it)."""
        table, t = self.timeline_table, TimelineModel
        self.timeline_model.set_narrow(narrow)
        when = date_width(table) if narrow else moment_width(table, weekday=False)
        table.setColumnWidth(t.WHEN, when)
        table.setColumnWidth(t.WHAT, 130 if narrow else 180)
        table.setColumnHidden(t.BY, narrow)

    #: a page lower than this (logical pixels; 1366×768 at 125% leaves about 570) shows
    #: the timeline and the purchases as tabs
    SHORT_PAGE = 620

    def is_tabbed(self) -> bool:
        return getattr(self, "_tabbed", False)

    def fit_height(self) -> None:
        """On a short page: the timeline and the purchases as tabs, a one-line note box."""
        tabbed = self.height() < self.SHORT_PAGE
        if tabbed == self.is_tabbed():
            return
        self._tabbed = tabbed
        summary = self.purchases.summary
        holder = cast(QVBoxLayout, self.purchases_tab.layout())
        if tabbed:
            self.right.removeWidget(summary)
            holder.addWidget(summary)
            holder.addWidget(self.purchases, 1)
            self.tabs.addTab(self.timeline_box, self.tr("Timeline"))
            self.tabs.addTab(self.purchases_tab, self.tr("Purchases"))
            self.tabs.setCurrentIndex(0)
            self.sections.hide()
            self.tabs.show()
        else:
            self.tabs.hide()
            self.tabs.clear()  # the pages stay; they go back to the splitter
            holder.removeWidget(summary)
            self.right.insertWidget(1, summary)
            self.sections.insertWidget(0, self.purchases)
            self.sections.insertWidget(1, self.timeline_box)
            self.purchases_tab.hide()
            self.sections.show()
        summary.show()
        self.purchases.show()
        self.timeline_box.show()
        self.purchases.set_tabbed(tabbed)
        self.timeline_title.setVisible(not tabbed)  # the tab says it; Export beside the tabs
        self._fit_sizes()
        self._name_tabs()

    def _name_tabs(self) -> None:
        if not self.is_tabbed():
            return
        self.tabs.setTabText(
            0, self.tr("Timeline") + (f" ({self._entries})" if self._entries else "")
        )
        orders = self.purchases.proxy.rowCount()
        self.tabs.setTabText(1, self.tr("Purchases") + (f" ({orders})" if orders else ""))

    _entries = ""

    def _fit_sizes(self) -> None:
        narrow, tabbed = getattr(self, "_narrow", (False, False))[0], self.is_tabbed()
        # On a narrow window in one column the page scrolls up and down rather than
        # squeezing the timeline (and the orders) to no rows at all: at least five and two
        # rows. In tabs each has the whole height and the page does not scroll.
        table = self.timeline_table
        rows = table.verticalHeader().defaultSectionSize()
        header = table.horizontalHeader().sizeHint().height()
        squeezed = narrow and not tabbed
        self.timeline_table.setMinimumHeight(header + 5 * rows + 20 if squeezed else 0)
        self.purchases.table.setMinimumHeight(header + 2 * rows + 20 if squeezed else 0)
        self.setProperty(SCROLLS_UP_AND_DOWN, squeezed)
        line = self.note_edit.fontMetrics().lineSpacing()
        self.note_edit.setFixedHeight(line + 22 if tabbed else 56 if narrow else 64)
        self.note_edit.setPlaceholderText(self._short_note_hint if tabbed else self._note_hint)
        self.note_edit.setVerticalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAlwaysOff
            if tabbed
            else Qt.ScrollBarPolicy.ScrollBarAsNeeded
        )

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self.fit_width()
        self.fit_height()
        self._share_when_shown()

    def _share_when_shown(self) -> None:
        if getattr(self, "row", None) is not None and not self.is_tabbed():
            self.share_room()

    def show_patron(self, patron_id: str) -> None:
        same = patron_id == self.patron_id
        if not same:
            self._keep_draft()  # an unsaved note waits for its patron
            self.patron_id = patron_id
            self.note_edit.setPlainText(self._drafts.pop(patron_id, ""))
            show_error(self.note_error, "")
            self.timeline_detail.hide()
            self.tabs.setCurrentIndex(0)  # another patron opens on the timeline
            self.timeline_table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
            self.timeline_proxy.sort(-1)
        self.refresh(keep_loaded=same)

    def refresh(self, keep_loaded: bool = True) -> None:
        if self.patron_id is None:
            return
        self.row = self.runner.read(Permission.READ_PATRONS, directory.get, self.patron_id)
        if self.row is None:
            # Saved but not yet in the read models (a catch-up is running): the
            # window refreshes this page as soon as they have it.
            self.card.name_label.setText(self.tr("Loading…"))
            needs_server(self.edit_button, False)
            needs_server(self.erase_button, False)
            self.timeline_model.set_rows([])
            self.timeline_count.setText("")
            self.purchases.show_patron(None)
            self.card.ladder.show_placement(None)
            self.merge_bar.show_patron(None)
            return
        self.merge_bar.show_patron(self.row)
        # A merged record is read-only: its history lives on the surviving record.
        # An erased record keeps no personal data to edit or add to.
        merged = bool(self.row.get("merged_into"))
        erased = self.row.get("name") == ERASED
        saving = is_busy(self)  # the note being saved keeps its field until it is recorded
        for widget in (self.edit_button, self.note_edit, self.note_button):
            if not (saving and widget is not self.edit_button):
                set_enabled(widget, not merged and not erased)
        needs_server(self.erase_button, not erased)
        self.card.show_row(self.row)
        waiting = self._waiting_visits()
        self.purchases.show_patron(self.row, WaitingVisit.visits_change(waiting), len(waiting))
        QTimer.singleShot(0, self.share_room)  # once the page is laid out
        limit = self.timeline_model.page_size
        if keep_loaded:
            limit = max(limit, self.timeline_model.rowCount())
        judged = self.runner.read(Permission.READ_PATRONS, ladder.patron_ladder, self.patron_id)
        self.card.ladder.show_placement(judged.placement)
        rows = self.runner.read(Permission.READ_PATRONS, timeline.rows, self.patron_id, limit=limit)
        page, self._moves = merge_moves(rows, move_rows(judged.moves), len(rows) >= limit)
        if waiting:  # the newest: laid over the read models' rows, marked
            page = sorted(
                self._waiting_rows(waiting) + page,
                key=lambda r: (r["occurred_at"], r["position"]),
                reverse=True,
            )
        self.timeline_model.set_fetcher(self._next_rows)
        self.timeline_model.set_rows(page, more=len(rows) >= limit)
        total = self.runner.read(Permission.READ_PATRONS, timeline.count, self.patron_id) + len(
            judged.moves
        )
        total += len(waiting)
        self.timeline_count.setText(
            self.tr("1 entry") if total == 1 else self.tr("{count} entries").format(count=total)
        )
        self._entries = formatting.number(total) if total else ""
        self.tab_count.setText(self.timeline_count.text())
        self._name_tabs()

    def _next_rows(self, loaded: Sequence[dict], limit: int) -> list[dict]:
        if self.patron_id is None:
            return []
        offset = sum(1 for row in loaded if row["kind"] not in (LADDER, WAITING, UNDO_WAITING))
        rows = self.runner.read(
            Permission.READ_PATRONS, timeline.rows, self.patron_id, limit=limit, offset=offset
        )
        page, self._moves = merge_moves(rows, self._moves, len(rows) >= limit)
        return page

    def _waiting_visits(self) -> list[WaitingVisit]:
        """The patron's admissions this workstation's door made offline, not sent yet."""
        front = self.door_front
        if front is None or not front.shared or self.patron_id is None:
            return []
        return self.runner.read(Permission.READ_PATRONS, front.waiting_visits, self.patron_id)

    def _waiting_rows(self, waiting: list[WaitingVisit]) -> list[dict]:
        rows = []
        for visit in waiting:
            show = visit.title or self.tr("a performance")
            if visit.starts_at:
                show += ", " + local_date(visit.starts_at)
            rows.append(
                {
                    "position": 2**62,  # after the stored rows of the same moment
                    "patron_id": self.patron_id,
                    "occurred_at": visit.at,
                    "kind": UNDO_WAITING if visit.undone else WAITING,
                    "summary": (
                        self.tr("Admission to {show} undone at {door} — not sent yet")
                        if visit.undone
                        else self.tr("Admitted to {show} at {door} — not sent yet")
                    ).format(show=show, door=visit.door),
                    "detail": (
                        self.tr(
                            "Ticket {code}. This door undid its admission while the server "
                            "did not answer; it is sent when the server answers again."
                        )
                        if visit.undone
                        else self.tr(
                            "Ticket {code}. This door admitted it while the server did not "
                            "answer; it is sent when the server answers again."
                        )
                    ).format(code=visit.code),
                    "recorded_by": "",
                    "workstation": "",
                    "amount_cents": None,
                }
            )
        return rows

    def _keep_draft(self) -> None:
        draft = self.note_edit.toPlainText()
        if draft.strip() and self.patron_id:
            self._drafts[self.patron_id] = draft

    # -- changing things --------------------------------------------------------
    def save_note(self) -> int | None:
        """Add the note on the writer worker (the note field busy meanwhile); cleared once
        recorded. Returns the writer's job number (None: nothing was sent)."""
        if self.patron_id is None:
            return None

        def refused(text: str) -> None:
            show_error(self.note_error, text)
            self.note_edit.setFocus()

        patron_id = self.patron_id
        return submit_action(
            self,
            partial(self.app.add_note, patron_id, self.note_edit.toPlainText()),
            lambda _result: self._note_saved(patron_id),
            refused,
            busy=(self.note_button, self.note_edit),
            busy_text=self.tr("Saving…"),
        )

    def _note_saved(self, patron_id: str) -> None:
        show_error(self.note_error, "")
        self._drafts.pop(patron_id, None)  # saved: no draft to bring back
        if patron_id != self.patron_id:
            return  # another patron is shown now; what is typed there stays
        self.note_edit.clear()
        self.note_edit.setFocus()
        self.message.emit(self.tr("Note saved."))

    def edit_dialog(self) -> PatronDialog | None:
        if self.row is None:
            return None
        dialog = PatronDialog(self.app, self.row, self)
        dialog.saved.connect(lambda _id: self.message.emit(self.tr("Changes saved.")))
        dialog.open_existing.connect(self.open_patron)
        return dialog

    def edit(self) -> PatronDialog | None:
        """Open the edit dialog (window-modal; returns it for tests and scripts)."""
        dialog = self.edit_dialog()
        if dialog is not None:
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.open()
        return dialog

    def erase(self) -> EraseDialog | None:
        """Open the erase dialog (type the name to confirm); returns it for tests."""
        if self.row is None:
            return None
        targets = self.erase_targets() if self.erase_targets is not None else {}
        dialog = EraseDialog(self.app, self.runner, self.row, self, **targets)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.erased.connect(self._erased)
        dialog.open()
        return dialog

    def _erased(self, _result: object) -> None:
        self._drafts.pop(self.patron_id or "", None)
        self.note_edit.clear()
        self.refresh()
        self.message.emit(self.tr("Personal data erased."))
