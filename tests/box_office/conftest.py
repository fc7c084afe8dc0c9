"""Box-office tests run on the embedded SQLite store and a real PostgreSQL."""

from __future__ import annotations

import pytest

from domain.application import Houselights
from infrastructure.config import resolve


@pytest.fixture(params=["sqlite", "postgresql"])
def store_env(request, tmp_path) -> dict:
    if request.param == "postgresql":
        return resolve(tmp_path, store=request.getfixturevalue("postgres_db")).eventsourcing_env()
    return resolve(tmp_path).eventsourcing_env()


@pytest.fixture
def app(store_env):
    app = Houselights(env=store_env)
    yield app
    app.close()
