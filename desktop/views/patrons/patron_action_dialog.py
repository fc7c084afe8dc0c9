"""The small dialogs of a patron's page share this frame: fields, payment, save.

Each subclass adds its fields with ``add_field`` and says what ``_command``
calls on the application service (read from the form on the GUI thread, run on
the writer worker while the dialog is busy); the frame shows the domain's
messages under the fields, keeps what was typed, and emits ``saved(result)``
once it is recorded.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.views.forms import submit_command
from desktop.views.widgets import dialog_buttons, error_label, show_error, show_field_errors
from domain.application import Houselights


class PatronActionDialog(QDialog):
    saved = Signal(object)

    def __init__(
        self,
        app: Houselights,
        patron: dict,
        title: str,
        intro: str,
        save_text: str,
        payments: dict[str, str],
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.app = app
        self.patron = patron
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        self.errors: dict[str, QLabel] = {}
        self.inputs: dict[str, QWidget] = {}
        self.general_error = error_label(self)

        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(14)
        self.grid.setVerticalSpacing(3)
        self.grid.setColumnStretch(0, 1)
        self._row = 0

        self.payment_buttons: dict[str, QRadioButton] = {}
        self.payment_group = QButtonGroup(self)
        self.payment_row = QHBoxLayout()
        for key, label in payments.items():
            radio = QRadioButton(label, self)
            radio.setObjectName(key)
            self.payment_group.addButton(radio)
            self.payment_buttons[key] = radio
            self.payment_row.addWidget(radio)
        self.payment_row.addStretch(1)
        if "card" in self.payment_buttons:
            self.payment_buttons["card"].setChecked(True)

        self.save_button, self.cancel_button, buttons = dialog_buttons(self, save_text, self.save)
        self.commit_button = self.save_button  # what needs the server

        heading = QLabel(intro, self)
        heading.setObjectName("muted")
        heading.setWordWrap(True)
        self._body = QVBoxLayout(self)
        self._body.setContentsMargins(24, 20, 24, 20)
        self._body.setSpacing(12)
        self._body.addWidget(heading)
        self._body.addWidget(self.general_error)
        self._body.addLayout(self.grid)
        self._buttons = buttons

    def add_field(
        self, key: str, caption: str, widget: QWidget, error_keys: tuple[str, ...] = ()
    ) -> QWidget:
        label = QLabel(caption, self)
        label.setObjectName("fieldLabel")
        label.setBuddy(widget)
        widget.setObjectName(key)
        self.grid.addWidget(label, self._row, 0)
        self.grid.addWidget(widget, self._row + 1, 0)
        error = error_label(self)
        self.grid.addWidget(error, self._row + 2, 0)
        for name in (key, *error_keys):
            self.errors[name] = error
        self.inputs[key] = widget
        self._row += 3
        return widget

    def finish(self) -> None:
        """Call at the end of the subclass's __init__: payment row and buttons."""
        if self.payment_buttons:
            label = QLabel(self.tr("Payment"), self)
            label.setObjectName("fieldLabel")
            self.grid.addWidget(label, self._row, 0)
            self.grid.addLayout(self.payment_row, self._row + 1, 0)
            error = error_label(self)
            self.grid.addWidget(error, self._row + 2, 0)
            self.errors["payment"] = error
            self._row += 3
        self._body.addStretch(1)
        self._body.addLayout(self._buttons)

    def payment(self) -> str:
        return next((p for p, r in self.payment_buttons.items() if r.isChecked()), "")

    # -- saving ------------------------------------------------------------------------
    def _command(self) -> Callable[[], object]:
        """The service call with the form's values (read here, on the GUI thread)."""
        raise NotImplementedError

    def save(self) -> int | None:
        """Hand the command to the writer; ``saved(result)`` and close once recorded.
        Returns the writer's job number (None: refused at once or already saving)."""
        for label in (*self.errors.values(), self.general_error):
            show_error(label, "")
        return submit_command(
            self,
            self._command,
            self.show_errors,
            self.general_error,
            self._saved,
            busy=(self.save_button, self.cancel_button),
            busy_text=self.tr("Saving…"),
        )

    def _saved(self, result: object) -> None:
        self.saved.emit(result)
        self.accept()

    def show_errors(self, by_field: dict[str, str]) -> None:
        show_field_errors(self.errors, self.general_error, by_field)
        for key, widget in self.inputs.items():
            if key in by_field or any(
                k in by_field for k, lbl in self.errors.items() if lbl is self.errors[key]
            ):
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
                break

    def error_text(self, key: str) -> str:
        label = self.errors.get(key, self.general_error)
        return label.text() if not label.isHidden() else ""
