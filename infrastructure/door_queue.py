"""The door's queue: scans an offline door decided, kept until the store has them.

One SQLite file in the workstation's data folder (next to the read models, one per
shared store). Every queued scan is written with ``PRAGMA synchronous=FULL`` before
its verdict is shown, so a killed or crashed app loses nothing queued. Each scan has
its own id (a uuid): the store records it with the admission, the undo or the refused
scan, so sending a scan twice never admits twice (``DoorService.send_queued``).

Sent scans stay in the file with what became of them (sent, already, conflict), for
the door's own record of recent evenings, and are forgotten after ``KEEP_SENT_DAYS``
(the store has them); ``waiting()`` counts only those not yet sent, which are never
forgotten.
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

#: the columns of one queued scan, as ``pending()`` returns them
FIELDS = (
    "seq",
    "id",
    "kind",
    "code",
    "scanned",
    "verdict",
    "reason",
    "performance_id",
    "door",
    "occurred_at",
    "workstation",
    "staff",
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS queued_scans (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    code TEXT NOT NULL,
    scanned TEXT NOT NULL DEFAULT '',
    verdict TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',
    performance_id TEXT NOT NULL,
    door TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    workstation TEXT NOT NULL DEFAULT '',
    staff TEXT NOT NULL DEFAULT '',
    sent_at TEXT,
    outcome TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS queued_scans_waiting ON queued_scans (sent_at, seq);
CREATE INDEX IF NOT EXISTS queued_scans_code ON queued_scans (code, seq);
"""


#: how long scans the store has taken stay in the file (the door's record of recent nights)
KEEP_SENT_DAYS = 14

INSERT = (
    "INSERT INTO queued_scans (id, kind, code, scanned, verdict, reason,"
    " performance_id, door, occurred_at, workstation, staff)"
    " VALUES (?,?,?,?,?,?,?,?,?,?,?)"
)


class DoorQueue:
    """Scans waiting for the shared store, durable across crashes."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._open: sqlite3.Connection | None = None
        self._checkpoint_lock = threading.Lock()
        self._checkpointer: sqlite3.Connection | None = None
        with self._lock:
            self._connection()

    def _connection(self) -> sqlite3.Connection:
        """The queue's connection, opened again if closed (a window refreshing late)."""
        if self._open is None:
            conn = sqlite3.connect(
                str(self.path), timeout=30, check_same_thread=False, isolation_level=None
            )
            conn.execute("PRAGMA journal_mode=WAL")
            # every commit reaches the disk before the verdict is shown: in WAL mode one
            # sync of the write-ahead log per scan, and nothing else
            conn.execute("PRAGMA synchronous=FULL")
            # ... not even now and then a checkpoint (copying the log into the file, with
            # syncs of its own): ``checkpoint()`` does that on the sync thread, and SQLite
            # does it when the last connection closes
            conn.execute("PRAGMA wal_autocheckpoint=0")
            conn.executescript(SCHEMA)  # once per connection, never per scan
            # the file stays small: scans the store took long ago are its to keep
            forget = (datetime.now(tz=UTC) - timedelta(days=KEEP_SENT_DAYS)).isoformat()
            conn.execute(
                "DELETE FROM queued_scans WHERE sent_at IS NOT NULL AND sent_at < ?", (forget,)
            )
            self._open = conn
        return self._open

    def checkpoint(self) -> tuple[int, int]:
        """Copy the write-ahead log into the queue file, off the scan's path (the door's
        background sync calls this); scans go on meanwhile. A log already copied is
        started again from its beginning by the next scan, so it does not grow. Returns
        (frames in the log, frames copied)."""
        with self._checkpoint_lock:
            if self._checkpointer is None:
                self._checkpointer = sqlite3.connect(
                    str(self.path), timeout=30, check_same_thread=False, isolation_level=None
                )
            _busy, log_frames, copied = self._checkpointer.execute(
                "PRAGMA wal_checkpoint(PASSIVE)"
            ).fetchone()
            return log_frames, copied

    @property
    def _conn(self) -> sqlite3.Connection:
        return self._connection()

    def close(self) -> None:
        with self._checkpoint_lock:
            if self._checkpointer is not None:
                self._checkpointer.close()
                self._checkpointer = None
        with self._lock:
            if self._open is not None:
                self._open.close()
                self._open = None

    def add(
        self,
        kind: str,
        code: str,
        performance_id: str,
        door: str,
        occurred_at: str,
        *,
        scanned: str = "",
        verdict: str = "",
        reason: str = "",
        workstation: str = "",
        staff: str = "",
        scan_id: str = "",
    ) -> str:
        """Queue one scan (synced to disk when this returns); returns its id."""
        scan_id = scan_id or str(uuid.uuid4())
        with self._lock:
            self._conn.execute(
                INSERT,  # one statement, prepared once (the connection's statement cache)
                (
                    scan_id,
                    kind,
                    code,
                    scanned,
                    verdict,
                    reason,
                    performance_id,
                    door,
                    occurred_at,
                    workstation,
                    staff,
                ),
            )
        return scan_id

    def waiting(self) -> int:
        """How many scans wait to be sent."""
        with self._lock:
            return self._conn.execute(
                "SELECT count(*) FROM queued_scans WHERE sent_at IS NULL"
            ).fetchone()[0]

    def pending(
        self, limit: int = 100, code: str | None = None, performance_id: str | None = None
    ) -> list[dict]:
        """The oldest scans waiting to be sent (of one ticket code, or for one
        performance, if given), in order."""
        where, params = "sent_at IS NULL", []
        if code is not None:
            where += " AND code = ?"
            params.append(code)
        if performance_id is not None:
            where += " AND performance_id = ?"
            params.append(performance_id)
        with self._lock:
            rows = self._conn.execute(
                f"SELECT {', '.join(FIELDS)} FROM queued_scans WHERE {where} ORDER BY seq LIMIT ?",
                (*params, limit),
            ).fetchall()
        return [dict(zip(FIELDS, row, strict=True)) for row in rows]

    def mark_sent(self, outcomes: list[tuple[str, str]], when: str) -> None:
        """Record that these scans reached the store: ``[(scan id, outcome)]``."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self._conn.executemany(
                    "UPDATE queued_scans SET sent_at = ?, outcome = ? WHERE id = ?",
                    [(when, outcome, scan_id) for scan_id, outcome in outcomes],
                )
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise

    def outcomes(self) -> dict[str, int]:
        """How the scans sent so far fared: ``{"sent": n, "already": n, "conflict": n}``."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT outcome, count(*) FROM queued_scans WHERE sent_at IS NOT NULL"
                " GROUP BY outcome"
            ).fetchall()
        return dict(rows)
