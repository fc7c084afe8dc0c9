"""Fixtures shared by every test layer."""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, tzinfo
from urllib.parse import urlsplit, urlunsplit

import pytest

from domain.application import Houselights
from infrastructure.bootstrap import Services, bootstrap
from infrastructure.config import StoreConfig, resolve
from tests.postgres_server import start_server


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: one worker more than the cores (``--maxprocesses`` caps it). A test
    waits on much besides its own process (the programs it starts, PostgreSQL, Xvfb):
    on two cores three workers ran the suite in 8 min 10 s, two in 10 min 7 s."""
    return (os.cpu_count() or 1) + 1


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


@pytest.fixture(params=["sqlite", "postgresql"])
def store_config(request: pytest.FixtureRequest, tmp_path) -> StoreConfig:
    """The store in tmp_path: an embedded SQLite file, then a shared PostgreSQL database."""
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


@pytest.fixture(autouse=True)
def _organization_conventions_reset():
    """A test that sets the organization's country, currency or settings in use (the
    main window, ``houselights setup``) leaves none of it to the next test."""
    import sys

    yield
    if "desktop.formatting" in sys.modules:
        sys.modules["desktop.formatting"].configure()
    if "desktop.settings" in sys.modules:
        sys.modules["desktop.settings"].use(None)
    if "desktop.file_dialogs" in sys.modules:
        sys.modules["desktop.file_dialogs"].remember_in(None)
        sys.modules["desktop.file_dialogs"]._last.clear()


#: how close to a zone's midnight a test that reads "today" there does not begin
MIDNIGHT_MARGIN = timedelta(minutes=2)


def clear_of_midnight(
    zone: tzinfo,
    now: Callable[[tzinfo], datetime] = datetime.now,
    wait: Callable[[float], object] | None = None,
) -> None:
    """Begin only well inside one of ``zone``'s days: when its clock is less than
    ``MIDNIGHT_MARGIN`` before midnight, wait until the new day has begun (two minutes
    at most). A test that works out "today" in ``zone`` and then has the app work it
    out again (seconds later) would otherwise read two days across its midnight."""
    moment = now(zone)
    midnight = datetime.combine(moment.date() + timedelta(days=1), datetime.min.time(), zone)
    left = midnight - moment
    if left < MIDNIGHT_MARGIN:
        (wait or threading.Event().wait)(left.total_seconds() + 1)


@pytest.fixture
def computer_clock() -> Iterator[Callable[[str], None]]:
    """``computer_clock(zone)`` puts this computer's clock in ``zone`` (the process's
    ``TZ``) for the rest of the test; the zone it had comes back afterwards."""
    saved = os.environ.get("TZ")

    def put(zone: str) -> None:
        os.environ["TZ"] = zone
        time.tzset()

    yield put
    if saved is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = saved
    time.tzset()
