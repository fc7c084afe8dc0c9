"""Tests that read "today" in a zone begin well inside one of its days
(``tests.conftest.clear_of_midnight``): a test begun seconds before London's midnight
worked out London's today, then had the app work it out again after midnight."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import clear_of_midnight

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("clock", "waited"),
    [
        ((23, 59, 30), [31.0]),  # half a minute before midnight: until just after it
        ((23, 58, 30), [91.0]),
        ((23, 57, 0), []),  # three minutes before: the test has time enough
        ((12, 0, 0), []),
        ((0, 0, 1), []),
    ],
)
def test_a_test_near_midnight_waits_for_the_new_day(clock, waited):
    moment = datetime(2026, 7, 15, *clock, tzinfo=LONDON)
    asked: list[float] = []
    clear_of_midnight(LONDON, now=lambda zone: moment.astimezone(zone), wait=asked.append)
    assert asked == waited
