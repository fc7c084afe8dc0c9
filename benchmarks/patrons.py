"""Measure the patron targets of DESIGN.md on a generated organization; prints figures.

    uv run python benchmarks/patrons.py                 # 100,000 patrons (a few minutes)
    uv run python benchmarks/patrons.py --patrons 20000 # quicker

What it measures, all in one run so the ratios compare like with like:

* search as you type: every prefix of 300 names and emails typed letter by
  letter, through ``patron_search.search`` (what the list view calls);
  p50/p99 per keystroke (target p99 < 20 ms);
* opening a timeline with 2,000 interactions: the first page the patron page
  shows plus the count (target < 50 ms);
* rebuild: the projection runner from zero, events per second, against raw
  SQLite inserts of the same number of rows in the same batch size measured
  in the same run (target >= 40 %);
* start: bootstrap without catch-up plus the main window shown (offscreen)
  on this store (target < 2 s, independent of history length);
* memory: resident set size at the end (target < 400 MB).

Not a test: nothing here asserts; the figures are printed for the reader.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from demo import organization as demo  # noqa: E402
from infrastructure.bootstrap import bootstrap  # noqa: E402
from infrastructure.config import resolve  # noqa: E402
from projections import patron_directory, patron_search, timeline  # noqa: E402


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def raw_insert_rate(path: Path, rows: int, batch: int) -> float:
    """Rows per second for plain INSERTs into a table shaped like the timeline."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(
        "CREATE TABLE raw (position INTEGER, patron_id TEXT, occurred_at TEXT, kind TEXT,"
        " summary TEXT, detail TEXT, recorded_by TEXT, workstation TEXT,"
        " PRIMARY KEY (position, patron_id))"
    )
    conn.execute("CREATE INDEX raw_patron ON raw (patron_id, occurred_at DESC, position DESC)")
    now = datetime.now(tz=UTC).isoformat()
    started = time.perf_counter()
    for first in range(0, rows, batch):
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO raw VALUES (?,?,?,?,?,?,?,?)",
            (
                (n, f"patron-{n % 5000}", now, "note", "A summary line", "", "maria", "box-1")
                for n in range(first, min(rows, first + batch))
            ),
        )
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return rows / elapsed


def typing_queries(rows: list[dict], rng: random.Random, count: int) -> list[str]:
    queries = []
    for row in rng.sample(rows, min(count, len(rows))):
        word = rng.choice([row["last_name"], row["first_name"], row["email"] or row["name"]])
        queries += [word[:n] for n in range(1, len(word) + 1)]
    return queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patrons", type=int, default=100_000)
    parser.add_argument("--timeline", type=int, default=2_000, help="interactions of one patron")
    parser.add_argument("--data", help="reuse this folder (generated once)")
    args = parser.parse_args()

    folder = Path(args.data or tempfile.mkdtemp(prefix="houselights-bench-"))
    config = resolve(folder, store="sqlite")
    services = bootstrap(config, catch_up=False, projections=[])
    app = services.app
    if app.event_count() == 0:
        started = time.perf_counter()
        demo.generate(app, args.patrons, seed=7)
        busy = app.register_patron("Busy", "Bee", email="busy.bee@example.org")
        moment = datetime.now(tz=UTC) - timedelta(days=3 * 365)
        with app.batch(size=2000):
            for n in range(args.timeline - 1):
                app.add_note(busy, f"Interaction {n}", occurred_at=moment + timedelta(hours=n))
        print(
            f"generated {args.patrons:,} patrons, {app.event_count():,} events "
            f"in {time.perf_counter() - started:.1f} s"
        )
    events = app.event_count()
    services.close()
    print(
        f"store: {config.events_path} ({config.events_path.stat().st_size / 1e6:.0f} MB), "
        f"{events:,} events"
    )

    # -- rebuild vs raw inserts, same run -----------------------------------------
    services = bootstrap(config, catch_up=False)
    started = time.perf_counter()
    applied = services.runner.rebuild()
    rebuild_rate = applied / (time.perf_counter() - started)
    raw_rate = raw_insert_rate(folder / "raw-insert.sqlite", applied, services.runner.batch_size)
    (folder / "raw-insert.sqlite").unlink()
    print(
        f"rebuild: {rebuild_rate:,.0f} events/s; raw SQLite inserts: {raw_rate:,.0f} rows/s; "
        f"ratio {rebuild_rate / raw_rate:.0%} (target >= 40%)"
    )

    # -- search as you type --------------------------------------------------------
    db = services.runner.db()
    rows = patron_directory.page(db, limit=args.patrons + 10)
    rng = random.Random(1)
    queries = typing_queries(rows, rng, 300)
    timings = []
    for query in queries:
        started = time.perf_counter()
        patron_search.search(db, query, limit=200)
        timings.append(time.perf_counter() - started)
    print(
        f"search as you type: {len(queries):,} keystrokes, p50 {ms(percentile(timings, 0.5))}, "
        f"p99 {ms(percentile(timings, 0.99))} (target p99 < 20 ms)"
    )

    # -- a long timeline -------------------------------------------------------------
    busy_id = patron_search.search(db, "busy.bee@example.org")[0]["id"]
    timings = []
    for _ in range(50):
        started = time.perf_counter()
        timeline.rows(db, busy_id, limit=200)
        total = timeline.count(db, busy_id)
        timings.append(time.perf_counter() - started)
    print(
        f"open a timeline of {total:,} interactions: median {ms(statistics.median(timings))}, "
        f"worst {ms(max(timings))} (target < 50 ms)"
    )
    services.close()

    # -- start to a usable window -----------------------------------------------------
    started = time.perf_counter()
    from desktop.app import application, create_main_window

    qt_app = application()
    services = bootstrap(config, catch_up=False)
    window = create_main_window(services)
    window.show()
    qt_app.processEvents()
    print(
        f"start to a usable window (Qt already imported by nothing else): "
        f"{time.perf_counter() - started:.2f} s (target < 2 s)"
    )
    window.shutdown()
    window.close()
    services.close()

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {rss:.0f} MB (target < 400 MB)")
    if not args.data:
        print(f"(store kept in {folder}; pass --data to reuse it)")


if __name__ == "__main__":
    main()
