"""The main window's backups: File → Back up now / Backups…, the daily backup, restoring.

A mixin so main_window.py only gains a few lines. Automatic backups run only
with real settings (the app), never in tests that open a window without them.
Restoring closes the window with ``pending_restore`` set; ``run_gui`` then puts
the backup in place and opens Houselights again on it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QProgressDialog

from desktop.background import BackgroundRunner, Task, run_with_progress
from desktop.settings import Settings, setting
from desktop.views.forms import open_or_raise
from desktop.views.system.backups_dialog import BackupsDialog, current_folder
from infrastructure import backups
from infrastructure.bootstrap import ConnectingServices, Services

#: how often the window asks whether a day has passed since the last backup
DAILY_CHECK_MS = 60 * 60 * 1000
FIRST_CHECK_MS = 60 * 1000


class BackupActions(QMainWindow):
    """The main window's backup actions (the window sets ``services``, ``settings``
    and ``background``) and its status-bar messages."""

    #: a shared store that did not answer at start gives ``ConnectingServices``
    services: Services | ConnectingServices
    settings: Settings | None
    background: BackgroundRunner
    backup_progress: QProgressDialog | None
    pending_restore: Path | None = None
    backups_dialog: BackupsDialog | None = None
    _backup_task: Task | None = None

    def show_message(self, text: str) -> None:
        """A line in the status bar (the window's own)."""
        self.statusBar().showMessage(text, 8000)

    def _add_backup_actions(self, menu) -> None:
        self.back_up_now_action = QAction(self.tr("Back &up now"), self)
        self.back_up_now_action.triggered.connect(self.back_up_now)
        self.backups_action = QAction(self.tr("&Backups…"), self)
        self.backups_action.triggered.connect(self.show_backups)
        menu.addAction(self.back_up_now_action)
        menu.addAction(self.backups_action)
        if self.services.config.kind != "sqlite":
            self.back_up_now_action.setEnabled(False)
            self.back_up_now_action.setToolTip(backups.postgres_message(self.services.config))

    def _start_backup_timer(self) -> None:
        self.backup_timer = QTimer(self)
        self.backup_timer.setInterval(DAILY_CHECK_MS)
        self.backup_timer.timeout.connect(self.daily_backup)
        if self.settings is not None and self.services.config.kind == "sqlite":
            self.backup_timer.start()
            QTimer.singleShot(FIRST_CHECK_MS, self.daily_backup)

    def _backup_options(self) -> tuple:
        return (
            self.services.config,
            current_folder(self.services.config, self.settings),
            int(setting(self.settings, "backups/keep")),
            bool(setting(self.settings, "backups/include_read_models")),
        )

    def daily_backup(self):
        """The day's backup, quietly in the background, when a day has passed since the last."""
        if self._backup_task is not None or not setting(self.settings, "backups/daily"):
            return None
        config, folder, keep, include = self._backup_options()
        if config.kind != "sqlite" or not backups.backup_due(folder):
            return None
        self._backup_task = self.background.run(
            backups.backup_work,
            config,
            folder,
            keep,
            include,
            on_done=self._backed_up,
            on_error=self._backup_failed,
            on_cancelled=self._backup_stopped,
        )
        return self._backup_task

    def back_up_now(self):
        """File → Back up now: with progress and Cancel."""
        if self._backup_task is not None:
            return self._backup_task
        task, self.backup_progress = run_with_progress(
            self,
            self.background,
            self.tr("Backing up every recorded event…"),
            backups.backup_work,
            *self._backup_options(),
            on_done=self._backed_up,
            on_error=self._backup_failed,
            on_cancelled=self._backup_stopped,
        )
        self._backup_task = task
        return task

    def _backed_up(self, info) -> None:
        self._backup_task = None
        if info is not None:
            self.show_message(
                self.tr("Backed up {events} events to {path}").format(
                    events=f"{info.events:,}", path=info.path
                )
            )
        if self.backups_dialog is not None:
            self.backups_dialog.refresh()

    def _backup_failed(self, error: BaseException, _details: str = "") -> None:
        self._backup_task = None
        self.show_message(self.tr("The backup could not be made: {error}").format(error=error))

    def _backup_stopped(self) -> None:
        self._backup_task = None
        self.show_message(self.tr("Backup cancelled; nothing was written."))

    def show_backups(self) -> BackupsDialog:
        def make() -> BackupsDialog:
            dialog = BackupsDialog(self.services.config, self.settings, self.background, self)
            dialog.restore_requested.connect(self.request_restore)
            dialog.backed_up.connect(
                lambda path: self.show_message(self.tr("Backed up to {path}").format(path=path))
            )
            return dialog

        if self.backups_dialog is not None:
            self.backups_dialog.refresh()
        return open_or_raise(self, "backups_dialog", make, keep=True)

    def request_restore(self, path: str) -> None:
        """A confirmed restore: close; run_gui restores and opens Houselights again."""
        self.pending_restore = Path(path)
        if self.backups_dialog is not None:
            self.backups_dialog.close()
        self.close()

    # -- a database error while running ------------------------------------------------
    _damage_reported = False

    def check_damage(self, error: BaseException) -> None:
        """After a database error: if a file is damaged, say so once and offer a backup."""
        from infrastructure.store_check import is_damage_error

        if self._damage_reported or not is_damage_error(error):
            return
        self._damage_reported = True
        self.background.run(
            damage_work,
            self.services.config,
            backup_folders_of(self),
            on_done=self._damage_found,
        )

    def _damage_found(self, found) -> None:
        from PySide6.QtWidgets import QMessageBox

        if found is None:
            self._damage_reported = False
            return
        if isinstance(found, backups.DamagedStore):
            from desktop.views.system.damaged_store_dialog import DamagedStoreDialog

            dialog = DamagedStoreDialog(found, self)
            if dialog.exec() == DamagedStoreDialog.DialogCode.Accepted and dialog.chosen:
                self.request_restore(str(dialog.chosen))
            return
        QMessageBox.warning(
            self,
            self.tr("The lists need rebuilding"),
            self.tr(
                "{what}\n\nIt only holds the lists built from your events; nothing recorded is "
                "lost. Close Houselights and open it again: the file is set aside and rebuilt."
            ).format(what=found.message),
        )


def backup_folders_of(window) -> list[Path]:
    config = window.services.config
    return list(
        dict.fromkeys([current_folder(config, window.settings), backups.default_folder(config)])
    )


def damage_work(_progress, config, folders: list[Path]):
    """The full, read-only check after an error: a DamagedStore, a read-model Damage, or None."""
    from infrastructure.store_check import check_events_file, check_readmodels_file

    if config.kind == "sqlite":
        damage = check_events_file(config.events_path, full=True)
        if damage is not None:
            return backups.DamagedStore(damage, backups.latest_in(folders), folders, config)
    return check_readmodels_file(config.readmodels_path, full=True)
