"""What the parts of the ``Timeline`` projection share: its rows and its performances.

``DoorTimeline``, ``BoxOfficeTimeline`` and ``ConversationTimeline`` each handle some
events of the ``Timeline`` projection; they all add rows here and name performances
from ``timeline_performances`` (kept by ``BoxOfficeTimeline``'s handlers)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlite_utils import Database

from domain.wording import moment_mark
from projections.base import Event, Projection, iso


def when(moment: datetime) -> str:
    """The performance's start as a ``domain.wording`` mark: the view writes it in the
    organization's way ('Sat 14 Mar 2026, 19:30', 'Sat, Mar 14, 2026, 7:30 PM')."""
    return moment_mark(moment)


class TimelineRows(Projection):
    waiting: ClassVar[tuple[str, ...]] = ("_rows", "_performances")

    def __init__(self) -> None:
        super().__init__()
        #: rows of the batch being applied, inserted together by ``flush_rows``
        self._rows: list[tuple[Any, ...]] = []
        #: ``timeline_performances`` rows read in this batch (title, starts_at), by id:
        #: an import's orders name the same few performances thousands of times.
        #: Emptied by every handler that writes that table and after each batch.
        self._performances: dict[str, tuple[str, str] | None] = {}

    def add(
        self,
        db: Database,
        e: Event,
        position: int,
        kind: str,
        summary: str,
        detail: str = "",
        patron_id: str | None = None,
        amount_cents: int | None = None,
    ) -> None:
        """One timeline row; ``patron_id`` defaults to the event's aggregate (a patron).
        A summary naming an amount holds ``domain.money.AMOUNT`` where it goes and the
        row carries ``amount_cents``: the view writes it in the organization's currency.

        Rows wait in memory until the end of the batch (``batch_done``, in the batch's
        transaction) and go in with one ``executemany``; a handler that changes rows
        already written calls ``flush_rows`` first."""
        self._rows.append(
            (
                position,
                patron_id or str(e.originator_id),
                iso(e.occurred_at),
                kind,
                summary,
                detail,
                e.recorded_by,
                e.workstation,
                amount_cents,
            )
        )

    def flush_rows(self, db: Database) -> None:
        if self._rows:
            db.conn.executemany(
                "INSERT OR REPLACE INTO timeline VALUES (?,?,?,?,?,?,?,?,?)", self._rows
            )
            self._rows = []

    def _performance(self, db: Database, performance_id: str) -> tuple[str, str] | None:
        """The performance's (title, its start as a mark), None when it is unknown."""
        try:
            return self._performances[performance_id]
        except KeyError:
            pass
        row = db.conn.execute(
            "SELECT title, starts_at FROM timeline_performances WHERE id = ?", (performance_id,)
        ).fetchone()
        found = None if row is None else (str(row[0]), when(datetime.fromisoformat(row[1])))
        self._performances[performance_id] = found
        return found

    def performances_changed(self) -> None:
        """``timeline_performances`` was written: read it again."""
        self._performances.clear()

    def _label(self, db: Database, performance_id: str, with_title: bool = True) -> str:
        found = self._performance(db, performance_id)
        if found is None:
            return "a performance"
        return f"{found[0]}, {found[1]}" if with_title else found[1]

    def _title(self, db: Database, performance_id: str) -> str | None:
        found = self._performance(db, performance_id)
        return found[0] if found else None
