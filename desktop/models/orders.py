"""A patron's ticket orders as a table, newest first."""

from __future__ import annotations

from typing import Any

from desktop.formatting import local_date, local_moment
from desktop.models.base import RowTableModel
from domain.money import format_cents


class OrdersModel(RowTableModel):
    PERFORMANCE, STARTS, TICKETS, TOTAL, REFUNDED, PLACED, PAID = range(7)
    id_key = "order_id"

    def headers(self) -> list[str]:
        return [
            self.tr("Performance"),
            self.tr("Starts"),
            self.tr("Tickets"),
            self.tr("Total"),
            self.tr("Refunded"),
            self.tr("Bought"),
            self.tr("Paid"),
        ]

    def payment_label(self, payment: str) -> str:
        labels = {
            "card": self.tr("Card"),
            "cash": self.tr("Cash"),
            "complimentary": self.tr("Complimentary"),
        }
        return labels.get(payment, payment)

    def channel_label(self, channel: str) -> str:
        labels = {
            "box_office": self.tr("At the box office"),
            "phone": self.tr("On the phone"),
            "online": self.tr("Online"),
            "walk_up": self.tr("Walk-up"),
        }
        return labels.get(channel, channel)

    def prepare(self, row: dict) -> dict:
        row = dict(row)
        row["_placed"] = local_date(row.get("placed_at"))
        row["_paid"] = self.tr("{payment}, {channel}").format(
            payment=self.payment_label(row.get("payment") or ""),
            channel=self.channel_label(row.get("channel") or "").lower(),
        )
        row["_starts"] = local_moment(row.get("starts_at"))
        return row

    def display(self, row: dict, column: int) -> str:
        if column == self.PLACED:
            return row["_placed"]
        if column == self.PERFORMANCE:
            return row.get("title") or ""
        if column == self.STARTS:
            return row["_starts"]
        if column == self.TICKETS:
            return str(row.get("quantity") or 0)
        if column == self.TOTAL:
            return format_cents(row.get("total_cents") or 0)
        if column == self.REFUNDED:
            refunded = row.get("refunded_cents") or 0
            return format_cents(refunded) if refunded else ""
        if column == self.PAID:
            return row["_paid"]
        return ""

    def sort_value(self, row: dict, column: int) -> Any:
        if column == self.PLACED:
            return row.get("placed_at") or ""
        if column == self.STARTS:
            return row.get("starts_at") or ""
        if column == self.TICKETS:
            return row.get("quantity") or 0
        if column == self.TOTAL:
            return row.get("total_cents") or 0
        if column == self.REFUNDED:
            return row.get("refunded_cents") or 0
        return super().sort_value(row, column)

    def tooltip(self, row: dict, column: int) -> str | None:
        if column == self.TICKETS and row.get("codes"):
            return ", ".join(row["codes"])
        return None
