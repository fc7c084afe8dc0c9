"""What the door says about a scanned ticket: the verdicts, and why a code is unknown.

The Ticket aggregate decides (``Ticket.verdict``); the door service records what
it decided; the words for each verdict belong to the door view and the command line.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final, Literal

#: what the door says to a scan (the values stored in events and printed as JSON)
Verdict = Literal["admit", "already_admitted", "wrong_performance", "void", "unknown"]

ADMIT: Final = "admit"
ALREADY_ADMITTED: Final = "already_admitted"
WRONG_PERFORMANCE: Final = "wrong_performance"
VOID: Final = "void"
UNKNOWN: Final = "unknown"
VERDICTS: tuple[Verdict, ...] = (ADMIT, ALREADY_ADMITTED, WRONG_PERFORMANCE, VOID, UNKNOWN)

#: why an UNKNOWN scan is unknown (the door view words each its own way);
#: NOT_KNOWN_HERE: an offline door has no such ticket in its copy (it may have been
#: sold since the door lost the store: check by name or ID)
NOTHING_READ, CHECK_CODE, UNREADABLE, NOT_A_CODE, NOT_FOUND, NOT_KNOWN_HERE = (
    "nothing_read",
    "check_code",
    "unreadable",
    "not_a_code",
    "not_found",
    "not_known_here",
)

#: a second scan of the same ticket at the same door this soon is the scanner
#: triggering twice, not a second person: the patron still sees ADMIT
REPEAT_SECONDS = 2.0


#: ticket statuses (``Ticket.VALID`` ...): only a valid ticket gets in
VALID = "valid"


def door_verdict(
    status: str,
    ticket_performance_id: str,
    admitted_at: datetime | None,
    admitted_door: str,
    performance_id: str,
    door: str,
    at: datetime,
) -> tuple[Verdict, bool]:
    """The door's rule, on a ticket's facts: (a verdict, whether it is the same scan again).

    A void ticket never gets in, nor one for another performance, nor one already
    admitted, except that the scanner firing twice at the same door within
    ``REPEAT_SECONDS`` still reads ADMIT. ``Ticket.verdict`` decides with it on the
    stored ticket, and an offline door on the facts of its own copy."""
    if status != VALID:
        return VOID, False
    if str(ticket_performance_id) != str(performance_id):
        return WRONG_PERFORMANCE, False
    if admitted_at is not None:
        seconds = (at - admitted_at).total_seconds()
        if admitted_door == door and 0 <= seconds < REPEAT_SECONDS:
            return ADMIT, True
        return ALREADY_ADMITTED, False
    return ADMIT, False
