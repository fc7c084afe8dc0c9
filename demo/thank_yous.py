"""The demo organization's thank-yous: after each past performance most people
who came were thanked, mostly by email within a few days, some by letter or a
call, some late, and some not yet (the last few nights are still waiting).

Runs after the door history is saved and reads it back from the event store
(who was admitted to which performance, and when), as the office would read
the thank-you queue. Donations were already acknowledged by the box-office
history (``demo_box_office``); those waiting stay in the queue.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta, tzinfo

from domain import organization_time
from domain.application import Houselights

THANKED_SHARE = 0.85
CHANNELS = ("email", "email", "email", "email", "letter", "letter", "call")
THANKING_STAFF = ("sam.marketing", "tom.manager", "maria.box-office")


def _attended(app: Houselights) -> dict[tuple[str, str], datetime]:
    """(patron id, performance id) -> first admission, from the stored events."""
    patron_of: dict[str, str] = {}
    first: dict[tuple[str, str], datetime] = {}
    start = 1
    while notifications := app.recorder.select_notifications(start=start, limit=5000):
        for notification in notifications:
            topic = notification.topic
            if not topic.endswith(("Ticket.Issued", "Ticket.Admitted")):
                continue
            event = app.mapper.to_domain_event(notification)
            ticket = str(event.originator_id)
            if topic.endswith("Ticket.Issued"):
                if event.patron_id:
                    patron_of[ticket] = str(event.patron_id)
            elif ticket in patron_of:
                key = (patron_of[ticket], str(event.performance_id))
                if key not in first or event.occurred_at < first[key]:
                    first[key] = event.occurred_at
        start = notifications[-1].id + 1
    return first


def _delay(rng: random.Random) -> timedelta:
    """Mostly within three days; some within the week; some late."""
    days = rng.choices(
        (rng.uniform(0.5, 3), rng.uniform(3, 7), rng.uniform(7, 21)), weights=(60, 25, 15)
    )[0]
    return timedelta(days=days)


def generate_thank_yous(app: Houselights, seed: int, now: datetime, zone: tzinfo | None) -> dict:
    rng = random.Random(seed * 53 + 5)
    counts = {"thank_yous": 0}
    attended = sorted(_attended(app).items(), key=lambda item: (item[1], item[0]))
    with app.batch(size=1000):
        for (patron_id, performance_id), came in attended:
            if rng.random() > THANKED_SHARE:
                continue
            when = came + _delay(rng)
            clock = time(rng.randint(9, 17), rng.randint(0, 59))
            when = organization_time.that_day_at(when, clock, zone)  # office hours
            if when <= came or when >= now:
                continue  # the last few nights are still waiting
            app.context.staff = rng.choice(THANKING_STAFF)
            app.thank_patron(
                patron_id, rng.choice(CHANNELS), "attendance", performance_id, occurred_at=when
            )
            counts["thank_yous"] += 1
    return counts
