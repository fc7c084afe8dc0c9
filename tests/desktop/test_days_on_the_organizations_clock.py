""" "Today" in the office is the organization's day, not this computer's (issue 22's one
way to write things): the reports' periods and the follow-ups due today, on a computer
whose clock zone is on another day than the organization's (London) right now."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QDate

from desktop import formatting
from desktop.views.reports.period_chooser import PeriodChooser
from projections import patron_directory
from tests.conftest import clear_of_midnight

LONDON = ZoneInfo("Europe/London")
#: fourteen hours ahead of UTC and twelve behind: one of them is on another day than London
FAR_ZONES = ("Etc/GMT-14", "Etc/GMT+12")


@pytest.fixture
def computer_on_another_day(computer_clock):
    """This computer's clock zone is on another calendar day than London right now; the
    organization's zone is London. Gives London's today."""
    clear_of_midnight(LONDON)
    london_today = datetime.now(LONDON).date()
    zone = next(z for z in FAR_ZONES if datetime.now(ZoneInfo(z)).date() != london_today)
    computer_clock(zone)
    assert datetime.now().date() != london_today  # the computer's day is another
    formatting.configure("GB", "GBP", "Europe/London")
    return london_today


def test_a_reports_period_ends_on_the_organizations_today(qtbot, computer_on_another_day):
    chooser = PeriodChooser(("preset", "start", "end"))
    qtbot.addWidget(chooser)
    today = computer_on_another_day
    assert chooser.period()[1] == today
    chooser.preset.setCurrentIndex(0)  # "Last 30 days"
    assert chooser.end_edit.date() == QDate(today.year, today.month, today.day)


def test_a_follow_up_due_on_the_organizations_today_is_due_today(
    window, services, qtbot, computer_on_another_day
):
    today = computer_on_another_day
    [ada] = [r for r in patron_directory.page(services.runner.db()) if r["name"] == "Ada Lovelace"]
    services.app.log_call(
        ada["id"], "incoming", "Parking", "call_back", "Asked.", follow_up_on=today.isoformat()
    )
    services.runner.catch_up()
    window.show_follow_up_badge()
    from desktop.main_window import AREAS, FOLLOW_UPS

    item = window.navigation.item(AREAS.index(FOLLOW_UPS))
    assert item.toolTip() == "0 overdue, 1 due today"
    assert window.follow_ups.today() == today
