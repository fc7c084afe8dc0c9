"""Read model: the audit trail -- who did what, when, from which workstation (issue 9).

One row per recorded action, over every event the app records (the events listed
in ``domain/personal_data.py``, so a new event is audited as soon as it is listed
there), except the bookkeeping that accompanies an action (contact-key index
entries, the seats and tickets that an order already stands for). Rows carry the
event's name in plain words and the id of the thing it happened to, never
personal data, so the audit needs nothing from an erasure.
"""

from __future__ import annotations

import functools
from typing import Any

from sqlite_utils import Database

from domain.event_words import plain_words
from domain.personal_data import PERSONAL_FIELDS
from projections.base import Event, Projection, event_name, iso, run_script

COLUMNS = ("position", "occurred_at", "recorded_by", "workstation", "action", "event", "subject")

#: events that only accompany another one the audit already shows
QUIET = frozenset(
    {
        "ContactKey.Opened",
        "ContactKey.Claimed",
        "ContactKey.Released",
        "Performance.SeatsTaken",
        "Performance.SeatsTakenTogether",
        "Performance.SeatsReleased",
        "Ticket.Issued",
        "StaffRoster.Opened",
        "StaffRoster.MemberAdded",
    }
)


class Audit(Projection):
    name = "audit"
    waiting = ("_rows",)
    version = 1
    tables = ("audit",)

    def __init__(self) -> None:
        super().__init__()
        #: rows of the batch being applied, inserted together by ``batch_done``
        self._rows: list[tuple[Any, ...]] = []
        for name in PERSONAL_FIELDS:
            if name not in QUIET:
                self.on(name)(self._recorded)

    def create(self, db: Database) -> None:
        run_script(
            db,
            """
            CREATE TABLE IF NOT EXISTS audit (
                position INTEGER PRIMARY KEY,
                occurred_at TEXT NOT NULL,
                recorded_by TEXT NOT NULL DEFAULT '',
                workstation TEXT NOT NULL DEFAULT '',
                action TEXT NOT NULL,
                event TEXT NOT NULL,
                subject TEXT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS audit_when ON audit (occurred_at DESC, position DESC);
            """,
        )

    def _recorded(self, db: Database, e: Event, position: int) -> None:
        name = event_name(e)
        self._rows.append(
            (
                position,
                iso(e.occurred_at),
                getattr(e, "recorded_by", ""),
                getattr(e, "workstation", ""),
                _words(name),
                name,
                str(e.originator_id),
            )
        )

    def batch_done(self, db: Database, final: bool) -> None:
        # one executemany per batch, in the batch's transaction (nothing reads the
        # audit while a batch is applied)
        if self._rows:
            db.conn.executemany("INSERT OR REPLACE INTO audit VALUES (?,?,?,?,?,?,?)", self._rows)
            self._rows = []


@functools.cache
def _words(name: str) -> str:
    return plain_words(name)


def rows(db: Database, text: str = "", limit: int = 5000) -> list[dict[str, Any]]:
    """The newest actions first (by when they happened); ``text`` keeps those whose
    staff member, workstation or action contains it (case aside)."""
    where, params = "", []
    if text.strip():
        like = f"%{text.strip()}%"
        where = " WHERE recorded_by LIKE ? OR workstation LIKE ? OR action LIKE ?"
        params = [like, like, like]
    cur = db.conn.execute(
        f"SELECT {', '.join(COLUMNS)} FROM audit{where}"
        " ORDER BY occurred_at DESC, position DESC LIMIT ?",
        (*params, limit),
    )
    return [dict(zip(COLUMNS, row, strict=True)) for row in cur.fetchall()]


def count(db: Database) -> int:
    return int(db.conn.execute("SELECT count(*) FROM audit").fetchone()[0])


#: (table, id column, what to show) of the read models that name an audited record
_NAMED = (
    ("patrons", "id", "name"),
    ("bo_performances", "id", "title"),
    ("bo_productions", "id", "title"),
    ("bo_tickets", "id", "code"),
)


def subject_names(db: Database, subjects: list[str]) -> dict[str, str]:
    """What each audited record is called where a read model knows it (a patron's name,
    a performance's title, a ticket's code): record id -> words. Records without a
    name (a call, a chat, an erased patron) are missing from the answer."""
    wanted = sorted({s for s in subjects if s})
    found: dict[str, str] = {}
    tables = {r[0] for r in db.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    for table, key, shown in _NAMED:
        if table not in tables:
            continue
        for start in range(0, len(wanted), 500):
            chunk = [w for w in wanted[start : start + 500] if w not in found]
            if not chunk:
                continue
            marks = ",".join("?" * len(chunk))
            for ident, words in db.conn.execute(
                f"SELECT {key}, {shown} FROM {table} WHERE {key} IN ({marks})", chunk
            ):
                if words:
                    found[ident] = str(words)
    return found


def staff_accounts_recorded(db: Database) -> bool:
    """Whether this workstation has seen a staff account created (the store's own answer,
    ``Access.accounts_exist``, needs the server; a window started without it asks here)."""
    tables = {r[0] for r in db.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "audit" not in tables:
        return False
    found = db.conn.execute(
        "SELECT 1 FROM audit WHERE event = 'StaffMember.Created' LIMIT 1"
    ).fetchone()
    return found is not None
