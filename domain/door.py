"""The door: what a scan says, and the log of scans that did not admit anyone.

A scan is decided by the Ticket aggregate itself (``Ticket.admit``). Refused
scans change no ticket, yet every attempt must be an event: they are recorded
on a ``DoorLog``, one aggregate per performance and door (its id is uuid5 of
both, so the log is one repository fetch away and never shared by two doors).

``read_scan`` turns what a scanner or a volunteer typed into a ticket code,
repairing what USB scanners commonly garble (lower case, spaces, hyphens,
trailing white space, digits typed through an AZERTY layout, the code sent
twice in one burst) and saying in plain words what is wrong otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.box_office import BoxOfficeEvent
from domain.contact import clean_text
from domain.ticket_codes import (
    ALPHABET,
    CODE_LENGTH,
    MAX_EXTERNAL_LENGTH,
    is_acceptable_external,
    is_own_code,
    normalize_code,
)

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

DEFAULT_DOOR = "Main door"
#: a second scan of the same ticket at the same door this soon is the scanner
#: triggering twice, not a second person: the patron still sees ADMIT
REPEAT_SECONDS = 2.0
#: longest piece of a refused scan kept in the log (what was read, shown back)
MAX_LOGGED = 80

# The digit row of an AZERTY keyboard without shift: a scanner configured for
# QWERTY on a French or Belgian computer types these instead of 1234567890.
_AZERTY_DIGITS = str.maketrans("&é\"'(-è_çà§", "12345678906")
_DOOR_NAMESPACE = uuid5(NAMESPACE_URL, "https://houselights.app/door-log")


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
        return ScanReading(shown, "", "Nothing was read. Scan the ticket again.",
                           problem=NOTHING_READ)  # fmt: skip
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
            shown, "",
            "This looks like one of our codes, but a character is wrong: check the code "
            "(scan again, or type it from the ticket).",
            looks_own=True, problem=CHECK_CODE,
        )  # fmt: skip
    if len(raw.strip()) != len(stripped) or len(code) > MAX_EXTERNAL_LENGTH:
        return ScanReading(
            shown,
            "",
            "The scanner sent unreadable characters. Scan the ticket again.",
            problem=UNREADABLE,
        )
    if not is_acceptable_external(code):
        return ScanReading(shown, "", "This is not a ticket code. Scan the ticket again.",
                           problem=NOT_A_CODE)  # fmt: skip
    return ScanReading(shown, code)


def _shaped_like_own(code: str) -> bool:
    return len(code) == CODE_LENGTH and sum(c in ALPHABET for c in code) >= CODE_LENGTH - 1


def clean_door(door: str | None) -> str:
    return clean_text(door)[:60] or DEFAULT_DOOR


def door_log_id(performance_id: str, door: str) -> UUID:
    return uuid5(_DOOR_NAMESPACE, f"{performance_id}/{clean_door(door).casefold()}")


class DoorLog(Aggregate):
    """Every scan at one door for one performance that did not admit anyone."""

    class Event(BoxOfficeEvent):
        pass

    @event("Opened")
    def __init__(self, performance_id: str, door: str, occurred_at: datetime,
                 recorded_by: str, workstation: str):  # fmt: skip
        self.performance_id = performance_id
        self.door = door
        self.refused = 0
        self.repeated = 0

    @classmethod
    def open(cls, performance_id: str, door: str, stamp: dict) -> DoorLog:
        return cls._create(
            cls.Opened, id=door_log_id(performance_id, door), performance_id=str(performance_id),
            door=clean_door(door), **stamp,
        )  # fmt: skip

    def refuse(self, code: str, verdict: str, stamp: dict) -> None:
        if verdict not in VERDICTS or verdict == ADMIT:
            raise ValueError(f"not a refusal: {verdict!r}")
        self._scan_refused(code=code[:MAX_LOGGED], verdict=verdict,
                           performance_id=self.performance_id, door=self.door, **stamp)  # fmt: skip

    @event("ScanRefused")
    def _scan_refused(self, code: str, verdict: str, performance_id: str, door: str,
                      occurred_at: datetime, recorded_by: str, workstation: str):  # fmt: skip
        self.refused += 1

    def repeat(self, code: str, stamp: dict) -> None:
        self._scan_repeated(code=code, performance_id=self.performance_id, door=self.door,
                            **stamp)  # fmt: skip

    @event("ScanRepeated")
    def _scan_repeated(self, code: str, performance_id: str, door: str, occurred_at: datetime,
                       recorded_by: str, workstation: str):  # fmt: skip
        self.repeated += 1
