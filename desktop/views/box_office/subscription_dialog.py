"""Sell a subscription: a named package of upcoming performances at one price."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QWidget

from desktop.formatting import parse_cents
from desktop.views.box_office.sell_dialog import performance_label
from desktop.views.patrons.patron_action_dialog import PatronActionDialog
from domain.application import Houselights
from domain.errors import ValidationError
from domain.memberships_service import SubscriptionSale


class SubscriptionDialog(PatronActionDialog):
    def __init__(
        self,
        app: Houselights,
        patron: dict,
        performances: list[dict],
        parent: QWidget | None = None,
    ):
        super().__init__(
            app,
            patron,
            self.tr("Sell a subscription"),
            self.tr("A package of performances for {name}: one ticket for each, one price.").format(
                name=patron.get("name") or ""
            ),
            self.tr("Sell subscription"),
            {
                "card": self.tr("Card"),
                "cash": self.tr("Cash"),
                "complimentary": self.tr("Complimentary"),
            },
            parent,
        )
        self.setMinimumWidth(560)
        self.package = QLineEdit(self)
        self.package.setPlaceholderText(self.tr("e.g. Autumn season"))
        self.add_field("package_name", self.tr("&Package"), self.package)
        self.performance_list = QListWidget(self)
        self.performance_list.setMinimumHeight(180)
        for row in performances:
            left = int(row.get("capacity") or 0) - int(row.get("sold") or 0)
            text = performance_label(row)
            if left <= 0:
                text += "  " + self.tr("(sold out)")
            item = QListWidgetItem(text, self.performance_list)
            item.setData(Qt.ItemDataRole.UserRole, row["id"])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
        self.add_field(
            "performance_ids", self.tr("Per&formances (tick each one)"), self.performance_list
        )
        self.price = QLineEdit(self)
        self.price.setPlaceholderText(self.tr("e.g. 150"))
        self.add_field("price_cents", self.tr("Package p&rice"), self.price)
        self.finish()
        self.package.setFocus()

    def check(self, performance_id: str, checked: bool = True) -> None:
        for i in range(self.performance_list.count()):
            item = self.performance_list.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == performance_id:
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def chosen(self) -> list[str]:
        items = (self.performance_list.item(i) for i in range(self.performance_list.count()))
        return [
            item.data(Qt.ItemDataRole.UserRole)
            for item in items
            if item.checkState() == Qt.CheckState.Checked
        ]

    def _command(self) -> Callable[[], SubscriptionSale]:
        cents = parse_cents(self.price.text())
        if cents is None:
            raise ValidationError(
                "price_cents", self.tr("Write the price as a number, like 150 or 99.50.")
            )
        return partial(
            self.app.sell_subscription,
            self.patron["id"],
            self.package.text(),
            self.chosen(),
            cents,
            payment=self.payment(),
        )
