"""The audit trail as a table: when, who, where, what (newest first)."""

from __future__ import annotations

from typing import Any

from desktop.formatting import local_moment
from desktop.models.base import RowTableModel
from domain.event_words import plain_words


class AuditModel(RowTableModel):
    WHEN, WHO, WORKSTATION, ACTION, SUBJECT = range(5)
    id_key = "position"

    def headers(self) -> list[str]:
        return [
            self.tr("When"),
            self.tr("Who"),
            self.tr("Workstation"),
            self.tr("What"),
            self.tr("Record"),
        ]

    #: record id -> its name (``projections.audit.subject_names``), set by the view
    names: dict[str, str] = {}

    def prepare(self, row: dict) -> dict:
        row = dict(row)
        row["_when"] = local_moment(row.get("occurred_at"))
        # the record the action touched, in words: never its raw id
        thing = (row.get("event") or "").partition(".")[0]
        kind = plain_words(thing) if thing else ""
        name = self.names.get(row.get("subject") or "", "")
        row["_record"] = f"{kind}: {name}" if kind and name else kind
        return row

    def display(self, row: dict, column: int) -> str:
        return {
            self.WHEN: row["_when"],
            self.WHO: row.get("recorded_by") or "",
            self.WORKSTATION: row.get("workstation") or "",
            self.ACTION: row.get("action") or "",
            self.SUBJECT: row["_record"],
        }.get(column, "")

    def sort_value(self, row: dict, column: int) -> Any:
        if column == self.WHEN:
            return f"{row.get('occurred_at') or ''}|{row.get('position') or 0:015d}"
        return super().sort_value(row, column)

    def tooltip(self, row: dict, column: int) -> str | None:
        if column == self.ACTION:
            return row.get("event") or None
        if column == self.SUBJECT:  # the id, for a support request
            return self.tr("Record id: {id}").format(id=row.get("subject") or "")
        return None
