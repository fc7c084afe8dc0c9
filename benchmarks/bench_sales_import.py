"""How fast an online-sales export is imported, and in how much memory (prints
figures; asserts nothing).

    uv run python benchmarks/bench_sales_import.py [--rows 5000] [--patrons 500]
        [--megabytes MB] [--no-dry-run] [--layout generic|eventbrite]
        [--store postgresql://...] [--data DIR] [--alongside]

Makes a demo organization (``--patrons``, as ``houselights demo`` does) in a
temporary data folder (or uses ``--data``), writes an export of ``--rows`` rows
(or of about ``--megabytes`` MB: orders of one to three tickets with barcodes,
buyers spread over a fifth as many people as orders, 30 performances), then
times, as ``houselights import sales`` runs it: a dry run, the import, bringing
the read models up to date, and a second (idempotent) import. Prints rows/s
(wall clock and per CPU second: the machine is shared) and the process's peak
resident memory after each step. ``--alongside``: the read models are brought up to
date by a second process while the import runs (as ``houselights import sales``
does for a file of 5,000 rows or more); "read models" is then the wait for it to
finish after the last chunk, and its CPU is printed apart.

The defaults run in about a minute. The figures in docs/performance.md:

* issue 16's check: ``--rows 20000 --patrons 2000`` (``import sales`` of 20,000
  generic rows into ``demo --patrons 2000``: import plus read models);
* the design size: ``--rows 20000 --data DIR`` with DIR a copy of the standard
  organization (100,000 patrons, ``benchmarks/organization.py``);
* memory: ``--megabytes 200 --patrons 0 --no-dry-run`` (a 200 MB file; the dry
  run, which keeps a chunk in memory like the import, is left out for time).

``--pages`` also counts the read-model file's pages the import and its read models
changed (compared with a copy taken before it): a figure the machine's speed does not
move, which says how much the import writes, copies into the file and reads back.
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from imports.sales_file import read_sales_file
from imports.sales_import import import_sales
from infrastructure.bootstrap import bootstrap
from infrastructure.config import resolve

HEADERS = {
    "generic": "order_id,order_date,first_name,last_name,email,event_name,event_date,"
    "ticket_type,price,quantity,barcode\n",
    "eventbrite": "Order #,Order Date,First Name,Last Name,Email,Quantity,Ticket Type,"
    "Barcode #,Event Name,Event Start Date,Total Paid,Home Zip\n",
}


def export(path: Path, rows: int, layout: str = "generic", seed: int = 7) -> int:
    """Write ``rows`` rows of an export; returns how many were written."""
    rng = random.Random(seed)
    buyers = max(1, rows // 5)
    written = order = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADERS[layout])
        while written < rows:
            order += 1
            buyer, show = rng.randrange(buyers), rng.randrange(30)
            ordered = f"2026-01-{1 + order % 28:02d} 10:{order % 60:02d}"
            for seat in range(rng.choice((1, 2, 2, 3))):
                code = f"BC{order:07d}{seat}"
                if layout == "generic":
                    out.write(
                        f"W{order},{ordered},Fan,Number{buyer},fan{buyer}@example.org,"
                        f"Show {show % 5},2026-03-{1 + show:02d} 19:30,Adult,25.00,1,"
                        f"{code}\n"
                    )
                else:
                    out.write(
                        f"{100000 + order},{ordered}:00,Fan,Number{buyer},fan{buyer}@example.org,"
                        f"1,Adult,{code},Show {show % 5},2026-03-{1 + show:02d} 19:30,$25.00,"
                        f"N{buyer % 90} 1AA\n"
                    )
                written += 1
                if written >= rows:
                    break
    return written


def rows_for(megabytes: float, layout: str) -> int:
    """About how many rows make an export of ``megabytes`` MB."""
    sample = Path(tempfile.mkdtemp(prefix="hl-bench-size-")) / "sample.csv"
    export(sample, 10_000, layout)
    return int(megabytes * 1e6 / sample.stat().st_size * 10_000)


def peak_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


def settled_file(db) -> tuple[Path, int]:
    """The read models' file with everything committed copied into it (its log
    emptied), so that its pages are all there is to compare; and its page size."""
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    size = db.conn.execute("PRAGMA page_size").fetchone()[0]
    return Path(db.conn.execute("PRAGMA database_list").fetchone()[2]), size


def changed_pages(before: Path, after: Path, size: int) -> tuple[int, int, int]:
    """(pages changed, pages added, pages in all) of ``after`` against ``before``."""
    changed = added = count = 0
    with before.open("rb") as old, after.open("rb") as new:
        while page := new.read(size):
            count += 1
            was = old.read(size)
            if not was:
                added += 1
            elif was != page:
                changed += 1
    return changed, added, count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--megabytes", type=float, default=0, help="an export of about this size")
    parser.add_argument("--patrons", type=int, default=500)
    parser.add_argument("--no-dry-run", action="store_true")
    parser.add_argument("--layout", choices=sorted(HEADERS), default="generic")
    parser.add_argument(
        "--alongside",
        action="store_true",
        help="a second process brings the read models up to date during the import, as "
        "the command line does for a file of 5,000 rows or more",
    )
    parser.add_argument("--store", default="sqlite")
    parser.add_argument("--data", default=None, help="an existing data folder to import into")
    parser.add_argument(
        "--pages", action="store_true", help="count the read-model pages the import changed"
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="hl-bench-import-"))
    path = folder / "sales.csv"
    rows = export(
        path, rows_for(args.megabytes, args.layout) if args.megabytes else args.rows, args.layout
    )
    services = bootstrap(resolve(args.data or folder / "data", store=args.store))
    try:
        if args.data is None and args.patrons:
            from demo import organization

            started = time.perf_counter()
            organization.generate(services.app, args.patrons)
            services.runner.catch_up()
            print(
                f"demo organization, {args.patrons:,} patrons: "
                f"{time.perf_counter() - started:.1f} s; peak memory {peak_mb():,.0f} MB"
            )
        # As the command line does: the read models catch up once, after the import.
        services.app.unsubscribe(services.runner.notify)
        started = time.perf_counter()
        sales = read_sales_file(path)
        print(
            f"read {rows:,} rows ({path.stat().st_size / 1e6:.1f} MB): "
            f"{time.perf_counter() - started:.2f} s; peak memory {peak_mb():,.0f} MB"
        )
        before = None
        if args.pages:
            before = folder / "readmodels-before.sqlite"
            shutil.copyfile(settled_file(services.runner.db())[0], before)
        steps = (("import", False),) if args.no_dry_run else (("dry run", True), ("import", False))
        second = None
        for label, dry_run in steps:
            if not dry_run and args.alongside:  # as the command line does for a long file
                second = services.runner.start_alongside()
            started, cpu = time.perf_counter(), time.process_time()
            report = import_sales(services.app, sales, timezone="America/New_York", dry_run=dry_run)
            took, cpu = time.perf_counter() - started, time.process_time() - cpu
            print(
                f"{label:>10}: {took:6.2f} s ({cpu:.2f} s CPU)  {rows / took:8,.0f} rows/s "
                f"({rows / cpu:,.0f} per CPU second)  {report['imported']:,} orders, "
                f"{report['tickets']:,} tickets, {report['created']:,} new patrons; "
                f"peak memory {peak_mb():,.0f} MB"
            )
        started, caught_cpu = time.perf_counter(), time.process_time()
        if second is not None:
            services.runner.finish_alongside(second)
        services.runner.catch_up()
        caught_up = time.perf_counter() - started
        caught_cpu = time.process_time() - caught_cpu
        print(
            f"read models: {caught_up:6.2f} s ({caught_cpu:.2f} s CPU"
            + (
                f"; the second process {second.cpu_seconds:.2f} s CPU, "
                f"{second.applied:,} events{', failed' if second.error else ''}"
                if second is not None
                else ""
            )
            + f"); import and read models: {rows / (took + caught_up):,.0f} rows/s on the clock"
        )
        if before is not None:
            after, size = settled_file(services.runner.db())
            changed, added, count = changed_pages(before, after, size)
            print(
                f"read-model pages: {changed:,} changed and {added:,} added by the import, "
                f"of {count:,} ({(changed + added) * size / 2**20:,.0f} MB)"
            )
        started, cpu = time.perf_counter(), time.process_time()
        again = import_sales(services.app, sales, timezone="America/New_York")
        took, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(
            f" re-import: {took:6.2f} s ({cpu:.2f} s CPU)  "
            f"{again['already_imported']:,} orders already there"
        )
        print(
            f"events in the store: {services.app.event_count():,}; peak memory {peak_mb():,.0f} MB"
        )
    finally:
        services.app.subscribe(services.runner.notify)
        services.close()


if __name__ == "__main__":
    main()
