"""The Follow-ups area: what is still to do, chats waiting for a patron, all chats,
and the quick answers.

* **Follow-ups**: overdue first, then today, then upcoming; mark done (and
  undone), open the patron. Sortable and exportable like every table.
* **Chats waiting**: imported chats nobody could match by email or phone;
  link each to a patron or register the visitor.
* **All chats**: search the transcripts, visitors and staff notes.
* **Quick answers**: the shared library of answers.
"""

from __future__ import annotations

from datetime import date
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import formatting
from desktop.export import add_export
from desktop.models.base import ROW_ROLE, SortProxy
from desktop.models.conversations import ChatTableModel, FollowUpTableModel
from desktop.server_connection import needs_server
from desktop.views.conversations.chat_panel import ChatPanel
from desktop.views.conversations.quick_answers import QuickAnswersPanel
from desktop.views.forms import is_busy, submit_action
from desktop.views.widgets import date_width, heading, moment_width, size_columns, table_view
from domain.application import Houselights
from domain.roles import Permission
from projections import conversations
from projections.runner import ReadModelRunner

FOLLOW_UPS_TAB, WAITING_TAB, CHATS_TAB, ANSWERS_TAB = range(4)


class ChatList(QWidget):
    """A table of chats beside the chosen chat; ``search`` adds a search field."""

    def __init__(
        self, app: Houselights, runner: ReadModelRunner, search: bool, name: str, parent=None
    ):
        super().__init__(parent)
        self.runner = runner
        self.search_field: QLineEdit | None = None
        self.model = ChatTableModel(self)
        self.proxy = SortProxy(self.model, self)
        self.table = table_view(self)
        self.table.setObjectName(name)
        self.table.setModel(self.proxy)
        c = ChatTableModel
        size_columns(
            self.table,
            {
                c.WHEN: moment_width(self.table),
                c.SERVICE: 120,
                c.VISITOR: 140,
                c.EMAIL: 170,
                c.PHONE: 110,
            },
            stretch=c.FIRST,
        )
        self.table.setColumnHidden(c.PHONE, True)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_current())
        self.panel = ChatPanel(app, runner, self)
        self.count = QLabel(self)
        self.count.setObjectName("countLabel")
        self.count.setWordWrap(True)  # "120 chats, 4 unanswered" onto two lines if narrow
        self.export_button = QPushButton(self.tr("Export…"), self)
        add_export(self.table, self.export_button, suggested_name=f"{name}.csv")
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        if search:
            self.search_field = QLineEdit(self)
            self.search_field.setObjectName("chatSearch")
            self.search_field.setClearButtonEnabled(True)
            self.search_field.setPlaceholderText(
                self.tr("Search what was said, the visitor, the notes…")
            )
            self.search_field.textChanged.connect(lambda _t: self.refresh())
            left_layout.addWidget(self.search_field)
        left_layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count)
        bottom.addStretch(1)
        bottom.addWidget(self.export_button)
        left_layout.addLayout(bottom)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([600, 400])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(splitter)

    #: chats listed at most, found by a search and waiting (one more is read, to know
    #: when there are more)
    SHOWN, WAITING_SHOWN = 200, 1000
    #: more chats than are listed
    more = False

    def refresh(self) -> None:
        chosen = self.current()
        shown = self.SHOWN if self.search_field is not None else self.WAITING_SHOWN
        limit = shown + 1
        if self.search_field is None:
            rows = self.runner.read(
                Permission.READ_PATRONS, conversations.waiting_chats, limit=limit
            )
        else:
            rows = self.runner.read(
                Permission.READ_PATRONS,
                conversations.search_chats,
                self.search_field.text(),
                limit=limit,
            )
        self.more = len(rows) > shown
        rows = rows[:shown]
        self.model.set_rows(rows)
        if self.more:  # a full list is the newest few, never "200 chats" when there are more
            text = self.tr("The newest {count} chats; search to find older ones.").format(
                count=formatting.number(len(rows))
            )
            if self.search_field is None:
                text = self.tr(
                    "The newest {count} waiting chats; link them to see older ones."
                ).format(count=formatting.number(len(rows)))
        elif len(rows) == 1:
            text = self.tr("1 chat")
        else:
            text = self.tr("{count} chats").format(count=formatting.number(len(rows)))
        self.count.setText(text)
        row = self.proxy.proxy_row_of(chosen["id"]) if chosen else -1
        self.table.selectRow(max(row, 0) if rows else -1)
        self._show_current()

    def current(self) -> dict | None:
        index = self.table.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    def select_chat(self, chat_id: str) -> None:
        row = self.proxy.proxy_row_of(chat_id)
        if row >= 0:
            self.table.selectRow(row)

    def _show_current(self) -> None:
        self.panel.show_chat(self.current())


class FollowUpsView(QWidget):
    open_patron = Signal(str)
    message = Signal(str)
    log_call_requested = Signal()
    import_chats_requested = Signal()

    def __init__(self, app: Houselights, runner: ReadModelRunner, parent=None, today=None):
        super().__init__(parent)
        self.app = app
        self.runner = runner
        self._today = today  # tests and screenshots fix the day
        self.setObjectName("followUps")

        self.counts = QLabel(self)
        self.counts.setObjectName("subheading")
        self.log_call_button = needs_server(QPushButton(self.tr("Log a call…"), self))
        self.log_call_button.setToolTip(self.tr("Ctrl+L, from anywhere"))
        self.log_call_button.clicked.connect(self.log_call_requested)
        self.import_button = needs_server(QPushButton(self.tr("Import chats…"), self))
        self.import_button.clicked.connect(self.import_chats_requested)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("followUpTabs")

        # Follow-ups
        todo = QWidget(self)
        self.model = FollowUpTableModel(self)
        self.proxy = SortProxy(self.model, self)
        self.table = table_view(todo)
        self.table.setObjectName("followUpTable")
        self.table.setModel(self.proxy)
        f = FollowUpTableModel
        size_columns(
            self.table,
            {
                f.STATUS: 100,
                f.DUE: date_width(self.table, weekday=True),
                f.PATRON: 175,
                f.FROM: 70,
                f.BY: 130,
                f.FOR: 110,
            },
            stretch=f.WHAT,
        )
        self.table.doubleClicked.connect(lambda _i: self.open_current())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._enable())
        self.show_done = QCheckBox(self.tr("Show done"), todo)
        self.show_done.toggled.connect(lambda _on: self.refresh())
        self.done_button = needs_server(QPushButton(self.tr("Mark done"), todo))
        self.done_button.setObjectName("primaryButton")
        self.done_button.setToolTip(self.tr("Ctrl+D"))
        self.done_button.clicked.connect(self.mark_done)
        self.undone_button = needs_server(QPushButton(self.tr("Not done after all"), todo))
        self.undone_button.clicked.connect(self.mark_undone)
        self.open_button = QPushButton(self.tr("Open patron"), todo)
        self.open_button.setToolTip(self.tr("Enter"))
        self.open_button.clicked.connect(self.open_current)
        self.export_button = QPushButton(self.tr("Export…"), todo)
        add_export(
            self.table,
            self.export_button,
            suggested_name=self.tr("follow-ups") + ".csv",
            on_done=lambda path: self.message.emit(self.tr("Saved {path}").format(path=path)),
        )
        for keys, slot in (
            ("Ctrl+D", self.mark_done),
            ("Return", self.open_current),
            ("Enter", self.open_current),
        ):
            shortcut = QShortcut(QKeySequence(keys), self.table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(slot)
        todo_buttons = QHBoxLayout()
        for widget in (self.done_button, self.undone_button, self.open_button):
            todo_buttons.addWidget(widget)
        todo_buttons.addStretch(1)
        todo_buttons.addWidget(self.show_done)
        todo_buttons.addWidget(self.export_button)
        todo_layout = QVBoxLayout(todo)
        todo_layout.setContentsMargins(0, 8, 0, 0)
        todo_layout.addWidget(self.table, 1)
        todo_layout.addLayout(todo_buttons)
        self.tabs.addTab(todo, self.tr("Follow-ups"))

        self.waiting = ChatList(app, runner, search=False, name="waitingChats", parent=self)
        self.tabs.addTab(self.waiting, self.tr("Chats waiting"))
        self.chats = ChatList(app, runner, search=True, name="allChats", parent=self)
        self.tabs.addTab(self.chats, self.tr("All chats"))
        self.answers = QuickAnswersPanel(app, runner, self)
        self.tabs.addTab(self.answers, self.tr("Quick answers"))
        for panel in (self.waiting.panel, self.chats.panel):
            panel.open_patron.connect(self.open_patron)
            panel.message.connect(self.message)
        self.answers.message.connect(self.message)

        top = QHBoxLayout()
        top.addWidget(heading(self.tr("Follow-ups and chats"), self))
        top.addStretch(1)
        top.addWidget(self.log_call_button)
        top.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 16)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.counts)
        layout.addWidget(self.tabs, 1)
        self._enable()

    def today(self) -> date:
        return self._today or formatting.today()  # the organization's day

    def refresh(self) -> None:
        chosen = self.current()
        rows = self.runner.read(
            Permission.READ_PATRONS,
            conversations.follow_ups,
            self.today(),
            include_done=self.show_done.isChecked(),
        )
        self.model.set_rows(rows)
        row = self.proxy.proxy_row_of(chosen["id"]) if chosen else -1
        if rows:
            self.table.selectRow(row if row >= 0 else 0)
        counts = self.runner.read(
            Permission.READ_PATRONS, conversations.follow_up_counts, self.today()
        )
        self.counts.setText(
            self.tr("{overdue} overdue · {today} due today · {upcoming} upcoming").format(**counts)
        )
        self.waiting.refresh()
        self.chats.refresh()
        self.answers.refresh()
        waiting = formatting.number(self.waiting.model.rowCount())
        if self.waiting.more:
            waiting = self.tr("{count}+").format(count=waiting)
        self.tabs.setTabText(
            WAITING_TAB,
            self.tr("Chats waiting ({count})").format(count=waiting)
            if self.waiting.model.rowCount()
            else self.tr("Chats waiting"),
        )
        self._enable()

    def current(self) -> dict | None:
        index = self.table.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    def _enable(self) -> None:
        row = self.current()
        # while the last press is on the writer worker another is not taken: the
        # buttons say so, and are set again for the chosen row when its answer comes
        free = not is_busy(self)
        needs_server(self.done_button, free and row is not None and not row["done"])
        needs_server(self.undone_button, free and row is not None and bool(row["done"]))
        self.open_button.setEnabled(row is not None)

    def mark_done(self) -> int | None:
        """Mark the chosen follow-up done, on the writer worker."""
        row = self.current()
        if row is None:
            return None
        return submit_action(
            self,
            partial(self.app.mark_follow_up_done, row["id"]),
            lambda changed: self._answered(
                changed, self.tr("Done: {text}").format(text=row["text"])
            ),
            self.message.emit,
            busy=(self.done_button, self.undone_button),
        )

    def _answered(self, changed: object, text: str) -> None:
        """A press answered: said in the status bar when it changed something."""
        if changed:
            self.message.emit(text)
        self._enable()

    def mark_undone(self) -> int | None:
        """Put the chosen follow-up back on the list, on the writer worker."""
        row = self.current()
        if row is None:
            return None
        return submit_action(
            self,
            partial(self.app.mark_follow_up_undone, row["id"]),
            lambda changed: self._answered(
                changed, self.tr("Back on the list: {text}").format(text=row["text"])
            ),
            self.message.emit,
            busy=(self.done_button, self.undone_button),
        )

    def open_current(self) -> None:
        row = self.current()
        if row is not None:
            self.open_patron.emit(row["patron_id"])

    def show_tab(self, tab: int) -> None:
        self.tabs.setCurrentIndex(tab)
