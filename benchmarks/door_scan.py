"""Measure scan-to-verdict through the real door view on a generated store; prints figures.

    uv run python benchmarks/door_scan.py                       # defaults below (~2 minutes)
    uv run python benchmarks/door_scan.py --patrons 100000 --tickets 250000   # DESIGN.md size

The store is generated through the application service (patrons, a season of
performances, sales, a third of the tickets already scanned, subscriptions
and donations for the greeting cues), the read models catch up, then the main
window opens offscreen on the door of the busiest performance. Each scan is
typed as a USB scanner does (the code's keys, then Enter) into the focused
field; the window's scanner filter hands the burst to the door, which checks it
on the writer worker (off the GUI thread); the time runs from the first key
until the verdict has come back as a signal and the panel has been painted with
it (and, on ADMIT, the greeting); the read models' catch-up that follows the
verdict is waited for between two scans, untimed. The mix of codes is what a door sees: mostly
valid tickets, some already admitted, some for another night, some unknown.
Target (DESIGN.md): p99 under 20 ms.

Not a test: nothing here asserts; the figures are printed for the reader.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from domain.ticket_codes import new_code  # noqa: E402
from infrastructure.bootstrap import bootstrap  # noqa: E402
from infrastructure.config import resolve  # noqa: E402
from projections import door  # noqa: E402

FIRST = ("Ada", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas")
LAST = ("Abbott", "Baker", "Chen", "Dubois", "Eriksson", "Fischer", "Garcia", "Haddad")
TAGS = ("opera", "jazz", "ballet", "chamber music", "family shows", "new writing")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def peak_mb() -> float:
    """This process's peak resident memory (since ``reset_peak``, where Linux allows)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak() -> None:
    """Start the peak over from the memory in use now (Linux: ``clear_refs`` 5)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def generate(app, patrons: int, performances: int, tickets: int, seed: int) -> dict:
    """A season: returns tonight's id, its unscanned and scanned codes, other nights' codes."""
    rng = random.Random(seed)
    now = datetime.now(tz=UTC)
    started = time.perf_counter()
    with app.batch(size=50_000):
        ids = [
            app.register_patron(
                rng.choice(FIRST),
                rng.choice(LAST),
                tags=rng.sample(TAGS, rng.randint(0, 2)),
                occurred_at=now - timedelta(days=rng.uniform(30, 2000)),
                allow_duplicate=True,
            )
            for _ in range(patrons)
        ]
    print(f"  patrons: {patrons:,} in {time.perf_counter() - started:.1f} s", flush=True)

    production = app.create_production("A season of opera")
    capacity = max(200, tickets // performances + 50)
    tonight_at = datetime.now().astimezone().replace(hour=19, minute=30, second=0, microsecond=0)
    # Tonight is the big night: a tenth of all tickets, enough to scan fresh all run.
    big = max(capacity, tickets // 10 + 50)
    shows = [
        app.schedule_performance(
            production,
            tonight_at + timedelta(days=d - performances // 2),
            big if d == performances // 2 else capacity,
            {"Adult": 3200, "Student": 1500},
            venue="Main hall",
        )
        for d in range(performances)
    ]
    tonight = shows[performances // 2]
    room = {s: (big if s == tonight else capacity) for s in shows}
    by_show: dict[str, list[str]] = {s: [] for s in shows}
    sold = 0
    started = time.perf_counter()
    with app.batch(size=50_000):
        while sold < tickets:
            show = tonight if rng.random() < 0.1 else rng.choice(shows)
            if len(by_show[show]) + 4 > room[show]:
                continue
            n = rng.choice((1, 2, 2, 2, 3, 4))
            sale = app.sell_tickets(
                show,
                {"Adult": n},
                patron_id=rng.choice(ids),
                occurred_at=now - timedelta(days=rng.uniform(1, 90)),
            )
            by_show[show].extend(sale.codes)
            sold += n
    print(f"  tickets: {sold:,} in {time.perf_counter() - started:.1f} s", flush=True)

    started = time.perf_counter()
    scanned: set[str] = set()
    with app.batch(size=50_000):
        for show in shows:
            codes = by_show[show]
            past = show != tonight and shows.index(show) < performances // 2
            share = 0.9 if past else (0.3 if show == tonight else 0.0)
            for code in codes[: int(len(codes) * share)]:
                app.scan(
                    code,
                    show,
                    rng.choice(("North door", "South door")),
                    occurred_at=now - timedelta(minutes=30) if show == tonight else None,
                )
                scanned.add(code)
        for patron in rng.sample(ids, min(len(ids), patrons // 20)):
            app.record_donation(patron, rng.choice((2500, 5000, 10000)))
    print(f"  scans and donations in {time.perf_counter() - started:.1f} s", flush=True)
    return {
        "tonight": tonight,
        "fresh": [c for c in by_show[tonight] if c not in scanned],
        "admitted": [c for c in by_show[tonight] if c in scanned],
        "elsewhere": [c for s in shows if s != tonight for c in by_show[s][:50]],
        "tickets": sold,
    }


def scan_through_view(
    qt,
    view,
    tonight: str,
    fresh: list[str],
    admitted: list[str],
    elsewhere: list[str],
    scans: int,
    seed: int,
    app=None,
    cpu: dict[str, list[float]] | None = None,
    ready_between: bool = True,
) -> dict[str, list[float]]:
    """Type ``scans`` codes into the door view as a USB scanner does; seconds per verdict.

    The mix is a door's: 80 % fresh tickets, 10 % already admitted, 5 % for
    another night, 5 % unknown codes. Each time runs from the first key until
    the event loop has painted the verdict panel with it (what the door does
    after a verdict, layout included, before that paint). Between two patrons,
    untimed, the read models catch up and (``ready_between``, as at a real door
    where the verdict goes back to "Ready to scan" after a few seconds) the panel
    shows "Ready to scan" again, so each verdict is a change of colour. Returns
    the timings by verdict, plus ``"app.scan"``: the service alone (a refused
    re-scan every tenth scan) when ``app`` is given. When ``cpu`` is given it
    receives the same by verdict in CPU seconds of this process (what a machine
    shared with other work does not inflate).
    """
    from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QWidget

    from desktop.views.door.door import DoorNotice
    from domain.door_service import ScanResult

    rng = random.Random(seed + 1)
    fresh, admitted = list(fresh), list(admitted)
    rng.shuffle(fresh)
    field = view.code_field
    shown: list[object] = []
    view.verdict_shown.connect(shown.append)

    class PaintWatch(QObject):
        """Notes a paint of the verdict panel (or anything on it) once a verdict is shown."""

        painted = False

        def eventFilter(self, _obj, event):  # noqa: N802 (Qt API)
            if event.type() == QEvent.Type.Paint and len(shown) > before:
                self.painted = True
            return False

    watch = PaintWatch()
    before = 0
    for widget in (view.panel, *view.panel.findChildren(QWidget)):
        widget.installEventFilter(watch)
    field.setFocus()
    qt.processEvents()
    timings: dict[str, list[float]] = {}
    domain_only: list[float] = []
    for n in range(scans):
        roll = rng.random()
        if roll < 0.80 and fresh:
            code = fresh.pop()
        elif roll < 0.90 and admitted:
            code = rng.choice(admitted)
        elif roll < 0.95 and elsewhere:
            code = rng.choice(elsewhere)
        else:
            code = new_code()
        before = len(shown)
        watch.painted = False
        started, started_cpu = time.perf_counter(), time.process_time()
        QTest.keyClicks(field, code)
        QTest.keyClick(field, Qt.Key.Key_Return)
        writer = getattr(view, "writer", None)  # (None: a door that checks on the GUI thread)
        while len(shown) == before and writer is not None and writer.pending:
            qt.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)  # the verdict
        # the verdict is on screen, not just decided: the event loop paints it as the
        # app would (the panel's layout and paint, whatever else is due first)
        if view.panel.isVisible():
            while not watch.painted:
                qt.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        elapsed = time.perf_counter() - started
        used = time.process_time() - started_cpu
        last = view.last_result
        verdict = last.verdict if isinstance(last, ScanResult | DoorNotice) else "none"
        # untimed, before the next patron: the read models catch up with the scan (after
        # its paint), the house count follows
        while writer is not None and (getattr(view, "busy", False) or writer.pending):
            qt.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        if cpu is not None:
            cpu.setdefault(verdict, []).append(used)
        if verdict == "admit":
            admitted.append(code)
        timings.setdefault(verdict, []).append(elapsed)
        qt.processEvents()  # the house count refresh, between two patrons
        if ready_between:  # patrons come seconds apart: the verdict went back to "Ready"
            view.show_ready()
            qt.processEvents()
        if app is not None and n % 10 == 0 and admitted:
            started = time.perf_counter()
            app.scan(rng.choice(admitted), tonight, "Bench door")
            domain_only.append(time.perf_counter() - started)
    if domain_only:
        timings["app.scan"] = domain_only
    return timings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patrons", type=int, default=30_000)
    parser.add_argument("--tickets", type=int, default=60_000)
    parser.add_argument("--performances", type=int, default=40)
    parser.add_argument("--scans", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--profile",
        metavar="FILE",
        help="run the scans under cProfile and write its statistics to FILE "
        "(read them with python -m pstats FILE); the figures then include the profiler",
    )
    parser.add_argument(
        "--data",
        help="data folder (default: a temporary one); a folder holding a season generated "
        "before (door-season.json) is scanned again without generating (copy it first: "
        "scans change it)",
    )
    args = parser.parse_args(argv)

    from desktop.app import application, create_main_window

    with tempfile.TemporaryDirectory(prefix="houselights-door-bench-") as tmp:
        config = resolve(args.data or tmp)
        saved = Path(config.data_dir) / "door-season.json"
        services = bootstrap(config, catch_up=False, workstation="door-bench")
        try:
            if saved.exists():
                season = json.loads(saved.read_text())
                print(f"Scanning the season generated before in {config.data_dir}")
            else:
                print(f"Generating in {config.data_dir} …", flush=True)
                season = generate(
                    services.app, args.patrons, args.performances, args.tickets, args.seed
                )
                season["patrons"] = args.patrons
                saved.write_text(json.dumps(season))
            print(f"Peak memory so far (generating, opening): {peak_mb():.0f} MB")
            reset_peak()
            started = time.perf_counter()
            services.runner.catch_up()
            print(f"  read models caught up in {time.perf_counter() - started:.1f} s")
            events = services.app.event_count()
            db = services.runner.db()
            count = door.house_count(db, season["tonight"])
            patrons = season.get("patrons", args.patrons)
            print(
                f"Store: {events:,} events, {patrons:,} patrons, {season['tickets']:,}"
                f" tickets, {args.performances} performances; tonight {count['sold']:,} sold,"
                f" {count['admitted']:,} already in"
            )

            qt = application()
            window = create_main_window(services)
            window.resize(1280, 800)
            window.show()
            window.show_area("door")
            view = window.door_view
            view.sounds.enabled = False
            view.choose_performance(season["tonight"])
            qt.processEvents()

            cpu: dict[str, list[float]] = {}
            profiler = cProfile.Profile() if args.profile else None
            if profiler is not None:
                profiler.enable()
            timings = scan_through_view(
                qt,
                view,
                season["tonight"],
                season["fresh"],
                season["admitted"],
                season["elsewhere"],
                args.scans,
                args.seed,
                app=services.app,
                cpu=cpu,
            )
            if profiler is not None:
                profiler.disable()
                profiler.dump_stats(args.profile)
                print(f"Profile (GUI thread only) written to {args.profile}")
            domain_only = timings.pop("app.scan", [0.0])

            every = [t for values in timings.values() for t in values]
            print(f"\nScan to verdict on screen, {len(every):,} scans through the door view:")
            print(
                f"  p50 {ms(percentile(every, 0.5))}  p90 {ms(percentile(every, 0.9))}"
                f"  p95 {ms(percentile(every, 0.95))}  p99 {ms(percentile(every, 0.99))}"
                f"  max {ms(max(every))}"
                f"  (target p99 < 20 ms)"
            )
            used = [t for values in cpu.values() for t in values]
            print(
                f"  CPU of this process over the same spans: p50 {ms(percentile(used, 0.5))}"
                f"  p95 {ms(percentile(used, 0.95))}  p99 {ms(percentile(used, 0.99))}"
                f"  (both threads; what other work on the machine does not inflate)"
            )
            for verdict, values in sorted(timings.items()):
                print(
                    f"  {verdict:<18} n={len(values):>5}  p50 {ms(statistics.median(values))}"
                    f"  p99 {ms(percentile(values, 0.99))}"
                )
            print(
                f"app.scan alone (refused re-scans): p50 {ms(statistics.median(domain_only))}"
                f"  p99 {ms(percentile(domain_only, 0.99))}"
            )
            print(f"Peak memory while catching up and scanning: {peak_mb():.0f} MB")
            window.shutdown()
            window.close()
        finally:
            services.close()


if __name__ == "__main__":
    main()
