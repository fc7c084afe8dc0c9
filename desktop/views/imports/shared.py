"""What the two import dialogs (online sales, chats) share: the title and the muted
introduction at their top, the time zone that times without one are read in, and an
import that runs in the background with progress and Cancel (the dialog does not close
while it runs)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from zoneinfo import available_timezones

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QComboBox,
    QDialog,
    QLabel,
    QProgressBar,
    QPushButton,
    QWidget,
)

from desktop import formatting
from desktop.background import BackgroundRunner, Task
from desktop.settings import Settings
from desktop.views.widgets import heading, stop_task
from domain.application import Houselights
from imports.sales_values import local_zone

#: the last time zone chosen in either import dialog
TIMEZONE_SETTING = "import/timezone"


def add_import_header(layout: QBoxLayout, title: str, intro: str, parent: QWidget) -> QLabel:
    """The dialog's heading and its introduction (muted, wrapped); returns the latter."""
    layout.addWidget(heading(title, parent))
    label = QLabel(intro, parent)
    label.setObjectName("muted")
    label.setWordWrap(True)
    layout.addWidget(label)
    return label


def initial_zone(settings: Settings | None) -> str:
    """The zone last chosen for an import; else the organization's (the first-run
    assistant's), else this computer's, else UTC."""
    stored = settings.get(TIMEZONE_SETTING) if settings is not None else ""
    theirs = formatting.conventions().timezone
    return stored or theirs or getattr(local_zone(), "key", "") or "UTC"


def zone_chooser(settings: Settings | None, parent: QWidget) -> QComboBox:
    """An editable list of every time zone, on ``initial_zone``."""
    chooser = QComboBox(parent)
    chooser.setEditable(True)
    chooser.addItems(sorted(available_timezones()))
    chooser.setCurrentText(initial_zone(settings))
    return chooser


def remember_zone(settings: Settings | None, zone: str) -> None:
    if settings is not None:
        settings.set(TIMEZONE_SETTING, zone)


class ImportDialog(QDialog):
    """An import dialog: ``start_work`` runs the import on ``background`` and calls the
    dialog's ``_progress``, ``_finished``, ``_failed`` and ``_stopped``; Cancel stops it;
    closing waits until it has stopped (an import never runs without its dialog).
    ``report`` is the last import's; ``_outcome`` receives it from the work, also when the
    import is cancelled after saving some."""

    #: the report after an import finished (or was cancelled after saving some)
    imported = Signal(dict)

    progress: QProgressBar
    cancel_button: QPushButton

    if TYPE_CHECKING:  # each dialog has its own

        def _set_busy(self, busy: bool) -> None: ...
        def _progress(self, done: int, total: int, message: str) -> None: ...
        def _finished(self, report: dict) -> None: ...
        def _failed(self, error: BaseException, details: str = "") -> None: ...
        def _stopped(self) -> None: ...

    def __init__(
        self,
        app: Houselights,
        background: BackgroundRunner,
        settings: Settings | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.app = app
        self.background = background
        self.settings = settings
        self.task: Task | None = None
        self.report: dict | None = None
        self._outcome: list[dict] = []

    @property
    def busy(self) -> bool:
        return self.task is not None

    def start_work(self, work: Callable[..., Any], *args: Any) -> Task:
        self.task = self.background.run(
            work,
            *args,
            on_done=self._finished,
            on_error=self._failed,
            on_progress=self._progress,
            on_cancelled=self._stopped,
        )
        self._set_busy(True)
        return self.task

    def cancel(self) -> None:
        stop_task(self.task, self.cancel_button, self.progress, self.tr("Stopping…"))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        if self.busy:
            event.ignore()  # Cancel first
            return
        super().closeEvent(event)

    def reject(self) -> None:
        if not self.busy:
            super().reject()
