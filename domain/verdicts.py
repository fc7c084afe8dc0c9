"""What the door says about a scanned ticket: the verdicts, and why a code is unknown.

The Ticket aggregate decides (``Ticket.verdict``); the door service records what
it decided; the words for each verdict belong to the door view and the command line.
"""

from __future__ import annotations

ADMIT = "admit"
ALREADY_ADMITTED = "already_admitted"
WRONG_PERFORMANCE = "wrong_performance"
VOID = "void"
UNKNOWN = "unknown"
VERDICTS = (ADMIT, ALREADY_ADMITTED, WRONG_PERFORMANCE, VOID, UNKNOWN)

#: why an UNKNOWN scan is unknown (the door view words each its own way)
NOTHING_READ, CHECK_CODE, UNREADABLE, NOT_A_CODE, NOT_FOUND = (
    "nothing_read", "check_code", "unreadable", "not_a_code", "not_found",
)  # fmt: skip

#: a second scan of the same ticket at the same door this soon is the scanner
#: triggering twice, not a second person: the patron still sees ADMIT
REPEAT_SECONDS = 2.0
