"""Changes of rung merged into a patron's timeline, page by page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from desktop.models.timeline import LADDER, merge_moves, move_rows
from domain.loyalty import BUYER, LAPSED, PROSPECT, REPEAT_BUYER, TRYER, Move
from projections.base import iso

START = datetime(2025, 1, 1, tzinfo=UTC)


def event_rows(days: list[int]) -> list[dict]:
    """Timeline rows from events on these days after START, newest first."""
    return [
        {
            "position": 100 + d,
            "occurred_at": iso(START + timedelta(days=d)),
            "kind": "purchase",
            "summary": f"day {d}",
        }
        for d in sorted(days, reverse=True)
    ]


def test_moves_read_as_sentences_newest_first(qtbot):
    moves = [
        Move(START, PROSPECT, TRYER),
        Move(START + timedelta(days=5), TRYER, BUYER, REPEAT_BUYER),
        Move(START + timedelta(days=600), BUYER, LAPSED),
    ]
    rows = move_rows(moves)
    assert [r["summary"] for r in rows] == [
        "Lapsed: no activity for too long",
        "Became a buyer (repeat buyer)",
        "Became a tryer",
    ]
    assert {r["kind"] for r in rows} == {LADDER}
    assert len({r["position"] for r in rows}) == 3


def test_a_move_waits_for_the_page_its_date_belongs_to(qtbot):
    moves = move_rows(
        [Move(START, PROSPECT, TRYER), Move(START + timedelta(days=50), TRYER, BUYER, REPEAT_BUYER)]
    )
    first_page = event_rows([60, 50, 40])
    page, waiting = merge_moves(first_page, moves, more=True)
    assert [r["summary"] for r in page] == [
        "day 60",
        "day 50",
        "Became a buyer (repeat buyer)",
        "day 40",
    ]
    assert [r["summary"] for r in waiting] == ["Became a tryer"]
    page, waiting = merge_moves(event_rows([0]), waiting, more=False)
    assert [r["summary"] for r in page] == ["day 0", "Became a tryer"]
    assert waiting == []
