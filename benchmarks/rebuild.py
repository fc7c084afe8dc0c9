"""Projection rebuild throughput against raw SQLite inserts of equivalent rows.

*Equivalent rows* are the rows the rebuild leaves behind: every row of every
read-model table (FTS shadow tables excepted), inserted with ``executemany``
into an empty database opened the same way (``open_readmodels``: WAL, same
pragmas, and the runner's ``bulk_mode`` for long catch-ups) with the same
schema (tables, indexes, full-text indexes), in as many transactions as the
rebuild committed. Like a rebuild from zero, it fills each full-text index once
at the end (FTS5's ``'rebuild'``) and then creates its triggers. Reading the
rows back is not timed. That is what a perfect projection would cost: no event
store to read, no decoding, no lookups or updates, just the final rows. The
ratio is ``raw seconds / rebuild seconds`` (= rebuild rows/s over raw rows/s).

Both are timed in wall-clock seconds and in CPU seconds (``time.process_time``).
A long rebuild shares its work with a second process
(``projections/side_process.py``) whose CPU seconds are added to the rebuild's,
so the CPU ratio compares all the work done, on both cores, with the
baseline's on one; the wall-clock ratio is what a person waits for. On a
machine shared with other work the wall clock measures the neighbours as much
as the code; both are reported. With ``rounds`` > 1 rebuild and baseline
alternate and the best round of each counts (the spread is reported as noise).
"""

from __future__ import annotations

import math
import sqlite3
import time
from pathlib import Path

from projections.database import BULK_CACHE_KIB, bulk_mode, open_readmodels, remove_database

SHADOW_SUFFIXES = ("_data", "_idx", "_content", "_docsize", "_config")


def _schema(conn: sqlite3.Connection) -> tuple[list[str], list[str], list[str], list[str]]:
    """(statements to recreate the schema but its triggers, in order; the triggers;
    tables holding rows; full-text index tables)."""
    objects = conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL"
        " AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
    ).fetchall()
    virtual = [
        name
        for kind, name, sql in objects
        if kind == "table" and sql.upper().startswith("CREATE VIRTUAL")
    ]

    def shadow(name: str) -> bool:
        return any(name == v + s for v in virtual for s in SHADOW_SUFFIXES)

    statements, triggers, tables = [], [], []
    for kind, name, sql in objects:
        if shadow(name):
            continue
        (triggers if kind == "trigger" else statements).append(sql)
        if kind == "table" and name not in virtual:
            tables.append(name)
    return statements, triggers, tables, virtual


def raw_insert(readmodels: Path, target: Path, transactions: int) -> dict:
    """Insert ``readmodels``' rows into an empty copy of its schema; rows and seconds."""
    remove_database(target)
    source = sqlite3.connect(f"file:{readmodels}?mode=ro", uri=True)
    statements, triggers, tables, virtual = _schema(source)
    total = sum(source.execute(f"SELECT count(*) FROM [{t}]").fetchone()[0] for t in tables)
    db = open_readmodels(target)
    conn = db.conn
    for sql in statements:
        conn.execute(sql)
    per_transaction = max(1, math.ceil(total / max(1, transactions)))
    seconds = 0.0

    def chunks():
        pending: list[tuple[str, tuple]] = []
        for table in tables:
            cursor = source.execute(f"SELECT * FROM [{table}]")
            while rows := cursor.fetchmany(per_transaction - len(pending)):
                pending.extend((table, row) for row in rows)
                if len(pending) >= per_transaction:
                    yield pending
                    pending = []
        if pending:
            yield pending

    commits = 0
    cpu = 0.0
    bulk = bulk_mode(db)  # the settings the runner uses for a rebuild
    bulk.__enter__()
    for chunk in chunks():
        by_table: dict[str, list[tuple]] = {}
        for table, row in chunk:
            by_table.setdefault(table, []).append(row)
        started, started_cpu = time.perf_counter(), time.process_time()
        conn.execute("BEGIN")
        for table, rows in by_table.items():
            marks = ",".join("?" * len(rows[0]))
            conn.executemany(f"INSERT INTO [{table}] VALUES ({marks})", rows)
        conn.execute("COMMIT")
        seconds += time.perf_counter() - started
        cpu += time.process_time() - started_cpu
        commits += 1
    # the full-text indexes filled once at the end, then their triggers: as a rebuild does
    started, started_cpu = time.perf_counter(), time.process_time()
    conn.execute("BEGIN")
    for fts in virtual:
        conn.execute(f"INSERT INTO [{fts}] ([{fts}]) VALUES ('rebuild')")
    for sql in triggers:
        conn.execute(sql)
    conn.execute("COMMIT")
    seconds += time.perf_counter() - started
    cpu += time.process_time() - started_cpu
    bulk.__exit__(None, None, None)
    conn.close()
    source.close()
    remove_database(target)
    return {"rows": total, "seconds": seconds, "cpu_seconds": cpu, "transactions": commits}


def raw_per_event(target: Path, rows: int, batch: int) -> dict:
    """The earlier, looser baseline: one timeline-shaped row per event (a text key,
    a timestamp, a few short texts; primary key plus one index), ``batch`` rows per
    transaction. Kept for comparison with figures measured before this suite."""
    remove_database(target)
    db = open_readmodels(target)
    conn = db.conn
    conn.execute(f"PRAGMA cache_size=-{BULK_CACHE_KIB}")
    conn.execute(
        "CREATE TABLE raw (position INTEGER, patron_id TEXT, occurred_at TEXT, kind TEXT,"
        " summary TEXT, detail TEXT, recorded_by TEXT, workstation TEXT,"
        " PRIMARY KEY (position, patron_id))"
    )
    conn.execute("CREATE INDEX raw_patron ON raw (patron_id, occurred_at DESC, position DESC)")
    now = "2026-11-01T12:00:00.000000+00:00"
    seconds = cpu = 0.0
    for first in range(0, rows, batch):
        values = [
            (n, f"patron-{n * 7919 % 100_003}", now, "note", "A summary line", "", "maria", "box-1")
            for n in range(first, min(rows, first + batch))
        ]
        started, started_cpu = time.perf_counter(), time.process_time()
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO raw VALUES (?,?,?,?,?,?,?,?)", values)
        conn.execute("COMMIT")
        seconds += time.perf_counter() - started
        cpu += time.process_time() - started_cpu
    conn.close()
    remove_database(target)
    return {"rows": rows, "seconds": seconds, "cpu_seconds": cpu}


def measure(runner, scratch: Path, rounds: int = 1) -> dict:
    """Rebuild every read model from zero, then the raw baseline, in this run."""
    rebuilds, raws = [], []
    for _ in range(rounds):
        started, started_cpu = time.perf_counter(), time.process_time()
        events = runner.rebuild()
        seconds, cpu = time.perf_counter() - started, time.process_time() - started_cpu
        # a long rebuild shares the work with a second process: its CPU counts too
        rebuilds.append((seconds, cpu + (runner.side_cpu_s if runner.side_copied else 0.0)))
        transactions = math.ceil(events / runner.batch_size)
        raws.append(raw_insert(runner.path, scratch, transactions))
    rebuild_s = min(w for w, _ in rebuilds)
    rebuild_cpu = min(c for _, c in rebuilds)
    raw_s = min(r["seconds"] for r in raws)
    raw_cpu = min(r["cpu_seconds"] for r in raws)
    rows = raws[0]["rows"]
    loose = raw_per_event(scratch, events, runner.batch_size)
    return {
        "side_process": sorted(runner.side_copied),
        "side_error": runner.side_error,
        "events": events,
        "rows": rows,
        "transactions": raws[0]["transactions"],
        "rebuild_s": rebuild_s,
        "rebuild_cpu_s": rebuild_cpu,
        "rebuild_events_per_s": events / rebuild_s,
        "rebuild_rows_per_s": rows / rebuild_s,
        "raw_s": raw_s,
        "raw_cpu_s": raw_cpu,
        "raw_rows_per_s": rows / raw_s,
        "ratio": raw_s / rebuild_s,
        "ratio_cpu": raw_cpu / rebuild_cpu,
        "per_event_rows_per_s": events / loose["seconds"],
        "ratio_per_event": loose["seconds"] / rebuild_s,
        "ratio_per_event_cpu": loose["cpu_seconds"] / rebuild_cpu,
        "rounds": [
            {
                "rebuild_s": w,
                "rebuild_cpu_s": c,
                "raw_s": r["seconds"],
                "raw_cpu_s": r["cpu_seconds"],
            }
            for (w, c), r in zip(rebuilds, raws, strict=True)
        ],
    }


def rebuild_here(data: str) -> None:
    """Rebuild the read models of ``data`` in this process and print its figures as JSON.

    The second process's peak is read from /proc while it runs: ``RUSAGE_CHILDREN``
    would report the memory this process had when it started that one (a spawned
    child counts what it was before exec), not the child's own."""
    import json
    import multiprocessing
    import threading

    from benchmarks.session import peak_rss_mb, vm_hwm_mb
    from infrastructure.bootstrap import bootstrap
    from infrastructure.config import resolve

    services = bootstrap(resolve(data, store="sqlite"), catch_up=False)
    side_peak = 0.0
    running = threading.Event()
    running.set()

    def watch() -> None:
        nonlocal side_peak
        while running.is_set():
            for child in multiprocessing.active_children():
                side_peak = max(side_peak, vm_hwm_mb(child.pid))
            time.sleep(0.2)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    started = time.perf_counter()
    events = services.runner.rebuild()
    seconds = time.perf_counter() - started
    running.clear()
    watcher.join()
    services.close()
    print(
        json.dumps(
            {
                "events": events,
                "seconds": seconds,
                "peak_rss_mb": peak_rss_mb(),
                "side_peak_rss_mb": side_peak,
            }
        )
    )
