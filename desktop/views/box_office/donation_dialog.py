"""Record a donation: amount, fund, how it was given. It lands on the timeline,
waiting for a thank-you."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from desktop.formatting import parse_cents
from desktop.views.patrons.patron_action_dialog import PatronActionDialog
from domain.application import Houselights
from domain.errors import ValidationError

FUNDS = ("General fund", "Education", "New productions", "Building")


class DonationDialog(PatronActionDialog):
    def __init__(self, app: Houselights, patron: dict, parent: QWidget | None = None):
        super().__init__(
            app,
            patron,
            self.tr("Record a donation"),
            self.tr(
                "A gift from {name}. It waits on the Thank-yous list until someone thanks them."
            ).format(name=patron.get("name") or ""),
            self.tr("Record donation"),
            {
                "card": self.tr("Card"),
                "cash": self.tr("Cash"),
                "cheque": self.tr("Cheque"),
                "transfer": self.tr("Bank transfer"),
            },
            parent,
        )
        self.amount = QLineEdit(self)
        self.amount.setPlaceholderText(self.tr("e.g. 50 or 120.00"))
        self.add_field("amount_cents", self.tr("&Amount"), self.amount)
        self.fund = QComboBox(self)
        self.fund.setEditable(True)
        self.fund.addItems([self.tr(f) for f in FUNDS])
        self.add_field("fund", self.tr("&Fund"), self.fund)
        self.finish()
        self.amount.setFocus()

    def _command(self) -> Callable[[], object]:
        cents = parse_cents(self.amount.text())
        if cents is None:
            raise ValidationError(
                "amount_cents", self.tr("Write the amount as a number, like 50 or 120.00.")
            )
        return partial(
            self.app.record_donation,
            self.patron["id"],
            cents,
            fund=self.fund.currentText(),
            payment=self.payment(),
        )
