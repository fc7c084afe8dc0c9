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


def test_a_long_writers_log_starts_again_once_it_is_long(tmp_path, monkeypatch):
    """A writer that writes on (an import's second process, held transaction after held
    transaction) never lets the passive checkpoints beside it start the log again: it
    grew by every page written, and a 200 MB file's import filled the disk. After a
    commit, ``keep_log_short`` starts it again once it passes ``LOG_RESTART_BYTES``."""
    from projections import database

    monkeypatch.setattr(database, "LOG_RESTART_BYTES", 200_000)
    path = tmp_path / "readmodels.sqlite"
    db = open_readmodels(path)
    log = tmp_path / "readmodels.sqlite-wal"
    try:
        db.conn.execute("CREATE TABLE rows (id INTEGER PRIMARY KEY, text TEXT)")
        sizes, restarted = [], []
        with checkpoints_beside(db) as beside:
            held = database.HeldWrites(db, 0)
            with held:
                for n in range(30):  # 30 commits of about 100 KB of pages each
                    held.begin()
                    db.conn.executemany(
                        "INSERT INTO rows (text) VALUES (?)",
                        [(f"{n}-{i}" * 40,) for i in range(60)],
                    )
                    held.commit()
                    restarted.append(beside.keep_log_short(db.conn))
                    sizes.append(log.stat().st_size)
        assert any(restarted)
        # at most the limit, plus one commit's pages written after a restart
        assert max(sizes) < 200_000 + 150_000, sizes
        assert db.conn.execute("SELECT count(*) FROM rows").fetchone() == (1800,)
        assert db.conn.execute("PRAGMA journal_size_limit").fetchone() == (-1,)
    finally:
        db.conn.close()
