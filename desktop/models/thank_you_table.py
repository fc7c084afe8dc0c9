"""The thank-you queue as a table: who, what for, which visit, since when, how thanked."""

from __future__ import annotations

from typing import Any

from desktop.formatting import local_date, local_moment
from desktop.models.base import RowTableModel
from desktop.thank_you_letters import donation_label
from domain.loyalty import ordinal


class ThankYouTableModel(RowTableModel):
    id_key = "key"
    NAME, KIND, FOR, VISIT, DUE, EMAIL, THANKED = range(7)

    def headers(self) -> list[str]:
        return [
            self.tr("Name"),
            self.tr("Why"),
            self.tr("For"),
            self.tr("Visit"),
            self.tr("Since"),
            self.tr("Email"),
            self.tr("Thanked"),
        ]

    def prepare(self, row: dict) -> dict:
        row = dict(row)
        row["_name"] = " ".join(p for p in (row.get("first_name"), row.get("last_name")) if p)
        if row.get("kind") == "attendee":
            row["_for"] = f"{row.get('title') or ''}, {local_moment(row.get('starts_at'))}"
            row["_kind"] = self.tr("Came")
        else:
            row["_for"] = donation_label(row)
            row["_kind"] = self.tr("Gave")
        row["_due"] = local_date(row.get("due_at"))
        how = {
            "letter": self.tr("by letter"),
            "email": self.tr("by email"),
            "call": self.tr("by phone"),
        }.get(row.get("thanked_how") or "", "")
        row["_thanked"] = f"{how}, {local_date(row['thanked_at'])}" if row.get("thanked_at") else ""
        return row

    def display(self, row: dict, column: int) -> str:
        if column == self.NAME:
            return row["_name"]
        if column == self.KIND:
            return row["_kind"]
        if column == self.FOR:
            return row["_for"]
        if column == self.VISIT:
            number = row.get("visit_number")
            return ordinal(int(number)) if number else ""
        if column == self.DUE:
            return row["_due"]
        if column == self.EMAIL:
            return row.get("email") or ""
        if column == self.THANKED:
            return row["_thanked"]
        return ""

    def sort_value(self, row: dict, column: int) -> Any:
        if column == self.NAME:
            return f"{row.get('last_name') or ''} {row.get('first_name') or ''}".casefold()
        if column == self.VISIT:
            return int(row.get("visit_number") or 0)
        if column == self.DUE:
            return row.get("due_at") or ""
        if column == self.THANKED:
            return row.get("thanked_at") or ""
        if column == self.FOR and row.get("kind") == "attendee":
            return row.get("starts_at") or ""
        return super().sort_value(row, column)

    def tooltip(self, row: dict, column: int) -> str | None:
        if column == self.NAME and (row.get("tickets") or 0) > 1:
            return self.tr("Came with {n} tickets").format(n=row["tickets"])
        if column == self.THANKED and row.get("thanked_by"):
            return self.tr("Recorded by {who}").format(who=row["thanked_by"])
        return None
