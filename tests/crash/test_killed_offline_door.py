"""kill -9 on a door that is deciding offline: nothing it queued is lost, and sending
the queue (twice) admits each ticket once.

The door workstation reaches the real PostgreSQL test server through a loopback
proxy that drops its connections; a driver process (tests/crash/offline_driver.py)
checks tickets in and prints each verdict after it was queued on disk. The test
kills it with SIGKILL in the middle of the burst, and again after the whole burst.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from domain.ticket_codes import ticket_id
from infrastructure.bootstrap import bootstrap
from infrastructure.config import resolve
from infrastructure.offline_door import SyncResult
from tests.door_proxy import DROP, PASS, FlakyProxy

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def evening(tmp_path, postgres_db):
    office = bootstrap(
        resolve(tmp_path / "office", store=postgres_db), staff="maria", workstation="box-office"
    )
    app = office.app
    show = app.schedule_performance(
        app.create_production("Tosca"),
        datetime.now(tz=UTC) + timedelta(hours=1),
        200,
        {"Adult": 1500},
    )
    codes = app.sell_tickets(show, {"Adult": 40}).codes
    parts = urlsplit(postgres_db)
    proxy = FlakyProxy(parts.hostname, parts.port)
    yield office, show, codes, proxy, proxy.url(postgres_db)
    proxy.close()
    office.close()


def door_process(data: Path, store: str, show: str, codes: list[str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.crash.offline_driver", str(data), store, show, *codes],
        cwd=REPO_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )


def told(process: subprocess.Popen, until: str, lines: int | None = None) -> list[str]:
    """The codes the door had shown a verdict for, read until ``until`` or ``lines``."""
    shown: list[str] = []
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("queued "):
            _, code, verdict, offline = line.split()
            assert (verdict, offline) == ("admit", "True")
            shown.append(code)
            if lines is not None and len(shown) >= lines:
                break
        elif line.strip() == until:
            break
    return shown


@pytest.mark.parametrize("kill_after", [7, None], ids=["mid-burst", "after-burst"])
def test_killed_offline_door_loses_no_queued_scan(tmp_path, evening, kill_after):
    office, show, codes, proxy, url = evening
    data = tmp_path / "door"
    first = bootstrap(resolve(data, store=url), staff="usher", workstation="north-door")
    first.close()  # online once: the door has its copy of tonight's tickets
    proxy.set_mode(DROP)

    process = door_process(data, url, show, codes[:20])
    shown = told(process, "all-queued", kill_after)
    process.send_signal(signal.SIGKILL)
    process.wait(60)
    assert len(shown) == (kill_after or 20)

    proxy.set_mode(PASS)
    door = bootstrap(resolve(data, store=url), staff="usher", workstation="north-door")
    try:
        waiting = door.door().queue.waiting()
        assert waiting >= len(shown)  # the killed process may have queued one more
        queued_codes = {s["code"] for s in door.door().queue.pending(1000)}
        assert set(shown) <= queued_codes
        result = door.door().sync()
        assert result == SyncResult(waiting, 0, 0)
        assert door.door().sync() == SyncResult(0, 0, 0)
    finally:
        door.close()
    stored = office.app.store.repository.event_store
    for code in codes[:20]:
        events = [type(e).__name__ for e in stored.get(ticket_id(code))]
        assert events.count("Admitted") == (1 if code in queued_codes else 0)
