"""Projection tests: the whole back end (bootstrap) on a real event store, with
read models in real SQLite files under tmp_path."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from desktop.bootstrap import Services, bootstrap
from desktop.config import StoreConfig, resolve


@pytest.fixture(params=["sqlite", "postgresql"])
def store_config(request: pytest.FixtureRequest, tmp_path) -> StoreConfig:
    if request.param == "postgresql":
        return resolve(tmp_path, store=request.getfixturevalue("postgres_db"))
    return resolve(tmp_path, store="sqlite")


@pytest.fixture
def start(store_config: StoreConfig) -> Iterator[Callable[..., Services]]:
    """Start Houselights on the store (again), as the desktop client does."""
    started: list[Services] = []

    def start_(config: StoreConfig | None = None, **options) -> Services:
        options.setdefault("staff", "maria")
        options.setdefault("workstation", "box-office-1")
        services = bootstrap(config or store_config, **options)
        started.append(services)
        return services

    yield start_
    for services in reversed(started):
        services.close()


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
