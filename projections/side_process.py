"""A long rebuild on two cores: some read models are built by a second process.

A rebuild from zero is CPU-bound Python (decoding events, working out rows)
on one core. The projections marked ``side_process = True`` are self-contained
(they read only their own tables and build with no arguments), so a second
process can rebuild them from the same event store, into a file of their own
next to the read models, while this process rebuilds the others. When both
are done their tables are copied into the read models in one transaction
(``INSERT INTO t SELECT * FROM side.t``: the same schema on both sides lets
SQLite copy the pages as they are, much faster than inserting rows), together
with their positions. Then the side file is deleted.

Nothing can be lost or applied twice: the side projections' positions in the
read models stay at zero until the copy commits, so after a crash (of either
process) they are simply rebuilt again; a side file left behind is deleted
before a new one is started. If the second process cannot start or fails, the
runner rebuilds those projections itself, as it always did.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from multiprocessing.sharedctypes import Synchronized
from multiprocessing.synchronize import Event as CancelEvent
from pathlib import Path
from typing import Any, Protocol, TypeAlias

from sqlite_utils import Database

from projections.base import Projection
from projections.database import SHARED_BULK_CACHE_KIB, remove_database

log = logging.getLogger(__name__)

#: ``opener(env)``: how the second process opens the event store; what it returns has
#: the ``recorder`` and ``mapper`` to read it with (an application) and ``close()``
StoreOpener = Callable[[dict[str, str]], Any]
#: what the second process sends back: ("ok", CPU seconds) or ("error", why)
Outcome = tuple[str, Any]
#: (the type checker's Connection is generic, the running one is not)
Pipe: TypeAlias = "Connection[Outcome, Outcome]"


class SideRunner(Protocol):
    """What the second process uses of the runner it is handed (``ReadModelRunner``,
    built as ``runner_class(recorder, mapper, path, projections, batch_size=...)``)."""

    projections: list[Projection]
    bulk_cache_kib: int
    after_batch: Callable[[int], None] | None

    def db(self) -> Database: ...
    def catch_up(
        self,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
        until: int | None = None,
        wait: bool = True,
    ) -> int: ...
    def close(self) -> None: ...


#: how often the waiting process looks at the second one (seconds)
POLL_S = 0.1


def side_path(readmodels: Path) -> Path:
    return readmodels.with_name(readmodels.name + ".side")


def _child(
    runner_class: Callable[..., SideRunner],
    opener: StoreOpener,
    env: dict[str, str],
    classes: list[type[Projection]],
    path: str,
    main_path: str,
    until: int,
    batch_size: int,
    done: Synchronized[int],
    cancel: CancelEvent,
    hold_after: int | None,
    result: Pipe,
) -> None:
    """The second process: rebuild ``classes`` into ``path`` up to ``until``.

    ``hold_after`` (tests): after that many committed batches, wait until cancelled,
    so a test can cancel a shared rebuild at a known point instead of racing it."""
    try:
        store, runner = open_runner(runner_class, opener, env, classes, path, batch_size)
        runner.bulk_cache_kib = SHARED_BULK_CACHE_KIB
        scratch(runner.db())
        _copy_kept_tables(runner, main_path)

        def progress(count: int, _total: int) -> None:
            done.value = count

        parent = multiprocessing.parent_process()
        if hold_after is not None:
            committed = 0

            def hold(_position: int) -> None:
                nonlocal committed
                committed += 1
                if committed >= hold_after:
                    while not cancel.wait(POLL_S):
                        if parent is not None and not parent.is_alive():
                            return

            runner.after_batch = hold

        started = time.process_time()
        runner.catch_up(progress=progress, cancelled=stop_asked(cancel), until=until)
        runner.close()
        store.close()
        outcome: Outcome = ("ok", time.process_time() - started)
    except BaseException:  # noqa: BLE001 - reported to the parent, which falls back
        outcome = ("error", traceback.format_exc())
    report_and_end(result, outcome)


def report_and_end(result: Pipe, outcome: Outcome) -> None:
    """Send a second process's outcome to the first; after "ok", end this process at
    once. Its stores are closed and its writes committed by then, so the interpreter's
    own exit would only free, one by one, what it cached (40-60 ms after an import),
    while the first process waits for it to end (``outcome_of`` joins it). An error
    ends the ordinary way; so does a call outside a second process."""
    try:
        result.send(outcome)
    finally:
        result.close()
    if outcome[0] == "ok" and multiprocessing.parent_process() is not None:
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


def open_runner(
    runner_class: Callable[..., Any],
    opener: StoreOpener,
    env: dict[str, str],
    classes: list[type[Projection]],
    path: str,
    batch_size: int,
) -> tuple[Any, Any]:
    """In a second process: the event store ``env`` names, and a runner of ``classes``
    reading it into the read-model file ``path``."""
    store = opener(env)
    runner = runner_class(
        store.recorder, store.mapper, path, [cls() for cls in classes], batch_size=batch_size
    )
    return store, runner


def stop_asked(cancel: CancelEvent) -> Callable[[], bool]:
    """In a second process: whether to stop, asked to (``cancel``) or because the
    process that started it is gone (killed)."""
    parent = multiprocessing.parent_process()
    return lambda: cancel.is_set() or (parent is not None and not parent.is_alive())


def start_child(
    context: Any, target: Callable[..., None], name: str, args: tuple[Any, ...]
) -> tuple[BaseProcess, Pipe] | None:
    """Start ``target(*args, pipe)`` in a second process (``context``'s: spawned);
    returns it and the end of the pipe its outcome comes through, or None (logged)
    when it cannot be started."""
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=target, name=name, daemon=True, args=(*args, send))
    try:
        process.start()
    except Exception as error:  # noqa: BLE001 - the caller does the work itself
        log.warning("could not start a second process (%s): %s", name, error)
        return None
    send.close()
    return process, receive


def outcome_of(
    process: BaseProcess,
    pipe: Pipe,
    cancel: CancelEvent,
    tick: Callable[[], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Outcome:
    """Wait for what the second process sends back: ("ok", ...) or ("error", why),
    also when it ended without a word. ``tick`` runs while waiting (progress); when
    ``cancelled()`` says so, ``cancel`` is set for it."""
    outcome = None
    while outcome is None:
        if cancelled is not None and cancelled():
            cancel.set()
        if pipe.poll(POLL_S):
            try:
                outcome = pipe.recv()
            except EOFError:
                outcome = ("error", "the second process stopped without a word")
        elif not process.is_alive():
            time.sleep(POLL_S)  # its last message may still be on its way
            if not pipe.poll():
                outcome = ("error", f"the second process ended ({process.exitcode})")
        if tick is not None:
            tick()
    process.join(timeout=30)
    pipe.close()
    return outcome


def scratch(db: Database) -> None:
    """The side file is scratch: it is copied into the read models or thrown away, never
    read by the app, so it needs no write-ahead log and no syncing to the disk (a crash
    discards it). The rollback journal stays, in memory, so a failed batch still rolls
    back before the process reports its error."""
    db.conn.execute("PRAGMA journal_mode=MEMORY")
    db.conn.execute("PRAGMA synchronous=OFF")


def _copy_kept_tables(runner: SideRunner, main_path: str) -> None:
    """Tables a projection creates but keeps across rebuilds (the ladder's rules) hold
    the office's settings: the side file starts with the read models' copy of them."""
    db = runner.db()
    dropped = {table for p in runner.projections for table in p.tables}
    kept = {
        row[0]
        for row in db.conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        )
    }
    kept -= dropped | {"projection_positions"}
    if not kept:
        return
    db.conn.execute("ATTACH DATABASE ? AS readmodels", (main_path,))  # only read
    try:
        found = {
            row[0]
            for row in db.conn.execute(
                "SELECT name FROM readmodels.sqlite_master WHERE type='table'"
            )
        }
        with db.atomic():
            for table in sorted(kept & found):
                db.conn.execute(
                    f"INSERT OR REPLACE INTO main.[{table}] SELECT * FROM readmodels.[{table}]"
                )
    finally:
        db.conn.execute("DETACH DATABASE readmodels")


class SideRebuild:
    """The second process of one rebuild, from ``start`` to ``wait`` and ``merge``."""

    def __init__(
        self,
        projections: Sequence[Projection],
        path: Path,
        process: BaseProcess,
        pipe: Pipe,
        done: Synchronized[int],
        cancel: CancelEvent,
    ) -> None:
        self.projections = list(projections)
        self.path = path
        self._process = process
        self._pipe = pipe
        self._done = done
        self._cancel = cancel
        self.error = ""
        #: CPU seconds the second process spent rebuilding (benchmarks report it)
        self.cpu_seconds = 0.0

    @classmethod
    def start(
        cls,
        runner_class: Callable[..., SideRunner],
        opener: StoreOpener,
        env: dict[str, str],
        projections: Sequence[Projection],
        readmodels: Path,
        until: int,
        batch_size: int,
        hold_after: int | None = None,
    ) -> SideRebuild | None:
        """Start the second process, or None (logged) when it cannot be started.

        ``runner_class`` is the runner the second process catches up with (passed in,
        so this module need not import the runner that imports it)."""
        path = side_path(readmodels)
        remove_database(path)
        context = multiprocessing.get_context("spawn")  # never fork a process running Qt
        done, cancel = context.Value("q", 0), context.Event()
        started = start_child(
            context,
            _child,
            "houselights-rebuild",
            (
                runner_class,
                opener,
                env,
                [type(p) for p in projections],
                str(path),
                str(readmodels),
                until,
                batch_size,
                done,
                cancel,
                hold_after,
            ),
        )
        if started is None:  # the runner rebuilds them itself
            return None
        process, receive = started
        return cls(projections, path, process, receive, done, cancel)

    def done(self) -> int:
        """Events the second process has applied so far."""
        return self._done.value

    def cancel(self) -> None:
        self._cancel.set()

    def wait(
        self, tick: Callable[[], None] | None = None, cancelled: Callable[[], bool] | None = None
    ) -> bool:
        """Wait for the second process; True when it finished without an error.

        ``tick`` runs while waiting (progress); ``cancelled`` is passed on."""
        status, detail = outcome_of(self._process, self._pipe, self._cancel, tick, cancelled)
        if status != "ok":
            self.error = detail
            log.warning("the rebuild's second process failed; rebuilding here: %s", detail)
            return False
        self.cpu_seconds = detail
        return True

    def merge(self, db: Database) -> dict[str, int]:
        """Copy the side file's tables and positions into the read models (one
        transaction); returns the positions copied. The side file is then deleted."""
        conn = db.conn
        conn.execute("ATTACH DATABASE ? AS side", (str(self.path),))
        try:
            positions = dict(conn.execute("SELECT name, position FROM side.projection_positions"))
            found = {
                row[0]
                for row in conn.execute("SELECT name FROM side.sqlite_master WHERE type='table'")
            }
            copied = {}
            with db.atomic():
                for projection in self.projections:
                    position = positions.get(projection.name, 0)
                    if not position:
                        continue
                    for table in projection.tables:
                        if table in found:
                            conn.execute(f"DELETE FROM main.[{table}]")
                            conn.execute(f"INSERT INTO main.[{table}] SELECT * FROM side.[{table}]")
                    conn.execute(
                        "UPDATE main.projection_positions SET position = ? WHERE name = ?",
                        (position, projection.name),
                    )
                    copied[projection.name] = position
        finally:
            conn.execute("DETACH DATABASE side")
        remove_database(self.path)
        return copied

    def discard(self) -> None:
        """Stop the second process (if still running) and delete its file."""
        self.cancel()
        if self._process.is_alive():
            self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.kill()
            self._process.join(timeout=10)
        remove_database(self.path)
