"""Forgot the ticket? Find tonight's ticket holder by name and admit their tickets.

Only people holding tickets for the chosen performance can be found here, and
only their name and tickets are shown: the door browses no patron records.
Admitting goes through the same door check as a scan, ticket by ticket.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import formatting
from domain.roles import Permission
from projections import door
from projections.runner import ReadModelRunner

HOLDER_ROLE = Qt.ItemDataRole.UserRole + 1


class DoorLookupDialog(QDialog):
    #: the codes to admit, chosen by the volunteer
    admit_requested = Signal(list)

    def __init__(self, runner: ReadModelRunner, performance_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.performance_id = performance_id
        self.setWindowTitle(self.tr("Find a ticket by name"))
        self.setObjectName("doorLookup")
        self.resize(560, 460)
        intro = QLabel(
            self.tr(
                "Type the name they booked under. Only tonight's ticket holders are found here."
            ),
            self,
        )
        intro.setWordWrap(True)
        intro.setObjectName("muted")
        self.search_field = QLineEdit(self)
        self.search_field.setObjectName("searchField")
        self.search_field.setPlaceholderText(self.tr("Name, e.g. Lovelace"))
        self.search_field.setAccessibleName(self.tr("Name of the ticket holder"))
        self.results = QListWidget(self)
        self.results.setObjectName("holderList")
        self.results.setAccessibleName(self.tr("Ticket holders found"))
        self.status_label = QLabel(self)
        self.status_label.setObjectName("muted")
        self.admit_button = QPushButton(self.tr("Admit their tickets"), self)
        self.admit_button.setObjectName("primaryButton")
        self.admit_button.setEnabled(False)
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status_label, 1)
        buttons.addWidget(close)
        buttons.addWidget(self.admit_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 18)
        layout.setSpacing(10)
        layout.addWidget(intro)
        layout.addWidget(self.search_field)
        layout.addWidget(self.results, 1)
        layout.addLayout(buttons)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(120)
        self._debounce.timeout.connect(self.run_search)
        self.search_field.textChanged.connect(lambda _text: self._debounce.start())
        self.search_field.returnPressed.connect(self._enter)
        self.results.currentItemChanged.connect(self._chosen)
        self.results.itemActivated.connect(lambda _item: self.admit())
        self.admit_button.clicked.connect(self.admit)

    def run_search(self) -> None:
        self._debounce.stop()
        text = self.search_field.text()
        holders = self.runner.read(
            Permission.DOOR_CHECK, door.ticket_holders, self.performance_id, text
        )
        self.results.clear()
        for holder in holders:
            waiting = [
                t for t in holder["tickets"] if t["status"] == "valid" and not t["admitted_door"]
            ]
            count = len(holder["tickets"])
            tickets = (
                self.tr("1 ticket")
                if count == 1
                else self.tr("{count} tickets").format(count=formatting.number(count))
            )
            line = self.tr("{name} — {tickets}, {waiting} still to come in").format(
                name=holder["name"], tickets=tickets, waiting=formatting.number(len(waiting))
            )
            item = QListWidgetItem(line)
            item.setData(HOLDER_ROLE, [t["code"] for t in waiting])
            self.results.addItem(item)
        if not text.strip():
            self.status_label.setText("")
        elif not holders:
            self.status_label.setText(self.tr("No ticket holder tonight with that name."))
        else:
            self.status_label.setText(self.tr("{count} found").format(count=len(holders)))
        if holders:
            self.results.setCurrentRow(0)
        self._chosen(self.results.currentItem(), None)

    def _chosen(self, item, _previous) -> None:
        codes = item.data(HOLDER_ROLE) if item is not None else []
        self.admit_button.setEnabled(bool(codes))
        self.admit_button.setText(
            (
                self.tr("Admit 1 ticket")
                if len(codes) == 1
                else self.tr("Admit {count} tickets").format(count=formatting.number(len(codes)))
            )
            if codes
            else self.tr("Admit their tickets")
        )

    def _enter(self) -> None:
        if self._debounce.isActive():
            self.run_search()
        self.admit()

    def admit(self) -> None:
        item = self.results.currentItem()
        codes = item.data(HOLDER_ROLE) if item is not None else []
        if codes:
            self.admit_requested.emit(list(codes))
            self.accept()
