"""The projection runner: events from the store -> rows in the local read models.

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
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from eventsourcing.utils import TopicError, resolve_topic
from sqlite_utils import Database

from projections.base import Projection
from projections.database import open_readmodels

ProgressFn = Callable[[int, int], None]
CancelFn = Callable[[], bool]


class ProjectionRunner:
    def __init__(
        self,
        recorder: Any,
        mapper: Any,
        path: str | Path,
        projections: Sequence[Projection],
        batch_size: int = 2000,
    ):
        self.recorder = recorder
        self.mapper = mapper
        self.path = Path(path)
        self.projections = list(projections)
        self.batch_size = batch_size
        self._lock = threading.RLock()
        self._again = False
        self._local = threading.local()
        self._opened: list[Database] = []
        self._listeners: list[Callable[[int], None]] = []
        self._topics: dict[str, bool] = {}
        #: called after each committed batch with the new position (tests, progress)
        self.after_batch: Callable[[int], None] | None = None
        self._setup()

    # -- databases --------------------------------------------------------
    def db(self) -> Database:
        """This thread's connection to the read models (one Database per thread)."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = open_readmodels(self.path)
            with self._lock:
                self._opened.append(db)
        return db

    def close(self) -> None:
        """Close every thread's connection (a restore must find the file free)."""
        with self._lock:
            opened, self._opened = self._opened, []
        for db in opened:
            db.conn.close()
        self._local = threading.local()

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
        return {name: pos for name, (pos, _) in self._stored(self.db()).items()
                if name in {p.name for p in self.projections}}  # fmt: skip

    def head(self) -> int:
        """The newest notification id in the event store."""
        return self.recorder.max_notification_id() or 0

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
    def notify(self, _last_id: int | None = None) -> int:
        """Called by the application after each save in this process.

        Never waits: when another thread is already catching up, it is asked
        to go round once more and will pick these events up.
        """
        return self.catch_up(wait=False)

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
        try:
            while True:
                self._again = False
                done += self._catch_up_locked(progress, cancelled, until)
                if not self._again or (cancelled is not None and cancelled()):
                    break
        finally:
            self._lock.release()
        if done:
            position = min(self.positions().values(), default=0)
            for listener in list(self._listeners):
                listener(position)
        return done

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
        done = 0
        total = max(0, head - start)
        while start < head:
            if cancelled is not None and cancelled():
                break
            notifications = self.recorder.select_notifications(
                start=start + 1, limit=self.batch_size, stop=head
            )
            if not notifications:
                break
            last = notifications[-1].id
            self._apply(db, notifications, positions, last)
            done += len(notifications)
            start = last
            if self.after_batch is not None:
                self.after_batch(last)
            if progress is not None:
                progress(min(done, total), total)
        return done

    def _handled(self, topic: str) -> bool:
        """Whether any projection handles events of this stored topic (cached).

        Events nobody reads (contact-key index entries, say) are not decoded at all,
        which is most of the cost of a rebuild. The topic is resolved, not parsed, so
        an event class renamed with ``register_topic`` is still recognised.
        """
        handled = self._topics.get(topic)
        if handled is None:
            try:
                name = resolve_topic(topic).__qualname__
            except TopicError:
                name = topic.rsplit(":", 1)[-1]
            handled = self._topics[topic] = any(name in p.handlers for p in self.projections)
        return handled

    def _apply(self, db: Database, notifications, positions: dict[str, int], last: int) -> None:
        to_event = self.mapper.to_domain_event
        with db.atomic():
            for notification in notifications:
                if not self._handled(notification.topic):
                    continue
                event = to_event(notification)
                nid = notification.id
                for projection in self.projections:
                    if nid > positions[projection.name]:
                        projection.handle(db, event, nid)
            for projection in self.projections:
                if last > positions[projection.name]:
                    positions[projection.name] = last
                    db.conn.execute(
                        "UPDATE projection_positions SET position = ? WHERE name = ?",
                        (last, projection.name),
                    )

    def rebuild(self, progress: ProgressFn | None = None, cancelled: CancelFn | None = None) -> int:
        """Drop every read model and rebuild it from the first event."""
        with self._lock:
            self._rebuild_locked(self.db())
            return self.catch_up(progress=progress, cancelled=cancelled)

    def _rebuild_locked(self, db: Database) -> None:
        with db.atomic():
            for projection in self.projections:
                self._reset(db, projection)
