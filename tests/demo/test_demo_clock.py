"""The demo organization keeps the venue's clock.

Its performances started at 19:30 (or 14:30) in UTC whatever the organization's time
zone: a New York theatre's demo played at 15:30 or 14:30, a Sydney one's at 06:30 the
next morning. Now they start at 19:30 or 14:30 on the venue's clock, in summer and in
winter; with no zone said yet, on this computer's (as the app's clock does).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from demo import organization as demo
from desktop.cli import main
from domain import organization_time
from infrastructure.bootstrap import bootstrap
from infrastructure.config import resolve

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
SHOW_TIMES = {time(14, 30), time(19, 30)}


def starts_on_the_clock(db, zone) -> list[datetime]:
    """Every performance's start, on the clock of ``zone``."""
    return [
        datetime.fromisoformat(starts).astimezone(zone)
        for (starts,) in db.conn.execute("SELECT starts_at FROM bo_performances")
    ]


@pytest.mark.parametrize("name", ["America/New_York", "Australia/Sydney"])
def test_performances_start_in_the_evening_at_the_venue(tmp_path, name):
    zone = ZoneInfo(name)
    services = bootstrap(resolve(tmp_path / "data"))
    try:
        demo.generate(services.app, 80, seed=3, now=NOW, zone=zone)
        services.runner.catch_up()
        starts = starts_on_the_clock(services.runner.db(), zone)
    finally:
        services.close()

    assert len(starts) > 20
    assert {moment.time() for moment in starts} <= SHOW_TIMES
    # the season runs through summer time and winter time: both offsets, same clock
    assert len({moment.utcoffset() for moment in starts}) == 2


def test_with_no_zone_said_the_demo_keeps_this_computers_clock(tmp_path, computer_clock):
    computer_clock("America/New_York")
    services = bootstrap(resolve(tmp_path / "data"))
    try:
        demo.generate(services.app, 60, seed=3, now=NOW)
        services.runner.catch_up()
        starts = starts_on_the_clock(services.runner.db(), ZoneInfo("America/New_York"))
    finally:
        services.close()

    assert {moment.time() for moment in starts} <= SHOW_TIMES


def test_the_demo_command_uses_the_organizations_zone(tmp_path, capsys):
    data = str(tmp_path / "data")
    setup = ["setup", "--organization", "Harbour Stage", "--timezone", "Australia/Sydney"]
    assert main(["--data", data, *setup, "--currency", "AUD", "--country", "AU"]) == 0
    assert main(["--data", data, "demo", "--patrons", "60"]) == 0
    capsys.readouterr()
    services = bootstrap(resolve(data))
    try:
        starts = starts_on_the_clock(services.runner.db(), ZoneInfo("Australia/Sydney"))
    finally:
        services.close()

    assert starts and {moment.time() for moment in starts} <= SHOW_TIMES


@pytest.mark.parametrize(("on", "offset_hours"), [(date(2026, 1, 15), 0), (date(2026, 7, 15), 1)])
def test_a_clock_time_at_the_venue_has_that_days_offset(on, offset_hours):
    london = ZoneInfo("Europe/London")
    moment = organization_time.at(on, time(19, 30), london)
    assert moment.utcoffset().total_seconds() == offset_hours * 3600
    assert moment.astimezone(UTC).time() == time(19 - offset_hours, 30)
    late_sale = datetime.combine(on, time(23, 40), tzinfo=UTC)  # 00:40 in London in July
    expected_day = on if offset_hours == 0 else date(on.year, on.month, on.day + 1)
    assert organization_time.that_day_at(late_sale, time(10, 15), london) == datetime.combine(
        expected_day, time(10, 15), tzinfo=london
    )
