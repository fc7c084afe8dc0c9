"""The backups in the backup folder: when, how many events, how big."""

from __future__ import annotations

from typing import Any

from desktop import formatting
from desktop.models.base import RowTableModel


def file_size(size: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024
    return ""  # pragma: no cover


class BackupTableModel(RowTableModel):
    """Rows: ``{"id": path, "created": datetime, "events": int, "size": int,
    "read_models": bool}``, newest first."""

    WHEN, EVENTS, SIZE, WITH, FILE = range(5)

    def headers(self) -> list[str]:
        return [
            self.tr("Made"),
            self.tr("Events"),
            self.tr("Size"),
            self.tr("Read models"),
            self.tr("File"),
        ]

    def display(self, row: dict, column: int) -> str:
        if column == self.WHEN:
            return formatting.moment(row["created"])
        if column == self.EVENTS:
            return f"{row['events']:,}"
        if column == self.SIZE:
            return file_size(row["size"])
        if column == self.WITH:
            return self.tr("included") if row["read_models"] else self.tr("rebuilt on restore")
        return row["name"]

    def sort_value(self, row: dict, column: int) -> Any:
        if column == self.WHEN:
            return row["created"].isoformat()
        if column in (self.EVENTS, self.SIZE):
            return row["events"] if column == self.EVENTS else row["size"]
        return super().sort_value(row, column)
