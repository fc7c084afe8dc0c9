"""The demo organization makes the support report meaningful: chats and calls at
believable hours, a rota with gaps, slow or missing replies outside staffed hours."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from demo import organization as demo
from infrastructure.bootstrap import bootstrap
from infrastructure.config import resolve
from projections import conversations, support

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def london(computer_clock):
    computer_clock("Europe/London")


def test_the_demo_support_desk(tmp_path):
    services = bootstrap(resolve(tmp_path / "data"))
    try:
        demo.generate(services.app, 500, seed=7, now=NOW)
        services.runner.catch_up()
        db = services.runner.db()
        figures = services.app.support_report(support.inquiries(db), support.rota(db))
        slots = support.rota(db)
        follow_ups = conversations.follow_ups(db, include_done=True)
    finally:
        services.close()

    assert figures.chats > 120 and figures.calls > 40
    by_day_hour = {(d, h): n for d, h, n in figures.by_hour}
    evenings = sum(n for (d, h), n in by_day_hour.items() if d < 6 and 17 <= h < 20)
    small_hours = sum(n for (d, h), n in by_day_hour.items() if 2 <= h < 6)
    monday_morning = sum(n for (d, h), n in by_day_hour.items() if d == 0 and 9 <= h < 12)
    tuesday_morning = sum(n for (d, h), n in by_day_hour.items() if d == 1 and 9 <= h < 12)
    assert evenings > 5 * max(1, small_hours)
    assert monday_morning > tuesday_morning
    # answered in minutes on duty, in hours (or never) outside it
    reply = figures.first_reply_seconds
    assert 15 <= reply.median < 30 * 60 < reply.p90
    assert figures.unanswered > 0
    assert 0.2 < figures.outside_staffed_hours < 0.8
    worst = figures.uncovered[0]
    assert worst["inquiries"] >= figures.uncovered[-1]["inquiries"]
    assert {"Parking", "Accessibility"} & {name for name, _n in figures.quick_answers}
    assert figures.reasons
    assert len(slots) == 12  # with gaps: Monday before ten, weekday evenings, Sundays
    assigned = [f for f in follow_ups if f["assigned_to"]]
    assert assigned
