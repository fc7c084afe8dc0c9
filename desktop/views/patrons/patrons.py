"""The patron list: find anyone as you type, open them with Enter."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import formatting
from desktop.models.patron_table import PatronTableModel
from desktop.server_connection import needs_server
from desktop.views.widgets import exporting_table, heading, select_row
from domain.roles import Permission
from projections import patron_directory as directory
from projections.patron_search import search
from projections.runner import ReadModelRunner

_OPEN_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class PatronListView(QWidget):
    """Search field, results table and count; opening a patron is the window's job."""

    open_patron = Signal(str)
    new_patron_requested = Signal()
    #: a CSV file was written (path), for the status bar
    exported = Signal(str)

    SEARCH_DELAY_MS = 120
    SEARCH_LIMIT = 200

    def __init__(self, runner: ReadModelRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.setObjectName("patronList")

        self.search_field = QLineEdit(self)
        self.search_field.setObjectName("searchField")
        self.search_field.setPlaceholderText(
            self.tr("Find a patron: name, email, phone or interest")
        )
        self.search_field.setClearButtonEnabled(True)
        self.search_field.setToolTip(self.tr("Ctrl+F jumps here from anywhere"))
        self.search_field.installEventFilter(self)

        self.new_button = needs_server(QPushButton(self.tr("New patron"), self))
        self.new_button.setObjectName("primaryButton")
        self.new_button.setToolTip(self.tr("Register a new patron (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_patron_requested)

        self.export_button = QPushButton(self.tr("Export…"), self)

        self.count_label = QLabel(self)
        self.count_label.setObjectName("countLabel")

        self.model = PatronTableModel(self)
        self.proxy, self.table, self.export_action = exporting_table(
            self.model,
            self,
            self.export_button,
            self.tr("patrons") + ".csv",
            on_exported=lambda path: self.exported.emit(str(path)),
        )
        self.table.installEventFilter(self)
        self.table.doubleClicked.connect(lambda index: self._open_row(index.row()))
        header = self.table.horizontalHeader()
        for column, width in (
            (PatronTableModel.NAME, 200),
            (PatronTableModel.EMAIL, 210),
            (PatronTableModel.PHONE, 160),
            (PatronTableModel.CITY, 130),
            (PatronTableModel.LAST_ACTIVITY, 130),
        ):
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(PatronTableModel.INTERESTS, QHeaderView.ResizeMode.Stretch)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(self.SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.run_search)
        self.search_field.textChanged.connect(self._search_timer.start)

        top = QHBoxLayout()
        top.addWidget(heading(self.tr("Patrons"), self))
        top.addStretch(1)
        top.addWidget(self.export_button)
        top.addWidget(self.new_button)

        search_row = QHBoxLayout()
        search_row.addWidget(self.search_field, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 16)
        layout.setSpacing(14)
        layout.addLayout(top)
        layout.addLayout(search_row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)

        self._searched_text: str | None = None

    # -- public ------------------------------------------------------------
    def focus_search(self) -> None:
        self.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_field.selectAll()

    def search_text(self) -> str:
        return self.search_field.text().strip()

    def current_patron_id(self) -> str | None:
        index = self.table.currentIndex()
        return self.proxy.row_id(index.row()) if index.isValid() else None

    def run_search(self) -> None:
        """Show what matches the search field now (the debounce timer calls this)."""
        self._search_timer.stop()
        self._load(keep_loaded=False)

    def refresh(self) -> None:
        """Reload after the read models changed, keeping the selection and scroll."""
        self._search_timer.stop()
        self._load(keep_loaded=True)

    def select_patron(self, patron_id: str) -> bool:
        row = self.proxy.proxy_row_of(patron_id)
        if row < 0:
            return False
        self._select_row(row)
        return True

    # -- loading -------------------------------------------------------------
    def _next_page(self, loaded: Sequence[dict], limit: int) -> list[dict]:
        last = loaded[-1] if loaded else None
        after = (last["sort_key"], last["id"]) if last else None
        return self.runner.read(Permission.READ_PATRONS, directory.page, after=after, limit=limit)

    def _load(self, keep_loaded: bool) -> None:
        text = self.search_text()
        db = self.runner.db()
        selected = self.current_patron_id() if keep_loaded else None
        scroll = self.table.verticalScrollBar().value() if keep_loaded else 0
        if text:
            rows = self.runner.read(Permission.READ_PATRONS, search, text, limit=self.SEARCH_LIMIT)
            self.model.set_fetcher(None)
            self.model.set_rows(rows)
        else:
            limit = self.model.page_size
            if keep_loaded and self._searched_text == "":
                limit = max(limit, self.model.rowCount())
            rows = self.runner.read(Permission.READ_PATRONS, directory.page, limit=limit)
            self.model.set_fetcher(self._next_page)
            self.model.set_rows(rows, more=len(rows) >= limit)
        new_search = text != self._searched_text
        self._searched_text = text
        self._show_count(text, len(rows), db)
        if selected and self.select_patron(selected):
            self.table.verticalScrollBar().setValue(scroll)
        elif text and rows and (new_search or not selected):
            self._select_row(0)
        else:
            self.table.verticalScrollBar().setValue(scroll)

    def _show_count(self, text: str, found: int, db) -> None:
        if text:
            if found == 0:
                message = self.tr(
                    "No patron matches “{text}”. Check the spelling, or press Ctrl+N to add them."
                ).format(text=text)
            elif found >= self.SEARCH_LIMIT:
                message = self.tr(
                    "Showing the first {count} matches. Type more to narrow it down."
                ).format(count=found)
            elif found == 1:
                message = self.tr("1 patron matches. Press Enter to open.")
            else:
                message = self.tr("{count} patrons match.").format(count=found)
        else:
            total = self.runner.read(Permission.READ_PATRONS, directory.count)
            if total == 0:
                message = self.tr("No patrons yet. Press Ctrl+N to add the first one.")
            elif total == 1:
                message = self.tr("1 patron")
            else:
                message = self.tr("{count} patrons").format(count=formatting.number(total))
        self.count_label.setText(message)

    # -- keys and opening ------------------------------------------------------
    def _select_row(self, row: int) -> None:
        select_row(self.table, row)

    def _open_row(self, row: int) -> None:
        patron_id = self.proxy.row_id(row)
        if patron_id:
            self.open_patron.emit(patron_id)

    def open_current(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self._open_row(index.row())
        elif self.proxy.rowCount() > 0:
            self._open_row(0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if watched is self.search_field:
                if key in _OPEN_KEYS:
                    if self._search_timer.isActive() or self._searched_text != self.search_text():
                        self.run_search()
                    self.open_current()
                    return True
                if key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown) and self.proxy.rowCount():
                    self.table.setFocus(Qt.FocusReason.OtherFocusReason)
                    if not self.table.currentIndex().isValid():
                        self._select_row(0)
                    return True
            elif watched is self.table and key in _OPEN_KEYS:
                self.open_current()
                return True
        return super().eventFilter(watched, event)
