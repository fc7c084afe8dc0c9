"""The loyalty ladder and the greeting cue at the door, as pure rules.

A patron starts as a **tryer** (a first transaction), becomes a **buyer**
(repeat buyer, multi-buyer, subscriber or member) and, with good care, an
**advocate** (an engaged investor: donates, renews, brings others). Anyone
without activity for long enough has **lapsed**. Someone with no transaction
yet is a **prospect**. The thresholds are parameters (``LoyaltyThresholds``);
the desktop declares them as settings.

The greeting cue tells a door volunteer something to say: the first name,
which visit this is, the rung, a cue (first visit, back after a long absence,
subscriber since, donor to thank) and interests to talk about. It never
carries donation amounts: the facts it is built from hold none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

PROSPECT, TRYER, BUYER, ADVOCATE, LAPSED = "prospect", "tryer", "buyer", "advocate", "lapsed"
RUNGS = (PROSPECT, TRYER, BUYER, ADVOCATE, LAPSED)

FIRST_VISIT, WELCOME_BACK, SUBSCRIBER, MEMBER, THANK_DONOR = (
    "first_visit", "welcome_back", "subscriber", "member", "thank_donor",
)  # fmt: skip

DAYS_PER_MONTH = 30.44


@dataclass(frozen=True)
class LoyaltyThresholds:
    #: orders that make a repeat buyer
    buyer_purchases: int = 2
    #: orders an advocate has made besides donating or bringing others
    advocate_purchases: int = 3
    #: donations that, with those orders, make an advocate
    advocate_donations: int = 1
    #: subscriptions bought (the second one is a renewal) that make an advocate
    advocate_subscriptions: int = 2
    #: orders for a group that, with those orders, make an advocate (brings others)
    advocate_group_orders: int = 2
    #: tickets in one order that count as bringing others
    group_size: int = 3
    #: months without any activity after which a patron has lapsed
    lapsed_months: int = 18
    #: months since the last visit after which the door says "welcome back"
    long_absence_months: int = 12


@dataclass(frozen=True)
class PatronFacts:
    """What the door read model knows about a patron (no amounts, no contact details)."""

    first_name: str = ""
    tags: tuple[str, ...] = ()
    purchases: int = 0  # orders
    productions: int = 0  # different productions bought
    group_orders: int = 0  # orders with at least ``group_size`` tickets
    visits: int = 0  # performances attended before this one
    last_visit: datetime | None = None
    last_activity: datetime | None = None
    subscriptions: int = 0
    subscriber_since: datetime | None = None
    member_since: datetime | None = None
    donations: int = 0
    unthanked_donations: int = 0

    @property
    def transactions(self) -> int:
        return self.purchases + self.donations + self.subscriptions + bool(self.member_since)


@dataclass(frozen=True)
class Cue:
    kind: str  # FIRST_VISIT, WELCOME_BACK, SUBSCRIBER, MEMBER, THANK_DONOR
    value: int | None = None  # months away, or the year they subscribed / joined


@dataclass(frozen=True)
class Greeting:
    first_name: str
    visit_number: int
    rung: str
    cues: tuple[Cue, ...] = field(default_factory=tuple)
    interests: tuple[str, ...] = ()

    def cue(self, kind: str) -> Cue | None:
        return next((c for c in self.cues if c.kind == kind), None)


def months_between(earlier: datetime, later: datetime) -> float:
    return (later - earlier).total_seconds() / 86400 / DAYS_PER_MONTH


def rung(facts: PatronFacts, now: datetime, thresholds: LoyaltyThresholds | None = None) -> str:
    t = thresholds or LoyaltyThresholds()
    if facts.transactions == 0:
        return PROSPECT
    if facts.last_activity and months_between(facts.last_activity, now) >= t.lapsed_months:
        return LAPSED
    bought_enough = facts.purchases >= t.advocate_purchases
    if (
        (facts.donations >= t.advocate_donations and bought_enough)
        or facts.subscriptions >= t.advocate_subscriptions
        or (facts.group_orders >= t.advocate_group_orders and bought_enough)
    ):
        return ADVOCATE
    if (
        facts.purchases >= t.buyer_purchases
        or facts.productions >= 2
        or facts.subscriptions >= 1
        or facts.member_since is not None
    ):
        return BUYER
    return TRYER


def greeting(
    facts: PatronFacts, now: datetime, thresholds: LoyaltyThresholds | None = None
) -> Greeting:
    """What to say to the patron being admitted now (this visit included)."""
    t = thresholds or LoyaltyThresholds()
    cues: list[Cue] = []
    if facts.visits == 0:
        cues.append(Cue(FIRST_VISIT))
    elif facts.last_visit is not None:
        away = months_between(facts.last_visit, now)
        if away >= t.long_absence_months:
            cues.append(Cue(WELCOME_BACK, int(away)))
    if facts.subscriber_since is not None:
        cues.append(Cue(SUBSCRIBER, facts.subscriber_since.year))
    elif facts.member_since is not None:
        cues.append(Cue(MEMBER, facts.member_since.year))
    if facts.unthanked_donations > 0:
        cues.append(Cue(THANK_DONOR))
    return Greeting(
        first_name=facts.first_name,
        visit_number=facts.visits + 1,
        rung=rung(facts, now, t),
        cues=tuple(cues),
        interests=tuple(facts.tags),
    )


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 22nd, 101st."""
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def describe(g: Greeting) -> str:
    """The greeting in one English line (command line, logs)."""
    parts = [g.first_name or "Guest", f"{ordinal(g.visit_number)} visit", g.rung]
    words = {
        FIRST_VISIT: lambda c: "first visit: welcome them",
        WELCOME_BACK: lambda c: f"back after {c.value} months: welcome them back",
        SUBSCRIBER: lambda c: f"subscriber since {c.value}",
        MEMBER: lambda c: f"member since {c.value}",
        THANK_DONOR: lambda c: "donor: thank them for their support",
    }
    parts += [words[c.kind](c) for c in g.cues]
    if g.interests:
        parts.append("likes " + ", ".join(g.interests))
    return " · ".join(parts)
