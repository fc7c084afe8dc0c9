"""A believable demo organization, generated through the application service.

Reproducible from a seed; history is back-dated over the past few seasons.
Later capabilities (performances, sales, scans, calls, chats, thank-yous,
donations) add their own history here as they arrive.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, tzinfo

from demo.box_office import generate_box_office
from demo.calls import generate_calls
from demo.door import generate_door
from demo.duplicates import generate_duplicates
from demo.ladder import generate_past_season
from demo.names import FIRST_NAMES, LAST_NAMES
from demo.thank_yous import generate_thank_yous
from domain.application import Houselights

STREETS = (
    "Maple Street",
    "Harbour Road",
    "Mill Lane",
    "Chapel Row",
    "Elm Avenue",
    "Station Road",
    "Orchard Close",
    "Riverside Walk",
    "Queen Street",
    "Church Lane",
)
CITIES = (
    ("Ashford", "AS1"),
    ("Brookfield", "BR4"),
    ("Carlton", "CA2"),
    ("Dunmore", "DU7"),
    ("Eastbury", "EA3"),
    ("Fairview", "FA9"),
    ("Glenwood", "GL5"),
    ("Hillcrest", "HI6"),
)
INTERESTS = (
    "opera",
    "chamber music",
    "symphonic",
    "contemporary dance",
    "ballet",
    "jazz",
    "family shows",
    "new writing",
    "musicals",
    "early music",
    "comedy",
    "film",
)
PRACTICAL = (
    "wheelchair access",
    "hearing loop",
    "aisle seat",
    "brings grandchildren",
    "student",
    "volunteer",
    "board member",
    "press",
)
HOUSEHOLDS = (
    "Lives with partner {p}, who also comes to jazz nights.",
    "Two children, 8 and 11; likes the family matinees.",
    "Comes with her mother, who needs the lift.",
    "Shares tickets with a neighbour, {p}.",
)
NOTES = (
    "Called to ask about parking for the Saturday matinee; told them about the Mill Lane car park.",
    "Said the second act of the opera was the best thing they saw all year.",
    "Prefers letters to email. Please don't call after 8 pm.",
    "Asked whether we offer audio description; sent the access guide.",
    "Brought a group of six friends to the jazz night and wants to do it again.",
    "Mentioned they used to sing in the chorus in the 1990s.",
    "Complained about the queue at the bar in the interval; apologised and noted it.",
    "Interested in volunteering as an usher on weekends.",
)
STAFF = ("maria.box-office", "tom.manager", "jo.front-of-house", "sam.marketing")
WORKSTATIONS = ("box-office-1", "box-office-2", "office-mac")


def generate(
    app: Houselights,
    patrons: int,
    seed: int = 2026,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    zone: tzinfo | None = None,
) -> dict:
    """Register ``patrons`` patrons with contact details, interests and notes,
    then give the organization its box-office history (performances, sales,
    subscriptions, memberships, donations). Performances, office hours, calls and
    chats keep the clock of the venue's time zone ``zone`` (the organization's; None
    while it has not said one: this computer's)."""
    rng = random.Random(seed)
    now = now or datetime.now(tz=UTC)
    saved_context = (app.context.staff, app.context.workstation)
    made = 0
    registered: list[tuple[str, datetime]] = []
    result: dict = {}
    try:
        with app.batch(size=2000):
            for i in range(patrons):
                if cancelled is not None and cancelled():
                    break
                app.context.staff = rng.choice(STAFF)
                app.context.workstation = rng.choice(WORKSTATIONS)
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                city, postcode = rng.choice(CITIES)
                joined = now - timedelta(days=rng.uniform(30, 6 * 365))
                handle = f"{first}.{last}".lower().replace("'", "").replace("ë", "e")
                handle = handle.replace("ø", "o")
                pid = app.register_patron(
                    first,
                    last,
                    email=f"{handle}{i}@example.org" if rng.random() < 0.85 else "",
                    phone=f"555-{rng.randint(100, 999)}-{i % 10000:04d}"
                    if rng.random() < 0.7
                    else "",
                    address={
                        "street": f"{rng.randint(1, 180)} {rng.choice(STREETS)}",
                        "city": city,
                        "postal_code": f"{postcode} {rng.randint(1, 9)}{rng.choice('ABDEFG')}"
                        f"{rng.choice('HJLNPQ')}",
                        "country": "",
                    },
                    email_consent=rng.random() < 0.6,
                    tags=rng.sample(INTERESTS, rng.randint(0, 3))
                    + (rng.sample(PRACTICAL, 1) if rng.random() < 0.2 else []),
                    household=rng.choice(HOUSEHOLDS).format(p=rng.choice(FIRST_NAMES))
                    if rng.random() < 0.15
                    else "",
                    source=rng.choice(("office", "office", "walk-up", "import")),
                    occurred_at=joined,
                    allow_duplicate=True,
                )
                registered.append((pid, joined))
                moment = joined
                for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
                    moment = moment + timedelta(days=rng.uniform(1, 200))
                    if moment < now:
                        app.add_note(pid, rng.choice(NOTES), occurred_at=moment)
                made += 1
                if progress is not None and (made % 250 == 0 or made == patrons):
                    progress(made, patrons)
            if cancelled is None or not cancelled():
                app.context.staff, app.context.workstation = STAFF[0], WORKSTATIONS[0]
                result = generate_box_office(app, registered, seed, now, zone)
                result.update(generate_past_season(app, registered, seed, now, zone))
                result.update(generate_duplicates(app, registered, seed, now))
                result.update(generate_calls(app, registered, seed, now, zone))
        if result:  # the box office is saved: now who came through the doors
            result.update(generate_door(app, seed, now))
            result.update(generate_thank_yous(app, seed, now, zone))
    finally:
        app.context.staff, app.context.workstation = saved_context
    # walk-up buyers captured at the window became patrons too, as did duplicate records
    return {**result, "patrons": made + result.get("walk_ups", 0) + result.get("duplicates", 0)}
