"""Big exports: read as a stream, planned through a temporary file, cancelled between
chunks (issue 16: a 200 MB export took 2.2 GB of memory just to be read).

Memory is measured with tracemalloc (what Python allocates, counted exactly, not
timed), so these tests do not depend on the machine's speed.
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from benchmarks.bench_sales_import import export
from domain.application import Houselights
from imports import sales_import
from imports.sales_file import SpooledRows, read_sales_file
from imports.sales_import import import_sales, import_sales_file
from infrastructure.config import resolve
from tests.imports.test_sales_layouts import SAMPLE_OF, SAMPLES
from tests.imports.test_sales_trust import store_summary

NY = "America/New_York"


def _reading_peak(path: Path):
    tracemalloc.start()
    try:
        sales = read_sales_file(path)
        return sales, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_reading_a_big_export_takes_no_more_memory_than_a_small_one(tmp_path):
    small, big = tmp_path / "month.csv", tmp_path / "season.csv"
    export(small, 10_000)  # about 1 MB
    rows = export(big, 80_000)  # about 8.6 MB

    _, small_peak = _reading_peak(small)
    sales, peak = _reading_peak(big)

    # Before: the file's bytes, its text and a list per row, about ten times its size.
    assert peak < 1.5 * small_peak, f"{small_peak:,} bytes for 10,000 rows, {peak:,} for {rows:,}"
    assert peak < big.stat().st_size / 3
    assert isinstance(sales.rows, SpooledRows) and len(sales.rows) == rows
    assert sales.preview(2)[0][1][0] == "W1"
    assert sales.rows[-1][0] == rows + 1  # the header is row 1
    assert sum(1 for _ in sales.rows) == rows


def _imported(path: Path, folder: Path) -> dict:
    app = Houselights(env=resolve(folder, store="sqlite").eventsourcing_env())
    try:
        report = import_sales_file(app, path, timezone=NY)
        assert report["tickets"] > 0 and not report["rejected"]
        return store_summary(app)
    finally:
        app.close()


@pytest.mark.parametrize("key", ["generic", "eventbrite", "ticket_tailor_orders", "shopify"])
def test_an_export_planned_through_the_temporary_file_imports_as_one_planned_in_memory(
    monkeypatch, tmp_path, key
):
    """A file of more than ``IN_MEMORY_ROWS`` rows keeps its read rows and plans in a
    temporary file; the result is the same."""
    in_memory = _imported(SAMPLES / SAMPLE_OF[key], tmp_path / "in-memory")
    monkeypatch.setattr(sales_import, "IN_MEMORY_ROWS", 0)

    assert _imported(SAMPLES / SAMPLE_OF[key], tmp_path / "spooled") == in_memory


def test_a_big_file_is_sold_a_chunk_at_a_time_and_cancelling_keeps_the_chunks_saved(
    store, monkeypatch, tmp_path
):
    monkeypatch.setattr(sales_import, "IN_MEMORY_ROWS", 0)
    monkeypatch.setattr(sales_import, "CHUNK_ORDERS", 50)
    path = Path(tmp_path) / "season.csv"
    export(path, 400)
    sales = read_sales_file(path)
    seen: list[int] = []

    def progress(done: int, total: int, phase: str) -> None:
        if phase == sales_import.SELLING:
            seen.append(done)

    # Cancel once the second chunk has begun: the first chunk and the orders of the
    # second done so far are saved, and the report says the import was cancelled.
    report = import_sales(
        store, sales, timezone=NY, progress=progress, cancelled=lambda: max(seen, default=0) >= 60
    )

    assert report["cancelled"] is True
    assert 60 <= report["imported"] < 100
    tickets = report["tickets"]
    again = import_sales_file(store, path, timezone=NY)
    assert again["cancelled"] is False
    assert again["already_imported"] == report["imported"]
    assert tickets + again["tickets"] == 400


def test_cancelling_while_the_file_is_read_and_planned_imports_nothing(store, tmp_path):
    path = Path(tmp_path) / "season.csv"
    export(path, 300)

    report = import_sales_file(store, path, timezone=NY, cancelled=lambda: True)

    assert report["cancelled"] is True
    assert (report["imported"], report["tickets"], store.event_count()) == (0, 0, 0)
