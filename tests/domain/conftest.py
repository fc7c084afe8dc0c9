"""Domain tests run against both event stores: the embedded SQLite file and a
shared PostgreSQL database (fixture ``store_config`` from tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from desktop.config import StoreConfig
from domain.application import Houselights


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
