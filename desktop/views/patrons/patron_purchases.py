"""A patron's relationship at a glance: lifetime spend, visits, status, purchases.

The page's "Purchases" section: four figures from ``patron_stats``, the
buttons that sell or record something for this patron, and the orders table
where an order is refunded, exchanged or its tickets printed again.
"""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.export import add_export
from desktop.formatting import local_date, money, today
from desktop.loyalty_labels import rung_label
from desktop.models.base import SortProxy
from desktop.models.order_table import OrderTableModel
from desktop.server_connection import needs_server
from desktop.views.box_office.donation_dialog import DonationDialog
from desktop.views.box_office.membership_dialog import MembershipDialog
from desktop.views.box_office.order_actions import ChosenOrder, OrderActions
from desktop.views.box_office.sell_dialog import SellDialog
from desktop.views.box_office.subscription_dialog import SubscriptionDialog
from desktop.views.widgets import (
    FlowLayout,
    heading,
    moment_width,
    order_menu_button,
    size_columns,
    table_view,
)
from domain.application import Houselights
from domain.roles import Permission
from projections import box_office, ladder
from projections.runner import ReadModelRunner


class StatTile(QFrame):
    def __init__(self, caption: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("statTile")
        self.value = QLabel(self)
        self.value.setObjectName("statValue")
        self.caption = QLabel(caption, self)
        self.caption.setObjectName("statCaption")
        self.detail = QLabel(self)
        self.detail.setObjectName("statDetail")
        self.detail.setWordWrap(True)
        self.value.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(1)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)
        layout.addWidget(self.detail)

    def set_compact(self, compact: bool) -> None:
        """On a narrow window: less room around, the detail line as the tooltip."""
        cast(QVBoxLayout, self.layout()).setContentsMargins(
            *((10, 6, 10, 6) if compact else (14, 10, 14, 10))
        )
        self.compact = compact
        self.detail.setVisible(not compact)
        self.setToolTip(self.detail.text() if compact else "")

    compact = False

    def show_value(self, value: str, detail: str = "") -> None:
        self.value.setProperty("long", len(value) > 10)  # smaller type for words
        self.value.style().unpolish(self.value)
        self.value.style().polish(self.value)
        self.value.setText(value)
        self.detail.setText(detail)
        self.setToolTip(detail if self.compact else "")


class PatronStats(QWidget):
    """Lifetime spend, visits, tickets, subscriber and member status."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.spend = StatTile(self.tr("Lifetime spend"), self)
        self.visits = StatTile(self.tr("Visits"), self)
        self.tickets = StatTile(self.tr("Tickets bought"), self)
        self.status = StatTile(self.tr("Status"), self)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        self.set_columns(4)

    def set_compact(self, compact: bool) -> None:
        for tile in (self.spend, self.visits, self.tickets, self.status):
            tile.set_compact(compact)

    def set_columns(self, columns: int) -> None:
        """Four tiles in a row, or two rows of two on a narrow window (150% scaling)."""
        layout = cast(QGridLayout, self.layout())
        if getattr(self, "_columns", None) == columns:
            return
        self._columns = columns
        tiles = (self.spend, self.visits, self.tickets, self.status)
        for tile in tiles:
            layout.removeWidget(tile)
        for index, tile in enumerate(tiles):
            layout.addWidget(tile, index // columns, index % columns)
        for column in range(4):
            layout.setColumnStretch(column, 1 if column < columns else 0)

    def show_stats(
        self, stats: dict | None, rung: str = "", waiting_visits: int = 0, waiting: int = 0
    ) -> None:
        """The figures; ``rung`` is the patron's place on the loyalty ladder (domain.loyalty);
        ``waiting_visits``: how this door's scans not sent yet change the visits (counted:
        admitted here, or undone here); ``waiting``: how many such scans."""
        stats = stats or {}
        donations = int(stats.get("donations_cents") or 0)
        self.spend.show_value(
            money(int(stats.get("lifetime_spend_cents") or 0)),
            self.tr("plus {amount} given").format(amount=money(donations)) if donations else "",
        )
        visits = int(stats.get("visits") or 0) + waiting_visits
        last = local_date(stats.get("last_purchase_at"))
        if waiting_visits < 0:
            detail = self.tr("{n} undone, not sent yet").format(n=-waiting_visits)
        elif waiting_visits or waiting:
            detail = self.tr("{n} not sent yet").format(n=waiting_visits or waiting)
        else:
            detail = self.tr("last bought {date}").format(date=last) if last else ""
        self.visits.show_value(str(visits), detail)
        orders = int(stats.get("orders") or 0)
        self.tickets.show_value(
            str(int(stats.get("tickets") or 0)),
            self.tr("1 order") if orders == 1 else self.tr("{n} orders").format(n=orders),
        )
        parts = [rung_label(rung)] if rung else []
        if stats.get("subscriber"):
            parts.append(self.tr("Subscriber"))
        if stats.get("member_until"):
            parts.append(self.tr("Member"))
        until = local_date(stats.get("member_until"))
        self.status.show_value(
            " · ".join(parts), self.tr("member until {date}").format(date=until) if until else ""
        )


class PurchasesPanel(OrderActions):
    """The patron's orders; ``summary`` (figures) and ``page_actions`` go elsewhere."""

    message = Signal(str)

    def __init__(self, app: Houselights, runner: ReadModelRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.runner = runner
        self.patron: dict | None = None
        self.dialog = None
        self.stats = PatronStats(parent)

        self.sell_button = needs_server(QPushButton(self.tr("Sell tickets…"), self))
        self.sell_button.setObjectName("primaryButton")
        self.sell_button.clicked.connect(self.sell)
        self.donation_button = needs_server(QPushButton(self.tr("Record a donation…"), self))
        self.donation_button.clicked.connect(self.record_donation)
        self.subscription_button = needs_server(QPushButton(self.tr("Sell a subscription…"), self))
        self.subscription_button.clicked.connect(self.sell_subscription)
        self.membership_button = needs_server(QPushButton(self.tr("Start a membership…"), self))
        self.membership_button.clicked.connect(self.start_membership)

        self.model = OrderTableModel(self)
        self.proxy = SortProxy(self.model, self)
        self.table = table_view(self)
        self.table.setObjectName("orders")
        self.table.setModel(self.proxy)
        o = OrderTableModel
        when = moment_width(self.table, weekday=False)
        size_columns(
            self.table,
            {o.DATE: when, o.TICKETS: 62, o.TOTAL: 85, o.STATUS: 95, o.PAYMENT: 75},
            stretch=o.PERFORMANCE,
        )
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._order_changed())
        self.count = QLabel(self)
        self.count.setObjectName("countLabel")
        self.add_order_buttons(self.tr("Save as PDF…"))
        self.export_button = QPushButton(self.tr("Export…"), self)
        add_export(
            self.table,
            self.export_button,
            suggested_name=self.tr("purchases") + ".csv",
            on_done=lambda path: self.message.emit(self.tr("Saved {path}").format(path=path)),
        )

        #: the patron's actions; the page shows them in its top bar
        self.page_actions = [
            self.sell_button,
            self.donation_button,
            self.subscription_button,
            self.membership_button,
        ]
        #: the figures; the page places them above the note
        self.summary = self.stats
        # in the page's Purchases tab (a short window) the four order actions are one menu
        # button on the title's row, so the orders keep their rows
        self.order_menu_button = order_menu_button(
            self, (self.refund_button, self.exchange_button, self.print_button, self.pdf_button)
        )
        title = QHBoxLayout()
        self.heading = heading(self.tr("Purchases"), self, name="subheading")
        title.addWidget(self.heading)
        title.addWidget(self.count, 0, Qt.AlignmentFlag.AlignBottom)
        title.addStretch(1)
        title.addWidget(self.order_menu_button)
        title.addWidget(self.export_button)
        order_box = QWidget(self)
        order_actions = FlowLayout(order_box, spacing=8)
        for button in (
            self.refund_button,
            self.exchange_button,
            self.print_button,
            self.pdf_button,
        ):
            order_actions.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addLayout(title)
        layout.addWidget(order_box)
        layout.addWidget(self.table, 1)
        self.order_box = order_box
        self._order_changed()

    def set_tabbed(self, tabbed: bool) -> None:
        """In a tab of its own: no heading (the tab says it), the order actions as a menu."""
        self.heading.setVisible(not tabbed)
        self.order_box.setVisible(not tabbed)
        self.order_menu_button.setVisible(tabbed)

    def height_for(self, rows: int) -> int:
        """The panel's height when its table shows ``rows`` orders without scrolling."""
        table = self.table
        others = table.geometry().top()  # the title and the order buttons above it
        rows_height = rows * table.verticalHeader().defaultSectionSize()
        header = table.horizontalHeader().sizeHint().height()
        scroll = table.horizontalScrollBar().sizeHint().height()  # when columns scroll
        return others + header + rows_height + 2 * table.frameWidth() + scroll

    # -- loading -----------------------------------------------------------------------
    def show_patron(self, patron: dict | None, waiting_visits: int = 0, waiting: int = 0) -> None:
        """The patron's figures and orders; ``waiting_visits``: how the visits change with
        this door's admissions and undos not sent yet (counted in Visits, marked);
        ``waiting``: how many of those scans wait."""
        same = bool(patron and self.patron and patron["id"] == self.patron["id"])
        selected = self.current_order_id() if same else None
        self.patron = patron
        for button in (
            self.sell_button,
            self.donation_button,
            self.subscription_button,
            self.membership_button,
        ):
            needs_server(button, patron is not None)
        if patron is None:
            self.stats.show_stats(None)
            self.model.set_rows([])
            self.count.setText("")
            self._order_changed()
            return
        rung = self.runner.read(
            Permission.READ_PATRONS, ladder.patron_ladder, patron["id"]
        ).placement.rung
        self.stats.show_stats(
            # a membership runs to the end of its last day at the organization
            self.runner.read(
                Permission.READ_PATRONS, box_office.patron_stats, patron["id"], today()
            ),
            rung,
            waiting_visits,
            waiting,
        )
        rows = self.runner.read(Permission.READ_PATRONS, box_office.orders_for_patron, patron["id"])
        self.model.set_rows(rows)
        self.count.setText(
            self.tr("1 order") if len(rows) == 1 else self.tr("{n} orders").format(n=len(rows))
        )
        row = self.proxy.proxy_row_of(selected) if selected else -1
        if row >= 0:
            self.table.selectRow(row)
        self._order_changed()

    def current_order(self) -> dict | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.row_data(self.proxy.mapToSource(index).row())

    def current_order_id(self) -> str | None:
        order = self.current_order()
        return order["order_id"] if order else None

    def select_order(self, order_id: str) -> bool:
        row = self.proxy.proxy_row_of(order_id)
        if row >= 0:
            self.table.selectRow(row)
        return row >= 0

    def _order_changed(self) -> None:
        chosen = self.chosen_order()
        has_valid = bool(chosen and chosen.valid)
        for button in (self.print_button, self.pdf_button):
            button.setEnabled(has_valid)
        for button in (self.refund_button, self.exchange_button):
            needs_server(button, has_valid)

    # -- actions ----------------------------------------------------------------------------
    def sell(self) -> SellDialog | None:
        if self.patron is None or self.refused_offline():
            return None
        dialog = SellDialog(
            self.app,
            self.runner,
            self.sellable_performances(),
            patron=self.patron,
            parent=self.window(),
        )
        dialog.sold.connect(
            lambda result: self.message.emit(
                self.tr("Sold {n} tickets to {name}.").format(
                    n=len(result["codes"]), name=self.patron["name"]
                )
            )
        )
        self._show(dialog)
        return dialog

    def record_donation(self) -> DonationDialog | None:
        if self.patron is None or self.refused_offline():
            return None
        dialog = DonationDialog(self.app, self.patron, self.window())
        dialog.saved.connect(lambda _id: self.message.emit(self.tr("Donation recorded.")))
        self._show(dialog)
        return dialog

    def sell_subscription(self) -> SubscriptionDialog | None:
        if self.patron is None or self.refused_offline():
            return None
        dialog = SubscriptionDialog(
            self.app, self.patron, self.sellable_performances(), self.window()
        )
        dialog.saved.connect(lambda _r: self.message.emit(self.tr("Subscription sold.")))
        self._show(dialog)
        return dialog

    def start_membership(self) -> MembershipDialog | None:
        if self.patron is None or self.refused_offline():
            return None
        dialog = MembershipDialog(self.app, self.patron, self.window())
        dialog.saved.connect(lambda _id: self.message.emit(self.tr("Membership started.")))
        self._show(dialog)
        return dialog

    def chosen_order(self) -> ChosenOrder | None:
        """The order selected in the table, with all its tickets."""
        order = self.current_order()
        if order is None or self.patron is None:
            return None
        performance = self.runner.read(
            Permission.SEE_PERFORMANCES, box_office.performance, order["performance_id"]
        )
        if performance is None:
            return None
        tickets = [
            t
            for t in self.runner.read(
                Permission.READ_TICKETS, box_office.tickets, order["performance_id"]
            )
            if t["order_id"] == order["order_id"]
        ]
        return ChosenOrder(
            order["order_id"],
            performance,
            tickets,
            self.patron["name"],
        )
