"""The door's decision when the shared store cannot be reached in time.

An offline door decides from what it holds: its copy of the ticket (the door read
model: status, performance, admission) with its own queued scans laid over it (an
admission queued here a minute ago counts, an undo queued here clears it). The rule
is the Ticket's own, ``domain.verdicts.door_verdict``; nothing here reads a store.

A ticket the door's copy does not know may have been sold after the door lost the
store: the verdict is UNKNOWN with ``problem`` NOT_KNOWN_HERE, and the words say to
check by name or ID rather than calling it a bad code.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any

from domain.door import DoorScan, ScanReading
from domain.door_service import (
    QUEUED_ADMISSION,
    QUEUED_REFUSAL,
    QUEUED_UNDO,
    KnownTicket,
    PerformanceFacts,
    ScanResult,
)
from domain.errors import TicketProblem
from domain.verdicts import (
    ADMIT,
    NOT_FOUND,
    NOT_KNOWN_HERE,
    UNKNOWN,
    door_verdict,
)


def admission_now(
    ticket: dict[str, Any], queued: list[dict[str, Any]]
) -> tuple[datetime | None, str]:
    """When and where the ticket is admitted as this door knows it: its copy of the
    ticket, then this door's own queued admissions and undos in order."""
    at = datetime.fromisoformat(ticket["admitted_at"]) if ticket.get("admitted_at") else None
    door = ticket.get("admitted_door") or ""
    for scan in queued:
        if scan["kind"] == QUEUED_ADMISSION:
            at, door = datetime.fromisoformat(scan["occurred_at"]), scan["door"]
        elif scan["kind"] == QUEUED_UNDO:
            at, door = None, ""
    return at, door


def decide_offline(
    reading: ScanReading,
    ticket: dict[str, Any] | None,
    queued: list[dict[str, Any]],
    performance_id: str,
    door: str,
    at: datetime,
    performance_of: Callable[[str], PerformanceFacts],
) -> tuple[ScanResult, dict[str, Any]]:
    """(the verdict and its facts, the scan to queue) for a scan decided without the store.

    ``ticket`` is the door's copy (``projections.door.ticket``) or None, ``queued``
    this door's scans of that code not yet sent, ``performance_of(id)`` the performance
    WRONG PERFORMANCE names. The result is what ``DoorService.scan`` returns, with
    ``offline`` True.
    """
    if ticket is None:
        problem = reading.problem or (NOT_KNOWN_HERE if reading.usable else NOT_FOUND)
        result = ScanResult.unknown(reading, door, performance_id, at, problem, offline=True)
        return result, {
            "kind": QUEUED_REFUSAL,
            "verdict": UNKNOWN,
            "code": reading.code or reading.scanned,
        }
    admitted_at, admitted_door = admission_now(ticket, queued)
    verdict, repeat = door_verdict(
        ticket["status"],
        ticket["performance_id"],
        admitted_at,
        admitted_door,
        performance_id,
        door,
        at,
    )
    known = KnownTicket(
        ticket["id"],
        ticket["code"],
        ticket["patron_id"],
        ticket.get("price_level") or "",
        ticket["status"],
        admitted_at,
        admitted_door,
    )
    right = partial(performance_of, ticket["performance_id"])
    result = ScanResult.decided(
        reading, door, performance_id, at, verdict, repeat, known, right, offline=True
    )
    refusal = {"kind": QUEUED_REFUSAL, "verdict": verdict, "code": ticket["code"]}
    if verdict == ADMIT and not repeat:
        return result, {"kind": QUEUED_ADMISSION, "verdict": ADMIT, "code": ticket["code"]}
    if repeat:
        return result, {**refusal, "verdict": DoorScan.REPEAT}
    return result, refusal


def check_undo_offline(ticket: dict[str, Any] | None, queued: list[dict[str, Any]]) -> None:
    """An offline door undoes only an admission it knows of (``TicketProblem`` else)."""
    if ticket is None:
        raise TicketProblem("We have no ticket with this code.")
    if admission_now(ticket, queued)[0] is None:
        raise TicketProblem(f"Ticket {ticket['code']} has not been admitted; nothing to undo.")
