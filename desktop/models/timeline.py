"""A patron's timeline as a table: newest first, one row per interaction."""

from __future__ import annotations

from typing import Any

from desktop.formatting import local_moment
from desktop.models.base import RowTableModel


class TimelineModel(RowTableModel):
    WHEN, WHAT, SUMMARY, BY, WORKSTATION = range(5)
    id_key = "position"

    def headers(self) -> list[str]:
        return [
            self.tr("When"),
            self.tr("What"),
            self.tr("Summary"),
            self.tr("By"),
            self.tr("Workstation"),
        ]

    def kind_label(self, kind: str) -> str:
        labels = {
            "registered": self.tr("Registered"),
            "contact": self.tr("Contact details"),
            "interests": self.tr("Interests"),
            "household": self.tr("Household"),
            "note": self.tr("Note"),
            "purchase": self.tr("Tickets"),
            "refund": self.tr("Refund"),
            "exchange": self.tr("Exchange"),
            "subscription": self.tr("Subscription"),
            "membership": self.tr("Membership"),
            "donation": self.tr("Donation"),
            "thanks": self.tr("Thank-you"),
            "erased": self.tr("Erasure"),
        }
        return labels.get(kind, kind.replace("_", " ").capitalize())

    def prepare(self, row: dict) -> dict:
        row = dict(row)
        row["_when"] = local_moment(row.get("occurred_at"))
        row["_what"] = self.kind_label(row.get("kind") or "")
        return row

    def display(self, row: dict, column: int) -> str:
        if column == self.WHEN:
            return row["_when"]
        if column == self.WHAT:
            return row["_what"]
        if column == self.SUMMARY:
            return row.get("summary") or ""
        if column == self.BY:
            return row.get("recorded_by") or ""
        if column == self.WORKSTATION:
            return row.get("workstation") or ""
        return ""

    def sort_value(self, row: dict, column: int) -> Any:
        if column == self.WHEN:
            return f"{row.get('occurred_at') or ''}|{row.get('position') or 0:015d}"
        return super().sort_value(row, column)

    def tooltip(self, row: dict, column: int) -> str | None:
        if column == self.SUMMARY:
            return row.get("detail") or row.get("summary") or None
        if column == self.BY and row.get("workstation"):
            return self.tr("Recorded by {who} at {where}").format(
                who=row.get("recorded_by") or "", where=row["workstation"]
            )
        return None
