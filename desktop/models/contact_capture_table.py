"""Contact capture per performance: how many buyers we know, and how many we lost."""

from __future__ import annotations

from typing import Any

from desktop.formatting import local_moment, money
from desktop.models.base import RowTableModel


def known_share(row: dict) -> float:
    """The part of a performance's orders whose buyer we know (0..1)."""
    orders = int(row.get("orders") or 0)
    return int(row.get("known") or 0) / orders if orders else 0.0


class ContactCaptureModel(RowTableModel):
    TITLE, WHEN, ORDERS, TICKETS, REVENUE, KNOWN, WALK_UPS, LOST, SHARE = range(9)

    def headers(self) -> list[str]:
        return [
            self.tr("Performance"),
            self.tr("Date and time"),
            self.tr("Orders"),
            self.tr("Tickets"),
            self.tr("Revenue"),
            self.tr("Known buyers"),
            self.tr("Walk-ups"),
            self.tr("Lost"),
            self.tr("Share known"),
        ]

    def prepare(self, row: dict) -> dict:
        row = dict(row)
        row["_when"] = local_moment(row.get("starts_at"))
        row["_share"] = known_share(row)
        return row

    def display(self, row: dict, column: int) -> str:
        if column == self.TITLE:
            return row.get("title") or ""
        if column == self.WHEN:
            return row["_when"]
        if column == self.REVENUE:
            return money(int(row.get("revenue_cents") or 0))
        if column == self.SHARE:
            return f"{row['_share']:.0%}"
        key = {self.ORDERS: "orders", self.TICKETS: "tickets", self.KNOWN: "known",
               self.WALK_UPS: "walk_ups", self.LOST: "lost"}.get(column)  # fmt: skip
        return str(int(row.get(key) or 0)) if key else ""

    def sort_value(self, row: dict, column: int) -> Any:
        if column == self.WHEN:
            return row.get("starts_at") or ""
        if column == self.REVENUE:
            return int(row.get("revenue_cents") or 0)
        if column == self.SHARE:
            return row["_share"]
        if column in (self.TITLE,):
            return super().sort_value(row, column)
        return int(self.display(row, column) or 0)

    def tooltip(self, row: dict, column: int) -> str | None:
        if column == self.LOST and row.get("lost"):
            return self.tr("Sold without a name: we cannot thank or welcome these buyers.")
        return None
