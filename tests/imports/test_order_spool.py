"""The order spool hands out the same orders, in the same order, whether it keeps a
file's rows in memory (a file of at most ``IN_MEMORY_ROWS`` rows: grouped and sorted
in Python) or in its temporary database (grouped and sorted in SQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from imports.sales_import import PROGRESS_ROWS, OrderSpool, SaleRow
from imports.sales_values import Moment

ZONES = [UTC, ZoneInfo("America/New_York"), timezone(timedelta(hours=2))]
START = datetime(2026, 11, 1, 0, 30, tzinfo=UTC)

row_specs = st.lists(
    st.tuples(
        st.integers(0, 12),  # order
        st.integers(0, 6),  # hours after START it was ordered (orders tie often)
        st.sampled_from(ZONES),
        st.lists(st.sampled_from(["A1", "B2", "C3", "D4", "E5", "F6", "G7"]), max_size=3),
    ),
    max_size=60,
)


def sale_rows(specs) -> list[SaleRow]:
    rows = []
    for number, (order, hours, zone, codes) in enumerate(specs, start=2):
        at = (START + timedelta(hours=hours)).astimezone(zone)  # one instant, its zone's clock
        rows.append(
            SaleRow(
                number,
                f"W{order}",
                Moment(at, True),
                ("Ada", "Lovelace", "ada@example.org", "", ""),
                None,
                "Hamlet",
                Moment(at + timedelta(days=30), True),
                "Adult",
                2500,
                max(len(codes), 1),
                list(codes),
                [],
                0,
                None,
            )
        )
    return rows


def handed_out(in_memory: bool, rows: list[SaleRow], bad: dict[str, int]):
    spool = OrderSpool(in_memory=in_memory)
    try:
        for row in rows:
            spool.add(row)
        spool.flush()
        ticks: list[int] = []
        bad = dict(bad)
        twice = spool.duplicate_codes(bad, ticks.append)
        count = spool.rows()
        orders = spool.queue()
        chunks = [
            [(seq, order_id, [r.row for r in order_rows]) for seq, order_id, order_rows in chunk]
            for chunk in (spool.orders(first, first + 2) for first in range(1, orders + 1, 3))
        ]
        return twice, bad, count, orders, chunks, ticks
    finally:
        spool.close()


@settings(max_examples=150, deadline=None)
@given(row_specs, st.sets(st.integers(0, 12), max_size=3))
def test_in_memory_and_in_the_database_the_spool_hands_out_the_same_orders(specs, held):
    rows = sale_rows(specs)
    bad = {f"W{order}": 1 for order in held}

    assert handed_out(True, rows, bad) == handed_out(False, rows, bad)


def test_orders_are_handed_out_oldest_first_then_by_their_first_row():
    # W2 and W1 were ordered at the same moment (in different zones): W2's first row
    # comes first in the file; W3 is older than both though it comes last.
    same = START + timedelta(hours=3)
    specs = [(2, 3, ZONES[1], ["A1"]), (1, 3, ZONES[2], ["B2"]), (2, 3, UTC, []), (3, 1, UTC, [])]
    rows = sale_rows(specs)
    assert rows[0].ordered.at == rows[1].ordered.at == same

    for in_memory in (True, False):
        *_, chunks, _ = handed_out(in_memory, rows, {})
        assert chunks == [[(1, "W3", [5]), (2, "W2", [2, 4]), (3, "W1", [3])]]


def test_a_barcode_twice_holds_back_the_later_order_and_progress_is_told():
    specs = [(n, 0, UTC, [f"C{n}"]) for n in range(PROGRESS_ROWS)] + [(9999, 0, UTC, ["C7"])]
    rows = sale_rows(specs)
    rows[-1].order_id = "W9999"

    for in_memory in (True, False):
        twice, bad, count, orders, _, ticks = handed_out(in_memory, rows, {})
        assert twice == [(PROGRESS_ROWS + 2, "W9999", "C7", 9)]
        assert bad == {"W9999": PROGRESS_ROWS + 2}
        assert (count, orders, ticks) == (PROGRESS_ROWS + 1, PROGRESS_ROWS + 1, [PROGRESS_ROWS])
