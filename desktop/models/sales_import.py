"""Tables of the import dialog: the first rows of a sales file, and the rejected rows."""

from __future__ import annotations

from typing import Any

from desktop.models.base import RowTableModel


class PreviewTableModel(RowTableModel):
    """The file as a spreadsheet shows it: row number, then the file's own columns."""

    id_key = "row"
    ROW = 0

    def __init__(self, parent=None):
        super().__init__(parent)
        self._headers: list[str] = []

    def set_file(self, headers: list[str], rows: list[tuple[int, list[str]]]) -> None:
        self._headers = list(headers)
        self.set_rows([{"row": number, "cells": cells} for number, cells in rows])

    def headers(self) -> list[str]:
        return [self.tr("Row"), *self._headers]

    def display(self, row: dict, column: int) -> str:
        if column == self.ROW:
            return str(row["row"])
        cells = row["cells"]
        return cells[column - 1] if column - 1 < len(cells) else ""

    def sort_value(self, row: dict, column: int) -> Any:
        if column == self.ROW:
            return row["row"]
        return super().sort_value(row, column)


class RejectedTableModel(RowTableModel):
    """Rows the import left out, each with its reason."""

    id_key = "row"
    ROW, REASON = range(2)

    def headers(self) -> list[str]:
        return [self.tr("Row"), self.tr("Why it was not imported")]

    def display(self, row: dict, column: int) -> str:
        if column == self.ROW:
            return str(row["row"])
        if column == self.REASON:
            return row["reason"]
        return ""

    def sort_value(self, row: dict, column: int) -> Any:
        if column == self.ROW:
            return row["row"]
        return super().sort_value(row, column)

    def tooltip(self, row: dict, column: int) -> str | None:
        return row["reason"] if column == self.REASON else None
