"""What a projection is: named, versioned, owning some tables, handling events."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, ClassVar, Protocol
from uuid import UUID

from sqlite_utils import Database


class Event(Protocol):
    """What a handler is given: a stored domain event.

    Every event carries its aggregate's id and version and the stamp of who recorded
    it, from where and when (``domain.recording``). The rest differs by event and is
    read by name: most event classes are made by eventsourcing's ``@event`` decorator
    when the domain module is imported, so no type checker knows their fields."""

    @property
    def originator_id(self) -> UUID: ...
    @property
    def originator_version(self) -> int: ...
    @property
    def occurred_at(self) -> datetime: ...
    @property
    def recorded_by(self) -> str: ...
    @property
    def workstation(self) -> str: ...
    def __getattr__(self, name: str) -> Any: ...


#: a projection's handler of one kind of event: ``(db, event, position)``
Handler = Callable[[Database, Event, int], None]


@functools.lru_cache(maxsize=1024)
def iso(moment: datetime) -> str:
    """Store moments as ISO 8601 in UTC so they sort as text.

    Cached: several projections write the same event's moment (equal moments are
    the same instant, so they have the same text)."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def run_script(db: Database, script: str) -> None:
    """Run several statements inside the current transaction.

    ``sqlite3.executescript`` would COMMIT first, breaking the rule that rows
    and positions commit together; this splits complete statements instead.
    """
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            if statement.strip():
                db.conn.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement: {statement.strip()[:60]}")


class PendingRows:
    """Rows a projection inserts once per batch with one ``executemany`` (in the batch's
    transaction, at ``batch_done``), kept by key until then.

    A handler about to read or change one of them by its key calls ``need(db, key)``
    first, and one reading them any other way calls ``flush(db)``: the rows are then
    written at once, so every statement sees what it would have seen row by row. The
    same key added twice in a batch writes the first before keeping the second."""

    def __init__(self, sql: str) -> None:
        self.sql = sql
        self.rows: dict[str, tuple[Any, ...]] = {}

    def add(self, db: Database, key: str, row: tuple[Any, ...]) -> None:
        if key in self.rows:
            self.flush(db)
        self.rows[key] = row

    def need(self, db: Database, key: str) -> None:
        if key in self.rows:
            self.flush(db)

    def flush(self, db: Database) -> None:
        if self.rows:
            db.conn.executemany(self.sql, list(self.rows.values()))
            self.rows = {}


def event_name(event: object) -> str:
    """'Patron.Registered' for the event class nested in the Patron aggregate."""
    return type(event).__qualname__


class Projection:
    """A read model built from events.

    Subclasses set ``name``, ``version`` (bump it when the tables or the rules
    change: the runner then rebuilds this projection from zero), ``tables``
    (dropped on rebuild), implement ``create(db)`` and register handlers in
    ``handlers`` keyed by event name (``"Patron.Registered"``). Handlers get
    ``(db, event, position)`` and write with ``db.conn.execute``; the runner
    wraps each batch of events in one transaction together with the position.

    Rows may wait in memory and go in once per batch, at ``batch_done`` (the timeline's
    rows, the door's scans, tickets in ``PendingRows``), as long as every handler that
    reads or changes such rows writes the waiting ones first (``flush_rows``,
    ``PendingRows.need``/``flush``): a batch must leave what row-by-row writing would.
    """

    name: ClassVar[str] = ""
    version: ClassVar[int] = 1
    tables: ClassVar[tuple[str, ...]] = ()

    def __init__(self) -> None:
        self.handlers: dict[str, Handler] = {}

    def on(self, *names: str) -> Callable[[Handler], Handler]:
        """Register the decorated function as the handler of these events."""

        def register(fn: Handler) -> Handler:
            for name in names:
                self.handlers[name] = fn
            return fn

        return register

    def create(self, db: Database) -> None:
        raise NotImplementedError

    def drop(self, db: Database) -> None:
        for table in self.tables:
            db.conn.execute(f"DROP TABLE IF EXISTS [{table}]")

    #: may be rebuilt by a second process (``projections/side_process.py``): builds with
    #: no arguments, has no full-text index, and its handlers read only tables of
    #: projections that are marked too
    side_process: ClassVar[bool] = False

    #: full-text indexes kept by triggers, as {fts table: (trigger names)}: external
    #: content FTS5 tables whose triggers ``create()`` makes. During a rebuild from
    #: zero (bulk mode) the triggers are dropped and each index is filled once at the
    #: end with FTS5's ``'rebuild'`` command instead of row by row.
    fts_triggers: ClassVar[dict[str, tuple[str, ...]]] = {}

    def bulk_begin(self, db: Database) -> None:
        """Before a rebuild from zero in bulk mode (in a transaction of its own).

        Drops the full-text triggers. Should the process stop before ``bulk_end``,
        ``bulk_pending`` tells the runner at the next start to finish the job."""
        for triggers in self.fts_triggers.values():
            for trigger in triggers:
                db.conn.execute(f"DROP TRIGGER IF EXISTS [{trigger}]")

    def bulk_end(self, db: Database) -> None:
        """After a rebuild from zero in bulk mode (or a start after one was cut short):
        fill the full-text indexes from their tables and put the triggers back."""
        for fts in self.fts_triggers:
            db.conn.execute(f"INSERT INTO [{fts}] ([{fts}]) VALUES ('rebuild')")
        self.create(db)

    def bulk_pending(self, db: Database) -> bool:
        """Whether ``bulk_begin`` ran without its ``bulk_end`` (a trigger is missing)."""
        wanted = {t for triggers in self.fts_triggers.values() for t in triggers}
        if not wanted:
            return False
        found = {
            row[0]
            for row in db.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        }
        return not wanted <= found

    def batch_done(self, db: Database, final: bool) -> None:
        """After each batch, in its transaction; ``final`` for the last batch of a
        catch-up (work that sums up many events can wait for it)."""

    def sums_ahead(self, db: Database, stop: Callable[[], bool]) -> None:
        """Between the steps of a catch-up in steps, in a transaction of its own: some of
        the work ``batch_done`` does at the end (``final``), done ahead for what has been
        applied so far, provided the end then gives exactly what it would have; in parts,
        asking ``stop()`` between them (more events to apply have come)."""

    #: attributes holding what waits for the end of a batch besides ``PendingRows``
    #: (sums, rows, lookups of the batch): emptied when a batch is rolled back
    waiting: ClassVar[tuple[str, ...]] = ()

    def batch_abandoned(self) -> None:
        """The batch being applied was rolled back (a handler or the commit failed): forget
        what waits for its end, so that applying it again counts nothing twice."""
        for value in vars(self).values():
            if isinstance(value, PendingRows):
                value.rows = {}
        for name in self.waiting:
            getattr(self, name).clear()

    def handle(self, db: Database, event: Event, position: int) -> None:
        handler = self.handlers.get(event_name(event))
        if handler is not None:
            handler(db, event, position)
