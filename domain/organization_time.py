"""The organization's clock: which day it is at the venue, and which performance is tonight's.

A performance, a duty slot and a "today" are the organization's: they happen in its
time zone (the first-run assistant's answer, ``houselights setup --timezone``), never in
this computer's. A door laptop left on UTC, bought abroad or brought on tour shows the
venue's night all the same. ``zone`` is that time zone (a ``tzinfo``); None only while
the organization has not said it, and then this computer's clock is the best guess.

    day(now, zone)                           the calendar day at the venue (today(zone): now)
    same_day(a, b, zone)                     two moments on one venue day
    at(on, clock, zone)                      when the venue's clock shows ``clock`` on a day
    that_day_at(moment, clock, zone)         the same, on the venue's day of ``moment``
    pick_performance(starts, now, zone, ...) the performance a door opens on
    performance_to_follow(starts, now, ...)  the one a door switches to as the night goes on
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta, tzinfo

#: a performance that began less than this long ago is still the one at the door
LATECOMERS = timedelta(hours=1)
#: a performance of today that began less than this long ago is still "on" when a door opens
STILL_ON = timedelta(hours=3)


def zone_named(name: str | None) -> tzinfo | None:
    """The time zone called ``name`` (``Europe/London``); None for '' or a name no zone has."""
    name = (name or "").strip()
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def local(moment: datetime, zone: tzinfo | None) -> datetime:
    """``moment`` on the organization's clock (``zone``; None: not said yet, this
    computer's). A moment without a zone is taken as this computer's (``datetime.now()``)."""
    if zone is None:
        return moment.astimezone()  # the organization has not said its zone: the best guess
    if moment.tzinfo is None:
        moment = moment.astimezone()  # a naive moment is this computer's wall clock
    return moment.astimezone(zone)


def day(moment: datetime, zone: tzinfo | None) -> date:
    """The calendar day at the venue at ``moment``."""
    return local(moment, zone).date()


def today(zone: tzinfo | None, now: datetime | None = None) -> date:
    """Today at the venue (``now``: this moment)."""
    return day(now or datetime.now(tz=UTC), zone)


def same_day(a: datetime, b: datetime, zone: tzinfo | None) -> bool:
    """Whether ``a`` and ``b`` fall on one day at the venue."""
    return day(a, zone) == day(b, zone)


def at(on: date, clock: time, zone: tzinfo | None) -> datetime:
    """The moment the venue's clock shows ``clock`` on the day ``on`` (an aware
    datetime, with that day's offset: summer time or not)."""
    moment = datetime.combine(on, clock)
    return moment.replace(tzinfo=zone) if zone is not None else moment.astimezone()


def that_day_at(moment: datetime, clock: time, zone: tzinfo | None) -> datetime:
    """``clock`` on the venue's day of ``moment`` (10:15 on the day of a sale, say)."""
    return at(day(moment, zone), clock, zone)


def day_start(on: date, zone: tzinfo | None) -> datetime:
    """The first moment of the venue's day ``on`` (an aware datetime)."""
    return at(on, time(), zone)


def pick_performance(
    starts: Mapping[str, datetime], now: datetime, zone: tzinfo | None, last_chosen: str = ""
) -> str | None:
    """The performance a door opens on: today's at the venue (the one on now or next),
    else the last chosen, else the next one, else the latest.

    ``starts``: each performance's id and start, in the order the door lists them
    (earliest first)."""
    if not starts:
        return None
    ids = list(starts)
    todays = [i for i in ids if same_day(starts[i], now, zone)]
    if todays:
        on_or_next = [i for i in todays if starts[i] + STILL_ON >= now]
        return on_or_next[0] if on_or_next else todays[-1]
    if last_chosen in starts:
        return last_chosen
    upcoming = [i for i in ids if starts[i] >= now]
    return upcoming[0] if upcoming else ids[-1]


def performance_to_follow(
    starts: Mapping[str, datetime], now: datetime, current: str | None, hours: int
) -> str | None:
    """The performance the door should be on now, when it is not the one shown.

    That is the earliest performance that starts within ``hours`` (or began less than
    ``LATECOMERS`` ago), unless the one shown is itself in that window (a volunteer may
    check in a later show on purpose). None: stay. (Hours from now are the same on every
    clock: no zone is needed.)"""
    if hours <= 0:
        return None
    earliest, latest = now - LATECOMERS, now + timedelta(hours=hours)
    window = [i for i, at in starts.items() if earliest <= at <= latest]
    if not window or current in window:
        return None
    return min(window, key=lambda i: starts[i])
