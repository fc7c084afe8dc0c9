"""Any report (``desktop.report_catalog.ReportDefinition``) as a sortable table."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt

from desktop.models.base import RowTableModel
from desktop.report_catalog import (
    DATE,
    DURATION,
    INT,
    MOMENT,
    MONEY,
    MONTH,
    PERCENT,
    TEXT,
    Column,
    ReportDefinition,
    format_value,
)

NUMBERS = (INT, MONEY, PERCENT, DURATION)
#: column widths by kind of value (the first text column takes what is left)
#: starting widths; a column is never narrower than its title (``FittingTable``)
WIDTHS = {
    TEXT: 160,
    INT: 70,
    MONEY: 110,
    PERCENT: 70,
    MOMENT: 180,
    DATE: 120,
    MONTH: 100,
    DURATION: 130,
}


def tr(text: str) -> str:
    return QCoreApplication.translate("Reports", text)


class ReportTableModel(RowTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.definition: ReportDefinition | None = None

    def set_report(self, definition: ReportDefinition, rows: list[dict]) -> None:
        self.beginResetModel()
        self.definition = definition
        self.endResetModel()
        self.set_rows(rows)

    @property
    def columns(self) -> tuple[Column, ...]:
        """The report's columns (none before a report is set)."""
        return self.definition.columns if self.definition is not None else ()

    def column_of(self, key: str) -> int:
        return [c.key for c in self.columns].index(key)

    def headers(self) -> list[str]:
        return [tr(c.title) for c in self.columns]

    def row_id(self, row: int) -> str:
        return str(self._rows[row].get("id", row))

    def display(self, row: dict, column: int) -> str:
        spec = self.columns[column]
        return format_value(spec.kind, row.get(spec.key))

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.TextAlignmentRole and index.isValid():
            if self.columns[index.column()].kind in NUMBERS:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        return super().data(index, role)

    def sort_value(self, row: dict, column: int) -> Any:
        spec = self.columns[column]
        value = row.get(spec.key)
        if spec.kind == TEXT:
            return str(value or "").casefold()
        if value is None:
            return "" if spec.kind in (MOMENT, DATE, MONTH) else -1
        return value
