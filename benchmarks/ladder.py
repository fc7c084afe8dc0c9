"""Measure the loyalty ladder on a generated organization; prints figures.

    uv run python benchmarks/ladder.py                  # 20,000 patrons
    uv run python benchmarks/ladder.py --patrons 100000 # the design size (slow to generate)

What it measures:

* rebuild: every read model from zero with and without the ladder projection
  (the ladder defers working rungs out to the last batch of a catch-up);
* recompute: the whole ladder again for new thresholds (a rule changed);
* the dashboard's queries: patrons per rung, movement and second visits over
  90 days and a year, the longest drill-down list;
* one patron's rung, reasons and moves (the patron page).

Not a test: nothing here asserts; the figures are printed for the reader.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from demo import organization as demo  # noqa: E402
from domain.loyalty import LoyaltyThresholds  # noqa: E402
from infrastructure.bootstrap import bootstrap  # noqa: E402
from infrastructure.config import resolve  # noqa: E402
from projections import all_projections, ladder  # noqa: E402


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patrons", type=int, default=20000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        services = bootstrap(resolve(folder), staff="bench", workstation="bench")
        seconds, made = timed(demo.generate, services.app, args.patrons)
        services.runner.catch_up()
        events = services.app.event_count()
        print(f"{made['patrons']:,} patrons, {events:,} events (generated in {seconds:.0f} s)")
        db = services.runner.db()
        with_ladder, _ = timed(services.runner.rebuild)
        services.close()
        others = [p for p in all_projections() if p.name != "ladder"]
        plain = bootstrap(resolve(folder), projections=others, catch_up=False)
        without, _ = timed(plain.runner.rebuild)
        plain.close()
        print(
            f"rebuild with the ladder {with_ladder:.1f} s, without {without:.1f} s"
            f" ({events / with_ladder:,.0f} vs {events / without:,.0f} events/s)"
        )

        services = bootstrap(resolve(folder), staff="bench", workstation="bench")
        db = services.runner.db()
        seconds, patrons = timed(ladder.recompute, db, LoyaltyThresholds(lapsed_months=12))
        print(f"recompute for new thresholds: {seconds:.2f} s for {patrons:,} patrons")
        ladder.recompute(db, LoyaltyThresholds())
        now = datetime.now(UTC)
        for label, fn, call_args in (
            ("patrons per rung", ladder.rung_counts, (db,)),
            ("movement, 90 days", ladder.movement_counts, (db, now - timedelta(days=90), now)),
            ("movement, a year", ladder.movement_counts, (db, now - timedelta(days=365), now)),
            ("second visits, a year", ladder.second_visits, (db, now - timedelta(days=365), now)),
            ("tryers listed", ladder.patrons_on_rung, (db, "tryer")),
        ):
            runs = [timed(fn, *call_args)[0] for _ in range(5)]
            print(f"{label}: {statistics.median(runs) * 1000:.1f} ms")
        ids = [r[0] for r in db.conn.execute("SELECT patron_id FROM ladder_rungs LIMIT 500")]
        runs = [timed(ladder.patron_ladder, db, pid)[0] for pid in ids]
        print(
            f"one patron's rung, reasons and moves: p50 {statistics.median(runs) * 1000:.2f} ms,"
            f" max {max(runs) * 1000:.2f} ms"
        )
        print("rungs:", ladder.rung_counts(db))
        services.close()


if __name__ == "__main__":
    main()
