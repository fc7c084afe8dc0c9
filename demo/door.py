"""The demo organization's door history: who came to the performances already played.

Most ticket holders of a past performance came (a few stayed home), scanned
at one of two doors in the half hour before the start, with the odd refused
scan (a ticket for another night, a mistyped code) as at any real door.
Runs after the box-office history is saved: it reads the tickets back from
the event store, as a door would from the printed tickets.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from domain.application import Houselights

DOORS = ("North door", "North door", "South door")
DOOR_STAFF = ("jo.front-of-house", "sam.usher", "lee.usher")
DOOR_STATIONS = ("door-north", "door-south")


def _tickets_and_starts(app: Houselights) -> tuple[list[tuple[str, str]], dict[str, datetime]]:
    tickets, starts, start = [], {}, 1
    while notifications := app.recorder.select_notifications(start=start, limit=5000):
        for notification in notifications:
            topic = notification.topic
            if topic.endswith(
                ("Ticket.Issued", "Performance.Scheduled", "Performance.Rescheduled")
            ):
                event = app.mapper.to_domain_event(notification)
                if topic.endswith("Ticket.Issued"):
                    tickets.append((event.code, event.performance_id))
                else:
                    starts[str(event.originator_id)] = event.starts_at
        start = notifications[-1].id + 1
    return tickets, starts


def generate_door(app: Houselights, seed: int, now: datetime) -> dict:
    rng = random.Random(seed * 31 + 11)
    tickets, starts = _tickets_and_starts(app)
    counts = {"admitted": 0, "refused": 0}
    with app.batch(size=2000):
        for code, performance_id in tickets:
            starts_at = starts.get(performance_id)
            if starts_at is None or starts_at > now or rng.random() < 0.08:
                continue  # still to come, or they stayed home
            app.context.staff = rng.choice(DOOR_STAFF)
            app.context.workstation = rng.choice(DOOR_STATIONS)
            when = starts_at - timedelta(minutes=rng.uniform(2, 40))
            result = app.scan(code, performance_id, rng.choice(DOORS), occurred_at=when)
            counts["admitted" if result.verdict == "admit" else "refused"] += 1
            if rng.random() < 0.01:  # someone tries the same ticket again later
                again = when + timedelta(minutes=rng.uniform(3, 20))
                app.scan(code, performance_id, rng.choice(DOORS), occurred_at=again)
                counts["refused"] += 1
    return counts
