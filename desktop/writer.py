"""The one writer worker: commands run off the GUI thread, one after another.

A door scan (and any other command handed to it) is a call on the
application service that writes to the event store, and then brings this
workstation's read models up to date. With a slow or unreachable PostgreSQL
server that can take seconds; on the GUI thread it would freeze the screen.
``CommandWriter.submit(fn, *args, on_done=..., on_error=...)`` queues
``fn(*args)`` on one long-lived ``QThread``; commands run in the order they
were submitted (the door's verdicts come back in scan order) and their
results arrive as queued signals, on the GUI thread. The door's scans
(``first=True``) go ahead of other commands still waiting: a scan waits at
most for the one command running (``recording_other`` says when that is
this workstation's own sale or import, not the server).

``pending`` says how many commands are queued or running; ``idle`` is emitted
when the queue has run dry (scripts and the benchmark wait for it).
"""

from __future__ import annotations

import itertools
import logging
import threading
import traceback
from collections import deque
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, Qt, QThread, QTimer, Signal

from domain.errors import HouselightsError


class _Thread(QThread):
    """The writer's thread, its event loop run from Python.

    A QThread whose loop is C++'s own calls each queued command through a Python
    thread state made for that call and dropped after it: ``threading.local`` data
    (the read models' connection of this thread, the store's open batch) would be
    new for every command. The read models then opened a new SQLite connection
    for every scan, never closed, with its page cache cold: about 1 MB more memory
    and twice the CPU for every scan. With ``run`` in Python, the thread keeps one
    thread state for its whole life."""

    def run(self) -> None:
        self.exec()


class _Jobs:
    """The commands waiting, shared by the GUI thread and the writer's: door scans
    (``first``) before the others, each line in the order given; and what runs now."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.first: deque[tuple[int, Callable, tuple, dict]] = deque()
        self.rest: deque[tuple[int, Callable, tuple, dict]] = deque()
        #: None: nothing runs; True: a door scan; False: another command
        self.running_first: bool | None = None

    def put(self, first: bool, job: tuple[int, Callable, tuple, dict]) -> None:
        with self.lock:
            (self.first if first else self.rest).append(job)

    def take(self) -> tuple[int, Callable, tuple, dict] | None:
        with self.lock:
            line = self.first or self.rest
            if not line:
                return None
            self.running_first = line is self.first
            return line.popleft()

    def done(self) -> None:
        with self.lock:
            self.running_first = None


class _Worker(QObject):
    """Lives on the writer thread; runs the next job each time it is told to."""

    finished = Signal(int, bool, object, str)  # job, ok, result or error, traceback

    def __init__(self, jobs: _Jobs) -> None:
        super().__init__()
        self.jobs = jobs

    def run_next(self) -> None:
        taken = self.jobs.take()
        if taken is None:
            return
        job, fn, args, kwargs = taken
        try:
            result = fn(*args, **kwargs)
        except BaseException as error:  # delivered to the GUI, never lost
            self.jobs.done()
            if not isinstance(error, HouselightsError):  # a refusal is the form's to show
                logging.getLogger("houselights").warning(
                    "Command %s failed", getattr(fn, "__name__", fn), exc_info=True
                )
            self.finished.emit(job, False, error, traceback.format_exc())
        else:
            self.jobs.done()
            self.finished.emit(job, True, result, "")


class CommandWriter(QObject):
    """Runs commands on one worker thread, in order; callbacks on the GUI thread."""

    _next = Signal()
    #: a command finished: (job number, its result or error)
    done = Signal(int, object)
    #: nothing queued or running any more
    idle = Signal()

    def __init__(self, parent: QObject | None = None, name: str = "houselights-writer"):
        super().__init__(parent)
        self._numbers = itertools.count(1)
        self._callbacks: dict[int, tuple[Callable | None, Callable | None]] = {}
        self._thread = _Thread()
        self._thread.setObjectName(name)
        self._jobs = _Jobs()
        self._worker = _Worker(self._jobs)
        self._worker.moveToThread(self._thread)
        queued = Qt.ConnectionType.QueuedConnection
        self._next.connect(self._worker.run_next, queued)
        self._worker.finished.connect(self._finished, queued)
        self._thread.start()
        self._closed = False
        app = QCoreApplication.instance()
        if app is not None:  # a writer nobody shut down still stops with the app
            app.aboutToQuit.connect(self._stop_thread)

    def _stop_thread(self) -> None:
        self._closed = True
        self._thread.quit()
        self._thread.wait()

    @property
    def closed(self) -> bool:
        """Shut down: nothing more can be handed to it."""
        return self._closed

    @property
    def pending(self) -> int:
        return len(self._callbacks)

    def submit(
        self,
        fn: Callable,
        *args: Any,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException, str], None] | None = None,
        first: bool = False,
        **kwargs: Any,
    ) -> int:
        """Queue ``fn(*args, **kwargs)`` on the writer thread; returns the job number.
        ``first`` (the door's scans and undos): ahead of the other commands still
        waiting (a command already running finishes first), in order among themselves."""
        if self._closed:
            raise RuntimeError("the writer is shut down")
        job = next(self._numbers)
        self._callbacks[job] = (on_done, on_error)
        self._jobs.put(first, (job, fn, args, kwargs))
        self._next.emit()
        return job

    def recording_other(self) -> bool:
        """Whether the command running now is not a door scan (``first``): a sale, an
        import... of this workstation, which a scan waits for."""
        with self._jobs.lock:
            return self._jobs.running_first is False

    def _finished(self, job: int, ok: bool, payload: object, details: str) -> None:
        on_done, on_error = self._callbacks.pop(job, (None, None))
        try:
            if ok and on_done is not None:
                on_done(payload)
            elif not ok and on_error is not None:
                on_error(payload, details)
            self.done.emit(job, payload)
        finally:
            if not self._callbacks:
                self.idle.emit()

    def wait_idle(self, timeout_ms: int = 30000) -> bool:
        """Process events until every queued command has been answered (scripts,
        benchmarks, closing); True unless the timeout passed."""
        if not self._callbacks:
            return True
        loop = QEventLoop()
        self.idle.connect(loop.quit)
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()
        self.idle.disconnect(loop.quit)
        return not self._callbacks

    def shutdown(self, timeout_ms: int = 30000) -> bool:
        """Finish the queued commands (nothing recorded is dropped), then stop the thread."""
        if self._closed:
            return True
        answered = self.wait_idle(timeout_ms)
        self._closed = True
        self._thread.quit()
        return self._thread.wait(timeout_ms) and answered


_shared: CommandWriter | None = None


def shared_writer() -> CommandWriter:
    """The application's one writer: every view and dialog hands its commands here, so
    they run one after another, off the GUI thread, in the order they were given. A
    writer that was shut down (a window closed) is replaced on the next call."""
    global _shared
    if _shared is None or _shared._closed:
        _shared = CommandWriter(QCoreApplication.instance())
    return _shared
