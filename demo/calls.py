"""The demo organization's calls, chats, follow-ups and duty rota.

Calls to and from a share of the patrons over the past months, some with a
follow-up (most done, a few overdue, some coming up); website chats, most
linked to their patron by email, a few from visitors nobody knows yet (they
wait in the chat queue); and the default quick answers. Everything goes
through the application service, reproducibly from the seed.

Patrons reach out when people do (issue 23): chats peak on the evenings before
shows and on Monday mornings, calls in office hours with a Monday-morning rush;
times are the computer's local time. The duty rota has believable gaps (Monday
before ten, weekday evenings, Sundays): a chat that came in while somebody was on
chat duty is answered within minutes, one that came in outside is answered hours
later or never, so the support report has something to say.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta, tzinfo

from demo.names import FIRST_NAMES, LAST_NAMES
from domain import organization_time
from domain.application import Houselights
from domain.conversations_service import DEFAULT_QUICK_ANSWERS
from domain.rota import staffed

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


#: the quick answer that answers a chat question (by the question's place in CHATS)
CHAT_ANSWERS = {0: "parking", 1: "accessibility", 2: "refunds", 3: "start-times"}
CALL_ANSWERS = {
    "Parking": "parking",
    "Accessibility": "accessibility",
    "Refund or exchange": "refunds",
    "Start times": "start-times",
}
QUICK_TEXT = {key: text for key, _title, text in DEFAULT_QUICK_ANSWERS}

#: the demo rota: (weekdays, from, to, duty, who); its gaps are Monday before ten,
#: chat on Monday, weekday evenings after six (but Fridays), and Sundays
ROTA = (
    ((1, 2, 3, 4, 5), "10:00", "14:00", "both", "Maria"),
    ((1, 2, 3, 4), "14:00", "18:00", "both", "Jo"),
    ((4, 5), "17:00", "19:30", "chat", "Sam"),
    ((0,), "10:00", "13:00", "phone", "Tom"),
)


def _weights(spans: dict[tuple[int, int], float]) -> list[float]:
    hours = [0.05] * 24
    for (first, last), weight in spans.items():
        for hour in range(first, last):
            hours[hour] = weight
    return hours


_WEEKDAY_CHATS = _weights(
    {
        (0, 7): 0.1,
        (7, 9): 0.6,
        (9, 12): 2,
        (12, 14): 2.5,
        (14, 17): 2,
        (17, 20): 5,
        (20, 23): 2.5,
        (23, 24): 0.6,
    }
)
#: when chats come in, per weekday (Monday first) and hour: Monday mornings, and the
#: evenings before shows (Thursday to Saturday busiest)
CHAT_HOURS = (
    _weights({(7, 9): 3, (9, 12): 6, (12, 14): 2.5, (14, 18): 2, (18, 22): 1.5}),
    _WEEKDAY_CHATS,
    _WEEKDAY_CHATS,
    [w * 1.3 for w in _WEEKDAY_CHATS],
    [w * 1.5 for w in _WEEKDAY_CHATS],
    _weights({(9, 12): 3, (12, 16): 2.5, (16, 20): 6, (20, 23): 2.5, (23, 24): 0.6}),
    _weights({(10, 13): 1.2, (13, 17): 1.5, (19, 22): 1.8}),
)
_WEEKDAY_CALLS = _weights({(9, 10): 1, (10, 13): 3, (13, 17): 2.5, (17, 19): 2, (19, 20): 0.5})
#: when calls come in: office hours, a Monday-morning rush, hardly on Sundays
CALL_HOURS = (
    _weights({(8, 9): 2, (9, 12): 8, (12, 17): 3, (17, 19): 1}),
    _WEEKDAY_CALLS,
    _WEEKDAY_CALLS,
    _WEEKDAY_CALLS,
    _WEEKDAY_CALLS,
    _weights({(10, 14): 3, (14, 18): 1.5}),
    _weights({(12, 16): 0.3}),
)
DAY_WEIGHTS = {"chat": [sum(h) for h in CHAT_HOURS], "call": [sum(h) for h in CALL_HOURS]}


def rota_slots() -> list[dict]:
    return [
        {"weekday": day, "starts": starts, "ends": ends, "duty": duty, "name": name, "staff_id": ""}
        for days, starts, ends, duty, name in ROTA
        for day in days
    ]


def _reach_out(
    rng: random.Random, earliest: datetime, now: datetime, kind: str, zone: tzinfo | None
) -> datetime:
    """A believable moment between ``earliest`` and ``now`` for a chat or a call: a
    weekday by how busy it is, then an hour by that weekday's pattern, on the clock of
    the venue's time zone ``zone`` (None: this computer's)."""
    table = CHAT_HOURS if kind == "chat" else CALL_HOURS
    first = organization_time.local(earliest, zone)
    last = organization_time.local(now, zone)
    span = max(1, (last.date() - first.date()).days + 1)
    for _ in range(20):
        days = [first.date() + timedelta(days=i) for i in range(span)]
        day = rng.choices(days, weights=[DAY_WEIGHTS[kind][d.weekday()] for d in days])[0]
        hour = rng.choices(range(24), weights=table[day.weekday()])[0]
        clock = time(hour, rng.randint(0, 59), rng.randint(0, 59))
        moment = organization_time.at(day, clock, zone)  # that day's offset (summer time)
        if earliest <= moment < now - timedelta(minutes=5):
            return moment
    return min(earliest, now - timedelta(minutes=5))


def _daytime(rng: random.Random, moment: datetime, now: datetime, zone: tzinfo | None) -> datetime:
    """An office-hours moment from ``moment`` on, never after ``now`` (calls)."""
    return _reach_out(rng, moment, min(now, moment + timedelta(days=7)), "call", zone)


def _message(at: datetime, sender: str, name: str, text: str) -> dict:
    return {"at": at.isoformat(), "sender": sender, "name": name, "text": text}


def _reply_after(
    rng: random.Random, start: datetime, now: datetime, zone: tzinfo | None
) -> timedelta | None:
    """How long the visitor waits for staff: minutes while someone is on chat duty (longer
    on busy evenings), hours outside staffed hours, and sometimes forever."""
    local = organization_time.local(start, zone)
    if staffed(rota_slots(), local, "chat"):
        busy = local.hour >= 17
        wait = timedelta(seconds=rng.randint(40, 540) if busy else rng.randint(15, 200))
    elif rng.random() < 0.4:
        return None  # nobody ever answered
    else:
        wait = timedelta(minutes=rng.randint(25, 14 * 60))
    return wait if start + wait < now else None


def _conversation(
    rng: random.Random,
    start: datetime,
    visitor: str,
    agent: str,
    now: datetime | None = None,
    zone: tzinfo | None = None,
) -> list[dict]:
    index = rng.randrange(len(CHATS))
    question, answer = CHATS[index]
    if index in CHAT_ANSWERS and rng.random() < 0.5:
        answer = QUICK_TEXT[CHAT_ANSWERS[index]]  # inserted with Ctrl+Space
    at = start
    messages = [_message(at, "visitor", visitor, question)]
    wait = _reply_after(rng, start, now, zone) if now is not None else timedelta(seconds=60)
    if wait is None:
        if rng.random() < 0.5:
            messages.append(
                _message(
                    at + timedelta(minutes=rng.randint(1, 6)),
                    "visitor",
                    visitor,
                    "Hello? Is anyone there?",
                )
            )
        return messages
    at += wait
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
    app: Houselights,
    patrons: list[tuple[str, datetime]],
    seed: int,
    now: datetime,
    zone: tzinfo | None,
) -> dict:
    """Calls, chats and follow-ups for some of ``patrons`` (id, registered at), at the
    hours they come in at the venue (time zone ``zone``; None: this computer's)."""
    rng = random.Random(seed * 104729 + 11)
    counts = dict(calls=0, chats=0, chats_waiting=0, follow_ups=0, follow_ups_open=0)
    app.context.staff, app.context.workstation = STAFF[2], DESKS[2]
    app.seed_quick_answers(occurred_at=now - timedelta(days=200))
    if not patrons:
        return counts
    if not app.duty_slots():
        for slot in rota_slots():
            app.add_duty_slot(
                slot["weekday"],
                slot["starts"],
                slot["ends"],
                slot["duty"],
                name=slot["name"],
                occurred_at=now - timedelta(days=200),
            )
        counts["duty_slots"] = len(rota_slots())

    def desk() -> None:
        app.context.staff, app.context.workstation = rng.choice(STAFF), rng.choice(DESKS)

    # -- calls, some with a follow-up ---------------------------------------------------
    callers = rng.sample(patrons, min(len(patrons), max(4, min(400, len(patrons) // 5))))
    for index, (patron_id, joined) in enumerate(callers):
        recent = index < max(3, len(callers) // 8)  # these called in the last ten days
        earliest = max(joined, now - timedelta(days=10 if recent else 300))
        when = _daytime(rng, earliest + (now - earliest) * rng.uniform(0.05, 0.95), now, zone)
        if when < joined:
            continue
        reason = rng.choice(FOLLOW_UP_REASONS if recent else tuple(CALL_NOTES))
        said, noted = CALL_NOTES[reason]
        if reason in CALL_ANSWERS and rng.random() < 0.5:
            noted = QUICK_TEXT[CALL_ANSWERS[reason]]  # inserted with Ctrl+Space
        follow_up = None
        if recent or rng.random() < 0.2:
            follow_up = organization_time.day(when + timedelta(days=rng.randint(1, 9)), zone)
        desk()
        logged = app.log_call(
            patron_id,
            rng.choice(("incoming", "incoming", "incoming", "outgoing")),
            reason,
            "call_back" if follow_up else rng.choice(("answered", "resolved", "left_message")),
            f"{said}\n{noted}",
            follow_up_on=follow_up,
            occurred_at=when,
        )
        counts["calls"] += 1
        if logged.follow_up_id and follow_up is not None:
            counts["follow_ups"] += 1
            due = organization_time.at(follow_up, organization_time.local(when, zone).time(), zone)
            # most past follow-ups were done on the day; a few slipped (overdue)
            if due < now and (not recent or index % 3 == 0):
                app.mark_follow_up_done(
                    logged.follow_up_id, occurred_at=min(due + timedelta(hours=2), now)
                )
            else:
                counts["follow_ups_open"] += 1

    # -- chats from patrons on file (linked by their email) -------------------------------
    chatters = [
        p for p in rng.sample(patrons, min(len(patrons), max(4, min(600, len(patrons) // 3))))
    ]
    for n, (patron_id, joined) in enumerate(chatters):
        patron = app.get_patron(patron_id)
        if not patron.email and not patron.phone:
            continue
        start = _reach_out(rng, max(joined, now - timedelta(days=84)), now, "chat", zone)
        if start >= now or start < joined:
            continue
        app.context.staff, app.context.workstation = STAFF[0], DESKS[0]
        agent = rng.choice(("Maria", "Jo", "Tom"))
        messages = _conversation(rng, start, patron.name, agent, now, zone)
        chat = app.record_chat(
            rng.choice(CHAT_SERVICES),
            f"demo-{seed}-p{n}",
            messages,
            visitor_name=patron.name,
            visitor_email=patron.email,
            visitor_phone="" if patron.email else patron.phone,
        )
        counts["chats"] += 1
        if chat.patron_id is None:
            counts["chats_waiting"] += 1
        elif rng.random() < 0.2:
            desk()
            app.add_chat_note(
                chat.id,
                rng.choice(CHAT_NOTES),
                follow_up_on=(start + timedelta(days=rng.randint(2, 14))).date(),
                # noted once the chat was over (the next on duty gets it when nobody was)
                occurred_at=min(
                    now, datetime.fromisoformat(messages[-1]["at"]) + timedelta(minutes=10)
                ),
            )
            counts["follow_ups"] += 1
            counts["follow_ups_open"] += 1

    # -- chats from visitors nobody knows yet: they wait in the queue --------------------
    for n in range(max(3, min(25, len(patrons) // 150))):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        start = _reach_out(rng, now - timedelta(days=20), now, "chat", zone)
        handle = f"{first}.{last}".lower().replace("'", "").replace(" ", "")
        email = f"{handle}.{n}@visitor.example" if n % 3 else ""
        phone = "" if email else f"555-01{n % 100:02d}-{rng.randint(1000, 9999)}"
        app.context.staff, app.context.workstation = STAFF[0], DESKS[0]
        chat = app.record_chat(
            rng.choice(CHAT_SERVICES),
            f"demo-{seed}-v{n}",
            _conversation(rng, start, f"{first} {last}" if n % 4 else "", "Maria", now, zone),
            visitor_name=f"{first} {last}" if n % 4 else "",
            visitor_email=email,
            visitor_phone=phone,
        )
        counts["chats"] += 1
        counts["chats_waiting"] += chat.patron_id is None
    return counts
