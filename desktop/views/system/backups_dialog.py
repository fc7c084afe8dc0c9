"""File → Backups…: where backups go, the backups made so far, Back up now, Restore….

The Settings area is still to come; until then the backup settings live here.
Backing up runs in the background with progress and Cancel; restoring asks
first and is done by the window (Houselights closes the store, puts the backup
in place and opens again).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop import formatting
from desktop.background import Task, run_with_progress
from desktop.export import add_export
from desktop.models.backup_table import BackupTableModel
from desktop.models.base import SortProxy
from desktop.settings import setting
from desktop.views.widgets import heading, size_columns, table_view
from infrastructure import backups


def backup_rows(folders: list[Path]) -> list[dict]:
    found = [info for folder in folders for info in backups.list_backups(folder)]
    found.sort(key=lambda info: info.created, reverse=True)
    return [
        {
            "id": str(info.path),
            "name": info.path.name,
            "created": info.created,
            "events": info.events,
            "size": info.size,
            "read_models": info.readmodels is not None,
        }
        for info in found
    ]


def current_folder(config, settings) -> Path:
    return backups.backup_folder(config, str(setting(settings, "backups/folder")))


def confirm_restore(parent: QWidget, path: Path, events: int, current: int) -> bool:
    """The one confirmation before a backup replaces the store."""
    answer = QMessageBox.question(
        parent,
        parent.tr("Restore a backup"),
        restore_text(parent, path, events, current),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Yes


def restore_text(parent: QWidget, path: Path, events: int, current: int) -> str:
    return parent.tr(
        "Put the backup {name} ({events} events) in place of the current data "
        "({current} events)?\n\nEverything recorded since that backup is no longer "
        "shown. The current data is not deleted: it is kept in the data folder, renamed "
        "“events.before-restore-…”. Houselights closes its windows, restores, and "
        "opens again."
    ).format(name=path.name, events=formatting.number(events), current=formatting.number(current))


def restore_question(parent: QWidget, path: Path, events: int, current: int) -> QMessageBox:
    """The restore's question as a box not yet asked (the screenshots show it)."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        parent.tr("Restore a backup"),
        restore_text(parent, path, events, current),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    return box


class BackupsDialog(QDialog):
    #: a checked backup the user confirmed: the window restores it
    restore_requested = Signal(str)
    backed_up = Signal(str)

    def __init__(self, config, settings, background, parent: QWidget | None = None):
        super().__init__(parent)
        self.config, self.settings, self.background = config, settings, background
        self.task: Task | None = None
        self.progress_dialog: QProgressDialog | None = None
        self.setWindowTitle(self.tr("Backups"))
        self.setObjectName("backupsDialog")
        self.resize(760, 520)

        layout = QVBoxLayout(self)
        layout.addWidget(heading(self.tr("Backups"), self))
        intro = QLabel(
            self.tr(
                "A backup is a copy of every recorded event, made while Houselights keeps "
                "working. The lists (patrons, timelines, the door) are rebuilt from it."
            ),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        where = QHBoxLayout()
        self.folder_label = QLabel(self)
        self.folder_label.setObjectName("backupFolder")
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folder_label.setWordWrap(True)
        self.change_button = QPushButton(self.tr("Change folder…"), self)
        self.change_button.clicked.connect(self.choose_folder)
        self.default_button = QPushButton(self.tr("Use the data folder"), self)
        self.default_button.clicked.connect(lambda: self.set_folder(""))
        self.open_button = QPushButton(self.tr("Open folder"), self)
        self.open_button.clicked.connect(self.open_folder)
        where.addWidget(QLabel(self.tr("Folder:"), self))
        where.addWidget(self.folder_label, 1)
        for button in (self.change_button, self.default_button, self.open_button):
            where.addWidget(button)
        layout.addLayout(where)

        options = QHBoxLayout()
        self.daily = QCheckBox(self.tr("Every day"), self)
        self.on_exit = QCheckBox(self.tr("When Houselights closes"), self)
        self.with_readmodels = QCheckBox(self.tr("Include the read models"), self)
        self.with_readmodels.setToolTip(
            self.tr(
                "They can always be rebuilt from the events; a copy makes a restore open faster."
            )
        )
        self.keep = QSpinBox(self)
        self.keep.setRange(1, 365)
        options.addWidget(self.daily)
        options.addWidget(self.on_exit)
        options.addWidget(self.with_readmodels)
        options.addStretch(1)
        options.addWidget(QLabel(self.tr("Keep the newest"), self))
        options.addWidget(self.keep)
        layout.addLayout(options)

        self.model = BackupTableModel(self)
        self.proxy = SortProxy(self.model, self)
        self.table = table_view(self)
        self.table.setObjectName("backupTable")
        self.table.setModel(self.proxy)
        c = BackupTableModel
        size_columns(
            self.table, {c.WHEN: 220, c.EVENTS: 90, c.SIZE: 90, c.WITH: 150}, stretch=c.FILE
        )
        self.table.doubleClicked.connect(lambda _index: self.restore_selected())
        layout.addWidget(self.table, 1)
        self.empty_label = QLabel(self.tr("No backups in this folder yet."), self)
        layout.addWidget(self.empty_label)

        buttons = QHBoxLayout()
        self.back_up_button = QPushButton(self.tr("Back up now"), self)
        self.back_up_button.setDefault(True)
        self.back_up_button.clicked.connect(self.back_up_now)
        self.restore_button = QPushButton(self.tr("Restore…"), self)
        self.restore_button.clicked.connect(self.restore_selected)
        self.restore_file_button = QPushButton(self.tr("Restore from a file…"), self)
        self.restore_file_button.clicked.connect(self.restore_from_file)
        self.export_button = QPushButton(self.tr("Export…"), self)
        add_export(self.table, self.export_button, suggested_name="backups.csv")
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.close)
        for button in (self.back_up_button, self.restore_button, self.restore_file_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.status = QLabel(self)
        self.status.setObjectName("backupStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

        self._load_options()
        self.daily.toggled.connect(lambda on: self._set("backups/daily", on))
        self.on_exit.toggled.connect(lambda on: self._set("backups/on_exit", on))
        self.with_readmodels.toggled.connect(
            lambda on: self._set("backups/include_read_models", on)
        )
        self.keep.valueChanged.connect(lambda n: self._set("backups/keep", int(n)))
        if config.kind != "sqlite":
            self._postgres()
        self.refresh()

    # -- settings --------------------------------------------------------------------
    def _load_options(self) -> None:
        self.daily.setChecked(bool(setting(self.settings, "backups/daily")))
        self.on_exit.setChecked(bool(setting(self.settings, "backups/on_exit")))
        self.with_readmodels.setChecked(bool(setting(self.settings, "backups/include_read_models")))
        self.keep.setValue(int(setting(self.settings, "backups/keep")))

    def _set(self, key: str, value) -> None:
        if self.settings is not None:
            self.settings.set(key, value)

    def folder(self) -> Path:
        if self.settings is None:
            return getattr(self, "_folder", None) or backups.default_folder(self.config)
        return current_folder(self.config, self.settings)

    def set_folder(self, path: str) -> None:
        if self.settings is not None:
            self.settings.set("backups/folder", path)
        else:
            self._folder = Path(path) if path else None
        self.refresh()

    def choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(
            self,
            self.tr("Where should backups go? (a USB stick, a synced folder)"),
            str(self.folder()),
        )
        if path:
            self.set_folder(path)

    def open_folder(self) -> None:
        folder = self.folder()
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def _postgres(self) -> None:
        for widget in (
            self.back_up_button,
            self.restore_button,
            self.restore_file_button,
            self.daily,
            self.on_exit,
            self.with_readmodels,
            self.keep,
        ):
            widget.setEnabled(False)
        self.status.setText(
            self.tr(
                "This workstation uses the shared PostgreSQL store: back it up on the server "
                "with pg_dump (see “Backups and restore” in the README)."
            )
        )

    # -- the list ------------------------------------------------------------------------
    def refresh(self) -> None:
        folder = self.folder()
        self.folder_label.setText(str(folder))
        folders = list(dict.fromkeys([folder, backups.default_folder(self.config)]))
        rows = backup_rows(folders)
        self.model.set_rows(rows)
        self.empty_label.setVisible(not rows)
        if rows and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)
        self.restore_button.setEnabled(bool(rows) and self.config.kind == "sqlite")

    def selected_path(self) -> Path | None:
        rows = self.table.selectionModel().selectedRows()
        chosen = self.proxy.row_id(rows[0].row()) if rows else None
        return Path(chosen) if chosen is not None else None

    # -- backing up ------------------------------------------------------------------------
    def back_up_now(self):
        if self.task is not None:
            return self.task
        self.back_up_button.setEnabled(False)
        self.status.setText(self.tr("Backing up…"))
        self.task, self.progress_dialog = run_with_progress(
            self,
            self.background,
            self.tr("Backing up every recorded event…"),
            backups.backup_work,
            self.config,
            self.folder(),
            self.keep.value(),
            self.with_readmodels.isChecked(),
            on_done=self._backed_up,
            on_error=self._failed,
            on_cancelled=self._cancelled,
        )
        return self.task

    def _finished(self) -> None:
        self.task = None
        self.progress_dialog = None
        self.back_up_button.setEnabled(self.config.kind == "sqlite")

    def _backed_up(self, info) -> None:
        self._finished()
        self.refresh()
        if info is not None:
            self.status.setText(
                self.tr("Backed up {events} events to {path}.").format(
                    events=formatting.number(info.events), path=info.path
                )
            )
            self.backed_up.emit(str(info.path))

    def _failed(self, error: BaseException, _details: str = "") -> None:
        self._finished()
        self.status.setText(self.tr("The backup could not be made: {error}").format(error=error))

    def _cancelled(self) -> None:
        self._finished()
        self.status.setText(self.tr("Backup cancelled; nothing was written."))

    # -- restoring ---------------------------------------------------------------------------
    def restore_selected(self) -> bool:
        path = self.selected_path()
        return self.restore(path) if path is not None else False

    def restore_from_file(self) -> bool:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Restore which backup?"),
            str(self.folder()),
            self.tr("Houselights backups (*.sqlite);;All files (*)"),
        )
        return self.restore(Path(path)) if path else False

    def restore(self, path: Path) -> bool:
        """Check the backup, ask once, then hand it to the window to restore."""
        try:
            events = backups.verify_backup(path)
        except backups.BackupError as error:
            QMessageBox.warning(self, self.tr("This backup cannot be used"), str(error))
            return False
        current = backups.count_events(self.config.events_path)
        if not confirm_restore(self, path, events, current):
            return False
        self.restore_requested.emit(str(path))
        return True

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if self.task is not None:
            self.task.cancel()
        super().closeEvent(event)
