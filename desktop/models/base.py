"""A table of read-model rows (dicts), loaded a page at a time.

Subclasses declare their columns as integer constants, give ``headers()``
and ``display()``; the screen hands rows in with ``set_rows()`` and, for long
tables, a ``fetcher`` that loads the next page when the view scrolls there
(``canFetchMore``/``fetchMore``). The model never queries anything itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

#: ``fetcher(rows_loaded_so_far, limit) -> next rows``
Fetcher = Callable[[Sequence[dict], int], list[dict]]

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2
ID_ROLE = Qt.ItemDataRole.UserRole + 3

_ROOT = QModelIndex()


class RowTableModel(QAbstractTableModel):
    id_key = "id"
    page_size = 200

    def __init__(self, parent=None, page_size: int | None = None):
        super().__init__(parent)
        self._rows: list[dict] = []
        self._fetcher: Fetcher | None = None
        self._more = False
        if page_size:
            self.page_size = page_size

    # -- what subclasses provide -----------------------------------------
    def headers(self) -> Sequence[str]:
        raise NotImplementedError

    def display(self, row: dict, column: int) -> str:
        raise NotImplementedError

    def sort_value(self, row: dict, column: int) -> Any:
        return self.display(row, column).casefold()

    def tooltip(self, row: dict, column: int) -> str | None:
        return None

    def prepare(self, row: dict) -> dict:
        """Called once per row as it arrives (format dates here, not in data())."""
        return row

    # -- loading -----------------------------------------------------------
    def set_rows(self, rows: Sequence[dict], more: bool = False) -> None:
        """Replace every row; ``more`` says whether the fetcher has further pages."""
        self.beginResetModel()
        self._rows = [self.prepare(r) for r in rows]
        self._more = bool(more)
        self.endResetModel()

    def set_fetcher(self, fetcher: Fetcher | None) -> None:
        self._fetcher = fetcher
        if fetcher is None:
            self._more = False

    def canFetchMore(self, parent=_ROOT) -> bool:  # noqa: N802 (Qt API)
        return not parent.isValid() and self._more and self._fetcher is not None

    def fetchMore(self, parent=_ROOT) -> None:  # noqa: N802 (Qt API)
        fetcher = self._fetcher
        if fetcher is None or not self.canFetchMore(parent):
            return
        rows = fetcher(self._rows, self.page_size)
        self._more = len(rows) >= self.page_size
        if rows:
            first = len(self._rows)
            self.beginInsertRows(_ROOT, first, first + len(rows) - 1)
            self._rows.extend(self.prepare(r) for r in rows)
            self.endInsertRows()

    # -- reading -----------------------------------------------------------
    @property
    def rows(self) -> list[dict]:
        return self._rows

    def row_data(self, row: int) -> dict:
        return self._rows[row]

    def row_id(self, row: int) -> str:
        return self._id_of(self._rows[row])

    def _id_of(self, row: Any) -> Any:
        """A row's id: its ``id_key`` entry (a read-model dict) or attribute (a service's
        frozen dataclass, such as the staff list's ``StaffInfo``)."""
        return row.get(self.id_key) if isinstance(row, dict) else getattr(row, self.id_key, None)

    def row_of(self, row_id: str) -> int:
        for i, row in enumerate(self._rows):
            if self._id_of(row) == row_id:
                return i
        return -1

    # -- QAbstractTableModel ---------------------------------------------
    def rowCount(self, parent=_ROOT) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=_ROOT) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self.headers())

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):  # the tooltip: the whole title, when a person narrows the column
            headers = self.headers()
            if 0 <= section < len(headers):
                return headers[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(row, index.column())
        if role == SORT_ROLE:
            return self.sort_value(row, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row, index.column())
        if role == ID_ROLE:
            return self._id_of(row)
        if role == ROW_ROLE:
            return row
        return None


class SortProxy(QSortFilterProxyModel):
    """Sorts by each column's ``sort_value`` (names by surname, dates by moment).

    Starts unsorted, so rows keep the order the read model gave them.
    """

    def __init__(self, source: RowTableModel, parent=None):
        super().__init__(parent)
        self._rows_model = source
        self.setSourceModel(source)
        self.setSortRole(SORT_ROLE)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setSortLocaleAware(True)
        self.setDynamicSortFilter(True)

    def row_id(self, proxy_row: int) -> str | None:
        index = self.index(proxy_row, 0)
        return index.data(ID_ROLE) if index.isValid() else None

    def proxy_row_of(self, row_id: str) -> int:
        source = self._rows_model
        source_row = source.row_of(row_id)
        if source_row < 0:
            return -1
        return self.mapFromSource(source.index(source_row, 0)).row()
