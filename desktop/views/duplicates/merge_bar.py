"""The patron page's merge bar: "merged into …" or "holds the history of …", with Unmerge.

Shown only when the patron's record takes part in a merge. Unmerging asks once
and restores both records exactly as they were before the merge; whatever was
recorded for the surviving record meanwhile stays with it.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMessageBox, QPushButton, QWidget

from desktop import style
from desktop.formatting import local_date
from desktop.server_connection import needs_server
from desktop.views.forms import ConfirmBox
from domain.application import Houselights
from domain.roles import Permission
from projections import patron_directory as directory
from projections import patron_merges
from projections.runner import ReadModelRunner


class UnmergeDialog(ConfirmBox):
    """Asks once ("Unmerge N. Young from Nadia Young?") and unmerges through the service."""

    unmerged = Signal(object)

    def __init__(
        self, app: Houselights, duplicate: dict, survivor: dict, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.app = app
        self.duplicate = duplicate
        self.setObjectName("unmergeDialog")
        self.setIcon(QMessageBox.Icon.Question)
        self.setWindowTitle(self.tr("Unmerge records"))
        self.setText(
            self.tr("Unmerge {duplicate} from {survivor}?").format(
                duplicate=duplicate.get("name") or self.tr("(no name)"),
                survivor=survivor.get("name") or self.tr("(no name)"),
            )
        )
        self.setInformativeText(
            self.tr(
                "Both records come back exactly as they were before the merge, each with its "
                "own history, email and phone. Anything recorded on {survivor}'s page since "
                "the merge stays with {survivor}."
            ).format(survivor=survivor.get("name") or "")
        )
        self.unmerge_button = needs_server(
            self.addButton(self.tr("Unmerge"), QMessageBox.ButtonRole.AcceptRole)
        )
        self.keep_button = self.addButton(self.tr("Cancel"), QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.keep_button)
        self.setEscapeButton(self.keep_button)
        self.buttonClicked.connect(self._clicked)

    def _clicked(self, button) -> None:
        if button is not self.unmerge_button:
            return
        self.confirm(
            self.unmerge_button,
            partial(self.app.unmerge_patron, self.duplicate["id"]),
            self.unmerged.emit,
            self.tr("Not unmerged"),
            self.tr("Unmerging…"),
        )


class MergeBar(QFrame):
    open_patron = Signal(str)
    message = Signal(str)

    def __init__(self, app: Houselights, runner: ReadModelRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.runner = runner
        self.setObjectName("mergeBar")
        self.row: dict | None = None
        self.survivor: dict | None = None
        self.merged: list[dict] = []
        self.dialog: UnmergeDialog | None = None
        self.label = QLabel(self)
        self.label.setObjectName("mergeText")
        self.label.setWordWrap(True)
        self.open_button = QPushButton(self)
        self.open_button.setObjectName("flatButton")
        self.open_button.clicked.connect(self._open_survivor)
        self.unmerge_button = needs_server(QPushButton(self.tr("Unmerge…"), self))
        self.unmerge_button.clicked.connect(self.unmerge)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 8)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.open_button)
        layout.addWidget(self.unmerge_button)
        self._colour(style.current())
        style.follow(self._colour)
        self.hide()

    def _colour(self, scheme: style.Scheme) -> None:
        self.setStyleSheet(
            f"#mergeBar {{ background: {scheme.warning_bg}; border: 1px solid "
            f"{scheme.warning_line}; border-radius: 6px; }}"
        )

    def show_patron(self, row: dict | None) -> None:
        """Fill the bar for this directory row (hidden when no merge concerns it)."""
        self.row = row
        self.survivor = None
        self.merged = []
        if row and row.get("merged_into"):
            self.survivor = self.runner.read(
                Permission.READ_PATRONS, directory.get, row["merged_into"]
            ) or {"id": row["merged_into"]}
            name = self.survivor.get("name") or self.tr("another record")
            self.label.setText(
                self.tr(
                    "This record was merged into {name}: its history shows on {name}'s page."
                ).format(name=name)
            )
            self.open_button.setText(self.tr("Open {name}").format(name=name))
            self.open_button.show()
        elif row:
            for merge in self.runner.read(
                Permission.READ_PATRONS, patron_merges.merged_records, row["id"]
            ):
                found = self.runner.read(
                    Permission.READ_PATRONS, directory.get, merge["absorbed_id"]
                ) or {"id": merge["absorbed_id"]}
                self.merged.append({**found, "merged_at": merge["merged_at"]})
            if self.merged:
                latest = self.merged[-1]
                names = ", ".join(m.get("name") or self.tr("(no name)") for m in self.merged)
                self.label.setText(
                    self.tr("Also holds the history of {names}, merged on {date}.").format(
                        names=names, date=local_date(latest["merged_at"])
                    )
                )
                self.open_button.hide()
        self.setVisible(bool(self.survivor or self.merged))

    def _open_survivor(self) -> None:
        if self.survivor:
            self.open_patron.emit(self.survivor["id"])

    def unmerge(self) -> UnmergeDialog | None:
        """Undo this record's merge, or the latest one into it (window-modal; returned)."""
        if self.row is None:
            return None
        if self.survivor:
            duplicate, survivor = self.row, self.survivor
        elif self.merged:
            duplicate, survivor = self.merged[-1], self.row
        else:
            return None
        dialog = UnmergeDialog(self.app, duplicate, survivor, self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.unmerged.connect(
            lambda _r: self.message.emit(
                self.tr("{name} is a separate patron again.").format(
                    name=duplicate.get("name") or ""
                )
            )
        )
        dialog.destroyed.connect(lambda: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()
        return dialog
