"""The loyalty ladder and the greeting cue at the door, as pure rules.

A patron starts as a **tryer** (a first transaction), becomes a **buyer**
(repeat buyer, multi-buyer, subscriber or member) and, with good care, an
**advocate** (an engaged investor: donates, renews, brings others). Anyone
without activity for long enough has **lapsed**. Someone with no transaction
yet is a **prospect**. The thresholds are parameters (``LoyaltyThresholds``);
the desktop declares them as settings.

``assess(facts, now, thresholds)`` replays a patron's dated facts (orders,
subscriptions, memberships, donations, visits) and says where they stand
(``Placement``: rung, buyer or advocate kind, the *reasons*: which facts put
them there), since when, and each change of rung on the way (``Move``).

The greeting cue tells a door volunteer something to say: the first name,
which visit this is, the rung, a cue (first visit, back after a long absence,
subscriber since, donor to thank) and interests to talk about. It never
carries donation amounts: the facts it is built from hold none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

PROSPECT, TRYER, BUYER, ADVOCATE, LAPSED = "prospect", "tryer", "buyer", "advocate", "lapsed"
RUNGS = (PROSPECT, TRYER, BUYER, ADVOCATE, LAPSED)

FIRST_VISIT, WELCOME_BACK, SUBSCRIBER, MEMBER, THANK_DONOR = (
    "first_visit",
    "welcome_back",
    "subscriber",
    "member",
    "thank_donor",
)

DAYS_PER_MONTH = 30.44

#: kinds of buyer, strongest commitment first
SUBSCRIBER_BUYER, MEMBER_BUYER, MULTI_BUYER, REPEAT_BUYER = (
    "subscriber",
    "member",
    "multi_buyer",
    "repeat",
)
BUYER_KINDS = (SUBSCRIBER_BUYER, MEMBER_BUYER, MULTI_BUYER, REPEAT_BUYER)
#: kinds of advocate
RENEWS, DONOR, BRINGS_OTHERS = "renews", "donor", "brings_others"
ADVOCATE_KINDS = (RENEWS, DONOR, BRINGS_OTHERS)


@dataclass(frozen=True)
class LoyaltyThresholds:
    #: orders that make a repeat buyer
    buyer_purchases: int = 2
    #: different productions bought that make a multi-buyer
    multi_buyer_productions: int = 2
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


def lapse_moment(last_activity: datetime, thresholds: LoyaltyThresholds) -> datetime:
    """When a patron whose last activity was ``last_activity`` lapses, if nothing happens."""
    return last_activity + timedelta(days=thresholds.lapsed_months * DAYS_PER_MONTH)


def buyer_kinds(facts: PatronFacts, thresholds: LoyaltyThresholds | None = None) -> tuple[str, ...]:
    """Every kind of buyer these facts make, strongest commitment first."""
    t = thresholds or LoyaltyThresholds()
    kinds = []
    if facts.subscriptions >= 1:
        kinds.append(SUBSCRIBER_BUYER)
    if facts.member_since is not None:
        kinds.append(MEMBER_BUYER)
    if facts.productions >= t.multi_buyer_productions:
        kinds.append(MULTI_BUYER)
    if facts.purchases >= t.buyer_purchases:
        kinds.append(REPEAT_BUYER)
    return tuple(kinds)


def advocate_kinds(
    facts: PatronFacts, thresholds: LoyaltyThresholds | None = None
) -> tuple[str, ...]:
    """Every way these facts make an advocate: renews, donates, brings others."""
    t = thresholds or LoyaltyThresholds()
    bought_enough = facts.purchases >= t.advocate_purchases
    kinds = []
    if facts.subscriptions >= t.advocate_subscriptions:
        kinds.append(RENEWS)
    if facts.donations >= t.advocate_donations and bought_enough:
        kinds.append(DONOR)
    if facts.group_orders >= t.advocate_group_orders and bought_enough:
        kinds.append(BRINGS_OTHERS)
    return tuple(kinds)


def rung(facts: PatronFacts, now: datetime, thresholds: LoyaltyThresholds | None = None) -> str:
    return standing(facts, now, thresholds or LoyaltyThresholds())[0]


def standing(
    facts: PatronFacts, now: datetime, t: LoyaltyThresholds
) -> tuple[str, tuple[str, ...]]:
    """The rung these facts make at ``now``, with its advocate or buyer kinds (none for
    the other rungs)."""
    if facts.transactions == 0:
        return PROSPECT, ()
    if facts.last_activity and now >= lapse_moment(facts.last_activity, t):
        return LAPSED, ()
    kinds = advocate_kinds(facts, t)
    if kinds:
        return ADVOCATE, kinds
    kinds = buyer_kinds(facts, t)
    if kinds:
        return BUYER, kinds
    return TRYER, ()


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
    words: dict[str, Callable[[Cue], str]] = {
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


# -- the ladder over time: where a patron stands, why, and since when ----------------
ORDER, SUBSCRIPTION, MEMBERSHIP, DONATION, VISIT = (
    "order",
    "subscription",
    "membership",
    "donation",
    "visit",
)
#: why a patron stands where they do (besides the buyer and advocate kinds)
FIRST_TRANSACTION, NO_ACTIVITY = "first_transaction", "no_activity"


@dataclass(frozen=True)
class Fact:
    """One thing a patron did that the ladder counts, with the event it came from.

    Orders carry the production bought and the tickets still held (a refund
    lowers it; an order with none left is no fact at all). Visits are
    performances attended: they keep a patron active but are no transaction.
    """

    kind: str  # ORDER, SUBSCRIPTION, MEMBERSHIP, DONATION, VISIT
    at: datetime
    ref: str = ""  # the order, subscription, membership, donation or performance
    position: int = 0  # the event's place in the store
    production: str = ""
    tickets: int = 0
    label: str = ""  # a few words for people: the title, the package, the level


@dataclass(frozen=True)
class Reason:
    """A rule that holds (``FIRST_TRANSACTION``, a buyer or advocate kind,
    ``NO_ACTIVITY``) and the facts that make it hold, earliest first."""

    rule: str
    facts: tuple[Fact, ...]


@dataclass(frozen=True)
class Placement:
    rung: str
    #: the buyer kind (BUYER) or advocate kind (ADVOCATE) that matters most; "" otherwise
    kind: str = ""
    kinds: tuple[str, ...] = ()
    reasons: tuple[Reason, ...] = ()
    #: when the patron reached this rung (None for a prospect)
    since: datetime | None = None
    #: lapsed: the rung they held before
    was: str = ""
    #: when they lapse if nothing else happens (None for prospects and the lapsed)
    lapses_at: datetime | None = None


@dataclass(frozen=True)
class Move:
    at: datetime
    from_rung: str
    to_rung: str
    kind: str = ""


@dataclass(frozen=True)
class Assessment:
    placement: Placement
    moves: tuple[Move, ...]


class _Tally:
    """Running counts of a patron's facts, in the order they happened."""

    def __init__(self, thresholds: LoyaltyThresholds):
        self.t = thresholds
        self.orders: list[Fact] = []
        self.productions: dict[str, Fact] = {}
        self.group_orders: list[Fact] = []
        self.subscriptions: list[Fact] = []
        self.memberships: list[Fact] = []
        self.donations: list[Fact] = []
        self.first: Fact | None = None
        self.last: Fact | None = None

    def add(self, fact: Fact) -> None:
        if fact.kind == ORDER:
            self.orders.append(fact)
            self.productions.setdefault(fact.production or fact.ref, fact)
            if fact.tickets >= self.t.group_size:
                self.group_orders.append(fact)
        elif fact.kind == SUBSCRIPTION:
            self.subscriptions.append(fact)
        elif fact.kind == MEMBERSHIP:
            self.memberships.append(fact)
        elif fact.kind == DONATION:
            self.donations.append(fact)
        if fact.kind != VISIT and self.first is None:
            self.first = fact
        if self.last is None or fact.at >= self.last.at:
            self.last = fact

    def facts(self) -> PatronFacts:
        return PatronFacts(
            purchases=len(self.orders),
            productions=len(self.productions),
            group_orders=len(self.group_orders),
            subscriptions=len(self.subscriptions),
            subscriber_since=self.subscriptions[0].at if self.subscriptions else None,
            member_since=self.memberships[0].at if self.memberships else None,
            donations=len(self.donations),
            last_activity=self.last.at if self.last else None,
        )

    def reason(self, rule: str) -> Reason:
        t = self.t
        chosen = {
            SUBSCRIBER_BUYER: self.subscriptions[:1],
            MEMBER_BUYER: self.memberships[:1],
            MULTI_BUYER: list(self.productions.values())[: t.multi_buyer_productions],
            REPEAT_BUYER: self.orders[: t.buyer_purchases],
            RENEWS: self.subscriptions[: t.advocate_subscriptions],
            DONOR: self.donations[: t.advocate_donations] + self.orders[: t.advocate_purchases],
            BRINGS_OTHERS: self.group_orders[: t.advocate_group_orders]
            + self.orders[: t.advocate_purchases],
            FIRST_TRANSACTION: [self.first] if self.first else [],
            NO_ACTIVITY: [self.last] if self.last else [],
        }[rule]
        unique = {(f.kind, f.ref): f for f in chosen}
        return Reason(rule, tuple(sorted(unique.values(), key=lambda f: (f.at, f.kind, f.ref))))

    def place(
        self, now: datetime, since: datetime | None = None, explain: bool = True
    ) -> Placement:
        """Where the facts so far put the patron at ``now``; with ``explain`` the reasons."""
        t = self.t
        facts = self.facts()
        where, kinds = standing(facts, now, t)
        lapses = lapse_moment(self.last.at, t) if self.last else None
        if where == PROSPECT:
            return Placement(PROSPECT)
        if where == LAPSED:
            assert self.last is not None  # lapsed: there was activity once
            was = rung(facts, self.last.at, t)
            lapsed: tuple[Reason, ...] = (self.reason(NO_ACTIVITY),) if explain else ()
            return Placement(LAPSED, reasons=lapsed, since=since, was=was)
        rules = kinds if where != TRYER else (FIRST_TRANSACTION,)
        reasons: tuple[Reason, ...] = tuple(self.reason(rule) for rule in rules) if explain else ()
        return Placement(where, kinds[0] if kinds else "", kinds, reasons, since, lapses_at=lapses)

    def step(self, now: datetime) -> tuple[str, str]:
        """The rung and kind of ``place(now)``, without the placement (``assess`` asks
        at every moment of a patron's history)."""
        where, kinds = standing(self.facts(), now, self.t)
        return where, kinds[0] if kinds else ""


def assess(
    facts: Iterable[Fact],
    now: datetime,
    thresholds: LoyaltyThresholds | None = None,
    explain: bool = True,
) -> Assessment:
    """Where a patron stands now, why, and every change of rung that led there.

    The facts are replayed in the order they happened; the rung is worked out
    with ``rung()`` after each moment. A patron lapses on the day the lapse
    threshold is crossed (``lapse_moment`` of the last activity), which is when
    such a move is dated, even though no event happened then. Without ``explain``
    the placement holds no reasons (the read model keeps none).
    """
    t = thresholds or LoyaltyThresholds()
    tally = _Tally(t)
    current, moves = PROSPECT, []

    def lapse_before(moment: datetime) -> None:
        nonlocal current
        if tally.last is not None and current not in (PROSPECT, LAPSED):
            lapsed_at = lapse_moment(tally.last.at, t)
            if lapsed_at <= moment:
                moves.append(Move(lapsed_at, current, LAPSED))
                current = LAPSED

    ordered = sorted(facts, key=lambda f: (f.at, f.position, f.kind, f.ref))
    i = 0
    while i < len(ordered):
        moment = ordered[i].at
        lapse_before(moment)
        while i < len(ordered) and ordered[i].at == moment:
            tally.add(ordered[i])
            i += 1
        where, kind = tally.step(moment)
        if where != current:
            moves.append(Move(moment, current, where, kind))
            current = where
    lapse_before(now)
    since = moves[-1].at if moves else None
    return Assessment(tally.place(now, since, explain), tuple(moves))
