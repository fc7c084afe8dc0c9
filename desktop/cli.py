"""The ``houselights`` command: the desktop app, plus tools for the office.

    houselights                       open the app on the local database
    houselights demo --patrons 500    fill the store with a demo organization
    houselights rebuild               rebuild the read models from the events
    houselights setup --organization NAME --timezone ZONE --currency CODE [--country CC]
                                      what the first-run assistant asks, for this data folder
    houselights status --json         organization, events, patrons, projection positions
    houselights patrons --search ada --json
    houselights timeline PATRON_ID --json   a patron's timeline, newest first
    houselights import sales orders.csv --dry-run
    houselights import chats export.json --json
    houselights check-in CODE --performance ID [--door NAME] [--json]
    houselights sync [--json]         send door scans queued while offline
    houselights performances --json   performances with seats sold and admitted
    houselights tickets --performance ID --json
    houselights report ladder --json  patrons per rung of the loyalty ladder
    houselights duplicates --json     likely duplicate patrons, with the reasons
    houselights merge DUPLICATE SURVIVOR / houselights unmerge DUPLICATE
    houselights report attendance --json   sold, admitted, no-show rate per performance
    houselights report double-entries --json   tickets used twice while a door was offline
    houselights report thank-yous --json   the thank-you queue and the share thanked in 7 days
    houselights report support --json      inquiries by weekday and hour, first-reply times
    houselights rota [--json]         who is on chat and phone duty (rota add/remove: a manager)
    houselights erase PATRON_ID [--yes]  erase a patron's personal data for good
    houselights staff add NAME --role manager   staff accounts (then --as NAME)
    houselights audit --json          who did what, when, from which workstation

Nothing here imports Qt unless the window is opened, so the tools start fast.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import functools
import json
import os
import signal
import sqlite3
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from desktop.cli_backups import COMMANDS as BACKUP_COMMANDS
from desktop.cli_backups import add_commands as add_backup_commands
from desktop.cli_backups import (
    check_before_opening,
    explain_store_error,
    log_unexpected,
    read_only_message,
    sign_in_secret,
)
from desktop.cli_support import add_report_parser, add_rota_parser, cmd_report_support, cmd_rota
from domain.errors import HouselightsError, UnreadableSalesFile
from domain.roles import Permission
from domain.wording import counted
from infrastructure.config import StoreConfigError, resolve
from infrastructure.files import restrict_new_files
from infrastructure.shared_store import ServerProblem

if TYPE_CHECKING:
    from domain.merging import MergeResult, UnmergeResult
    from infrastructure.erasure import CopiesCleaned

#: the largest demo organization (the design size is 100,000 patrons)
MAX_DEMO_PATRONS = 200_000
#: the most rows a listing prints
MAX_LIMIT = 100_000


def app_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("houselights")
    except PackageNotFoundError:  # running from a source tree without install
        return "0+unknown"


class _Version(argparse.Action):
    """``--version``: the installed version, looked up only when asked for."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest, default=argparse.SUPPRESS, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"houselights {app_version()}")
        parser.exit()


def whole_number(low: int, high: int):
    """An argparse type: a whole number from ``low`` to ``high``, else one clear line."""

    def parse(text: str) -> int:
        try:
            value = int(text.strip().replace("_", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"“{text}” is not a whole number (use digits, e.g. {low})"
            ) from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{text} is not between {low:,} and {high:,}")
        return value

    parse.__name__ = "number"
    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="houselights",
        description="Houselights: know and welcome your patrons.",
    )
    parser.add_argument("--version", action=_Version, help="show the version and exit")
    parser.add_argument(
        "--data",
        metavar="DIR",
        help="data folder (default: your user-data folder; or set HOUSELIGHTS_DATA)",
    )
    parser.add_argument(
        "--store",
        metavar="URL",
        help="shared event store, e.g. postgresql://user@host/db "
        "(or set HOUSELIGHTS_STORE); default: a SQLite file in the data folder",
    )
    parser.add_argument("--staff", default=None, help="staff member recorded on new events")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="check that this installation works: open the "
        "window offscreen on throwaway demo data, admit a ticket at the door, exit 0",
    )
    parser.add_argument(
        "--as",
        dest="as_staff",
        default=None,
        metavar="NAME",
        help="sign in as this staff member (password from HOUSELIGHTS_PASSWORD, or asked "
        "for); needed once the store has staff accounts",
    )
    parser.add_argument(
        "--encrypt",
        action="store_true",
        help="encrypt a new event store at rest (key in the system keyring); an existing "
        "store keeps its setting",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    sub.add_parser("gui", help="open the Houselights window (the default)")

    demo = sub.add_parser("demo", help="fill the store with a believable demo organization")
    demo.add_argument(
        "--patrons",
        type=whole_number(1, MAX_DEMO_PATRONS),
        default=500,
        metavar="N",
        help=f"how many patrons (1 to {MAX_DEMO_PATRONS:,})",
    )
    demo.add_argument("--seed", type=whole_number(0, 2**63 - 1), default=2026)
    demo.add_argument("--json", action="store_true", help="print the result as JSON")

    rebuild = sub.add_parser("rebuild", help="rebuild every read model from the event store")
    rebuild.add_argument("--json", action="store_true")

    status = sub.add_parser("status", help="organization, events, patrons, projection positions")
    status.add_argument("--json", action="store_true")

    setup = sub.add_parser(
        "setup",
        help="name the organization and choose its country, time zone and currency "
        "(what the first-run assistant asks)",
    )
    setup.add_argument(
        "--organization", required=True, metavar="NAME", help="the name printed on tickets"
    )
    setup.add_argument(
        "--timezone",
        required=True,
        metavar="ZONE",
        help="time zone of the performances, e.g. Europe/London",
    )
    setup.add_argument(
        "--currency", required=True, metavar="CODE", help="three letters, e.g. GBP, USD, EUR"
    )
    setup.add_argument(
        "--country",
        default="",
        metavar="CC",
        help="two letters, e.g. GB: paper size, how dates and amounts "
        "are written (default: the currency's country, else this "
        "computer's)",
    )
    setup.add_argument("--json", action="store_true")

    patrons = sub.add_parser("patrons", help="find patrons")
    patrons.add_argument("--search", default="", metavar="TEXT")
    patrons.add_argument("--limit", type=whole_number(1, MAX_LIMIT), default=50)
    patrons.add_argument("--json", action="store_true")
    history = sub.add_parser("timeline", help="a patron's timeline, newest first")
    history.add_argument("patron_id", metavar="PATRON_ID", help="the patron's id (patrons --json)")
    history.add_argument(
        "--limit",
        type=_positive,
        default=50,
        metavar="N",
        help="show the newest N entries (default 50)",
    )
    history.add_argument("--json", action="store_true")
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
        "--mapping",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help='which column holds a field, e.g. --mapping order_id="Order #"; repeat for '
        "more fields; an empty COLUMN leaves a field out (fields: "
        + ", ".join(sales_fields())
        + ")",
    )
    sales.add_argument(
        "--date-order",
        choices=("dmy", "mdy", "ymd"),
        default=None,
        help="how to read dates like 12/11/2026: dmy (12 November), mdy (December 11) or "
        "ymd; without it the file's own dates decide, else the import/date_order setting",
    )
    sales.add_argument(
        "--item-pattern",
        default=None,
        metavar="REGEX",
        help="how an item name holds the event and its date (Square, Shopify): a regular "
        "expression with the groups (?P<event>...) and (?P<date>...), optionally (?P<time>...)",
    )
    sales.add_argument(
        "--timezone",
        default="",
        metavar="ZONE",
        help="time zone of dates without one, e.g. America/New_York (default: the "
        "import/timezone setting, else the organization's time zone, else this computer's); "
        "a time-zone column in the file wins",
    )
    sales.add_argument(
        "--excel-serial-dates",
        action="store_true",
        help="read the dates an Excel workbook stored as numbers (46337 for 11 November "
        "2026) as dates; the dry run shows which columns hold them",
    )
    sales.add_argument(
        "--rejected",
        default=None,
        metavar="FILE.csv",
        help="write every row not imported to FILE.csv (the file's own columns, its row "
        "number and why), to correct and import again; the report lists the first 1,000",
    )
    add_chats_parser(what)
    check_in = sub.add_parser("check-in", help="check a ticket in at the door")
    check_in.add_argument("code", metavar="CODE", help="the ticket code as scanned or typed")
    check_in.add_argument("--performance", required=True, metavar="ID")
    check_in.add_argument("--door", default="Main door", metavar="NAME")
    check_in.add_argument("--json", action="store_true")
    sync = sub.add_parser(
        "sync", help="send the door scans queued while the shared store did not answer"
    )
    sync.add_argument("--json", action="store_true")
    performances = sub.add_parser("performances", help="performances with seats sold")
    performances.add_argument("--upcoming", action="store_true", help="only those to come")
    performances.add_argument("--json", action="store_true")

    tickets = sub.add_parser("tickets", help="the tickets of one performance")
    tickets.add_argument("--performance", required=True, metavar="ID")
    tickets.add_argument("--json", action="store_true")

    add_duplicate_commands(sub)
    report = sub.add_parser("report", help="the manager's figures, as on the screens")
    which = report.add_subparsers(dest="report", required=True)
    ladder = which.add_parser("ladder", help="patrons on each rung of the loyalty ladder")
    ladder.add_argument("--json", action="store_true")
    attendance = which.add_parser(
        "attendance", help="per performance started: tickets sold, admitted, no-show rate"
    )
    attendance.add_argument("--json", action="store_true")
    doubles = which.add_parser(
        "double-entries", help="tickets two people went in on while a door was offline"
    )
    doubles.add_argument("--performance", default=None, metavar="ID")
    doubles.add_argument("--json", action="store_true")
    thanks = which.add_parser(
        "thank-yous", help="who waits for a thank-you, and the share thanked within 7 days"
    )
    thanks.add_argument("--json", action="store_true")
    add_report_parser(which)
    add_rota_parser(sub)
    add_erase_parser(sub)
    add_encryption_parser(sub)
    add_staff_parsers(sub)
    add_backup_commands(sub)

    shots = sub.add_parser("screenshots", help="render every screen with demo data to PNG files")
    shots.add_argument("--out", default="docs/screenshots", metavar="DIR")
    shots.add_argument("--patrons", type=whole_number(10, 5000), default=400, metavar="N")
    shots.add_argument(
        "--size",
        default="1366x768",
        metavar="WxH",
        help="the screen in pixels (default 1366x768, a common laptop)",
    )
    shots.add_argument(
        "--scale",
        type=float,
        default=1.0,
        metavar="F",
        help="render as at this display scaling, e.g. 1.25 or 1.5",
    )
    shots.add_argument("--dark", action="store_true", help="in the dark colour scheme")
    return parser


def _positive(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"“{text}” is not a number of entries: give 1 or more")
    return number


def _progress(label: str):
    def report(done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\r{label}: {done:,} of {total:,}", end="", file=sys.stderr, flush=True)

    return report


def _services(args, catch_up: bool):
    from infrastructure.bootstrap import bootstrap

    config = resolve(args.data, args.store, encrypt=getattr(args, "encrypt", False))
    check_before_opening(config)  # a damaged store is never opened for writing
    services = bootstrap(config, staff=args.staff or "office", catch_up=catch_up)
    from desktop.cli_backups import backup_folders
    from infrastructure.backups import start_page_check

    begun = _BEGUN_CHECKS.pop(config.events_path, None)
    _PAGE_CHECKS.append(start_page_check(services, backup_folders(config), begun=begun))
    try:
        if getattr(args, "as_staff", None):
            services.app.sign_in(args.as_staff, **sign_in_secret())
        permission = getattr(args, "permission", None)
        if permission is not None:  # what the command needs, checked by the service
            services.app.reads.require(permission)
        _use_organization_zone(services, config.data_dir)
    except BaseException:
        services.close()
        raise
    return services


#: what a server that does not answer leaves possible
_DOOR_GOES_ON = (
    " A door goes on checking tickets in (check-in), and houselights sync sends its scans later."
)


def _use_organization_zone(services, data_dir) -> None:
    """The rota and the support report count hours in the organization's time zone;
    amounts and dates are written in its currency and country's way."""
    from desktop import formatting, organization_sync
    from desktop.settings import organization_zone

    settings = organization_settings(data_dir)
    # the answers every workstation on the store shares, into this computer's copy
    organization_sync.at_start(services.app, settings, adopt=False)
    services.app.rota.local_zone = organization_zone(settings)
    formatting.configure(
        str(settings.get("organization/country")),
        str(settings.get("organization/currency")),
        str(settings.get("organization/timezone")),
    )


#: the page checks the command started: main() waits for them before it exits, so a
#: damaged store never ends a command with status 0 (writes already waited)
_PAGE_CHECKS: list = []
#: page checks begun before the store was opened (``_begin_page_check``), by file
_BEGUN_CHECKS: dict[Path, Any] = {}


def _begin_page_check(args) -> None:
    """Begin the page check of the store ``args`` names, when its file exists, before
    the command's own first steps (its modules, reading a file): on a big store the
    check reads every page for a second or more, on the other core, and the first save
    waits for it. Read-only, and nothing is created; ``_services`` adopts it."""
    from infrastructure.config import existing_local_store
    from infrastructure.store_check import StoreHealth

    config = existing_local_store(args.data, args.store)
    if config is not None and config.events_path not in _BEGUN_CHECKS:
        # (the backups' modules, which name the backup to restore, load only if needed)
        damaged = functools.partial(_damaged_store, config)
        _BEGUN_CHECKS[config.events_path] = StoreHealth(config.events_path, damaged)


def _damaged_store(config, damage):
    from desktop.cli_backups import backup_folders
    from infrastructure.backups import damaged_store

    return damaged_store(config, backup_folders(config), damage)


def _page_check_verdict() -> Exception | None:
    """The DamagedStore a finished page check found, once every check has ended."""
    found = None
    while _PAGE_CHECKS:
        health = _PAGE_CHECKS.pop()
        if health is not None and health.wait() is not None and found is None:
            found = health.damaged(health.damage)
    return found


def _read_models(args, permission: str, fn):
    """Open the services (read models caught up), ask the read service for ``fn(db)``
    (it checks ``permission`` for the role in force) and close the services again."""
    services = _services(args, catch_up=True)
    try:
        return services.app.read_models(permission, fn, services.runner.db())
    finally:
        services.close()


#: a sales import's progress on a terminal, per phase (``imports.sales_import``)
SALES_PHASES = {
    "reading": "Reading the file: {done:,} rows",
    "dates": "Checking the dates: {done:,} of {total:,} rows",
    "barcodes": "Checking the barcodes: {done:,} of {total:,} rows",
    "rows": "Reading the sales: {done:,} of {total:,} rows",
    "twice": "Looking for barcodes used twice: {done:,} of {total:,} rows",
    "planning": "Planning the orders: {done:,} of {total:,}",
    "orders": "Importing orders: {done:,} of {total:,}",
}
DRY_RUN_PHASES = {**SALES_PHASES, "orders": "Rehearsing orders (dry run): {done:,} of {total:,}"}


class PhaseProgress:
    """``progress(done, total, phase)`` on stderr when it is a terminal: one line per
    phase, rewritten as its numbers move."""

    def __init__(self, words: dict[str, str]) -> None:
        self.words = words
        self.phase = ""
        self.width = 0

    def __call__(self, done: int, total: int, phase: str) -> None:
        if not sys.stderr.isatty():
            return
        text = self.words.get(phase, "{done:,} of {total:,}").format(done=done, total=total)
        if phase != self.phase and self.phase:
            print(file=sys.stderr)
            self.width = 0
        self.phase = phase
        print(f"\r{text.ljust(self.width)}", end="", file=sys.stderr, flush=True)
        self.width = len(text)

    def end(self) -> None:
        if self.phase and sys.stderr.isatty():
            print(file=sys.stderr)
        self.phase = ""


class CtrlC:
    """While a long import runs: the first Ctrl-C asks it to stop (reading a file: at
    once, nothing imported; selling: after the order it is on, what was saved stays);
    a second one stops at once. ``stop()`` says whether it was pressed."""

    def __init__(self) -> None:
        self.pressed = False
        self._before: Any = None

    def __enter__(self) -> CtrlC:
        if threading.current_thread() is threading.main_thread():
            self._before = signal.signal(signal.SIGINT, self._press)
        return self

    def _press(self, _signal, _frame) -> None:
        if self.pressed:
            raise KeyboardInterrupt
        self.pressed = True
        print("\nStopping (press Ctrl-C again to stop at once)…", file=sys.stderr, flush=True)

    def __exit__(self, *_exc) -> None:
        if self._before is not None:
            signal.signal(signal.SIGINT, self._before)

    def stop(self) -> bool:
        return self.pressed


def _import(
    args,
    label: str,
    fn,
    progress=None,
    alongside: bool = False,
    cache_kib: int | None = None,
    prepared=None,
) -> dict:
    """Run ``fn(app, progress)`` (an import) with its progress on stderr, bring the read
    models up to date and close the services; returns fn's report. ``progress``
    (done, total, phase) replaces the one counting under ``label``. ``alongside``: a
    long import, whose read models a second process brings up to date while it runs
    (``projections/alongside.py``), with a page cache of ``cache_kib`` when given;
    ``prepared``: that process, started ahead (``prepare_alongside``)."""
    services = _services(args, catch_up=True)
    try:
        shown = _progress(label)
        # The read models are not caught up after every saved chunk: a second process
        # applies the chunks as they are saved (a long import), or this one at the end.
        with services.runner.applied_alongside(
            services.app,
            progress=_progress("Read models"),
            second=alongside,
            cache_kib=cache_kib,
            prepared=prepared,
        ):
            report = fn(
                services.app,
                progress or (lambda done, total, _message: shown(done, total)),
            )
            if isinstance(progress, PhaseProgress):
                progress.end()
    finally:
        services.close()
    if sys.stderr.isatty():
        print(file=sys.stderr)
    return report


def prepare_alongside(wanted: bool):
    """The second process of a long import, started before the store is opened, so
    that it has imported what it needs by the time the first chunk is saved (or None:
    not ``wanted``, or not to be had; the import then starts one itself)."""
    if not wanted:
        return None
    from projections.alongside import CatchUpAlongside

    # what its work is made of besides the read models: the store's opener
    return CatchUpAlongside.prepare(("infrastructure.bootstrap",))


def cmd_demo(args) -> int:
    from demo import organization as demo

    services = _services(args, catch_up=True)
    try:
        held = services.app.events_besides_answers()
        if held:
            raise HouselightsError(
                f"This store already holds {held:,} events: the demo organization only goes "
                "into an empty data folder (one set up with houselights setup is fine), e.g. "
                "houselights --data ~/houselights-demo demo. Nothing was added."
            )
        result = demo.generate(
            services.app,
            args.patrons,
            seed=args.seed,
            progress=_progress("Patrons"),
            zone=services.app.rota.local_zone,  # the organization's (``_services``)
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
        print(
            f"Added a demo organization: {result['patrons']:,} patrons, "
            f"{result.get('performances', 0):,} performances, "
            f"{result.get('orders', 0):,} ticket orders, "
            f"{result['events']:,} events in the store."
        )
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


def _shared_store_unreachable(args, error: BaseException) -> bool:
    """Whether ``error`` is a shared (PostgreSQL) store not answering, not a damaged file."""
    from eventsourcing.persistence import OperationalError

    try:
        config = resolve(args.data, args.store)
    except StoreConfigError:
        return False
    return config.kind == "postgresql" and isinstance(error, OperationalError)


def organization_settings(data_dir):
    """The organization's settings kept in a data folder (imports Qt's core, not widgets)."""
    from desktop.settings import Settings, organization_store

    return Settings(organization_store(data_dir), organization=organization_store(data_dir))


def cmd_setup(args) -> int:
    """``setup``: the first-run assistant's answers from the command line, all checked
    before any is saved."""
    from desktop import formatting
    from desktop.settings import SETTINGS

    config = resolve(args.data, args.store, encrypt=getattr(args, "encrypt", False))
    currency = args.currency.strip().upper()
    country = args.country.strip().upper() or formatting.country_for_currency(currency)
    answers = {
        "organization/name": args.organization.strip(),
        "organization/country": country,
        "organization/timezone": args.timezone.strip(),
        "organization/currency": currency,
    }
    problems = [
        f"--{key.split('/')[1].replace('name', 'organization')}: {problem}"
        for key, value in answers.items()
        if (problem := SETTINGS[key].problem(value))
    ]
    if not answers["organization/timezone"]:
        problems.append("--timezone: give the time zone of the performances, e.g. Europe/London.")
    if not currency:
        problems.append("--currency: give three letters, e.g. GBP, USD or EUR.")
    if problems:
        for problem in problems:
            print(f"houselights: {problem}", file=sys.stderr)
        print("houselights: nothing was saved.", file=sys.stderr)
        return 2
    if config.kind != "sqlite" or config.events_path.exists():  # not a first run
        check_before_opening(config)
    config.data_dir.mkdir(parents=True, exist_ok=True)
    from infrastructure.bootstrap import bootstrap

    # in the store, so every workstation on it shares them; and in this computer's copy
    services = bootstrap(config, staff=args.staff or "office", catch_up=False)
    try:
        if getattr(args, "as_staff", None):
            services.app.sign_in(args.as_staff, **sign_in_secret())
        # a manager's (or anyone's while there are no accounts), checked by the service
        services.app.organization.configure_organization(
            **{key.split("/")[1]: value for key, value in answers.items()}
        )
    finally:
        services.close()
    settings = organization_settings(config.data_dir)
    for key, value in answers.items():
        settings.set(key, value)
    settings.set("organization/setup_done", True)
    formatting.configure(country, currency, answers["organization/timezone"])
    result = {
        "organization": answers["organization/name"],
        "country": formatting.country_code(),
        "timezone": answers["organization/timezone"],
        "currency": formatting.currency_code(),
        "paper": formatting.paper_size(),
        "example_amount": formatting.money(123450),
        "data": str(config.data_dir),
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(
            f"{result['organization']}: {result['country']}, {result['timezone']}, "
            f"{result['currency']} (amounts like {result['example_amount']}, "
            f"{result['paper']} paper). Saved in {config.data_dir}."
        )
    return 0


def cmd_status(args) -> int:
    from projections import patron_directory

    services = _services(args, catch_up=False)
    try:
        organization = organization_settings(services.config.data_dir)
        result = {
            "organization": str(organization.get("organization/name")),
            "organization_set_up": bool(organization.get("organization/setup_done")),
            "events": services.app.event_count(),
            "queued": services.door().queue.waiting(),
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
        print(
            f"Organization: {result['organization']}"
            + ("" if result["organization_set_up"] else " (not set up yet: houselights setup)")
        )
        print(f"Store: {result['store']} ({result['location']})")
        print(
            f"Events: {result['events']:,}   Patrons: {result['patrons']:,}"
            f"   Door scans waiting to be sent: {result['queued']:,}"
        )
        for name, pos in result["projections"].items():
            print(f"  {name}: at {pos['position']:,}, {pos['lag']:,} behind")
    return 0


def cmd_patrons(args) -> int:
    from projections import patron_search

    rows = _read_models(
        args,
        Permission.READ_PATRONS,
        lambda db: patron_search.search(db, args.search, limit=args.limit),
    )
    found = [
        {
            "id": r["id"],
            "name": r["name"],
            "email": r["email"],
            "last_activity": r["last_activity_at"],
        }
        for r in rows
    ]
    if args.json:
        print(json.dumps(found))
    else:
        for r in rows:
            last = _local(r["last_activity_at"]) if r["last_activity_at"] else ""
            print(f"{r['name']:<32} {r['email']:<36} {r['phone']:<18} {last}")
        print(f"{len(found)} found")
    return 0


def cmd_timeline(args) -> int:
    """A patron's timeline as support sees it on the patron page: every entry (changes
    of rung on the loyalty ladder included), newest first."""
    from desktop.formatting import with_amount
    from desktop.models.timeline import merge_moves, move_rows
    from domain.errors import PatronNotFound
    from projections import ladder, timeline
    from projections import patron_directory as directory

    def read(db):
        patron = directory.get(db, args.patron_id.strip())
        if patron is None:
            raise PatronNotFound(args.patron_id)
        rows = timeline.rows(db, patron["id"], limit=args.limit)
        moves = move_rows(ladder.patron_ladder(db, patron["id"]).moves)
        page, _ = merge_moves(rows, moves, len(rows) >= args.limit)
        return patron, page[: args.limit]

    patron, rows = _read_models(args, Permission.READ_PATRONS, read)
    entries = [
        {
            "at": r["occurred_at"],
            "kind": r["kind"],
            "summary": with_amount(r["summary"], r.get("amount_cents")),
            "amount_cents": r.get("amount_cents"),
            "by": r["recorded_by"],
            "workstation": r["workstation"],
        }
        for r in rows
    ]
    if args.json:
        print(json.dumps(entries))
        return 0
    print(patron["name"])
    for e in entries:
        where = f" ({e['workstation']})" if e["workstation"] else ""
        print(f"{_local(e['at']):<27} {e['summary']}  — {e['by'] or 'Houselights'}{where}")
    print(f"{len(entries)} entries shown, newest first")
    return 0


def sales_fields() -> tuple[str, ...]:
    from imports.sales_layouts import FIELDS

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


DATE_ORDER_WORDS = {
    "dmy": "day first (12/11/2026 is 12 November 2026)",
    "mdy": "month first (12/11/2026 is December 11, 2026)",
    "ymd": "year first (26/11/12 is 12 November 2026)",
}


def sales_summary(report: dict, name: str) -> str:
    """The import report in plain words."""
    if report["cancelled"] and report.get("stopped_in", "orders") != "orders":
        return (
            f"Stopped while the file was being checked and planned, before any order: "
            f"nothing was {'rehearsed' if report['dry_run'] else 'imported'}."
        )
    lines = []
    verb = "Would import" if report["dry_run"] else "Imported"
    if report["dry_run"]:
        lines.append("Dry run: nothing was saved.")
    lines.append(f"Read {_count(report['rows'], 'row')} from {name} ({report['layout']}).")
    modelled = report.get("layout_modelled", False)
    if modelled:
        lines.append(
            f"This layout ({report['layout']}) is modelled on the service's own terms, not "
            "confirmed from a real export: check the columns below, and correct any with "
            '--mapping field=Column (e.g. --mapping order_id="Booking Ref").'
        )
    if report["dry_run"] or modelled or not report.get("mapping_confirmed", True):
        lines.append("Columns used:")
        lines += [f"  {field} = {column}" for field, column in report.get("mapping", {}).items()]
        if report.get("unused_columns"):
            lines.append(
                "Columns of the file not read: " + ", ".join(report["unused_columns"]) + "."
            )
        if not report.get("mapping_confirmed", True):
            lines.append(
                "This layout is not recognised: check the columns above, then import with "
                '--mapping for each field (e.g. --mapping order_id="Order #") to confirm them.'
            )
    order = DATE_ORDER_WORDS.get(report.get("date_order", ""), "")
    source = report.get("date_order_source")
    if order and source == "setting" and (report["dry_run"] or report["rows"]):
        lines.append(
            f"Dates read {order}: no date in the file shows the order, so the import/date_order "
            "setting decides. Use --date-order dmy or mdy if that is wrong."
        )
    elif order and source == "file" and report["dry_run"]:
        lines.append(f"Dates read {order}, as “{report['date_order_example']}” in the file shows.")
    for found in report.get("excel_dates", ()):
        lines.append(
            f"Dates in the column “{found['column']}” were stored by Excel as numbers "
            f"({found['example']} is {found['read_as']}; {_count(found['count'], 'cell')}): "
            "read as dates."
        )
    if report.get("excel_dates") and not report.get("excel_dates_confirmed"):
        lines.append(
            "Check those dates, then import with --excel-serial-dates to confirm they are read so."
        )
    lines.append(
        f"{verb} {_count(report['imported'], 'order')} ({_count(report['tickets'], 'ticket')}): "
        f"{_count(report['matched'], 'buyer')} found among your patrons, "
        f"{_count(report['created'], 'new patron')}, "
        f"{_count(report['performances_created'], 'new performance')}."
    )
    if report.get("attendees"):
        lines.append(
            f"Attendees other than the buyer: {_count(report['attendees'], 'patron')} hold "
            "their own tickets."
        )
    if report.get("completed"):
        lines.append(f"Completed {_count(report['completed'], 'order')} imported in part before.")
    if report["already_imported"]:
        lines.append(
            f"Already imported before: {_count(report['already_imported'], 'order')} "
            "(left as they are)."
        )
    if report.get("codes_attached"):
        lines.append(
            f"Barcodes attached: {_count(report['codes_attached'], 'ticket')} imported before "
            "now carry the ticketing service's barcode (their Houselights codes are void)."
        )
    if report["cancelled"]:
        lines.append("Stopped before the end; import the file again to finish.")
    if report.get("left_out"):
        lines.append("Left out, not sales:")
        lines += [f"  row {r['row']}: {r['reason']}" for r in report["left_out"]]
    if report["rejected"]:
        count = report.get("rejected_count", len(report["rejected"]))
        listed = len(report["rejected"])
        lines.append(
            f"Not imported: {_count(count, 'row')}."
            + (f" The first {listed:,} by row number:" if listed < count else "")
        )
        lines += [f"  row {r['row']}: {r['reason']}" for r in report["rejected"]]
        if report.get("rejected_file"):
            lines.append(
                f"Every row not imported ({count:,}) is in {report['rejected_file']}, with its "
                "row number and why: correct them there and import that file."
            )
        elif listed < count:
            lines.append(
                "To get all of them in a file you can correct and import again, add "
                "--rejected FILE.csv."
            )
    return "\n".join(lines)


def import_settings() -> dict:
    """The import settings of the app (time zone, date order), as the window saved them.

    ``HOUSELIGHTS_SETTINGS`` names another settings file (INI), e.g. for a script.
    """
    from PySide6.QtCore import QSettings

    from desktop.settings import Settings

    path = os.environ.get("HOUSELIGHTS_SETTINGS")
    store = QSettings(path, QSettings.Format.IniFormat) if path else None
    settings = Settings(store)
    return {
        "timezone": settings.get("import/timezone"),
        "date_order": settings.get("import/date_order"),
    }


def import_zone(args, saved: dict) -> str | None:
    """The time zone of an import's times that do not give one: ``--timezone``, else the
    one last chosen in the import windows (``import/timezone``), else the organization's
    (the first-run assistant's), else None: this computer's. A time-zone column in a
    sales file wins over all of them (``imports.sales_import``)."""
    if args.timezone:
        return str(args.timezone)
    if saved.get("timezone"):
        return str(saved["timezone"])
    config = resolve(args.data, args.store, encrypt=getattr(args, "encrypt", False))
    organization = organization_settings(config.data_dir)
    return str(organization.get("organization/timezone") or "").strip() or None


def _check_rejected_file(path: Path, imported: Path) -> None:
    """Refuse, before anything is imported, a --rejected file that cannot be written or
    that is the file being imported (it would be overwritten)."""
    if path.resolve() == imported.resolve():
        raise UnreadableSalesFile(
            f"--rejected {path} is the file being imported; name another file for the rows "
            "not imported."
        )
    if path.is_dir() or not path.parent.is_dir():
        raise UnreadableSalesFile(
            f"--rejected {path}: there is no folder {path.parent} to write it in."
            if not path.parent.is_dir()
            else f"--rejected {path} is a folder; name a file such as {path / 'not-imported.csv'}."
        )


def cmd_import(args) -> int:
    if args.what == "chats":
        return cmd_import_chats(args)
    _begin_page_check(args)  # while the file is read and checked
    from imports.sales_file import ReadingCancelled, read_sales_file
    from imports.sales_import import applied_beside

    shown = PhaseProgress(DRY_RUN_PHASES if args.dry_run else SALES_PHASES)
    with CtrlC() as ctrl_c:
        try:
            # before opening the store: a bad file changes nothing
            sales = read_sales_file(args.file, progress=shown, cancelled=ctrl_c.stop)
        except ReadingCancelled:
            shown.end()
            print(
                "houselights: stopped while reading the file; nothing was imported.",
                file=sys.stderr,
            )
            return 130
    alongside = applied_beside(sales, args.dry_run)
    prepared = prepare_alongside(alongside)
    try:
        return _import_sales(args, sales, shown, alongside, prepared)
    finally:
        if prepared is not None:
            prepared.release()  # (one not handed its work ends; a used one: nothing)


def _import_sales(args, sales, shown, alongside: bool, prepared) -> int:
    from imports.sales_import import beside_cache_kib, compile_item_pattern, import_sales

    # --mapping confirms the columns: an unrecognised layout is imported only with it.
    mapping = sales.with_mapping(_mapping_overrides(args.mapping)) if args.mapping else None
    if args.item_pattern is not None:
        compile_item_pattern(args.item_pattern)
    if args.rejected is not None:
        _check_rejected_file(Path(args.rejected), Path(args.file))

    def run(app, progress) -> dict:
        # Read once the store is open: its modules are imported before Qt's (for the
        # settings), as PySide6 reads the source of every module imported after it.
        saved = import_settings()
        with CtrlC() as stop:
            return import_sales(
                app,
                sales,
                mapping=mapping,
                timezone=import_zone(args, saved),
                dry_run=args.dry_run,
                progress=progress,
                cancelled=stop.stop,
                date_order=args.date_order,
                default_date_order=saved["date_order"],
                item_pattern=args.item_pattern,
                rejected_file=args.rejected,
                excel_serial_dates=args.excel_serial_dates,
            )

    report = _import(
        args,
        "Orders",
        run,
        progress=shown,
        alongside=alongside,
        cache_kib=beside_cache_kib(sales),
        prepared=prepared,
    )
    print(json.dumps(report) if args.json else sales_summary(report, sales.name))
    return 1 if report["rejected"] or report["cancelled"] else 0


# -- chats (issue 6) ---------------------------------------------------------------------
def add_chats_parser(what) -> None:
    chats = what.add_parser(
        "chats", help="import live-chat transcripts: JSON or CSV exports, or a pasted .txt"
    )
    chats.add_argument("file", metavar="FILE", help=".json, .csv or .txt (a pasted transcript)")
    chats.add_argument("--json", action="store_true", help="print the report as JSON")
    chats.add_argument(
        "--timezone",
        default="",
        metavar="ZONE",
        help="time zone of times without one (default: the import/timezone setting, else "
        "the organization's time zone, else this computer's)",
    )


def chats_summary(report: dict, name: str, kind: str) -> str:
    lines = [f"Read {name} ({kind})."]
    lines.append(
        f"Imported {_count(report['imported'], 'chat')}: {report['linked']:,} on a patron's "
        f"timeline, {report['unmatched']:,} waiting for staff to link them."
    )
    if not report["imported"] and not report["rejected"]:
        lines.append("Nothing new: these chats were imported before.")
    if report["rejected"]:
        lines.append(f"Not imported: {_count(len(report['rejected']), 'item')}.")
        lines += [f"  item {r['item']}: {r['reason']}" for r in report["rejected"]]
    return "\n".join(lines)


def cmd_import_chats(args) -> int:
    from imports.chat_formats import read_chat_file
    from imports.chat_import import import_chats

    zone = import_zone(args, import_settings())
    chats = read_chat_file(args.file, zone)  # a bad file changes nothing
    report = _import(args, "Chats", lambda app, progress: import_chats(app, chats, progress))
    print(json.dumps(report) if args.json else chats_summary(report, chats.name, chats.kind))
    return 1 if report["rejected"] else 0


def cmd_check_in(args) -> int:
    """The door's rules from the command line; exit status 0 only for ADMIT.

    On a shared store that does not answer, the door decides from its own copy and
    queues the scan (``"offline": true``); ``houselights sync`` sends it later."""
    from desktop.door_check import check_in
    from infrastructure.bootstrap import OfflineServices, bootstrap_door

    config = resolve(args.data, args.store, encrypt=getattr(args, "encrypt", False))
    check_before_opening(config)
    services = bootstrap_door(config, staff=args.staff or "office")
    offline = isinstance(services, OfflineServices)
    try:
        if getattr(args, "as_staff", None):
            if isinstance(services, OfflineServices):
                raise HouselightsError(
                    "The shared store does not answer, so your sign-in cannot be checked. "
                    "Check tickets in without --as, or wait for the network."
                )
            services.app.sign_in(args.as_staff, **sign_in_secret())
        if not isinstance(services, OfflineServices):
            # the role is checked by the service; a damaged store is not written
            from eventsourcing.persistence import PersistenceError

            from desktop.cli_backups import backup_folders
            from infrastructure.backups import start_page_check

            # the server stopped answering: the door decides from its own copy
            with contextlib.suppress(ServerProblem, PersistenceError):
                services.app.reads.require(args.permission)
            _PAGE_CHECKS.append(start_page_check(services, backup_folders(config)))
        result = check_in(services, args.code, args.performance, args.door)
    except BaseException:
        _close_door_services(services, offline)
        raise
    _close_door_services(services, offline or result.offline)
    if args.json:
        print(json.dumps(result.to_json()))
    else:
        print(f"{result.verdict.replace('_', ' ').upper()}: {result.message}")
        if result.patron is not None:
            print(f"  {result.patron.greeting}")
        if result.offline:
            print(
                f"  Offline — {_count(result.queued, 'scan')} waiting "
                "(houselights sync sends them)."
            )
    return 0 if result.verdict == "admit" else 1


def _close_door_services(services, offline: bool) -> None:
    """Close what a door opened; with a store that does not answer, only the door's own
    files (closing the connection pool would wait for the server)."""
    if offline:
        services.door().close()
    else:
        services.close()


def cmd_sync(args) -> int:
    """Send the scans an offline door queued: {"sent", "conflicts", "left"}."""
    from infrastructure.offline_door import StoreUnreachable, SyncResult

    config = resolve(args.data, args.store, encrypt=getattr(args, "encrypt", False))
    if config.kind != "postgresql":
        print(
            json.dumps(SyncResult(0, 0, 0).to_json())
            if args.json
            else "This workstation's store is on this computer: there is nothing to send."
        )
        return 0
    from eventsourcing.persistence import PersistenceError

    try:
        services = _services(args, catch_up=False)
    except (PersistenceError, ServerProblem) as error:  # the server does not answer
        if isinstance(error, ServerProblem) and error.kind != "unreachable":
            raise
        from infrastructure.door_queue import DoorQueue

        queue = DoorQueue(config.door_queue_path)
        left = queue.waiting()
        queue.close()
        problem = StoreUnreachable(left, type(error).__name__)
        if not args.json:
            raise problem from error
        print(json.dumps({**SyncResult(0, 0, left).to_json(), "error": str(problem)}))
        return 1
    error_words = ""
    try:
        result = services.door().sync()
        services.runner.catch_up()
    except StoreUnreachable as error:
        if not args.json:
            raise
        result, error_words = SyncResult(0, 0, error.waiting), str(error)
    finally:
        services.close()
    if args.json:
        shown: dict[str, Any] = result.to_json()
        print(json.dumps({**shown, "error": error_words} if error_words else shown))
    else:
        print(
            f"Sent {_count(result.sent, 'queued scan')}"
            f" ({result.conflicts:,} recorded as conflicts: double entries or tickets"
            f" no longer valid); "
            f"{result.left:,} still waiting."
        )
    return 0 if result.left == 0 else 1


def _local(iso_text: str) -> str:
    """A moment as every screen writes it (the organization's country, clock and zone)."""
    from desktop import formatting

    return formatting.moment(iso_text)


def cmd_performances(args) -> int:
    from desktop.formatting import money
    from projections import box_office

    include_past = not args.upcoming
    rows = _read_models(
        args,
        Permission.SEE_PERFORMANCES,
        lambda db: box_office.performances(db, include_past=include_past),
    )
    keys = ("id", "title", "starts_at", "capacity", "sold", "admitted")
    if args.json:
        print(json.dumps([{k: r[k] for k in keys} for r in rows]))
        return 0
    print(f"{'Starts':<27} {'Title':<30} {'Sold':>11} {'Admitted':>8} {'Revenue':>12}  Id")
    for r in rows:
        sold = f"{r['sold']}/{r['capacity']}"
        print(
            f"{_local(r['starts_at']):<27} {r['title'][:30]:<30} {sold:>11} "
            f"{r['admitted']:>8} {money(r['revenue_cents']):>12}  {r['id']}"
        )
    print(f"{len(rows)} performances")
    return 0


def cmd_tickets(args) -> int:
    from domain.errors import PerformanceNotFound
    from projections import box_office

    def read(db):
        performance = box_office.performance(db, args.performance)
        if performance is None:
            raise PerformanceNotFound(args.performance)
        return performance, box_office.tickets(db, args.performance)

    performance, rows = _read_models(args, Permission.READ_TICKETS, read)
    if args.json:
        print(json.dumps([{k: r[k] for k in ("code", "patron_id", "status")} for r in rows]))
        return 0
    print(f"{performance['title']}, {_local(performance['starts_at'])}")
    for r in rows:
        print(
            f"{r['code']:<14} {r['status']:<10} {r['price_level']:<14} "
            f"{r['patron_id'] or '(no name)'}"
        )
    print(f"{len(rows)} tickets")
    return 0


def cmd_report_ladder(args) -> int:
    """Patrons per rung now, by the rules the ladder was last worked out with."""
    from desktop import formatting
    from projections import ladder

    counts = _read_models(args, Permission.READ_REPORTS, ladder.rung_counts)
    if args.json:
        print(json.dumps(counts))
        return 0
    total = sum(counts.values())
    for rung, n in counts.items():
        share = formatting.percent(n / total) if total else "-"
        print(f"{rung.capitalize():<12} {n:>8,} {share:>5}")
    print(f"{'Everyone':<12} {total:>8,}")
    return 0


def add_duplicate_commands(sub) -> None:
    duplicates = sub.add_parser("duplicates", help="likely duplicate patrons, with the reasons")
    duplicates.add_argument("--json", action="store_true")
    merge = sub.add_parser(
        "merge", help="merge a duplicate patron into the one that stays (undo with unmerge)"
    )
    merge.add_argument("duplicate", metavar="DUPLICATE", help="id of the record merged away")
    merge.add_argument("survivor", metavar="SURVIVOR", help="id of the record that stays")
    merge.add_argument("--json", action="store_true")
    unmerge = sub.add_parser("unmerge", help="undo a merge: both patrons as they were before")
    unmerge.add_argument("duplicate", metavar="DUPLICATE", help="id of the merged record")
    unmerge.add_argument("--json", action="store_true")


def cmd_duplicates(args) -> int:
    from projections import duplicates

    pairs = _read_models(args, Permission.READ_PATRONS, duplicates.candidates)
    keys = ("a", "b", "a_name", "b_name", "reasons")
    if args.json:
        print(json.dumps([{k: p[k] for k in keys} for p in pairs]))
        return 0
    for p in pairs:
        print(
            f"{p['a_name']:<28} {p['b_name']:<28} {', '.join(p['reasons']):<18} {p['a']} {p['b']}"
        )
    print(f"{len(pairs)} likely duplicate pairs")
    return 0


def _merge_result(args, result: MergeResult | UnmergeResult, text: str) -> int:
    print(json.dumps(result.to_json()) if args.json else text)
    return 0


def cmd_merge(args) -> int:
    services = _services(args, catch_up=False)
    try:
        result = services.app.merge_patrons(args.duplicate, args.survivor)
        name = services.app.get_patron(args.survivor).name
    finally:
        services.close()
    return _merge_result(
        args, result, f"Merged into {name}. Undo with: houselights unmerge {result.merged}"
    )


def cmd_unmerge(args) -> int:
    services = _services(args, catch_up=False)
    try:
        result = services.app.unmerge_patron(args.duplicate)
        name = services.app.get_patron(args.duplicate).name
    finally:
        services.close()
    return _merge_result(args, result, f"{name} is a separate patron again.")


def cmd_report_attendance(args) -> int:
    """``[{"id", "title", "starts_at", "capacity", "sold", "admitted", "no_shows",
    "no_show_rate"}]`` for every performance that has started (rate 0..1, or null)."""
    from desktop import formatting
    from projections import reports

    rows = _read_models(args, Permission.READ_REPORTS, reports.attendance)
    if args.json:
        print(json.dumps(rows))
        return 0
    print(f"{'Starts':<27} {'Title':<30} {'Sold':>6} {'Admitted':>8} {'No-shows':>9}")
    for r in rows:
        rate = "" if r["no_show_rate"] is None else formatting.percent(r["no_show_rate"])
        print(
            f"{_local(r['starts_at']):<27} {r['title'][:30]:<30} {r['sold']:>6} "
            f"{r['admitted']:>8} {rate:>9}"
        )
    print(f"{len(rows)} performances")
    return 0


def add_erase_parser(sub) -> None:
    erase = sub.add_parser(
        "erase", help="erase a patron's personal data for good (counts and revenue stay)"
    )
    erase.add_argument("patron_id", metavar="PATRON_ID")
    erase.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    erase.add_argument("--json", action="store_true")


def cmd_erase(args) -> int:
    """Erase a patron's name, contact details, notes and chats from every file."""
    from infrastructure.erasure import erase_patron

    services = _services(args, catch_up=True)
    try:
        # A record merged into another is erased with that patron: ask for their name.
        records = services.app.erasure_records(args.patron_id)
        patron = services.app.get_patron(records[0])
        if not args.yes:
            if not sys.stdin.isatty():
                print(
                    "houselights: erasing cannot be undone; add --yes to confirm.", file=sys.stderr
                )
                return 1
            print(
                f"This erases the name, contact details, notes, calls, chats and "
                f"follow-ups of {patron.name} for good. Sales and visits stay "
                "counted."
            )
            others = len(records) - 1
            if others:
                print(
                    "The record merged into it is the same person: it is erased too."
                    if others == 1
                    else f"The {others:,} records merged into it are the same person: they "
                    "are erased too."
                )
            answer = input(f"Type the patron's name ({patron.name}) to confirm: ")
            if answer.strip().casefold() != patron.name.strip().casefold():
                print("houselights: the name did not match; nothing was erased.", file=sys.stderr)
                return 1
        from desktop.cli_backups import backup_folders

        config = services.config
        result = erase_patron(
            services.app,
            services.runner,
            args.patron_id,
            progress=_progress("Read models"),
            data_dir=config.data_dir,
            backup_folders=backup_folders(config) if config.kind == "sqlite" else [],
        )
    finally:
        services.close()
    if sys.stderr.isatty():
        print(file=sys.stderr)
    if args.json:
        print(json.dumps(result.to_json()))
    else:
        also = len(result.records) - 1
        merged = f" and {counted(also, 'record', 'records')} merged into it" if also else ""
        print(
            f"Erased the personal data of patron {result.patron_id}{merged}: "
            f"{result.events_redacted:,} stored events rewritten, read models rebuilt "
            f"in {result.seconds:.1f} s."
        )
        print_backups_erased(result.backups, result.patron_id)
    return 1 if result.backups.not_cleaned else 0


def print_backups_erased(found: CopiesCleaned, patron_id: str) -> None:
    """What an erasure did to the backups, and each copy it could not clean."""
    if found.cleaned or found.deleted:
        cleaned = counted(
            len(found.cleaned), "backup or set-aside store", "backups and set-aside stores"
        )
        deleted = counted(len(found.deleted), "read-model copy", "read-model copies")
        print(f"Cleaned {cleaned}; deleted {deleted}.")
    for item in found.not_cleaned:
        print(f"NOT cleaned: {item.path}: {item.reason}")
    if found.not_cleaned:
        print(
            "These still hold the patron's data: delete them, or once they can be "
            f"reached run again: houselights erase {patron_id} --yes"
        )


def add_encryption_parser(sub) -> None:
    enc = sub.add_parser("encryption", help="encryption at rest: status and the store's key")
    what = enc.add_subparsers(dest="action", metavar="ACTION", required=True)
    status = what.add_parser("status", help="whether the event store is encrypted")
    status.add_argument("--json", action="store_true")
    what.add_parser("export-key", help="print the key, to set up another workstation")
    what.add_parser("import-key", help="read a key from standard input (another workstation)")


def cmd_encryption(args) -> int:
    from infrastructure.encryption import EncryptionError, import_key, load_key, read_settings

    config = resolve(args.data, args.store)
    settings = read_settings(config.data_dir) or {}
    try:
        if args.action == "import-key":
            settings = import_key(config.data_dir, sys.stdin.readline())
            where = "system keyring" if settings["key_in"] == "keyring" else "data folder"
            print(f"This workstation now opens the encrypted store (key kept in the {where}).")
            return 0
        if args.action == "export-key":
            from desktop.cli_backups import authorize

            authorize(args, config)  # a manager only: the key opens everything
            if not settings.get("encrypted"):
                print("houselights: this event store is not encrypted.", file=sys.stderr)
                return 1
            print(load_key(config.data_dir, settings))
            return 0
    except EncryptionError as error:
        print(f"houselights: {error}", file=sys.stderr)
        return 1
    result = {"encrypted": bool(settings.get("encrypted")), "key_in": settings.get("key_in")}
    if args.json:
        print(json.dumps(result))
    elif result["encrypted"]:
        where = "the system keyring" if result["key_in"] == "keyring" else "the data folder"
        print(f"The event store is encrypted (AES-GCM); its key is kept in {where}.")
    else:
        print(
            "The event store is not encrypted. Encryption is chosen when a store is created "
            "(houselights --encrypt on a new data folder)."
        )
    return 0


def add_staff_parsers(sub) -> None:
    staff = sub.add_parser("staff", help="staff accounts and roles")
    what = staff.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = what.add_parser("add", help="create an account (the first one: a manager)")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", required=True, help="manager, box_office or door")
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the new account's password from standard input",
    )
    add.add_argument(
        "--pin-stdin", action="store_true", help="read a door PIN (4-8 digits) from standard input"
    )
    listing = what.add_parser("list", help="every account with its role")
    listing.add_argument("--json", action="store_true")
    role = what.add_parser("role", help="change an account's role")
    role.add_argument("name", metavar="NAME")
    role.add_argument("role", metavar="ROLE")
    off = what.add_parser("deactivate", help="stop an account from signing in")
    off.add_argument("name", metavar="NAME")
    unlock = what.add_parser(
        "unlock", help="let an account locked after wrong passwords or PINs sign in again"
    )
    unlock.add_argument("name", metavar="NAME")
    audit = sub.add_parser("audit", help="who did what, when, from which workstation")
    audit.add_argument("--search", default="", metavar="TEXT")
    audit.add_argument("--limit", type=whole_number(1, MAX_LIMIT), default=200)
    audit.add_argument("--json", action="store_true")


def _new_secret(label: str, from_stdin: bool) -> str:
    from domain.errors import ValidationError

    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    if not sys.stdin or not sys.stdin.isatty():
        raise ValidationError(
            "password",
            "There is no terminal to ask for the password: pipe it in with "
            "--password-stdin (or a door PIN with --pin-stdin). Nothing was saved.",
        )
    import getpass

    first = getpass.getpass(f"{label} for the new account: ")
    if getpass.getpass(f"{label} again: ") != first:
        raise ValidationError("password", f"The two {label.lower()}s differ; nothing was saved.")
    return first


def cmd_staff(args) -> int:
    from domain.roles import ROLE_LABELS, check_role

    services = _services(args, catch_up=False)
    try:
        app = services.app
        if args.action == "add":
            role = check_role(args.role)
            pin = _new_secret("Door PIN", True) if args.pin_stdin else None
            wants_password = args.password_stdin or not args.pin_stdin
            password = _new_secret("Password", args.password_stdin) if wants_password else None
            app.add_staff(args.name, role, password=password, pin=pin)
            print(f"Added {args.name.strip()} ({ROLE_LABELS[role]}).")
            return 0
        if args.action == "role":
            app.change_staff_role(args.name, args.role)
            print(f"{args.name} is now {ROLE_LABELS[check_role(args.role)]}.")
        elif args.action == "deactivate":
            app.deactivate_staff(args.name)
            print(f"{args.name} can no longer sign in.")
        elif args.action == "unlock":
            if app.unlock_staff(args.name):
                print(f"{args.name} can sign in again.")
            else:
                print(f"{args.name} was not locked.")
        else:
            members = app.list_staff()
            if args.json:
                print(json.dumps([m.to_json() for m in members]))
            else:
                for m in members:
                    state = "" if m.active else "  (deactivated)"
                    state += "  (locked: houselights staff unlock)" if m.locked else ""
                    print(f"{m.name:<30} {ROLE_LABELS.get(m.role, m.role)}{state}")
    finally:
        services.close()
    return 0


def cmd_audit(args) -> int:
    from projections import audit

    rows = _read_models(
        args, Permission.SEE_AUDIT, lambda db: audit.rows(db, args.search, limit=args.limit)
    )
    if args.json:
        print(json.dumps(rows))
        return 0
    for r in rows:
        print(
            f"{_local(r['occurred_at']):<27} {r['recorded_by'][:20]:<20} "
            f"{r['workstation'][:18]:<18} {r['action']}"
        )
    return 0


def cmd_report_thank_yous(args) -> int:
    """``{"attendees": {...}, "donors": {...}}``, each with waiting, thanked, week_over
    (due at least 7 days ago), thanked_within_7_days and share_within_7_days (0..1, or
    null while no row's week is over), as on the Thank-yous screen."""
    from desktop import formatting
    from projections import thank_yous

    figures = _read_models(args, Permission.READ_REPORTS, thank_yous.promptness)
    if args.json:
        print(json.dumps(figures))
        return 0
    for label, part in figures.items():
        share = part["share_within_7_days"]
        within = (
            "no week over yet"
            if share is None
            else (
                f"{formatting.percent(share)} of {formatting.number(part['week_over'])}"
                " thanked within 7 days"
            )
        )
        print(
            f"{label.capitalize()}: {part['waiting']:,} waiting, {part['thanked']:,} "
            f"thanked; {within}"
        )
    return 0


def cmd_report_double_entries(args) -> int:
    """``[{"performance_id", "code", "first_door", "first_at", "first_workstation",
    "second_door", "second_at", "second_workstation"}]``: the admission that stands
    (the earliest) and the other one, for tickets used twice while a door was offline."""
    from projections import door

    rows = _read_models(
        args, Permission.READ_REPORTS, lambda db: door.double_entries(db, args.performance)
    )
    if args.json:
        print(json.dumps(rows))
        return 0
    for r in rows:
        print(
            f"{r['code']}: {r['first_door']} at {_local(r['first_at'])}"
            f" ({r['first_workstation']}), again at {r['second_door']}"
            f" at {_local(r['second_at'])} ({r['second_workstation']})"
        )
    print(f"{len(rows)} double entr{'y' if len(rows) == 1 else 'ies'}")
    return 0


REPORT_COMMANDS = {
    "ladder": cmd_report_ladder,
    "double-entries": cmd_report_double_entries,
    "attendance": cmd_report_attendance,
    "thank-yous": cmd_report_thank_yous,
    "support": lambda args: cmd_report_support(args, _services),
}


def cmd_report(args) -> int:
    return REPORT_COMMANDS[args.report](args)


def cmd_gui(args) -> int:
    from desktop.app import run_gui

    return run_gui(resolve(args.data, args.store, encrypt=args.encrypt), staff=args.staff)


def cmd_screenshots(args) -> int:
    from desktop.screenshots import PROBLEMS, parse_size, render_all

    try:
        size = parse_size(args.size)
    except ValueError as error:
        print(f"houselights: --size: {error}", file=sys.stderr)
        return 2
    if not 0.5 <= args.scale <= 4:
        print(
            "houselights: --scale: give the display scaling as a number such as 1.25 or 1.5.",
            file=sys.stderr,
        )
        return 2
    for path in render_all(
        args.out, patrons=args.patrons, size=size, scale=args.scale, dark=args.dark
    ):
        print(path)
    problems = PROBLEMS
    for problem in problems:
        print(f"does not fit: {problem}", file=sys.stderr)
    return 1 if problems else 0


def cmd_smoke(args) -> int:
    """``--smoke``: exit 0 only when the window opened and the door admitted a ticket."""
    from desktop.smoke import SmokeFailed, run_smoke

    try:
        result = run_smoke(report=lambda line: print(f"smoke: {line}", flush=True))
    except SmokeFailed as failure:
        print(f"houselights: smoke test failed: {failure}", file=sys.stderr)
        return 1
    except Exception as error:  # noqa: BLE001 - anything else is a failed smoke run too
        import traceback

        traceback.print_exc()
        print(f"houselights: smoke test failed: {error!r}", file=sys.stderr)
        return 1
    print(f"smoke test passed: {result['shown']} at the door ({result['events']:,} events)")
    return 0


#: what each command needs (``domain/roles.py``); the service checks it for the role in
#: force. None: no check (the window signs in itself; ``check`` only reads the files
#: read-only and must work when the store cannot be opened; a key import only adds a key)
COMMAND_PERMISSIONS: dict[str, str | None] = {
    "gui": None,
    "screenshots": None,
    "check": None,
    "demo": Permission.DEMO,
    "rebuild": Permission.REBUILD,
    "status": Permission.SEE_STATUS,
    "patrons": Permission.READ_PATRONS,
    "import": Permission.IMPORT,
    "check-in": Permission.DOOR_CHECK,
    "performances": Permission.SEE_PERFORMANCES,
    "tickets": Permission.READ_TICKETS,
    "report": Permission.READ_REPORTS,
    "duplicates": Permission.READ_PATRONS,
    "merge": Permission.EDIT_PATRONS,
    "unmerge": Permission.EDIT_PATRONS,
    "erase": Permission.ERASE,
    "staff": Permission.MANAGE_STAFF,
    "audit": Permission.SEE_AUDIT,
    "backup": Permission.BACKUP,
    "restore": Permission.RESTORE,
    "backups": Permission.LIST_BACKUPS,
    "encryption": None,
    "rota": Permission.SEE_STATUS,
    "sync": Permission.DOOR_CHECK,
    "setup": Permission.ORGANIZATION,
    "timeline": Permission.READ_PATRONS,
}


def command_permission(args) -> str | None:
    """The permission ``args`` need, from the table (with the two cases options decide)."""
    if args.smoke:
        return None
    name = args.command or "gui"
    if name == "encryption":
        return Permission.EXPORT_KEY if args.action == "export-key" else None
    if name == "backup" and args.with_read_models:
        return Permission.BACKUP_READ_MODELS
    if name == "report" and args.report == "support":
        return Permission.READ_SUPPORT
    if name == "rota" and args.action:  # add, remove: a manager's job
        return Permission.MANAGE_ROTA
    return COMMAND_PERMISSIONS[name]


COMMANDS = {
    "screenshots": cmd_screenshots,
    "gui": cmd_gui,
    "demo": cmd_demo,
    "rebuild": cmd_rebuild,
    "status": cmd_status,
    "setup": cmd_setup,
    "patrons": cmd_patrons,
    "timeline": cmd_timeline,
    "import": cmd_import,
    "check-in": cmd_check_in,
    "sync": cmd_sync,
    "performances": cmd_performances,
    "tickets": cmd_tickets,
    "report": cmd_report,
    "duplicates": cmd_duplicates,
    "merge": cmd_merge,
    "unmerge": cmd_unmerge,
    "erase": cmd_erase,
    "encryption": cmd_encryption,
    "staff": cmd_staff,
    "audit": cmd_audit,
    **BACKUP_COMMANDS,
    "rota": lambda args: cmd_rota(args, _services),
}


def _database_errors() -> tuple[type[Exception], ...]:
    """sqlite3's database errors and eventsourcing's wrapping of them (eventsourcing's
    persistence module is imported when an error is looked at, not at start-up)."""
    from eventsourcing.persistence import PersistenceError

    return (sqlite3.DatabaseError, PersistenceError)


def _shared_store_message(args, error: BaseException) -> str | None:
    """For a shared store, what went wrong with its server; never "restore a backup"."""
    from infrastructure.config import postgres_env
    from infrastructure.shared_store import describe_error, server_of

    store = args.store if args.store is not None else os.environ.get("HOUSELIGHTS_STORE", "")
    if not store or store.strip() in ("sqlite", "local"):
        return None
    try:
        env = postgres_env(store.strip())
    except StoreConfigError:
        return None
    problem = describe_error(error, env)
    if problem is not None:
        return str(problem)
    return (
        f"the server at {server_of(env)} reported an error ({error}). Nothing was "
        "changed. Try again; if it keeps happening, ask whoever looks after the server."
    )


def main(argv: list[str] | None = None) -> int:
    """Run one command; the exit status says how it went (docs/guide/command-line.md):
    0 done, 1 refused or left undone, 2 bad input or settings, 3 the store is damaged
    or missing, 4 the data folder, encryption settings or key are not usable, 5 the
    server cannot be reached, 70 an unexpected error (details in the log, never a
    traceback on the screen)."""
    restrict_new_files()
    args = build_parser().parse_args(argv)
    args.permission = command_permission(args)
    command = cmd_smoke if args.smoke else COMMANDS[args.command or "gui"]
    _PAGE_CHECKS.clear()
    _BEGUN_CHECKS.clear()  # (one left by a command that stopped before opening the store)
    try:
        code = command(args)
        damaged = _page_check_verdict()
        if damaged is not None:
            raise damaged
        return code
    except StoreConfigError as error:
        print(f"houselights: {error}", file=sys.stderr)
        return getattr(error, "exit_status", 2)
    except ServerProblem as error:  # the shared store's server: unreachable or refusing
        print(
            f"houselights: {error}{_DOOR_GOES_ON if error.kind == 'unreachable' else ''}",
            file=sys.stderr,
        )
        return 5
    except HouselightsError as error:  # DamagedStore and friends carry their own status
        print(f"houselights: {error}", file=sys.stderr)
        return getattr(error, "exit_status", 1)
    except _database_errors() as error:  # eventsourcing wraps sqlite3's
        shared = _shared_store_message(args, error)
        if shared:
            if _shared_store_unreachable(args, error):
                shared += _DOOR_GOES_ON
            print(f"houselights: {shared}", file=sys.stderr)
            return 5
        explained = explain_store_error(args, error)
        print(f"houselights: {explained}", file=sys.stderr)
        return getattr(explained, "exit_status", 3)
    except PermissionError as error:
        print(f"houselights: {read_only_message(error)}", file=sys.stderr)
        return 4
    except KeyboardInterrupt:
        print("houselights: stopped.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader stopped listening (e.g. piped into head)
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (closed by the interpreter at exit)
        return 0
    except Exception as error:  # noqa: BLE001 - no traceback reaches the user
        where = log_unexpected(args, error)
        print(
            f"houselights: something went wrong that Houselights did not expect "
            f"({type(error).__name__}: {error}). {where}",
            file=sys.stderr,
        )
        return 70


def end_process(code: int) -> NoReturn:
    """End this process with ``code`` without taking the interpreter apart.

    After a big import the interpreter's own exit spent about 0.2 s freeing, one by
    one, the objects the command made (caches of ids, dates and people), which the
    operating system takes back at once. Everything an exit must do is still done
    first: what was written to the screen is flushed and the exit handlers run (the
    log's, multiprocessing's, temporary folders'); every store was closed by the
    command itself, and a commit is in the file either way. The ordinary exit is taken
    when a thread that is not a daemon still runs (it waits for it), when a Qt
    window was opened (Qt keeps its settings as it is taken apart) or when the screen
    cannot be flushed."""
    others = [t for t in threading.enumerate() if t is not threading.main_thread()]
    windowed = "PySide6.QtGui" in sys.modules or "PySide6.QtWidgets" in sys.modules
    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)
    if windowed or run_exit_handlers is None or any(not t.daemon for t in others):
        sys.exit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe or stream: the ordinary exit says so
        sys.exit(code)
    run_exit_handlers()
    with contextlib.suppress(OSError, ValueError):
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code)


def run() -> NoReturn:
    """The ``houselights`` program (its console script and ``python -m desktop.cli``):
    ``main()``, then the process ends (``end_process``)."""
    end_process(main())


if __name__ == "__main__":
    run()
