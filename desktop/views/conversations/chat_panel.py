"""One chat: who the visitor was, the whole transcript, staff notes, and linking.

An unmatched chat is linked here to a patron on file (**Link to patron…**) or
to a new patron registered from the visitor's details (**New patron from
visitor…**). A note (Ctrl+Space inserts a quick answer) can carry a follow-up
day, which puts it on the follow-up list.
"""

from __future__ import annotations

from functools import partial
from html import escape

from PySide6.QtCore import QDate, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop import formatting
from desktop.formatting import local_moment
from desktop.server_connection import needs_server, set_enabled
from desktop.views.box_office.sell_dialog import PatronFinder
from desktop.views.conversations.quick_answers import SHORTCUT, QuickAnswerInserter
from desktop.views.forms import submit_command
from desktop.views.patrons.patron_dialog import PatronDialog
from desktop.views.widgets import dialog_buttons, error_label, show_error
from domain.application import Houselights
from domain.roles import Permission
from projections import patron_directory as directory
from projections.runner import ReadModelRunner

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class LinkChatDialog(QDialog):
    """Find the patron this chat belongs to; Enter searches, Enter again links."""

    linked = Signal(str)

    def __init__(self, app: Houselights, runner: ReadModelRunner, chat: dict, parent=None):
        super().__init__(parent)
        self.app = app
        self.chat = chat
        self.setObjectName("linkChatDialog")
        self.setWindowTitle(self.tr("Link the chat to a patron"))
        self.setMinimumWidth(640)
        intro = QLabel(
            self.tr("Who was “{visitor}”? Find them by name, email or phone.").format(
                visitor=chat.get("visitor_name")
                or chat.get("visitor_email")
                or self.tr("the visitor")
            ),
            self,
        )
        intro.setWordWrap(True)
        self.finder = PatronFinder(runner, self)
        self.finder.search_field.setObjectName("linkSearch")
        self.finder.search_field.installEventFilter(self)
        self.error = error_label(self)
        self.link_button, self.cancel_button, buttons = dialog_buttons(
            self, self.tr("Link"), self.link
        )
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.finder, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        guess = chat.get("visitor_name") or chat.get("visitor_email") or ""
        self.finder.search_field.setText(guess)
        self.finder.run_search()
        self.finder.search_field.selectAll()
        self.finder.search_field.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if (
            watched is self.finder.search_field
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in _ENTER
        ):
            self.finder.run_search()
            if self.finder.model.rowCount():
                self.finder.table.setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        return super().eventFilter(watched, event)

    def link(self) -> int | None:
        """Link on the writer worker (the dialog busy meanwhile); ``linked`` and close
        once recorded. Returns the writer's job number (None: nothing was sent)."""
        patron = self.finder.chosen()
        if patron is None:
            show_error(self.error, self.tr("Choose the patron in the list first."))
            return None
        return submit_command(
            self,
            lambda: partial(self.app.link_chat, self.chat["id"], patron["id"]),
            lambda by_field: show_error(self.error, " ".join(by_field.values())),
            self.error,
            lambda _result: self._linked(patron["id"]),
            busy=(self.link_button, self.cancel_button),
        )

    def _linked(self, patron_id: str) -> None:
        self.linked.emit(patron_id)
        self.accept()


class ChatPanel(QWidget):
    """``show_chat(row)`` with a row of the chats read model (or None)."""

    open_patron = Signal(str)
    message = Signal(str)

    def __init__(self, app: Houselights, runner: ReadModelRunner, parent=None):
        super().__init__(parent)
        self.app = app
        self.runner = runner
        self.row: dict | None = None
        self.dialog: QDialog | None = None
        self.setObjectName("chatPanel")
        self.header = QLabel(self)
        self.header.setObjectName("cardValue")
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.transcript = QTextBrowser(self)
        self.transcript.setObjectName("chatTranscript")
        self.link_button = needs_server(QPushButton(self.tr("Link to patron…"), self))
        self.link_button.setObjectName("primaryButton")
        self.link_button.clicked.connect(lambda: self.link())
        self.create_button = needs_server(QPushButton(self.tr("New patron from visitor…"), self))
        self.create_button.clicked.connect(lambda: self.create_patron())
        self.open_button = QPushButton(self.tr("Open patron"), self)
        self.open_button.clicked.connect(
            lambda: (
                self.row
                and self.row.get("patron_id")
                and self.open_patron.emit(self.row["patron_id"])
            )
        )
        self.note_edit = QPlainTextEdit(self)
        self.note_edit.setObjectName("chatNote")
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setFixedHeight(70)
        self.note_edit.setPlaceholderText(
            self.tr(
                "Note what was answered or is to do ({keys}: quick answer; Ctrl+Enter saves)"
            ).format(keys=SHORTCUT)
        )
        self.quick_answers = QuickAnswerInserter(self.note_edit, runner, self)
        self.follow_up = QCheckBox(self.tr("Follow up on"), self)
        self.follow_up_day = QDateEdit(self)
        self.follow_up_day.setCalendarPopup(True)
        self.follow_up_day.setDisplayFormat(formatting.date_pattern(weekday=True))
        self.follow_up_day.setDate(QDate.currentDate().addDays(1))
        self.follow_up_day.setEnabled(False)
        self.follow_up.toggled.connect(self.follow_up_day.setEnabled)
        self.note_button = needs_server(QPushButton(self.tr("Add note"), self))
        self.note_button.clicked.connect(self.save_note)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self.note_edit)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.save_note)
        self.error = error_label(self)

        actions = QHBoxLayout()
        actions.addWidget(self.link_button)
        actions.addWidget(self.create_button)
        actions.addWidget(self.open_button)
        actions.addStretch(1)
        note_row = QHBoxLayout()
        note_row.addWidget(self.follow_up)
        note_row.addWidget(self.follow_up_day)
        note_row.addStretch(1)
        note_row.addWidget(self.quick_answers.button)
        note_row.addWidget(self.note_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addLayout(actions)
        layout.addWidget(self.transcript, 1)
        layout.addWidget(self.note_edit)
        layout.addLayout(note_row)
        layout.addWidget(self.error)
        self.show_chat(None)

    def show_chat(self, row: dict | None) -> None:
        same = row is not None and self.row is not None and row["id"] == self.row["id"]
        self.row = row
        if not same:
            show_error(self.error, "")
        for widget in (
            self.link_button,
            self.create_button,
            self.open_button,
            self.note_edit,
            self.note_button,
            self.follow_up,
            self.quick_answers.button,
        ):
            set_enabled(widget, row is not None)
        if row is None:
            self.header.setText(self.tr("Choose a chat to read it."))
            self.transcript.clear()
            return
        linked = bool(row.get("patron_id"))
        patron = (
            self.runner.read(Permission.READ_PATRONS, directory.get, row["patron_id"])
            if linked
            else None
        )
        contact = " · ".join(p for p in (row.get("visitor_email"), row.get("visitor_phone")) if p)
        title = self.tr("{visitor} on {service}, {when}").format(
            visitor=row.get("visitor_name") or self.tr("A visitor"),
            service=row["service"],
            when=local_moment(row["started_at"]),
        )
        if linked:
            status = self.tr("On the timeline of {name}").format(
                name=(patron or {}).get("name") or self.tr("a patron")
            )
        else:
            status = self.tr("Not linked to a patron yet")
        contact = contact or self.tr("No email or phone given")
        self.header.setText(
            f"<b>{escape(title)}</b><br>{escape(contact)}<br><i>{escape(status)}</i>"
        )
        # each message's time on the organization's clock, in its way
        text = formatting.transcript(row.get("shown_transcript") or "")
        if row.get("notes"):
            text += "\n\n" + self.tr("Staff notes:") + "\n" + row["notes"]
        if self.transcript.toPlainText() != text:
            self.transcript.setPlainText(text)
        self.link_button.setText(
            self.tr("Link to someone else…") if linked else self.tr("Link to patron…")
        )
        name = "flatButton" if linked else "primaryButton"
        if self.link_button.objectName() != name:
            self.link_button.setObjectName(name)
            self.link_button.style().unpolish(self.link_button)
            self.link_button.style().polish(self.link_button)
        self.create_button.setVisible(not linked)
        self.open_button.setVisible(linked)

    def link(self) -> LinkChatDialog | None:
        if self.row is None:
            return None
        dialog = LinkChatDialog(self.app, self.runner, self.row, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.linked.connect(lambda _pid: self.message.emit(self.tr("Chat linked.")))
        self.dialog = dialog
        dialog.open()
        return dialog

    def create_patron(self) -> PatronDialog | None:
        """Register the visitor as a patron (details from the chat) and link the chat."""
        if self.row is None:
            return None
        row = self.row
        dialog = PatronDialog(self.app, None, self)
        first, _, last = (row.get("visitor_name") or "").partition(" ")
        dialog.fields["first_name"].setText(first)
        dialog.fields["last_name"].setText(last)
        dialog.fields["email"].setText(row.get("visitor_email") or "")
        dialog.fields["phone"].setText(row.get("visitor_phone") or "")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda pid: self._link_to(row["id"], pid))
        dialog.open_existing.connect(lambda pid: self._link_to(row["id"], pid))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _link_to(self, chat_id: str, patron_id: str) -> int | None:
        return submit_command(
            self,
            lambda: partial(self.app.link_chat, chat_id, patron_id),
            lambda by_field: show_error(self.error, " ".join(by_field.values())),
            self.error,
            lambda _result: self.message.emit(self.tr("Chat linked.")),
            busy=(self.link_button, self.create_button),
        )

    def save_note(self) -> int | None:
        """Add the note on the writer worker; the field is cleared once it is recorded."""
        if self.row is None:
            return None

        def refused(text: str) -> None:
            show_error(self.error, text)
            self.note_edit.setFocus()

        day = self.follow_up_day.date().toPython() if self.follow_up.isChecked() else None
        chat_id = self.row["id"]
        return submit_command(
            self,
            lambda: partial(
                self.app.add_chat_note,
                chat_id,
                self.note_edit.toPlainText(),
                follow_up_on=day,
            ),
            lambda by_field: refused(" ".join(by_field.values())),
            refused,
            lambda _result: self._note_saved(),
            busy=(self.note_button, self.note_edit),
            busy_text=self.tr("Saving…"),
        )

    def _note_saved(self) -> None:
        show_error(self.error, "")
        self.note_edit.clear()
        self.follow_up.setChecked(False)
        self.message.emit(self.tr("Note saved."))
