"""Staff accounts (managers; everyone while there are none yet): add an account,
change a role, deactivate. The application service checks every change.

Creating the very first account signs its manager in, since from then on every
change needs someone signed in.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.export import add_export
from desktop.models.base import ROW_ROLE, SortProxy
from desktop.models.staff_table import StaffModel
from desktop.server_connection import needs_server
from desktop.views.forms import submit_action
from desktop.views.widgets import error_label, heading, show_error, size_columns, table_view
from domain.application import Houselights
from domain.roles import MANAGER, ROLE_LABELS, ROLES
from domain.staff_service import StaffInfo


class StaffDialog(QDialog):
    #: accounts changed (or the first manager signed in): the window re-applies roles
    changed = Signal()

    def __init__(self, app: Houselights, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.setWindowTitle(self.tr("Staff accounts"))
        self.resize(760, 560)

        self.model = StaffModel(self)
        self.proxy = SortProxy(self.model, self)
        self.table = table_view(self)
        self.table.setObjectName("staffTable")
        self.table.setModel(self.proxy)
        size_columns(
            self.table,
            {StaffModel.ROLE: 140, StaffModel.SIGN_IN: 170, StaffModel.STATE: 110},
            stretch=StaffModel.NAME,
        )
        self.export_button = QPushButton(self.tr("Export…"), self)
        add_export(self.table, self.export_button, suggested_name=self.tr("staff") + ".csv")

        self.name_field = QLineEdit(self)
        self.role_box = QComboBox(self)
        for role in ROLES:
            self.role_box.addItem(self.tr(ROLE_LABELS[role]), role)
        self.password_field = QLineEdit(self)
        self.password_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_field.setPlaceholderText(self.tr("8 characters or more"))
        self.pin_field = QLineEdit(self)
        self.pin_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_field.setPlaceholderText(self.tr("door volunteers: 4 to 8 digits"))
        self.add_button = needs_server(QPushButton(self.tr("Add account"), self))
        self.add_button.setObjectName("primaryButton")
        self.add_button.clicked.connect(self.add)
        self.role_button = needs_server(QPushButton(self.tr("Give selected this role"), self))
        self.role_button.clicked.connect(self.change_role)
        self.deactivate_button = needs_server(QPushButton(self.tr("Deactivate selected"), self))
        self.deactivate_button.clicked.connect(self.deactivate)
        self.unlock_button = needs_server(QPushButton(self.tr("Unlock selected"), self))
        self.unlock_button.setObjectName("unlockButton")
        self.unlock_button.setToolTip(
            self.tr("An account is locked after 10 wrong passwords or PINs in a row")
        )
        self.unlock_button.clicked.connect(self.unlock)
        self.error = error_label(self)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.intro.setObjectName("muted")

        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name_field)
        form.addRow(self.tr("Role"), self.role_box)
        form.addRow(self.tr("Password"), self.password_field)
        form.addRow(self.tr("Door PIN"), self.pin_field)
        top = QHBoxLayout()
        top.addWidget(heading(self.tr("Staff accounts"), self))
        top.addStretch(1)
        top.addWidget(self.export_button)
        actions = QHBoxLayout()
        actions.addWidget(self.role_button)
        actions.addWidget(self.deactivate_button)
        actions.addWidget(self.unlock_button)
        actions.addStretch(1)
        actions.addWidget(self.add_button)
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(actions)
        layout.addLayout(bottom)
        self.refresh()

    def refresh(self) -> None:
        members = self.app.list_staff()
        self.model.set_rows(members)
        self.intro.setText(
            self.tr(
                "Everyone is signed in as a manager until the first account exists. "
                "Start with your own manager account."
            )
            if not members
            else self.tr(
                "Each person signs in with their own account; what they record carries their name."
            )
        )

    def _selected(self) -> StaffInfo | None:
        index = self.table.currentIndex()
        return index.siblingAtColumn(0).data(ROW_ROLE) if index.isValid() else None

    def _run(self, change, then=None) -> int | None:
        """``change`` on the writer worker, the buttons busy; then the list again."""

        def done(_result) -> None:
            show_error(self.error, "")
            self.refresh()
            self.changed.emit()
            if then is not None:
                then()

        return submit_action(
            self,
            change,
            done,
            self.error,
            busy=(self.add_button, self.role_button, self.deactivate_button, self.unlock_button),
        )

    def add(self) -> None:
        first = not self.app.accounts_exist()
        name, role = self.name_field.text(), self.role_box.currentData()
        password, pin = self.password_field.text(), self.pin_field.text()
        if first and role != MANAGER:
            show_error(self.error, self.tr("The first account must be a manager's."))
            return

        def change():
            self.app.add_staff(name, role, password=password or None, pin=pin or None)
            if first:  # from now on changes need someone signed in: the new manager
                self.app.sign_in(name, password=password)

        def clear() -> None:
            for field in (self.name_field, self.password_field, self.pin_field):
                field.clear()

        self._run(change, clear)

    def change_role(self) -> None:
        row = self._selected()
        if row is not None:
            self._run(partial(self.app.change_staff_role, row.id, self.role_box.currentData()))

    def deactivate(self) -> None:
        row = self._selected()
        if row is not None:
            self._run(partial(self.app.deactivate_staff, row.id))

    def unlock(self) -> None:
        row = self._selected()
        if row is not None:
            self._run(partial(self.app.unlock_staff, row.id))
