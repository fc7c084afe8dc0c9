"""The demo organization's box-office history: a season of productions with
past and upcoming performances, ticket sales (some to anonymous walk-ups),
refunds, exchanges, subscriptions, memberships and donations (most thanked).

Everything goes through the application service inside the caller's
``app.batch()``; who bought what is reproducible from the seed (ticket codes
stay random: they come from ``secrets``).
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta, tzinfo

from demo.names import FIRST_NAMES, LAST_NAMES
from domain import organization_time
from domain.application import Houselights
from domain.box_office_service import SaleResult
from domain.errors import NotEnoughSeats, TicketProblem

#: title, venue, price levels (cents), how many performances, how popular (0..1)
PRODUCTIONS = (
    ("Hamlet", "Main hall", {"Adult": 3800, "Concession": 2600, "Student": 1500}, 6, 0.9),
    ("The Magic Flute", "Main hall", {"Stalls": 5500, "Circle": 4200, "Student": 2000}, 4, 0.8),
    ("A Midsummer Night's Dream", "Garden stage", {"Adult": 2800, "Child": 1200}, 5, 0.7),
    ("Jazz at the Mill", "Studio", {"Standing": 2000, "Table": 3200}, 4, 0.6),
    ("Swan Lake", "Main hall", {"Stalls": 6000, "Circle": 4500, "Child": 2500}, 4, 0.85),
    ("New Voices: Six Short Plays", "Studio", {"Adult": 1800, "Student": 800}, 3, 0.4),
    ("The Gruffalo (family matinee)", "Main hall", {"Adult": 1600, "Child": 1000}, 4, 0.75),
    ("The Seagull", "Studio", {"Adult": 3000, "Concession": 2200}, 5, 0.5),
)
CHANNELS = ("box_office", "box_office", "phone", "online", "online", "online")
PAYMENTS = ("card",) * 8 + ("cash", "cash", "complimentary")
LEVELS = (
    ("Friend", 6000),
    ("Friend", 6000),
    ("Friend", 6000),
    ("Patron Circle", 25000),
    ("Benefactor", 100000),
)
FUNDS = ("General fund", "General fund", "Youth theatre", "Building appeal", "Access fund")
GIFTS = (1000, 2500, 2500, 5000, 5000, 10000, 25000, 50000)
THANKS = ("letter", "email", "email", "call")
BOX_OFFICE_STAFF = ("maria.box-office", "maria.box-office", "jo.front-of-house", "tom.manager")
BOX_OFFICE_DESKS = ("box-office-1", "box-office-2")
ONLINE = ("online-sales", "office-mac")  # online orders arrive through the import
SEASON_SPAN_DAYS = 330  # performances run from about 11 months ago
UPCOMING_DAYS = 120  # ... to about 4 months from now
MATINEE, EVENING = time(14, 30), time(19, 30)


def _schedule(
    app: Houselights,
    rng: random.Random,
    now: datetime,
    capacity: int,
    runs: int,
    zone: tzinfo | None,
) -> list[dict]:
    shows = []
    first_day = now - timedelta(days=SEASON_SPAN_DAYS)
    gap = (SEASON_SPAN_DAYS + UPCOMING_DAYS) / len(PRODUCTIONS)
    for index, (title, venue, prices, count, popularity) in enumerate(PRODUCTIONS):
        opening = first_day + timedelta(days=index * gap + rng.uniform(0, gap / 3))
        announced = opening - timedelta(days=90)
        production = app.create_production(title, occurred_at=min(announced, now))
        seats = capacity if venue == "Main hall" else max(20, capacity // 2)
        day = opening.date()
        for _ in range(count * runs):
            day += timedelta(days=rng.choice((1, 1, 2, 7)))
            clock = MATINEE if "matinee" in title or rng.random() < 0.2 else EVENING
            starts = organization_time.at(day, clock, zone)  # the venue's 19:30
            pid = app.schedule_performance(
                production, starts, seats, prices, venue=venue, occurred_at=min(announced, now)
            )
            shows.append(
                {
                    "id": pid,
                    "starts": starts,
                    "prices": list(prices),
                    "top_price": max(prices.values()),
                    "popularity": popularity,
                    "production": production,
                }
            )
    return shows


def _office_hours(
    rng: random.Random, moment: datetime, start: datetime, now: datetime, zone: tzinfo | None
) -> datetime:
    """The same day between 10:00 and 19:00 at the venue, when the box office is open."""
    clock = time(rng.randint(10, 18), rng.randint(0, 59))
    opened = organization_time.that_day_at(moment, clock, zone)
    return opened if opened < min(start, now) else moment


def _moment_before(
    rng: random.Random, start: datetime, earliest: datetime, now: datetime
) -> datetime | None:
    """When a purchase for a show starting at ``start`` happened, or None."""
    latest = min(start - timedelta(hours=1), now)
    earliest = max(earliest, start - timedelta(days=75))
    if latest <= earliest:
        return None
    return earliest + (latest - earliest) * rng.random() ** 0.5


def generate_box_office(
    app: Houselights,
    patrons: list[tuple[str, datetime]],
    seed: int,
    now: datetime,
    zone: tzinfo | None,
) -> dict:
    """Add the box-office history for ``patrons`` (id, registered at); performances and
    office hours on the clock of the venue's time zone ``zone`` (None: this computer's)."""
    rng = random.Random(seed * 7919 + 3)
    # Larger organizations run longer seasons and bigger halls; halls are sized
    # so popular runs come close to selling out and quiet ones do not.
    runs = max(1, round((len(patrons) / 2000) ** 0.5))
    capacity = max(40, round(len(patrons) * 0.12 / runs / 10) * 10)
    shows = _schedule(app, rng, now, capacity, runs, zone)
    counts = dict(
        performances=len(shows),
        orders=0,
        anonymous=0,
        walk_ups=0,
        refunds=0,
        exchanges=0,
        subscriptions=0,
        memberships=0,
        donations=0,
        thanked=0,
    )
    sales = []

    def desk() -> None:
        app.context.staff = rng.choice(BOX_OFFICE_STAFF)
        app.context.workstation = rng.choice(BOX_OFFICE_DESKS)

    def sell(show, patron_id, when, payment, channel) -> tuple[SaleResult, datetime] | None:
        if channel == "online":
            app.context.staff, app.context.workstation = ONLINE
        else:
            desk()
            if channel != "walk_up":  # walk-ups come just before the show
                when = _office_hours(rng, when, show["starts"], now, zone)
        levels = rng.sample(show["prices"], rng.choice((1, 1, 1, 2)))
        wanted = {level: rng.choice((1, 1, 2, 2, 2, 3, 4)) for level in levels}
        try:
            sale = app.sell_tickets(
                show["id"],
                wanted,
                patron_id=patron_id,
                payment=payment,
                channel=channel,
                occurred_at=when,
            )
        except NotEnoughSeats:
            return None
        counts["orders"] += 1
        return sale, when

    for patron_id, joined in patrons:
        # Ticket buyers: many try once, some come back, a few come all the time.
        visits = rng.choices((0, 1, 2, 3, 5), weights=(25, 35, 20, 12, 8))[0]
        for show in rng.sample(shows, min(visits, len(shows))):
            if rng.random() > show["popularity"]:
                continue
            when = _moment_before(rng, show["starts"], joined, now)
            if when is None:
                continue
            sold = sell(show, patron_id, when, rng.choice(PAYMENTS), rng.choice(CHANNELS))
            if sold is not None:
                sales.append((show, *sold))
        # Longer commitments, at the box office.
        desk()
        if rng.random() < 0.06:
            upcoming = [s for s in shows if s["starts"] > now]
            package = rng.sample(upcoming, min(4, len(upcoming)))
            when = _office_hours(rng, now - timedelta(days=rng.uniform(1, 60)), now, now, zone)
            if len(package) >= 2 and when > joined:
                price = round(sum(s["top_price"] for s in package) * 0.8 / 100) * 100
                try:
                    sold = app.sell_subscription(
                        patron_id,
                        "Spring season pass",
                        [s["id"] for s in package],
                        price,
                        occurred_at=when,
                    )
                    counts["subscriptions"] += 1
                except NotEnoughSeats:
                    sold = None
                cancelled_at = when + timedelta(days=rng.uniform(1, 10))
                if sold is not None and rng.random() < 0.05 and cancelled_at < now:
                    app.refund_subscription(sold.id, occurred_at=cancelled_at)
                    counts["refunds"] += 1
        if rng.random() < 0.09:
            level, fee = rng.choice(LEVELS)
            start = max(joined, now - timedelta(days=rng.uniform(10, 700)))
            start = _office_hours(rng, start, now, now, zone)
            app.start_membership(
                patron_id,
                level,
                start.date(),
                (start + timedelta(days=365)).date(),
                fee,
                occurred_at=start,
            )
            counts["memberships"] += 1
        for _ in range(rng.choices((0, 1, 2), weights=(88, 9, 3))[0]):
            given = _office_hours(rng, joined + (now - joined) * rng.random(), now, now, zone)
            gift = app.record_donation(
                patron_id,
                rng.choice(GIFTS),
                fund=rng.choice(FUNDS),
                payment=rng.choice(("card", "card", "cheque")),
                occurred_at=given,
            )
            counts["donations"] += 1
            thanked = _office_hours(rng, given + timedelta(days=rng.uniform(1, 20)), now, now, zone)
            if thanked < now and rng.random() < 0.75:
                app.acknowledge_donation(gift, rng.choice(THANKS), occurred_at=thanked)
                counts["thanked"] += 1

    # Walk-ups who paid cash and left no name: lost contacts.
    for show in shows:
        for _ in range(rng.randint(0, max(1, len(patrons) // 80))):
            when = _moment_before(rng, show["starts"], show["starts"] - timedelta(hours=2), now)
            if when is not None and sell(show, None, when, "cash", "walk_up") is not None:
                counts["anonymous"] += 1
        # ... and walk-ups the box office did ask: captured as new patrons.
        for n in range(rng.randint(0, max(1, len(patrons) // 60))):
            when = _moment_before(rng, show["starts"], show["starts"] - timedelta(hours=2), now)
            if when is None:
                continue
            desk()
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            handle = f"{first}.{last}.{show['id'][:4]}{n}".lower().replace("'", "")
            level = rng.choice(show["prices"])
            try:
                app.sell_to_walk_up(
                    show["id"],
                    {level: rng.choice((1, 2))},
                    first,
                    last,
                    email=f"{handle}@example.net",
                    email_consent=rng.random() < 0.5,
                    payment=rng.choice(("cash", "card")),
                    occurred_at=when,
                    allow_duplicate=True,
                )
            except NotEnoughSeats:
                continue
            counts["orders"] += 1
            counts["walk_ups"] += 1

    # Some plans change: refunds and exchanges, a few days after buying.
    desk()
    for show, sale, when in sales:
        roll = rng.random()
        later = when + timedelta(hours=rng.uniform(2, 96))
        later = max(later, _office_hours(rng, later, show["starts"], now, zone))
        if later >= min(show["starts"], now):
            continue
        if roll < 0.04:
            app.refund_order(sale.order_id, occurred_at=later)
            counts["refunds"] += 1
        elif roll < 0.06:
            others = [
                s
                for s in shows
                if s["production"] == show["production"]
                and s["id"] != show["id"]
                and s["starts"] > later
            ]
            if others:
                try:
                    app.exchange_tickets(sale.codes, rng.choice(others)["id"], occurred_at=later)
                    counts["exchanges"] += 1
                except (NotEnoughSeats, TicketProblem):
                    pass
    return counts
