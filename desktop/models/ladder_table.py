"""The patrons behind a number on the ladder dashboard, as a table.

Rows come from ``projections.ladder`` queries, made alike by the view:
``patron_id``, ``name``, ``email``, ``rung``, ``kind``, ``date`` (ISO: since when,
when they moved, or their first performance) and ``detail`` (words).
"""

from __future__ import annotations

from typing import Any

from desktop.formatting import local_date
from desktop.loyalty_labels import rung_and_kind
from desktop.models.base import RowTableModel


class LadderPatronModel(RowTableModel):
    NAME, RUNG, DATE, DETAIL, EMAIL = range(5)
    id_key = "patron_id"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.date_header = self.tr("Date")

    def headers(self) -> list[str]:
        return [
            self.tr("Patron"),
            self.tr("Rung"),
            self.date_header,
            self.tr("Details"),
            self.tr("Email"),
        ]

    def prepare(self, row: dict) -> dict:
        row = dict(row)
        row["_rung"] = rung_and_kind(row.get("rung") or "", row.get("kind") or "")
        row["_date"] = local_date(row.get("date"))
        return row

    def display(self, row: dict, column: int) -> str:
        if column == self.NAME:
            return row.get("name") or self.tr("(no name)")
        if column == self.RUNG:
            return row["_rung"]
        if column == self.DATE:
            return row["_date"]
        if column == self.DETAIL:
            return row.get("detail") or ""
        if column == self.EMAIL:
            return row.get("email") or ""
        return ""

    def sort_value(self, row: dict, column: int) -> Any:
        if column == self.DATE:
            return row.get("date") or ""
        return super().sort_value(row, column)
