"""Pulling the plug (SIGKILL) on a real Houselights process, again and again.

A driver process (tests/crash/driver.py) runs the real sales import and the
real door check-in on a real store and prints each confirmation after the save
returned. The test kills it at a random moment, ten times during an import and
ten times during a burst of scans, and after each restart checks:

* every event the process had confirmed is in the store;
* nothing is applied twice: re-importing the file creates no second order,
  ticket or patron, and no ticket is admitted twice;
* the read models equal a fresh rebuild from the events, row for row.
"""

from __future__ import annotations

import csv
import json
import random
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest

from infrastructure.bootstrap import bootstrap
from infrastructure.config import resolve
from projections import all_projections
from projections.runner import ReadModelRunner

REPO_ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 10
ORDERS = 600  # three chunks of 200 per export: three saves, kills land between and inside
#: each export sells three performances of its own (a season's month)
EVENTS = [
    ("Hamlet", "2026-{month:02d}-14 19:30"),
    ("Hamlet", "2026-{month:02d}-15 14:00"),
    ("Tosca", "2026-{month:02d}-02 19:00"),
]


VERDICTS = (
    "admit ",
    "admit-repeat ",
    "already_admitted ",
    "wrong_performance ",
    "void ",
    "unknown ",
)
HEADER = [
    "order_id",
    "order_date",
    "first_name",
    "last_name",
    "email",
    "event_name",
    "event_date",
    "ticket_type",
    "price",
    "quantity",
    "barcode",
]


def sales_rows(round_: int, rng: random.Random) -> list[list]:
    """ORDERS orders of one export, from a pool of 700 buyers (so buyers recur)."""
    rows = []
    for n in range(ORDERS):
        buyer = rng.randrange(700)
        quantity = rng.choice((1, 1, 2, 3))
        event_name, event_date = EVENTS[n % len(EVENTS)]
        event_date = event_date.format(month=1 + round_)
        barcodes = [f"7{round_:02d}{n:04d}{k}" for k in range(quantity)]
        rows.append(
            [
                f"K{round_}-{n}",
                f"2026-02-{1 + n % 27:02d} 10:00",
                f"First{buyer}",
                f"Last{buyer}",
                f"buyer{buyer}@example.org",
                event_name,
                event_date,
                "Adult",
                "25.00",
                quantity,
                ",".join(barcodes),
            ]
        )
    return rows


def write_csv(path: Path, rows: list[list]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as file:
        out = csv.writer(file)
        out.writerow(HEADER)
        out.writerows(rows)
    return path


def run_driver(
    data: Path, *args: str, kill_after: float | None, after: int = 0, counting: str = "saved "
) -> tuple[list[str], str]:
    """Run the driver; kill it ``kill_after`` seconds after it printed ``after`` lines
    starting with ``counting`` (or after it is ready); ``kill_after=None`` lets it finish."""
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.crash.driver", str(data), *args],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        seen = 0
        for line in child.stdout:
            lines.append(line.strip())
            seen += line.startswith(counting)
            if line.strip() == "ready" and not after or seen == after:
                ready.set()
        ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    watchdog = threading.Timer(180, child.kill)  # never hang the test run
    watchdog.start()
    try:
        if kill_after is not None:
            ready.wait(150)
            time.sleep(kill_after)  # the random moment of the power cut
            child.kill()  # SIGKILL: no clean-up, no rollback
        child.wait()
        reader.join(30)
    finally:
        watchdog.cancel()
        errors = child.stderr.read()
        child.stdout.close()
        child.stderr.close()
    return list(lines), errors


def confirmed_saves(lines: list[str]) -> int:
    return max((int(line.split()[1]) for line in lines if line.startswith("saved ")), default=0)


def store_events(data: Path) -> int:
    with closing(sqlite3.connect(data / "events.sqlite")) as conn:
        return conn.execute("SELECT count(*) FROM stored_events").fetchone()[0]


def table_rows(db) -> dict[str, list[tuple]]:
    """Every row of every read-model table (full-text index shadow tables aside)."""
    names = [
        r[0]
        for r in db.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE '%fts%' ORDER BY name"
        )
    ]
    return {n: sorted(map(repr, db.conn.execute(f"SELECT * FROM [{n}]"))) for n in names}


def assert_read_models_equal_a_rebuild(data: Path, tmp_path: Path) -> None:
    services = bootstrap(resolve(data, store="sqlite"))  # the restart: catches up
    fresh = ReadModelRunner(
        services.app.recorder, services.app.mapper, tmp_path / "fresh.sqlite", all_projections()
    )
    try:
        assert services.runner.lag() == 0
        fresh.catch_up()
        assert table_rows(services.runner.db()) == table_rows(fresh.db())
        # the full-text index matches its rows too
        services.runner.db().conn.execute(
            "INSERT INTO patrons_fts (patrons_fts) VALUES ('integrity-check')"
        )
    finally:
        fresh.close()
        services.close()
        (tmp_path / "fresh.sqlite").unlink()


def admissions_per_ticket(data: Path) -> dict[str, int]:
    with closing(sqlite3.connect(data / "events.sqlite")) as conn:
        return dict(
            conn.execute(
                "SELECT originator_id, count(*) FROM stored_events "
                "WHERE topic LIKE '%Ticket.Admitted' GROUP BY originator_id"
            )
        )


@pytest.fixture(scope="module")
def killed_import(tmp_path_factory):
    """A store on which ROUNDS imports were killed mid-way, then all of it imported."""
    tmp = tmp_path_factory.mktemp("crash")
    data = tmp / "data"
    rng = random.Random(2026)
    every, rounds = [], []
    for round_ in range(ROUNDS):
        rows = sales_rows(round_, rng)
        every += rows
        sales = write_csv(tmp / f"export-{round_}.csv", rows)
        # killed after its first or second save, a random moment later (or at once)
        lines, errors = run_driver(
            data,
            "import",
            str(sales),
            kill_after=rng.choice((0, rng.uniform(0, 0.15))),
            after=rng.choice((1, 2)),
        )
        confirmed = confirmed_saves(lines)
        # every save the process confirmed survived the kill
        assert confirmed and store_events(data) >= confirmed, (lines[-3:], errors)
        rounds.append((confirmed, lines[-1] if lines else "", errors))
    everything = write_csv(tmp / "all-exports.csv", every)
    lines, errors = run_driver(data, "import", str(everything), kill_after=None)
    assert lines[-1] == "finished", errors
    report = json.loads(next(line for line in lines if line.startswith("report "))[7:])
    sales = {
        "orders": len(every),
        "file": everything,
        "tickets": sum(row[9] for row in every),
        "buyers": len({row[4] for row in every}),
        "codes": [(row[5], row[6], row[10].split(",")) for row in every],
    }
    return {"data": data, "sales": sales, "rounds": rounds, "report": report}


def test_an_import_killed_ten_times_loses_nothing_confirmed_and_duplicates_nothing(
    killed_import, tmp_path
):
    data, sales = killed_import["data"], killed_import["sales"]
    # The kills really landed mid-import (a round may finish first on a quiet machine).
    killed_mid_import = sum(last != "finished" for _, last, _ in killed_import["rounds"])
    assert killed_mid_import >= ROUNDS // 2
    report = killed_import["report"]
    assert report["rejected"] == []
    assert report["imported"] + report["already_imported"] == sales["orders"]

    services = bootstrap(resolve(data, store="sqlite"))
    try:
        db = services.runner.db()
        orders = db.conn.execute("SELECT count(*) FROM bo_orders").fetchone()[0]
        tickets = db.conn.execute(
            "SELECT count(*), count(DISTINCT code) FROM bo_tickets"
        ).fetchone()
        patrons = db.conn.execute("SELECT count(*), count(DISTINCT email) FROM patrons").fetchone()
        performances = db.conn.execute("SELECT count(*) FROM bo_performances").fetchone()[0]
    finally:
        services.close()
    assert orders == sales["orders"]
    assert tickets == (sales["tickets"], sales["tickets"])
    assert patrons == (sales["buyers"], sales["buyers"])  # each buyer once, however often
    assert performances == len(EVENTS) * ROUNDS

    # Importing once more adds nothing at all.
    before = store_events(data)
    lines, errors = run_driver(data, "import", str(sales["file"]), kill_after=None)
    again = json.loads(next(line for line in lines if line.startswith("report "))[7:])
    assert (again["imported"], again["already_imported"]) == (0, sales["orders"]), errors
    assert store_events(data) == before
    assert_read_models_equal_a_rebuild(data, tmp_path)


def test_scans_killed_ten_times_admit_each_ticket_once_and_keep_every_verdict(
    killed_import, tmp_path
):
    data, sales = killed_import["data"], killed_import["sales"]
    services = bootstrap(resolve(data, store="sqlite"))
    try:
        performance = (
            services.runner.db()
            .conn.execute("SELECT id FROM bo_performances WHERE starts_at LIKE '2026-01-14%'")
            .fetchone()[0]
        )
    finally:
        services.close()
    first_night = [
        code for name, date, codes in sales["codes"] if date == "2026-01-14 19:30" for code in codes
    ]
    rng = random.Random(11)
    admitted: list[str] = []
    scanned = killed_mid_burst = 0
    for _ in range(ROUNDS):
        burst = rng.sample(first_night, 60) + rng.sample(first_night, 10)  # some scanned twice
        before = store_events(data)
        # killed after a random number of verdicts, a random moment later
        lines, errors = run_driver(
            data,
            "scan",
            performance,
            *burst,
            kill_after=rng.uniform(0, 0.02),
            after=rng.randrange(1, 60),
            counting=VERDICTS,
        )
        verdicts = [line.split() for line in lines if line.startswith(VERDICTS)]
        scanned += len(verdicts)
        killed_mid_burst += "finished" not in lines
        admitted += [code for verdict, code in verdicts if verdict == "admit"]
        # Every verdict shown was recorded (a scan is one event, refused ones too).
        assert store_events(data) - before >= len(verdicts), errors
        assert confirmed_saves(lines) <= store_events(data)
    assert scanned > 0 and admitted
    assert killed_mid_burst >= ROUNDS // 2  # most kills landed while scans were going on
    assert len(admitted) == len(set(admitted))  # no ticket said ADMIT twice, across kills

    per_ticket = admissions_per_ticket(data)
    assert set(per_ticket.values()) == {1}  # one Admitted event per ticket, never two
    assert len(per_ticket) >= len(admitted)  # every confirmed admission is in the store
    services = bootstrap(resolve(data, store="sqlite"))
    try:
        rows = (
            services.runner.db()
            .conn.execute("SELECT code FROM door_tickets WHERE admitted_at IS NOT NULL")
            .fetchall()
        )
    finally:
        services.close()
    assert set(admitted) <= {code for (code,) in rows}
    assert_read_models_equal_a_rebuild(data, tmp_path)
