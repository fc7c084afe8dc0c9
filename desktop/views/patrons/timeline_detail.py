"""Expanding a timeline row: click a chat (or a call, a note) to read all of it.

The timeline table shows one line per interaction; a chat's whole transcript
and a call's full notes are in the row's ``detail``. Clicking the row (or
pressing Enter on it) opens them below the table; clicking it again, or Esc
in the panel, closes them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QTableView, QTextBrowser, QWidget

from desktop.models.base import ROW_ROLE

EXPANDABLE = ("chat", "call", "note", "chat_note", "household")


class TimelineDetail(QTextBrowser):
    def __init__(self, table: QTableView, parent: QWidget | None = None):
        super().__init__(parent)
        self.table = table
        self.row_id = None
        self.setObjectName("timelineDetail")
        self.setMinimumHeight(64)  # three lines; more scrolls
        self.setMaximumHeight(130)
        self.hide()
        table.clicked.connect(lambda index: self.toggle(index.data(ROW_ROLE)))
        for keys in ("Return", "Enter"):
            shortcut = QShortcut(QKeySequence(keys), table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(lambda: self.toggle(table.currentIndex().data(ROW_ROLE)))
        close = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        close.setContext(Qt.ShortcutContext.WidgetShortcut)
        close.activated.connect(self.collapse)

    @staticmethod
    def expandable(row: dict | None) -> bool:
        return row is not None and row.get("kind") in EXPANDABLE and bool(row.get("detail"))

    def toggle(self, row: dict | None) -> None:
        if row is None or not self.expandable(row):
            self.collapse()
            return
        if self.isVisible() and row["position"] == self.row_id:
            self.collapse()
            return
        self.row_id = row["position"]
        self.setPlainText(row["detail"])
        self.show()

    def collapse(self) -> None:
        self.row_id = None
        self.hide()
        self.table.setFocus()
