"""Domain tests run against both event stores: the embedded SQLite file and a
shared PostgreSQL database (fixture ``postgres_db`` from tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from desktop.config import StoreConfig, resolve
from domain.application import Houselights


@pytest.fixture(params=["sqlite", "postgresql"])
def store_config(request: pytest.FixtureRequest, tmp_path) -> StoreConfig:
    if request.param == "postgresql":
        return resolve(tmp_path, store=request.getfixturevalue("postgres_db"))
    return resolve(tmp_path, store="sqlite")


@pytest.fixture
def open_app(store_config: StoreConfig) -> Iterator[Callable[[], Houselights]]:
    """Open (another) Houselights on the same store, as a second process would."""
    opened: list[Houselights] = []

    def open_() -> Houselights:
        app = Houselights(env=store_config.eventsourcing_env())
        opened.append(app)
        return app

    yield open_
    for app in opened:
        app.close()


@pytest.fixture
def store(open_app: Callable[[], Houselights]) -> Houselights:
    """A Houselights application on an empty event store."""
    return open_app()
