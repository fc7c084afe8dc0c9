"""The demo organization's earlier season, so its loyalty ladder has a past.

A season that ran about two years ago: some patrons who had joined by then
bought a ticket or two and never came back (they have lapsed now), others also
bought this season (repeat and multi-buyers with a longer history), and a few
gave after that season (advocates). Runs inside the caller's ``app.batch()``
before the door history, which then scans these tickets too.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta, tzinfo

from domain import organization_time
from domain.application import Houselights
from domain.errors import NotEnoughSeats

#: title, venue, price levels (cents); each plays three times, about two years ago
PAST_PRODUCTIONS = (
    ("Twelfth Night", "Main hall", {"Adult": 3400, "Concession": 2400}),
    ("La Bohème", "Main hall", {"Stalls": 5200, "Circle": 3900}),
    ("Winter Jazz Nights", "Studio", {"Standing": 1800, "Table": 3000}),
)
SEASON_STARTS_DAYS = 800  # the first night, days before now
SEASON_DAYS = 150


def generate_past_season(
    app: Houselights,
    patrons: list[tuple[str, datetime]],
    seed: int,
    now: datetime,
    zone: tzinfo | None,
) -> dict:
    rng = random.Random(seed * 104729 + 5)
    first_night = now - timedelta(days=SEASON_STARTS_DAYS)
    capacity = max(40, round(len(patrons) * 0.1 / 10) * 10)
    shows = []
    for index, (title, venue, prices) in enumerate(PAST_PRODUCTIONS):
        opening = first_night + timedelta(days=index * SEASON_DAYS / len(PAST_PRODUCTIONS))
        production = app.create_production(title, occurred_at=opening - timedelta(days=90))
        for night in range(3):
            day = (opening + timedelta(days=night * 2)).date()
            starts = organization_time.at(day, time(19, 30), zone)
            shows.append(
                (
                    app.schedule_performance(
                        production,
                        starts,
                        capacity,
                        prices,
                        venue=venue,
                        occurred_at=opening - timedelta(days=90),
                    ),
                    starts,
                    list(prices),
                )
            )
    counts = {"past_performances": len(shows), "past_orders": 0}
    for patron_id, joined in patrons:
        if rng.random() > 0.35:
            continue
        for show_id, starts, levels in rng.sample(shows, rng.choice((1, 1, 1, 2))):
            bought = starts - timedelta(days=rng.uniform(2, 60))
            if bought <= joined:
                continue
            clock = time(rng.randint(10, 18), rng.randint(0, 59))
            bought = organization_time.that_day_at(bought, clock, zone)
            try:
                app.sell_tickets(
                    show_id,
                    {rng.choice(levels): rng.choice((1, 2, 2, 3, 4))},
                    patron_id=patron_id,
                    payment="card",
                    channel=rng.choice(("box_office", "online", "phone")),
                    occurred_at=bought,
                )
            except NotEnoughSeats:
                continue
            counts["past_orders"] += 1
    return counts
