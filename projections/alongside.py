"""Read models brought up to date by a second process while this one writes (a long
import).

A big import is two CPU-bound halves in Python: saving the events, then applying them
to the read models. One after the other they take the sum of both on one core; the
office computer has two. While the import saves its chunks, a second process reads
each committed chunk from the store and applies it to the read models, so when the
last chunk is saved only that chunk is left to apply.

Nothing can be applied twice or lost: the second process is an ordinary runner on
the same read-model file (each batch commits its rows with its positions, as in any
catch-up), this process's runner does not catch up meanwhile (the import has
unsubscribed it), and after the second process ends this process catches up as
always, which finds nothing left, or, when the second process failed or was stopped,
applies whatever it had not. An erasure the second process saw (another workstation's,
on a shared store) is handed back, so this runner still removes what the read models
hold of that patron.

Not for read models that live in this process's memory (an encrypted store's): a
second process cannot open them; the caller then catches up afterwards as before.

Started ahead (``CatchUpAlongside.prepare``), the second process imports the read
models and the store's modules (about half a second of CPU) while this process still
reads the file and opens the store, instead of after: otherwise the import's first
chunk is often saved before the second process is ready to apply it, and everything
after waits that much longer.
"""

from __future__ import annotations

import importlib
import logging
import multiprocessing
import signal
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from multiprocessing.sharedctypes import Synchronized
from multiprocessing.synchronize import Event
from typing import Any, Protocol

from domain.collector import fewer_collections
from projections.base import Projection
from projections.database import BULK_CACHE_KIB, HeldWrites, bulk_mode, checkpoints_beside
from projections.side_process import (
    Outcome,
    Pipe,
    SideRunner,
    StoreOpener,
    open_runner,
    outcome_of,
    report_and_end,
    start_child,
    stop_asked,
)

log = logging.getLogger(__name__)

#: how often the second process looks for newly committed events while the import
#: runs (seconds), when it has applied all there were
POLL_S = 0.05
#: the longest it holds its write transaction open (``HeldWrites``): another writer of
#: the read models (a window's catch-up, whose busy timeout is 30 s) waits at most that,
#: and the window's views see the import's rows at that pace
HOLD_S = 10.0
#: its page cache meanwhile (KiB), unless the import asks for another size: the pages
#: its held transaction changes stay in memory (at the design size 128 MB took a
#: 20,000-row import 4.6 s to apply, 48 MB 5.5 s)
HELD_CACHE_KIB = BULK_CACHE_KIB


class AlongsideRunner(SideRunner, Protocol):
    """What the second process uses of its runner (``ReadModelRunner``)."""

    pending_erasures: set[str]

    sums_deferred: bool

    def head(self) -> int: ...
    def positions(self) -> dict[str, int]: ...
    def sum_up(self) -> None: ...
    def sums_ahead(self, stop: Callable[[], bool] | None = None) -> None: ...


@dataclass
class Shared:
    """What the two processes of an import share: the event the second one has committed
    (``position``: what others reading the read models see) and the one it has applied
    (``applied_to``), and the first one's two signals to it."""

    position: Synchronized[int]
    applied_to: Synchronized[int]
    finish: Event
    cancel: Event

    @classmethod
    def made(cls, context: Any, start_position: int) -> Shared:
        """New ones of ``context`` (handed to a process as it is started)."""
        return cls(
            context.Value("q", start_position),
            context.Value("q", start_position),
            context.Event(),
            context.Event(),
        )


def _child(
    runner_class: Callable[..., AlongsideRunner],
    opener: StoreOpener,
    env: dict[str, str],
    classes: list[type[Projection]],
    path: str,
    batch_size: int,
    hold_s: float,
    cache_kib: int,
    shared: Shared,
    result: Pipe,
) -> None:
    """The second process: catch up until ``shared.finish`` is set, then once more
    (whatever was committed before it was set), and report through ``result``: ("ok",
    (CPU seconds, events applied, erased patron ids)) or ("error", why).
    ``shared.applied_to`` follows what it has applied, ``shared.position`` what it has
    committed; its writes are held ``hold_s`` seconds at most before they are committed
    (``HeldWrites``), in a page cache of ``cache_kib``."""
    # Ctrl+C on a terminal reaches every process of the command: this one ends when the
    # import has stopped and what it saved is applied, as the first one tells it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    position, applied_to, finish = shared.position, shared.applied_to, shared.finish
    try:
        store, runner = open_runner(runner_class, opener, env, classes, path, batch_size)
        runner.after_batch = lambda last: setattr(applied_to, "value", last)
        # one catch-up per saved chunk: what sums them up (the ladder's rungs of the
        # patrons touched) is done once, when the import has ended, and ahead of it for
        # what is applied whenever this process waits for the next chunk
        runner.sums_deferred = True
        stop = stop_asked(shared.cancel)
        started = time.process_time()
        applied = 0
        db = runner.db()
        # A long catch-up in steps: its settings (a bigger page cache, fewer checkpoints)
        # for the whole import, and its steps committed together (``HeldWrites``).
        with (
            fewer_collections(),
            bulk_mode(db, cache_kib),
            checkpoints_beside(db) as beside,
            HeldWrites(db, hold_s) as held,
        ):
            while not stop():
                last_round = finish.is_set()  # read before catching up: nothing is missed
                held.begin()
                step = runner.catch_up(cancelled=stop)
                applied += step
                reached = min(runner.positions().values(), default=0)
                if last_round:
                    # the import's rows committed first: the thread copies them into the
                    # file while the ladder is worked out (a small commit of its own)
                    held.commit()
                    runner.sum_up()
                    break
                waiting = not finish.is_set() and runner.head() <= reached
                if step and waiting:
                    # waiting for the next chunk: part of the end's work, done now (until
                    # the chunk or the import's end comes)
                    runner.sums_ahead(_until_more(runner, reached, finish, stop))
                if held.due():
                    held.commit()
                    position.value = reached
                    beside.keep_log_short(db.conn)  # a long import's log starts again
                if waiting:
                    finish.wait(POLL_S)
        position.value = min(runner.positions().values(), default=0)
        erased = sorted(runner.pending_erasures)
        runner.close()
        store.close()
        outcome: Outcome = ("ok", (time.process_time() - started, applied, erased))
    except BaseException:  # noqa: BLE001 - reported to the first process, which catches up
        outcome = ("error", traceback.format_exc())
    report_and_end(result, outcome)


def _prepared(modules: Sequence[str], work: Connection, shared: Shared, result: Pipe) -> None:
    """A second process started ahead of its import: import ``modules`` (what its work
    will need), then wait for the rest of ``_child``'s arguments through ``work`` and
    run it. Never handed them (``work`` closed, or the first process gone), it ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # as ``_child``: the first process says
    try:
        for name in modules:
            importlib.import_module(name)
    except BaseException:  # noqa: BLE001 - reported; the first process catches up itself
        report_and_end(result, ("error", traceback.format_exc()))
        return
    try:
        handed = work.recv()
    except EOFError:
        return  # not needed after all
    finally:
        work.close()
    apply_saved: Callable[..., None] = _child  # (``handed``: its first arguments)
    apply_saved(*handed, shared, result)


@dataclass
class Prepared:
    """A second process started ahead of the import it is for (``CatchUpAlongside.prepare``),
    with what it shares with this one; ``CatchUpAlongside.start`` hands it its work.
    ``release`` ends one that is not needed (so does this process's end)."""

    process: BaseProcess
    work: Connection
    result: Pipe
    shared: Shared

    def release(self) -> None:
        """End it if it was never handed its work (its wait ends); else nothing."""
        self.work.close()


def _until_more(
    runner: AlongsideRunner, reached: int, finish: Event, stop: Callable[[], bool]
) -> Callable[[], bool]:
    """Whether to stop working ahead: events after ``reached`` have been saved, the
    import has ended, or this process is asked to stop."""
    return lambda: stop() or finish.is_set() or runner.head() > reached


class CatchUpAlongside:
    """The second process of one import, from ``start`` to ``finish``."""

    def __init__(
        self,
        process: BaseProcess,
        pipe: Pipe,
        shared: Shared,
        start_position: int,
    ) -> None:
        self._process = process
        self._pipe = pipe
        self._shared = shared
        self.start_position = start_position
        #: why the second process failed ("" if it did not)
        self.error = ""
        #: CPU seconds the second process spent, and how many events it applied
        self.cpu_seconds = 0.0
        self.applied = 0
        #: patrons erased in events the second process applied (``finish`` hands them on)
        self.erased: list[str] = []

    @classmethod
    def prepare(cls, modules: Sequence[str] = ()) -> Prepared | None:
        """Start the second process of an import about to begin, before the store is
        open: it imports ``modules`` (besides the read models, this module's own
        imports: e.g. the module of the store's opener), then waits for ``start``.
        None (logged) when no process can be started: ``start`` then starts one."""
        context = multiprocessing.get_context("spawn")  # never fork a process running Qt
        shared = Shared.made(context, 0)
        receive_work, work = context.Pipe(duplex=False)
        started = start_child(
            context,
            _prepared,
            "houselights-read-models",
            (tuple(modules), receive_work, shared),
        )
        receive_work.close()
        if started is None:
            work.close()
            return None
        process, result = started
        return Prepared(process, work, result, shared)

    @classmethod
    def start(
        cls,
        runner_class: Callable[..., AlongsideRunner],
        opener: StoreOpener,
        env: dict[str, str],
        projections: Sequence[Projection],
        path: str,
        batch_size: int,
        start_position: int,
        hold_s: float = HOLD_S,
        cache_kib: int = HELD_CACHE_KIB,
        prepared: Prepared | None = None,
    ) -> CatchUpAlongside | None:
        """Start the second process, or None (logged) when it cannot be started;
        ``hold_s``: how long it holds its writes before committing them, ``cache_kib``
        its page cache meanwhile. ``prepared``: one started ahead (``prepare``), handed
        this work instead of starting another (unless it has ended meanwhile)."""
        work = (
            runner_class,
            opener,
            env,
            [type(p) for p in projections],
            path,
            batch_size,
            hold_s,
            cache_kib,
        )
        if prepared is not None:
            prepared.shared.position.value = start_position
            prepared.shared.applied_to.value = start_position
            try:
                prepared.work.send(work)
            except (OSError, ValueError) as error:  # it ended (the pipe is broken or closed)
                log.warning("the second process started ahead has ended (%s)", error)
                prepared.result.close()  # (what it said, if anything: it is replaced)
            else:
                return cls(prepared.process, prepared.result, prepared.shared, start_position)
            finally:
                prepared.release()
        context = multiprocessing.get_context("spawn")  # never fork a process running Qt
        shared = Shared.made(context, start_position)
        started = start_child(context, _child, "houselights-read-models", (*work, shared))
        if started is None:  # the caller catches up itself
            return None
        process, receive = started
        return cls(process, receive, shared, start_position)

    def position(self) -> int:
        """The event the read models are up to date with, as far as the second process
        has committed them (what others reading them see)."""
        return int(self._shared.position.value)

    def applied_to(self) -> int:
        """The event the second process has applied, committed or not (its progress)."""
        return int(self._shared.applied_to.value)

    def finish(
        self,
        head: int,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> bool:
        """Tell the second process that nothing more is coming and wait until it has
        applied everything up to ``head`` (the store's newest event now); True when it
        did without an error. ``progress(done, total)`` counts events from where the
        read models stood at the start; ``cancelled()`` stops it after its batch."""
        self._shared.finish.set()
        total = max(0, head - self.start_position)

        def tick() -> None:
            if progress is not None:
                progress(min(total, max(0, self.applied_to() - self.start_position)), total)

        status, detail = outcome_of(self._process, self._pipe, self._shared.cancel, tick, cancelled)
        if status != "ok":
            self.error = str(detail)
            log.warning("the read models' second process failed; catching up here: %s", detail)
            return False
        self.cpu_seconds, self.applied, self.erased = detail
        return True
