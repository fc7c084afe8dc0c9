"""The patron directory as a table: one row per patron, name order."""

from __future__ import annotations

from typing import Any

from desktop.formatting import local_date
from desktop.models.base import RowTableModel


class PatronTableModel(RowTableModel):
    NAME, EMAIL, PHONE, CITY, INTERESTS, LAST_ACTIVITY = range(6)

    def headers(self) -> list[str]:
        return [
            self.tr("Name"),
            self.tr("Email"),
            self.tr("Phone"),
            self.tr("City"),
            self.tr("Interests"),
            self.tr("Last activity"),
        ]

    def prepare(self, row: dict) -> dict:
        row = dict(row)
        row["_last_activity"] = local_date(row.get("last_activity_at"))
        return row

    def display(self, row: dict, column: int) -> str:
        if column == self.NAME:
            return row.get("name") or ""
        if column == self.EMAIL:
            return row.get("email") or ""
        if column == self.PHONE:
            return row.get("phone") or ""
        if column == self.CITY:
            return row.get("city") or ""
        if column == self.INTERESTS:
            return row.get("tags") or ""
        if column == self.LAST_ACTIVITY:
            return row["_last_activity"]
        return ""

    def sort_value(self, row: dict, column: int) -> Any:
        if column == self.NAME:
            return row.get("sort_key") or ""
        if column == self.PHONE:
            return row.get("phone_digits") or ""
        if column == self.LAST_ACTIVITY:
            return row.get("last_activity_at") or ""
        return super().sort_value(row, column)

    def tooltip(self, row: dict, column: int) -> str | None:
        if column == self.INTERESTS and row.get("tags"):
            return row["tags"]
        return None
