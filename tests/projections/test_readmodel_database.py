"""How the read-model file is opened (projections/database.py)."""

from __future__ import annotations

import sqlite3

import sqlite_utils.db

from projections.database import checkpoints_beside, open_readmodels


def test_opening_the_read_models_runs_no_sqlite_utils_plugins(tmp_path, monkeypatch):
    """Looking for sqlite-utils plugins scans every installed package's metadata, in
    each process that opens the read models (the import's second process too); the
    read models use none."""
    asked: list[object] = []
    monkeypatch.setattr(
        sqlite_utils.db.pm.hook, "prepare_connection", lambda conn: asked.append(conn)
    )

    db = open_readmodels(tmp_path / "readmodels.sqlite")
    try:
        assert db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert asked == []
    finally:
        db.conn.close()


def test_a_thread_beside_a_busy_writer_copies_the_log_into_the_file(tmp_path):
    """``checkpoints_beside`` (an import's second process): the writer's commits no
    longer checkpoint (its ``wal_autocheckpoint`` is 0 until the end), and still the
    committed rows reach the file itself, not only its write-ahead log."""
    path = tmp_path / "readmodels.sqlite"
    db = open_readmodels(path)
    try:
        db.conn.execute("PRAGMA wal_autocheckpoint=700")
        db.conn.execute("CREATE TABLE tickets (code TEXT)")
        with checkpoints_beside(db) as beside:
            assert db.conn.execute("PRAGMA wal_autocheckpoint").fetchone() == (0,)
            db.conn.execute("INSERT INTO tickets VALUES ('BC1')")
            # the second checkpoint from now began after the commit (a hang guard only)
            after = beside.done + 2
            while beside.done < after:
                assert beside.ran.wait(60)
                beside.ran.clear()
        in_the_file = sqlite3.connect(f"file:{path}?immutable=1", uri=True)  # not the log
        try:
            assert in_the_file.execute("SELECT code FROM tickets").fetchall() == [("BC1",)]
        finally:
            in_the_file.close()
        assert beside.done >= after
        assert db.conn.execute("PRAGMA wal_autocheckpoint").fetchone() == (700,)
    finally:
        db.conn.close()
