"""The one background-work helper: long work never runs on the GUI thread.

``BackgroundRunner.run(fn, *args, on_done=..., on_error=..., on_progress=...,
on_cancelled=...)`` runs ``fn(progress, *args)`` on a small thread pool and
delivers its result, error, progress and cancellation back on the GUI thread
(queued Qt signals). ``run_with_progress`` adds a progress dialog with Cancel.

Callbacks, in the GUI thread:

* ``on_done(result)``
* ``on_error(exception, traceback_text)``
* ``on_progress(done, total, message)`` -- ``total`` is ``-1`` when unknown
* ``on_cancelled()`` -- the work raised ``Cancelled`` or returned after a cancel
"""

from __future__ import annotations

import logging
import threading
import traceback
import weakref
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QObject,
    QRunnable,
    Qt,
    QThread,
    QThreadPool,
    Signal,
)
from PySide6.QtWidgets import QProgressDialog, QWidget


class Cancelled(Exception):
    """Raised inside work that noticed it was cancelled."""


class CancelToken:
    """A thread-safe cancel flag shared by the GUI and the work function."""

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
    """Lives on the GUI thread; the worker emits, the GUI thread receives (queued)."""

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
        """Report progress from any thread; ``total=None`` means unknown (busy bar)."""
        self._signals.progress.emit(int(done), -1 if total is None else int(total), message)

    @property
    def cancelled(self) -> bool:
        return self.token.cancelled

    def raise_if_cancelled(self) -> None:
        self.token.raise_if_cancelled()


class Task(QObject):
    """One piece of background work; ``finished`` fires on the GUI thread.

    After ``finished`` the runner lets go of the task and its Qt object is
    deleted later; ``done``, ``result``, ``error``, ``cancelled`` and
    ``cancel()`` stay usable on a reference you kept.
    """

    finished = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.token = CancelToken()
        self.signals = _TaskSignals(self)
        self.done = False
        self.result: Any = None
        self.error: BaseException | None = None

    @property
    def cancelled(self) -> bool:
        return self.token.cancelled

    def cancel(self) -> None:
        self.token.cancel()


class _Runnable(QRunnable):
    def __init__(self, task: Task, fn: Callable, args: tuple, kwargs: dict):
        super().__init__()
        self.setAutoDelete(True)
        # The task's Qt objects belong to the runner until the GUI thread has
        # received the outcome, so they outlive this runnable.
        self.signals, self.token = task.signals, task.token
        #: the work; taken (not kept) by ``run``, so what it holds is freed when it ends
        self.work: tuple[Callable, tuple, dict] | None = (fn, args, kwargs)

    def run(self) -> None:
        signals, token = self.signals, self.token
        work, self.work = self.work, None
        if work is None:
            return
        fn, args, kwargs = work
        try:
            token.raise_if_cancelled()  # cancelled while waiting for a thread
            result = fn(Progress(signals, token), *args, **kwargs)
        except Cancelled:
            signals.cancelled.emit()
        except BaseException as error:  # delivered to the GUI, never lost
            logging.getLogger("houselights").warning(
                "Background work %s failed", getattr(fn, "__name__", fn), exc_info=True
            )
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
        self._busy = False

    @property
    def busy(self) -> bool:
        return self._busy

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busy_changed.emit(busy)

    @property
    def running(self) -> int:
        return len(self._running)

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
        """Run ``fn(progress, *args, **kwargs)`` in the pool; call from the GUI thread."""
        if QThread.currentThread() is not self.thread():
            raise RuntimeError("BackgroundRunner.run must be called from the runner's thread")
        task = Task(self)  # owned by the runner (C++ side) until it has finished
        signals = task.signals
        queued = Qt.ConnectionType.QueuedConnection
        # What the callbacks hold (a view, a dialog, this runner) is let go once the
        # task has finished, never later by the task's own deletion. Otherwise an owner
        # nobody else keeps (a window without a parent) would die when the finished
        # task is deleted (its wiring goes with it) and, from its own destructor, delete
        # that task a second time (a crash in ~QObject). The wiring below therefore
        # holds the runner weakly and the callbacks only until ``finish`` lets them go.
        runner_ref = weakref.ref(self)
        wanted: dict[str, Callable | None] = {
            "done": on_done,
            "failed": on_error,
            "cancelled": on_cancelled,
            "progress": on_progress,
        }
        if on_progress is not None:

            def progress(done: int, total: int, message: str) -> None:
                if (report := wanted.get("progress")) is not None:
                    report(done, total, message)

            signals.progress.connect(progress, queued)

        def finish(kind: str, *payload: Any) -> None:
            if task.done:
                return  # answered already
            task.done = True
            if (runner := runner_ref()) is not None:
                runner._running.discard(task)
                del runner  # held only while it is used
            callback = wanted.get(kind)
            try:
                if kind == "done":
                    task.result = payload[0]
                elif kind == "failed":
                    task.error = payload[0]
                if callback is not None:
                    callback(*payload)
            finally:  # a callback that raises must not leave the runner "busy"
                try:
                    task.finished.emit()
                finally:
                    runner = runner_ref()
                    if runner is not None and not runner._running:  # on_done may have
                        runner._set_busy(False)  # started the next task
                    del runner
                    task.deleteLater()  # polling every second must not pile up tasks
                    callback = None
                    wanted.clear()  # last (see above)

        signals.done.connect(lambda result: finish("done", result), queued)
        signals.failed.connect(lambda error, text: finish("failed", error, text), queued)
        signals.cancelled.connect(lambda: finish("cancelled"), queued)
        self._running.add(task)
        self._set_busy(True)
        self.pool.start(_Runnable(task, fn, args, kwargs))
        return task

    def cancel_all(self) -> None:
        for task in list(self._running):
            task.cancel()

    def wait_for_all(self, timeout_ms: int = 30000) -> bool:
        """Block until the pool is idle (shutdown); True unless the timeout passed."""
        return self.pool.waitForDone(timeout_ms)

    def shutdown(self, timeout_ms: int = 30000) -> bool:
        """Cancel what is running and wait for it (closing the window, quitting)."""
        self.cancel_all()
        return self.wait_for_all(timeout_ms)


def _tr(text: str) -> str:
    return QCoreApplication.translate("Background", text)


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
    """Run ``fn`` in the background behind a modeless progress dialog with Cancel.

    ``title`` should already be translated by the caller. The bar is a busy bar
    while the total is unknown; the dialog closes itself when the work ends.
    """
    dialog = QProgressDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(title)
    dialog.setCancelButtonText(_tr("Cancel"))
    dialog.setRange(0, 0)  # busy until the first progress report
    dialog.setMinimumDuration(0)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setWindowModality(Qt.WindowModality.NonModal)
    stopping = False

    def progress(done: int, total: int, message: str) -> None:
        if total < 0:
            dialog.setRange(0, 0)
        else:
            dialog.setRange(0, max(total, 1))
            dialog.setValue(max(0, min(done, max(total, 1))))
        if message and not stopping:
            dialog.setLabelText(message)

    def closing(callback):
        def handler(*payload):
            dialog.close()
            if callback is not None:
                callback(*payload)

        return handler

    task = runner.run(
        fn,
        *args,
        on_done=closing(on_done),
        on_error=closing(on_error),
        on_cancelled=closing(on_cancelled),
        on_progress=progress,
        **kwargs,
    )

    def cancel() -> None:
        nonlocal stopping
        if task.done:
            return
        stopping = True
        dialog.setLabelText(_tr("Stopping…"))
        task.cancel()

    dialog.canceled.connect(cancel)
    dialog.show()
    return task, dialog
