"""Sign in: a name and a password (staff) or a door PIN (volunteers).

Shown at start once the store has staff accounts, and from File → Switch user.
The application service checks the argon2 hash and, from then on, records the
signed-in person on every event and enforces their role.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop.views.forms import submit_command
from desktop.views.widgets import dialog_buttons, error_label, show_error
from domain.application import Houselights
from domain.staff_service import StaffInfo


class SignInDialog(QDialog):
    def __init__(self, app: Houselights, parent: QWidget | None = None, name: str = ""):
        super().__init__(parent)
        self.app = app
        self.account: StaffInfo | None = None
        self.setWindowTitle(self.tr("Sign in to Houselights"))
        self.setMinimumWidth(420)
        intro = QLabel(
            self.tr("Sign in with your name and password. Door volunteers can use their door PIN."),
            self,
        )
        intro.setWordWrap(True)
        self.intro = intro
        self.name_field = QLineEdit(name, self)
        self.name_field.setObjectName("signInName")
        self.secret_field = QLineEdit(self)
        self.secret_field.setObjectName("signInSecret")
        self.secret_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = error_label(self)
        self.sign_in_button, self.cancel_button, buttons = dialog_buttons(
            self, self.tr("Sign in"), self.sign_in, server=False
        )  # tried even while the door is offline: the door sends its scans after a sign-in
        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name_field)
        form.addRow(self.tr("Password or PIN"), self.secret_field)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        (self.secret_field if name else self.name_field).setFocus()

    def _check(self, name: str, secret: str) -> StaffInfo:
        return self.app.sign_in(name, password=secret, pin=secret)

    def sign_in(self) -> int | None:
        """Check the password on the writer worker (the dialog busy meanwhile: checking
        a password hash takes a moment, and a failed try is recorded); accepted once
        it matches. Returns the writer's job number (None: already checking)."""
        return submit_command(
            self,
            lambda: partial(self._check, self.name_field.text(), self.secret_field.text()),
            lambda by_field: self._refused(" ".join(by_field.values())),
            self._refused,
            self._signed_in,
            busy=(self.sign_in_button, self.cancel_button, self.name_field, self.secret_field),
            busy_text=self.tr("Checking…"),
        )

    def _signed_in(self, account: StaffInfo) -> None:
        self.account = account
        self.accept()

    def _refused(self, text: str) -> None:
        show_error(self.error, text)
        self.secret_field.clear()
        self.secret_field.setFocus()


class DoorUnlockDialog(SignInDialog):
    """Leaving volunteer door mode on a store with staff accounts: a manager or a
    box-office member signs in with their password and takes the workstation back."""

    def __init__(self, app: Houselights, parent: QWidget | None = None):
        super().__init__(app, parent)
        self.setObjectName("doorUnlockDialog")
        self.setWindowTitle(self.tr("Leave door mode"))
        self.intro.setText(
            self.tr(
                "A manager or box office staff member signs in with their password to "
                "leave door mode. A door PIN does not open it."
            )
        )
        self.sign_in_button.setText(self.tr("Leave door mode"))

    def _check(self, name: str, secret: str) -> StaffInfo:
        return self.app.leave_door_mode(name, secret)
