"""Fixtures shared by every test layer."""

from __future__ import annotations

import os
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.postgres_server import start_server


@pytest.fixture(scope="session")
def postgres_url():
    """Admin URL of a real PostgreSQL server (CI must never skip these tests)."""
    url, server, reason = start_server()
    if url is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs PostgreSQL for the shared-store tests: {reason}")
        pytest.skip(reason)
    yield url
    if server is not None:
        server.stop()


@pytest.fixture
def postgres_db(postgres_url):
    """URL of a fresh, empty database on that server, dropped afterwards."""
    import psycopg

    name = "hl_" + uuid.uuid4().hex[:12]
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(postgres_url)
    yield urlunsplit(parts._replace(path="/" + name))
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
