"""The one background-work helper: long work never runs on the GUI thread.

``BackgroundRunner.run(fn, *args, on_done=..., on_error=..., on_progress=...,
on_cancelled=...)`` runs ``fn(progress, *args)`` on a thread pool and delivers
its result, error, progress and cancellation back on the GUI thread (queued
Qt signals). ``run_with_progress`` adds a progress dialog with a Cancel button.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget


class Cancelled(Exception):
    """Raised inside work that noticed it was cancelled."""


class CancelToken:
    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until cancelled (or the timeout passes); True when cancelled."""
        return self._event.wait(timeout)


class _TaskSignals(QObject):
    progress = Signal(int, int, str)  # done, total (-1 = unknown), message
    done = Signal(object)
    failed = Signal(object, str)  # exception, traceback text
    cancelled = Signal()


class Progress:
    """Handed to the work function: report progress, notice cancellation."""

    def __init__(self, signals: _TaskSignals, token: CancelToken):
        self._signals = signals
        self.token = token

    def update(self, done: int, total: int | None = None, message: str = "") -> None:
        self._signals.progress.emit(int(done), -1 if total is None else int(total), message)

    @property
    def cancelled(self) -> bool:
        return self.token.cancelled

    def is_cancelled(self) -> bool:
        return self.token.cancelled

    def raise_if_cancelled(self) -> None:
        self.token.raise_if_cancelled()


class Task(QObject):
    """One piece of background work; ``finished`` fires on the GUI thread."""

    finished = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.token = CancelToken()
        self.signals = _TaskSignals(self)
        self.done = False
        self.result: Any = None
        self.error: BaseException | None = None

    def cancel(self) -> None:
        self.token.cancel()


class _Runnable(QRunnable):
    def __init__(self, task: Task, fn: Callable, args: tuple, kwargs: dict):
        super().__init__()
        self.setAutoDelete(True)
        self.task, self.fn, self.args, self.kwargs = task, fn, args, kwargs

    def run(self) -> None:
        signals, token = self.task.signals, self.task.token
        try:
            result = self.fn(Progress(signals, token), *self.args, **self.kwargs)
        except Cancelled:
            signals.cancelled.emit()
        except BaseException as error:  # delivered to the GUI, never lost
            signals.failed.emit(error, traceback.format_exc())
        else:
            if token.cancelled:
                signals.cancelled.emit()
            else:
                signals.done.emit(result)


class BackgroundRunner(QObject):
    """Runs functions on a small thread pool; callbacks arrive on the GUI thread."""

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, max_threads: int = 2):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._running: set[Task] = set()

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def run(
        self,
        fn: Callable,
        *args: Any,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException, str], None] | None = None,
        on_progress: Callable[[int, int, str], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
        **kwargs: Any,
    ) -> Task:
        task = Task(self)
        signals = task.signals
        queued = Qt.ConnectionType.QueuedConnection
        if on_progress is not None:
            signals.progress.connect(on_progress, queued)

        def finish(kind: str, *payload: Any) -> None:
            task.done = True
            self._running.discard(task)
            if kind == "done":
                task.result = payload[0]
                if on_done is not None:
                    on_done(payload[0])
            elif kind == "failed":
                task.error = payload[0]
                if on_error is not None:
                    on_error(*payload)
            elif on_cancelled is not None:
                on_cancelled()
            task.finished.emit()
            if not self._running:
                self.busy_changed.emit(False)

        signals.done.connect(lambda result: finish("done", result), queued)
        signals.failed.connect(lambda error, text: finish("failed", error, text), queued)
        signals.cancelled.connect(lambda: finish("cancelled"), queued)
        was_idle = not self._running
        self._running.add(task)
        if was_idle:
            self.busy_changed.emit(True)
        self.pool.start(_Runnable(task, fn, args, kwargs))
        return task

    def cancel_all(self) -> None:
        for task in list(self._running):
            task.cancel()

    def wait_for_all(self, timeout_ms: int = 30000) -> bool:
        return self.pool.waitForDone(timeout_ms)

    def shutdown(self, timeout_ms: int = 30000) -> bool:
        """Cancel what is running and wait for it (closing the window, quitting)."""
        self.cancel_all()
        return self.wait_for_all(timeout_ms)


def run_with_progress(
    parent: QWidget | None,
    runner: BackgroundRunner,
    title: str,
    fn: Callable,
    *args: Any,
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException, str], None] | None = None,
    on_cancelled: Callable[[], None] | None = None,
    **kwargs: Any,
) -> tuple[Task, QProgressDialog]:
    """Run ``fn`` in the background behind a progress dialog with Cancel."""
    dialog = QProgressDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(title)
    dialog.setCancelButtonText(QCoreApplication.translate("Background", "Cancel"))
    dialog.setRange(0, 0)  # busy until the first progress report
    dialog.setMinimumDuration(0)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setWindowModality(Qt.WindowModality.NonModal)

    def progress(done: int, total: int, message: str) -> None:
        if total < 0:
            dialog.setRange(0, 0)
        else:
            dialog.setRange(0, max(total, 1))
            dialog.setValue(min(done, max(total, 1)))
        if message:
            dialog.setLabelText(message)

    def closing(callback):
        def handler(*payload):
            dialog.close()
            if callback is not None:
                callback(*payload)

        return handler

    task = runner.run(
        fn, *args,
        on_done=closing(on_done), on_error=closing(on_error),
        on_cancelled=closing(on_cancelled), on_progress=progress, **kwargs,
    )  # fmt: skip

    def cancel() -> None:
        dialog.setLabelText(QCoreApplication.translate("Background", "Stopping…"))
        task.cancel()

    dialog.canceled.connect(cancel)
    dialog.show()
    return task, dialog
