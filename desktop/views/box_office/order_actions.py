"""Refund, exchange, print and save one order's tickets: shared by every view listing orders.

A view mixes in ``OrderActions`` and says which order is chosen with
``chosen_order()``; the dialogs and the status-bar messages are the same
everywhere. The view provides ``app``, ``runner``, ``message`` (a signal) and
keeps the open dialog in ``dialog`` (tests and scripts reach it there).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from PySide6.QtCore import QCoreApplication, Qt, SignalInstance
from PySide6.QtWidgets import QDialog, QPushButton, QWidget

from desktop.server_connection import needs_server, refused_offline
from desktop.views.box_office.order_changes import ExchangeDialog, RefundDialog, refund_message
from desktop.views.box_office.tickets_ready import print_tickets, printable, save_tickets
from domain.application import Houselights
from domain.roles import Permission
from projections import box_office
from projections.runner import ReadModelRunner


def _tr(text: str) -> str:
    return QCoreApplication.translate("OrderActions", text)


def upcoming_first(rows: list[dict], now: datetime | None = None) -> list[dict]:
    """Upcoming (and just started) performances soonest first, then past ones, latest first."""
    now_iso = ((now or datetime.now(UTC)) - box_office.STILL_CURRENT).isoformat()
    upcoming = sorted((r for r in rows if r["starts_at"] >= now_iso), key=lambda r: r["starts_at"])
    past = sorted(
        (r for r in rows if r["starts_at"] < now_iso), key=lambda r: r["starts_at"], reverse=True
    )
    return upcoming + past


@dataclass(frozen=True)
class ChosenOrder:
    order_id: str
    performance: dict
    #: the order's tickets the user means (all of them, or those selected)
    tickets: list[dict]
    buyer: str = ""

    @property
    def valid(self) -> list[dict]:
        return [t for t in self.tickets if t.get("status") == "valid"]


class OrderActions(QWidget):
    """Refund, exchange, print and save an order's tickets, for a screen that lists
    orders (the box office, a patron's purchases); it says which order is chosen."""

    app: Houselights
    runner: ReadModelRunner
    #: a line for the status bar
    message: SignalInstance
    dialog: QDialog | None = None

    def refused_offline(self) -> bool:
        """Offline (``desktop.server_connection``): say so (Enter, a double click) and
        do nothing."""
        return refused_offline(self.message.emit)

    def chosen_order(self) -> ChosenOrder | None:
        raise NotImplementedError

    def add_order_buttons(self, pdf_label: str) -> None:
        """``refund_button``, ``exchange_button``, ``print_button`` and ``pdf_button``."""
        self.refund_button = needs_server(QPushButton(_tr("Refund order…"), self))
        self.refund_button.clicked.connect(self.refund)
        self.exchange_button = needs_server(QPushButton(_tr("Exchange…"), self))
        self.exchange_button.clicked.connect(self.exchange)
        self.print_button = QPushButton(_tr("Print tickets…"), self)
        self.print_button.clicked.connect(self.print_order)
        self.pdf_button = QPushButton(pdf_label, self)
        self.pdf_button.clicked.connect(self.save_order_pdf)

    def _show(self, dialog: QDialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda *_: setattr(self, "dialog", None))
        self.dialog = dialog
        commit = getattr(dialog, "commit_button", None)
        if commit is not None:  # an open sale or change follows the connection
            needs_server(commit)
        dialog.open()

    def sellable_performances(self) -> list[dict]:
        return upcoming_first(
            self.runner.read(
                Permission.SEE_PERFORMANCES, box_office.performances, include_past=False
            )
        )

    def refund(self) -> RefundDialog | None:
        """Refund order… asks once, then refunds every valid ticket of the order."""
        chosen = self.chosen_order()
        if chosen is None or self.refused_offline():
            return None
        dialog = RefundDialog(self.app, self.runner, chosen.order_id, chosen.buyer, self.window())
        dialog.refunded.connect(lambda result: self.message.emit(refund_message(result)))
        self._show(dialog)
        return dialog

    def exchange(self) -> ExchangeDialog | None:
        chosen = self.chosen_order()
        if chosen is None or not chosen.valid or self.refused_offline():
            return None
        dialog = ExchangeDialog(
            self.app,
            self.runner,
            [t["code"] for t in chosen.valid],
            chosen.performance,
            self.sellable_performances(),
            patron_name=chosen.buyer,
            order_id=chosen.order_id,
            parent=self.window(),
        )
        dialog.exchanged.connect(lambda _result: self.message.emit(_tr("Tickets exchanged.")))
        self._show(dialog)
        return dialog

    def _printable(self) -> list[dict]:
        chosen = self.chosen_order()
        if chosen is None or not chosen.valid:
            return []
        return printable(chosen.performance, chosen.valid, chosen.buyer)

    def print_order(self) -> None:
        tickets = self._printable()
        if tickets:
            print_tickets(self.window(), tickets)

    def save_order_pdf(self) -> None:
        tickets = self._printable()
        if tickets:
            save_tickets(self.window(), tickets)
