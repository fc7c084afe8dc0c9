"""A patron's timeline as a table: newest first, one row per interaction."""

from __future__ import annotations

from typing import Any

from desktop.formatting import date, local_moment, moment, transcript, words
from desktop.models.base import RowTableModel


class TimelineModel(RowTableModel):
    WHEN, WHAT, SUMMARY, BY, WORKSTATION = range(5)
    id_key = "position"
    #: on a narrow page: the When column the day only and the By column hidden (the
    #: time, weekday and who recorded it in the tooltips)
    narrow = False

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
            "ticket": self.tr("Ticket held"),
            "admission": self.tr("Admitted"),
            WAITING: self.tr("Admitted (not sent)"),
            UNDO_WAITING: self.tr("Undone (not sent)"),
            "refund": self.tr("Refund"),
            "exchange": self.tr("Exchange"),
            "double_entry": self.tr("Double entry"),
            "subscription": self.tr("Subscription"),
            "membership": self.tr("Membership"),
            "donation": self.tr("Donation"),
            "thanks": self.tr("Thank-you"),
            "admission_undone": self.tr("Admission undone"),
            "refused_scan": self.tr("Turned away"),
            "call": self.tr("Call"),
            "chat": self.tr("Chat"),
            "chat_note": self.tr("Chat note"),
            "follow_up": self.tr("Follow-up"),
            "merge": self.tr("Merge"),
            "merged_into": self.tr("Merge"),
            "unmerge": self.tr("Unmerge"),
            "unmerged": self.tr("Unmerge"),
            "ladder": self.tr("Loyalty"),
            "erased": self.tr("Erasure"),
        }
        return labels.get(kind, kind.replace("_", " ").capitalize())

    def prepare(self, row: dict) -> dict:
        row = dict(row)
        # short ('21 Nov 2026, 19:30': the summary gets the room); the weekday in its tooltip
        row["_when"] = moment(row.get("occurred_at"), weekday=False)
        row["_when_full"] = local_moment(row.get("occurred_at"))
        row["_day"] = date(row.get("occurred_at"))
        row["_what"] = self.kind_label(row.get("kind") or "")
        # amounts in the organization's currency and dates in its way, written here and
        # not by the read model (which keeps the facts: cents, ISO dates)
        row["summary"] = words(row.get("summary") or "", row.get("amount_cents"))
        detail = row.get("detail") or ""
        # a chat's transcript: each message's time on the organization's clock
        row["detail"] = transcript(detail) if row.get("kind") == "chat" else words(detail)
        return row

    def display(self, row: dict, column: int) -> str:
        if column == self.WHEN:
            return row["_day"] if self.narrow else row["_when"]
        if column == self.WHAT:
            return row["_what"]
        if column == self.SUMMARY:
            return row.get("summary") or ""
        if column == self.BY:
            return row.get("recorded_by") or ""
        if column == self.WORKSTATION:
            return row.get("workstation") or ""
        return ""

    def set_narrow(self, narrow: bool) -> None:
        """The When column writes the day only (a narrow page), or the day and time."""
        if narrow != self.narrow:
            self.narrow = narrow
            self.layoutAboutToBeChanged.emit()
            self.layoutChanged.emit()

    def sort_value(self, row: dict, column: int) -> Any:
        if column == self.WHEN:
            return f"{row.get('occurred_at') or ''}|{row.get('position') or 0:015d}"
        return super().sort_value(row, column)

    def tooltip(self, row: dict, column: int) -> str | None:
        if column == self.WHEN:
            return row["_when_full"] or None
        if column == self.SUMMARY:
            summary, detail = row.get("summary") or "", row.get("detail") or ""
            if detail and len(detail) < 120 and detail != summary:
                words = f"{summary}\n{detail}"  # the whole line, and the ticket or payment
            else:
                words = detail or summary
            if self.narrow and row.get("recorded_by"):  # the By column is hidden
                by = self.tr("Recorded by {who}").format(who=row["recorded_by"])
                words = f"{words}\n{by}" if words else by
            return words or None
        if column == self.WHAT:
            return row["_what"] or None
        if column == self.BY and row.get("workstation"):
            return self.tr("Recorded by {who} at {where}").format(
                who=row.get("recorded_by") or "", where=row["workstation"]
            )
        return None


#: timeline rows for changes of rung (they come from the ladder, not from an event)
LADDER = "ladder"
# Below every event position: unique, and listed under the event that caused the move.


def move_rows(moves) -> list[dict]:
    """A patron's changes of rung (``domain.loyalty.Move``) as timeline rows, newest first."""
    from desktop.loyalty_labels import move_text
    from projections.base import iso

    rows = [
        {
            "position": -1 - i,
            "occurred_at": iso(m.at),
            "kind": LADDER,
            "summary": move_text(m.to_rung, m.kind, m.from_rung),
            "detail": "",
            "recorded_by": "",
            "workstation": "",
        }
        for i, m in enumerate(moves)
    ]
    return rows[::-1]


#: a row of this door's admission not yet sent (not in the read models: laid over them)
WAITING = "admission_waiting"
#: a row of this door's undo of a stored admission not yet sent (laid over them too)
UNDO_WAITING = "undo_waiting"


def merge_moves(rows: list[dict], pending: list[dict], more: bool) -> tuple[list[dict], list]:
    """One page of timeline rows (newest first) with the moves that fall within it;
    returns the page and the moves older than it (for the next page)."""
    if more and rows:
        oldest = rows[-1]["occurred_at"]
        taken = [m for m in pending if m["occurred_at"] >= oldest]
        left = [m for m in pending if m["occurred_at"] < oldest]
    else:
        taken, left = list(pending), []
    page = sorted(rows + taken, key=lambda r: (r["occurred_at"], r["position"]), reverse=True)
    return page, left
