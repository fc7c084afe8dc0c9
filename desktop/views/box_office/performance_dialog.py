"""New production, new performance, edit performance: one dialog, three uses.

The dialog checks nothing itself beyond reading what was typed (a price it
cannot read): it calls the application service and shows what the domain says,
each message in red under its field. Nothing typed is lost on a refusal.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial

from PySide6.QtCore import QDateTime, QModelIndex, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop import formatting
from desktop.models.price_levels import PriceLevelModel
from desktop.views.forms import submit_command
from desktop.views.widgets import dialog_buttons, error_label, show_error, show_field_errors
from domain.application import Houselights
from domain.errors import ValidationError

NEW_PRODUCTION, NEW_PERFORMANCE, EDIT_PERFORMANCE = "new_production", "new_performance", "edit"
DEFAULT_LEVELS = {"Adult": 2500, "Concession": 1800}


def aware(moment: QDateTime) -> datetime:
    """What the QDateTimeEdit shows (local time) as a timezone-aware UTC datetime."""
    return datetime.fromtimestamp(moment.toSecsSinceEpoch(), tz=UTC)


def to_qdatetime(iso: str) -> QDateTime:
    return QDateTime.fromSecsSinceEpoch(int(datetime.fromisoformat(iso).timestamp()))


def next_evening() -> QDateTime:
    """Default start: a week from today at 19:30 local time."""
    moment = QDateTime.currentDateTime().addDays(7)
    moment.setTime(QTime(19, 30))
    return moment


class PerformanceDialog(QDialog):
    """``saved(performance_id)`` after the service accepted it."""

    saved = Signal(str)

    def __init__(
        self,
        app: Houselights,
        mode: str,
        performance: dict | None = None,
        productions: list[dict] | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.app = app
        self.mode = mode
        self.performance = performance
        self.productions = productions or []
        self._production_id: str | None = None  # created, waiting for its first performance
        self._created_title = ""
        self.setObjectName("performanceDialog")
        self.setWindowTitle(
            {
                NEW_PRODUCTION: self.tr("New production"),
                NEW_PERFORMANCE: self.tr("New performance"),
                EDIT_PERFORMANCE: self.tr("Edit performance"),
            }[mode]
        )
        self.setMinimumWidth(560)
        self.errors: dict[str, QLabel] = {}

        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(3)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self._row = 0

        def caption(text: str, buddy: QWidget, column: int = 0, span: int = 2) -> None:
            label = QLabel(text, self)
            label.setObjectName("fieldLabel")
            label.setBuddy(buddy)
            grid.addWidget(label, self._row, column, 1, span)

        def error_row(key: str, column: int = 0, span: int = 2) -> None:
            label = error_label(self)
            self.errors[key] = label
            grid.addWidget(label, self._row, column, 1, span)

        self.title_edit = QLineEdit(self)
        self.title_edit.setObjectName("title")
        self.title_edit.setPlaceholderText(self.tr("e.g. The Magic Flute"))
        self.production_combo = QComboBox(self)
        self.production_combo.setObjectName("production")
        for production in self.productions:
            self.production_combo.addItem(production["title"], production["id"])
        if mode == NEW_PERFORMANCE:
            caption(self.tr("&Production"), self.production_combo)
            self._row += 1
            grid.addWidget(self.production_combo, self._row, 0, 1, 2)
            self.title_edit.hide()
        else:
            caption(self.tr("&Title"), self.title_edit)
            self._row += 1
            grid.addWidget(self.title_edit, self._row, 0, 1, 2)
            self.production_combo.hide()
        self._row += 1
        error_row("title")
        self._row += 1

        self.starts_edit = QDateTimeEdit(self)
        self.starts_edit.setObjectName("starts_at")
        self.starts_edit.setCalendarPopup(True)
        self.starts_edit.setDisplayFormat(formatting.moment_pattern())
        self.starts_edit.setDateTime(next_evening())
        self.venue_edit = QLineEdit(self)
        self.venue_edit.setObjectName("venue")
        self.venue_edit.setPlaceholderText(self.tr("e.g. Main stage"))
        caption(self.tr("&Date and time"), self.starts_edit, 0, 1)
        caption(self.tr("&Venue"), self.venue_edit, 1, 1)
        self._row += 1
        grid.addWidget(self.starts_edit, self._row, 0)
        grid.addWidget(self.venue_edit, self._row, 1)
        self._row += 1
        error_row("starts_at", 0, 1)
        error_row("venue", 1, 1)
        self._row += 1

        self.capacity_spin = QSpinBox(self)
        self.capacity_spin.setObjectName("capacity")
        self.capacity_spin.setRange(0, 100_000)
        self.capacity_spin.setValue(200)
        self.capacity_spin.setSuffix(self.tr(" seats"))
        caption(self.tr("&Capacity (general admission)"), self.capacity_spin, 0, 1)
        self._row += 1
        grid.addWidget(self.capacity_spin, self._row, 0)
        self._row += 1
        error_row("capacity")
        self._row += 1

        self.levels_model = PriceLevelModel(self)
        self.levels_table = QTableView(self)
        self.levels_table.setObjectName("priceLevels")
        self.levels_table.setModel(self.levels_model)
        self.levels_table.verticalHeader().hide()
        self.levels_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.levels_table.setEditTriggers(
            QAbstractItemView.EditTrigger.AllEditTriggers
            & ~QAbstractItemView.EditTrigger.CurrentChanged
        )
        self.levels_table.horizontalHeader().setSectionResizeMode(
            PriceLevelModel.NAME, QHeaderView.ResizeMode.Stretch
        )
        self.levels_table.setColumnWidth(PriceLevelModel.PRICE, 140)
        self.levels_table.setFixedHeight(150)
        self.add_level_button = QPushButton(self.tr("Add price level"), self)
        self.add_level_button.clicked.connect(self.add_level)
        self.remove_level_button = QPushButton(self.tr("Remove"), self)
        self.remove_level_button.clicked.connect(self.remove_level)
        caption(self.tr("Price &levels (double-click to change)"), self.levels_table)
        self._row += 1
        grid.addWidget(self.levels_table, self._row, 0, 1, 2)
        self._row += 1
        level_buttons = QHBoxLayout()
        level_buttons.addWidget(self.add_level_button)
        level_buttons.addWidget(self.remove_level_button)
        level_buttons.addStretch(1)
        grid.addLayout(level_buttons, self._row, 0, 1, 2)
        self._row += 1
        error_row("price_levels")

        self.general_error = error_label(self)
        self.save_button, self.cancel_button, buttons = dialog_buttons(
            self,
            self.tr("Save changes") if mode == EDIT_PERFORMANCE else self.tr("Schedule"),
            self.save,
        )

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        intro = QLabel(self._intro(), self)
        intro.setObjectName("muted")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(self.general_error)
        layout.addLayout(grid)
        layout.addStretch(1)
        layout.addLayout(buttons)

        self._fill()

    def _intro(self) -> str:
        if self.mode == NEW_PRODUCTION:
            return self.tr("A production is a show; here you also schedule its first performance.")
        if self.mode == NEW_PERFORMANCE:
            return self.tr("Another date for a production you already have.")
        return self.tr("Changes apply to this performance only; tickets already sold stay valid.")

    def _fill(self) -> None:
        row = self.performance
        if row is None:
            self.levels_model.set_levels(DEFAULT_LEVELS)
            self.title_edit.setFocus()
            return
        if self.mode == NEW_PERFORMANCE:
            index = self.production_combo.findData(row.get("production_id"))
            self.production_combo.setCurrentIndex(max(0, index))
            # a week after the one it was made from, same time of day
            self.starts_edit.setDateTime(to_qdatetime(row["starts_at"]).addDays(7))
        else:
            self.title_edit.setText(row.get("title") or "")
            self.starts_edit.setDateTime(to_qdatetime(row["starts_at"]))
        self.venue_edit.setText(row.get("venue") or "")
        self.capacity_spin.setValue(int(row.get("capacity") or 0))
        self.levels_model.set_levels(row.get("price_levels") or DEFAULT_LEVELS)
        (self.starts_edit if self.mode == NEW_PERFORMANCE else self.title_edit).setFocus()

    # -- price levels ------------------------------------------------------------
    def add_level(self) -> None:
        row = self.levels_model.add_level()
        index = self.levels_model.index(row, PriceLevelModel.NAME)
        self.levels_table.setCurrentIndex(index)
        self.levels_table.edit(index)

    def remove_level(self) -> None:
        index = self.levels_table.currentIndex()
        if index.isValid():
            self.levels_model.remove_level(index.row())

    def set_level(self, row: int, name: str, price: str) -> None:
        """Type a price level in (tests and scripts; the table edits call setData)."""
        while self.levels_model.rowCount() <= row:
            self.levels_model.add_level()
        model = self.levels_model
        model.setData(model.index(row, PriceLevelModel.NAME), name)
        model.setData(model.index(row, PriceLevelModel.PRICE), price)

    # -- saving --------------------------------------------------------------------
    def values(self) -> dict:
        levels, _unreadable = self.levels_model.levels()
        return {
            "title": self.title_edit.text(),
            "production_id": self.production_combo.currentData(),
            "starts_at": aware(self.starts_edit.dateTime()),
            "venue": self.venue_edit.text(),
            "capacity": self.capacity_spin.value(),
            "price_levels": levels,
        }

    def save(self) -> int | None:
        """Save on the writer worker (the dialog busy meanwhile); ``saved`` and close once
        recorded. Returns the writer's job number (None: nothing was sent)."""
        self.levels_table.setCurrentIndex(QModelIndex())  # commits a cell being edited
        self.clear_errors()
        _levels, unreadable = self.levels_model.levels()
        if unreadable:
            self.show_errors(
                {
                    "price_levels": self.tr(
                        "Write the price for {names} as a number, like 25 or 12.50."
                    ).format(names=", ".join(unreadable))
                }
            )
            return None
        return submit_command(
            self,
            self._command,
            self.show_errors,
            self.general_error,
            self._saved,
            busy=(self.save_button, self.cancel_button),
            busy_text=self.tr("Saving…"),
        )

    def _command(self) -> Callable[[], str]:
        """What is typed, read here (on the GUI thread), for ``_save`` on the writer."""
        v = self.values()
        if self.mode == NEW_PERFORMANCE and not v["production_id"]:
            raise ValidationError("title", self.tr("Choose the production first."))
        return partial(self._save, v)

    def _saved(self, performance_id: str) -> None:
        self.saved.emit(performance_id)
        self.accept()

    def _save(self, v: dict) -> str:
        """On the writer worker: the production (made once, even when saving is tried
        again after a refusal), then the performance."""
        schedule = {key: v[key] for key in ("starts_at", "capacity", "price_levels", "venue")}
        if self.mode == NEW_PRODUCTION:
            if self._production_id is None:
                self._production_id = self.app.create_production(v["title"])
            elif v["title"].strip() != self._created_title:
                self.app.rename_production(self._production_id, v["title"])
            self._created_title = v["title"].strip()
            return self.app.schedule_performance(self._production_id, **schedule)
        if self.mode == NEW_PERFORMANCE:
            return self.app.schedule_performance(v["production_id"], **schedule)
        row = self.performance
        assert row is not None  # the dialog edits a performance only when given one
        if v["title"].strip() != (row.get("title") or ""):
            self.app.rename_production(row["production_id"], v["title"])
        self.app.update_performance(row["id"], **schedule)
        return row["id"]

    # -- showing what the domain said -------------------------------------------------
    def clear_errors(self) -> None:
        for label in (*self.errors.values(), self.general_error):
            show_error(label, "")

    def show_errors(self, by_field: dict[str, str]) -> None:
        show_field_errors(self.errors, self.general_error, by_field)
        focus = {
            "title": self.title_edit,
            "starts_at": self.starts_edit,
            "venue": self.venue_edit,
            "capacity": self.capacity_spin,
            "price_levels": self.levels_table,
        }
        for key, widget in focus.items():
            if key in by_field and widget.isVisible():
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
                break

    def error_text(self, key: str) -> str:
        label = self.errors.get(key, self.general_error)
        return label.text() if not label.isHidden() else ""
