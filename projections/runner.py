"""The read-model runner: events from the store -> rows in the local read models.

* Each projection's position is written in the same SQLite transaction as the
  rows it produced, so a crash at any moment loses nothing and applies nothing
  twice: on restart the runner continues after the last committed position.
* Events are processed in batches (``batch_size`` notifications per
  transaction), which keeps catch-up and rebuild near SQLite's insert speed.
* A projection whose ``version`` changed, or whose position is ahead of the
  store (a different or restored store), is rebuilt from zero.
* eventsourcing's SQLite recorder has no subscriptions: the application calls
  ``notify()`` after each save in this process, and ``poll()`` picks up events
  appended by other processes or workstations.
* A long rebuild from zero uses a second core when ``side_store`` says how to
  open the event store elsewhere: the ``side_process`` projections are rebuilt
  by a second process and copied in at the end (``projections/side_process.py``).
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from eventsourcing.utils import TopicError, resolve_topic
from sqlite_utils import Database

from domain.errors import NotConnected
from projections.alongside import HELD_CACHE_KIB as ALONGSIDE_CACHE_KIB
from projections.alongside import HOLD_S as ALONGSIDE_HOLD_S
from projections.alongside import CatchUpAlongside, Prepared
from projections.base import Projection
from projections.database import (
    BULK_CACHE_KIB,
    SHARED_BULK_CACHE_KIB,
    ReadModelFile,
    bulk_mode,
    held,
)
from projections.side_process import SideRebuild, StoreOpener
from projections.stored_events import EventDecoder, Selected, select_batch

ProgressFn = Callable[[int, int], None]
Handler = Callable[[Database, Any, int], None]
log = logging.getLogger(__name__)

#: the event after which read models must forget a patron's personal data (issue 9)
ERASED_EVENT = "Patron.Erased"
CancelFn = Callable[[], bool]
#: a catch-up longer than this many batches runs in bulk mode (bigger cache, fewer checkpoints)
BULK_AFTER = 5
#: notifications per batch, and per batch in bulk mode when the batch size is this default
#: (each commit writes every page its batch changed: the 37,530 events of a 20,000-row
#: import committed 2,000 at a time spent 0.55 s of CPU committing, 20,000 at a time 0.15 s)
BATCH_SIZE = 2000
BULK_BATCH_SIZE = 20_000
#: a rebuild from zero of more events than this is shared with a second process (when
#: ``side_store`` is set): below it, starting that process costs more than it saves
SIDE_AFTER = 50_000


class Plan:
    """The projections one pass applies, and which of them reads each stored topic.

    A rebuild shared with a second process applies only some projections here: it
    makes a plan of its own for them instead of changing the runner's."""

    def __init__(self, projections: Sequence[Projection]) -> None:
        self.projections = list(projections)
        self._topics: dict[str, tuple[tuple[str, Handler], ...]] = {}

    def ignored_topics(self) -> list[str]:
        """Topics already known to be read by no projection of this plan."""
        return [topic for topic, routes in self._topics.items() if not routes]

    def routes(self, topic: str) -> tuple[tuple[str, Handler], ...]:
        """(projection name, handler) for events of this stored topic, in order (cached).

        Events nobody reads (contact-key index entries, say) get no routes and are
        not decoded at all. The topic is resolved, not parsed, so an event class
        renamed with ``register_topic`` is still recognised. A projection that
        overrides ``handle()`` gets every decoded event through it, as before.
        """
        routes = self._topics.get(topic)
        if routes is None:
            try:
                name = resolve_topic(topic).__qualname__
            except TopicError:
                name = topic.rsplit(":", 1)[-1]
            found: list[tuple[str, Handler]] = []
            if any(name in p.handlers for p in self.projections):
                for projection in self.projections:
                    if getattr(projection.handle, "__func__", None) is not Projection.handle:
                        found.append((projection.name, projection.handle))
                    elif name in projection.handlers:
                        found.append((projection.name, projection.handlers[name]))
            if not found and name == ERASED_EVENT:
                # Read models must learn of an erasure even if none of them shows it.
                found.append(("", lambda db, event, position: None))
            routes = self._topics[topic] = tuple(found)
        return routes


@contextmanager
def write_transaction(db: Database) -> Iterator[None]:
    """A transaction that holds SQLite's write lock from its first statement (``BEGIN
    IMMEDIATE``): what it reads no other connection can change before it commits.
    Nested inside another transaction it is a savepoint of that one, or, inside one
    that ``HeldWrites`` holds, part of it (rolled back whole on an error)."""
    conn = db.conn
    if held(conn):
        yield
        return
    if conn.in_transaction:
        with db.atomic():
            yield
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


class ReadModelRunner:
    """Feeds the store's events to the projections and keeps their positions."""

    def __init__(
        self,
        recorder: Any,
        mapper: Any,
        path: str | Path,
        projections: Sequence[Projection],
        batch_size: int = BATCH_SIZE,
        storage: ReadModelFile | None = None,
    ):
        self.recorder = recorder
        self.mapper = mapper
        self.path = Path(path)
        #: where the read models live (a plain file unless the store is encrypted)
        self.storage = storage if storage is not None else ReadModelFile(self.path)
        self.projections = list(projections)
        self.batch_size = batch_size
        #: notifications per batch in bulk mode; None: ``BULK_BATCH_SIZE`` while
        #: ``batch_size`` is the default, else ``batch_size`` (a size chosen stays chosen)
        self.bulk_batch_size: int | None = None
        self._in_bulk = False
        self._lock = threading.RLock()
        self._again = False
        #: each thread's connection, by the thread's id (see ``db``)
        self._by_thread: dict[int, Database] = {}
        #: threads whose saves catch up later (``notifications_deferred``)
        self._deferring: dict[int, list[int]] = {}
        self._opening = threading.Lock()  # not the catch-up's lock: opening never waits for one
        self._listeners: list[Callable[[int], None]] = []
        self._plan = Plan(self.projections)
        self._decoder: EventDecoder | None = None
        #: called after each batch with the new position (tests, progress): committed,
        #: unless a transaction ``HeldWrites`` holds is open around the catch-up
        self.after_batch: Callable[[int], None] | None = None
        #: patrons erased (perhaps by another workstation) whose personal data these read
        #: models may still hold; ``erasure_ready(ids)`` says whether the store is redacted
        self.pending_erasures: set[str] = set()
        self.erasure_ready: Callable[[set[str]], bool] | None = None
        #: (opener, env): how a second process opens this event store, for long rebuilds
        #: from zero (``projections/side_process.py``); None rebuilds in this process only
        self.side_store: tuple[StoreOpener, dict[str, str]] | None = None
        self.side_after = SIDE_AFTER
        #: tests: the second process holds after this many batches until cancelled
        self.side_hold_after: int | None = None
        #: how long an import's second process holds its writes before committing them
        #: (``projections/alongside.py``; tests: 0, a commit after each of its steps)
        self.alongside_hold_s = ALONGSIDE_HOLD_S
        #: page cache of a long catch-up (KiB); a second process sets its share
        self.bulk_cache_kib = BULK_CACHE_KIB
        #: why the last second process failed ("" if it did not); after a failure the
        #: runner rebuilds everything itself for the rest of its life
        self.side_error = ""
        #: the positions the last second process handed over, by projection (reports)
        self.side_copied: dict[str, int] = {}
        #: and the CPU seconds it took (this process's own are the caller's to measure)
        self.side_cpu_s = 0.0
        #: catch-ups in steps (an import's second process, one per saved chunk): the last
        #: batch of each does not do the work that sums many events up (the ladder's rungs
        #: of the patrons touched); ``sum_up`` does it once at the end
        self.sums_deferred = False
        #: ``sum_up`` is owed by a catch-up in steps that was stopped: the next catch-up
        #: not cancelled does it
        self._sums_pending = False
        #: the read service every view's read goes through (``domain/reading.py``:
        #: the application's ``read_models``, which checks the role in force); set by
        #: the bootstrap. Without one, ``read`` refuses: a view never reads past it.
        self.read_service: Callable[..., Any] | None = None
        self._setup()

    # -- databases --------------------------------------------------------
    def db(self) -> Database:
        """This thread's connection to the read models (one Database per thread).

        Kept by the thread's id, not in ``threading.local``: a thread that Qt started
        (a thread pool's, a QThread's) may enter Python with a new thread state for
        each task, and thread-local data would be gone by the next task: a new
        connection, never closed, its page cache cold, for every poll or scan."""
        ident = threading.get_ident()
        db = self._by_thread.get(ident)
        if db is None:
            db = self.storage.connect()
            with self._opening:
                self._by_thread[ident] = db
        return db

    def read(self, permission: str, reader: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """``reader(db, *args, **kwargs)`` on this thread's connection, asked of the read
        service, which first checks that the role in force has ``permission`` (issue 19):
        how the window's views read the read models, like the command line."""
        if self.read_service is None:
            raise RuntimeError("these read models have no read service to check reads")
        call = functools.partial(reader, **kwargs) if kwargs else reader
        return self.read_service(permission, call, self.db(), *args)

    def close(self) -> None:
        """Close every thread's connection (a restore must find the file free)."""
        with self._opening:
            opened, self._by_thread = list(self._by_thread.values()), {}
        for db in opened:
            db.conn.close()
        self.storage.close()  # (an encrypted store's: its copy written if anything changed)

    def _setup(self) -> None:
        db = self.db()
        with self._lock, db.atomic():
            db.conn.execute(
                "CREATE TABLE IF NOT EXISTS projection_positions ("
                " name TEXT PRIMARY KEY, position INTEGER NOT NULL, version INTEGER NOT NULL)"
            )
            stored = self._stored(db)
            for projection in self.projections:
                version = stored.get(projection.name, (0, None))[1]
                if version != projection.version:
                    self._reset(db, projection)
                elif projection.bulk_pending(db):
                    projection.bulk_end(db)  # a rebuild stopped before its full-text fill
                else:
                    projection.create(db)

    def _stored(self, db: Database) -> dict[str, tuple[int, int]]:
        return {
            name: (position, version)
            for name, position, version in db.conn.execute(
                "SELECT name, position, version FROM projection_positions"
            )
        }

    def _reset(self, db: Database, projection: Projection) -> None:
        projection.drop(db)
        projection.create(db)
        db.conn.execute(
            "INSERT OR REPLACE INTO projection_positions VALUES (?, 0, ?)",
            (projection.name, projection.version),
        )

    # -- positions --------------------------------------------------------
    def positions(self) -> dict[str, int]:
        return {
            name: pos
            for name, (pos, _) in self._stored(self.db()).items()
            if name in {p.name for p in self.projections}
        }

    def head(self) -> int:
        """The newest notification id in the event store (``NotConnected`` while the
        runner has no store to read: a window started without the shared server)."""
        if self.recorder is None:
            raise NotConnected()
        return self.recorder.max_notification_id() or 0

    @property
    def connected(self) -> bool:
        return self.recorder is not None

    def attach(self, recorder: Any, mapper: Any) -> None:
        """Read the store from now on: the shared server answered after a start without it."""
        with self._lock:
            self.mapper = mapper
            self.recorder = recorder

    def status(self) -> dict[str, dict[str, int]]:
        head = self.head()
        return {
            name: {"position": pos, "lag": max(0, head - pos)}
            for name, pos in self.positions().items()
        }

    def lag(self) -> int:
        head = self.head()
        return max((max(0, head - p) for p in self.positions().values()), default=0)

    # -- listeners (views refresh only when told) -------------------------
    def subscribe(self, listener: Callable[[int], None]) -> None:
        """``listener(position)`` runs after a catch-up wrote something."""
        self._listeners.append(listener)

    def unsubscribe(self, listener: Callable[[int], None]) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    # -- processing -------------------------------------------------------
    def notify(self, last_id: int | None = None) -> int:
        """Called by the application after each save in this process.

        Never waits: when another thread is already catching up, it is asked
        to go round once more and will pick these events up. Inside
        ``notifications_deferred`` on this thread, it only notes the save.
        """
        deferred = self._deferring.get(threading.get_ident())
        if deferred is not None:
            deferred.append(last_id or 0)
            return 0
        return self.catch_up(wait=False)

    @contextmanager
    def notifications_deferred(self) -> Iterator[list[int]]:
        """Saves made on this thread inside the block do not bring the read models up
        to date at once: the list yielded gets an entry for each, and the caller calls
        ``notify()`` when it is ready (the door paints its verdict first)."""
        ident = threading.get_ident()
        deferred: list[int] = []
        self._deferring[ident] = deferred
        try:
            yield deferred
        finally:
            self._deferring.pop(ident, None)

    def poll(self) -> int:
        """Pick up events appended elsewhere; cheap when there is nothing new."""
        return self.catch_up(wait=False)

    def catch_up(
        self,
        progress: ProgressFn | None = None,
        cancelled: CancelFn | None = None,
        until: int | None = None,
        wait: bool = True,
    ) -> int:
        """Apply every new event; returns how many notifications were applied."""
        if not self._lock.acquire(blocking=wait):
            self._again = True
            return 0
        done = 0
        summed = False
        try:
            while True:
                self._again = False
                done += self._catch_up_locked(progress, cancelled, until)
                if not self._again or (cancelled is not None and cancelled()):
                    break
            ready = self.erasure_ready
            erased = False
            if self.pending_erasures and ready is not None and ready(set(self.pending_erasures)):
                done += self._compact_locked(None)
                erased = True
            summed = self._sums_pending and (cancelled is None or not cancelled())
            if summed:  # a catch-up in steps was stopped before its end's work
                self._sums_pending = False
                self.sum_up()
            if done or summed:
                self.storage.changed(force=erased)
        finally:
            self._lock.release()
        if done or summed:
            self._tell_listeners()
        return done

    def _tell_listeners(self) -> None:
        position = min(self.positions().values(), default=0)
        for listener in list(self._listeners):
            listener(position)

    @contextmanager
    def applied_alongside(
        self,
        app: Any,
        progress: ProgressFn | None = None,
        second: bool = True,
        cancelled: CancelFn | None = None,
        cache_kib: int | None = None,
        prepared: Prepared | None = None,
    ) -> Iterator[Callable[[], None]]:
        """Around an import by ``app``: this runner does not catch up meanwhile (it
        hears none of ``app``'s saves and its other callers find it busy), a second
        process applies the saved events as they come (``second``, a long import, where
        one can be had; ``cache_kib``: its page cache, when not the usual size), and at
        the end everything is applied, ``progress`` counting
        what is left; ``cancelled()`` stops that wait after the batch being applied (the
        rest is applied by the next catch-up: the window's polls); ``prepared``: that
        second process, started ahead (``CatchUpAlongside.prepare``). Yields
        ``heard()``, to call now and then during the import: it tells this runner's
        listeners (the window's views) what the second process has applied so far."""
        with self._lock:
            app.unsubscribe(self.notify)
            process = self.start_alongside(cache_kib, prepared) if second else None
            if process is None and prepared is not None:
                prepared.release()  # (not needed; released already if it was tried)
            told = process.position() if process is not None else 0

            def heard() -> None:
                nonlocal told
                if process is not None and process.position() > told:
                    told = process.position()
                    self._tell_listeners()

            try:
                yield heard
            finally:
                app.subscribe(self.notify)
                if process is not None:
                    self.finish_alongside(process, progress=progress, cancelled=cancelled)
                else:
                    self.catch_up(progress=progress, cancelled=cancelled)

    def prepare_alongside(self) -> Prepared | None:
        """The second process of an import to come, started now so that it has
        imported what it needs by the time the import's first chunk is saved (the
        window starts it once a long file is read; it then waits, using no CPU); hand it
        to ``applied_alongside``, or ``release`` it. None where ``start_alongside``
        would start none."""
        side = self._alongside_store()
        if side is None:
            return None
        opener, _env = side
        return CatchUpAlongside.prepare((opener.__module__,))

    def _alongside_store(self) -> tuple[StoreOpener, dict[str, str]] | None:
        """How a second process opens the store to apply an import from (``side_store``),
        or None where it cannot: read models in memory (an encrypted store's) or no store
        to read."""
        if self.storage.in_memory or self.recorder is None:
            return None
        return self.side_store

    def start_alongside(
        self, cache_kib: int | None = None, prepared: Prepared | None = None
    ) -> CatchUpAlongside | None:
        """A second process that applies the events saved from now on to these read
        models while this process saves them (a long import: ``projections/alongside.py``),
        or None where that is not possible (read models in memory, no store to read,
        no second process to be had). ``prepared``: one started ahead, used if it can
        be (else ended). Meanwhile this runner must not catch up (the caller has
        unsubscribed it); ``finish_alongside`` ends it."""
        side = self._alongside_store()
        if side is None:
            if prepared is not None:
                prepared.release()
            return None
        opener, env = side
        return CatchUpAlongside.start(
            type(self),
            opener,
            env,
            self.projections,
            str(self.path),
            self._bulk_batch_size(),  # each of its catch-ups, about one chunk: one batch
            min(self.positions().values(), default=0),
            self.alongside_hold_s,
            ALONGSIDE_CACHE_KIB if cache_kib is None else cache_kib,
            prepared,
        )

    def sum_up(self) -> None:
        """The work a catch-up's last batch does once for the whole catch-up (``final``:
        the ladder working out the rungs of the patrons touched), for what catch-ups in
        steps left to it (``sums_deferred``). Nothing to do costs a query."""
        db = self.db()
        with self._lock, write_transaction(db):
            for projection in self.projections:
                projection.batch_done(db, True)

    def sums_ahead(self, stop: CancelFn | None = None) -> None:
        """Between the steps of a catch-up in steps (``sums_deferred``), while nothing new
        waits: what ``sum_up`` will do, done now for what is applied so far
        (``Projection.sums_ahead``), so that the end only does it for what comes after;
        ``stop()`` ends it early, after the part being done (new events to apply).
        Moves no position; a failure here leaves that work to ``sum_up``."""
        db = self.db()
        asked = stop if stop is not None else (lambda: False)
        with self._lock:
            try:
                with write_transaction(db):
                    for projection in self.projections:
                        projection.sums_ahead(db, asked)
            except BaseException:
                for projection in self.projections:
                    projection.batch_abandoned()
                raise

    def finish_alongside(
        self,
        alongside: CatchUpAlongside,
        progress: ProgressFn | None = None,
        cancelled: CancelFn | None = None,
    ) -> int:
        """Wait until ``alongside`` has applied every event saved, then catch up here
        whatever it has not (everything left, when it failed or was cancelled); returns
        how many events the two applied."""
        if alongside.finish(self.head(), progress, cancelled):
            self.pending_erasures.update(alongside.erased)
        # What the second process left to the end (the ladder's work-out), should it
        # have stopped early: now, or (cancelled) at the next catch-up.
        self._sums_pending = True
        done = self.catch_up(progress=progress, cancelled=cancelled)
        if alongside.applied and not done and self._sums_pending:
            # cancelled: nothing applied or summed here, so this catch-up told no one of
            # what the second process applied
            self.storage.changed()
            self._tell_listeners()
        return alongside.applied + done

    def _catch_up_locked(
        self, progress: ProgressFn | None, cancelled: CancelFn | None, until: int | None
    ) -> int:
        db = self.db()
        positions = self.positions()
        head = self.head() if until is None else until
        if until is None and any(pos > head for pos in positions.values()):
            # The store is behind our read models: a different or restored store.
            self._rebuild_locked(db)
            positions = self.positions()
        start = min(positions.values(), default=head)
        total = max(0, head - start)
        # A rebuild from zero already reads redacted payloads: only new erasures count.
        collect = start > 0
        if total > BULK_AFTER * self.batch_size:
            # Projections starting from zero fill their full-text indexes once at the end.
            fresh = [p for p in self.projections if positions.get(p.name, 0) == 0]
            side = self._start_side(fresh, start, head)
            with bulk_mode(db, self.bulk_cache_kib if side is None else SHARED_BULK_CACHE_KIB):
                with db.atomic():
                    for projection in fresh:
                        projection.bulk_begin(db)
                self._in_bulk = True
                try:
                    if side is not None:
                        return self._with_side(
                            db, side, positions, head, total, progress, cancelled
                        )
                    return self._batches(
                        db, self._plan, positions, start, head, total, progress, cancelled, collect
                    )
                finally:
                    self._in_bulk = False
                    with db.atomic():
                        for projection in fresh:
                            projection.bulk_end(db)
        return self._batches(
            db, self._plan, positions, start, head, total, progress, cancelled, collect
        )

    def _start_side(self, fresh: list[Projection], start: int, head: int) -> SideRebuild | None:
        """The second process of a long rebuild from zero, or None (not worth it, not
        possible, or failed before in this runner)."""
        if (
            self.side_store is None
            or self.storage.in_memory
            or self.side_error
            or start
            or head < self.side_after
        ):
            return None
        side = [p for p in fresh if p.side_process]
        if not side or len(side) == len(self.projections):
            return None
        opener, env = self.side_store
        return SideRebuild.start(
            type(self), opener, env, side, self.path, head, self.batch_size, self.side_hold_after
        )

    def _with_side(
        self,
        db: Database,
        side: SideRebuild,
        positions: dict[str, int],
        head: int,
        total: int,
        progress: ProgressFn | None,
        cancelled: CancelFn | None,
    ) -> int:
        """Rebuild from zero: the side projections in the second process, the others here,
        then copy theirs in. Should the second process fail, they are rebuilt here."""
        plan = Plan([p for p in self.projections if p not in side.projections])
        here = 0

        def shown(count: int, _total: int) -> None:  # both processes' work as one figure
            nonlocal here
            here = count
            if progress is not None:
                progress(min(total, (count + side.done()) // 2), total)

        def stop() -> bool:
            if cancelled is not None and cancelled():
                side.cancel()
                return True
            return False

        try:
            started = time.perf_counter()
            done = self._batches(db, plan, positions, 0, head, total, shown, stop, False)
            mine = time.perf_counter() - started
            finished = side.wait(tick=lambda: shown(here, total), cancelled=cancelled)
            waited = time.perf_counter() - started - mine
        except BaseException:
            side.discard()
            raise
        if not finished:
            self.side_error = side.error or "failed"
            side.discard()
            if cancelled is None or not cancelled():
                behind = min(positions.values(), default=head)
                return max(
                    done,
                    self._batches(
                        db,
                        self._plan,
                        positions,
                        behind,
                        head,
                        head - behind,
                        progress,
                        cancelled,
                        False,
                    ),
                )
            return done
        copying = time.perf_counter()
        self.side_copied = side.merge(db)
        log.info(
            "rebuilt %d events on two processes: this one %.1f s, then %.1f s waiting for"
            " the second (%.1f s CPU), %.1f s copying its tables",
            head,
            mine,
            waited,
            side.cpu_seconds,
            time.perf_counter() - copying,
        )
        self.side_cpu_s = side.cpu_seconds
        positions.update(self.side_copied)
        return done

    def _batches(
        self,
        db: Database,
        plan: Plan,
        positions: dict[str, int],
        start: int,
        head: int,
        total: int,
        progress: ProgressFn | None,
        cancelled: CancelFn | None,
        collect: bool,
    ) -> int:
        done = 0
        while start < head:
            if cancelled is not None and cancelled():
                break
            last, read, selected = self._select(plan, start + 1, head)
            if not last:
                break
            if not self._apply(
                db,
                plan,
                selected,
                positions,
                last,
                final=last >= head and not self.sums_deferred,
                collect_erasures=collect,
            ):
                # Another runner (another process on this file) applied some of these
                # first: go on from where the read models now stand.
                positions.update(self.positions())
                start = min((positions[p.name] for p in plan.projections), default=head)
                continue
            done += read
            start = last
            if self.after_batch is not None:
                self.after_batch(last)
            if progress is not None:
                progress(min(done, total), total)
        return done

    def _select(self, plan: Plan, start: int, stop: int) -> tuple[int, int, list[Selected]]:
        """The next batch of events some projection of ``plan`` reads (see
        ``projections/stored_events.py``): topics already known to be read by none
        stay in the store; a topic not seen before still comes through."""
        limit = max(self.batch_size, self._bulk_batch_size()) if self._in_bulk else self.batch_size
        return select_batch(self.recorder, start, stop, limit, plan.routes, plan.ignored_topics())

    def _bulk_batch_size(self) -> int:
        """Notifications per batch of a long catch-up: ``bulk_batch_size``, else
        ``BULK_BATCH_SIZE`` while ``batch_size`` is the default, else ``batch_size``."""
        if self.bulk_batch_size is not None:
            return self.bulk_batch_size
        return BULK_BATCH_SIZE if self.batch_size == BATCH_SIZE else self.batch_size

    def _apply(
        self,
        db: Database,
        plan: Plan,
        selected: list[Selected],
        positions: dict[str, int],
        last: int,
        final: bool = True,
        collect_erasures: bool = True,
    ) -> bool:
        """Apply one batch and move the positions, in one transaction; False (nothing
        applied) when another runner moved a position of ``plan`` since ``positions``
        were read."""
        try:
            return self._apply_batch(db, plan, selected, positions, last, final, collect_erasures)
        except BaseException:
            for projection in plan.projections:
                projection.batch_abandoned()
            raise

    def _apply_batch(
        self,
        db: Database,
        plan: Plan,
        selected: list[Selected],
        positions: dict[str, int],
        last: int,
        final: bool,
        collect_erasures: bool,
    ) -> bool:
        to_event = self._decoder
        if to_event is None or to_event.mapper is not self.mapper:
            to_event = self._decoder = EventDecoder(self.mapper)
        conn = db.conn
        erased_topic = ":" + ERASED_EVENT
        with write_transaction(db):
            if self._positions_moved(conn, plan, positions):
                return False
            # Most batches are applied by every projection (positions are equal
            # except after a crash mid-rebuild or a version bump): skip the check.
            floor = max(positions.values(), default=0)
            for nid, stored, routes in selected:
                event = to_event(stored)
                if collect_erasures and stored.topic.endswith(erased_topic):
                    self.pending_erasures.add(str(event.originator_id))
                if nid > floor:
                    for _name, handler in routes:
                        handler(db, event, nid)
                else:
                    for name, handler in routes:
                        if nid > positions.get(name, floor):
                            handler(db, event, nid)
            for projection in plan.projections:
                if last > positions[projection.name]:
                    projection.batch_done(db, final)
            for projection in plan.projections:
                if last > positions[projection.name]:
                    positions[projection.name] = last
                    conn.execute(
                        "UPDATE projection_positions SET position = ? WHERE name = ?",
                        (last, projection.name),
                    )
        return True

    @staticmethod
    def _positions_moved(conn: Any, plan: Plan, positions: dict[str, int]) -> bool:
        """Whether a position of ``plan``'s projections is no longer what ``positions``
        says: another process (the window beside a command-line import, or an import's
        second process) applied those events first. Read inside the write transaction,
        so no other runner can move them before this one commits."""
        names = [p.name for p in plan.projections]
        stored = dict(
            conn.execute(
                "SELECT name, position FROM projection_positions WHERE name IN "
                f"({','.join('?' * len(names))})",
                names,
            )
        )
        return any(stored.get(name, 0) != positions.get(name, 0) for name in names)

    def exclusive(self) -> AbstractContextManager[bool]:
        """Hold off catch-ups while read models are rewritten elsewhere (a ladder
        recompute); a context manager."""
        return self._lock

    def rebuild(self, progress: ProgressFn | None = None, cancelled: CancelFn | None = None) -> int:
        """Drop every read model and rebuild it from the first event.

        The first and the last event are read (and decrypted) before anything is
        dropped: a store that cannot be read (another key, missing settings) leaves the
        read models as they were."""
        with self._lock:
            self.check_events_readable()
            self._rebuild_locked(self.db())
            done = self.catch_up(progress=progress, cancelled=cancelled)
            self.storage.changed(force=True)
            return done

    def check_events_readable(self) -> None:
        """Raise what reading the store's first and last events raises (nothing
        changes); a store without events passes."""
        head = self.head()
        if not head:
            return
        for position in dict.fromkeys((1, head)):
            for notification in self.recorder.select_notifications(start=position, limit=1):
                self.mapper.to_domain_event(notification)

    def compact_after_erasure(self, progress: ProgressFn | None = None) -> int:
        """Forget erased personal data: rebuild every read model, then compact the file.

        The rebuild reads the redacted payloads, so no projection keeps a name, an
        address or a note; VACUUM with ``secure_delete`` leaves no freed page with the
        old bytes, and the WAL is checkpointed and truncated.
        """
        with self._lock:
            done = self._compact_locked(progress)
            self.storage.changed(force=True)
            return done

    def _compact_locked(self, progress: ProgressFn | None) -> int:
        db = self.db()
        db.conn.execute("PRAGMA secure_delete=ON")
        self._rebuild_locked(db, erasing=True)
        done = self._catch_up_locked(progress, None, None)
        self.pending_erasures.clear()
        db.conn.execute("VACUUM")
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return done

    def _rebuild_locked(self, db: Database, erasing: bool = False) -> None:
        # Some SQLite builds (Debian's among them) have secure_delete on, which writes
        # every freed page over: dropping the read models of a million events then took
        # 27 s and 200 MB more memory. What a plain rebuild drops is rebuilt from the
        # events anyway; an erasure keeps it on and compacts the file (VACUUM) after.
        previous = db.conn.execute("PRAGMA secure_delete").fetchone()[0]
        if not erasing:
            db.conn.execute("PRAGMA secure_delete=FAST")
        try:
            with db.atomic():
                for projection in self.projections:
                    self._reset(db, projection)
        finally:
            db.conn.execute(f"PRAGMA secure_delete={int(previous)}")
