"""Which day it is at the venue and which performance is tonight's: the organization's
clock (``domain.organization_time``), whatever this computer's clock zone is."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from domain import organization_time as clock

LONDON = ZoneInfo("Europe/London")


@pytest.fixture(params=["Asia/Dubai", "Asia/Tokyo", "America/Los_Angeles", "UTC"])
def computer_zone(request, computer_clock):
    """This computer's clock zone (the process's TZ) is somewhere else than London."""
    computer_clock(request.param)
    return request.param


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=LONDON)


#: a London week-end: the 5th's show, the 6th's matinee and evening, the 7th's show
STARTS = {
    "fifth": at(5, 19),
    "matinee": at(6, 14, 30),
    "tonight": at(6, 19),
    "seventh": at(7, 19),
}


@pytest.mark.parametrize(
    ("now", "picked"),
    [
        (at(6, 10), "matinee"),  # the morning: the first of today's
        (at(6, 16), "matinee"),  # the matinee is still on
        (at(6, 18), "tonight"),
        (at(6, 23, 30), "tonight"),  # late: still tonight's, never tomorrow's
        (at(7, 0, 30), "seventh"),  # after midnight in London: the new day's
    ],
)
def test_the_door_picks_the_performance_of_the_venues_day(computer_zone, now, picked):
    assert clock.pick_performance(STARTS, now.astimezone(UTC), LONDON) == picked


def test_the_venues_day_is_not_the_computers(computer_zone):
    late = at(6, 23, 30).astimezone(UTC)
    assert clock.day(late, LONDON) == date(2026, 12, 6)
    assert clock.same_day(STARTS["matinee"], late, LONDON)
    assert not clock.same_day(STARTS["seventh"], late, LONDON)
    assert not clock.same_day(STARTS["fifth"], late, LONDON)
    start = clock.day_start(date(2026, 12, 6), LONDON)
    assert start == datetime(2026, 12, 6, 0, 0, tzinfo=UTC)


def test_summer_time_is_the_venues():
    # 23:30 on a July night in London is 22:30 UTC: still the same London day
    july = datetime(2026, 7, 4, 22, 30, tzinfo=UTC)
    assert clock.day(july, LONDON) == date(2026, 7, 4)
    assert clock.day_start(date(2026, 7, 4), LONDON) == datetime(2026, 7, 3, 23, tzinfo=UTC)


def test_without_a_zone_said_the_computers_clock_is_the_guess(computer_clock):
    computer_clock("Asia/Tokyo")
    # 20:00 UTC on the 6th is 05:00 on the 7th in Tokyo
    assert clock.day(datetime(2026, 12, 6, 20, tzinfo=UTC), None) == date(2026, 12, 7)


def test_a_zone_is_found_by_its_name_and_nothing_else():
    assert clock.zone_named("Europe/London") == LONDON
    assert clock.zone_named(" Europe/London ") == LONDON
    assert clock.zone_named("") is None
    assert clock.zone_named("Mars/Olympus") is None


def test_the_door_follows_the_night_by_hours_not_by_days():
    now = at(6, 17, 30).astimezone(UTC)
    assert clock.performance_to_follow(STARTS, now, "fifth", hours=3) == "tonight"
    assert clock.performance_to_follow(STARTS, now, "tonight", hours=3) is None
    assert clock.performance_to_follow(STARTS, now, "seventh", hours=3) == "tonight"
    assert clock.performance_to_follow(STARTS, now, "fifth", hours=0) is None
