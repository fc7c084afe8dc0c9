"""Log a call in seconds, from anywhere (Ctrl+L).

Keyboard only: Ctrl+L, type part of the name (or email, phone), Enter picks
the first match and moves on, Tab through direction, reason, outcome, notes
and the follow-up day, Ctrl+Enter logs the call. Someone new is registered
with the usual new-patron dialog without leaving this one. In the notes,
Ctrl+Space inserts a quick answer. The dialog holds no rule: it calls
``app.log_call`` and shows what the domain says under the field concerned.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from functools import partial

from PySide6.QtCore import QDate, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import formatting
from desktop.server_connection import needs_server
from desktop.views.box_office.sell_dialog import PatronFinder
from desktop.views.conversations.quick_answers import SHORTCUT, QuickAnswerInserter
from desktop.views.forms import submit_command
from desktop.views.patrons.patron_dialog import PatronDialog
from desktop.views.widgets import (
    dialog_buttons,
    error_label,
    placeholder,
    scrolling_body,
    show_error,
    show_field_errors,
)
from domain.application import Houselights
from domain.conversations import REASONS
from domain.roles import Permission
from projections import patron_directory as directory
from projections.runner import ReadModelRunner

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def outcome_labels(tr) -> dict[str, str]:
    return {
        "answered": tr("Answered their question"),
        "resolved": tr("Sorted out"),
        "left_message": tr("Left a message"),
        "no_answer": tr("No answer"),
        "call_back": tr("Needs a call back"),
    }


class CallDialog(QDialog):
    """``logged(result)`` after the call is saved: ``{"id", "follow_up_id", "patron"}``."""

    logged = Signal(dict)

    def __init__(
        self,
        app: Houselights,
        runner: ReadModelRunner,
        patron: dict | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.app = app
        self.runner = runner
        self.patron_dialog: PatronDialog | None = None
        self.setObjectName("callDialog")
        self.setWindowTitle(self.tr("Log a call"))
        self.setMinimumWidth(720)

        self.finder = PatronFinder(runner, self)
        self.finder.search_field.setObjectName("callPatronSearch")
        self.finder.search_field.setPlaceholderText(
            self.tr("Who is it? Type a name, email or phone, then Enter")
        )
        self.finder.table.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # Tab skips the list
        self.finder.table.setFixedHeight(4 * 30 + 30)
        self.finder.search_field.installEventFilter(self)
        self.finder.chosen_changed.connect(self._show_chosen)
        self.new_patron_button = needs_server(QPushButton(self.tr("&New patron…"), self))
        self.new_patron_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.new_patron_button.clicked.connect(lambda: self.new_patron())
        self.chosen_label = QLabel(self)
        self.chosen_label.setObjectName("subheading")

        self.direction = QComboBox(self)
        self.direction.setObjectName("direction")
        self.direction.addItem(self.tr("Incoming: they called us"), "incoming")
        self.direction.addItem(self.tr("Outgoing: we called them"), "outgoing")
        self.reason = QComboBox(self)
        self.reason.setObjectName("reason")
        self.reason.setEditable(True)
        self.reason.addItems([self.tr(r) for r in REASONS])
        self.reason.setCurrentIndex(-1)
        placeholder(self.reason, self.tr("Pick or type a short reason"))
        self.outcome = QComboBox(self)
        self.outcome.setObjectName("outcome")
        for key, words in outcome_labels(self.tr).items():
            self.outcome.addItem(words, key)
        self.outcome.currentIndexChanged.connect(self._outcome_changed)
        self.notes = QPlainTextEdit(self)
        self.notes.setObjectName("callNotes")
        self.notes.setTabChangesFocus(True)
        self.notes.setPlaceholderText(
            self.tr("What was said ({keys} inserts a quick answer)").format(keys=SHORTCUT)
        )
        self.notes.setFixedHeight(110)
        self.quick_answers = QuickAnswerInserter(self.notes, runner, self)
        self.follow_up = QCheckBox(self.tr("&Follow up on"), self)
        self.follow_up.setObjectName("followUp")
        self.follow_up_day = QDateEdit(self)
        self.follow_up_day.setObjectName("followUpDay")
        self.follow_up_day.setCalendarPopup(True)
        self.follow_up_day.setDisplayFormat(formatting.date_pattern(weekday=True))
        self.follow_up_day.setDate(QDate.currentDate().addDays(1))
        self.follow_up_day.setEnabled(False)
        self.follow_up.toggled.connect(self.follow_up_day.setEnabled)

        self.errors = {
            key: error_label(self) for key in ("direction", "reason", "outcome", "follow_up")
        }
        self.general_error = error_label(self)

        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(4)
        row = 0
        for caption, widget, key in (
            (self.tr("&Direction"), self.direction, "direction"),
            (self.tr("&Reason"), self.reason, "reason"),
            (self.tr("&Outcome"), self.outcome, "outcome"),
        ):
            label = QLabel(caption, self)
            label.setObjectName("fieldLabel")
            label.setBuddy(widget)
            grid.addWidget(label, row, 0)
            grid.addWidget(widget, row, 1)
            grid.addWidget(self.errors[key], row + 1, 1)
            row += 2
        notes_label = QLabel(self.tr("No&tes"), self)
        notes_label.setObjectName("fieldLabel")
        notes_label.setBuddy(self.notes)
        grid.addWidget(notes_label, row, 0, Qt.AlignmentFlag.AlignTop)
        notes_box = QVBoxLayout()
        notes_box.addWidget(self.notes)
        notes_tools = QHBoxLayout()
        notes_tools.addStretch(1)
        notes_tools.addWidget(self.quick_answers.button)
        notes_box.addLayout(notes_tools)
        grid.addLayout(notes_box, row, 1)
        row += 1
        follow = QHBoxLayout()
        follow.addWidget(self.follow_up)
        follow.addWidget(self.follow_up_day)
        follow.addStretch(1)
        grid.addLayout(follow, row, 1)
        grid.addWidget(self.errors["follow_up"], row + 1, 1)
        grid.setColumnStretch(1, 1)

        self.save_button, self.cancel_button, buttons = dialog_buttons(
            self, self.tr("Log call"), self.save
        )
        # Enter in a field never logs half a call: Ctrl+Enter (or the button) does.
        for button in (self.save_button, self.cancel_button):
            button.setDefault(False)
            button.setAutoDefault(False)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.save_button.setToolTip(self.tr("Ctrl+Enter"))
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(self.save)

        who = QHBoxLayout()
        who_label = QLabel(self.tr("&Patron"), self)
        who_label.setObjectName("fieldLabel")
        who_label.setBuddy(self.finder.search_field)
        who.addWidget(who_label)
        who.addStretch(1)
        who.addWidget(self.new_patron_button)
        layout, _scroll = scrolling_body(self, buttons, spacing=8)
        layout.addLayout(who)
        layout.addWidget(self.finder)
        layout.addWidget(self.chosen_label)
        layout.addLayout(grid)
        layout.addWidget(self.general_error)

        self.setTabOrder(self.finder.search_field, self.direction)
        self.setTabOrder(self.direction, self.reason)
        self.setTabOrder(self.reason, self.outcome)
        self.setTabOrder(self.outcome, self.notes)
        self.setTabOrder(self.notes, self.follow_up)
        self.setTabOrder(self.follow_up, self.follow_up_day)
        if patron:
            self.finder.show_patron(patron)
            self.direction.setFocus()
        else:
            self.finder.search_field.setFocus()
        self._show_chosen()

    # -- the patron -------------------------------------------------------------------
    def chosen(self) -> dict | None:
        return self.finder.chosen()

    def _show_chosen(self) -> None:
        row = self.finder.chosen() if not self.finder._timer.isActive() else None
        if row is None:
            self.chosen_label.setText(self.tr("No patron chosen yet."))
            return
        contact = " · ".join(p for p in (row.get("email"), row.get("phone")) if p)
        self.chosen_label.setText(
            self.tr("Call with {name}").format(name=row.get("name") or self.tr("(no name)"))
            + (f"  ({contact})" if contact else "")
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        ctrl = Qt.KeyboardModifier.ControlModifier
        if (
            watched is self.finder.search_field
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in _ENTER
            and not event.modifiers() & ctrl
        ):
            self.finder.run_search()
            if self.finder.chosen() is not None:
                self.direction.setFocus(Qt.FocusReason.TabFocusReason)
            return True
        return super().eventFilter(watched, event)

    def new_patron(self) -> PatronDialog:
        """Register someone new (their name as typed in the search), then log their call."""
        dialog = PatronDialog(self.app, None, self)
        typed = self.finder.search_field.text().strip()
        if typed and "@" not in typed and not any(c.isdigit() for c in typed):
            first, _, last = typed.partition(" ")
            dialog.fields["first_name"].setText(first)
            dialog.fields["last_name"].setText(last)
        elif "@" in typed:
            dialog.fields["email"].setText(typed)
        elif typed:
            dialog.fields["phone"].setText(typed)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._patron_created)
        dialog.open_existing.connect(self._patron_created)
        self.patron_dialog = dialog
        dialog.open()
        return dialog

    def _patron_created(self, patron_id: str) -> None:
        row = self.runner.read(Permission.READ_PATRONS, directory.get, patron_id)
        if row is None:  # the read models have not caught up yet
            row = self.app.get_patron(patron_id).to_json()
        self.finder.show_patron(row)
        self.direction.setFocus()

    # -- the call ----------------------------------------------------------------------
    def _outcome_changed(self, _index: int) -> None:
        if self.outcome.currentData() == "call_back" and not self.follow_up.isChecked():
            self.follow_up.setChecked(True)
            self.follow_up_day.setDate(QDate.currentDate().addDays(1))

    def follow_up_on(self) -> date | None:
        if not self.follow_up.isChecked():
            return None
        day = self.follow_up_day.date()
        return date(day.year(), day.month(), day.day())

    def save(self) -> int | None:
        """Log the call on the writer worker (the dialog busy meanwhile); ``logged`` and
        close once recorded. Returns the writer's job number (None: nothing was sent)."""
        for label in (*self.errors.values(), self.general_error):
            show_error(label, "")
        patron = self.chosen()
        if patron is None:
            show_error(
                self.general_error,
                self.tr(
                    "Choose who called first: type their name and press Enter, or register them "
                    "with New patron…"
                ),
            )
            self.finder.search_field.setFocus()
            return None
        return submit_command(
            self,
            lambda: partial(
                self.app.log_call,
                patron["id"],
                self.direction.currentData(),
                self.reason.currentText(),
                self.outcome.currentData(),
                self.notes.toPlainText(),
                follow_up_on=self.follow_up_on(),
            ),
            lambda by_field: show_field_errors(self.errors, self.general_error, by_field),
            self.general_error,
            lambda result: self._logged({**asdict(result), "patron": patron}),
            busy=(self.save_button, self.cancel_button),
            busy_text=self.tr("Saving…"),
        )

    def _logged(self, result: dict) -> None:
        self.logged.emit(result)
        self.accept()
