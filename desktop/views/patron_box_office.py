"""What a patron bought, gave and attended, on their page: lifetime spend,
visits, tickets, donations, subscriber and member badges, and their orders.

Reads the box-office read model only (``projections.box_office``); the page
calls ``show_patron(db, patron_id)`` whenever it refreshes.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.export import add_export
from desktop.formatting import local_date
from desktop.models.base import SortProxy
from desktop.models.orders import OrdersModel
from desktop.views.widgets import FlowLayout, chip, table_view
from domain.money import format_cents
from projections import box_office

ROW_HEIGHT = 34


class Figure(QWidget):
    """A number with a caption under it."""

    def __init__(self, caption: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.value = QLabel(self)
        self.value.setObjectName("subheading")
        label = QLabel(caption, self)
        label.setObjectName("fieldLabel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 18, 0)
        layout.setSpacing(0)
        layout.addWidget(self.value)
        layout.addWidget(label)


class PatronBoxOfficePanel(QFrame):
    #: an export finished; a message for the status bar
    message = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("patronBoxOffice")
        self.stats: dict = {}
        self.spend = Figure(self.tr("Lifetime spend"), self)
        self.visits = Figure(self.tr("Visits"), self)
        self.tickets = Figure(self.tr("Tickets held"), self)
        self.donations = Figure(self.tr("Donations"), self)
        self.badges = QWidget(self)
        self.badges_layout = FlowLayout(self.badges)

        self.orders_model = OrdersModel(self)
        self.orders_proxy = SortProxy(self.orders_model, self)
        self.orders_table = table_view(self)
        self.orders_table.setObjectName("patronOrders")
        self.orders_table.setModel(self.orders_proxy)
        for column, width in ((OrdersModel.PERFORMANCE, 190), (OrdersModel.STARTS, 175),
                              (OrdersModel.TICKETS, 74), (OrdersModel.TOTAL, 84),
                              (OrdersModel.REFUNDED, 84), (OrdersModel.PLACED, 110),
                              (OrdersModel.PAID, 190)):  # fmt: skip
            self.orders_table.setColumnWidth(column, width)
        self.orders_title = QLabel(self)
        self.orders_title.setObjectName("fieldLabel")
        self.export_button = QPushButton(self.tr("Export orders…"), self)
        self.export_action = add_export(
            self.orders_table,
            self.export_button,
            suggested_name=self.tr("orders") + ".csv",
            on_done=lambda path: self.message.emit(self.tr("Saved {path}").format(path=path)),
        )

        figures = QHBoxLayout()
        figures.setSpacing(0)
        for figure in (self.spend, self.visits, self.tickets, self.donations):
            figures.addWidget(figure)
        figures.addWidget(self.badges, 1)
        orders_row = QHBoxLayout()
        orders_row.addWidget(self.orders_title)
        orders_row.addStretch(1)
        orders_row.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(figures)
        layout.addLayout(orders_row)
        layout.addWidget(self.orders_table)

    def show_patron(self, db, patron_id: str) -> None:
        stats = self.stats = box_office.patron_stats(db, patron_id)
        self.spend.value.setText(format_cents(stats["lifetime_spend_cents"]))
        self.visits.value.setText(str(stats["visits"]))
        self.tickets.value.setText(str(stats["tickets"]))
        self.donations.value.setText(format_cents(stats["donations_cents"]))
        self.badges_layout.clear()
        for text in self.badge_texts(stats):
            self.badges_layout.addWidget(chip(text, self.badges))
        orders = box_office.orders_for_patron(db, patron_id)
        self.orders_model.set_rows(orders)
        self.orders_title.setText(
            self.tr("No ticket orders yet") if not orders
            else self.tr("1 ticket order") if len(orders) == 1
            else self.tr("{count} ticket orders").format(count=len(orders))
        )  # fmt: skip
        # As tall as the orders (up to six rows), so the timeline keeps the room.
        table = self.orders_table
        chrome = (
            table.horizontalHeader().sizeHint().height()
            + table.horizontalScrollBar().sizeHint().height()
            + 2 * table.frameWidth()
        )
        table.setFixedHeight(ROW_HEIGHT * min(6, len(orders)) + chrome + 2)  # fmt: skip
        self.orders_table.setVisible(bool(orders))
        self.export_button.setVisible(bool(orders))

    def badge_texts(self, stats: dict) -> list[str]:
        badges = []
        if stats["subscriber"]:
            year = (stats["subscriber_since"] or "")[:4]
            badges.append(self.tr("Subscriber since {year}").format(year=year))
        if stats["member_until"]:
            until = local_date(stats["member_until"] + "T00:00:00")
            badges.append(self.tr("Member until {date}").format(date=until))
        unthanked = stats["unthanked_donations"]
        if unthanked == 1:
            badges.append(self.tr("1 donation not yet thanked"))
        elif unthanked:
            badges.append(self.tr("{count} donations not yet thanked").format(count=unthanked))
        return badges
