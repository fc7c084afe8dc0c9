"""How the read-model file is opened (projections/database.py)."""

from __future__ import annotations

import sqlite_utils.db

from projections.database import open_readmodels


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
