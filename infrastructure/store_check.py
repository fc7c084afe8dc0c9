"""Is this file a healthy Houselights database? Checked read-only, never written.

``check_events_file(path)`` and ``check_readmodels_file(path)`` open a file
read-only (SQLite's ``mode=ro``: nothing is ever written to the file being
checked) and return ``None`` when it is fine, or a ``Damage`` whose
``message`` says in plain words what is wrong.

Two depths: the quick check (start-up: the file's header, its table list, the
last event; it reads the whole file only when the file is small) and the full
check (``PRAGMA integrity_check``: every page; before a backup is restored and
after the database reported an error).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

SQLITE_HEADER = b"SQLite format 3\x00"
#: the tables eventsourcing's SQLite recorder keeps events in
EVENT_TABLE = "stored_events"
EVENT_COLUMNS = {"originator_id", "originator_version", "topic", "state"}
#: below this size the start-up check reads every page too (about 0.1 s at most)
QUICK_FULL_CHECK_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Damage:
    """What is wrong with a database file, in words a box-office volunteer understands."""

    path: Path
    kind: str  # "missing", "not_sqlite", "malformed", "not_houselights", "unreadable"
    detail: str

    @property
    def message(self) -> str:
        name = self.path.name
        if self.kind == "missing":
            return f"The file {name} is not there."
        if self.kind == "not_sqlite":
            return (
                f"The file {name} is not a Houselights database any more: its contents "
                "were overwritten or it is another kind of file."
            )
        if self.kind == "not_houselights":
            return f"The file {name} is a database, but not one Houselights made ({self.detail})."
        if self.kind == "unreadable":
            return f"The file {name} cannot be opened ({self.detail})."
        return (
            f"The file {name} is damaged: parts of it cannot be read ({self.detail}). "
            "This happens when a disk fails, a computer loses power while writing, or "
            "the file was copied while in use."
        )


def open_read_only(path: str | Path) -> sqlite3.Connection:
    """A connection that can never write to ``path`` (nor create it)."""
    uri = "file:" + quote(str(Path(path).resolve())) + "?mode=ro"
    return sqlite3.connect(uri, uri=True, timeout=10, check_same_thread=False)


def _header(path: Path) -> bytes:
    with path.open("rb") as file:
        return file.read(len(SQLITE_HEADER))


def _integrity(conn: sqlite3.Connection) -> str | None:
    """None when every page checks out, else SQLite's first complaint."""
    rows = conn.execute("PRAGMA integrity_check(5)").fetchall()
    problems = [row[0] for row in rows if row[0] != "ok"]
    return "; ".join(problems)[:300] if problems else None


def _tables(conn: sqlite3.Connection) -> dict[str, set[str]]:
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {name: {r[1] for r in conn.execute(f"PRAGMA table_info([{name}])")} for name in names}


def _check(path: Path, full: bool, events: bool) -> tuple[Damage | None, int]:
    """(damage or None, number of events) for a store (``events``) or read-model file."""
    path = Path(path)
    if not path.exists():
        return Damage(path, "missing", "no such file"), 0
    try:
        if path.stat().st_size == 0:
            return None, 0  # a brand-new store: SQLite fills it on first use
        if _header(path) != SQLITE_HEADER:
            return Damage(path, "not_sqlite", "no SQLite header"), 0
    except OSError as error:
        return Damage(path, "unreadable", error.strerror or str(error)), 0
    full = full or path.stat().st_size <= QUICK_FULL_CHECK_BYTES
    try:
        with closing(open_read_only(path)) as conn:
            tables = _tables(conn)
            count = 0
            if events:
                if EVENT_TABLE not in tables:
                    return Damage(path, "not_houselights", "it has no recorded events"), 0
                if not tables[EVENT_TABLE] >= EVENT_COLUMNS:
                    return Damage(path, "not_houselights", "its events table is different"), 0
                row = conn.execute(f"SELECT max(rowid) FROM {EVENT_TABLE}").fetchone()
                count = row[0] or 0
                if count:  # the newest event can be read to its end
                    conn.execute(
                        f"SELECT length(state), topic FROM {EVENT_TABLE} WHERE rowid = ?", (count,)
                    ).fetchone()
            if full and (problem := _integrity(conn)):
                return Damage(path, "malformed", problem), count
            return None, count
    except sqlite3.DatabaseError as error:
        text = str(error)
        kind = "not_sqlite" if "not a database" in text else "malformed"
        if "unable to open" in text:
            kind = "unreadable"
        return Damage(path, kind, text), 0


def check_events_file(path: str | Path, full: bool = False) -> Damage | None:
    """None when ``path`` is a readable Houselights event store (read-only check)."""
    return _check(Path(path), full, events=True)[0]


def count_events(path: str | Path) -> int:
    """How many events a store or backup holds (its newest event's number); 0 when
    unreadable. Cheap: one index lookup, no page check (lists call it per backup)."""
    try:
        with closing(open_read_only(path)) as conn:
            return conn.execute(f"SELECT max(rowid) FROM {EVENT_TABLE}").fetchone()[0] or 0
    except sqlite3.Error:
        return 0


def verify_events_file(path: str | Path) -> tuple[Damage | None, int]:
    """The full check of a backup before it is used: (damage or None, event count)."""
    return _check(Path(path), True, events=True)


def check_readmodels_file(path: str | Path, full: bool = False) -> Damage | None:
    """None when ``path`` is a readable SQLite file (or not there yet: it is rebuilt)."""
    path = Path(path)
    if not path.exists():
        return None
    return _check(path, full, events=False)[0]


def is_damage_error(error: BaseException | None) -> bool:
    """Whether a database error means a file is damaged (not merely busy or locked).

    eventsourcing wraps SQLite's errors in its own classes, so the message and
    the chain of causes are looked at, not only the class.
    """
    seen = 0
    while error is not None and seen < 5:
        text = str(error).lower()
        if "malformed" in text or "not a database" in text or "corrupt" in text:
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False
