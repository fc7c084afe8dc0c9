"""The benchmark suite: every DESIGN.md target measured in one run; a table and JSON.

    uv run python -m benchmarks                  # the design size (100,000 patrons)
    uv run python -m benchmarks --quick          # a small organization, a minute or two
    uv run python -m benchmarks --size 100k --json /tmp/figures.json

The organization comes from ``benchmarks/organization.py`` (generated once
per seed and size, then cached) and is copied to a scratch folder, so the
cached store is never changed. In order, on that copy:

1. **rebuild**: every read model from zero, then raw SQLite inserts of the
   same rows into the same schema in as many transactions, and their ratio
   (see ``benchmarks/rebuild.py`` for what "equivalent rows" means);
2. **search as you type**: every prefix of names and emails of sampled
   patrons, through ``patron_search.search`` as the patron list calls it;
3. **timeline**: the busy patron (2,000 interactions) opened in the real
   patron page (and the read-model query alone);
4. **append one interaction**: ``app.add_note`` on a random patron, the
   projections brought up to date before it returns (as in the app);
5. **scan to verdict** through the real door view (``door_scan.py``'s
   scanner simulation) on the upcoming performance with most tickets: from the
   first key until the event loop has painted the verdict, each verdict shown
   from "Ready to scan" as at a real door (docs/performance.md, *The door: scan
   to painted verdict*);
6. **sales import**: an Eventbrite-style export into this organization;
7. **cold start**: a fresh process until the main window is shown and usable,
   and its peak memory (``benchmarks/session.py``), three times, after one start
   that is not counted: as in an installed app, Python's compiled modules are
   kept (a machine that sets ``PYTHONDONTWRITEBYTECODE`` would otherwise have
   every start compile the whole app again; the installers ship them compiled);
8. **memory growth** (unless ``--no-growth``): peak memory of a rebuild and of
   a session, each in its own process, on the 10k and 100k organizations and
   on this one.

Nothing is asserted: figures are printed and written as JSON. The machine
may be shared; compare figures within one run, and see ``noise`` in the JSON
(the spread of repeated measurements).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from benchmarks import organization, rebuild  # noqa: E402
from benchmarks.session import peak_rss_mb  # noqa: E402

#: (key, label, unit, target text, met(value) or None)
TARGETS = {
    "scan_p99_ms": ("p99 < 40 ms", lambda v: v < 40),
    "search_p99_ms": ("p99 < 20 ms", lambda v: v < 20),
    "timeline_open_ms": ("< 50 ms", lambda v: v < 50),
    "rebuild_ratio": (">= 40 %", lambda v: v >= 0.40),
    "cold_start_s": ("< 2 s", lambda v: v < 2),
    "peak_rss_mb": ("< 400 MB", lambda v: v < 400),
}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def spread(values: list[float], cpu: list[float] | None = None) -> dict:
    """p50/p99/max in milliseconds (wall clock), and p50/p99 of CPU time if given."""
    figures = {
        "n": len(values),
        "p50_ms": percentile(values, 0.5) * 1000,
        "p99_ms": percentile(values, 0.99) * 1000,
        "max_ms": max(values) * 1000,
    }
    if cpu:
        figures["cpu_p50_ms"] = percentile(cpu, 0.5) * 1000
        figures["cpu_p99_ms"] = percentile(cpu, 0.99) * 1000
    return figures


class Clock:
    """Wall-clock and CPU seconds of each measured call (``with clock: ...``)."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def __enter__(self) -> Clock:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *_exc) -> None:
        self.wall.append(time.perf_counter() - self._wall)
        self.cpu.append(time.process_time() - self._cpu)

    def spread(self) -> dict:
        return spread(self.wall, self.cpu)


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# -- the organization -----------------------------------------------------------------
def organization_folder(size: str, seed: int) -> tuple[Path, dict]:
    """The cached organization, generated in a child process when missing (so the
    generator's memory is not counted as the suite's)."""
    folder = organization.folder_for(size, seed)
    if not (folder / "organization.json").exists():
        log(f"generating the {size} organization (cached for later runs) …")
        subprocess.run(
            [sys.executable, "-m", "benchmarks.organization", "--size", size, "--seed", str(seed)],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return organization.ensure(size, seed)


def scratch_copy(folder: Path, work: Path) -> Path:
    work.mkdir(parents=True, exist_ok=True)
    for name in ("events.sqlite", "events.sqlite-wal"):
        if (folder / name).exists():
            shutil.copyfile(folder / name, work / name)
    return work


# -- the measurements -------------------------------------------------------------------
def measure_search(db, rng: random.Random, names: int) -> dict:
    from projections import patron_search

    (top,) = db.conn.execute("SELECT max(rowid) FROM patrons").fetchone()
    queries: list[str] = []
    while len(queries) < names * 4 and top:
        row = db.conn.execute(
            "SELECT first_name, last_name, email FROM patrons WHERE rowid >= ? LIMIT 1",
            (rng.randint(1, top),),
        ).fetchone()
        if row is None:
            continue
        word = rng.choice([w for w in row if w]) if any(row) else "a"
        queries += [word[:n] for n in range(1, len(word) + 1)]
    clock = Clock()
    for query in queries:
        with clock:
            patron_search.search(db, query, limit=200)
    return clock.spread()


def measure_timeline(qt, window, db, busy: str, runs: int) -> dict:
    from projections import timeline

    query, opened = Clock(), Clock()
    for _ in range(runs):
        with query:
            timeline.rows(db, busy, limit=200)
            total = timeline.count(db, busy)
    for _ in range(max(3, runs // 2)):
        window.show_patron_list()
        qt.processEvents()
        with opened:
            window.open_patron(busy)
            qt.processEvents()
    page = opened.spread()
    page["first_ms"] = opened.wall[0] * 1000
    return {"interactions": total, "query": query.spread(), "page": page}


def measure_append(app, rng: random.Random, db, runs: int) -> dict:
    (top,) = db.conn.execute("SELECT max(rowid) FROM patrons").fetchone()
    picks = ",".join(str(rng.randint(1, top)) for _ in range(runs))
    ids = [r[0] for r in db.conn.execute(f"SELECT id FROM patrons WHERE rowid IN ({picks})")]
    clock = Clock()
    for n in range(runs):
        with clock:
            app.add_note(ids[n % len(ids)], f"Benchmark call {n}: asked about parking.")
    return clock.spread()


def tonight(db) -> tuple[str, list[str], list[str]]:
    """The upcoming performance with most valid tickets; its codes; a few other nights'."""
    rows = db.conn.execute(
        "SELECT t.performance_id, count(*) AS n FROM bo_tickets t"
        " JOIN bo_performances p ON p.id = t.performance_id"
        " WHERE t.status = 'valid' AND p.starts_at > ? GROUP BY t.performance_id"
        " ORDER BY n DESC",
        (organization.NOW.isoformat(),),
    ).fetchall()
    chosen = rows[0][0]
    fresh = [
        r[0]
        for r in db.conn.execute(
            "SELECT code FROM bo_tickets WHERE performance_id = ? AND status = 'valid'", (chosen,)
        )
    ]
    elsewhere = [
        r[0]
        for r in db.conn.execute(
            "SELECT code FROM bo_tickets WHERE performance_id != ? AND status = 'valid' LIMIT 200",
            (chosen,),
        )
    ]
    return chosen, fresh, elsewhere


def measure_door(qt, window, services, scans: int, seed: int) -> dict:
    from benchmarks.door_scan import scan_through_view

    performance, fresh, elsewhere = tonight(services.runner.db())
    window.show_area("door")
    view = window.door_view
    view.sounds.enabled = False
    view.choose_performance(performance)
    qt.processEvents()
    cpu: dict[str, list[float]] = {}
    timings = scan_through_view(
        qt, view, performance, fresh, [], elsewhere, scans, seed, app=services.app, cpu=cpu
    )
    service = timings.pop("app.scan", [])
    every = [t for values in timings.values() for t in values]
    return {
        **spread(every, [t for values in cpu.values() for t in values]),
        "tonight_tickets": len(fresh),
        "verdicts": {v: len(t) for v, t in sorted(timings.items())},
        "service_only": spread(service) if service else None,
    }


def measure_import(app, work: Path, orders: int) -> dict:
    from benchmarks.bench_sales_import import export
    from imports.sales_file import read_sales_file
    from imports.sales_import import import_sales

    path = work / "attendees.csv"
    rows = export(path, 2 * orders)  # about two tickets an order, as before issue 16
    started = time.perf_counter()
    report = import_sales(app, read_sales_file(path), timezone="America/New_York")
    took = time.perf_counter() - started
    return {"rows": rows, "orders": report["imported"], "seconds": took, "rows_per_s": rows / took}


def session(data: Path, busy: str = "") -> dict:
    """A fresh process: start to a usable window, then the busy screens; its figures."""
    command = [sys.executable, "-m", "benchmarks.session", "--data", str(data)]
    if busy:
        command += ["--busy", busy]
    command += ["--started", repr(time.time())]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    done = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True, env=env)
    return json.loads(done.stdout.strip().splitlines()[-1])


def rebuild_in_child(data: Path) -> dict:
    """Rebuild the read models in a fresh process (``rebuild.rebuild_here``); its time
    and peak memory, and the peak of the rebuild's second process (0 when none)."""
    code = f"from benchmarks.rebuild import rebuild_here; rebuild_here({str(data)!r})"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def memory_growth(sizes: list[str], seed: int, scratch: Path) -> list[dict]:
    figures = []
    for size in sizes:
        folder, facts = organization_folder(size, seed)
        work = scratch_copy(folder, scratch / f"growth-{size}")
        built = rebuild_in_child(work)
        opened = session(work, facts["busy_patron"])
        figures.append(
            {
                "size": size,
                "events": facts["events"],
                "rebuild_peak_rss_mb": built["peak_rss_mb"],
                "side_peak_rss_mb": built["side_peak_rss_mb"],
                "session_peak_rss_mb": opened["peak_rss_mb"],
                "start_s": opened["start_s"],
            }
        )
        shutil.rmtree(work, ignore_errors=True)
    return figures


# -- the machine ------------------------------------------------------------------------
def machine() -> dict:
    info = {
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in lscpu.splitlines():
            if line.startswith("Model name:"):
                info["cpu"] = line.split(":", 1)[1].strip()
        with open("/proc/meminfo") as meminfo:
            info["ram_gb"] = round(int(meminfo.readline().split()[1]) / 1024 / 1024, 1)
        info["load_average"] = os.getloadavg()
    except (OSError, ValueError):
        pass
    try:
        from importlib.metadata import version

        info["eventsourcing"] = version("eventsourcing")
        info["pyside6"] = version("PySide6")
    except Exception:  # noqa: BLE001
        pass
    return info


# -- the suite ----------------------------------------------------------------------------
def run(size: str, seed: int, quick: bool, growth: bool, scans: int | None = None) -> dict:
    from desktop.app import application, create_main_window
    from infrastructure.bootstrap import bootstrap
    from infrastructure.config import resolve

    rng = random.Random(seed)
    figures: dict = {"size": size, "seed": seed, "machine": machine()}
    folder, facts = organization_folder(size, seed)
    figures["organization"] = facts
    scratch = Path(tempfile.mkdtemp(prefix="houselights-suite-"))
    try:
        work = scratch_copy(folder, scratch / "main")
        services = bootstrap(resolve(work, store="sqlite"), catch_up=False, workstation="benchmark")
        try:
            log(f"rebuilding {facts['events']:,} events …")
            rounds = 1 if facts["events"] > 500_000 else 2
            figures["rebuild"] = rebuild.measure(services.runner, scratch / "raw.sqlite", rounds)
            db = services.runner.db()
            log("search as you type …")
            figures["search"] = measure_search(db, rng, 40 if quick else 300)
            qt = application()
            window = create_main_window(services)
            window.resize(1280, 800)
            window.show()
            qt.processEvents()
            log("timeline …")
            figures["timeline"] = measure_timeline(
                qt, window, db, facts["busy_patron"], 10 if quick else 50
            )
            log("appending interactions …")
            figures["append"] = measure_append(services.app, rng, db, 30 if quick else 300)
            log("scanning at the door …")
            figures["door"] = measure_door(
                qt, window, services, scans or (150 if quick else 3000), seed
            )
            log("importing online sales …")
            figures["sales_import"] = measure_import(services.app, scratch, 100 if quick else 2000)
            window.shutdown()
            window.close()
            qt.processEvents()
        finally:
            services.close()
        figures["suite_peak_rss_mb"] = peak_rss_mb()
        log("cold start (fresh processes) …")
        first = session(work, facts["busy_patron"])  # compiles what was not compiled yet
        starts = [session(work, facts["busy_patron"]) for _ in range(1 if quick else 3)]
        figures["cold_start"] = {
            "first_s": first["start_s"],
            "runs_s": [s["start_s"] for s in starts],
            "median_s": statistics.median(s["start_s"] for s in starts),
            "rss_after_start_mb": max(s["rss_after_start_mb"] for s in starts),
            "session_peak_rss_mb": max(s["peak_rss_mb"] for s in starts),
        }
        if growth:
            log("memory growth …")
            sizes = [s for s in ("10k", "100k") if s != size] if size != "tiny" else ["tiny"]
            built = rebuild_in_child(work)  # this size's rebuild on its own, for its memory
            figures["memory_growth"] = memory_growth(sizes, seed, scratch) + [
                {
                    "size": size,
                    "events": facts["events"],
                    "rebuild_peak_rss_mb": built["peak_rss_mb"],
                    "side_peak_rss_mb": built["side_peak_rss_mb"],
                    "session_peak_rss_mb": figures["cold_start"]["session_peak_rss_mb"],
                    "start_s": figures["cold_start"]["median_s"],
                }
            ]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    figures["summary"] = summary(figures)
    figures["noise"] = {
        "load_average_at_end": os.getloadavg(),
        "cold_start_runs_s": figures["cold_start"]["runs_s"],
        "note": "shared machine: compare ratios within one run",
    }
    return figures


def summary(f: dict) -> dict:
    return {
        "scan_p50_ms": f["door"]["p50_ms"],
        "scan_p99_ms": f["door"]["p99_ms"],
        "search_p99_ms": f["search"]["p99_ms"],
        "timeline_open_ms": f["timeline"]["page"]["p50_ms"],
        "timeline_open_max_ms": f["timeline"]["page"]["max_ms"],
        "rebuild_events_per_s": f["rebuild"]["rebuild_events_per_s"],
        "raw_rows_per_s": f["rebuild"]["raw_rows_per_s"],
        "rebuild_ratio": f["rebuild"]["ratio"],
        "rebuild_ratio_cpu": f["rebuild"]["ratio_cpu"],
        "append_p50_ms": f["append"]["p50_ms"],
        "append_p99_ms": f["append"]["p99_ms"],
        "import_rows_per_s": f["sales_import"]["rows_per_s"],
        "cold_start_s": f["cold_start"]["median_s"],
        "peak_rss_mb": max(f["suite_peak_rss_mb"], f["cold_start"]["session_peak_rss_mb"]),
    }


def table(f: dict) -> str:
    s, r, o = f["summary"], f["rebuild"], f["organization"]
    rows = [
        (
            "scan to verdict, door view",
            f"p50 {s['scan_p50_ms']:.1f} ms, p99 "
            f"{s['scan_p99_ms']:.1f} ms ({f['door']['n']:,} scans; CPU p99 "
            f"{f['door']['cpu_p99_ms']:.1f} ms)",
            "scan_p99_ms",
        ),
        (
            "search as you type",
            f"p50 {f['search']['p50_ms']:.1f} ms, p99 "
            f"{s['search_p99_ms']:.1f} ms ({f['search']['n']:,} keys; CPU p99 "
            f"{f['search']['cpu_p99_ms']:.1f} ms)",
            "search_p99_ms",
        ),
        (
            f"open a timeline of {f['timeline']['interactions']:,}",
            f"page median {s['timeline_open_ms']:.1f} ms, worst "
            f"{s['timeline_open_max_ms']:.1f} ms (query p50 "
            f"{f['timeline']['query']['p50_ms']:.1f} ms)",
            "timeline_open_ms",
        ),
        (
            "rebuild vs raw inserts",
            f"{r['rebuild_events_per_s']:,.0f} events/s "
            f"({r['rebuild_rows_per_s']:,.0f} rows/s) vs {r['raw_rows_per_s']:,.0f} rows/s "
            f"= {r['ratio']:.0%} wall, {r['ratio_cpu']:.0%} CPU"
            + (
                f" (2 processes; second: {', '.join(r['side_process'])})"
                if r.get("side_process")
                else ""
            ),
            "rebuild_ratio",
        ),
        (
            "append one interaction",
            f"p50 {s['append_p50_ms']:.1f} ms, p99 "
            f"{s['append_p99_ms']:.1f} ms (CPU p99 {f['append']['cpu_p99_ms']:.1f} ms)",
            None,
        ),
        (
            "sales import",
            f"{s['import_rows_per_s']:,.0f} rows/s ({f['sales_import']['rows']:,} rows)",
            None,
        ),
        (
            "cold start to a usable window",
            f"median {s['cold_start_s']:.2f} s of "
            + ", ".join(f"{x:.2f}" for x in f["cold_start"]["runs_s"])
            + f" (first start, compiling: {f['cold_start']['first_s']:.2f} s)",
            "cold_start_s",
        ),
        (
            "peak resident memory",
            f"{s['peak_rss_mb']:.0f} MB (suite "
            f"{f['suite_peak_rss_mb']:.0f}, app session "
            f"{f['cold_start']['session_peak_rss_mb']:.0f})",
            "peak_rss_mb",
        ),
    ]
    for g in f.get("memory_growth", []):
        built, side = g["rebuild_peak_rss_mb"], g.get("side_peak_rss_mb", 0)
        rows.append(
            (
                f"memory at {g['events']:,} events",
                f"session {g['session_peak_rss_mb']:.0f} MB"
                + (f", rebuild {built:.0f} MB" if built else "")
                + (f" + {side:.0f} MB second process" if side else "")
                + f", start {g['start_s']:.2f} s",
                None,
            )
        )
    width = max(len(r[0]) for r in rows)
    lines = [
        f"Houselights benchmarks: {o['patrons']:,} patrons, {o['tickets']:,} tickets, "
        f"{o['events']:,} events (size {f['size']}, seed {f['seed']})",
        "",
    ]
    for label, value, key in rows:
        verdict = ""
        if key:
            target, met = TARGETS[key]
            verdict = f"  [{target}: {'met' if met(s[key]) else 'NOT met'}]"
        lines.append(f"{label:<{width}}  {value}{verdict}")
    m = f["machine"]
    lines += [
        "",
        f"machine: {m.get('cpu', '?')}, {m['cpus']} CPUs, {m.get('ram_gb', '?')} GB,"
        f" Python {m['python']}, SQLite {m['sqlite']}; load average at the end "
        f"{f['noise']['load_average_at_end'][0]:.1f}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--size",
        choices=sorted(organization.SIZES),
        default=None,
        help="organization size (default 1m, the design size)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="a small organization and fewer repetitions (CI)"
    )
    parser.add_argument("--seed", type=int, default=organization.DEFAULT_SEED)
    parser.add_argument("--scans", type=int, default=None, help="door scans to time")
    parser.add_argument(
        "--no-growth", action="store_true", help="skip the memory figures at 10k and 100k events"
    )
    parser.add_argument(
        "--json", help="write the figures here (default: benchmarks/results/SIZE.json)"
    )
    args = parser.parse_args(argv)
    size = args.size or ("10k" if args.quick else organization.DEFAULT_SIZE)
    figures = run(size, args.seed, args.quick, growth=not args.no_growth, scans=args.scans)
    out = Path(args.json) if args.json else ROOT / "benchmarks" / "results" / f"{size}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2, default=str))
    print(table(figures))
    print(f"\nfigures written to {out}")
    return figures


if __name__ == "__main__":
    main()
