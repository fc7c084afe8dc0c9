"""The one store every application service works through.

``Store`` is the eventsourcing application of one organization, reduced to what
a service needs: ``get`` an aggregate, ``commit`` changed aggregates, ``stamp``
who/when/where for new events, and ``batch``/``rehearsal`` to group many
commands. Who may record what is checked on every save (``Access``, see
``domain/access.py``), whatever called it.

Batches and commands. Inside ``batch()`` (imports, demo data, thanking many)
changed aggregates are kept in memory and saved many at a time. A command that
fails half-way must leave nothing behind in that memory: each public service
method runs as one ``command`` (the decorator below), and when it raises, every
aggregate it touched in the batch is put back as it was before the command (its
kept events replayed on the stored state), and aggregates it added are dropped.
A batch is never flushed in the middle of a command; when it is, an aggregate may
first compact its pending events (``compact_pending_events``: a performance's seat
events of the batch's orders become one). Outside a batch every
``commit`` saves at once, in one transaction for all its aggregates.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ParamSpec, Protocol, TypeVar, overload
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.domain import Aggregate, MutableOrImmutableAggregate
from eventsourcing.persistence import (
    EventStore,
    JSONTranscoder,
    Mapper,
    Transcoder,
)

from domain.box_office import Performance, Production
from domain.contact_index import ContactKey
from domain.event_writing import QuickEventStore, QuickJSONTranscoder, QuickMapper
from domain.patron import Patron
from domain.recording import RecordingContext, Stamp

Listener = Callable[[int], None]
P = ParamSpec("P")
R = TypeVar("R")

#: a Performance takes an event per sale and is read before every sale: a snapshot
#: every 50 events keeps that read short. Snapshots are a cache of non-personal
#: state: after changing Performance's attributes, give it a ``class_version`` with
#: an upcaster (or empty the snapshots table).
PERFORMANCE_SNAPSHOT_INTERVAL = 50


class WriteGate(Protocol):
    """Whether the store may be written at all (``infrastructure.store_check.StoreHealth``:
    waits for the background page check, raises when it found damage)."""

    def check_writable(self) -> None: ...


class SaveGuard(Protocol):
    def check_allowed(self, aggregates: list[Aggregate]) -> None: ...

    def require_may_record(self, event_name: str, what: str) -> None: ...

    def require(self, permission: str) -> None: ...


@dataclass
class _Batch:
    """What one thread's open batch holds."""

    size: float
    pending: dict[UUID, Aggregate] = field(default_factory=dict)
    #: commands running now (nested calls count), and what the outermost touched:
    #: aggregate id -> how many pending events it had before (None: not pending yet)
    depth: int = 0
    savepoints: dict[UUID, int | None] = field(default_factory=dict)
    #: aggregates the running command read from ``keep``: a failed command may have
    #: changed them without committing, so they are read from the store again
    borrowed: set[UUID] = field(default_factory=set)
    #: the caller's read cache across this batch's saves (see ``Store.batch``)
    keep: dict[UUID, Aggregate] | None = None
    #: ids the caller found missing from the store in one query
    absent: set[UUID] | None = None
    #: a long rehearsal's aggregates set aside out of memory (see ``set_aside``)
    spill: MutableMapping[UUID, Aggregate] | None = None
    #: ``id()`` of an aggregate -> (the aggregate, how many of its pending events the
    #: role check at ``commit`` passed, the last of them): a performance sold again and
    #: again in a batch has its earlier events checked once, not at every sale (keyed
    #: by the object, which it holds, so that a UUID is not hashed again and again)
    checked: dict[int, tuple[Any, int, object]] = field(default_factory=dict)


class _Unchecked:
    """The pending events of an aggregate the role check has not seen yet, shaped as the
    check reads an aggregate."""

    __slots__ = ("pending_events",)

    def __init__(self, events: list[Any]) -> None:
        self.pending_events = events


class _Command:
    """``Store.command``: inside the thread's batch, count the command's depth; when the
    outermost command fails, put back what it touched; after it, flush a full batch.
    (A class rather than a generator-based context manager: an import runs one per
    order and one per service call in it.)"""

    __slots__ = ("_batch", "_store")

    def __init__(self, store: Store) -> None:
        self._store = store
        self._batch: _Batch | None = None

    def __enter__(self) -> None:
        batch = self._batch = self._store._batch
        if batch is not None:
            batch.depth += 1

    def __exit__(self, kind: Any, error: Any, trace: Any) -> None:
        batch = self._batch
        if batch is None:
            return
        try:
            if kind is not None and batch.depth == 1:
                self._store._roll_back(batch)
        finally:
            batch.depth -= 1
            if batch.depth == 0:
                batch.savepoints.clear()
                batch.borrowed.clear()
        if kind is None and batch.depth == 0 and len(batch.pending) >= batch.size:
            self._store._flush(batch)


#: what a batch's ``keep`` holds between its saves (read again and again by an import)
_KEPT = (Patron, Performance, Production, ContactKey)


@functools.cache
def _kept(kind: type) -> bool:
    """``issubclass(kind, _KEPT)``, asked once per class (an aggregate's ``isinstance``
    goes through its ABC metaclass: slow for the tens of thousands a batch saves)."""
    return issubclass(kind, _KEPT)


@functools.cache
def _is_aggregate(kind: type) -> bool:
    """``issubclass(kind, Aggregate)``, asked once per class (as ``_kept``)."""
    return issubclass(kind, Aggregate)


@functools.cache
def _compacts(kind: type) -> bool:
    """Whether the class has a ``compact_pending_events`` (asked once per class; the
    method itself is looked up at each save)."""
    return hasattr(kind, "compact_pending_events")


KEEP_AT_MOST = 200_000


class Store(Application[UUID]):
    """Event-sourced storage for one organization (SQLite file or PostgreSQL)."""

    name = "Houselights"
    snapshotting_intervals = {Performance: PERFORMANCE_SNAPSHOT_INTERVAL}

    def __init__(
        self, env: dict[str, str] | None = None, context: RecordingContext | None = None
    ) -> None:
        super().__init__(env=env)
        self.context = context or RecordingContext()
        #: checks every save against the signed-in role (set by ``Access``)
        self.guard: SaveGuard | None = None
        #: refuses every save into a damaged file (set by the infrastructure)
        self.health: WriteGate | None = None
        self._listeners: list[Listener] = []
        # A batch belongs to the thread that opened it: an import running in the
        # background must not hold back (or swallow) what the box office saves meanwhile.
        self._local = threading.local()

    def construct_transcoder(self) -> Transcoder:
        transcoder = super().construct_transcoder()
        if type(transcoder) is JSONTranscoder:
            transcoder = QuickJSONTranscoder()
            self.register_transcodings(transcoder)
        return transcoder

    def construct_mapper(self) -> Mapper[UUID]:
        mapper = super().construct_mapper()
        if type(mapper) is Mapper:  # eventsourcing's own (no MAPPER_TOPIC chosen)
            mapper = QuickMapper(
                transcoder=mapper.transcoder, cipher=mapper.cipher, compressor=mapper.compressor
            )
        return mapper

    def construct_event_store(self) -> EventStore[UUID]:
        events = super().construct_event_store()
        if type(events) is EventStore:
            events = QuickEventStore(mapper=events.mapper, recorder=events.recorder)
        return events

    # -- listeners ------------------------------------------------------------
    def subscribe(self, listener: Listener) -> None:
        """Call ``listener(max_notification_id)`` after each save in this process."""
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _notify(self, recordings: Any) -> None:
        if recordings and self._listeners:
            self._tell(max(r.notification.id for r in recordings))

    def _tell(self, last: int) -> None:
        for listener in list(self._listeners):
            listener(last)

    # -- reading and writing aggregates -----------------------------------------
    @property
    def _batch(self) -> _Batch | None:
        return getattr(self._local, "batch", None)

    @property
    def in_batch(self) -> bool:
        return self._batch is not None

    def get(self, aggregate_id: UUID) -> Any:
        """The aggregate as this thread's open batch has it, else as stored.

        Raises ``AggregateNotFoundError``."""
        batch = self._batch
        if batch is not None:
            if (
                batch.spill is not None
                and aggregate_id not in batch.pending
                and aggregate_id in batch.spill
            ):
                # held again (a failed command puts it back as it was, from its events)
                batch.pending[aggregate_id] = batch.spill.pop(aggregate_id)
            held = batch.pending.get(aggregate_id)
            if held is not None:
                self._touch(batch, aggregate_id)
                return held
            kept = batch.keep.get(aggregate_id) if batch.keep is not None else None
            if kept is not None:
                if batch.depth:
                    batch.borrowed.add(aggregate_id)
                return kept
            if batch.absent is not None and aggregate_id in batch.absent:
                raise AggregateNotFoundError(aggregate_id)
        return self.repository.get(aggregate_id)

    def exists(self, aggregate_id: UUID) -> bool:
        try:
            self.get(aggregate_id)  # also sees what an open batch has not saved yet
        except AggregateNotFoundError:
            return False
        return True

    def pending(self, aggregate_id: UUID) -> Aggregate | None:
        """The aggregate if this thread's open batch holds it unsaved, else None."""
        batch = self._batch
        return batch.pending.get(aggregate_id) if batch is not None else None

    def commit(self, *aggregates: Aggregate) -> None:
        """Save these aggregates together: now, or with the open batch."""
        batch = self._batch
        # early, before a batch holds it back (the save checks every event again)
        if batch is None:
            self.check_allowed(list(aggregates))
        else:
            self._check_new_events(batch, aggregates)
        if self.health is not None:
            self.health.check_writable()
        if batch is None:
            self.save(*aggregates)
            return
        pending = batch.pending
        for aggregate in aggregates:
            aggregate_id = aggregate.id
            self._touch(batch, aggregate_id)
            pending[aggregate_id] = aggregate
        if batch.depth == 0 and len(pending) >= batch.size:
            self._flush(batch)

    def _check_new_events(self, batch: _Batch, aggregates: tuple[Aggregate, ...]) -> None:
        """The role check of ``commit`` in a batch, on the events the aggregates gained
        since it last passed them (all of them when their pending events changed
        otherwise: saved with the batch, or taken back with a failed command)."""
        if self.guard is None:
            return
        checked = batch.checked
        unchecked: list[Any] = []
        for aggregate in aggregates:
            events = aggregate.pending_events
            seen = checked.get(id(aggregate))
            if (
                seen is not None
                and seen[0] is aggregate
                and 0 < seen[1] <= len(events)
                and events[seen[1] - 1] is seen[2]
            ):
                unchecked += events[seen[1] :]
            else:
                unchecked += events
        self.guard.check_allowed([_Unchecked(unchecked)])  # type: ignore[list-item]  # reads pending_events
        for aggregate in aggregates:
            events = aggregate.pending_events
            if events and (len(events) > 1 or aggregate.version > 1):
                # (a new aggregate with its one event, as a new ticket or order, is as
                # quick to check again as to remember: what a batch commits again and
                # again is an aggregate that grows, such as a performance)
                checked[id(aggregate)] = (aggregate, len(events), events[-1])

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        """Every save passes the role check, whatever called it, and none reaches a
        store found damaged."""
        return self._save(objs, kwargs, recordings=True)

    def _save(self, objs: tuple[Any, ...], kwargs: dict[str, Any], recordings: bool) -> Any:
        """``save``; without ``recordings`` (a batch's save, which reads none) the
        event store makes none when it can (``QuickEventStore.put_quietly``)."""
        objs = tuple(o for o in objs if o is not None)
        self.check_allowed(list(objs))
        if self.health is not None:
            self.health.check_writable()
        # eventsourcing's own save asks a runtime-checkable Protocol of every object
        # (slow: it walks the protocol's attributes each time); these are aggregates.
        processing = ProcessingEvent[UUID]()
        intervals = self.snapshotting_intervals if self.snapshots else None
        #: the events of aggregates of a class with a snapshotting interval
        spaced: list[Any] = []
        for obj in objs:
            kind: type = type(obj)
            if _is_aggregate(kind):
                events = obj.collect_events()
                processing.events.extend(events)
                processing.aggregates[obj.id] = obj
                if intervals and kind in intervals:
                    spaced += events
            else:
                processing.collect_events(obj)
                spaced = processing.events  # (not an aggregate: look at every event)
        processing.saved_kwargs.update(kwargs)
        events = self.events
        if not recordings and not kwargs and type(events) is QuickEventStore:
            last = events.put_quietly(processing.events)
            # and what ``_record`` does after ``put``
            if self.repository.cache and not self.repository.fastforward:
                for aggregate_id, aggregate in processing.aggregates.items():
                    self.repository.cache.put(aggregate_id, aggregate)
            self._take_snapshots(processing, spaced)
            if last is not None and self._listeners:
                self._tell(last)
            return None
        made = self._record(processing)
        self._take_snapshots(processing, spaced)
        self._notify(made)
        return made

    def _take_snapshots(
        self, processing: ProcessingEvent[UUID], events: list[Any] | None = None
    ) -> None:
        """A snapshot of each aggregate whose saved events passed a multiple of its
        interval, taken from the aggregate in memory (as saved: its newest version)
        rather than read back from the store and replayed. ``events``: those of the
        saved events that may (the others are of aggregates taken in no snapshot);
        None: all of them."""
        if not self.snapshots or not self.snapshotting_intervals:
            return
        passed: dict[UUID, MutableOrImmutableAggregate[UUID]] = {}
        for event in processing.events if events is None else events:
            aggregate = processing.aggregates.get(event.originator_id)
            interval = self.snapshotting_intervals.get(type(aggregate))  # type: ignore[arg-type]
            if interval and aggregate is not None and event.originator_version % interval == 0:
                passed[aggregate.id] = aggregate
        snapshots = []
        for aggregate in passed.values():
            snapshot_class = getattr(type(aggregate), "Snapshot", type(self).snapshot_class)
            snapshots.append(snapshot_class.take(aggregate))  # type: ignore[union-attr]
        if snapshots:
            self.snapshots.put(snapshots)

    def check_allowed(self, aggregates: list[Aggregate]) -> None:
        if self.guard is not None:
            self.guard.check_allowed(aggregates)

    def require_may_record(self, event_name: str, what: str) -> None:
        """Refuse up front, before any other check, what this role may not record (a
        door volunteer selling is told so, not that the night is sold out)."""
        if self.guard is not None:
            self.guard.require_may_record(event_name, what)

    @contextmanager
    def permission(self, permission: str | None) -> Iterator[None]:
        """Check ``permission`` for the outermost service call of this thread; what
        that call does through other services is covered by its own permission."""
        depth = getattr(self._local, "permission_depth", 0)
        if depth == 0 and permission is not None and self.guard is not None:
            self.guard.require(permission)
        self._local.permission_depth = depth + 1
        try:
            yield
        finally:
            self._local.permission_depth = depth

    def stamp(self, occurred_at: datetime | None = None) -> Stamp:
        """Who records, from which workstation, and when it happened."""
        return self.context.stamp(occurred_at)

    def event_count(self) -> int:
        return self.recorder.max_notification_id() or 0

    #: ``ids -> the stored ones`` in one query (``infrastructure/stored_ids.py``)
    stored_ids_query: Callable[[Iterable[UUID]], set[UUID]] | None = None

    def stored_ids(self, ids: Iterable[UUID]) -> set[UUID]:
        """Which of these aggregate ids have saved events (not what a batch holds back)."""
        if self.stored_ids_query is not None:
            return self.stored_ids_query(ids)
        return {i for i in dict.fromkeys(ids) if self.recorder.select_events(i, limit=1)}

    # -- batches, rehearsals and commands -----------------------------------------
    @contextmanager
    def batch(
        self,
        size: int = 1000,
        keep: dict[UUID, Aggregate] | None = None,
        absent: set[UUID] | None = None,
    ) -> Iterator[None]:
        """Group many commands into few transactions (imports, demo data).

        Aggregates changed inside the block are kept in memory and saved
        ``size`` at a time, and once more when the block ends. ``keep`` (a dict
        the caller holds across batches) keeps the saved patrons, performances,
        productions and contact keys for later reads, so an import does not read
        them back from the store again and again; a save that fails empties it
        (another workstation may have changed them). ``absent`` holds ids the
        caller found missing from the store in one query: reading one of them
        finds nothing without asking the store (were one written meanwhile by
        another workstation, the save fails on it and the caller redoes the work).
        """
        if self._batch is not None:
            yield
            return
        batch = self._local.batch = _Batch(size=size, keep=keep, absent=absent)
        try:
            yield
            self._flush(batch)
        finally:
            self._local.batch = None

    @contextmanager
    def rehearsal(
        self,
        absent: set[UUID] | None = None,
        spill: MutableMapping[UUID, Aggregate] | None = None,
    ) -> Iterator[None]:
        """Run commands for real but save nothing (an import's dry run).

        Everything changed inside the block is kept, so later commands see
        earlier ones (a patron registered for one order is found for the next),
        and is thrown away at the end: in memory, or, for what ``set_aside``
        moves there, in ``spill`` (a mapping the caller keeps out of memory,
        e.g. on disk), read back when asked for. ``absent`` as for ``batch``.
        """
        if self._batch is not None:
            raise RuntimeError("a rehearsal cannot run inside a batch")
        self._local.batch = _Batch(size=float("inf"), absent=absent, spill=spill)
        try:
            yield
        finally:
            self._local.batch = None

    def set_aside(self, keep: tuple[type, ...], forget: tuple[type, ...] = ()) -> None:
        """Between two commands of a long rehearsal with a ``spill``: what it holds in
        memory moves to the spill, except aggregates of the ``keep`` classes (read by
        nearly every command: they stay) and of the ``forget`` classes (the caller
        knows no later command reads them: dropped). Memory then holds what the
        commands since the last call changed, not the whole rehearsal."""
        batch = self._batch
        if batch is None or batch.spill is None or batch.depth:
            raise RuntimeError("set_aside runs between the commands of a rehearsal with a spill")
        for aggregate_id, aggregate in list(batch.pending.items()):
            if isinstance(aggregate, keep):
                continue
            del batch.pending[aggregate_id]
            batch.checked.pop(id(aggregate), None)
            if not isinstance(aggregate, forget):
                batch.spill[aggregate_id] = aggregate

    def command(self) -> _Command:
        """One command: inside a batch, all of it is kept or none of it (``with
        store.command(): ...``)."""
        return _Command(self)

    def _touch(self, batch: _Batch, aggregate_id: UUID) -> None:
        if batch.depth and aggregate_id not in batch.savepoints:
            held = batch.pending.get(aggregate_id)
            batch.savepoints[aggregate_id] = None if held is None else len(held.pending_events)

    def _roll_back(self, batch: _Batch) -> None:
        """Put every aggregate the failed command touched back as it was before it.

        One held before the command keeps its place in the batch (replaced in place, not
        moved to the end): the batch is saved in the order its aggregates were first
        touched, so a performance scheduled in the batch stays before its orders."""
        for aggregate_id, kept in batch.savepoints.items():
            held = batch.pending.get(aggregate_id)
            if held is None:
                continue
            if kept is None:  # not held before the command: it goes with it
                del batch.pending[aggregate_id]
                continue
            events = list(held.pending_events[:kept])
            restored: Any
            try:
                restored = self.repository.get(aggregate_id)
            except AggregateNotFoundError:
                restored = None  # created earlier in this batch: its first event makes it
            for event in events:
                restored = event.mutate(restored)
            if restored is None:
                del batch.pending[aggregate_id]
            else:
                restored._pending_events = events
                batch.pending[aggregate_id] = restored  # same key: same place
        if batch.keep is not None:
            for aggregate_id in batch.borrowed:
                batch.keep.pop(aggregate_id, None)
        batch.savepoints.clear()
        batch.borrowed.clear()

    def _flush(self, batch: _Batch) -> None:
        if batch.pending:
            held = list(batch.pending.items())  # (id, aggregate): ids not asked again
            pending = [aggregate for _, aggregate in held]
            batch.pending.clear()
            batch.checked.clear()
            for aggregate in pending:
                # e.g. a performance's seat events of the chunk's orders, as one
                if _compacts(type(aggregate)):
                    aggregate.compact_pending_events()  # type: ignore[attr-defined]
            try:
                self._save(tuple(pending), {}, recordings=False)
            except BaseException:
                if batch.keep is not None:
                    batch.keep.clear()
                raise
            if batch.absent:
                batch.absent.difference_update(aggregate_id for aggregate_id, _ in held)
            if batch.keep is not None:
                if len(batch.keep) > KEEP_AT_MOST:
                    batch.keep.clear()
                batch.keep.update(item for item in held if _kept(type(item[1])))


def _checked(method: Callable[P, R], permission: str | None, as_command: bool) -> Callable[P, R]:
    @functools.wraps(method)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        # ``Store.permission`` and ``Store.command`` (outside a batch: nothing to keep)
        # written out, same rules in the same order: an import calls these wrappers
        # about a hundred thousand times, and a generator-based context manager costs
        # more than many of the reads it wraps.
        service: Any = args[0]
        store: Store = service.store
        local = store._local
        depth = getattr(local, "permission_depth", 0)
        if depth == 0 and permission is not None and store.guard is not None:
            store.guard.require(permission)
        local.permission_depth = depth + 1
        try:
            if not as_command or store._batch is None:
                return method(*args, **kwargs)
            with store.command():
                return method(*args, **kwargs)
        finally:
            local.permission_depth = depth

    run.__permission__ = permission  # type: ignore[attr-defined]
    return run


@overload
def command(method: Callable[P, R], /) -> Callable[P, R]: ...
@overload
def command(
    method: str | None = None, /, permission: str | None = None
) -> Callable[[Callable[P, R]], Callable[P, R]]: ...
def command(
    method: Callable[P, R] | str | None = None, /, permission: str | None = None
) -> Callable[P, R] | Callable[[Callable[P, R]], Callable[P, R]]:
    """Run a service method as one command of its store (see ``Store.command``).

    ``@command(Permission.SELL)`` also declares (and checks, before anything runs)
    the permission the command needs; every event it saves is checked against the
    role table as well. A bare ``@command`` relies on the save check alone.
    """
    if isinstance(method, str):  # @command(Permission.X)
        permission, method = method, None
    if method is None:
        needed = permission
        return lambda fn: _checked(fn, needed, as_command=True)
    return _checked(method, permission, as_command=True)


def reads(permission: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Declare (and check) the permission a read needs: ``@reads(Permission.READ_PATRONS)``."""
    return lambda fn: _checked(fn, permission, as_command=False)
