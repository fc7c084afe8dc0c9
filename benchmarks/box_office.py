"""Box-office figures on a demo organization (printed, never asserted).

    uv run python benchmarks/box_office.py --patrons 5000

Prints how fast the demo box office is generated and projected, how long a
sale takes end to end (service + projections) on the SQLite store, and the
latency of the read-model queries the screens and the door use.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from demo import organization as demo
from infrastructure.bootstrap import bootstrap
from infrastructure.config import resolve
from projections import box_office


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"p50 {statistics.median(ordered) * 1000:.2f} ms, p99 {p99 * 1000:.2f} ms"


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patrons", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as data:
        services = bootstrap(resolve(data), catch_up=False)
        try:
            start = time.perf_counter()
            made = demo.generate(services.app, args.patrons, seed=2026)
            services.runner.catch_up()
            took = time.perf_counter() - start
            events = services.app.event_count()
            print(
                f"demo: {args.patrons:,} patrons, {made['performances']} performances, "
                f"{made['orders']:,} orders, {events:,} events in {took:.1f} s "
                f"({events / took:,.0f} events/s, projections included)"
            )

            db = services.runner.db()
            shows = box_office.performances(db)
            query = "SELECT DISTINCT patron_id FROM bo_orders WHERE patron_id IS NOT NULL"
            buyers = [r[0] for r in db.conn.execute(query)]
            print("performances():", percentiles(timed(lambda: box_office.performances(db), 50)))
            print(
                "tickets(performance):",
                percentiles(
                    timed(lambda: box_office.tickets(db, rng.choice(shows)["id"]), args.runs)
                ),
            )
            print(
                "patron_stats():",
                percentiles(
                    timed(lambda: box_office.patron_stats(db, rng.choice(buyers)), args.runs)
                ),
            )
            orders = timed(lambda: box_office.orders_for_patron(db, rng.choice(buyers)), args.runs)
            print("orders_for_patron():", percentiles(orders))

            app = services.app
            production = app.create_production("Benchmark hall")
            when = datetime.now(tz=UTC) + timedelta(days=30)
            hall = app.schedule_performance(production, when, 10 * args.runs, {"Adult": 2000})
            sale = timed(
                lambda: app.sell_tickets(hall, {"Adult": 2}, patron_id=rng.choice(buyers)),
                args.runs,
            )
            print(
                f"sell 2 tickets, {args.runs} sales into one hall (service + projections, SQLite):",
                percentiles(sale),
            )
        finally:
            services.close()


if __name__ == "__main__":
    main()
