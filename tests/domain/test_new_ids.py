"""New patrons' ids grow with time (UUID version 7): a batch of new patrons, such as an
import's, lands at one place of every index keyed by patron instead of all over it
(``domain/new_ids.py``)."""

from __future__ import annotations

import random
from uuid import UUID

import pytest

from domain import new_ids
from domain.new_ids import time_ordered_uuid
from imports.sales_import import import_sales_file

HEADER = (
    "order_id,order_date,first_name,last_name,email,phone,postal_code,event_name,"
    "event_date,ticket_type,price,quantity,barcode\n"
)


def seeded_new_ids(monkeypatch, seed: int) -> None:
    """New patrons' ids from a fixed moment and one seeded sequence of random bytes: two
    runs of the same work make the same ids (the tests that compare two ways of making
    the same records)."""
    rng = random.Random(seed)
    monkeypatch.setattr(new_ids, "_clock", lambda: 1_796_000_000_000_000_000)
    monkeypatch.setattr(new_ids, "_noise", rng.randbytes)
    monkeypatch.setattr(new_ids, "_last_ms", 0)


def _parts(made: UUID) -> tuple[int, int, int]:
    """(milliseconds, sequence, variant bits) of a version 7 id."""
    return made.int >> 80, made.int >> 64 & 0xFFF, made.int >> 62 & 0b11


def test_patrons_registered_one_after_another_have_ids_in_that_order(store):
    made = [store.register_patron("Ada", f"Lovelace {n}") for n in range(40)]

    assert [UUID(i).version for i in made] == [7] * 40
    assert made == sorted(made)  # as text, which is how the indexes keep them
    assert len(set(made)) == 40


def test_an_imports_new_patrons_have_ids_in_the_order_they_were_registered(store, tmp_path):
    rows = "".join(
        f"W{n},2026-02-01 09:{n:02d},Fan,Number{n},fan{n}@example.org,,,Hamlet,"
        "2026-03-14 19:30,Adult,25,1,\n"
        for n in range(30)
    )
    path = tmp_path / "sales.csv"
    path.write_text(HEADER + rows, encoding="utf-8")

    report = import_sales_file(store, path, timezone="America/New_York")

    assert report["created"] == 30
    registered = [
        str(store.find_contact_matches(email=f"fan{n}@example.org")[0].id) for n in range(30)
    ]
    assert [UUID(i).version for i in registered] == [7] * 30
    assert registered == sorted(registered)


def test_each_id_holds_the_moment_it_was_made(monkeypatch):
    monkeypatch.setattr(new_ids, "_clock", lambda: 1_796_000_000_123_456_789)
    monkeypatch.setattr(new_ids, "_last_ms", 0)

    made = time_ordered_uuid()

    assert made.version == 7
    milliseconds, _sequence, variant = _parts(made)
    assert (milliseconds, variant) == (1_796_000_000_123, 0b10)


@pytest.mark.parametrize("step_ns", [0, -3_600_000_000_000])
def test_ids_keep_growing_within_a_millisecond_and_when_the_clock_goes_back(monkeypatch, step_ns):
    clock = [1_796_000_000_000_000_000]

    def now() -> int:
        clock[0] += step_ns
        return clock[0] - step_ns

    monkeypatch.setattr(new_ids, "_clock", now)
    monkeypatch.setattr(new_ids, "_last_ms", 0)

    made = [time_ordered_uuid() for _ in range(5000)]  # more than a sequence counts

    assert made == sorted(made) and len(set(made)) == 5000
    assert {m.version for m in made} == {7}
    assert {_parts(m)[2] for m in made} == {0b10}
    first_ms = _parts(made[0])[0]
    assert first_ms == 1_796_000_000_000  # the first id has the clock's moment
    assert _parts(made[-1])[0] in (first_ms + 1, first_ms + 2)  # carried forward
