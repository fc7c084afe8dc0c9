"""The standard benchmark organization: generated once per seed and size, then cached.

    uv run python -m benchmarks.organization                 # the design size (~1.5 M events)
    uv run python -m benchmarks.organization --size 100k     # smaller, for memory growth
    uv run python -m benchmarks.organization --size 1m --seed 7 --force

The organization is the demo organization (``demo/organization.py``: patrons with
contact details and notes, a season of performances with sales, walk-ups,
refunds, exchanges, subscriptions, memberships, donations and thank-yous, and
door history for the performances already played) plus one *busy* patron with
2,000 interactions (for the timeline figure). Everything goes through the
application service in batched saves (``app.batch()``), as an import would.

Reproducible from the seed: the same seed and size give the same patrons,
purchases, scans and event count, dated from a fixed "now" (so the same
performances are past or upcoming whenever it is generated). Aggregate ids
and ticket codes are random, as in the application.

Cached: the event store is kept under ``HOUSELIGHTS_BENCH_CACHE`` (default
``~/.cache/houselights-bench``) in a folder named after the size, the seed and
a digest of the code that writes events (``domain/`` and ``GENERATOR``, bumped
when this generator changes what it writes), so a change to the domain model
generates afresh and repeated runs reuse the file.
Only the event store is cached; read models are built by each run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from demo import organization as demo  # noqa: E402
from domain.application import Houselights  # noqa: E402
from domain.recording import RecordingContext  # noqa: E402
from infrastructure.config import resolve  # noqa: E402

#: patrons per size; the design size is "1m": 100,000 patrons, which the demo
#: organization's sales make about 357,000 tickets (DESIGN.md says about 250,000).
SIZES = {
    "tiny": 40,  # the suite's own test
    "10k": 650,  # about 10,000 events
    "100k": 6_800,  # about 100,000 events
    "1m": 100_000,  # the DESIGN.md organization
}
DEFAULT_SIZE = "1m"
DEFAULT_SEED = 2026
#: the busy patron's interactions (the timeline figure opens this patron)
BUSY_INTERACTIONS = 2_000
#: a fixed "now" so a seed always gives the same past and upcoming performances
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
BUSY_EMAIL = "busy.bee@example.org"
#: bump when this module changes which events it writes (part of the cache key)
GENERATOR = 1


def cache_root() -> Path:
    return Path(os.environ.get("HOUSELIGHTS_BENCH_CACHE", Path.home() / ".cache/houselights-bench"))


def code_version() -> str:
    """A digest of the code that decides which events are written."""
    digest = hashlib.sha1(f"generator {GENERATOR}".encode())
    for path in sorted((ROOT / "domain").rglob("*.py")):
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def folder_for(size: str, seed: int) -> Path:
    return cache_root() / f"org-{size}-seed{seed}-{code_version()}"


def generate(folder: Path, patrons: int, seed: int) -> dict:
    """Write the organization's event store into ``folder``; returns its facts."""
    config = resolve(folder, store="sqlite")
    app = Houselights(env=config.eventsourcing_env(), context=RecordingContext("bench", "bench"))
    started = time.perf_counter()
    try:
        made = demo.generate(app, patrons, seed=seed, now=NOW)
        joined = NOW - timedelta(days=2000)
        busy = app.register_patron("Busy", "Bee", email=BUSY_EMAIL, occurred_at=joined)
        moment = NOW - timedelta(days=1999)
        with app.batch(size=2000):
            for n in range(BUSY_INTERACTIONS - 1):
                app.add_note(busy, f"Interaction {n}", occurred_at=moment + timedelta(hours=n))
        events = app.event_count()
    finally:
        app.close()
    took = time.perf_counter() - started
    return {
        "seed": seed,
        "patrons": made["patrons"] + 1,
        "performances": made.get("performances", 0),
        "orders": made.get("orders", 0),
        "admitted": made.get("admitted", 0),
        "events": events,
        "busy_patron": busy,
        "busy_interactions": BUSY_INTERACTIONS,
        "generated_in_s": round(took, 1),
        "events_per_s": round(events / took),
        "code_version": code_version(),
        "now": NOW.isoformat(),
    }


def ensure(
    size: str = DEFAULT_SIZE, seed: int = DEFAULT_SEED, force: bool = False, log=print
) -> tuple[Path, dict]:
    """The cached organization's data folder and facts, generating it when missing."""
    folder = folder_for(size, seed)
    facts_file = folder / "organization.json"
    if facts_file.exists() and not force:
        return folder, json.loads(facts_file.read_text())
    if folder.exists():
        shutil.rmtree(folder)
    building = folder.with_name(folder.name + ".partial")
    if building.exists():
        shutil.rmtree(building)
    building.mkdir(parents=True)
    log(f"generating the {size} organization (seed {seed}) in {folder} …")
    facts = generate(building, SIZES[size], seed)
    facts["size"] = size
    tickets = _count_tickets(building)
    facts["tickets"] = tickets
    (building / "organization.json").write_text(json.dumps(facts, indent=2))
    building.rename(folder)  # only a complete store is ever found in the cache
    log(
        f"  {facts['events']:,} events, {facts['patrons']:,} patrons, {tickets:,} tickets "
        f"in {facts['generated_in_s']} s ({facts['events_per_s']:,} events/s)"
    )
    return folder, facts


def _count_tickets(folder: Path) -> int:
    import sqlite3

    conn = sqlite3.connect(str(folder / "events.sqlite"))
    try:
        (count,) = conn.execute(
            "SELECT count(*) FROM stored_events WHERE topic LIKE '%Ticket.Issued'"
        ).fetchone()
    finally:
        conn.close()
    return count


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default=DEFAULT_SIZE)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--force", action="store_true", help="generate again even if cached")
    args = parser.parse_args(argv)
    folder, facts = ensure(args.size, args.seed, args.force)
    print(json.dumps({"folder": str(folder), **facts}, indent=2))


if __name__ == "__main__":
    main()
