"""The demo organization's calls, chats and follow-ups.

Calls to and from a share of the patrons over the past months, some with a
follow-up (most done, a few overdue, some coming up); website chats, most
linked to their patron by email, a few from visitors nobody knows yet (they
wait in the chat queue); and the default quick answers. Everything goes
through the application service, reproducibly from the seed.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from demo.names import FIRST_NAMES, LAST_NAMES
from domain.application import Houselights

STAFF = ("maria.box-office", "jo.front-of-house", "tom.manager")
DESKS = ("box-office-1", "box-office-2", "office-mac")
CHAT_SERVICES = ("tawk.to", "tawk.to", "Crisp", "Website chat")

#: reason -> (what the caller said, what staff noted)
CALL_NOTES = {
    "Tickets": (
        "Wanted four seats together for the Saturday evening.",
        "Found four in row H; sold on the phone.",
    ),
    "Parking": (
        "Asked where to park for the matinee.",
        "Told them about the Mill Lane car park, free after 6 pm.",
    ),
    "Accessibility": (
        "Uses a wheelchair; asked about the main hall.",
        "Booked a wheelchair space in row A and a free companion seat.",
    ),
    "Refund or exchange": (
        "Cannot make Tuesday any more.",
        "Offered Thursday instead; they will think about it.",
    ),
    "Start times": ("Asked when the doors open.", "Doors 45 minutes before; bar open."),
    "Donation": (
        "Wanted to give to the youth theatre in memory of her father.",
        "Took the gift by card; letter of thanks to follow.",
    ),
    "Membership": (
        "Asked what a Friend membership includes.",
        "Explained priority booking and the members' evenings.",
    ),
    "Complaint": (
        "The heating in the studio was too low last week.",
        "Apologised and passed it to the building manager.",
    ),
}
FOLLOW_UP_REASONS = ("Refund or exchange", "Donation", "Membership", "Complaint", "Tickets")

CHAT_NOTES = (
    "Promised to email the seating plan.",
    "Will check whether the Friday show has a relaxed performance and reply.",
    "Asked us to hold two aisle seats until Monday; confirm with them.",
)
#: (visitor asks, staff answers)
CHATS = (
    (
        "Hi! Is there parking near the theatre?",
        "Yes: the Mill Lane car park is two minutes away and free after 6 pm.",
    ),
    (
        "Do you have a hearing loop in the main hall?",
        "We do, in every seat of the stalls. Just switch your aid to T.",
    ),
    (
        "Can I swap my tickets to another night?",
        "Of course, up to 48 hours before. Which night would you like?",
    ),
    ("What time does the matinee start?", "2:30 pm, and doors open at 1:45 pm."),
    ("Are there student discounts?", "Yes: half price with a student card, most performances."),
    (
        "Is the family show suitable for a 4 year old?",
        "Yes, it's 55 minutes with no interval; lots of little ones come.",
    ),
)


def _daytime(rng: random.Random, moment: datetime, now: datetime) -> datetime:
    """The same day during opening hours (10:00 to 19:59), never after ``now``."""
    moment = moment.replace(hour=rng.randint(10, 19), minute=rng.randint(0, 59))
    return min(moment, now - timedelta(minutes=rng.randint(5, 90)))


def _message(at: datetime, sender: str, name: str, text: str) -> dict:
    return {"at": at.isoformat(), "sender": sender, "name": name, "text": text}


def _conversation(rng: random.Random, start: datetime, visitor: str, agent: str) -> list[dict]:
    question, answer = rng.choice(CHATS)
    at = start
    messages = [_message(at, "visitor", visitor, question)]
    at += timedelta(seconds=rng.randint(20, 150))
    messages.append(_message(at, "agent", agent, answer))
    if rng.random() < 0.6:
        at += timedelta(seconds=rng.randint(15, 90))
        messages.append(
            _message(
                at,
                "visitor",
                visitor,
                rng.choice(("Thank you!", "Perfect, thanks.", "Lovely, see you then.")),
            )
        )
    return messages


def generate_calls(
    app: Houselights, patrons: list[tuple[str, datetime]], seed: int, now: datetime
) -> dict:
    """Calls, chats and follow-ups for some of ``patrons`` (id, registered at)."""
    rng = random.Random(seed * 104729 + 11)
    counts = dict(calls=0, chats=0, chats_waiting=0, follow_ups=0, follow_ups_open=0)
    app.context.staff, app.context.workstation = STAFF[2], DESKS[2]
    app.seed_quick_answers(occurred_at=now - timedelta(days=200))
    if not patrons:
        return counts

    def desk() -> None:
        app.context.staff, app.context.workstation = rng.choice(STAFF), rng.choice(DESKS)

    # -- calls, some with a follow-up ---------------------------------------------------
    callers = rng.sample(patrons, min(len(patrons), max(4, min(400, len(patrons) // 12))))
    for index, (patron_id, joined) in enumerate(callers):
        recent = index < max(3, len(callers) // 8)  # these called in the last ten days
        earliest = max(joined, now - timedelta(days=10 if recent else 300))
        when = _daytime(rng, earliest + (now - earliest) * rng.uniform(0.05, 0.95), now)
        if when < joined:
            continue
        reason = rng.choice(FOLLOW_UP_REASONS if recent else tuple(CALL_NOTES))
        said, noted = CALL_NOTES[reason]
        follow_up = None
        if recent or rng.random() < 0.2:
            follow_up = (when + timedelta(days=rng.randint(1, 9))).date()
        desk()
        logged = app.log_call(
            patron_id,
            rng.choice(("incoming", "incoming", "outgoing")),
            reason,
            "call_back" if follow_up else rng.choice(("answered", "resolved", "left_message")),
            f"{said}\n{noted}",
            follow_up_on=follow_up,
            occurred_at=when,
        )
        counts["calls"] += 1
        if logged["follow_up_id"]:
            counts["follow_ups"] += 1
            due = datetime.combine(follow_up, when.timetz())
            # most past follow-ups were done on the day; a few slipped (overdue)
            if due < now and (not recent or index % 3 == 0):
                app.mark_follow_up_done(
                    logged["follow_up_id"], occurred_at=min(due + timedelta(hours=2), now)
                )
            else:
                counts["follow_ups_open"] += 1

    # -- chats from patrons on file (linked by their email) -------------------------------
    chatters = [
        p for p in rng.sample(patrons, min(len(patrons), max(4, min(200, len(patrons) // 25))))
    ]
    for n, (patron_id, joined) in enumerate(chatters):
        patron = app.get_patron(patron_id)
        if not patron["email"] and not patron["phone"]:
            continue
        start = max(joined, now - timedelta(days=60)) + timedelta(minutes=rng.randint(5, 3000))
        start = _daytime(rng, start, now)
        if start >= now or start < joined:
            continue
        app.context.staff, app.context.workstation = STAFF[0], DESKS[0]
        agent = rng.choice(("Maria", "Jo", "Tom"))
        chat = app.record_chat(
            rng.choice(CHAT_SERVICES),
            f"demo-{seed}-p{n}",
            _conversation(rng, start, patron["name"], agent),
            visitor_name=patron["name"],
            visitor_email=patron["email"],
            visitor_phone="" if patron["email"] else patron["phone"],
        )
        counts["chats"] += 1
        if chat["patron_id"] is None:
            counts["chats_waiting"] += 1
        elif rng.random() < 0.2:
            desk()
            due = (start + timedelta(days=rng.randint(2, 14))).date()
            app.add_chat_note(
                chat["id"],
                rng.choice(CHAT_NOTES),
                follow_up_on=due,
                occurred_at=start + timedelta(minutes=10),
            )
            counts["follow_ups"] += 1
            counts["follow_ups_open"] += 1

    # -- chats from visitors nobody knows yet: they wait in the queue --------------------
    for n in range(max(3, min(25, len(patrons) // 150))):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        start = _daytime(rng, now - timedelta(days=rng.uniform(0.2, 20)), now)
        handle = f"{first}.{last}".lower().replace("'", "").replace(" ", "")
        email = f"{handle}.{n}@visitor.example" if n % 3 else ""
        phone = "" if email else f"555-01{n % 100:02d}-{rng.randint(1000, 9999)}"
        app.context.staff, app.context.workstation = STAFF[0], DESKS[0]
        chat = app.record_chat(
            rng.choice(CHAT_SERVICES),
            f"demo-{seed}-v{n}",
            _conversation(rng, start, f"{first} {last}" if n % 4 else "", "Maria"),
            visitor_name=f"{first} {last}" if n % 4 else "",
            visitor_email=email,
            visitor_phone=phone,
        )
        counts["chats"] += 1
        counts["chats_waiting"] += chat["patron_id"] is None
    return counts
