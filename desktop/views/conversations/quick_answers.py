"""Quick answers: pick one with a keystroke and it is typed into the note.

``QuickAnswerInserter(edit, runner)`` gives any ``QPlainTextEdit`` the
keystroke Ctrl+Space (and a button, ``inserter.button``): a small picker opens
with the organization's answers, filtered as you type; Enter puts the chosen
answer at the cursor. Typing ``/park`` first and then Ctrl+Space opens the
picker filtered on "park" and replaces ``/park`` with the answer.

``QuickAnswersPanel`` lists the answers (sortable, exportable) and lets staff
add, edit and remove them; they are events, so every workstation shares them.
"""

from __future__ import annotations

import re
from functools import partial

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.export import add_export
from desktop.models.base import ROW_ROLE, SortProxy
from desktop.models.conversations import QuickAnswerTableModel
from desktop.server_connection import needs_server
from desktop.views.forms import submit_action, submit_command
from desktop.views.widgets import (
    dialog_buttons,
    error_label,
    show_error,
    show_field_errors,
    size_columns,
    table_view,
)
from domain.application import Houselights
from domain.roles import Permission
from projections import conversations
from projections.runner import ReadModelRunner

SHORTCUT = "Ctrl+Space"
_SLASH_WORD = re.compile(r"/(\w*)$")


class QuickAnswerPicker(QDialog):
    """A filter line over the list of answers; Enter picks, Esc closes."""

    picked = Signal(str)

    def __init__(self, answers: list[dict], filter_text: str = "", parent=None):
        super().__init__(parent)
        self.setObjectName("quickAnswerPicker")
        self.setWindowTitle(self.tr("Quick answers"))
        self.answers = answers
        self.filter = QLineEdit(self)
        self.filter.setObjectName("quickAnswerFilter")
        self.filter.setPlaceholderText(self.tr("Type to filter: parking, refund…"))
        self.list = QListWidget(self)
        self.list.setObjectName("quickAnswerList")
        self.list.setWordWrap(True)
        self.list.itemActivated.connect(lambda _item: self.pick())
        self.preview = QLabel(self)
        self.preview.setObjectName("muted")
        self.preview.setWordWrap(True)
        none_yet = self.tr("No quick answers yet. Add them in Follow-ups → Quick answers.")
        self.empty = QLabel(none_yet, self)
        self.empty.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.preview)
        layout.addWidget(self.empty)
        self.resize(520, 360)
        self.filter.textChanged.connect(self._fill)
        self.list.currentItemChanged.connect(self._show_preview)
        self.filter.installEventFilter(self)
        self.filter.setText(filter_text)
        self._fill()
        self.filter.setFocus()

    def _fill(self, *_args) -> None:
        words = self.filter.text().casefold().split()
        self.list.clear()
        for answer in self.answers:
            haystack = f"{answer['title']} {answer['text']}".casefold()
            if all(w in haystack for w in words):
                item = QListWidgetItem(answer["title"])
                item.setData(Qt.ItemDataRole.UserRole, answer["text"])
                item.setToolTip(answer["text"])
                self.list.addItem(item)
        self.list.setCurrentRow(0)
        self.empty.setVisible(not self.answers)
        self._show_preview()

    def _show_preview(self, *_args) -> None:
        item = self.list.currentItem()
        self.preview.setText(item.data(Qt.ItemDataRole.UserRole) if item else "")

    def eventFilter(self, watched: QObject, event) -> bool:  # noqa: N802 (Qt API)
        if watched is self.filter and event.type() == event.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                row = self.list.currentRow() + (1 if event.key() == Qt.Key.Key_Down else -1)
                self.list.setCurrentRow(max(0, min(row, self.list.count() - 1)))
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.pick()
                return True
        return super().eventFilter(watched, event)

    def pick(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        self.picked.emit(item.data(Qt.ItemDataRole.UserRole))
        self.accept()


class QuickAnswerInserter(QObject):
    """Ctrl+Space (or the button) in ``edit`` inserts a quick answer at the cursor."""

    inserted = Signal(str)

    def __init__(self, edit: QPlainTextEdit, runner, parent: QWidget | None = None):
        super().__init__(parent or edit)
        self.edit = edit
        self.runner = runner
        self.picker: QuickAnswerPicker | None = None
        self.shortcut = QShortcut(QKeySequence(SHORTCUT), edit)
        self.shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        self.shortcut.activated.connect(self.open_picker)
        # the caller puts the button in its layout (which gives it a parent)
        self.button = QPushButton(self.tr("Quick answer…"))
        self.button.setObjectName("quickAnswerButton")
        self.button.setToolTip(
            self.tr("Insert a quick answer ({keys}); type /parking first to jump to one").format(
                keys=SHORTCUT
            )
        )
        # Tab goes from the note straight to the next field
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.clicked.connect(self.open_picker)

    def _slash_word(self) -> re.Match | None:
        cursor = self.edit.textCursor()
        before = self.edit.toPlainText()[: cursor.position()]
        return _SLASH_WORD.search(before)

    def open_picker(self) -> QuickAnswerPicker:
        answers = self.runner.read(Permission.READ_PATRONS, conversations.quick_answers)
        slash = self._slash_word()
        self.picker = QuickAnswerPicker(
            answers, slash.group(1) if slash else "", self.edit.window()
        )
        self.picker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.picker.picked.connect(self.insert)
        self.picker.finished.connect(lambda _r: self.edit.setFocus())
        self.picker.open()
        return self.picker

    def insert(self, text: str) -> None:
        cursor = self.edit.textCursor()
        slash = self._slash_word()
        if slash is not None:
            cursor.movePosition(
                QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor, len(slash.group(0))
            )
        cursor.insertText(text)
        self.edit.setTextCursor(cursor)
        self.inserted.emit(text)


class QuickAnswerDialog(QDialog):
    """Add or edit one answer."""

    def __init__(self, app: Houselights, answer: dict | None = None, parent=None):
        super().__init__(parent)
        self.app = app
        self.answer = answer
        self.setObjectName("quickAnswerDialog")
        self.setWindowTitle(self.tr("Edit quick answer") if answer else self.tr("New quick answer"))
        self.setMinimumWidth(520)
        self.title = QLineEdit(self)
        self.title.setObjectName("answerTitle")
        self.title.setPlaceholderText(self.tr("Parking"))
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("answerText")
        self.text.setTabChangesFocus(True)
        self.text.setPlaceholderText(self.tr("The answer, as a volunteer would say it"))
        self.errors = {"title": error_label(self), "text": error_label(self)}
        self.general_error = error_label(self)
        if answer:
            self.title.setText(answer["title"])
            self.text.setPlainText(answer["text"])
        self.save_button, self.cancel_button, buttons = dialog_buttons(
            self, self.tr("Save"), self.save
        )
        layout = QVBoxLayout(self)
        title_label = QLabel(self.tr("&Title"), self)
        title_label.setBuddy(self.title)
        text_label = QLabel(self.tr("&Answer"), self)
        text_label.setBuddy(self.text)
        for widget in (
            title_label,
            self.title,
            self.errors["title"],
            text_label,
            self.text,
            self.errors["text"],
            self.general_error,
        ):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        self.title.setFocus()

    def save(self) -> int | None:
        """Save on the writer worker (the dialog busy meanwhile); closes once recorded.
        Returns the writer's job number (None: nothing was sent)."""
        for label in (*self.errors.values(), self.general_error):
            show_error(label, "")
        app, answer = self.app, self.answer

        def prepare():
            title, text = self.title.text(), self.text.toPlainText()

            def save() -> str:
                if answer:
                    app.edit_quick_answer(answer["id"], title, text)
                    return answer["id"]
                return app.add_quick_answer(title, text)

            return save

        def show_fields(by_field: dict[str, str]) -> None:
            show_field_errors(self.errors, self.general_error, by_field)

        return submit_command(
            self,
            prepare,
            show_fields,
            self.general_error,
            lambda _answer_id: self.accept(),
            busy=(self.save_button, self.cancel_button),
            busy_text=self.tr("Saving…"),
        )


class QuickAnswersPanel(QWidget):
    """The library of answers: add, edit, remove; sortable and exportable."""

    message = Signal(str)

    def __init__(self, app: Houselights, runner: ReadModelRunner, parent=None):
        super().__init__(parent)
        self.app = app
        self.runner = runner
        self.dialog: QuickAnswerDialog | None = None
        self.model = QuickAnswerTableModel(self)
        self.proxy = SortProxy(self.model, self)
        self.table = table_view(self)
        self.table.setObjectName("quickAnswers")
        self.table.setModel(self.proxy)
        size_columns(
            self.table,
            {QuickAnswerTableModel.TITLE: 200, QuickAnswerTableModel.UPDATED: 120},
            stretch=QuickAnswerTableModel.TEXT,
        )
        self.table.doubleClicked.connect(lambda _i: self.edit())
        intro = QLabel(
            self.tr(
                "Well-worded answers to the questions people ask most. In a call note or a chat "
                "note press {keys} (or type /parking, then {keys}) to insert one."
            ).format(keys=SHORTCUT),
            self,
        )
        intro.setObjectName("muted")
        intro.setWordWrap(True)
        self.add_button = needs_server(QPushButton(self.tr("New answer…"), self))
        self.add_button.clicked.connect(lambda: self.add())
        self.edit_button = needs_server(QPushButton(self.tr("Edit…"), self))
        self.edit_button.clicked.connect(lambda: self.edit())
        self.remove_button = needs_server(QPushButton(self.tr("Remove"), self))
        self.remove_button.clicked.connect(self.remove)
        self.export_button = QPushButton(self.tr("Export…"), self)
        add_export(
            self.table,
            self.export_button,
            suggested_name="quick-answers.csv",
            on_done=lambda path: self.message.emit(self.tr("Saved {path}").format(path=path)),
        )
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def refresh(self) -> None:
        self.model.set_rows(self.runner.read(Permission.READ_PATRONS, conversations.quick_answers))

    def current(self) -> dict | None:
        index = self.table.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    def add(self) -> QuickAnswerDialog:
        self.dialog = QuickAnswerDialog(self.app, None, self)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.accepted.connect(lambda: self.message.emit(self.tr("Quick answer saved.")))
        self.dialog.open()
        return self.dialog

    def edit(self) -> QuickAnswerDialog | None:
        answer = self.current()
        if answer is None:
            return None
        self.dialog = QuickAnswerDialog(self.app, answer, self)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.accepted.connect(lambda: self.message.emit(self.tr("Quick answer saved.")))
        self.dialog.open()
        return self.dialog

    def _say_if(self, changed: object, text: str) -> None:
        if changed:
            self.message.emit(text)

    def remove(self) -> int | None:
        """Remove the chosen answer, on the writer worker."""
        answer = self.current()
        if answer is None:
            return None
        return submit_action(
            self,
            partial(self.app.remove_quick_answer, answer["id"]),
            lambda removed: self._say_if(
                removed, self.tr("Removed “{title}”.").format(title=answer["title"])
            ),
            self.message.emit,
        )
