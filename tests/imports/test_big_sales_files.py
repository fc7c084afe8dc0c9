"""Big exports: read as a stream, planned through a temporary file, cancelled between
chunks (issue 16: a 200 MB export took 2.2 GB of memory just to be read).

Memory is measured with tracemalloc (what Python allocates, counted exactly, not
timed), so these tests do not depend on the machine's speed.
"""

from __future__ import annotations

import csv
import gc
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from benchmarks.bench_sales_import import export
from domain.application import Houselights
from domain.box_office import Order, Ticket
from domain.patron import Patron
from imports import sales_import
from imports.sales_file import READING, ReadingCancelled, SpooledRows, read_sales_file
from imports.sales_import import REASON_COLUMN, ROW_COLUMN, import_sales, import_sales_file
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


@given(total=st.integers(min_value=1, max_value=50_000), chunk=st.integers(1, 3000))
def test_chunks_hold_every_order_once_and_are_small_at_both_ends(total, chunk):
    """The first chunks grow from ``CHUNK_ORDERS // TAPER`` orders and the last halve
    down to it: the read models' second process, one chunk behind the import, starts
    soon and has a small last one to apply."""
    most = min(chunk, sales_import.BESIDE_CHUNK_ORDERS)
    least = max(1, min(chunk // sales_import.TAPER, most))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sales_import, "CHUNK_ORDERS", chunk)
        sizes, left = [], total
        while left:
            sizes.append(sales_import.chunk_size(total - left, left))
            left -= sizes[-1]

    # never bigger than a chunk beside a second process holds (the work it has left
    # when the import ends is about one largest chunk's)
    assert sum(sizes) == total and all(0 < size <= most for size in sizes)
    assert sizes[0] == min(total, least) or total < 2 * least
    top = sizes.index(max(sizes))
    assert sizes[: top + 1] == sorted(sizes[: top + 1])  # growing, then
    assert all(a >= b for a, b in zip(sizes[top:], sizes[top + 1 : -1], strict=False))
    # shrinking, down to a last one below twice the least
    assert sizes[-1] <= max(total if total < 2 * least else 0, 2 * least - 1)
    # no more than a handful of chunks more than equal ones would take
    assert len(sizes) <= -(-total // most) + 2 * sales_import.TAPER.bit_length()


def test_a_sale_beside_a_second_process_has_small_first_and_last_chunks(
    store, monkeypatch, tmp_path
):
    path = Path(tmp_path) / "season.csv"
    export(path, 900)
    orders = len({row["order_id"] for row in csv.DictReader(path.open(encoding="utf-8"))})
    # a file long enough for the read models' second process (``applied_beside``)
    monkeypatch.setattr(sales_import, "ALONGSIDE_ROWS", 900)
    # Equal chunks would leave a first and last one nearly as big as the others.
    monkeypatch.setattr(sales_import, "CHUNK_ORDERS", orders // 3 + 1)
    saved: list[int] = []
    plans = sales_import.OrderSpool.plans

    def chunk(spool, first: int, last: int):
        taken = plans(spool, first, last)
        saved.append(len(taken))
        return taken

    monkeypatch.setattr(sales_import.OrderSpool, "plans", chunk)

    report = import_sales(store, read_sales_file(path), timezone=NY)

    least = (orders // 3 + 1) // sales_import.TAPER
    assert report["imported"] == orders == sum(saved)
    assert max(saved) <= orders // 3 + 1
    assert saved[0] == least and saved[-1] < 2 * least, saved

    # Without a second process (a shorter file): chunks all of one size.
    monkeypatch.setattr(sales_import, "ALONGSIDE_ROWS", 901)
    saved.clear()
    report = import_sales(store, read_sales_file(path), timezone=NY)
    assert report["already_imported"] == orders
    assert saved == [orders // 3 + 1] * 2 + [orders - 2 * (orders // 3 + 1)]


def test_cancelling_while_the_file_is_read_and_planned_imports_nothing(store, tmp_path):
    path = Path(tmp_path) / "season.csv"
    export(path, 300)

    report = import_sales_file(store, path, timezone=NY, cancelled=lambda: True)

    assert report["cancelled"] is True
    assert (report["imported"], report["tickets"], store.event_count()) == (0, 0, 0)


# -- progress and cancelling while a file is read, checked and planned -------------------
PHASES = [
    READING,
    sales_import.CHECKING_DATES,
    sales_import.CHECKING_CODES,
    sales_import.READING_ROWS,
    sales_import.CHECKING_TWICE,
    sales_import.PLANNING,
    sales_import.SELLING,
]


def test_every_phase_of_a_big_import_reports_its_rows_or_orders_as_they_go(store, tmp_path):
    """Issue 16: nothing moved on screen while a big file was read and planned."""
    path = tmp_path / "season.csv"
    rows = export(path, 5000)
    seen: list[tuple[str, int, int]] = []

    def progress(done: int, total: int, phase: str) -> None:
        seen.append((phase, done, total))

    sales = read_sales_file(path, progress=progress)
    report = import_sales(store, sales, timezone=NY, progress=progress)

    assert list(dict.fromkeys(phase for phase, _, _ in seen)) == PHASES
    counted = {p: [(d, t) for phase, d, t in seen if phase == p] for p in PHASES}
    # rows read: counted as they come (how many there are is not known yet)
    assert counted[READING] == [(2000, -1), (4000, -1), (rows, -1)]
    for phase in PHASES[1:5]:  # the passes over the rows: every 2,000 rows, then the end
        assert counted[phase] == [(2000, rows), (4000, rows), (rows, rows)], phase
    orders = report["imported"]
    assert counted[sales_import.PLANNING] == [(0, orders), (2000, orders), (orders, orders)]
    assert counted[sales_import.SELLING][0] == (0, orders)
    assert counted[sales_import.SELLING][-1] == (orders, orders)


def test_reading_a_file_stops_when_cancelled(tmp_path):
    path = tmp_path / "season.csv"
    export(path, 5000)
    seen: list[int] = []

    with pytest.raises(ReadingCancelled):
        read_sales_file(
            path, progress=lambda done, *_: seen.append(done), cancelled=lambda: bool(seen)
        )

    assert seen == [2000]  # stopped after the first batch, at the next look


@pytest.mark.parametrize("phase", PHASES[1:6])
def test_cancelling_in_any_phase_before_the_sale_imports_nothing(store, tmp_path, phase):
    path = tmp_path / "season.csv"
    export(path, 5000)
    sales = read_sales_file(path)
    events = store.event_count()
    seen: list[str] = []

    report = import_sales(
        store,
        sales,
        timezone=NY,
        progress=lambda _done, _total, now: seen.append(now),
        cancelled=lambda: phase in seen,
    )

    assert report["cancelled"] is True
    assert sales_import.SELLING not in seen
    assert (report["imported"], report["tickets"], store.event_count()) == (0, 0, events)


# -- the dry run of a big file -----------------------------------------------------------
def test_a_dry_run_holds_a_chunk_of_orders_in_memory_not_the_whole_file(
    store, monkeypatch, tmp_path
):
    """Issue 16: the dry run kept every order, ticket and patron it rehearsed in memory.

    Counted as live objects at every chunk (exact, not timed): a chunk's orders, their
    tickets and new patrons, never the file's."""
    monkeypatch.setattr(sales_import, "IN_MEMORY_ROWS", 0)
    monkeypatch.setattr(sales_import, "CHUNK_ORDERS", 100)
    # buyers come back in later chunks: found again among the patrons set aside
    monkeypatch.setattr(sales_import, "KEEP_PEOPLE", 50)
    path = tmp_path / "season.csv"
    export(path, 3000)  # about 1,500 orders, 550 buyers, 3,000 tickets
    held: list[int] = []

    def progress(done: int, _total: int, phase: str) -> None:
        if phase == sales_import.SELLING and done % 100 == 0:
            held.append(sum(1 for o in gc.get_objects() if isinstance(o, Order | Ticket | Patron)))

    rehearsed = import_sales(
        store, read_sales_file(path), timezone=NY, dry_run=True, progress=progress
    )
    imported = import_sales(store, read_sales_file(path), timezone=NY)

    # the dry run says exactly what the import then does
    assert {**rehearsed, "dry_run": False} == imported
    buyers = {line.split(",")[4] for line in path.read_text().splitlines()[1:]}
    assert imported["imported"] > 1400 and imported["created"] == len(buyers) > 500
    assert len(held) >= 14
    # about 100 orders, 200 tickets and up to 100 patrons a chunk; the file has 5,000
    assert max(held) < 800, held


def test_a_report_lists_the_first_problems_counts_them_all_and_writes_every_one(
    store, monkeypatch, tmp_path
):
    """A dry run and the import alike list the lowest rows, count them all and write
    every one, with the file's own cells, to a file that corrected imports the rest."""
    monkeypatch.setattr(sales_import, "LISTED_PROBLEMS", 5)
    path = tmp_path / "orders.csv"
    lines = ["order_id,order_date,first_name,event_name,event_date,price"]
    for n in range(30):
        price = "lots" if n % 2 else "25.00"  # every other row: a price nobody can read
        lines.append(f"{n},2026-02-01 10:00,Fan{n},Hamlet,2026-03-14 19:30,{price}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rehearsal, rejected = tmp_path / "rehearsal.csv", tmp_path / "not-imported.csv"

    rehearsed = import_sales_file(store, path, timezone=NY, dry_run=True, rejected_file=rehearsal)
    imported = import_sales_file(store, path, timezone=NY, rejected_file=rejected)

    assert rehearsed["rejected_count"] == imported["rejected_count"] == 15
    assert [r["row"] for r in rehearsed["rejected"]] == [3, 5, 7, 9, 11]  # the lowest rows
    assert [r["row"] for r in imported["rejected"]] == [3, 5, 7, 9, 11]
    assert "lots" in rehearsed["rejected"][0]["reason"]
    assert rehearsed["imported"] == imported["imported"] == 15
    assert rehearsed["date_order_source"] == "none" and rehearsed["mapping"]["price"] == "price"
    assert imported["rejected_file"] == str(rejected)
    assert rehearsal.read_bytes() == rejected.read_bytes()
    with rejected.open(encoding="utf-8-sig", newline="") as file:
        written = list(csv.reader(file))
    assert written[0] == [*lines[0].split(","), ROW_COLUMN, REASON_COLUMN]
    assert [row[:6] for row in written[1:]] == [
        lines[n - 1].split(",") for n in range(3, 32, 2)
    ]  # every rejected row, as the file had it
    assert [int(row[6]) for row in written[1:]] == list(range(3, 32, 2))
    assert all("lots" in row[7] for row in written[1:])

    # corrected, the file of rows not imported imports the rest
    corrected = rejected.read_text(encoding="utf-8-sig").replace(",lots,", ",25.00,")
    rejected.write_text(corrected, encoding="utf-8")
    again = import_sales_file(store, rejected, timezone=NY)
    assert (again["imported"], again["rejected_count"], again["rejected_file"]) == (15, 0, "")


def test_an_import_rejecting_50000_rows_keeps_the_first_1000_and_writes_them_all(
    store, monkeypatch, tmp_path
):
    """Point 2 of the import follow-up: a real import held every rejected row (and its
    reason) in memory; now it holds the first 1,000 for the report, whatever the count."""
    made: list[sales_import.Problems] = []
    original = sales_import.Problems

    def recorded():
        made.append(original())
        return made[-1]

    monkeypatch.setattr(sales_import, "Problems", recorded)
    path = tmp_path / "orders.csv"
    rows = 50_000
    with path.open("w", encoding="utf-8") as file:
        file.write("order_id,order_date,first_name,event_name,event_date,price\n")
        for n in range(rows):
            file.write(f"{n},2026-02-01 10:00,Fan{n},Hamlet,2026-03-14 19:30,lots\n")
    rejected = tmp_path / "not-imported.csv"

    report = import_sales_file(store, path, timezone=NY, rejected_file=rejected)

    (problems,) = made
    assert (report["imported"], report["rejected_count"]) == (0, rows)
    assert problems.kept == len(report["rejected"]) == 1000  # not 50,000
    assert [r["row"] for r in report["rejected"]] == list(range(2, 1002))
    with rejected.open(encoding="utf-8-sig", newline="") as file:
        written = list(csv.reader(file))
    assert len(written) == rows + 1  # the header, and every row not imported
    assert written[-1][:6] == [
        str(rows - 1),
        "2026-02-01 10:00",
        f"Fan{rows - 1}",
        "Hamlet",
        "2026-03-14 19:30",
        "lots",
    ]
    assert written[-1][6] == str(rows + 1)


@pytest.mark.parametrize(
    "cells",
    [
        ["W1", "2026-01-02 10:00", "Fan", "", "fan@example.org"],
        [""],
        [],
        ["a\x1fb", "c"],  # the spool's own separator in a cell
        ["\x1f", ""],
        ['["json"]', "[", "\u00e9\u00e8 \u2013 \U0001f3ad", "line\nbreak"],
    ],
)
def test_spooled_rows_read_back_exactly_as_read(cells):
    rows = SpooledRows()
    try:
        rows.extend([(2, cells), (3, ["after"])])
        assert list(rows) == [(2, cells), (3, ["after"])]
        assert rows[0] == (2, cells)
        assert rows[:2] == [(2, cells), (3, ["after"])]
    finally:
        rows.close()


@pytest.mark.parametrize("in_memory_rows", [sales_import.IN_MEMORY_ROWS, 0])
def test_barcodes_used_twice_are_found_alike_in_memory_and_in_the_temporary_file(
    store, monkeypatch, tmp_path, in_memory_rows
):
    """A file held in memory looks for barcodes used twice in a dict, a big one in its
    temporary database: the same rows are held back, with the same earlier row."""
    from tests.imports.test_sales_trust import sale, write

    monkeypatch.setattr(sales_import, "IN_MEMORY_ROWS", in_memory_rows)
    rows = [
        sale("A1", barcode="DUP"),  # row 2
        sale("A2", barcode="OTHER"),
        sale("A2", barcode="DUP"),  # row 4: holds back A2 (rows 3 and 4)
        sale("A3", barcode="LATE"),
        sale("A4", barcode="LATE"),  # row 6: LATE is A3's
        sale("A5", barcode="OTHER"),  # row 7: OTHER is on row 3 (of A2, held back later)
        sale("A6", barcode="SAME"),
        sale("A6", barcode="SAME"),  # row 9: twice in one order
    ]
    report = import_sales_file(store, write(tmp_path, rows), timezone=NY)
    reasons = {r["row"]: r["reason"] for r in report["rejected"]}
    assert "also on row 2" in reasons[4] and "also on row 4" not in reasons[3]
    assert "also on row 5" in reasons[6]
    assert "also on row 3" in reasons[7]
    assert "also on row 8" in reasons[9]
    assert sorted(reasons) == [3, 4, 6, 7, 8, 9]
    assert report["imported"] == 2  # A1, A3


def test_a_big_files_second_process_gets_a_smaller_page_cache(monkeypatch, tmp_path):
    """The whole command (both processes) of a 200 MB file stays under 500 MB: the
    second process of a file planned through the temporary spool keeps a smaller
    page cache; a file held in memory keeps the usual one (None)."""
    monkeypatch.setattr(sales_import, "IN_MEMORY_ROWS", 100)
    small, big = tmp_path / "small.csv", tmp_path / "big.csv"
    export(small, 100)
    export(big, 101)
    assert sales_import.beside_cache_kib(read_sales_file(small)) is None
    assert sales_import.beside_cache_kib(read_sales_file(big)) == 32_000
