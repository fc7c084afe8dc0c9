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
from typing import Any

from domain.door import DoorScan, ScanReading
from domain.door_service import QUEUED_ADMISSION, QUEUED_REFUSAL, QUEUED_UNDO
from domain.errors import TicketProblem
from domain.verdicts import (
    ADMIT,
    NOT_FOUND,
    NOT_KNOWN_HERE,
    UNKNOWN,
    VOID,
    WRONG_PERFORMANCE,
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
    performance_of: Callable[[str], dict[str, Any]],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the verdict's facts, the scan to queue) for a scan decided without the store.

    ``ticket`` is the door's copy (``projections.door.ticket``) or None, ``queued``
    this door's scans of that code not yet sent, ``performance_of(id)`` the facts of a
    performance (``id``, ``title``, ``starts_at``, ``label``) for WRONG PERFORMANCE.
    The facts have the keys ``DoorService.scan`` returns, plus ``offline``: True.
    """
    base = {
        "scanned": reading.scanned,
        "code": reading.code,
        "door": door,
        "performance_id": performance_id,
        "hint": reading.hint,
        "problem": reading.problem,
        "at": at.isoformat(),
        "offline": True,
    }
    if ticket is None:
        problem = reading.problem or (NOT_KNOWN_HERE if reading.usable else NOT_FOUND)
        result = {**base, "verdict": UNKNOWN, "problem": problem}
        return result, {
            "kind": QUEUED_REFUSAL,
            "verdict": UNKNOWN,
            "code": reading.code or reading.scanned,
        }
    facts = {
        **base,
        "code": ticket["code"],
        "ticket_id": ticket["id"],
        "patron_id": ticket["patron_id"],
        "price_level": ticket.get("price_level") or "",
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
    refusal = {"kind": QUEUED_REFUSAL, "verdict": verdict, "code": ticket["code"]}
    if verdict == VOID:
        return {**facts, "verdict": VOID, "status": ticket["status"]}, refusal
    if verdict == WRONG_PERFORMANCE:
        right = performance_of(ticket["performance_id"])
        return {**facts, "verdict": verdict, "right_performance": right}, refusal
    if admitted_at is not None:
        facts |= {"admitted_at": admitted_at.isoformat(), "admitted_door": admitted_door}
    result = {**facts, "verdict": verdict, "repeat": repeat}
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
