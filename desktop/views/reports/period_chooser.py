"""A period chooser: presets (last 30/90/365 days) or two chosen dates.

Shared by the ladder dashboard and the reports screen. ``changed`` is emitted when
the user picks a preset or edits a date; ``set_period`` sets the dates quietly
(the owner refreshes itself). Editing a date switches the preset to "Chosen
dates"; an end before the start pulls the other date along.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QWidget

from desktop import formatting

#: the presets (days, today included); then "Chosen dates"
PRESETS = (30, 90, 365)


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


class PeriodChooser(QWidget):
    #: the user chose another period
    changed = Signal()

    def __init__(
        self,
        names: tuple[str, str, str],
        parent: QWidget | None = None,
        *,
        stretch: bool = False,
    ):
        """``names``: the objectNames of the preset box, the start and the end edit."""
        super().__init__(parent)
        preset_name, start_name, end_name = names
        today = formatting.today()  # the organization's day, not this computer's
        self.preset = QComboBox(self)
        self.preset.setObjectName(preset_name)
        for days in PRESETS:
            self.preset.addItem(self.tr("Last {n} days").format(n=days), days)
        self.preset.addItem(self.tr("Chosen dates"), 0)
        self.start_edit = QDateEdit(_qdate(today - timedelta(days=89)), self)
        self.end_edit = QDateEdit(_qdate(today), self)
        for edit, name in ((self.start_edit, start_name), (self.end_edit, end_name)):
            edit.setObjectName(name)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat(formatting.date_pattern())
            edit.dateChanged.connect(self._dates_changed)
        self.preset.setCurrentIndex(PRESETS.index(90))
        self.preset.currentIndexChanged.connect(self._preset_chosen)

        bar = QHBoxLayout(self)
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(QLabel(self.tr("Period:"), self))
        bar.addWidget(self.preset)
        bar.addWidget(self.start_edit)
        bar.addWidget(QLabel(self.tr("to"), self))
        bar.addWidget(self.end_edit)
        if stretch:
            bar.addStretch(1)

    def period(self) -> tuple[date, date]:
        """The chosen days, first and last included."""
        return _pydate(self.start_edit.date()), _pydate(self.end_edit.date())

    def set_period(self, start: date, end: date) -> None:
        """Show these dates without emitting ``changed``."""
        for edit, day in ((self.start_edit, start), (self.end_edit, end)):
            edit.blockSignals(True)
            edit.setDate(_qdate(day))
            edit.blockSignals(False)

    def _preset_chosen(self, index: int) -> None:
        days = self.preset.itemData(index)
        if days:
            today = formatting.today()
            self.set_period(today - timedelta(days=days - 1), today)
            self.changed.emit()

    def _dates_changed(self) -> None:
        self.preset.blockSignals(True)
        self.preset.setCurrentIndex(len(PRESETS))  # "Chosen dates"
        self.preset.blockSignals(False)
        if self.end_edit.date() < self.start_edit.date():
            moved, other = (
                (self.start_edit, self.end_edit)
                if self.sender() is self.start_edit
                else (self.end_edit, self.start_edit)
            )
            other.blockSignals(True)
            other.setDate(moved.date())
            other.blockSignals(False)
        self.changed.emit()
