"""How long finding likely duplicates takes on a large patron directory; prints figures.

    uv run python benchmarks/duplicates.py                  # 100,000 patrons
    uv run python benchmarks/duplicates.py --patrons 20000

Fills a patron directory table directly (names from the demo's lists, postal
codes as the demo makes them, unique emails and phones) and times
``projections.duplicates.candidates`` and the first and second run (names
folded once are cached). The desktop runs this in the background with a
"Stop looking" button; nothing here asserts.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from demo.names import FIRST_NAMES, LAST_NAMES  # noqa: E402
from demo.organization import CITIES  # noqa: E402
from projections import duplicates  # noqa: E402
from projections.database import open_readmodels  # noqa: E402
from projections.patron_directory import PatronDirectory  # noqa: E402
from projections.patron_merges import PatronMerges  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patrons", type=int, default=100_000)
    args = parser.parse_args()
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as folder:
        db = open_readmodels(Path(folder) / "readmodels.sqlite")
        PatronDirectory().create(db)
        PatronMerges().create(db)
        rows = []
        for i in range(args.patrons):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            postal = (
                f"{rng.choice(CITIES)[1]} {rng.randint(1, 9)}{rng.choice('ABDEFG')}"
                f"{rng.choice('HJLNPQ')}"
            )
            rows.append(
                (
                    str(i),
                    first,
                    last,
                    f"{first} {last}",
                    f"p{i}@example.org",
                    f"555{i:07d}",
                    postal,
                    f"2020-01-01T{i:09d}",
                )
            )
        with db.atomic():
            db.conn.executemany(
                "INSERT INTO patrons (id, first_name, last_name, name, email, phone_digits,"
                " postal_code, registered_at) VALUES (?,?,?,?,?,?,?,?)",
                rows,
            )
        for run in ("first", "second"):
            started = time.perf_counter()
            pairs = duplicates.candidates(db)
            took = time.perf_counter() - started
            print(
                f"{run} run: {len(pairs):,} likely pairs among {args.patrons:,} patrons "
                f"in {took:.2f} s"
            )
        db.conn.close()


if __name__ == "__main__":
    main()
