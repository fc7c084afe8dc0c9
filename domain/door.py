"""The door: what a scan says, and the log of scans that did not admit anyone.

A scan is decided by the Ticket aggregate itself (``Ticket.admit``). Refused
scans change no ticket, yet every attempt must be an event: each is recorded
as its own small ``DoorScan`` aggregate (one event, a fresh id). A single log
per door would have to be read back in full before each refusal, growing
slower all evening, and two workstations sharing a door name would contend
for it; a fresh aggregate costs one insert and never conflicts. The per-door
history is the read model's job (``projections.door``).

``read_scan`` turns what a scanner or a volunteer typed into a ticket code,
repairing what USB scanners commonly garble (lower case, spaces, hyphens,
trailing white space, digits typed through an AZERTY layout, the code sent
twice in one burst) and saying in plain words what is wrong otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.box_office import BoxOfficeEvent
from domain.contact import clean_text
from domain.recording import Stamp
from domain.ticket_codes import (
    ALPHABET,
    CODE_LENGTH,
    MAX_EXTERNAL_LENGTH,
    is_acceptable_external,
    is_own_code,
    normalize_code,
)

# the door's vocabulary, re-exported: ``rules.ADMIT`` reads well where it is used
from domain.verdicts import (
    ADMIT as ADMIT,
)
from domain.verdicts import (
    ALREADY_ADMITTED as ALREADY_ADMITTED,
)
from domain.verdicts import (
    CHECK_CODE as CHECK_CODE,
)
from domain.verdicts import (
    NOT_A_CODE as NOT_A_CODE,
)
from domain.verdicts import (
    NOT_FOUND as NOT_FOUND,
)
from domain.verdicts import (
    NOT_KNOWN_HERE as NOT_KNOWN_HERE,
)
from domain.verdicts import (
    NOTHING_READ as NOTHING_READ,
)
from domain.verdicts import (
    REPEAT_SECONDS as REPEAT_SECONDS,
)
from domain.verdicts import (
    UNKNOWN as UNKNOWN,
)
from domain.verdicts import (
    UNREADABLE as UNREADABLE,
)
from domain.verdicts import (
    VERDICTS as VERDICTS,
)
from domain.verdicts import (
    VOID as VOID,
)
from domain.verdicts import (
    WRONG_PERFORMANCE as WRONG_PERFORMANCE,
)

DEFAULT_DOOR = "Main door"
#: longest piece of a refused scan kept in the log (what was read, shown back)
MAX_LOGGED = 80

# The digit row of an AZERTY keyboard without shift: a scanner configured for
# QWERTY on a French or Belgian computer types these instead of 1234567890.
_AZERTY_DIGITS = str.maketrans("&é\"'(-è_çà§", "12345678906")


@dataclass(frozen=True)
class ScanReading:
    """What was read: the code to look up, or why there is none."""

    scanned: str  # as read, with invisible characters made visible
    code: str  # normalised; "" when nothing usable was read
    hint: str = ""  # plain words for the volunteer when the code looks wrong
    looks_own: bool = False  # shaped like a Houselights code
    problem: str = ""  # NOTHING_READ, CHECK_CODE, UNREADABLE or NOT_A_CODE

    @property
    def usable(self) -> bool:
        return bool(self.code)


def visible(text: str) -> str:
    """What was read, with control characters shown (never dropped silently)."""
    shown = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text or "")
    return shown if len(shown) <= MAX_LOGGED else shown[: MAX_LOGGED - 1] + "…"


def read_scan(text: str) -> ScanReading:
    raw = text or ""
    shown = visible(raw.strip())
    stripped = "".join(ch for ch in raw if ch.isprintable()).strip()
    code = normalize_code(stripped)
    if not code:
        return ScanReading(
            shown, "", "Nothing was read. Scan the ticket again.", problem=NOTHING_READ
        )
    candidates = [code]
    azerty = normalize_code(stripped.translate(_AZERTY_DIGITS))
    if azerty != code:
        candidates.append(azerty)
    for candidate in candidates:
        if is_own_code(candidate):
            return ScanReading(shown, candidate, looks_own=True)
        half = candidate[: len(candidate) // 2]
        if candidate == half + half and is_own_code(half):  # the code twice in one burst
            return ScanReading(shown, half, looks_own=True)
    if _shaped_like_own(code) or _shaped_like_own(azerty):
        return ScanReading(
            shown,
            "",
            "This looks like one of our codes, but a character is wrong: check the code "
            "(scan again, or type it from the ticket).",
            looks_own=True,
            problem=CHECK_CODE,
        )
    if len(raw.strip()) != len(stripped) or len(code) > MAX_EXTERNAL_LENGTH:
        return ScanReading(
            shown,
            "",
            "The scanner sent unreadable characters. Scan the ticket again.",
            problem=UNREADABLE,
        )
    if not is_acceptable_external(code):
        return ScanReading(
            shown, "", "This is not a ticket code. Scan the ticket again.", problem=NOT_A_CODE
        )
    return ScanReading(shown, code)


def may_become_own_code(text: str) -> bool:
    """Whether what a scanner has typed so far can still grow into one of our codes
    (once, or twice in one burst; AZERTY digits and lower case included)."""
    for candidate in (text, text.translate(_AZERTY_DIGITS)):
        code = normalize_code(candidate)
        if len(code) <= 2 * CODE_LENGTH and all(c in ALPHABET for c in code):
            return True
    return False


def _shaped_like_own(code: str) -> bool:
    return len(code) == CODE_LENGTH and sum(c in ALPHABET for c in code) >= CODE_LENGTH - 1


def clean_door(door: str | None) -> str:
    return clean_text(door)[:60] or DEFAULT_DOOR


class DoorScan(Aggregate):
    """One scan at a door that admitted no one: refused (``verdict`` says why) or
    the same ticket scanned again a moment after its admission (``repeat``)."""

    REPEAT = "repeat"

    class Event(BoxOfficeEvent):
        pass

    @event("Recorded")
    def __init__(
        self,
        code: str,
        verdict: str,
        performance_id: str,
        door: str,
        occurred_at: datetime,
        recorded_by: str,
        workstation: str,
    ):
        self.code = code
        self.verdict = verdict
        self.performance_id = performance_id
        self.door = door

    @classmethod
    def _recorded(cls, scan_id: str, **values: Any) -> DoorScan:
        """A fresh scan, or one with the id an offline door gave it when it queued the
        scan (so sending it twice records it once: the second save conflicts)."""
        if scan_id:
            return cls._create(cls.Recorded, id=UUID(scan_id), **values)  # type: ignore[attr-defined]  # made by @event("Recorded")
        return cls(**values)

    @classmethod
    def refused(
        cls,
        code: str,
        verdict: str,
        performance_id: str,
        door: str,
        stamp: Stamp,
        scan_id: str = "",
    ) -> DoorScan:
        if verdict not in VERDICTS or verdict == ADMIT:
            raise ValueError(f"not a refusal: {verdict!r}")
        return cls._recorded(
            scan_id,
            code=code[:MAX_LOGGED],
            verdict=verdict,
            performance_id=str(performance_id),
            door=clean_door(door),
            **stamp,
        )

    @classmethod
    def repeated(
        cls, code: str, performance_id: str, door: str, stamp: Stamp, scan_id: str = ""
    ) -> DoorScan:
        return cls._recorded(
            scan_id,
            code=code,
            verdict=cls.REPEAT,
            performance_id=str(performance_id),
            door=clean_door(door),
            **stamp,
        )
