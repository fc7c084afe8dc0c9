"""Start a membership: level, first and last day, fee and payment."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDateEdit, QLineEdit, QWidget

from desktop import formatting
from desktop.formatting import parse_cents
from desktop.views.patrons.patron_action_dialog import PatronActionDialog
from domain.application import Houselights
from domain.errors import ValidationError

LEVELS = ("Friend", "Supporter", "Patron circle")


class MembershipDialog(PatronActionDialog):
    def __init__(self, app: Houselights, patron: dict, parent: QWidget | None = None):
        super().__init__(
            app,
            patron,
            self.tr("Start a membership"),
            self.tr("{name} becomes a member from the first day to the last day below.").format(
                name=patron.get("name") or ""
            ),
            self.tr("Start membership"),
            {
                "card": self.tr("Card"),
                "cash": self.tr("Cash"),
                "complimentary": self.tr("Complimentary"),
            },
            parent,
        )
        self.level = QComboBox(self)
        self.level.setEditable(True)
        self.level.addItems([self.tr(level) for level in LEVELS])
        self.add_field("level", self.tr("&Level"), self.level)
        today = QDate.currentDate()
        self.starts_on = QDateEdit(today, self)
        self.starts_on.setCalendarPopup(True)
        self.starts_on.setDisplayFormat(formatting.date_pattern())
        self.add_field("starts_on", self.tr("&First day"), self.starts_on)
        self.ends_on = QDateEdit(today.addYears(1).addDays(-1), self)
        self.ends_on.setCalendarPopup(True)
        self.ends_on.setDisplayFormat(formatting.date_pattern())
        self.add_field("ends_on", self.tr("La&st day"), self.ends_on)
        self.fee = QLineEdit(self)
        self.fee.setPlaceholderText(self.tr("e.g. 60"))
        self.add_field("price_cents", self.tr("F&ee"), self.fee)
        self.finish()
        self.level.setFocus()

    def _command(self) -> Callable[[], object]:
        cents = parse_cents(self.fee.text() or "0")
        if cents is None:
            raise ValidationError(
                "price_cents", self.tr("Write the fee as a number, like 60 or 45.50.")
            )
        return partial(
            self.app.start_membership,
            self.patron["id"],
            self.level.currentText(),
            self.starts_on.date().toPython(),
            self.ends_on.date().toPython(),
            cents,
            payment=self.payment(),
        )
