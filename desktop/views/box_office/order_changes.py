"""Refunding an order and exchanging tickets to another performance.

Both are a few clicks: select the tickets (or an order on the patron's page),
Refund order… asks once and refunds; Exchange… lists the other performances
that still have the seats and moves the tickets there, with new codes to print.
"""

from __future__ import annotations

from dataclasses import asdict
from functools import partial

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.formatting import money
from desktop.models.base import SortProxy
from desktop.models.performance_table import PerformanceTableModel
from desktop.server_connection import needs_server
from desktop.views.box_office.sell_dialog import performance_label
from desktop.views.box_office.tickets_ready import TicketsReady, ticket_dicts
from desktop.views.forms import ConfirmBox, submit_command
from desktop.views.widgets import dialog_buttons, error_label, heading, show_error, table_view
from domain.application import Houselights
from domain.box_office_changes import ExchangeResult
from domain.box_office_service import RefundResult
from domain.roles import Permission
from projections import box_office
from projections.runner import ReadModelRunner


class RefundDialog(ConfirmBox):
    """Asks once ("Refund 2 tickets, $50.00?") and refunds through the service."""

    refunded = Signal(object)

    def __init__(
        self,
        app: Houselights,
        runner: ReadModelRunner,
        order_id: str,
        buyer: str = "",
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.app = app
        self.order_id = order_id
        self.setObjectName("refundDialog")
        self.setIcon(QMessageBox.Icon.Question)
        self.setWindowTitle(self.tr("Refund order"))
        order = runner.read(Permission.READ_TICKETS, box_office.order, order_id) or {}
        self.subscription = (
            None
            if order
            else runner.read(Permission.READ_TICKETS, box_office.subscription, order_id)
        )
        self.refund_button = needs_server(
            self.addButton(self.tr("Refund"), QMessageBox.ButtonRole.AcceptRole)
        )
        self.keep_button = self.addButton(
            self.tr("Keep the order"), QMessageBox.ButtonRole.RejectRole
        )
        self.commit_button = self.refund_button  # what needs the server
        self.setDefaultButton(self.keep_button)
        self.setEscapeButton(self.keep_button)
        self.buttonClicked.connect(self._clicked)
        buyer = buyer or self.tr("the buyer")
        if self.subscription is not None:
            self._ask_subscription(self.subscription, buyer)
        elif not order:
            self.setText(self.tr("We could not find this order."))
            self.setInformativeText(self.tr("Nothing can be refunded; nothing was changed."))
            self.refund_button.setEnabled(False)
        else:
            self._ask_order(order, buyer)

    def _ask_subscription(self, subscription: dict, buyer: str) -> None:
        """A subscription's ticket: the whole subscription's unused tickets are refunded."""
        self.setWindowTitle(self.tr("Refund subscription"))
        self.keep_button.setText(self.tr("Keep the subscription"))
        unused = subscription["unused"]
        self.setText(
            self.tr("Refund the subscription “{name}”?").format(name=subscription["package_name"])
        )
        if subscription.get("refunded_at") or not unused:
            self.setInformativeText(
                self.tr("It was already refunded, or every ticket of it was used.")
            )
            self.refund_button.setEnabled(False)
            return
        self.setInformativeText(
            self.tr(
                "{tickets} not yet used: {amount} goes back to {buyer}. They stop working "
                "at the door and their seats go back on sale."
            ).format(
                tickets=self.tr("1 ticket")
                if unused == 1
                else self.tr("{n} tickets").format(n=unused),
                amount=money(subscription["unused_cents"]),
                buyer=buyer,
            )
        )

    def _ask_order(self, order: dict, buyer: str) -> None:
        left = int(order.get("total_cents") or 0) - int(order.get("refunded_cents") or 0)
        count = int(order.get("quantity") or 0)
        self.setText(
            self.tr("Refund {tickets} for {performance}?").format(
                tickets=self.tr("1 ticket")
                if count == 1
                else self.tr("{n} tickets").format(n=count),
                performance=performance_label(order),
            )
        )
        self.setInformativeText(
            self.tr(
                "{amount} goes back to {buyer}. The tickets stop working at the door and "
                "the seats go back on sale."
            ).format(amount=money(max(0, left)), buyer=buyer)
        )

    def _clicked(self, button) -> None:
        """Refund on the writer worker; the box stays open, busy, until it is recorded."""
        if button is not self.refund_button:
            return
        self.confirm(
            self.refund_button,
            partial(
                self.app.refund_subscription if self.subscription else self.app.refund_order,
                self.order_id,
            ),
            self.refunded.emit,
            self.tr("Not refunded"),
            self.tr("Refunding…"),
        )


def refund_message(result: RefundResult) -> str:
    """'Refunded 2 tickets, $50.00.' for the status bar."""
    count = len(result.refunded)
    amount = money(result.amount_cents)
    if count == 1:
        text = QCoreApplication.translate("OrderChanges", "Refunded 1 ticket, {amount}.")
    else:
        text = QCoreApplication.translate("OrderChanges", "Refunded {count} tickets, {amount}.")
    return text.format(count=count, amount=amount)


class ExchangeDialog(QDialog):
    """Move tickets to another performance that has the seats."""

    exchanged = Signal(dict)

    def __init__(
        self,
        app: Houselights,
        runner: ReadModelRunner,
        codes: list[str],
        performance: dict,
        performances: list[dict],
        patron_name: str = "",
        order_id: str = "",
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.app = app
        self.runner = runner
        self.codes = list(codes)
        self.performance = performance
        self.patron_name = patron_name
        self.order_id = order_id
        self.outcome: dict | None = None
        self.setObjectName("exchangeDialog")
        self.setWindowTitle(self.tr("Exchange tickets"))
        self.setMinimumSize(760, 460)

        count = len(self.codes)
        what = self.tr("1 ticket") if count == 1 else self.tr("{n} tickets").format(n=count)
        title = self.tr("Exchange {what} for {performance}").format(
            what=what, performance=performance_label(performance)
        )
        intro = heading(title, self, name="subheading")
        intro.setWordWrap(True)
        hint = QLabel(
            self.tr(
                "Choose the date they would rather come. Only performances with {n} or more "
                "seats left are listed. The old tickets stop working; new ones are issued."
            ).format(n=count),
            self,
        )
        hint.setObjectName("muted")
        hint.setWordWrap(True)

        self.model = PerformanceTableModel(self)
        rows = [
            p
            for p in performances
            if p["id"] != performance["id"]
            and int(p.get("capacity") or 0) - int(p.get("sold") or 0) >= count
        ]
        self.model.set_rows(rows)
        self.proxy = SortProxy(self.model, self)
        self.table = table_view(self)
        self.table.setObjectName("exchangeTargets")
        self.table.setModel(self.proxy)
        self.table.setColumnHidden(PerformanceTableModel.REVENUE, True)
        self.table.setColumnHidden(PerformanceTableModel.SOLD, True)
        self.table.setColumnWidth(PerformanceTableModel.WHEN, 200)
        self.table.setColumnWidth(PerformanceTableModel.VENUE, 140)
        self.table.horizontalHeader().setSectionResizeMode(
            PerformanceTableModel.TITLE, QHeaderView.ResizeMode.Stretch
        )
        self.table.doubleClicked.connect(lambda _index: self.exchange())
        self.empty_label = QLabel(
            self.tr("No other performance has enough seats left for these tickets."), self
        )
        self.empty_label.setObjectName("muted")
        self.empty_label.setVisible(not rows)
        if rows:
            self.table.selectRow(0)

        self.error = error_label(self)
        self.exchange_button, self.cancel_button, buttons = dialog_buttons(
            self, self.tr("Exchange"), self.exchange
        )
        needs_server(self.exchange_button, bool(rows))
        self.commit_button = self.exchange_button  # what needs the server
        form = QWidget(self)
        form_layout = QVBoxLayout(form)
        form_layout.setContentsMargins(0, 0, 0, 0)
        form_layout.setSpacing(10)
        form_layout.addWidget(intro)
        form_layout.addWidget(hint)
        form_layout.addWidget(self.table, 1)
        form_layout.addWidget(self.empty_label)
        form_layout.addWidget(self.error)
        form_layout.addLayout(buttons)

        self.done_title = heading("", self, name="subheading")
        self.done_title.setWordWrap(True)
        self.tickets_ready = TicketsReady(self)
        self.close_button = QPushButton(self.tr("Done"), self)
        self.close_button.clicked.connect(self.accept)
        done = QWidget(self)
        done_layout = QVBoxLayout(done)
        done_layout.setContentsMargins(0, 0, 0, 0)
        done_layout.addWidget(self.done_title)
        done_layout.addWidget(self.tickets_ready)
        done_layout.addStretch(1)
        done_layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignRight)

        self.pages = QStackedWidget(self)
        self.pages.addWidget(form)
        self.pages.addWidget(done)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.addWidget(self.pages)
        self.table.setFocus()

    def target(self) -> dict | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.row_data(self.proxy.mapToSource(index).row())

    def choose(self, performance_id: str) -> bool:
        row = self.proxy.proxy_row_of(performance_id)
        if row >= 0:
            self.table.selectRow(row)
        return row >= 0

    def exchange(self) -> int | None:
        """Exchange on the writer worker (the dialog busy meanwhile); the new tickets are
        shown and ``exchanged`` emitted once recorded. Returns the writer's job number."""
        target = self.target()
        if target is None:
            show_error(self.error, self.tr("Choose the performance to move the tickets to."))
            return None
        show_error(self.error, "")
        return submit_command(
            self,
            lambda: partial(self._exchange, list(self.codes), target),
            lambda by_field: show_error(self.error, " ".join(by_field.values())),
            self.error,
            lambda result: self._exchanged(target, result),
            busy=(self.exchange_button, self.cancel_button, self.table),
            busy_text=self.tr("Exchanging…"),
        )

    def _exchange(self, codes: list[str], target: dict) -> tuple[ExchangeResult, list[dict]]:
        """On the writer worker: the exchange, and its new tickets to show and print."""
        result = self.app.exchange_tickets(codes, target["id"])
        tickets = ticket_dicts(self.app, target, result.codes, self.patron_name, self.order_id)
        return result, tickets

    def _exchanged(self, target: dict, answer: tuple[ExchangeResult, list[dict]]) -> dict:
        result, tickets = answer
        self.outcome = {**asdict(result), "tickets": tickets}
        self.done_title.setText(
            self.tr("Exchanged. New tickets for {performance}:").format(
                performance=performance_label(target)
            )
        )
        self.tickets_ready.set_tickets(tickets)
        self.pages.setCurrentIndex(1)
        self.tickets_ready.print_button.setFocus()
        self.exchanged.emit(self.outcome)
        return self.outcome
