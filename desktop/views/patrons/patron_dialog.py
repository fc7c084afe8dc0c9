"""Registering a new patron, or editing one: inline checks, duplicate warnings.

The dialog checks nothing itself. It calls the application service and shows
what the domain says: each ``InvalidInput`` message in red under its field,
and a ``PossibleDuplicate`` as a panel listing the patrons already on file
with "Open existing" and "Save anyway".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFrame,
    QGridLayout,
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

from desktop.server_connection import needs_server
from desktop.views.forms import read_later, submit_command
from desktop.views.widgets import (
    dialog_buttons,
    error_label,
    scrolling_body,
    show_error,
    show_field_errors,
)
from domain.application import Houselights
from domain.errors import (
    PossibleDuplicate,
)
from domain.patron_match import PatronMatch

ADDRESS_FIELDS = ("street", "city", "region", "postal_code", "country")
TEXT_FIELDS = ("first_name", "last_name", "email", "phone", *ADDRESS_FIELDS, "interests")


def split_interests(text: str) -> list[str]:
    """'opera, jazz' -> ['opera', 'jazz'] (the domain cleans and de-duplicates)."""
    return [part.strip() for part in text.split(",") if part.strip()]


class DuplicatePanel(QFrame):
    """Patrons already on file with this email or phone."""

    open_requested = Signal(str)
    save_anyway_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("warningPanel")
        self.message = QLabel(self)
        self.message.setObjectName("warningText")
        self.message.setWordWrap(True)
        self.matches = QListWidget(self)
        self.matches.setObjectName("duplicateList")
        self.matches.itemDoubleClicked.connect(lambda item: self._open(item))
        self.open_button = QPushButton(self.tr("Open existing"), self)
        self.open_button.clicked.connect(lambda: self._open(self.matches.currentItem()))
        self.save_anyway_button = needs_server(QPushButton(self.tr("Save anyway"), self))
        self.save_anyway_button.setToolTip(
            self.tr("It is a different person: save them as a new record")
        )
        self.save_anyway_button.clicked.connect(self.save_anyway_requested)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.save_anyway_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(8)
        layout.addWidget(self.message)
        layout.addWidget(self.matches)
        layout.addLayout(buttons)
        self.hide()

    def show_matches(self, matches: list[PatronMatch], message: str, can_save_anyway: bool) -> None:
        self.message.setText(message)
        self.matches.clear()
        for match in matches:
            reason = {"email": self.tr("same email"), "phone": self.tr("same phone")}.get(
                match.reason, ""
            )
            details = " · ".join(p for p in (match.email, match.phone, reason) if p)
            item = QListWidgetItem(f"{match.name}    {details}")
            item.setData(Qt.ItemDataRole.UserRole, match.id)
            self.matches.addItem(item)
        self.matches.setCurrentRow(0)
        rows = min(len(matches), 4)
        self.matches.setFixedHeight(rows * 30 + 8)
        self.save_anyway_button.setVisible(can_save_anyway)
        self.show()

    @property
    def is_warning(self) -> bool:
        return self.isVisible() and self.save_anyway_button.isVisible()

    def _open(self, item: QListWidgetItem | None) -> None:
        item = item or self.matches.item(0)
        if item is not None:
            self.open_requested.emit(item.data(Qt.ItemDataRole.UserRole))


class PatronDialog(QDialog):
    """``PatronDialog(app)`` registers a patron; ``PatronDialog(app, row)`` edits one.

    ``row`` is the patron's patron-directory row. Editing sends only what was
    changed in the dialog, so a change made meanwhile on another workstation
    is not overwritten with what this one showed.
    """

    #: the patron was saved (their id)
    saved = Signal(str)
    #: the user chose to open a patron already on file instead (their id)
    open_existing = Signal(str)

    def __init__(self, app: Houselights, row: dict | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.row = dict(row) if row else None
        self.patron_id: str | None = self.row["id"] if self.row else None
        #: duplicate checks handed to the writer and not answered yet
        self.matches_asked = 0
        self.setObjectName("patronDialog")
        self.setWindowTitle(
            self.tr("Edit {name}").format(name=self.row["name"])
            if self.row
            else self.tr("New patron")
        )
        self.setMinimumWidth(620)

        self.fields: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}

        self.general_error = error_label(self)
        self.duplicates = DuplicatePanel(self)
        self.duplicates.open_requested.connect(self._open_existing)
        self.duplicates.save_anyway_requested.connect(lambda: self.save(allow_duplicate=True))

        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(4)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        row_no = 0

        def section(title: str) -> None:
            nonlocal row_no
            label = QLabel(title, self)
            label.setObjectName("sectionTitle")
            grid.addWidget(label, row_no, 0, 1, 2)
            row_no += 1

        def field(key: str, label: str, column: int, span: int = 1, hint: str = "") -> QLineEdit:
            box = QVBoxLayout()
            box.setSpacing(3)
            caption = QLabel(label, self)
            caption.setObjectName("fieldLabel")
            edit = QLineEdit(self)
            edit.setObjectName(key)
            if hint:
                edit.setPlaceholderText(hint)
            caption.setBuddy(edit)
            box.addWidget(caption)
            box.addWidget(edit)
            self.fields[key] = edit
            grid.addLayout(box, row_no, column, 1, span)
            return edit

        def errors_row(*keys: str) -> None:
            nonlocal row_no
            for column, key in enumerate(keys):
                label = error_label(self)
                self.errors[key] = label
                grid.addWidget(label, row_no, column, 1, 2 if len(keys) == 1 else 1)
            row_no += 1

        section(self.tr("Name"))
        field("first_name", self.tr("&First name"), 0)
        field("last_name", self.tr("&Last name"), 1)
        row_no += 1
        errors_row("name")

        section(self.tr("Contact"))
        field("email", self.tr("&Email"), 0, hint=self.tr("name@example.org"))
        field("phone", self.tr("&Phone"), 1, hint=self.tr("555-123-4567"))
        row_no += 1
        errors_row("email", "phone")
        self.email_consent = QCheckBox(self.tr("Happy to receive news by email"), self)
        self.email_consent.setObjectName("email_consent")
        grid.addWidget(self.email_consent, row_no, 0, 1, 2)
        row_no += 1

        section(self.tr("Address"))
        field("street", self.tr("&Street"), 0, span=2)
        row_no += 1
        field("city", self.tr("&City"), 0)
        field("region", self.tr("&Region"), 1)
        row_no += 1
        field("postal_code", self.tr("P&ostal code"), 0)
        field("country", self.tr("Co&untry"), 1)
        row_no += 1
        errors_row("address")

        section(self.tr("Interests and household"))
        field(
            "interests",
            self.tr("&Interests, separated by commas"),
            0,
            span=2,
            hint=self.tr("opera, jazz, wheelchair access"),
        )
        row_no += 1
        errors_row("tags")
        household_label = QLabel(self.tr("&Household"), self)
        household_label.setObjectName("fieldLabel")
        self.household = QPlainTextEdit(self)
        self.household.setObjectName("household")
        self.household.setPlaceholderText(
            self.tr("Who they come with, who else lives there, anything that helps")
        )
        self.household.setTabChangesFocus(True)
        self.household.setFixedHeight(64)
        household_label.setBuddy(self.household)
        grid.addWidget(household_label, row_no, 0, 1, 2)
        grid.addWidget(self.household, row_no + 1, 0, 1, 2)
        row_no += 2
        errors_row("household")

        self.save_button, self.cancel_button, buttons = dialog_buttons(
            self, self.tr("Save"), self.save
        )

        layout, self.scroll_area = scrolling_body(self, buttons)
        layout.addWidget(self.general_error)
        layout.addLayout(grid)
        layout.addWidget(self.duplicates)
        layout.addStretch(1)

        self.fields["email"].editingFinished.connect(self.check_contact_matches)
        self.fields["phone"].editingFinished.connect(self.check_contact_matches)
        if self.row:
            self._fill(self.row)
        self._original = self.values()
        self.fields["first_name"].setFocus()

    # -- values ---------------------------------------------------------------
    def _fill(self, row: dict) -> None:
        for key in ("first_name", "last_name", "email", "phone", *ADDRESS_FIELDS):
            self.fields[key].setText(row.get(key) or "")
        self.fields["interests"].setText(row.get("tags") or "")
        self.email_consent.setChecked(bool(row.get("email_consent")))
        self.household.setPlainText(row.get("household") or "")

    def values(self) -> dict:
        """What is typed in the dialog, as the application service takes it."""
        text = {key: edit.text() for key, edit in self.fields.items()}
        return {
            "first_name": text["first_name"],
            "last_name": text["last_name"],
            "email": text["email"],
            "phone": text["phone"],
            "address": {key: text[key] for key in ADDRESS_FIELDS},
            "email_consent": self.email_consent.isChecked(),
            "tags": split_interests(text["interests"]),
            "household": self.household.toPlainText(),
        }

    def changed_values(self) -> dict:
        now = self.values()
        return {key: value for key, value in now.items() if value != self._original[key]}

    # -- saving -----------------------------------------------------------------
    def _likely_duplicate(self, error: PossibleDuplicate) -> None:
        self.duplicates.show_matches(
            error.matches,
            self.tr(
                "This looks like someone already on file. Open the existing record, "
                "or save anyway if it is a different person."
            ),
            can_save_anyway=True,
        )
        self.duplicates.open_button.setFocus()
        self.scroll_area.ensureWidgetVisible(self.duplicates)  # seen on a short screen

    def save(self, allow_duplicate: bool = False) -> int | None:
        """Save through the application service on the writer worker (the dialog busy
        meanwhile); once recorded, close and emit ``saved``. Returns the writer's job
        number (None: nothing was sent)."""
        self.clear_errors()
        likely_duplicate: dict[type[Exception], Callable[[Any], object]] = {
            PossibleDuplicate: self._likely_duplicate
        }
        return submit_command(
            self,
            lambda: self._command(allow_duplicate),
            self.show_errors,
            self.general_error,
            self._saved,
            likely_duplicate,
            busy=self._busy_widgets(),
            busy_text=self.tr("Saving…"),
        )

    def _busy_widgets(self) -> tuple:
        return (self.save_button, self.cancel_button, self.duplicates.save_anyway_button)

    def _saved(self, patron_id: str) -> None:
        self.saved.emit(patron_id)
        self.accept()

    def _command(self, allow_duplicate: bool) -> Callable[[], str]:
        """The service calls with what is typed (read here, on the GUI thread)."""
        app, patron_id = self.app, self.patron_id
        if patron_id is None:
            values = self.values()
            return lambda: app.register_patron(**values, allow_duplicate=allow_duplicate)
        changes = self.changed_values()
        tags = changes.pop("tags", None)
        household = changes.pop("household", None)

        def update() -> str:
            if changes:
                app.update_contact(patron_id, allow_duplicate=allow_duplicate, **changes)
            if tags is not None:
                app.set_tags(patron_id, tags)
            if household is not None:
                app.set_household(patron_id, household)
            return patron_id

        return update

    # -- showing what the domain said ---------------------------------------------
    def clear_errors(self) -> None:
        for label in self.errors.values():
            show_error(label, "")
        show_error(self.general_error, "")
        if self.duplicates.is_warning:
            self.duplicates.hide()

    def show_errors(self, by_field: dict[str, str]) -> None:
        show_field_errors(self.errors, self.general_error, by_field)
        first = next((k for k in ("name", "email", "phone") if k in by_field), "")
        target = {"name": "first_name"}.get(first, first)
        if target in self.fields:
            self.fields[target].setFocus(Qt.FocusReason.OtherFocusReason)

    def error_text(self, key: str) -> str:
        label = self.errors.get(key)
        return label.text() if label is not None and label.isVisible() else ""

    def check_contact_matches(self) -> int | None:
        """Leaving the email or phone field: say so as soon as it is already on file.

        The store is asked off the GUI thread (``read_later``), so a slow server
        never freezes the form; the answer is shown only if the email and phone are
        still what was asked about. Returns the writer's job number (None: nothing
        to ask)."""
        if self.duplicates.is_warning:
            return None
        asked = self._contact_typed()
        email, phone = asked
        if self.row is not None:  # only what this edit adds can be new
            email = "" if email.strip().lower() == (self.row.get("email") or "") else email
            phone = "" if phone.strip() == (self.row.get("phone") or "") else phone
        if not email.strip() and not phone.strip():
            self._contact_matches(asked, [])
            return None
        app, exclude = self.app, self.patron_id
        self.matches_asked += 1

        def answered(matches: list[PatronMatch]) -> None:
            self.matches_asked -= 1
            self._contact_matches(asked, matches)

        def failed(_error: BaseException) -> None:
            self.matches_asked -= 1  # saving checks again, and says so if it is one

        return read_later(
            self, lambda: app.find_contact_matches(email, phone, exclude=exclude), answered, failed
        )

    def _contact_typed(self) -> tuple[str, str]:
        return self.fields["email"].text(), self.fields["phone"].text()

    @property
    def checking_matches(self) -> bool:
        """The store has not answered every duplicate check yet."""
        return self.matches_asked > 0

    def _contact_matches(self, asked: tuple[str, str], matches: list[PatronMatch]) -> None:
        if self._contact_typed() != asked or self.duplicates.is_warning:
            return  # typed on since (its own check follows), or saving said more
        if matches:
            self.duplicates.show_matches(
                matches,
                self.tr("Already on file with this email or phone. Is it the same person?"),
                can_save_anyway=False,
            )
            self.scroll_area.ensureWidgetVisible(self.duplicates)
        else:
            self.duplicates.hide()

    def _open_existing(self, patron_id: str) -> None:
        self.open_existing.emit(patron_id)
        self.reject()
