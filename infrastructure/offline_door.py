"""The door's front: ask the shared store briefly, else decide here and queue.

Both the door view and the ``check-in`` command call ``OfflineDoor.scan`` as they
would call ``app.scan``. On a shared (PostgreSQL) store every scan goes to the store
on one worker thread, and the door waits for it at most ``BUDGET_SECONDS`` (300 ms).
When the store fails or is slower than that, the door decides from its own read
models and its queue (``domain.door_offline``, the Ticket's own rule), writes the scan
to the durable queue (``infrastructure.door_queue``) and shows the verdict at once.
Later scans are decided here straight away until the store answers again.

The queued scans are sent in order, in the background, when the store answers
(``start_syncing``), or on demand (``sync``, ``houselights sync``); each is applied
through the Ticket aggregate (``DoorService.send_queued``). A scan the store got late
(after the door had stopped waiting) carries the same id as its queued copy, so it is
recorded once.

On the embedded SQLite store there is no network to lose: ``scan`` is ``app.scan``.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from eventsourcing.persistence import IntegrityError, PersistenceError

from domain.box_office import undo_reason
from domain.door import clean_door, read_scan
from domain.door_offline import admission_now, check_undo_offline, decide_offline
from domain.door_service import (
    ALREADY_SENT,
    CONFLICT,
    QUEUED_UNDO,
    PerformanceFacts,
    ScanResult,
    UndoResult,
)
from domain.errors import HouselightsError, PerformanceNotFound
from infrastructure.door_queue import DoorQueue
from infrastructure.server_probe import fresh_connections
from infrastructure.shared_store import ServerProblem
from projections import door as door_model

log = logging.getLogger(__name__)

#: how long a scan waits for the shared store before the door decides by itself
BUDGET_SECONDS = 0.3
#: a store call running this long is given up for lost: later calls get a fresh thread
STUCK_SECONDS = 15.0
#: how long ``sync`` waits for the store (the command line, the background sync)
SYNC_SECONDS = 60.0
#: queued scans sent between two notes in the queue of what was sent
SEND_CHUNK = 50


@dataclass(frozen=True, slots=True)
class SyncResult:
    """What one ``sync`` did: ``sent`` scans the store took now (conflicts included),
    ``conflicts`` those that met another admission of the same ticket (recorded as
    double entries) or a ticket no longer valid, ``left`` scans still waiting."""

    sent: int
    conflicts: int
    left: int

    def to_json(self) -> dict[str, int]:
        """``{"sent", "conflicts", "left"}``: ``houselights sync --json``."""
        return {"sent": self.sent, "conflicts": self.conflicts, "left": self.left}


@dataclass(frozen=True, slots=True)
class DoorState:
    """The door's front now: ``offline`` (True: deciding here, the store does not
    answer) and ``queued`` (scans waiting to be sent)."""

    offline: bool
    queued: int

    def to_json(self) -> dict[str, bool | int]:
        return {"offline": self.offline, "queued": self.queued}


@dataclass(frozen=True, slots=True)
class WaitingVisit:
    """A patron's ticket whose admission this door changed and has not sent yet: admitted
    here (``undone`` False) or an admission the read models have, undone here (``undone``
    True); ``at`` (ISO 8601) and ``door`` of that scan, the performance (``title``,
    ``starts_at``: "" when not known here); ``new_visit``: the patron's visits change
    with it (admitted: the read models count no visit of the patron to that performance
    yet; undone: this ticket was the patron's only one admitted to it)."""

    code: str
    performance_id: str
    title: str
    starts_at: str
    door: str
    at: str
    new_visit: bool
    undone: bool = False

    @staticmethod
    def visits_change(waiting: list[WaitingVisit]) -> int:
        """How the patron's visits differ from the read models' count: one more for each
        performance first visited here, one fewer for each visit undone here."""
        came = {visit.performance_id for visit in waiting if visit.new_visit and not visit.undone}
        gone = {visit.performance_id for visit in waiting if visit.new_visit and visit.undone}
        return len(came) - len(gone)


class StoreUnreachable(HouselightsError):
    """The shared store did not answer; the scans stay queued."""

    def __init__(self, waiting: int, why: str = "") -> None:
        self.waiting = waiting
        super().__init__(
            f"The shared store did not answer{f' ({why})' if why else ''}. {waiting} scan"
            f"{'' if waiting == 1 else 's'} still waiting; nothing is lost. Try again when "
            "the network or the server is back."
        )


def unreachable(error: BaseException) -> bool:
    """Whether ``error`` says the store could not be reached (not a domain refusal)."""
    if isinstance(error, HouselightsError):
        return False
    if isinstance(error, ServerProblem):  # named by the shared store's start-up
        return error.kind == "unreachable"
    try:
        import psycopg
        import psycopg_pool

        driver: tuple[type[BaseException], ...] = (psycopg.Error, psycopg_pool.PoolTimeout)
    except ImportError:  # pragma: no cover - psycopg is a dependency
        driver = ()
    return isinstance(error, (PersistenceError, OSError, FutureTimeout, *driver))


class _Worker:
    """One daemon thread that talks to the store; callers wait as long as they choose.

    A call stuck far longer than any answer (a stalled connection) is given up: the
    next call gets a fresh thread, so the door can come back online."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: queue.Queue | None = None
        self._started: float | None = None  # when the running job started
        self._queued = 0

    def busy(self) -> bool:
        with self._lock:
            return self._started is not None or self._queued > 0

    def submit(self, fn: Callable[[], Any]) -> Future:
        future: Future = Future()
        with self._lock:
            if self._jobs is None or self._running_longer_than(STUCK_SECONDS):
                self._fresh_thread()
            assert self._jobs is not None
            self._queued += 1
            self._jobs.put((future, fn))
        return future

    def unstick(self, before: float) -> None:
        """A call running since before ``before`` (``time.monotonic``) is given up for
        lost now: the server answered a fresh connection meanwhile, so the call hangs on
        a dead one. The calls waiting behind it, and later ones, go to a fresh thread
        (the old one ends when its call does)."""
        with self._lock:
            if self._jobs is not None and self._started is not None and self._started < before:
                self._fresh_thread()

    def _running_longer_than(self, seconds: float) -> bool:
        return self._started is not None and time.monotonic() - self._started > seconds

    def _fresh_thread(self) -> None:
        """(Under the lock.) A new thread and queue; what waited in the old one moves."""
        waiting: list = []
        if self._jobs is not None:
            log.warning("door: a store call hangs; giving it up for a fresh one")
            while True:
                try:
                    waiting.append(self._jobs.get_nowait())
                except queue.Empty:
                    break
        self._jobs = queue.Queue()
        for job in waiting:
            self._jobs.put(job)
        self._started, self._queued = None, len(waiting)
        threading.Thread(
            target=self._run, args=(self._jobs,), daemon=True, name="door-store"
        ).start()

    def _run(self, jobs: queue.Queue) -> None:
        while True:
            future, fn = jobs.get()
            with self._lock:
                mine = jobs is self._jobs
                if mine:
                    self._queued -= 1
                    self._started = time.monotonic()
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(fn())
            except BaseException as error:  # noqa: BLE001 - handed to the caller
                future.set_exception(error)
            finally:
                with self._lock:
                    if jobs is self._jobs:
                        self._started = None
            if jobs is not self._jobs:
                return  # given up for lost while it hung: a fresh thread serves now


class OfflineDoor:
    """Door checks that go on when the shared store does not answer."""

    def __init__(
        self,
        *,
        readmodels: Callable[[], Any],
        door_queue: DoorQueue,
        app: Any = None,
        opener: Callable[[], Any] | None = None,
        shared: bool = True,
        workstation: str = "",
        staff: str = "",
        budget: float = BUDGET_SECONDS,
        clock: Callable[[], datetime] | None = None,
        probe: Callable[[], bool] | None = None,
    ) -> None:
        self._readmodels = readmodels
        #: whether the server answers a fresh connection, quickly and never hanging
        #: (``infrastructure.server_probe``); None: the background sync just tries
        self._probe = probe
        self.queue = door_queue
        self.app = app
        self._opener = opener
        self.shared = shared
        self.workstation = workstation
        self.staff = staff
        self.budget = budget
        self.clock = clock or (lambda: datetime.now(tz=UTC))
        #: True while the store is not answering (scans are decided here)
        self.offline = shared and app is None
        self._worker = _Worker()
        self._listeners: list[Callable[[DoorState], None]] = []
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._syncer: threading.Thread | None = None
        #: tests and the background sync: called after each sync with its result
        self.after_sync: Callable[[SyncResult], None] | None = None

    # -- state ---------------------------------------------------------------------
    def subscribe(self, listener: Callable[[DoorState], None]) -> None:
        """Call ``listener(DoorState)`` (on any thread) when either of its facts changes."""
        self._listeners.append(listener)

    def unsubscribe(self, listener: Callable[[DoorState], None]) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def state(self) -> DoorState:
        return DoorState(self.offline, self.queue.waiting())

    def _changed(self) -> None:
        state = self.state()
        for listener in list(self._listeners):
            listener(state)

    def _set_offline(self, offline: bool) -> None:
        was, self.offline = self.offline, offline
        if offline and not was:
            log.warning("door: the shared store does not answer; deciding here")
            self._wake.set()
        if was != offline:
            self._changed()

    def store_failed(self) -> None:
        """Something else found the shared store not answering (the window's poll): the
        door decides here from now on, and the background sync finds out when it answers."""
        if self.shared:
            self._set_offline(True)

    def db(self):
        """The door read model (this thread's connection)."""
        return self._readmodels()

    # -- the store -------------------------------------------------------------------
    def _app(self):
        if self.app is None:
            if self._opener is None:
                raise StoreUnreachable(self.queue.waiting(), "never opened here")
            self.app = self._opener()
        return self.app

    def _ask(self, fn: Callable[[Any], Any], timeout: float) -> Any:
        """``fn(app)`` on the store thread, waited for ``timeout`` seconds at most.
        Raises what ``fn`` raised, or ``FutureTimeout``."""
        return self._worker.submit(lambda: fn(self._app())).result(timeout)

    def _send_code(self, app, code: str) -> None:
        """This ticket's queued scans go first, so the store decides on them too."""
        if code and self.queue.pending(1, code=code):
            self._send(app, self.queue.pending(10_000, code=code))

    def _send(self, app, scans: list[dict]) -> tuple[int, int]:
        """Send ``scans`` in order; returns (sent, conflicts). A chunk goes in one
        transaction; if another door wrote one of its tickets meanwhile, nothing of it
        was saved and it goes again scan by scan (each deciding on what is stored)."""
        try:
            with app.store.batch(size=len(scans) + 1):
                outcomes = [(scan["id"], app.door.send_queued(scan)) for scan in scans]
        except IntegrityError:
            outcomes = []
            try:
                for scan in scans:
                    outcomes.append((scan["id"], app.door.send_queued(scan)))
            finally:
                if outcomes:
                    self.queue.mark_sent(outcomes, datetime.now(tz=UTC).isoformat())
        else:
            self.queue.mark_sent(outcomes, datetime.now(tz=UTC).isoformat())
        sent = sum(outcome != ALREADY_SENT for _, outcome in outcomes)
        conflicts = sum(outcome == CONFLICT for _, outcome in outcomes)
        return sent, conflicts

    # -- the door's commands ------------------------------------------------------------
    def scan(
        self, code: str, performance_id: str, door: str, occurred_at: datetime | None = None
    ) -> ScanResult:
        """As ``DoorService.scan``, with ``offline`` (True: decided here, queued) and
        ``queued`` (scans waiting to be sent)."""
        if not self.shared:
            result = self.app.scan(code, performance_id, door, occurred_at)
            return replace(result, offline=False, queued=0)
        at = occurred_at or self.clock()
        scan_id = _new_id()
        reading = read_scan(code)
        if not self.offline and not self._worker.busy():
            gave_up = threading.Event()

            def online(app):
                self._send_code(app, reading.code)
                return app.door.scan(
                    code,
                    performance_id,
                    door,
                    at,
                    scan_id=scan_id,
                    still_wanted=lambda: not gave_up.is_set(),
                )

            try:
                result = self._ask(online, self.budget)
            except BaseException as error:
                gave_up.set()
                if not unreachable(error):
                    raise
                log.info("door: no answer in time (%s); deciding here", type(error).__name__)
            else:
                return replace(result, offline=False, queued=self.queue.waiting())
        self._set_offline(True)
        return self._scan_here(reading, str(performance_id), clean_door(door), at, scan_id)

    def _scan_here(
        self, reading, performance_id: str, door: str, at: datetime, scan_id: str
    ) -> ScanResult:
        db = self.db()
        if door_model.performance(db, performance_id) is None:
            raise PerformanceNotFound(performance_id)
        ticket = door_model.ticket(db, reading.code) if reading.usable else None
        queued = self.queue.pending(10_000, code=ticket["code"]) if ticket else []
        result, scan = decide_offline(
            reading,
            ticket,
            queued,
            performance_id,
            door,
            at,
            lambda pid: _performance_facts(db, pid),
        )
        self.queue.add(
            scan["kind"],
            scan["code"],
            performance_id,
            door,
            at.isoformat(),
            scanned=reading.scanned,
            verdict=scan["verdict"],
            workstation=self.workstation,
            staff=self.staff,
            scan_id=scan_id,
        )
        self._changed()
        return replace(result, queued=self.queue.waiting(), scan_id=scan_id)

    def undo_admission(
        self, code: str, reason: str, door: str, occurred_at: datetime | None = None
    ) -> UndoResult:
        """As ``DoorService.undo_admission``; offline, queued (``offline``: True)."""
        if not self.shared:
            done = self.app.undo_admission(code, reason, door, occurred_at)
            return replace(done, offline=False)
        at = occurred_at or self.clock()
        scan_id = _new_id()
        reading = read_scan(code)
        if not self.offline and not self._worker.busy():
            gave_up = threading.Event()

            def online(app):
                self._send_code(app, reading.code)
                wanted = lambda: not gave_up.is_set()  # noqa: E731
                return app.door.undo_admission(
                    code, reason, door, at, scan_id=scan_id, still_wanted=wanted
                )

            try:
                return replace(self._ask(online, self.budget), offline=False)
            except BaseException as error:
                gave_up.set()
                if not unreachable(error):
                    raise
        self._set_offline(True)
        db = self.db()
        ticket = door_model.ticket(db, reading.code) if reading.usable else None
        queued = self.queue.pending(10_000, code=ticket["code"]) if ticket else []
        check_undo_offline(ticket, queued)
        assert ticket is not None  # check_undo_offline refused an unknown code
        why = undo_reason(reason)
        self.queue.add(
            QUEUED_UNDO,
            ticket["code"],
            ticket["performance_id"],
            clean_door(door),
            at.isoformat(),
            reason=why,
            workstation=self.workstation,
            staff=self.staff,
            scan_id=scan_id,
        )
        self._changed()
        return UndoResult(
            ticket["code"], ticket["performance_id"], clean_door(door), why, offline=True
        )

    # -- what the door shows meanwhile ------------------------------------------------------
    def waiting_admissions(self, db, performance_id: str) -> dict[str, bool]:
        """The tickets of ``performance_id`` whose admission this door's unsent scans
        change: ``{code: admitted now}`` (True: admitted here, waiting to be sent;
        False: an undo waiting). The box office and the house count lay it over the
        read models, so both count what the door has shown."""
        if not self.shared:
            return {}
        by_code: dict[str, list[dict]] = {}
        for scan in self.queue.pending(100_000, performance_id=performance_id):
            by_code.setdefault(scan["code"], []).append(scan)
        changes: dict[str, bool] = {}
        for code, scans in by_code.items():
            ticket = door_model.ticket(db, code)
            if ticket is None:
                continue
            before = bool(ticket["admitted_at"])
            after = admission_now(ticket, scans)[0] is not None
            if before != after:
                changes[code] = after
        return changes

    def waiting_visits(self, db, patron_id: str) -> list[WaitingVisit]:
        """The patron's tickets (a merged record's too) whose admission this door changed
        and has not sent yet, newest first: admitted here, or an admission the read
        models have undone here. The patron page counts and lists them, marked."""
        if not self.shared or not self.queue.waiting():
            return []
        tickets = {t["code"]: t for t in door_model.patron_tickets(db, patron_id)}
        by_code: dict[str, list[dict]] = {}
        for scan in self.queue.pending(100_000):
            if scan["code"] in tickets:
                by_code.setdefault(scan["code"], []).append(scan)
        visited: dict[str, int] = {}  # performance: the patron's tickets admitted to it
        for ticket in tickets.values():
            if ticket["admitted_at"]:
                visited[ticket["performance_id"]] = visited.get(ticket["performance_id"], 0) + 1
        waiting = []
        for code, scans in by_code.items():
            ticket = tickets[code]
            performance_id = ticket["performance_id"]
            at, door = admission_now(ticket, scans)
            if at is not None and not ticket["admitted_at"]:
                undone, new_visit = False, performance_id not in visited
            elif at is None and ticket["admitted_at"]:
                undo = next(s for s in reversed(scans) if s["kind"] == QUEUED_UNDO)
                at, door = datetime.fromisoformat(undo["occurred_at"]), undo["door"]
                undone, new_visit = True, visited.get(performance_id, 0) == 1
            else:
                continue
            show = door_model.performance(db, performance_id) or {}
            waiting.append(
                WaitingVisit(
                    code,
                    performance_id,
                    show.get("title") or "",
                    show.get("starts_at") or "",
                    door,
                    at.isoformat(),
                    new_visit=new_visit,
                    undone=undone,
                )
            )
        return sorted(waiting, key=lambda visit: visit.at, reverse=True)

    def house_count(self, db, performance_id: str) -> dict:
        """``projections.door.house_count`` with this door's unsent admissions and undos
        laid over it, so the count goes up at an offline door too (each ticket once);
        ``waiting``: how many of the admitted are still waiting to be sent."""
        count = door_model.house_count(db, performance_id)
        queued = self.queue.pending(100_000, performance_id=performance_id) if self.shared else []
        if not queued:
            return {**count, "waiting": 0}
        doors = dict(count["doors"])
        by_code: dict[str, list[dict]] = {}
        for scan in queued:
            by_code.setdefault(scan["code"], []).append(scan)
        waiting = 0
        for code, scans in by_code.items():
            ticket = door_model.ticket(db, code)
            if ticket is None:
                continue
            before = ticket["admitted_door"] if ticket["admitted_at"] else ""
            at, after = admission_now(ticket, scans)
            if at is not None and not ticket["admitted_at"]:
                waiting += 1
            if before != after:
                if before:
                    doors[before] = doors.get(before, 0) - 1
                if after:
                    doors[after] = doors.get(after, 0) + 1
        doors = {d: n for d, n in sorted(doors.items()) if n > 0}
        return {**count, "admitted": sum(doors.values()), "doors": doors, "waiting": waiting}

    def recent_scans(self, db, performance_id: str, door: str, limit: int = 6) -> list[dict]:
        """``projections.door.recent_scans`` at this door, its unsent scans first."""
        stored = door_model.recent_scans(db, performance_id, door, limit=limit)
        if not self.shared:
            return stored
        queued = [
            s
            for s in self.queue.pending(100_000, performance_id=performance_id)
            if s["door"] == door
        ][-limit:]
        waiting = [
            {
                "position": None,
                "door": s["door"],
                "code": s["code"],
                "verdict": "undone" if s["kind"] == QUEUED_UNDO else s["verdict"],
                "occurred_at": s["occurred_at"],
                "workstation": s["workstation"],
            }
            for s in reversed(queued)
        ]
        return (waiting + stored)[:limit]

    # -- sending the queue ------------------------------------------------------------
    def sync(self, timeout: float = SYNC_SECONDS) -> SyncResult:
        """Send every queued scan, in order (see ``SyncResult``). Raises
        ``StoreUnreachable``."""
        if not self.shared:
            return SyncResult(0, 0, 0)

        def send_all(app) -> SyncResult:
            app.store.event_count()  # the store answers (also when nothing waits)
            sent = conflicts = 0
            while scans := self.queue.pending(SEND_CHUNK):
                s, c = self._send(app, scans)
                sent, conflicts = sent + s, conflicts + c
            return SyncResult(sent, conflicts, self.queue.waiting())

        try:
            result: SyncResult = self._ask(send_all, timeout)
        except BaseException as error:
            if not unreachable(error):
                raise
            self._set_offline(True)
            raise StoreUnreachable(self.queue.waiting(), type(error).__name__) from error
        self._set_offline(False)
        self._changed()
        if self.after_sync is not None:
            self.after_sync(result)
        return result

    def start_syncing(self, interval: float = 2.0) -> None:
        """Send the queue in the background whenever the store answers again."""
        if not self.shared or self._syncer is not None:
            return

        def loop() -> None:
            while not self._stop.is_set():
                self._wake.wait(interval)
                self._wake.clear()
                if self._stop.is_set():
                    return
                if self.offline and not self._server_answers():
                    pass  # still away: the queue waits, nothing is asked of the pool
                elif self.offline or self.queue.waiting():
                    try:
                        self.sync()
                    except StoreUnreachable:
                        pass
                    except HouselightsError as refused:  # e.g. nobody signed in yet
                        log.warning("door: the store refuses the queued scans: %s", refused)
                    except Exception:  # noqa: BLE001 - keep the door going; say so in the log
                        log.exception("door: sending the queued scans failed")
                try:  # the queue's log into its file, off the scans' path
                    self.queue.checkpoint()
                except Exception:  # noqa: BLE001 - the next round tries again
                    log.exception("door: checkpointing the queue failed")

        self._syncer = threading.Thread(target=loop, daemon=True, name="door-sync")
        self._syncer.start()

    def server_answers(self) -> bool:
        """A quick look (``probe``: at most a few seconds, never hanging): whether the
        shared server answers a fresh connection now. True without a probe."""
        return self._probe is None or self._probe()

    def _server_answers(self) -> bool:
        """While offline: whether the server answers a quick look (``probe``). When it
        does, a store call still hanging from before is given up and the pool's old
        connections are replaced, so the queue is sent at once."""
        if self._probe is None:
            return True
        looked = time.monotonic()
        if not self._probe():
            return False
        log.info("door: the shared store answers again; sending the queue")
        self._worker.unstick(before=looked)
        if self.app is not None:
            fresh_connections(self.app)
        return True

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        self.queue.close()


def _new_id() -> str:
    import uuid

    return str(uuid.uuid4())


def _performance_facts(db, performance_id: str) -> PerformanceFacts:
    """What WRONG PERFORMANCE names, from the door read model."""
    show = door_model.performance(db, performance_id) or {}
    starts = show.get("starts_at") or ""
    label = show.get("title", "another performance")
    if starts:
        moment = datetime.fromisoformat(starts)
        label = f"{show['title']}, {moment:%a} {moment.day} {moment:%b %H:%M}"
    return PerformanceFacts(performance_id, show.get("title", ""), starts, label)
