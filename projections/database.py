"""Opening the local read-model database (one sqlite-utils Database per thread)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database


def open_readmodels(path: str | Path) -> Database:
    """Open (creating if needed) the read-model file in WAL mode.

    WAL lets views read while the projection runner writes; ``synchronous=NORMAL``
    is safe in WAL mode (a crash loses at most the last transactions, which the
    runner replays because positions commit with the rows).
    """
    conn = sqlite3.connect(
        str(path),
        timeout=30,
        check_same_thread=False,
        isolation_level=None,
        cached_statements=1024,
    )
    db = Database(conn)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("PRAGMA temp_store=MEMORY")
    conn.execute("PRAGMA cache_size=-32000")
    return db
