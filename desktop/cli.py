"""The ``houselights`` command: the desktop app, plus tools for the office.

    houselights                       open the app on the local database
    houselights demo --patrons 500    fill the store with a demo organization
    houselights rebuild               rebuild the read models from the events
    houselights status --json         events, patrons, projection positions
    houselights patrons --search ada --json
    houselights import sales orders.csv --dry-run
    houselights check-in CODE --performance ID [--door NAME] [--json]
    houselights performances --json   performances with seats sold and admitted
    houselights tickets --performance ID --json

Nothing here imports Qt unless the window is opened, so the tools start fast.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
from importlib.metadata import PackageNotFoundError, version

from eventsourcing.persistence import PersistenceError

from desktop.backups import DamagedStore
from desktop.cli_backups import COMMANDS as BACKUP_COMMANDS
from desktop.cli_backups import add_commands as add_backup_commands
from desktop.cli_backups import check_before_opening, damaged_store_message
from desktop.config import StoreConfigError, resolve
from domain.errors import HouselightsError, UnreadableSalesFile


def app_version() -> str:
    try:
        return version("houselights")
    except PackageNotFoundError:  # running from a source tree without install
        return "0+unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="houselights",
        description="Houselights: know and welcome your patrons.",
    )
    parser.add_argument("--version", action="version", version=f"houselights {app_version()}")
    parser.add_argument(
        "--data", metavar="DIR", help="data folder (default: your user-data folder; "
        "or set HOUSELIGHTS_DATA)"
    )  # fmt: skip
    parser.add_argument(
        "--store", metavar="URL", help="shared event store, e.g. postgresql://user@host/db "
        "(or set HOUSELIGHTS_STORE); default: a SQLite file in the data folder"
    )  # fmt: skip
    parser.add_argument("--staff", default=None, help="staff member recorded on new events")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    sub.add_parser("gui", help="open the Houselights window (the default)")

    demo = sub.add_parser("demo", help="fill the store with a believable demo organization")
    demo.add_argument("--patrons", type=int, default=500, metavar="N")
    demo.add_argument("--seed", type=int, default=2026)
    demo.add_argument("--json", action="store_true", help="print the result as JSON")

    rebuild = sub.add_parser("rebuild", help="rebuild every read model from the event store")
    rebuild.add_argument("--json", action="store_true")

    status = sub.add_parser("status", help="events, patrons and projection positions")
    status.add_argument("--json", action="store_true")

    patrons = sub.add_parser("patrons", help="find patrons")
    patrons.add_argument("--search", default="", metavar="TEXT")
    patrons.add_argument("--limit", type=int, default=50)
    patrons.add_argument("--json", action="store_true")
    imports = sub.add_parser("import", help="bring in data from elsewhere")
    what = imports.add_subparsers(dest="what", metavar="WHAT", required=True)
    sales = what.add_parser(
        "sales", help="import an online-sales export (CSV): orders, buyers, ticket barcodes"
    )
    sales.add_argument("file", metavar="FILE.csv")
    sales.add_argument(
        "--dry-run", action="store_true", help="report what would happen; save nothing"
    )
    sales.add_argument("--json", action="store_true", help="print the report as JSON")
    sales.add_argument(
        "--mapping", action="append", default=[], metavar="FIELD=COLUMN",
        help="which column holds a field, e.g. --mapping order_id=\"Order #\"; repeat for "
        "more fields; an empty COLUMN leaves a field out (fields: "
        + ", ".join(sales_fields()) + ")",
    )  # fmt: skip
    sales.add_argument(
        "--timezone", default="", metavar="ZONE",
        help="time zone of dates without one, e.g. America/New_York (default: this computer's)",
    )  # fmt: skip
    check_in = sub.add_parser("check-in", help="check a ticket in at the door")
    check_in.add_argument("code", metavar="CODE", help="the ticket code as scanned or typed")
    check_in.add_argument("--performance", required=True, metavar="ID")
    check_in.add_argument("--door", default="Main door", metavar="NAME")
    check_in.add_argument("--json", action="store_true")
    performances = sub.add_parser("performances", help="performances with seats sold")
    performances.add_argument("--upcoming", action="store_true", help="only those to come")
    performances.add_argument("--json", action="store_true")

    tickets = sub.add_parser("tickets", help="the tickets of one performance")
    tickets.add_argument("--performance", required=True, metavar="ID")
    tickets.add_argument("--json", action="store_true")

    add_backup_commands(sub)

    shots = sub.add_parser("screenshots", help="render every screen with demo data to PNG files")
    shots.add_argument("--out", default="docs/screenshots", metavar="DIR")
    shots.add_argument("--patrons", type=int, default=400, metavar="N")
    return parser


def _progress(label: str):
    def report(done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\r{label}: {done:,} of {total:,}", end="", file=sys.stderr, flush=True)

    return report


def _services(args, catch_up: bool):
    from desktop.bootstrap import bootstrap

    config = resolve(args.data, args.store)
    check_before_opening(config)  # a damaged store is never opened for writing
    return bootstrap(config, staff=args.staff or "office", catch_up=catch_up)


def cmd_demo(args) -> int:
    from domain import demo

    services = _services(args, catch_up=True)
    try:
        result = demo.generate(
            services.app, args.patrons, seed=args.seed, progress=_progress("Patrons")
        )
        services.runner.catch_up()
        result["events"] = services.app.event_count()
    finally:
        services.close()
    if sys.stderr.isatty():
        print(file=sys.stderr)
    if args.json:
        print(json.dumps(result))
    else:
        print(f"Added a demo organization: {result['patrons']:,} patrons, "
              f"{result.get('performances', 0):,} performances, "
              f"{result.get('orders', 0):,} ticket orders, "
              f"{result['events']:,} events in the store.")  # fmt: skip
    return 0


def cmd_rebuild(args) -> int:
    services = _services(args, catch_up=False)
    try:
        applied = services.runner.rebuild(progress=_progress("Events"))
        status = services.runner.status()
    finally:
        services.close()
    if sys.stderr.isatty():
        print(file=sys.stderr)
    if args.json:
        print(json.dumps({"applied": applied, "projections": status}))
    else:
        print(f"Rebuilt the read models from {applied:,} events.")
    return 0


def cmd_status(args) -> int:
    from projections import patron_directory

    services = _services(args, catch_up=False)
    try:
        result = {
            "events": services.app.event_count(),
            "patrons": patron_directory.count(services.runner.db()),
            "projections": services.runner.status(),
            "store": services.config.kind,
            "location": services.config.describe(),
            "data": str(services.config.data_dir),
        }
    finally:
        services.close()
    if args.json:
        print(json.dumps(result))
    else:
        print(f"Store: {result['store']} ({result['location']})")
        print(f"Events: {result['events']:,}   Patrons: {result['patrons']:,}")
        for name, pos in result["projections"].items():
            print(f"  {name}: at {pos['position']:,}, {pos['lag']:,} behind")
    return 0


def cmd_patrons(args) -> int:
    from projections import patron_directory

    services = _services(args, catch_up=True)
    try:
        rows = patron_directory.search(services.runner.db(), args.search, limit=args.limit)
    finally:
        services.close()
    found = [{"id": r["id"], "name": r["name"], "email": r["email"]} for r in rows]
    if args.json:
        print(json.dumps(found))
    else:
        for r in rows:
            print(f"{r['name']:<32} {r['email']:<36} {r['phone']}")
        print(f"{len(found)} found")
    return 0


def sales_fields() -> tuple[str, ...]:
    from domain.sales_layouts import FIELDS

    return FIELDS


def _mapping_overrides(pairs: list[str]) -> dict[str, str]:
    overrides = {}
    for pair in pairs:
        name, equals, column = pair.partition("=")
        if not equals or not name.strip():
            raise UnreadableSalesFile(
                f'“{pair}” is not a mapping. Write it as field=Column, e.g. order_id="Order #".'
            )
        overrides[name.strip()] = column.strip()
    return overrides


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def sales_summary(report: dict, name: str) -> str:
    """The import report in plain words."""
    lines = []
    verb = "Would import" if report["dry_run"] else "Imported"
    if report["dry_run"]:
        lines.append("Dry run: nothing was saved.")
    lines.append(f"Read {_count(report['rows'], 'row')} from {name} ({report['layout']}).")
    lines.append(
        f"{verb} {_count(report['imported'], 'order')} ({_count(report['tickets'], 'ticket')}): "
        f"{_count(report['matched'], 'buyer')} found among your patrons, "
        f"{_count(report['created'], 'new patron')}, "
        f"{_count(report['performances_created'], 'new performance')}."
    )
    if report["already_imported"]:
        lines.append(
            f"Already imported before: {_count(report['already_imported'], 'order')} "
            "(left as they are)."
        )
    if report["cancelled"]:
        lines.append("Stopped before the end; import the file again to finish.")
    if report["rejected"]:
        lines.append(f"Not imported: {_count(len(report['rejected']), 'row')}.")
        lines += [f"  row {r['row']}: {r['reason']}" for r in report["rejected"]]
    return "\n".join(lines)


def cmd_import(args) -> int:
    from domain.sales_file import read_sales_file
    from domain.sales_import import import_sales

    sales = read_sales_file(args.file)  # before opening the store: a bad file changes nothing
    mapping = sales.with_mapping(_mapping_overrides(args.mapping))
    services = _services(args, catch_up=True)
    try:
        progress = _progress("Orders")
        report = import_sales(
            services.app, sales, mapping=mapping, timezone=args.timezone or None,
            dry_run=args.dry_run, progress=lambda done, total, _message: progress(done, total),
        )  # fmt: skip
        services.runner.catch_up()
    finally:
        services.close()
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(json.dumps(report) if args.json else sales_summary(report, sales.name))
    return 0


def cmd_check_in(args) -> int:
    """The door's rules from the command line; exit status 0 only for ADMIT."""
    from desktop.door_check import check_in

    services = _services(args, catch_up=True)
    try:
        result = check_in(services, args.code, args.performance, args.door)
    finally:
        services.close()
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{result['verdict'].replace('_', ' ').upper()}: {result['message']}")
        if result["patron"]:
            print(f"  {result['patron']['greeting']}")
    return 0 if result["verdict"] == "admit" else 1


def _local(iso_text: str) -> str:
    from datetime import datetime

    moment = datetime.fromisoformat(iso_text).astimezone()
    return f"{moment:%a} {moment.day} {moment:%b %Y %H:%M}"


def cmd_performances(args) -> int:
    from domain.money import format_cents
    from projections import box_office

    services = _services(args, catch_up=True)
    try:
        rows = box_office.performances(services.runner.db(), include_past=not args.upcoming)
    finally:
        services.close()
    keys = ("id", "title", "starts_at", "capacity", "sold", "admitted")
    if args.json:
        print(json.dumps([{k: r[k] for k in keys} for r in rows]))
        return 0
    print(f"{'Starts':<21} {'Title':<30} {'Sold':>11} {'Admitted':>8} {'Revenue':>12}  Id")
    for r in rows:
        sold = f"{r['sold']}/{r['capacity']}"
        print(f"{_local(r['starts_at']):<21} {r['title'][:30]:<30} {sold:>11} "
              f"{r['admitted']:>8} {format_cents(r['revenue_cents']):>12}  {r['id']}")  # fmt: skip
    print(f"{len(rows)} performances")
    return 0


def cmd_tickets(args) -> int:
    from domain.errors import PerformanceNotFound
    from projections import box_office

    services = _services(args, catch_up=True)
    try:
        db = services.runner.db()
        performance = box_office.performance(db, args.performance)
        if performance is None:
            raise PerformanceNotFound(args.performance)
        rows = box_office.tickets(db, args.performance)
    finally:
        services.close()
    if args.json:
        print(json.dumps([{k: r[k] for k in ("code", "patron_id", "status")} for r in rows]))
        return 0
    print(f"{performance['title']}, {_local(performance['starts_at'])}")
    for r in rows:
        print(f"{r['code']:<14} {r['status']:<10} {r['price_level']:<14} "
              f"{r['patron_id'] or '(no name)'}")  # fmt: skip
    print(f"{len(rows)} tickets")
    return 0


def cmd_gui(args) -> int:
    from desktop.app import run_gui

    return run_gui(resolve(args.data, args.store), staff=args.staff)


def cmd_screenshots(args) -> int:
    from desktop.screenshots import render_all

    for path in render_all(args.out, patrons=args.patrons):
        print(path)
    return 0


COMMANDS = {
    "screenshots": cmd_screenshots,
    "gui": cmd_gui,
    "demo": cmd_demo,
    "rebuild": cmd_rebuild,
    "status": cmd_status,
    "patrons": cmd_patrons,
    "import": cmd_import,
    "check-in": cmd_check_in,
    "performances": cmd_performances,
    "tickets": cmd_tickets,
    **BACKUP_COMMANDS,
}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = COMMANDS[args.command or "gui"]
    try:
        return command(args)
    except StoreConfigError as error:
        print(f"houselights: {error}", file=sys.stderr)
        return 2
    except DamagedStore as error:
        print(f"houselights: {error}", file=sys.stderr)
        return 3
    except HouselightsError as error:
        print(f"houselights: {error}", file=sys.stderr)
        return 1
    except (sqlite3.DatabaseError, PersistenceError) as error:  # eventsourcing wraps sqlite3's
        damaged = damaged_store_message(args.data, args.store)
        if damaged:
            print(f"houselights: {damaged}", file=sys.stderr)
            return 3
        print(
            "houselights: the database file could not be read "
            f"({error}). Nothing was changed. Check the data folder, or restore a backup.",
            file=sys.stderr,
        )
        return 3
    except KeyboardInterrupt:
        print("houselights: stopped.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader stopped listening (e.g. piped into head)
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (closed by the interpreter at exit)
        return 0


if __name__ == "__main__":
    sys.exit(main())
