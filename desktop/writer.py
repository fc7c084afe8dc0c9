"""The one writer worker: commands run off the GUI thread, one after another.

A door scan (and any other command handed to it) is a call on the
application service that writes to the event store, and then brings this
workstation's read models up to date. With a slow or unreachable PostgreSQL
server that can take seconds; on the GUI thread it would freeze the screen.
``CommandWriter.submit(fn, *args, on_done=..., on_error=...)`` queues
``fn(*args)`` on one long-lived ``QThread``; commands run in the order they
were submitted (the door's verdicts come back in scan order) and their
results arrive as queued signals, on the GUI thread.

The door has a lane of its own (``submit(..., lane=DOOR_LANE)``, a second thread):
a scan is never in line behind a sale, a refund or an import this workstation is
still recording, so the door answers in its own time (and, on a shared store, its
front decides from its own copy when the server does not answer). Commands in one
lane run in the order they were given; the two lanes run side by side, as two
workstations would (the store's optimistic concurrency keeps them apart).

``pending`` says how many commands are queued or running in either lane; ``idle``
is emitted when both have run dry (scripts and the benchmark wait for it).
"""

from __future__ import annotations

import itertools
import logging
import traceback
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


class _Worker(QObject):
    """Lives on the writer thread; runs each job it is handed."""

    finished = Signal(int, bool, object, str)  # job, ok, result or error, traceback

    def run(self, job: int, fn: Callable, args: tuple, kwargs: dict) -> None:
        try:
            result = fn(*args, **kwargs)
        except BaseException as error:  # delivered to the GUI, never lost
            if not isinstance(error, HouselightsError):  # a refusal is the form's to show
                logging.getLogger("houselights").warning(
                    "Command %s failed", getattr(fn, "__name__", fn), exc_info=True
                )
            self.finished.emit(job, False, error, traceback.format_exc())
        else:
            self.finished.emit(job, True, result, "")


#: the office's commands (sales, notes, refunds, imports...): the default lane
OFFICE_LANE = "office"
#: the door's scans and undos, beside the office's commands, never behind them
DOOR_LANE = "door"


class _Lane(QObject):
    """One thread and its worker; commands handed to it run one after another."""

    _run = Signal(int, object, object, object)

    def __init__(self, name: str, finished: Callable) -> None:
        super().__init__()
        self.thread = _Thread()
        self.thread.setObjectName(name)
        self.worker = _Worker()
        self.worker.moveToThread(self.thread)
        queued = Qt.ConnectionType.QueuedConnection
        self._run.connect(self.worker.run, queued)
        self.worker.finished.connect(finished, queued)
        self.thread.start()

    def submit(self, job: int, fn: Callable, args: tuple, kwargs: dict) -> None:
        self._run.emit(job, fn, args, kwargs)

    def stop(self, timeout_ms: int | None = None) -> bool:
        self.thread.quit()
        return self.thread.wait() if timeout_ms is None else self.thread.wait(timeout_ms)


class CommandWriter(QObject):
    """Runs commands on worker threads, in order per lane; callbacks on the GUI thread."""

    #: a command finished: (job number, its result or error)
    done = Signal(int, object)
    #: nothing queued or running any more
    idle = Signal()

    def __init__(self, parent: QObject | None = None, name: str = "houselights-writer"):
        super().__init__(parent)
        self._name = name
        self._numbers = itertools.count(1)
        self._callbacks: dict[int, tuple[Callable | None, Callable | None]] = {}
        #: the lanes started so far (the door's starts with its first scan)
        self._lanes: dict[str, _Lane] = {}
        self._lane(OFFICE_LANE)
        self._closed = False
        app = QCoreApplication.instance()
        if app is not None:  # a writer nobody shut down still stops with the app
            app.aboutToQuit.connect(self._stop_thread)

    def _lane(self, lane: str) -> _Lane:
        if lane not in self._lanes:
            name = self._name if lane == OFFICE_LANE else f"{self._name}-{lane}"
            self._lanes[lane] = _Lane(name, self._finished)
        return self._lanes[lane]

    def _stop_thread(self) -> None:
        self._closed = True
        for lane in self._lanes.values():
            lane.stop()

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
        lane: str = OFFICE_LANE,
        **kwargs: Any,
    ) -> int:
        """Queue ``fn(*args, **kwargs)`` on ``lane``'s thread; returns the job number."""
        if self._closed:
            raise RuntimeError("the writer is shut down")
        job = next(self._numbers)
        self._callbacks[job] = (on_done, on_error)
        self._lane(lane).submit(job, fn, args, kwargs)
        return job

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
        """Finish the queued commands (nothing recorded is dropped), then stop the threads."""
        if self._closed:
            return True
        answered = self.wait_idle(timeout_ms)
        self._closed = True
        stopped = all([lane.stop(timeout_ms) for lane in self._lanes.values()])
        return stopped and answered


_shared: CommandWriter | None = None


def shared_writer() -> CommandWriter:
    """The application's one writer: every view and dialog hands its commands here, so
    they run one after another, off the GUI thread, in the order they were given. A
    writer that was shut down (a window closed) is replaced on the next call."""
    global _shared
    if _shared is None or _shared._closed:
        _shared = CommandWriter(QCoreApplication.instance())
    return _shared
