"""Projection tests: the whole back end (bootstrap) on a real event store, with
read models in real SQLite files under tmp_path."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from infrastructure.bootstrap import Services


@pytest.fixture
def services(start: Callable[..., Services]) -> Services:
    return start()


@pytest.fixture
def read_models() -> Callable:
    """Every row of the read-model tables, in a stable order, to compare them."""

    def read(db) -> dict[str, list[tuple]]:
        return {
            "patrons": db.conn.execute("SELECT * FROM patrons ORDER BY id").fetchall(),
            "timeline": db.conn.execute(
                "SELECT * FROM timeline ORDER BY position, patron_id"
            ).fetchall(),
        }

    return read
