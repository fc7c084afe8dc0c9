"""Tables of the Follow-ups area: follow-ups, chats, quick answers."""

from __future__ import annotations

from typing import Any

from desktop import formatting
from desktop.formatting import local_date, local_moment
from desktop.models.base import RowTableModel


def day_text(iso_day: str) -> str:
    return formatting.day(iso_day, weekday=True)


class FollowUpTableModel(RowTableModel):
    STATUS, DUE, PATRON, WHAT, FROM, BY, FOR = range(7)

    def headers(self) -> list[str]:
        return [
            self.tr("Status"),
            self.tr("Due"),
            self.tr("Patron"),
            self.tr("What to do"),
            self.tr("From"),
            self.tr("Added by"),
            self.tr("For"),
        ]

    def status_label(self, status: str) -> str:
        return {
            "overdue": self.tr("Overdue"),
            "today": self.tr("Today"),
            "upcoming": self.tr("Upcoming"),
            "done": self.tr("Done"),
        }.get(status, status)

    def prepare(self, row: dict) -> dict:
        row = dict(row)
        row["_status"] = self.status_label(row["status"])
        row["_due"] = day_text(row["due_on"])
        row["_from"] = {
            "call": self.tr("Call"),
            "chat": self.tr("Chat"),
            "office": self.tr("Office"),
        }.get(row["source"], row["source"])
        return row

    def display(self, row: dict, column: int) -> str:
        if column == self.STATUS:
            return row["_status"]
        if column == self.DUE:
            return row["_due"]
        if column == self.PATRON:
            return row.get("patron_name") or ""
        if column == self.WHAT:
            return row.get("text") or ""
        if column == self.FROM:
            return row["_from"]
        if column == self.BY:
            return row.get("recorded_by") or ""
        if column == self.FOR:
            return row.get("assigned_to") or ""
        return ""

    def sort_value(self, row: dict, column: int) -> Any:
        order = {"overdue": 0, "today": 1, "upcoming": 2, "done": 3}
        if column == self.STATUS:
            return f"{order.get(row['status'], 9)}|{row['due_on']}"
        if column == self.DUE:
            return row["due_on"]
        return super().sort_value(row, column)

    def tooltip(self, row: dict, column: int) -> str | None:
        if column == self.WHAT:
            return row.get("text") or None
        if column == self.FOR and row.get("assigned_to"):
            return self.tr(
                "The chat came in while nobody was on chat duty: it went to {who}, next on duty."
            ).format(who=row["assigned_to"])
        if column == self.STATUS and row.get("done"):
            return self.tr("Done by {who} on {when}").format(
                who=row.get("done_by") or "", when=local_date(row.get("done_at"))
            )
        return None


class ChatTableModel(RowTableModel):
    WHEN, SERVICE, VISITOR, EMAIL, PHONE, FIRST = range(6)

    def headers(self) -> list[str]:
        return [
            self.tr("When"),
            self.tr("Service"),
            self.tr("Visitor"),
            self.tr("Email"),
            self.tr("Phone"),
            self.tr("First message"),
        ]

    def prepare(self, row: dict) -> dict:
        row = dict(row)
        row["_when"] = local_moment(row.get("started_at"))
        return row

    def display(self, row: dict, column: int) -> str:
        if column == self.WHEN:
            return row["_when"]
        if column == self.SERVICE:
            return row.get("service") or ""
        if column == self.VISITOR:
            return row.get("visitor_name") or self.tr("(no name)")
        if column == self.EMAIL:
            return row.get("visitor_email") or ""
        if column == self.PHONE:
            return row.get("visitor_phone") or ""
        if column == self.FIRST:
            return row.get("preview") or ""
        return ""

    def sort_value(self, row: dict, column: int) -> Any:
        if column == self.WHEN:
            return row.get("started_at") or ""
        return super().sort_value(row, column)

    def tooltip(self, row: dict, column: int) -> str | None:
        return row.get("preview") or None if column == self.FIRST else None


class QuickAnswerTableModel(RowTableModel):
    TITLE, TEXT, UPDATED = range(3)

    def headers(self) -> list[str]:
        return [self.tr("Title"), self.tr("Answer"), self.tr("Last changed")]

    def display(self, row: dict, column: int) -> str:
        if column == self.TITLE:
            return row.get("title") or ""
        if column == self.TEXT:
            return " ".join((row.get("text") or "").split())
        if column == self.UPDATED:
            return local_date(row.get("updated_at"))
        return ""

    def sort_value(self, row: dict, column: int) -> Any:
        if column == self.UPDATED:
            return row.get("updated_at") or ""
        return super().sort_value(row, column)

    def tooltip(self, row: dict, column: int) -> str | None:
        return row.get("text") or None if column == self.TEXT else None
