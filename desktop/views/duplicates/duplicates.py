"""Duplicates: review likely duplicate patrons side by side, merge or dismiss them.

The list is worked out in the background from the patron directory (same email,
same phone, or a similar name at one postal code). Choose a pair, compare the two
records, pick the one to keep and merge: the other record's whole history moves
onto it, and the merge can be undone from the patron's page. "Not the same
person" takes the pair off the list on every workstation.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.export import add_export
from desktop.formatting import local_date, money
from desktop.models.base import SortProxy
from desktop.models.duplicate_pairs import DuplicatePairModel
from desktop.server_connection import needs_server, set_enabled
from desktop.views.forms import ConfirmBox, submit_action
from desktop.views.widgets import SCROLLS_UP_AND_DOWN, heading, size_columns, table_view
from domain.application import Houselights
from domain.roles import Permission
from projections import duplicates
from projections.runner import ReadModelRunner


def find_work(progress, runner) -> list[dict]:
    """On the thread pool: the pairs to review (its own read-model connection)."""
    progress.update(0, None, "")
    return runner.read(
        Permission.READ_PATRONS, duplicates.review_rows, cancelled=lambda: progress.cancelled
    )


def address_text(patron: dict) -> str:
    town = " ".join(p for p in (patron.get("postal_code"), patron.get("city")) if p)
    return ", ".join(p for p in (patron.get("street"), town, patron.get("country")) if p)


class RecordSide(QFrame):
    """One record of the pair: what the reviewer compares, and "Keep this record"."""

    FIELDS = ("name", "email", "phone", "address", "since", "tickets", "visits", "spend")

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("card")
        self.patron: dict = {}
        self.keep = QRadioButton(self.tr("Keep this record"), self)
        self.open_button = QPushButton(self.tr("Open"), self)
        self.open_button.setObjectName("flatButton")
        self.values: dict[str, QLabel] = {}
        captions = {
            "name": self.tr("Name"),
            "email": self.tr("Email"),
            "phone": self.tr("Phone"),
            "address": self.tr("Address"),
            "since": self.tr("Patron since"),
            "tickets": self.tr("Tickets"),
            "visits": self.tr("Visits"),
            "spend": self.tr("Lifetime spend"),
        }
        self.grid = grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(4)
        self.captions: list[QLabel] = []
        for key in self.FIELDS:
            caption = QLabel(captions[key], self)
            caption.setObjectName("fieldLabel")
            value = QLabel(self)
            value.setObjectName("cardValue")
            value.setProperty("field", key)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[key] = value
            self.captions.append(caption)
        self.stacked: bool | None = None
        self.set_stacked(False)
        top = QHBoxLayout()
        top.addWidget(self.keep)
        top.addStretch(1)
        top.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(top)
        layout.addLayout(grid)

    def set_stacked(self, stacked: bool) -> None:
        """Each caption beside its value, or above it on a narrow window (a laptop at
        150%), where a long email address beside its caption would not fit."""
        if stacked == self.stacked:
            return
        self.stacked = stacked
        grid = self.grid
        for caption, value in zip(self.captions, self.values.values(), strict=True):
            grid.removeWidget(caption)
            grid.removeWidget(value)
        for row, (caption, value) in enumerate(
            zip(self.captions, self.values.values(), strict=True)
        ):
            if stacked:
                grid.addWidget(caption, 2 * row, 0)
                grid.addWidget(value, 2 * row + 1, 0)
            else:
                grid.addWidget(caption, row, 0, Qt.AlignmentFlag.AlignTop)
                grid.addWidget(value, row, 1)
        grid.setColumnStretch(0, 1 if stacked else 0)
        grid.setColumnStretch(1, 0 if stacked else 1)
        grid.setVerticalSpacing(1 if stacked else 4)

    def show_record(self, patron: dict, stats: dict) -> None:
        self.patron = patron
        none = self.tr("—")
        texts = {
            "name": patron.get("name") or self.tr("(no name)"),
            "email": patron.get("email") or none,
            "phone": patron.get("phone") or none,
            "address": address_text(patron) or none,
            "since": local_date(patron.get("registered_at")) or none,
            "tickets": str(stats.get("tickets", 0)),
            "visits": str(stats.get("visits", 0)),
            "spend": money(int(stats.get("lifetime_spend_cents") or 0)),
        }
        for key, text in texts.items():
            self.values[key].setText(text)

    def clear(self) -> None:
        self.patron = {}
        for value in self.values.values():
            value.setText("")


class MergeDialog(ConfirmBox):
    """Asks once ("Merge N. Young into Nadia Young?") and merges through the service."""

    merged = Signal(object)

    def __init__(
        self, app: Houselights, duplicate: dict, survivor: dict, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.app = app
        self.duplicate, self.survivor = duplicate, survivor
        self.setObjectName("mergeDialog")
        self.setIcon(QMessageBox.Icon.Question)
        self.setWindowTitle(self.tr("Merge duplicate records"))
        self.setText(
            self.tr("Merge {duplicate} into {survivor}?").format(
                duplicate=duplicate.get("name") or self.tr("(no name)"),
                survivor=survivor.get("name") or self.tr("(no name)"),
            )
        )
        names = {"duplicate": duplicate.get("name") or "", "survivor": survivor.get("name") or ""}
        self.setInformativeText(
            self.tr(
                "{survivor}'s record stays, with the history of both: purchases, tickets, "
                "visits, gifts and notes. Their email and phone lead to {survivor}. "
                "{duplicate} leaves the patron list.\n\nA merge can be undone from "
                "{survivor}'s page."
            ).format(**names)
        )
        self.merge_button = needs_server(
            self.addButton(self.tr("Merge"), QMessageBox.ButtonRole.AcceptRole)
        )
        self.keep_button = self.addButton(self.tr("Cancel"), QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.keep_button)
        self.setEscapeButton(self.keep_button)
        self.buttonClicked.connect(self._clicked)

    def _clicked(self, button) -> None:
        if button is not self.merge_button:
            return
        self.confirm(
            self.merge_button,
            partial(self.app.merge_patrons, self.duplicate["id"], self.survivor["id"]),
            self.merged.emit,
            self.tr("Not merged"),
            self.tr("Merging…"),
        )


class DuplicatesView(QWidget):
    open_patron = Signal(str)
    #: something was merged, dismissed or exported; a message for the status bar
    message = Signal(str)

    def __init__(
        self, app: Houselights, runner: ReadModelRunner, background, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.app = app
        self.runner = runner
        self.background = background
        self.task = None
        self._again = False
        self.dialog: MergeDialog | None = None
        self.setObjectName("duplicates")

        intro = QLabel(
            self.tr(
                "Patrons who may be on file twice: the same email, the same phone, or a "
                "similar name at the same postal code. Compare the two records, keep one and "
                "merge: the whole history moves onto the record you keep. A merge can be "
                "undone from the patron's page."
            ),
            self,
        )
        intro.setWordWrap(True)
        intro.setObjectName("muted")
        self.summary = QLabel(self)
        self.summary.setObjectName("subheading")
        self.busy = QProgressBar(self)
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setMaximumWidth(160)
        self.busy.hide()
        self.cancel_button = QPushButton(self.tr("Stop looking"), self)
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()

        self.model = DuplicatePairModel(self)
        self.proxy = SortProxy(self.model, self)
        self.table = table_view(self)
        self.table.setObjectName("duplicatePairs")
        self.table.setModel(self.proxy)
        m = DuplicatePairModel
        size_columns(
            self.table,
            {
                m.FIRST: 200,
                m.SECOND: 200,
                m.POSTAL: 110,
                m.FIRST_TICKETS: 120,
                m.SECOND_TICKETS: 130,
            },
            stretch=m.WHY,
        )
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_pair())
        self.export_button = QPushButton(self.tr("Export…"), self)
        self.export_action = add_export(
            self.table,
            self.export_button,
            suggested_name=self.tr("duplicates") + ".csv",
            on_done=lambda path: self.message.emit(self.tr("Saved {path}").format(path=path)),
        )

        self.first = RecordSide(self)
        self.second = RecordSide(self)
        self.keep_group = QButtonGroup(self)
        self.keep_group.addButton(self.first.keep)
        self.keep_group.addButton(self.second.keep)
        self.first.open_button.clicked.connect(lambda: self._open(self.first))
        self.second.open_button.clicked.connect(lambda: self._open(self.second))
        self.merge_button = needs_server(QPushButton(self.tr("Merge…"), self))
        self.merge_button.setObjectName("primaryButton")
        self.merge_button.clicked.connect(self.merge)
        self.dismiss_button = needs_server(QPushButton(self.tr("Not the same person"), self))
        self.dismiss_button.setToolTip(
            self.tr("Take this pair off the list, on every computer of the office")
        )
        self.dismiss_button.clicked.connect(self.dismiss)

        top = QHBoxLayout()
        top.addWidget(heading(self.tr("Duplicates"), self))
        top.addStretch(1)
        top.addWidget(self.busy)
        top.addWidget(self.cancel_button)
        top.addWidget(self.export_button)
        sides = QHBoxLayout()
        sides.setSpacing(16)
        sides.addWidget(self.first, 1)
        sides.addWidget(self.second, 1)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.dismiss_button)
        actions.addWidget(self.merge_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 16)
        layout.setSpacing(12)
        layout.addLayout(top)
        layout.addWidget(intro)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(sides)
        layout.addLayout(actions)
        self._show_pair()

    # -- fitting the window ----------------------------------------------------------
    #: narrower than this (logical pixels; a 1366×768 laptop at 150% is 910 wide), each
    #: record's captions go above their values and the page scrolls up and down
    NARROW_WINDOW = 1000

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self.fit()

    def fit(self) -> None:
        narrow = self.window().width() < self.NARROW_WINDOW
        self.first.set_stacked(narrow)
        self.second.set_stacked(narrow)
        # the pairs keep a few rows in sight above the comparison
        self.table.setMinimumHeight(160 if narrow else 0)
        self.setProperty(SCROLLS_UP_AND_DOWN, narrow)

    # -- loading -------------------------------------------------------------------
    def refresh(self) -> None:
        """Look for pairs again, in the background (once more if already looking)."""
        if self.task is not None:
            self._again = True
            return
        self.busy.show()
        self.cancel_button.show()
        if not self.model.rowCount():
            self.summary.setText(self.tr("Looking for duplicates…"))
        self.task = self.background.run(
            find_work,
            self.runner,
            on_done=self._found,
            on_error=self._failed,
            on_cancelled=self._stopped,
        )

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def _finished(self) -> None:
        self.task = None
        self.busy.hide()
        self.cancel_button.hide()
        if self._again:
            self._again = False
            self.refresh()

    def _found(self, rows: list[dict]) -> None:
        chosen = self.chosen()
        self.model.set_rows(rows)
        if not rows:
            self.summary.setText(self.tr("No likely duplicates. Nothing to review."))
        elif len(rows) == 1:
            self.summary.setText(self.tr("1 pair to review."))
        else:
            self.summary.setText(self.tr("{count} pairs to review.").format(count=len(rows)))
        row = self.proxy.proxy_row_of(chosen["id"]) if chosen else -1
        if rows:
            self.table.selectRow(max(row, 0))
        self._show_pair()
        self._finished()

    def _failed(self, error: BaseException, _details: str = "") -> None:
        self.summary.setText(self.tr("Could not look for duplicates: {error}").format(error=error))
        self._finished()

    def _stopped(self) -> None:
        self.summary.setText(self.tr("Stopped looking. The list shows the last search."))
        self._finished()

    # -- the chosen pair ---------------------------------------------------------------
    def chosen(self) -> dict | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        return self.model.row_data(self.proxy.mapToSource(rows[0]).row())

    def _show_pair(self) -> None:
        pair = self.chosen()
        for widget in (self.first, self.second, self.merge_button, self.dismiss_button):
            set_enabled(widget, pair is not None)
        if pair is None:
            self.first.clear()
            self.second.clear()
            return
        self.first.show_record(pair.get("a_patron") or {}, pair.get("a_stats") or {})
        self.second.show_record(pair.get("b_patron") or {}, pair.get("b_stats") or {})
        # Keep the record with more history (the older one when even).
        a, b = pair.get("a_stats") or {}, pair.get("b_stats") or {}
        weight = lambda s: (s.get("tickets", 0), s.get("visits", 0), s.get("orders", 0))  # noqa: E731
        (self.second if weight(b) > weight(a) else self.first).keep.setChecked(True)

    def _open(self, side: RecordSide) -> None:
        if side.patron.get("id"):
            self.open_patron.emit(side.patron["id"])

    def survivor_and_duplicate(self) -> tuple[dict, dict]:
        if self.second.keep.isChecked():
            return self.second.patron, self.first.patron
        return self.first.patron, self.second.patron

    # -- deciding ------------------------------------------------------------------------
    def merge(self) -> MergeDialog | None:
        """Ask once, then merge (window-modal; returns the dialog for tests and scripts)."""
        if self.chosen() is None:
            return None
        survivor, duplicate = self.survivor_and_duplicate()
        dialog = MergeDialog(self.app, duplicate, survivor, self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.merged.connect(lambda _result: self._merged(duplicate, survivor))
        dialog.destroyed.connect(lambda: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _merged(self, duplicate: dict, survivor: dict) -> None:
        names = {"duplicate": duplicate.get("name") or "", "survivor": survivor.get("name") or ""}
        self.message.emit(self.tr("{duplicate} was merged into {survivor}.").format(**names))

    def _pair_buttons(self) -> tuple:
        return (self.merge_button, self.dismiss_button)

    def dismiss(self) -> None:
        pair = self.chosen()
        if pair is None:
            return
        words = self.tr("{a} and {b} stay two separate patrons.").format(
            a=pair.get("a_name") or "", b=pair.get("b_name") or ""
        )
        submit_action(
            self,
            partial(self.app.dismiss_duplicate, pair["a"], pair["b"]),
            lambda _result: self.message.emit(words),
            lambda text: QMessageBox.warning(self, self.tr("Not dismissed"), text),
            busy=self._pair_buttons(),
        )
