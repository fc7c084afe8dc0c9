"""Checking a ticket in without the window (the ``check-in`` command, scripts).

The same rules as the door view: the door's front (``services.door()``, which is
``app.scan`` while the store answers and the door's own copy and queue when it does
not) decides and records, the door read model supplies the greeting. Door staff data
only: no amounts, no contact details.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from typing import Any, Literal

from desktop import formatting
from domain import door as rules
from domain import loyalty
from domain.door_service import ScanResult
from domain.verdicts import Verdict
from projections import door, ladder

#: an UNKNOWN verdict for input that is not a well-formed code at all
INVALID: Literal["invalid"] = "invalid"
#: the scan's facts ``check-in --json`` prints after its own, where they are not empty
SHOWN_FACTS = (
    "code",
    "door",
    "performance_id",
    "at",
    "admitted_at",
    "admitted_door",
    "right_performance",
    "status",
    "problem",
)


@dataclass(frozen=True, slots=True)
class AdmittedPatron:
    """Whom the door admitted and how to greet them (``check-in``'s ``patron``)."""

    id: str
    first_name: str
    visit: int
    rung: str
    cues: list[str]
    interests: list[str]
    greeting: str


@dataclass(frozen=True, slots=True)
class CheckIn:
    """A ticket checked in from the command line: the verdict (INVALID for input that is
    no code at all), the patron admitted, the sentence to print, whether this door
    decided offline and how many scans wait to be sent; ``scan`` the door's result."""

    verdict: Verdict | Literal["invalid"]
    patron: AdmittedPatron | None
    message: str
    offline: bool
    queued: int
    scan: ScanResult

    def to_json(self) -> dict[str, Any]:
        """What ``houselights check-in --json`` prints."""
        facts = self.scan.to_json()
        right = facts.get("right_performance")
        if isinstance(right, dict):  # its label written out (the domain keeps a date mark)
            facts = {
                **facts,
                "right_performance": {**right, "label": formatting.words(right["label"])},
            }
        return {
            "verdict": self.verdict,
            "patron": asdict(self.patron) if self.patron is not None else None,
            "message": self.message,
            "offline": self.offline,
            "queued": self.queued,
            **{k: facts[k] for k in SHOWN_FACTS if k in facts and facts[k] != ""},
        }


def door_greeting(
    db,
    patron_id: str,
    performance_id: str,
    thresholds: loyalty.LoyaltyThresholds | None = None,
    now: datetime | None = None,
) -> loyalty.Greeting:
    """What to say to a patron admitted now: the door read model's facts for the visit
    and the cues, the loyalty ladder's rung (so the door agrees with the patron page,
    refunds and all); the door's own reckoning only when the ladder has no row yet."""
    t = thresholds or loyalty.LoyaltyThresholds()
    now = now or datetime.now(tz=UTC)
    facts = door.patron_facts(db, patron_id, performance_id, t.group_size)
    greeting = loyalty.greeting(facts, now, t)
    rung = ladder.patron_rung(db, patron_id, now)
    return replace(greeting, rung=rung) if rung else greeting


def verdict_words(result: ScanResult) -> str:
    """The command line's sentence for a scan's verdict (the door view has its own,
    translated, in ``desktop/views/door``)."""
    verdict = result.verdict
    if verdict == rules.ADMIT:
        return "Admitted (the same scan twice)." if result.repeat else "Admit."
    if verdict == rules.ALREADY_ADMITTED:
        assert result.admitted_at is not None  # ALREADY ADMITTED always says when
        first = formatting.time(result.admitted_at)
        return f"Already admitted at {first} ({result.admitted_door})."
    if verdict == rules.WRONG_PERFORMANCE:
        assert result.right_performance is not None  # WRONG PERFORMANCE names the right one
        return f"This ticket is for {formatting.words(result.right_performance.label)}."
    if verdict == rules.VOID:
        return f"Ticket {result.code} was {result.status}: not valid."
    if result.problem == rules.NOT_KNOWN_HERE:
        return (
            "Not known here yet — may have been sold while offline; check by name or ID "
            f"(read: {result.scanned})."
        )
    hint = result.hint or "We have no ticket with this code. Check the code."
    return f"Unknown code {result.scanned}. {hint}"


def check_in(
    services,
    code: str,
    performance_id: str,
    door_name: str = rules.DEFAULT_DOOR,
    thresholds: loyalty.LoyaltyThresholds | None = None,
) -> CheckIn:
    """The door's verdict on ``code`` (``CheckIn``): ``offline`` when the shared store did
    not answer and this door decided (and queued the scan), ``queued`` the scans
    waiting to be sent."""
    front = services.door()
    result: ScanResult = front.scan(code, performance_id, door_name)
    verdict: Verdict | Literal["invalid"] = result.verdict
    known = (rules.NOT_FOUND, rules.NOT_KNOWN_HERE)
    if verdict == rules.UNKNOWN and result.problem not in known:
        verdict = INVALID
    patron = None
    if result.verdict == rules.ADMIT and result.patron_id:
        runner = getattr(services, "runner", None)
        if runner is not None and not result.offline:
            runner.catch_up()
        greeting = door_greeting(front.db(), result.patron_id, performance_id, thresholds)
        patron = AdmittedPatron(
            id=result.patron_id,
            first_name=greeting.first_name,
            visit=greeting.visit_number,
            rung=greeting.rung,
            cues=[c.kind for c in greeting.cues],
            interests=list(greeting.interests),
            greeting=loyalty.describe(greeting),
        )
    message = (
        verdict_words(result) if verdict != INVALID else f"{result.hint} (read: {result.scanned})"
    )
    return CheckIn(
        verdict=verdict,
        patron=patron,
        message=message,
        offline=bool(result.offline),
        queued=result.queued or 0,
        scan=result,
    )
