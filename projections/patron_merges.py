"""Read model: which patron records are merged into which, and dismissed pairs.

How every read model follows a merge (and an unmerge) without rewriting a row:
rows stay filed under the patron id their event named, and the *queries* that
read "a patron's rows" ask ``family(db, patron_id)`` for the ids to read:
the surviving record and every record merged into it. A merge adds one row
here; an unmerge deletes it, so every other read model is, row for row, what
it was before the merge (and what a rebuild from zero makes of it).

A projection added later follows merges the same way: file rows under the
event's patron id, and read them with ``WHERE patron_id IN (family)``
(``in_family()`` builds the SQL).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlite_utils import Database

from projections.base import Event, Projection, iso, run_script


class PatronMerges(Projection):
    name = "patron_merges"
    version = 1
    side_process = True
    tables = ("patron_aliases", "duplicate_dismissals")

    def __init__(self) -> None:
        super().__init__()
        self.on("Patron.MergedInto")(self._merged)
        self.on("Patron.Unmerged")(self._unmerged)
        self.on("DuplicatePair.Dismissed", "DuplicatePair.DismissedAgain")(self._dismissed)
        self.on("DuplicatePair.Reopened")(self._reopened)

    def create(self, db: Database) -> None:
        run_script(
            db,
            """
            CREATE TABLE IF NOT EXISTS patron_aliases (
                absorbed_id TEXT PRIMARY KEY,
                survivor_id TEXT NOT NULL,
                merged_at TEXT NOT NULL,
                merged_by TEXT NOT NULL DEFAULT ''
            );
            CREATE INDEX IF NOT EXISTS patron_aliases_survivor ON patron_aliases (survivor_id);
            CREATE TABLE IF NOT EXISTS duplicate_dismissals (
                pair_id TEXT PRIMARY KEY,
                a TEXT NOT NULL,
                b TEXT NOT NULL,
                dismissed_at TEXT NOT NULL,
                dismissed_by TEXT NOT NULL DEFAULT ''
            );
            """,
        )

    def _merged(self, db: Database, e: Event, position: int) -> None:
        db.conn.execute(
            "INSERT OR REPLACE INTO patron_aliases VALUES (?,?,?,?)",
            (str(e.originator_id), e.survivor_id, iso(e.occurred_at), e.recorded_by),
        )

    def _unmerged(self, db: Database, e: Event, position: int) -> None:
        db.conn.execute("DELETE FROM patron_aliases WHERE absorbed_id = ?", (str(e.originator_id),))

    def _dismissed(self, db: Database, e: Event, position: int) -> None:
        pair = str(e.originator_id)
        row = db.conn.execute(
            "SELECT a, b FROM duplicate_dismissals WHERE pair_id = ?", (pair,)
        ).fetchone()
        ids = getattr(e, "patron_ids", None) or (row or ("", ""))
        db.conn.execute(
            "INSERT OR REPLACE INTO duplicate_dismissals VALUES (?,?,?,?,?)",
            (pair, ids[0], ids[1], iso(e.occurred_at), e.recorded_by),
        )

    def _reopened(self, db: Database, e: Event, position: int) -> None:
        # Keep the ids (a later DismissedAgain carries none) but mark the pair open.
        db.conn.execute(
            "UPDATE duplicate_dismissals SET dismissed_at = '' WHERE pair_id = ?",
            (str(e.originator_id),),
        )


# -- queries -------------------------------------------------------------------------
def survivor(db: Database, patron_id: str) -> str:
    """The record that holds ``patron_id``'s history now (itself when not merged)."""
    try:
        row = db.conn.execute(
            "SELECT survivor_id FROM patron_aliases WHERE absorbed_id = ?", (str(patron_id),)
        ).fetchone()
    except sqlite3.OperationalError:  # read models without this projection
        return str(patron_id)
    return row[0] if row else str(patron_id)


def family(db: Database, patron_id: str) -> list[str]:
    """The surviving record of ``patron_id`` first, then every record merged into it."""
    head = survivor(db, patron_id)
    try:
        merged = [
            r[0]
            for r in db.conn.execute(
                "SELECT absorbed_id FROM patron_aliases WHERE survivor_id = ? ORDER BY merged_at",
                (head,),
            )
        ]
    except sqlite3.OperationalError:
        merged = []
    return [head, *merged]


def in_family(db: Database, patron_id: str, column: str = "patron_id") -> tuple[str, list[str]]:
    """``("patron_id IN (?,?)", [ids])`` for reading a patron's rows, merged ones included."""
    ids = family(db, patron_id)
    return f"{column} IN ({','.join('?' * len(ids))})", ids


def survivor_sql(db: Database, column: str) -> str:
    """SQL for the surviving record of the patron id in ``column`` (itself when not
    merged), for queries that list rows of many patrons (follow-ups, chats); just
    ``column`` when these read models have no merges table."""
    if not db.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'patron_aliases'").fetchone():
        return column
    return (
        f"coalesce((SELECT survivor_id FROM patron_aliases WHERE absorbed_id = {column}), {column})"
    )


def aliases(db: Database) -> dict[str, str]:
    """Every merged record and the record it was merged into (few: merges are rare)."""
    try:
        return dict(db.conn.execute("SELECT absorbed_id, survivor_id FROM patron_aliases"))
    except sqlite3.OperationalError:
        return {}


def merged_records(db: Database, survivor_id: str) -> list[dict[str, Any]]:
    """Records merged into ``survivor_id``: absorbed_id, merged_at, merged_by."""
    try:
        cursor = db.conn.execute(
            "SELECT absorbed_id, merged_at, merged_by FROM patron_aliases WHERE survivor_id = ?"
            " ORDER BY merged_at",
            (str(survivor_id),),
        )
    except sqlite3.OperationalError:
        return []
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def dismissed_pairs(db: Database) -> set[tuple[str, str]]:
    """Pairs (sorted ids) reviewed as two different people."""
    return {
        (a, b)
        for a, b in db.conn.execute(
            "SELECT a, b FROM duplicate_dismissals WHERE dismissed_at != ''"
        )
    }


def merged_ids(db: Database) -> set[str]:
    return {r[0] for r in db.conn.execute("SELECT absorbed_id FROM patron_aliases")}
