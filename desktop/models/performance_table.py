"""Performances as a table: what is on, when, where, how full and what it took."""

from __future__ import annotations

from typing import Any

from desktop.formatting import local_moment, money
from desktop.models.base import RowTableModel
from desktop.server_connection import waiting_words


class PerformanceTableModel(RowTableModel):
    TITLE, WHEN, VENUE, SOLD, LEFT, REVENUE = range(6)

    def headers(self) -> list[str]:
        return [
            self.tr("Performance"),
            self.tr("Date and time"),
            self.tr("Venue"),
            self.tr("Sold / capacity"),
            self.tr("Seats left"),
            self.tr("Revenue"),
        ]

    def prepare(self, row: dict) -> dict:
        row = dict(row)
        row["_when"] = local_moment(row.get("starts_at"))
        row["_left"] = max(0, int(row.get("capacity") or 0) - int(row.get("sold") or 0))
        return row

    def display(self, row: dict, column: int) -> str:
        if column == self.TITLE:
            return row.get("title") or ""
        if column == self.WHEN:
            return row["_when"]
        if column == self.VENUE:
            return row.get("venue") or ""
        if column == self.SOLD:
            return f"{row.get('sold') or 0} / {row.get('capacity') or 0}"
        if column == self.LEFT:
            return self.tr("Sold out") if row["_left"] == 0 else str(row["_left"])
        if column == self.REVENUE:
            return money(row.get("revenue_cents") or 0)
        return ""

    def sort_value(self, row: dict, column: int) -> Any:
        if column == self.WHEN:
            return row.get("starts_at") or ""
        if column == self.SOLD:
            return int(row.get("sold") or 0)
        if column == self.LEFT:
            return row["_left"]
        if column == self.REVENUE:
            return int(row.get("revenue_cents") or 0)
        return super().sort_value(row, column)

    def tooltip(self, row: dict, column: int) -> str | None:
        if column == self.TITLE:
            return row.get("title") or None  # the whole title, when the column cuts it
        if column == self.SOLD and row.get("admitted"):
            words = self.tr("{admitted} already came in").format(admitted=row["admitted"])
            if row.get("waiting"):
                words += " · " + waiting_words(int(row["waiting"]))
            return words
        return None
