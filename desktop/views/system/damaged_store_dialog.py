"""At start-up, a damaged event store: say what happened and offer the latest backup.

Shown before the store is opened; the damaged file is never written (it is only
renamed out of the way, ``events.damaged-…``, when a backup is restored).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.file_dialogs import open_file_name
from desktop.models.backup_table import BackupTableModel
from desktop.models.base import SortProxy
from desktop.views.system.backups_dialog import backup_rows
from desktop.views.widgets import heading, size_columns, table_view
from infrastructure import backups


class DamagedStoreDialog(QDialog):
    """``exec()``; then ``chosen`` is the backup to restore, or None to quit."""

    def __init__(self, damaged: backups.DamagedStore, parent: QWidget | None = None):
        super().__init__(parent)
        self.damaged = damaged
        self.chosen: Path | None = None
        self.setObjectName("damagedStoreDialog")
        self.setWindowTitle(self.tr("Houselights cannot open its data"))
        self.resize(720, 460)
        layout = QVBoxLayout(self)
        if isinstance(damaged, backups.MissingStore):
            layout.addWidget(heading(self.tr("The data file is missing"), self))
            text = self.tr(
                "The event store {path} is not there, but this data folder shows there was "
                "one: {signs}.\n\nHouselights has not made a new, empty store and has "
                "changed nothing. If you moved the data folder, quit and start Houselights "
                "on the moved folder. Or put a backup in place. Everything recorded after "
                "the backup was made is not in it."
            ).format(path=damaged.damage.path, signs="; ".join(damaged.evidence))
        else:
            layout.addWidget(heading(self.tr("The data file is damaged"), self))
            text = self.tr(
                "{what}\n\nHouselights has not changed the file and will not write to it. "
                "You can put a backup in its place: the damaged file is kept beside it, "
                "renamed, for an expert to look at. Everything recorded after the backup "
                "was made is not in it."
            ).format(what=damaged.damage.message)
        what = QLabel(text, self)
        what.setObjectName("damageMessage")
        what.setWordWrap(True)
        layout.addWidget(what)

        self.model = BackupTableModel(self)
        self.proxy = SortProxy(self.model, self)
        self.table = table_view(self)
        self.table.setModel(self.proxy)
        c = BackupTableModel
        size_columns(
            self.table, {c.WHEN: 220, c.EVENTS: 90, c.SIZE: 90, c.WITH: 150}, stretch=c.FILE
        )
        rows = backup_rows(damaged.folders)
        self.model.set_rows(rows)
        if rows:  # the latest backup that checks out (a damaged one is never offered)
            good = str(damaged.latest.path) if damaged.latest is not None else None
            at = next((i for i, row in enumerate(rows) if row["id"] == good), 0)
            self.table.selectRow(self.proxy.mapFromSource(self.model.index(at, 0)).row())
        self.table.doubleClicked.connect(lambda _index: self.restore_selected())
        layout.addWidget(self.table, 1)
        where = ", ".join(str(folder) for folder in damaged.folders)
        self.none_label = QLabel(
            self.tr(
                "There is no backup in {where}. If you keep backups elsewhere (a USB stick), "
                "choose the file."
            ).format(where=where),
            self,
        )
        self.none_label.setWordWrap(True)
        self.none_label.setVisible(not rows)
        layout.addWidget(self.none_label)

        buttons = QHBoxLayout()
        self.restore_button = QPushButton(self.tr("Restore the selected backup"), self)
        self.restore_button.setDefault(True)
        self.restore_button.setEnabled(bool(rows))
        self.restore_button.clicked.connect(self.restore_selected)
        self.file_button = QPushButton(self.tr("Choose a backup file…"), self)
        self.file_button.clicked.connect(self.choose_file)
        self.quit_button = QPushButton(self.tr("Quit"), self)
        self.quit_button.clicked.connect(self.reject)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.file_button)
        buttons.addStretch(1)
        buttons.addWidget(self.quit_button)
        layout.addLayout(buttons)

    def restore_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        chosen = self.proxy.row_id(rows[0].row()) if rows else None
        if chosen is not None:
            self.chosen = Path(chosen)
            self.accept()

    def choose_file(self) -> None:
        path = open_file_name(
            self,
            "backup",
            self.tr("Restore which backup?"),
            self.tr("Houselights backups (*.sqlite);;All files (*)"),
        )
        if path:
            self.chosen = Path(path)
            self.accept()
