"""Editable price levels (name + price) for the performance dialog.

Prices stay as typed until the dialog saves, so nothing the user wrote is
lost when a price cannot be read; ``to_cents`` reads them.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from desktop.formatting import parse_cents as to_cents
from desktop.models.base import RowTableModel


def from_cents(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


class PriceLevelModel(RowTableModel):
    NAME, PRICE = range(2)
    id_key = "name"

    def headers(self) -> list[str]:
        return [self.tr("Price level"), self.tr("Price")]

    def display(self, row: dict, column: int) -> str:
        return row.get("name", "") if column == self.NAME else row.get("price", "")

    def set_levels(self, levels: dict[str, int]) -> None:
        self.set_rows([{"name": n, "price": from_cents(c)} for n, c in levels.items()])

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return super().flags(index) | Qt.ItemFlag.ItemIsEditable

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.EditRole and index.isValid():
            return self.display(self.rows[index.row()], index.column())
        return super().data(index, role)

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        key = "name" if index.column() == self.NAME else "price"
        self.rows[index.row()][key] = str(value)
        self.dataChanged.emit(index, index)
        return True

    def add_level(self, name: str = "", price: str = "") -> int:
        row = len(self.rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self.rows.append({"name": name, "price": price})
        self.endInsertRows()
        return row

    def remove_level(self, row: int) -> None:
        if 0 <= row < len(self.rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.rows[row]
            self.endRemoveRows()

    def levels(self) -> tuple[dict[str, int], list[str]]:
        """The price levels as cents, and the names whose price cannot be read.

        Rows left completely empty are ignored.
        """
        levels: dict[str, int] = {}
        unreadable: list[str] = []
        for row in self.rows:
            name, price = row.get("name", "").strip(), row.get("price", "").strip()
            if not name and not price:
                continue
            cents = to_cents(price)
            if cents is None:
                unreadable.append(name or price)
            else:
                levels[name] = cents
        return levels, unreadable
