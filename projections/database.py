"""Opening the local read-model database (one sqlite-utils Database per thread)."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

log = logging.getLogger(__name__)


def open_readmodels(path: str | Path, uri: bool = False) -> Database:
    """Open (creating if needed) the read-model file in WAL mode.

    WAL lets views read while the projection runner writes; ``synchronous=NORMAL``
    is safe in WAL mode (a crash loses at most the last transactions, which the
    runner replays because positions commit with the rows). ``uri``: ``path`` is an
    SQLite URI (an in-memory database shared by the threads of this process, which
    keeps its own journal: WAL needs a file).
    """
    conn = sqlite3.connect(
        str(path),
        timeout=30,
        check_same_thread=False,
        isolation_level=None,
        cached_statements=1024,
        uri=uri,
    )
    # No sqlite-utils plugins: the read models use none, and looking for them scans
    # every installed package's metadata (about 12 ms in each process that opens one).
    db = Database(conn, execute_plugins=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("PRAGMA temp_store=MEMORY")
    conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
    return db


class ReadModelFile:
    """Where the read models live: by default a plain SQLite file beside the store.

    The runner and a door's offline copy open their connections through this, so an
    encrypted store can keep its read models elsewhere (in memory, saved encrypted:
    ``infrastructure/encrypted_readmodels.py``) without either knowing how.
    """

    #: whether the read models live in this process only (no second process can open
    #: them: a long rebuild then runs in this process alone)
    in_memory = False

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def connect(self) -> Database:
        """A new connection (one per thread)."""
        return open_readmodels(self.path)

    def exists(self) -> bool:
        return self.path.exists()

    def changed(self, force: bool = False) -> None:
        """Called after committed work (``force``: after a rebuild or an erasure)."""

    def close(self) -> None:
        """Called once every connection of the runner is closed."""


def remove_database(path: str | Path) -> None:
    """Delete an SQLite file and its companions (WAL, shared memory, rollback journal):
    only for files that can be rebuilt (read models, scratch files)."""
    path = Path(path)
    for extra in ("", "-wal", "-shm", "-journal"):
        path.with_name(path.name + extra).unlink(missing_ok=True)


#: page cache of a read-model connection (KiB), and while applying many events
CACHE_KIB = 32_000
BULK_CACHE_KIB = 128_000
#: each process's page cache while a rebuild is shared by two (``side_process``); smaller
#: than one rebuild's alone, as there are two (at the design size the cache size made
#: little difference to the time)
SHARED_BULK_CACHE_KIB = 48_000
#: WAL pages before a checkpoint (SQLite's default), and while applying many events
CHECKPOINT_PAGES = 1000
BULK_CHECKPOINT_PAGES = 10_000


@contextmanager
def bulk_mode(db: Database, cache_kib: int = BULK_CACHE_KIB) -> Iterator[None]:
    """Settings for applying many events at once (a rebuild, a long catch-up).

    A bigger page cache keeps the indexes being filled in memory (at a million
    events they are far larger than the everyday cache, and every miss is a read),
    and fewer, larger WAL checkpoints mean fewer fsyncs. Durability is unchanged:
    each batch still commits its rows with its position. Memory returns to the
    everyday size afterwards.
    """
    conn = db.conn
    conn.execute(f"PRAGMA cache_size=-{cache_kib}")
    conn.execute(f"PRAGMA wal_autocheckpoint={BULK_CHECKPOINT_PAGES}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        conn.execute(f"PRAGMA wal_autocheckpoint={CHECKPOINT_PAGES}")
        conn.execute("PRAGMA shrink_memory")


#: connections in a transaction ``HeldWrites`` holds
_HELD: set[sqlite3.Connection] = set()


class HeldWrites:
    """One write transaction held over an import's second process's catch-ups
    (``projections/alongside.py``), committed when it has been held ``hold_s`` and at
    the end.

    Each catch-up's batches are then part of it (``write_transaction`` opens no
    savepoint of its own there: a savepoint in a long transaction copies every page it
    first changes aside, and made a 20,000-row import's steps more than twice as slow),
    and its commit writes each page they changed once. Committed chunk by chunk, the
    pages of the read models' indexes on random ids (a ticket's, a patron's) were
    written again at every commit: each chunk's rows land all over their leaf pages, so
    the dozen commits of a 20,000-row import wrote most of those pages again and again
    (at the design size, 816,000 page writes against 403,000 held). Nothing can be
    lost: positions commit with their rows, and an error rolls the uncommitted steps
    back for the first process to apply (``CatchUpAlongside.finish``); nothing is left
    half-applied: a batch that fails rolls back the whole held transaction. ``hold_s``
    bounds how long another writer of the read models waits."""

    def __init__(self, db: Database, hold_s: float) -> None:
        self.conn = db.conn
        self.hold_s = hold_s
        self.since = 0.0

    def __enter__(self) -> HeldWrites:
        _HELD.add(self.conn)
        return self

    def begin(self) -> None:
        """Take the write lock, unless it is held already."""
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN IMMEDIATE")
            self.since = time.monotonic()

    def due(self) -> bool:
        """Whether the transaction has been held ``hold_s``."""
        return self.conn.in_transaction and time.monotonic() - self.since >= self.hold_s

    def commit(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("COMMIT")

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        _HELD.discard(self.conn)
        if kind is None:
            self.commit()
        elif self.conn.in_transaction:
            self.conn.execute("ROLLBACK")


def held(conn: sqlite3.Connection) -> bool:
    """Whether ``conn`` is in a transaction ``HeldWrites`` holds."""
    return conn in _HELD and conn.in_transaction


#: how often ``checkpoints_beside``'s thread copies the log into the file (seconds)
CHECKPOINT_EVERY_S = 0.1
#: the write-ahead log beside a long writer is started again from its beginning once it
#: is longer than this (bytes; ``CheckpointsBeside.keep_log_short``)
LOG_RESTART_BYTES = 256 * 1024 * 1024


class CheckpointsBeside:
    """The thread of ``checkpoints_beside``; ``done`` counts its checkpoints."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.done = 0
        self.ran = threading.Event()  # set after each checkpoint
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="wal-checkpoints", daemon=True)

    def _run(self) -> None:
        try:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            try:
                while not self._stop.wait(CHECKPOINT_EVERY_S):
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                    self.done += 1
                    self.ran.set()
            finally:
                conn.close()
        except sqlite3.Error as error:  # the writer's own commits checkpoint as before
            log.warning("checkpoints beside the writer stopped: %s", error)

    def keep_log_short(self, conn: sqlite3.Connection) -> bool:
        """After a commit of the writer ``conn``: when the log is longer than
        ``LOG_RESTART_BYTES``, copy all of it into the file and have the next write start
        it again from its beginning (a ``RESTART`` checkpoint on the writer's connection,
        which waits for the thread's and for readers; ``journal_size_limit`` then gives
        the disk back). The thread's passive checkpoints alone never let the log start
        again while the writer writes on: it grew by every page written, and a 200 MB
        file's import filled the disk with it. True when it checkpointed."""
        try:
            size = os.path.getsize(f"{self.path}-wal")
        except OSError:
            return False
        if size <= LOG_RESTART_BYTES:
            return False
        conn.execute("PRAGMA wal_checkpoint(RESTART)").fetchone()
        return True

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


@contextmanager
def checkpoints_beside(db: Database) -> Iterator[CheckpointsBeside]:
    """While this connection commits (an import's second process,
    ``projections/alongside.py``), a thread of its own copies the write-ahead log into
    the file every ``CHECKPOINT_EVERY_S`` (a passive checkpoint on its own connection,
    which waits for no one), and this connection's commits checkpoint nothing
    (``wal_autocheckpoint=0`` until the end). A commit that fills the log to
    ``wal_autocheckpoint`` pages otherwise checkpoints it itself and waits for the
    disk's syncs before going on: about 90 ms each, three in a 20,000-row import
    committed chunk by chunk; 0.13 s for that import's one held commit
    (``HeldWrites``), 0.8 s at the design size. The thread does it while this
    connection goes on (the ladder's work-out after the import's last commit). Should
    the thread fail, the log grows until the last connection closes, which copies it.
    Durability is unchanged: a checkpoint only copies committed pages, with the same
    syncs. Yields the thread (``done`` counts its checkpoints)."""
    path = db.conn.execute("PRAGMA database_list").fetchone()[2]
    beside = CheckpointsBeside(path)
    if not path:  # (a database in memory has no log)
        yield beside
        return
    before = db.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
    limit = db.conn.execute("PRAGMA journal_size_limit").fetchone()[0]
    db.conn.execute("PRAGMA wal_autocheckpoint=0")
    db.conn.execute(f"PRAGMA journal_size_limit={LOG_RESTART_BYTES}")
    beside.start()
    try:
        yield beside
    finally:
        beside.stop()
        db.conn.execute(f"PRAGMA wal_autocheckpoint={before}")
        db.conn.execute(f"PRAGMA journal_size_limit={limit}")
