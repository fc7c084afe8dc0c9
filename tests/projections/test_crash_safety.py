"""Pulling the plug in the middle of a catch-up loses nothing and applies nothing twice.

A child process catches up 100 events per transaction and is killed (SIGKILL)
while a batch is half written. The read models must then hold exactly the
committed batches, and after a restart they must equal a fresh rebuild, row for row.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import threading
from contextlib import closing
from pathlib import Path

import pytest

from domain.application import Houselights
from infrastructure.bootstrap import bootstrap
from infrastructure.config import resolve
from projections import all_projections
from projections.runner import ReadModelRunner

REPO_ROOT = Path(__file__).resolve().parents[2]
BATCH_SIZE = 100

CHILD = r"""
import sys

from infrastructure.bootstrap import bootstrap
from infrastructure.config import resolve
from projections.timeline import Timeline

data_dir, block_after = sys.argv[1], int(sys.argv[2]) * int(sys.argv[3])
services = bootstrap(resolve(data_dir, store="sqlite"), catch_up=False, batch_size=int(sys.argv[3]))
runner = services.runner


def committed(position):
    print(f"committed {position}", flush=True)


timeline = next(p for p in runner.projections if isinstance(p, Timeline))
handle = timeline.handle


def handle_then_block(db, event, position):
    if position > block_after:
        print("in-transaction", flush=True)
        sys.stdin.readline()  # wait here, inside the open transaction, to be killed
    handle(db, event, position)


timeline.handle = handle_then_block
runner.after_batch = committed
runner.catch_up()
print("finished", flush=True)
"""


@pytest.fixture(scope="module")
def events_file(tmp_path_factory) -> Path:
    """An event store with about 3,400 events of every kind (34 batches of 100)."""
    config = resolve(tmp_path_factory.mktemp("store"), store="sqlite")
    app = Houselights(env=config.eventsourcing_env())
    with app.batch(size=500):
        for i in range(900):
            patron = app.register_patron(
                f"Patron{i}",
                f"Family{i % 37}",
                email=f"p{i}@example.org",
                phone=f"555 {i:03d} {i * 7 % 10000:04d}",
                tags=["opera"] if i % 3 else ["jazz"],
            )
            if i % 2:
                app.add_note(patron, f"Note {i}")
            if i % 5 == 0:
                app.update_contact(patron, last_name=f"Married{i}")
            if i % 11 == 0:
                app.set_household(patron, f"Household {i}")
    assert app.event_count() > 3000
    app.close()
    return config.events_path


def positions(readmodels: Path) -> dict[str, int]:
    with closing(sqlite3.connect(readmodels)) as conn:
        return dict(conn.execute("SELECT name, position FROM projection_positions"))


@pytest.mark.parametrize("killed_after", [1, 5, 31])
def test_a_kill_mid_batch_leaves_only_whole_batches(
    events_file, tmp_path, read_models, killed_after
):
    config = resolve(tmp_path / "workstation", store="sqlite")
    shutil.copy(events_file, config.events_path)
    stderr = (tmp_path / "child.err").open("w+")
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(config.data_dir), str(killed_after), str(BATCH_SIZE)],
        cwd=REPO_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )
    watchdog = threading.Timer(120, child.kill)  # never hang the test run
    watchdog.start()
    try:
        lines = []
        for line in child.stdout:
            lines.append(line.strip())
            if line.strip() == "in-transaction":
                child.kill()  # SIGKILL: no clean-up, no rollback, the batch is half written
                break
        child.wait()
    finally:
        watchdog.cancel()
        child.stdout.close()
        child.stdin.close()
        stderr.seek(0)
        child_errors = stderr.read()
        stderr.close()

    expected = [f"committed {n * BATCH_SIZE}" for n in range(1, killed_after + 1)]
    assert lines == [*expected, "in-transaction"], child_errors
    assert positions(config.readmodels_path) == {
        p.name: killed_after * BATCH_SIZE for p in all_projections()
    }

    restarted = bootstrap(config, batch_size=BATCH_SIZE)
    fresh = ReadModelRunner(
        restarted.app.recorder, restarted.app.mapper, tmp_path / "fresh.sqlite", all_projections()
    )
    try:
        assert restarted.runner.lag() == 0
        fresh.catch_up()
        assert read_models(restarted.runner.db()) == read_models(fresh.db())
        assert restarted.runner.positions() == fresh.positions()
        # the full-text index matches its rows too
        restarted.runner.db().conn.execute(
            "INSERT INTO patrons_fts (patrons_fts) VALUES ('integrity-check')"
        )
    finally:
        fresh.close()
        restarted.close()
