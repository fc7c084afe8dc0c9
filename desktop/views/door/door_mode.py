"""Volunteer door mode: a door-only session that is left only with a PIN.

While it is on, the window shows the door alone: no navigation, no menus, no
patron records, sales or reports. The PIN is stored only as a salted hash
(``door/pin_hash``); whoever sets up the door chooses it the first time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

MIN_PIN = 4
_ROUNDS = 100_000


def hash_pin(pin: str, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(8)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt.encode(), _ROUNDS).hex()
    return f"{salt}${digest}"


def pin_matches(pin: str, stored: str) -> bool:
    if "$" not in (stored or ""):
        return False
    salt, _ = stored.split("$", 1)
    return hmac.compare_digest(hash_pin(pin, salt), stored)


class PinDialog(QDialog):
    """Choose a PIN (typed twice) or check the PIN; ``pin_hash`` after choosing."""

    def __init__(self, stored: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.stored = stored
        self.choosing = not stored
        self.pin_hash = stored
        self.setObjectName("pinDialog")
        self.setWindowTitle(self.tr("Volunteer door mode"))
        if self.choosing:
            text = self.tr(
                "Choose a PIN for leaving door mode (at least {n} digits or "
                "letters). Keep it with the box office staff."
            ).format(n=MIN_PIN)
        else:
            text = self.tr("Type the PIN to leave door mode.")
        intro = QLabel(text, self)
        intro.setWordWrap(True)
        self.pin_field = self._secret(self.tr("PIN"))
        self.again_field = self._secret(self.tr("The same PIN again"))
        self.again_field.setVisible(self.choosing)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("fieldError")
        self.error_label.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.try_accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.pin_field)
        layout.addWidget(self.again_field)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.pin_field.returnPressed.connect(self._pin_entered)
        self.again_field.returnPressed.connect(self.try_accept)
        self.resize(420, self.sizeHint().height())

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt API)
        """Enter belongs to the PIN fields (they say what it does), not to a default button."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            return
        super().keyPressEvent(event)

    def _pin_entered(self) -> None:
        if self.choosing and not self.again_field.text():
            self.again_field.setFocus()
        else:
            self.try_accept()

    def _secret(self, placeholder: str) -> QLineEdit:
        field = QLineEdit(self)
        field.setEchoMode(QLineEdit.EchoMode.Password)
        field.setPlaceholderText(placeholder)
        field.setAccessibleName(placeholder)
        return field

    def _refuse(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()
        self.pin_field.selectAll()
        self.pin_field.setFocus()

    def try_accept(self) -> None:
        pin = self.pin_field.text().strip()
        if self.choosing:
            if len(pin) < MIN_PIN:
                self._refuse(self.tr("The PIN needs at least {n} characters.").format(n=MIN_PIN))
                return
            if pin != self.again_field.text().strip():
                self._refuse(self.tr("The two PINs are not the same. Type them again."))
                return
            self.pin_hash = hash_pin(pin)
            self.accept()
            return
        if pin_matches(pin, self.stored):
            self.accept()
        else:
            self._refuse(self.tr("That PIN is not right."))
