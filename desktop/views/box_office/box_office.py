"""The Box office area: performances, and the tickets of the one selected.

Upcoming performances come first (soonest at the top); "Show past" adds the
ones already played. Enter (or double-click) on a performance sells tickets
for it. Below the list, the selected performance's tickets, where an order is
refunded or exchanged in a few clicks.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop import formatting
from desktop.export import EXPORT_HIDDEN, add_export
from desktop.models.base import SortProxy
from desktop.models.performance_table import PerformanceTableModel
from desktop.models.ticket_table import TicketTableModel
from desktop.server_connection import needs_server, waiting_words
from desktop.views.box_office.order_actions import ChosenOrder, OrderActions, upcoming_first
from desktop.views.box_office.performance_dialog import (
    EDIT_PERFORMANCE,
    NEW_PERFORMANCE,
    NEW_PRODUCTION,
    PerformanceDialog,
)
from desktop.views.box_office.sell_dialog import SellDialog
from desktop.views.widgets import (
    ElidedLabel,
    FlowLayout,
    exporting_table,
    heading,
    moment_width,
    order_menu_button,
    select_row,
    size_columns,
    stand_in_menu,
    table_view,
)
from domain.application import Houselights
from domain.box_office import ticket_tally
from domain.roles import Permission
from infrastructure.offline_door import OfflineDoor
from projections import box_office
from projections import patron_directory as directory
from projections.runner import ReadModelRunner

_OPEN_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class BoxOfficeView(OrderActions):
    #: a CSV was written, or something else worth a status-bar line
    message = Signal(str)
    open_patron = Signal(str)

    def __init__(self, app: Houselights, runner: ReadModelRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.runner = runner
        self.dialog = None
        #: this workstation's door (``infrastructure.offline_door``): its scans waiting
        #: to be sent count in the figures here as in the house count
        self.door_front: OfflineDoor | None = None
        self.setObjectName("boxOffice")

        # -- performances ----------------------------------------------------------
        self.new_production_button = needs_server(QPushButton(self.tr("New production…"), self))
        self.new_production_button.clicked.connect(self.new_production)
        self.new_performance_button = needs_server(QPushButton(self.tr("New performance…"), self))
        self.new_performance_button.clicked.connect(self.new_performance)
        self.edit_button = needs_server(QPushButton(self.tr("Edit performance…"), self))
        self.edit_button.clicked.connect(self.edit_performance)
        self.sell_button = needs_server(QPushButton(self.tr("Sell tickets…"), self))
        self.sell_button.setObjectName("primaryButton")
        self.sell_button.setToolTip(self.tr("Sell tickets for the selected performance (Enter)"))
        self.sell_button.clicked.connect(self.sell)
        self.export_button = QPushButton(self.tr("Export…"), self)
        self.show_past = QCheckBox(self.tr("Show past performances"), self)
        self.show_past.setObjectName("showPast")
        self.show_past.toggled.connect(lambda _on: self.refresh())
        self.count_label = QLabel(self)
        self.count_label.setObjectName("countLabel")

        self.model = PerformanceTableModel(self)
        self.proxy, self.table, self.export_action = exporting_table(
            self.model,
            self,
            self.export_button,
            self.tr("performances") + ".csv",
            on_exported=lambda path: self.message.emit(self.tr("Saved {path}").format(path=path)),
            name="performances",
        )
        self.table.installEventFilter(self)
        self.table.doubleClicked.connect(lambda _index: self.sell())
        p = PerformanceTableModel
        when = moment_width(self.table)
        #: the columns' own widths (a column hidden on a narrow window gets its back)
        self.column_widths = {p.WHEN: when, p.VENUE: 160, p.SOLD: 130, p.LEFT: 100, p.REVENUE: 120}
        size_columns(self.table, self.column_widths, stretch=p.TITLE)
        # hidden on a narrow window, still exported
        self.table.setProperty(EXPORT_HIDDEN, list(self.HIDE_FIRST))
        #: columns the user showed or hid from the header's menu (they stay so)
        self.chosen_columns: dict[int, bool] = {}
        header = self.table.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._selection_changed())

        # -- tickets of the selected performance -------------------------------------------
        # one line: a long title is cut at its end with the whole title as the tooltip
        self.tickets_title = ElidedLabel(self, Qt.TextElideMode.ElideRight)
        self.tickets_title.setObjectName("subheading")
        self.tickets_title.setText(self.tr("Tickets"))
        self.tickets_title.setMinimumWidth(120)
        # on a narrow window the tally is cut at its end, whole in its tooltip
        self.tickets_count = ElidedLabel(self, Qt.TextElideMode.ElideRight)
        self.tickets_count.setObjectName("countLabel")
        self.tickets_count.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.add_order_buttons(self.tr("Save tickets as PDF…"))
        self.buyer_button = QPushButton(self.tr("Open buyer"), self)
        self.buyer_button.setObjectName("flatButton")
        self.buyer_button.clicked.connect(self._open_buyer)
        self.tickets_export_button = QPushButton(self.tr("Export…"), self)
        self.ticket_model = TicketTableModel(self)
        self.ticket_proxy = SortProxy(self.ticket_model, self)
        self.ticket_table = table_view(self)
        self.ticket_table.setObjectName("tickets")
        self.ticket_table.setModel(self.ticket_proxy)
        self.ticket_table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        t = TicketTableModel
        size_columns(
            self.ticket_table,
            {t.CODE: 150, t.LEVEL: 130, t.PRICE: 100, t.STATUS: 175, t.SOLD_AT: 215},
            stretch=t.BUYER,
        )
        self.ticket_table.selectionModel().selectionChanged.connect(
            lambda *_: self._ticket_selection_changed()
        )
        self.tickets_export_action = add_export(
            self.ticket_table,
            self.tickets_export_button,
            suggested_name=self.tr("tickets") + ".csv",
            on_done=lambda path: self.message.emit(self.tr("Saved {path}").format(path=path)),
        )

        # -- layout ---------------------------------------------------------------------------
        top = QHBoxLayout()
        self.heading = heading(self.tr("Box office"), self)
        top.addWidget(self.heading, 0, Qt.AlignmentFlag.AlignTop)
        top_box = QWidget(self)  # wraps onto a second line on a narrow window
        top_buttons = FlowLayout(top_box, spacing=8, right=True)
        # on a narrow window the three less-used actions are one menu button
        self.performance_menu_button = QPushButton(self.tr("Performances"), self)
        self.performance_menu_button.setToolTip(
            self.tr("New production, new performance or edit the selected performance")
        )
        stand_in_menu(
            self.performance_menu_button,
            (self.new_production_button, self.new_performance_button, self.edit_button),
        )
        for button in (
            self.performance_menu_button,
            self.new_production_button,
            self.new_performance_button,
            self.edit_button,
            self.sell_button,
        ):
            top_buttons.addWidget(button)
        top.addWidget(top_box, 1)
        filters = QHBoxLayout()
        filters.addWidget(self.show_past)
        filters.addSpacing(12)
        filters.addWidget(self.count_label)
        filters.addStretch(1)
        filters.addWidget(self.export_button)

        upper = QWidget(self)
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.setSpacing(10)
        upper_layout.addLayout(filters)
        upper_layout.addWidget(self.table, 1)

        tickets_top = QHBoxLayout()
        tickets_top.addWidget(self.tickets_title, 1)
        tickets_top.addWidget(self.tickets_count, 0, Qt.AlignmentFlag.AlignBottom)
        ticket_actions = QHBoxLayout()
        ticket_actions.setSpacing(8)
        order_box = QWidget(self)  # wraps onto a second line on a narrow window
        order_buttons = FlowLayout(order_box, spacing=8)
        for button in (
            self.refund_button,
            self.exchange_button,
            self.print_button,
            self.pdf_button,
        ):
            order_buttons.addWidget(button)
        self.order_box = order_box
        # on a short window the four order actions are one menu button (one row, not two)
        self.order_menu_button = order_menu_button(
            self, (self.refund_button, self.exchange_button, self.print_button, self.pdf_button)
        )
        ticket_actions.addWidget(self.order_menu_button)
        ticket_actions.addWidget(order_box, 1)
        ticket_actions.addWidget(self.buyer_button)
        ticket_actions.addWidget(self.tickets_export_button)
        self.tickets_top, self.ticket_actions = tickets_top, ticket_actions
        lower = QWidget(self)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 8, 0, 0)
        lower_layout.setSpacing(8)
        lower_layout.addLayout(tickets_top)
        lower_layout.addLayout(ticket_actions)
        lower_layout.addWidget(self.ticket_table, 1)

        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(upper)
        self.splitter.addWidget(lower)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)

        self.upper_pane, self.lower_pane = upper, lower
        self.upper_layout, self.lower_layout = upper_layout, lower_layout
        self.area_layout = layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 16)
        layout.setSpacing(14)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)
        self._selection_changed()

    # -- fitting a laptop -------------------------------------------------------------
    #: an area lower than this (logical pixels: a 768-pixel laptop at 125% leaves about
    #: 570) is short: the performances get the room, the tickets below keep a few rows
    SHORT = 640
    #: ticket rows the tickets table keeps on a short window
    SHORT_TICKET_ROWS = 2
    _short: bool | None = None

    def is_short(self) -> bool:
        return bool(self._short)

    def fit_height(self) -> None:
        short = self.height() < self.SHORT
        if short != self._short:
            self._short = short
            # the sidebar already says where we are: the heading's room goes to the buttons
            self.heading.setVisible(not short)
            self.order_box.setVisible(not short)
            self.order_menu_button.setVisible(short)
            # the tickets' title and count on the row of their actions: one row, not two
            top, actions = self.tickets_top, self.ticket_actions
            for widget in (self.tickets_title, self.tickets_count):
                (actions if short else top).removeWidget(widget)
            if short:
                actions.insertWidget(0, self.tickets_title, 1)
                actions.insertWidget(1, self.tickets_count)
            else:
                top.addWidget(self.tickets_title, 1)
                top.addWidget(self.tickets_count, 0, Qt.AlignmentFlag.AlignBottom)
            layout = self.area_layout
            layout.setContentsMargins(*((14, 8, 14, 8) if short else (28, 24, 28, 16)))
            layout.setSpacing(8 if short else 14)
            self.upper_layout.setSpacing(6 if short else 10)
            lower = self.lower_layout
            lower.setContentsMargins(0, 4 if short else 8, 0, 0)
            lower.setSpacing(4 if short else 8)
            table = self.ticket_table
            rows = table.verticalHeader().defaultSectionSize()
            header = table.horizontalHeader().sizeHint().height()
            below = table.horizontalScrollBar().sizeHint().height() + 2 * table.frameWidth()
            table.setMinimumHeight(header + self.SHORT_TICKET_ROWS * rows + below if short else 0)
            # growing or shrinking, the performances take the change; the tickets keep theirs
            self.splitter.setStretchFactor(0, 1 if short else 3)
            self.splitter.setStretchFactor(1, 0 if short else 2)
        if short:
            QTimer.singleShot(0, self._tickets_least_room)  # once the splitter has its size

    def _tickets_least_room(self) -> None:
        """On a short window the tickets keep their least room, the performances the rest."""
        if not shiboken6.isValid(self) or not self._short:
            return
        total = sum(self.splitter.sizes())
        tickets = self.lower_pane.minimumSizeHint().height()
        if total > tickets and self.splitter.sizes()[1] != tickets:
            self.splitter.setSizes([total - tickets, tickets])

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self.fit_height()
        self.fit_width()

    #: the performances' columns a narrow window hides first (the title keeps its room)
    HIDE_FIRST = (PerformanceTableModel.REVENUE, PerformanceTableModel.VENUE)
    #: characters of a title the performances' title column keeps room for
    TITLE_CHARACTERS = 26

    def title_room(self) -> int:
        """The width the title column keeps for a typical title ("The Gruffalo (family)")."""
        return self.table.fontMetrics().averageCharWidth() * self.TITLE_CHARACTERS

    def fit_width(self) -> None:
        """On a narrow window the less-used performance actions are one menu, and the
        revenue, then the venue, columns hide (the header's menu shows them again)."""
        buttons = (self.new_production_button, self.new_performance_button, self.edit_button)
        needed = sum(b.sizeHint().width() for b in (*buttons, self.sell_button)) + 3 * 8
        margins = self.area_layout.contentsMargins()
        room = self.width() - margins.left() - margins.right()
        if not self.heading.isHidden():
            room -= self.heading.sizeHint().width() + self.area_layout.spacing()
        narrow = needed > room
        if narrow != self.performance_menu_button.isVisibleTo(self):
            for button in buttons:
                button.setVisible(not narrow)
            self.performance_menu_button.setVisible(narrow)
        self.fit_columns()

    def fit_columns(self) -> None:
        p = PerformanceTableModel
        table = self.table
        # the table's room: the area's width less its margins (before its layout settles)
        margins = self.area_layout.contentsMargins()
        room = self.width() - margins.left() - margins.right() - 2 * table.frameWidth()
        room -= table.verticalScrollBar().sizeHint().width()
        widths = {
            c: max(w, table.header_width(c)) for c, w in self.column_widths.items() if c != p.TITLE
        }
        hidden: set[int] = set()
        for column in self.HIDE_FIRST:
            if room - sum(w for c, w in widths.items() if c not in hidden) >= self.title_room():
                break
            if column not in self.chosen_columns:
                hidden.add(column)
        for column in self.HIDE_FIRST:
            hide = not self.chosen_columns.get(column, column not in hidden)
            if table.isColumnHidden(column) != hide:
                table.setColumnHidden(column, hide)
                if not hide:
                    table.setColumnWidth(column, widths[column])
        table.fit_headers()

    def _column_menu(self, position) -> QMenu:
        """The header's menu: tick the columns to show."""
        header = self.table.horizontalHeader()
        menu = QMenu(self)
        model = self.table.model()
        for column in self.HIDE_FIRST:
            title = model.headerData(column, Qt.Orientation.Horizontal)
            action = menu.addAction(self.tr("Show {column}").format(column=title))
            action.setCheckable(True)
            action.setChecked(not self.table.isColumnHidden(column))
            action.toggled.connect(lambda on, column=column: self.choose_column(column, on))
        menu.popup(header.mapToGlobal(position))
        return menu

    def choose_column(self, column: int, shown: bool) -> None:
        """Show or hide a performances column for good (whatever the window's width)."""
        self.chosen_columns[column] = shown
        self.fit_columns()

    # -- loading ----------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the performances (and the selected one's tickets), keeping the selection."""
        selected = self.current_performance_id()
        rows = self.runner.read(
            Permission.SEE_PERFORMANCES,
            box_office.performances,
            include_past=self.show_past.isChecked(),
        )
        rows = upcoming_first(rows)
        for row in rows:  # the door's admissions waiting to be sent count already
            waiting = self._waiting_admissions(row["id"])
            if waiting:
                admitted = sum(1 if now else -1 for now in waiting.values())
                row["admitted"] = max(0, int(row.get("admitted") or 0) + admitted)
                row["waiting"] = sum(waiting.values())
        self.model.set_rows(rows)
        self._show_count(rows)
        if selected and self.select_performance(selected):
            return
        if rows:
            self._select_row(0)
        else:
            self._selection_changed()

    def _waiting_admissions(self, performance_id: str) -> dict[str, bool]:
        """This workstation's door scans not yet sent that change an admission (a door
        laptop that also sells: its box office counts what its door admitted offline)."""
        front = self.door_front
        if front is None or not front.shared:
            return {}
        return self.runner.read(Permission.READ_TICKETS, front.waiting_admissions, performance_id)

    def _show_count(self, rows: list[dict]) -> None:
        if not rows:
            self.count_label.setText(
                self.tr("Nothing scheduled yet. Start with New production…")
                if not self.show_past.isChecked()
                else self.tr("No performances yet.")
            )
        elif len(rows) == 1:
            self.count_label.setText(self.tr("1 performance"))
        else:
            self.count_label.setText(self.tr("{count} performances").format(count=len(rows)))

    def _select_row(self, row: int) -> None:
        select_row(self.table, row)

    def select_performance(self, performance_id: str) -> bool:
        row = self.proxy.proxy_row_of(performance_id)
        if row < 0:
            return False
        self._select_row(row)
        self._load_tickets()
        return True

    def current_performance_id(self) -> str | None:
        index = self.table.currentIndex()
        return self.proxy.row_id(index.row()) if index.isValid() else None

    def current_performance(self) -> dict | None:
        performance_id = self.current_performance_id()
        if performance_id is None:
            return None
        return self.model.row_data(self.model.row_of(performance_id))

    def _selection_changed(self) -> None:
        has = self.current_performance_id() is not None
        needs_server(self.edit_button, has)
        needs_server(self.new_performance_button, self.model.rowCount() > 0)
        needs_server(self.sell_button, has)
        self._load_tickets()

    def _load_tickets(self) -> None:
        performance = self.current_performance()
        if performance is None:
            self.tickets_title.setText(self.tr("Tickets"))
            self.ticket_model.set_rows([])
            self.tickets_count.setText("")
            self._ticket_selection_changed()
            return
        selected = self.selected_codes()
        rows = self.runner.read(Permission.READ_TICKETS, box_office.tickets, performance["id"])
        names: dict[str, str] = {}
        for row in rows:
            patron_id = row.get("patron_id")
            if patron_id and patron_id not in names:
                found = self.runner.read(Permission.READ_PATRONS, directory.get, patron_id)
                names[patron_id] = found["name"] if found else ""
            row["buyer"] = names.get(patron_id, "") if patron_id else ""
        waiting = self._waiting_admissions(performance["id"])
        for row in rows:  # what this workstation's door admitted offline counts already
            if row["code"] in waiting and row["status"] in ("valid", "admitted"):
                row["status"] = "admitted" if waiting[row["code"]] else "valid"
                row["waiting"] = True
        self.ticket_model.set_rows(rows)
        self.tickets_title.setText(
            self.tr("Tickets for {title}").format(title=performance["title"])
        )
        words = self.tally_words(ticket_tally(r["status"] for r in rows))
        sent_later = sum(1 for r in rows if r.get("waiting") and r["status"] == "admitted")
        if sent_later:
            words += " · " + waiting_words(sent_later)
        self.tickets_count.setText(words)
        if selected:
            self.select_tickets(selected)
        self._ticket_selection_changed()

    def tally_words(self, tally: dict[str, int]) -> str:
        """'4 admitted, 1 not yet, of 5' (and how many went back, when some did)."""
        n = formatting.number
        parts = [
            self.tr("{n} admitted").format(n=n(tally["admitted"])),
            self.tr("{n} not yet").format(n=n(tally["not_yet"])),
        ]
        if tally["returned"]:
            parts.append(self.tr("{n} refunded or exchanged").format(n=n(tally["returned"])))
        return self.tr("{parts}, of {total}").format(
            parts=", ".join(parts), total=n(tally["total"])
        )

    # -- ticket selection ------------------------------------------------------------------------
    def selected_tickets(self) -> list[dict]:
        rows = self.ticket_table.selectionModel().selectedRows()
        return [
            self.ticket_model.row_data(self.ticket_proxy.mapToSource(index).row())
            for index in sorted(rows, key=lambda i: i.row())
        ]

    def selected_codes(self) -> list[str]:
        return [t["code"] for t in self.selected_tickets()]

    def select_tickets(self, codes: list[str]) -> None:
        selection = self.ticket_table.selectionModel()
        selection.clearSelection()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for code in codes:
            row = self.ticket_proxy.proxy_row_of(code)
            if row >= 0:
                selection.select(self.ticket_proxy.index(row, 0), flags)
                selection.setCurrentIndex(self.ticket_proxy.index(row, 0), flags)

    def current_order_id(self) -> str | None:
        tickets = self.selected_tickets()
        return tickets[0]["order_id"] if tickets else None

    def _ticket_selection_changed(self) -> None:
        tickets = self.selected_tickets()
        valid = [t for t in tickets if t.get("status") == "valid"]
        needs_server(self.refund_button, bool(valid))
        needs_server(self.exchange_button, bool(valid))
        self.print_button.setEnabled(bool(valid))
        self.pdf_button.setEnabled(bool(valid))
        self.buyer_button.setEnabled(bool(tickets and tickets[0].get("patron_id")))

    def _open_buyer(self) -> None:
        tickets = self.selected_tickets()
        if tickets and tickets[0].get("patron_id"):
            self.open_patron.emit(tickets[0]["patron_id"])

    # -- dialogs ----------------------------------------------------------------
    def _scheduled(self, performance_id: str, message: str) -> None:
        self.refresh()
        self.select_performance(performance_id)
        self.message.emit(message)

    def new_production(self) -> PerformanceDialog:
        dialog = PerformanceDialog(self.app, NEW_PRODUCTION, parent=self)
        dialog.saved.connect(lambda pid: self._scheduled(pid, self.tr("Production scheduled.")))
        self._show(dialog)
        return dialog

    def new_performance(self) -> PerformanceDialog:
        dialog = PerformanceDialog(
            self.app,
            NEW_PERFORMANCE,
            self.current_performance(),
            productions=self.runner.read(Permission.SEE_PERFORMANCES, box_office.productions),
            parent=self,
        )
        dialog.saved.connect(lambda pid: self._scheduled(pid, self.tr("Performance scheduled.")))
        self._show(dialog)
        return dialog

    def edit_performance(self) -> PerformanceDialog | None:
        performance = self.current_performance()
        if performance is None:
            return None
        dialog = PerformanceDialog(self.app, EDIT_PERFORMANCE, performance, parent=self)
        dialog.saved.connect(lambda pid: self._scheduled(pid, self.tr("Changes saved.")))
        self._show(dialog)
        return dialog

    def sell(self, patron: dict | None = None) -> SellDialog | None:
        if self.refused_offline():
            return None
        performances = self.sellable_performances()
        current = self.current_performance()
        if current is not None and all(p["id"] != current["id"] for p in performances):
            performances.insert(0, current)  # a past one, chosen on purpose
        dialog = SellDialog(
            self.app,
            self.runner,
            performances,
            performance_id=current["id"] if current else None,
            patron=patron,
            parent=self.window(),
        )
        dialog.sold.connect(self._sold)
        self._show(dialog)
        return dialog

    def _sold(self, result: dict) -> None:
        count = len(result["codes"])
        self.message.emit(
            self.tr("Sold 1 ticket.")
            if count == 1
            else self.tr("Sold {count} tickets.").format(count=count)
        )

    def chosen_order(self) -> ChosenOrder | None:
        """The order of the selected tickets (those selected, not the whole order)."""
        tickets = self.selected_tickets()
        performance = self.current_performance()
        if not tickets or performance is None:
            return None
        order_id = tickets[0]["order_id"]
        return ChosenOrder(
            order_id,
            performance,
            [t for t in tickets if t["order_id"] == order_id],
            tickets[0].get("buyer") or "",
        )

    # -- keys ----------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if (
            watched is self.table
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in _OPEN_KEYS
        ):
            self.sell()
            return True
        return super().eventFilter(watched, event)
