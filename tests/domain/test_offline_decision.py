"""An offline door decides with the Ticket's own rule, on its copy plus its queue."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from domain.box_office import Ticket
from domain.door import read_scan
from domain.door_offline import check_undo_offline, decide_offline
from domain.door_service import PerformanceFacts
from domain.errors import TicketProblem
from domain.ticket_codes import new_code

AT = datetime(2026, 12, 6, 19, 30, tzinfo=UTC)
STAMP = {
    "occurred_at": AT - timedelta(hours=3),
    "recorded_by": "maria",
    "workstation": "box-office",
}


def ticket_and_copy(status: str, performance: str, admitted: timedelta | None, door: str):
    """The stored Ticket and the door read model's row for the same facts."""
    code = new_code()
    ticket = Ticket.issue(
        code,
        STAMP,
        performance_id=performance,
        patron_id=None,
        order_id="o",
        price_level="Adult",
        price_cents=100,
        channel="box_office",
    )
    if admitted is not None:
        ticket.admit(performance, door, {**STAMP, "occurred_at": AT - admitted})
    if status == "refunded" and admitted is not None:
        # Used tickets are no longer refunded, but stores written before may hold one.
        ticket._refunded(amount_cents=ticket.price_cents, **STAMP)
    elif status == "refunded":
        ticket.refund(STAMP)
    row = {
        "id": str(ticket.id),
        "code": code,
        "performance_id": performance,
        "patron_id": None,
        "order_id": "o",
        "status": status,
        "price_level": "Adult",
        "admitted_at": (AT - admitted).isoformat() if admitted is not None else None,
        "admitted_door": door if admitted is not None else None,
    }
    return ticket, row


def performance_named(performance_id: str) -> PerformanceFacts:
    """What WRONG PERFORMANCE names (only its id matters here)."""
    return PerformanceFacts(performance_id, "", "", performance_id)


CASES = list(
    itertools.product(
        ("valid", "refunded"),
        ("tonight", "tomorrow"),
        (None, timedelta(seconds=1), timedelta(minutes=5), timedelta(seconds=-3)),
        ("North door", "South door"),
    )
)


@pytest.mark.parametrize(("status", "performance", "admitted", "door"), CASES)
def test_the_offline_verdict_is_the_tickets_own(status, performance, admitted, door):
    ticket, row = ticket_and_copy(status, performance, admitted, door)
    expected = ticket.verdict("tonight", "North door", AT)
    result, queued = decide_offline(
        read_scan(ticket.code),
        row,
        [],
        "tonight",
        "North door",
        AT,
        performance_named,
    )
    assert (result.verdict, result.repeat) == expected
    assert result.offline is True
    assert queued["kind"] == ("admit" if expected == ("admit", False) else "refuse")


def test_the_doors_own_queued_admission_and_undo_count():
    _ticket, row = ticket_and_copy("valid", "tonight", None, "")
    reading = read_scan(row["code"])
    admitted = [
        {
            "kind": "admit",
            "occurred_at": (AT - timedelta(minutes=1)).isoformat(),
            "door": "South door",
        }
    ]
    result, queued = decide_offline(
        reading, row, admitted, "tonight", "North door", AT, performance_named
    )
    assert (result.verdict, result.admitted_door) == ("already_admitted", "South door")
    assert queued == {"kind": "refuse", "verdict": "already_admitted", "code": row["code"]}
    undone = [*admitted, {"kind": "undo", "occurred_at": AT.isoformat(), "door": "South door"}]
    result, queued = decide_offline(
        reading, row, undone, "tonight", "North door", AT, performance_named
    )
    assert result.verdict == "admit" and queued["kind"] == "admit"
    with pytest.raises(TicketProblem, match="has not been admitted"):
        check_undo_offline(row, undone)


def test_a_code_the_copy_does_not_hold_is_not_known_here_yet():
    result, queued = decide_offline(
        read_scan(new_code()), None, [], "tonight", "North door", AT, performance_named
    )
    assert (result.verdict, result.problem) == ("unknown", "not_known_here")
    assert queued["kind"] == "refuse" and queued["verdict"] == "unknown"
    garbled, _ = decide_offline(
        read_scan("\x00\x01"), None, [], "tonight", "North door", AT, performance_named
    )
    assert garbled.problem == "nothing_read"
