"""Calls & chats → Duty rota: who answers chat and phone, as a weekly grid (issue 23).

The grid has a column per weekday and a row per hour; a cell names who is on duty
in that hour (blue: chat and phone, green: chat, amber: phone) and an empty cell is
a gap. Select hours (in one or several columns), choose who (a staff account from
the list, or a volunteer's name typed in), the duty and the times, and press "Put on
duty". Slots are listed under the grid, where one is taken off again. Only a manager
changes the rota; the service refuses anyone else (and the form says so).

The dialog holds no rule: the rota's rules (an end before the start, an overlap for
the same person, an unknown account) are the service's, and their messages are
shown under the form with nothing lost.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.export import add_export
from desktop.models.base import RowTableModel, SortProxy
from desktop.server_connection import needs_server, set_enabled
from desktop.views.forms import submit_command
from desktop.views.widgets import error_label, heading, placeholder, size_columns, table_view
from domain.application import Houselights
from domain.roles import MANAGER, Permission
from domain.rota import BOTH, CHAT, PHONE, answers, parse_time
from projections import support
from projections.runner import ReadModelRunner

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SHADES = {BOTH: "#cfe0f1", CHAT: "#d5ecd9", PHONE: "#f7e3bd"}
TIMES = [f"{m // 60:02d}:{m % 60:02d}" for m in range(0, 24 * 60 + 1, 30)]


class RotaTableModel(RowTableModel):
    DAY, FROM, TO, DUTY, WHO = range(5)

    def headers(self) -> list[str]:
        return [self.tr("Day"), self.tr("From"), self.tr("To"), self.tr("Duty"), self.tr("Who")]

    def display(self, row: dict, column: int) -> str:
        if column == self.DAY:
            return self.tr(DAYS[row["weekday"]])
        if column == self.FROM:
            return row["starts"]
        if column == self.TO:
            return row["ends"]
        if column == self.DUTY:
            return duty_label(self, row["duty"])
        if column == self.WHO:
            return (
                row["name"]
                if row["staff_id"]
                else self.tr("{name} (volunteer)").format(name=row["name"])
            )
        return ""

    def sort_value(self, row: dict, column: int):
        if column == self.DAY:
            return f"{row['weekday']}|{row['starts']}"
        return super().sort_value(row, column)


def duty_label(obj, duty: str) -> str:
    return {CHAT: obj.tr("Chat"), PHONE: obj.tr("Phone"), BOTH: obj.tr("Chat and phone")}.get(
        duty, duty
    )


class RotaDialog(QDialog):
    #: the rota was changed here (a message for the status bar)
    changed = Signal(str)

    def __init__(self, app: Houselights, runner: ReadModelRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.runner = runner
        self.slots: list[dict] = []
        self.setObjectName("rotaDialog")
        self.setWindowTitle(self.tr("Duty rota"))
        self.resize(1000, 680)

        hint = QLabel(
            self.tr(
                "Who answers chat and phone, week by week. Select hours in the grid (drag across "
                "days for the same hours on several days), say who and which duty, then press "
                "Put on duty. An empty cell is a gap: nobody answers then."
            ),
            self,
        )
        hint.setWordWrap(True)
        hint.setObjectName("muted")

        self.grid = QTableWidget(24, 7, self)
        self.grid.setObjectName("rotaGrid")
        self.grid.setHorizontalHeaderLabels([self.tr(d) for d in DAYS])
        self.grid.setVerticalHeaderLabels([f"{h:02d}:00" for h in range(24)])
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.grid.verticalHeader().setDefaultSectionSize(26)
        self.grid.setWordWrap(False)
        self.grid.itemSelectionChanged.connect(self._selection_changed)

        # -- the form: who, duty, when ---------------------------------------------------
        self.who = QComboBox(self)
        self.who.setObjectName("rotaWho")
        self.who.setEditable(True)
        self.who.setMinimumWidth(220)
        placeholder(self.who, self.tr("Staff account or volunteer's name"))
        self.duty = QComboBox(self)
        self.duty.setObjectName("rotaDuty")
        for key in (CHAT, PHONE, BOTH):
            self.duty.addItem(duty_label(self, key), key)
        self.starts = QComboBox(self)
        self.ends = QComboBox(self)
        for box, name in ((self.starts, "rotaStarts"), (self.ends, "rotaEnds")):
            box.setObjectName(name)
            box.setEditable(True)
            box.addItems(TIMES)
        self.starts.setCurrentText("10:00")
        self.ends.setCurrentText("14:00")
        self.days_label = QLabel(self)
        self.days_label.setObjectName("rotaDays")
        self.add_button = needs_server(QPushButton(self.tr("Put on duty"), self))
        self.add_button.setObjectName("rotaAdd")
        self.add_button.setDefault(True)
        self.add_button.clicked.connect(self.put_on_duty)
        self.message = error_label(self)
        self.message.setObjectName("rotaMessage")

        form = QHBoxLayout()
        form.addWidget(QLabel(self.tr("Who:"), self))
        form.addWidget(self.who, 2)
        form.addWidget(QLabel(self.tr("Duty:"), self))
        form.addWidget(self.duty)
        form.addWidget(QLabel(self.tr("From"), self))
        form.addWidget(self.starts)
        form.addWidget(QLabel(self.tr("to"), self))
        form.addWidget(self.ends)
        form.addWidget(self.add_button)

        # -- the slots ---------------------------------------------------------------------
        self.model = RotaTableModel(self)
        self.proxy = SortProxy(self.model, self)
        self.table = table_view(self)
        self.table.setObjectName("rotaSlots")
        self.table.setModel(self.proxy)
        r = RotaTableModel
        size_columns(self.table, {r.DAY: 130, r.FROM: 80, r.TO: 80, r.DUTY: 150}, stretch=r.WHO)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._enable())
        self.remove_button = needs_server(QPushButton(self.tr("Take off duty"), self))
        self.remove_button.setObjectName("rotaRemove")
        self.remove_button.clicked.connect(self.take_off_duty)
        QShortcut(QKeySequence.StandardKey.Delete, self.table, self.take_off_duty)
        self.export_button = QPushButton(self.tr("Export…"), self)
        add_export(self.table, self.export_button, suggested_name="duty-rota.csv")
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.accept)
        close.setAutoDefault(False)

        buttons = QHBoxLayout()
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(heading(self.tr("Duty rota"), self))
        layout.addWidget(hint)
        layout.addWidget(self.grid, 3)
        layout.addWidget(self.days_label)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 2)
        layout.addLayout(buttons)

        self._fill_people()
        self.refresh()
        eight = self.grid.item(8, 0)
        if eight is not None:
            self.grid.scrollToItem(eight, QAbstractItemView.ScrollHint.PositionAtTop)
        self._selection_changed()

    # -- reading ---------------------------------------------------------------------------
    def may_edit(self) -> bool:
        return self.app.current_role() == MANAGER

    def _fill_people(self) -> None:
        typed = self.who.currentText()
        self.who.clear()
        accounts = [m.name for m in self.app.list_staff() if m.active]
        self.who.addItems(accounts)
        self.accounts = {name.casefold() for name in accounts}
        self.who.setCurrentText(typed)

    def refresh(self) -> None:
        self.slots = self.runner.read(Permission.SEE_STAFF, support.rota)
        self.model.set_rows(self.slots)
        for hour in range(24):
            for day in range(7):
                self.grid.setItem(hour, day, self._cell(day, hour))
        self._enable()

    def _cell(self, day: int, hour: int) -> QTableWidgetItem:
        start, end = hour * 60, hour * 60 + 60
        found = [
            s
            for s in self.slots
            if s["weekday"] == day
            and parse_time(s["starts"], "") < end
            and start < parse_time(s["ends"], "")
        ]
        item = QTableWidgetItem(", ".join(s["name"] for s in found))
        if found:
            chat = any(answers(s, CHAT) for s in found)
            phone = any(answers(s, PHONE) for s in found)
            shade = SHADES[BOTH if chat and phone else CHAT if chat else PHONE]
            item.setBackground(QColor(shade))
            item.setToolTip(
                "\n".join(
                    f"{s['name']}: {duty_label(self, s['duty'])}, {s['starts']}–{s['ends']}"
                    for s in found
                )
            )
        return item

    def _enable(self) -> None:
        editing = self.may_edit()
        for widget in (self.who, self.duty, self.starts, self.ends, self.add_button):
            set_enabled(widget, editing)
        needs_server(self.remove_button, editing and self.table.currentIndex().isValid())
        if not editing:
            self.message.setText(self.tr("Only a manager changes the rota."))
            self.message.show()

    def selected_days(self) -> list[int]:
        return sorted({index.column() for index in self.grid.selectedIndexes()})

    def _selection_changed(self) -> None:
        chosen = self.grid.selectedIndexes()
        days = self.selected_days()
        if chosen:
            hours = [index.row() for index in chosen]
            self.starts.setCurrentText(f"{min(hours):02d}:00")
            self.ends.setCurrentText(f"{max(hours) + 1:02d}:00")
        names = ", ".join(self.tr(DAYS[d]) for d in days)
        none = self.tr("Select hours in the grid to choose the days.")
        self.days_label.setText(self.tr("Days: {days}").format(days=names) if days else none)

    # -- changing --------------------------------------------------------------------------
    def put_on_duty(self) -> int | None:
        """Add a slot on every selected day (all or none: a refusal is shown, nothing
        saved), on the writer worker. Returns the writer's job number (None: refused
        at once)."""
        who = " ".join(self.who.currentText().split())
        days = self.selected_days()
        if not days:
            self._refuse(self.tr("Select the hours in the grid first (one cell or more)."))
            return None
        if not who:
            self._refuse(self.tr("Say who is on duty: pick an account or type a name."))
            return None
        account = who.casefold() in self.accounts
        return submit_command(
            self,
            lambda: partial(
                self.app.add_duty_slots,
                days,
                self.starts.currentText(),
                self.ends.currentText(),
                self.duty.currentData(),
                staff=who if account else "",
                name="" if account else who,
            ),
            lambda fields: self._refuse(" ".join(fields.values())),
            self._refuse,
            lambda _added: self._on_duty(who),
            busy=(self.add_button, self.remove_button),
        )

    def _on_duty(self, who: str) -> None:
        self.message.hide()
        self.refresh()
        self.changed.emit(self.tr("{who} is on the rota.").format(who=who))

    def _refuse(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def take_off_duty(self) -> int | None:
        """Remove the chosen slot, on the writer worker; returns the writer's job number."""
        index = self.table.currentIndex()
        if not index.isValid() or not self.may_edit():
            return None
        slot = self.model.row_data(self.proxy.mapToSource(index).row())
        return submit_command(
            self,
            lambda: partial(self.app.remove_duty_slot, slot["id"]),
            lambda fields: self._refuse(" ".join(fields.values())),
            self._refuse,
            lambda _removed: self._off_duty(slot),
            busy=(self.add_button, self.remove_button),
        )

    def _off_duty(self, slot: dict) -> None:
        self.refresh()
        self.changed.emit(
            self.tr("{who} is off the rota on {day}, {starts}–{ends}.").format(
                who=slot["name"],
                day=self.tr(DAYS[slot["weekday"]]),
                starts=slot["starts"],
                ends=slot["ends"],
            )
        )
