"""Likely duplicate pairs as a table: both names, why they look alike, their tickets.

When each record was registered shows in the review's side-by-side cards."""

from __future__ import annotations

from typing import Any

from desktop.models.base import RowTableModel


class DuplicatePairModel(RowTableModel):
    FIRST, SECOND, WHY, POSTAL, FIRST_TICKETS, SECOND_TICKETS = range(6)

    def headers(self) -> list[str]:
        return [
            self.tr("First record"),
            self.tr("Second record"),
            self.tr("Why"),
            self.tr("Postal code"),
            self.tr("First's tickets"),
            self.tr("Second's tickets"),
        ]

    def reason_label(self, reason: str) -> str:
        return {
            "email": self.tr("same email"),
            "phone": self.tr("same phone"),
            "name": self.tr("similar name, same postal code"),
        }.get(reason, reason)

    def prepare(self, row: dict) -> dict:
        row = dict(row)
        row["_why"] = ", ".join(self.reason_label(r) for r in row.get("reasons") or ())
        return row

    def display(self, row: dict, column: int) -> str:
        a, b = row.get("a_patron") or {}, row.get("b_patron") or {}
        if column == self.FIRST:
            return row.get("a_name") or self.tr("(no name)")
        if column == self.SECOND:
            return row.get("b_name") or self.tr("(no name)")
        if column == self.WHY:
            return row["_why"]
        if column == self.POSTAL:
            return a.get("postal_code") or b.get("postal_code") or ""
        if column == self.FIRST_TICKETS:
            return str((row.get("a_stats") or {}).get("tickets", 0))
        if column == self.SECOND_TICKETS:
            return str((row.get("b_stats") or {}).get("tickets", 0))
        return ""

    def sort_value(self, row: dict, column: int) -> Any:
        if column == self.WHY:
            return f"{9 - len(row.get('reasons') or ())}|{row['_why']}"
        if column in (self.FIRST_TICKETS, self.SECOND_TICKETS):
            return int(self.display(row, column) or 0)
        return super().sort_value(row, column)

    def tooltip(self, row: dict, column: int) -> str | None:
        if column in (self.FIRST, self.SECOND):
            patron = row.get("a_patron" if column == self.FIRST else "b_patron") or {}
            return " · ".join(p for p in (patron.get("email"), patron.get("phone")) if p) or None
        return None
