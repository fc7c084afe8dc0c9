"""How fast an online-sales export is imported (prints figures; asserts nothing).

    uv run python benchmarks/bench_sales_import.py [--orders 5000] [--store postgresql://...]

Generates an Eventbrite-style attendee export (two tickets per order, with
barcodes, buyers spread over a fifth as many patrons, 20 performances), then
times a dry run, the import and a second (idempotent) import of the same file.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from domain.application import Houselights
from imports.sales_file import read_sales_file
from imports.sales_import import import_sales
from infrastructure.config import resolve

HEADER = "Order #,Order Date,First Name,Last Name,Email,Quantity,Ticket Type,Barcode #,Event Name,Event Start Date,Total Paid,Home Zip\n"  # noqa: E501


def export(path: Path, orders: int, seed: int = 7) -> int:
    rng = random.Random(seed)
    buyers = max(1, orders // 5)
    rows = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for n in range(orders):
            buyer = rng.randrange(buyers)
            show = rng.randrange(20)
            for seat in range(2):
                out.write(
                    f"{100000 + n},2026-01-{1 + n % 28:02d} 10:{n % 60:02d}:00,Fan,Number{buyer},"
                    f"fan{buyer}@example.org,1,Adult,BC{n:07d}{seat},Show {show % 4},"
                    f"2026-03-{1 + show:02d} 19:30,$25.00,N{buyer % 90} 1AA\n"
                )
                rows += 1
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=5000)
    parser.add_argument("--store", default="sqlite")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="hl-bench-import-"))
    path = folder / "attendees.csv"
    rows = export(path, args.orders)
    config = resolve(folder / "data", store=args.store)
    app = Houselights(env=config.eventsourcing_env())
    try:
        start = time.perf_counter()
        sales = read_sales_file(path)
        read = time.perf_counter() - start
        print(f"read {rows:,} rows ({path.stat().st_size / 1e6:.1f} MB): {read:.2f} s")
        for label, dry_run in (("dry run", True), ("import", False), ("re-import", False)):
            start = time.perf_counter()
            report = import_sales(app, sales, timezone="America/New_York", dry_run=dry_run)
            took = time.perf_counter() - start
            print(
                f"{label:>9}: {took:6.2f} s  {report['imported']:,} orders imported, "
                f"{report['already_imported']:,} already there, {report['created']:,} patrons "
                f"created, {report['matched']:,} matched  ({rows / took:,.0f} rows/s)"
            )
        print(f"events in the store: {app.event_count():,}")
    finally:
        app.close()


if __name__ == "__main__":
    main()
