"""The duty rota: who answers chat and phone, on which weekday, from when to when.

One ``Rota`` per organization (a fixed id), event-sourced like everything else, so
every workstation on a shared store sees the same rota. A slot is a weekday
(0 = Monday), a start and an end in the organization's local time ("19:00" to
"21:00"; an end of "24:00" is midnight), a duty (chat, phone or both) and a
person: a staff account (``staff_id`` set) or a plain name for a volunteer who
has no account. A slot never crosses midnight: a late shift is two slots.

The rules (``check_slot``) refuse a slot that ends before it starts and one that
overlaps another slot of the same person on that weekday. Whether an account
exists is the service's to check (``domain/rota_service.py``).

Reading the rota (who is on duty at a moment, when that changes next, who comes
on duty next) is plain functions over slot dicts, so the status bar, the
follow-up assignment and the support report share them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import NAMESPACE_URL, uuid4, uuid5

from eventsourcing.domain import Aggregate, event

from domain.contact import clean_text, fold
from domain.errors import ValidationError
from domain.recording import Stamp

CHAT, PHONE, BOTH = "chat", "phone", "both"
DUTIES = (CHAT, PHONE, BOTH)
#: what kind of inquiry each duty answers
ANSWERS = {CHAT: (CHAT,), PHONE: (PHONE,), BOTH: (CHAT, PHONE)}
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MINUTES_PER_DAY = 24 * 60

_NAMESPACE = uuid5(NAMESPACE_URL, "https://houselights.app/rota")


class RotaProblem(ValidationError):
    """A duty slot the rota cannot take (the field names what to correct)."""


def parse_weekday(value: int | str) -> int:
    """0..6 from 0..6, 'Monday', 'mon', 'Tue' ... (case and accents ignored)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 6:
        return value
    text = fold(str(value or "")).strip()
    if text.isdigit() and 0 <= int(text) <= 6:
        return int(text)
    for index, name in enumerate(WEEKDAY_NAMES):
        if len(text) >= 2 and name.lower().startswith(text):
            return index
    raise RotaProblem("weekday", f"“{value}” is not a day of the week. Use Monday to Sunday.")


def parse_time(value: str, field: str) -> int:
    """Minutes after midnight from '19:00', '7:30', '19' or '24:00' (midnight, at the end)."""
    text = str(value or "").strip().replace(".", ":")
    hours, _, minutes = text.partition(":")
    if not hours.isdigit() or (minutes and not minutes.isdigit()) or len(minutes) not in (0, 2):
        raise RotaProblem(field, f"“{value}” is not a time. Write it like 19:00 or 7:30.")
    total = int(hours) * 60 + int(minutes or 0)
    if int(minutes or 0) >= 60 or total > MINUTES_PER_DAY:
        raise RotaProblem(field, f"“{value}” is not a time of day (00:00 to 24:00).")
    return total


def time_text(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def person_key(slot: dict[str, Any]) -> str:
    """The same person whether named by account or by name (accents, case ignored)."""
    return "staff:" + slot["staff_id"] if slot.get("staff_id") else "name:" + fold(slot["name"])


def check_slot(
    weekday: int | str,
    starts: str,
    ends: str,
    duty: str,
    name: str,
    staff_id: str,
    existing: list[dict[str, Any]],
) -> dict[str, Any]:
    """A clean slot dict, or ``RotaProblem`` saying what is wrong with it."""
    day = parse_weekday(weekday)
    start, end = parse_time(starts, "starts"), parse_time(ends, "ends")
    if start == MINUTES_PER_DAY:
        raise RotaProblem("starts", "A duty cannot start at 24:00; start it at 00:00.")
    if end == start:
        raise RotaProblem(
            "ends",
            f"The duty starts and ends at {time_text(start)}: give it an end after its start.",
        )
    if end < start:
        raise RotaProblem(
            "ends",
            f"The duty ends ({time_text(end)}) before it starts ({time_text(start)}). A duty "
            "past midnight is two slots: until 24:00, and from 00:00 the next day.",
        )
    duty = clean_text(duty).lower()
    if duty not in DUTIES:
        raise RotaProblem("duty", "Choose the duty: chat, phone or both.")
    name = clean_text(name)
    if not name:
        raise RotaProblem("name", "Say who is on duty: a staff account or a volunteer's name.")
    if len(name) > 80:
        raise RotaProblem("name", "That name is too long (80 characters at most).")
    slot = {
        "weekday": day,
        "starts": time_text(start),
        "ends": time_text(end),
        "duty": duty,
        "name": name,
        "staff_id": staff_id or "",
    }
    for other in existing:
        if other["weekday"] != day or person_key(other) != person_key(slot):
            continue
        if start < parse_time(other["ends"], "ends") and parse_time(other["starts"], "") < end:
            raise RotaProblem(
                "starts",
                f"{other['name']} is already on duty on {WEEKDAY_NAMES[day]} from "
                f"{other['starts']} to {other['ends']}; this slot overlaps it. Change that slot "
                "or pick other times.",
            )
    return slot


class Rota(Aggregate):
    """The organization's one duty rota."""

    ID = uuid5(_NAMESPACE, "rota")

    class Event(Aggregate.Event):
        occurred_at: datetime
        recorded_by: str
        workstation: str

    @event("Opened")
    def __init__(self, occurred_at: datetime, recorded_by: str, workstation: str):
        self.slots: dict[str, dict[str, Any]] = {}

    @classmethod
    def open(cls, stamp: Stamp) -> Rota:
        return cls._create(cls.Opened, id=cls.ID, **stamp)  # type: ignore[attr-defined]  # made by @event("Opened")

    def add_slot(
        self,
        weekday: int | str,
        starts: str,
        ends: str,
        duty: str,
        name: str,
        staff_id: str,
        stamp: Stamp,
    ) -> str:
        slot = check_slot(weekday, starts, ends, duty, name, staff_id, list(self.slots.values()))
        slot_id = str(uuid4())
        self._slot_added(slot_id=slot_id, **slot, **stamp)
        return slot_id

    @event("SlotAdded")
    def _slot_added(
        self,
        slot_id: str,
        weekday: int,
        starts: str,
        ends: str,
        duty: str,
        name: str,
        staff_id: str,
        occurred_at: datetime,
        recorded_by: str,
        workstation: str,
    ) -> None:
        self.slots[slot_id] = {
            "id": slot_id,
            "weekday": weekday,
            "starts": starts,
            "ends": ends,
            "duty": duty,
            "name": name,
            "staff_id": staff_id,
        }

    def remove_slot(self, slot_id: str, stamp: Stamp) -> None:
        if slot_id not in self.slots:
            raise RotaProblem("slot", "That duty slot is no longer on the rota.")
        self._slot_removed(slot_id=slot_id, **stamp)

    @event("SlotRemoved")
    def _slot_removed(
        self, slot_id: str, occurred_at: datetime, recorded_by: str, workstation: str
    ) -> None:
        del self.slots[slot_id]


# -- reading the rota --------------------------------------------------------------------
def answers(slot: dict[str, Any], kind: str) -> bool:
    """Whether the slot's duty answers ``kind`` (chat or phone)."""
    return kind in ANSWERS[slot["duty"]]


def covers(slot: dict[str, Any], weekday: int, minute: int) -> bool:
    return slot["weekday"] == weekday and parse_time(slot["starts"], "") <= minute < parse_time(
        slot["ends"], ""
    )


def on_duty(
    slots: list[dict[str, Any]], moment: datetime, kind: str | None = None
) -> list[dict[str, Any]]:
    """The slots running at ``moment`` (a local wall-clock time), for ``kind`` if given;
    by name."""
    minute = moment.hour * 60 + moment.minute
    found = [
        s
        for s in slots
        if covers(s, moment.weekday(), minute) and (kind is None or answers(s, kind))
    ]
    return sorted(found, key=lambda s: (s["name"].casefold(), s["duty"]))


def staffed(slots: list[dict[str, Any]], moment: datetime, kind: str) -> bool:
    return bool(on_duty(slots, moment, kind))


def _week_minute(moment: datetime) -> int:
    return moment.weekday() * MINUTES_PER_DAY + moment.hour * 60 + moment.minute


def next_on_duty(slots: list[dict[str, Any]], moment: datetime, kind: str) -> dict[str, Any] | None:
    """Who is on ``kind`` duty at ``moment``, else who comes on duty first after it
    (within the coming week); None for an empty rota. Ties go by name."""
    running = on_duty(slots, moment, kind)
    if running:
        return running[0]
    now = _week_minute(moment)
    best = None
    for slot in slots:
        if not answers(slot, kind):
            continue
        start = slot["weekday"] * MINUTES_PER_DAY + parse_time(slot["starts"], "")
        wait = (start - now) % (7 * MINUTES_PER_DAY)
        key = (wait, slot["name"].casefold())
        if best is None or key < best[0]:
            best = (key, slot)
    return best[1] if best else None


def next_change(slots: list[dict[str, Any]], moment: datetime) -> datetime:
    """The next moment the duty on screen may change: a slot starting or ending, or the
    hour turning, whichever comes first (always after ``moment``)."""
    base = moment.replace(second=0, microsecond=0)
    following = base.replace(minute=0) + timedelta(hours=1)
    now = _week_minute(moment)
    week = 7 * MINUTES_PER_DAY
    for slot in slots:
        day = slot["weekday"] * MINUTES_PER_DAY
        for edge in (parse_time(slot["starts"], ""), parse_time(slot["ends"], "")):
            wait = (day + edge - now) % week or week
            candidate = base + timedelta(minutes=wait)
            if candidate < following:
                following = candidate
    return following
