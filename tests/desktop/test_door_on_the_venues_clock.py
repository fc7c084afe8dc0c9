"""The door keeps the venue's night, not this computer's clock zone (issues 17 and 22).

A door laptop whose system clock is in another zone than the organization's (a
touring company, a laptop bought abroad, a PC left on UTC) must still open on
tonight's performance, say "today" for a ticket of another performance today and
offer the switch. Here the organization is in London and the computer's clock in
Dubai (four hours ahead: Dubai's midnight falls during London's evening), so every
"today" decided on the computer's clock is the wrong one.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QSettings, Qt

from desktop.main_window import DOOR
from desktop.settings import Settings
from projections import patron_directory
from tests.conftest import clear_of_midnight

LONDON = ZoneInfo("Europe/London")
PRICES = {"Adult": 3000}


@pytest.fixture
def computer_in_dubai(computer_clock):
    """This computer's clock zone is Asia/Dubai (the process's TZ), whatever it was."""
    computer_clock("Asia/Dubai")
    assert datetime(2026, 12, 6, 21, tzinfo=UTC).astimezone().hour == 1  # Dubai indeed


def london_today_at(hour: int, minute: int = 0, days: int = 0) -> datetime:
    """A moment on London's clock, on London's today (``days`` later)."""
    today = datetime.now(LONDON).date() + timedelta(days=days)
    return datetime(today.year, today.month, today.day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def london_window(open_window, services, tmp_path, computer_in_dubai):
    """The main window of an organization whose time zone is Europe/London."""
    settings = Settings(QSettings(str(tmp_path / "door.ini"), QSettings.Format.IniFormat))
    settings.set("door/sounds", False)
    settings.set("organization/country", "GB")
    settings.set("organization/timezone", "Europe/London")
    return open_window(services, settings)


@pytest.fixture
def london_day(services) -> dict:
    """Yesterday's, today's matinee, tonight's and tomorrow's Tosca in London; Ada has a
    ticket for tonight and one for the matinee."""
    clear_of_midnight(LONDON)
    app = services.app
    show = app.create_production("Tosca")
    shows = {
        "yesterday": app.schedule_performance(show, london_today_at(19, days=-1), 200, PRICES),
        "matinee": app.schedule_performance(show, london_today_at(14, 30), 200, PRICES),
        "tonight": app.schedule_performance(show, london_today_at(19), 200, PRICES),
        "tomorrow": app.schedule_performance(show, london_today_at(19, days=1), 200, PRICES),
    }
    people = {r["first_name"]: r["id"] for r in patron_directory.page(services.runner.db())}
    shows["tonight_ticket"] = app.sell_tickets(
        shows["tonight"], {"Adult": 1}, patron_id=people["Ada"]
    ).codes[0]
    shows["matinee_ticket"] = app.sell_tickets(
        shows["matinee"], {"Adult": 1}, patron_id=people["Ada"]
    ).codes[0]
    services.runner.catch_up()
    return shows


def settled(qtbot, window) -> None:
    qtbot.waitUntil(lambda: not window.scanner.holding and window.writer.pending == 0)


def test_the_door_opens_on_tonights_london_performance_at_half_past_eleven(
    london_window, london_day, qtbot
):
    door = london_window.door_view
    door.clock = lambda: london_today_at(23, 30).astimezone(UTC)  # 03:30 tomorrow in Dubai
    door._performances = None
    door.performance_box.clear()  # the door opens afresh, nothing chosen yet
    london_window.show_area(DOOR)
    door.reload_performances()
    assert door.performance_id() == london_day["tonight"]
    assert door.performance_box.currentText().startswith("Tosca — Today, 19:00")


def test_a_ticket_for_another_london_performance_today_says_so_and_offers_the_switch(
    london_window, london_day, qtbot
):
    door = london_window.door_view
    # 20:15 in London: a quarter past midnight, tomorrow already, in Dubai
    door.clock = lambda: london_today_at(20, 15).astimezone(UTC)
    london_window.show_area(DOOR)
    door.refresh()
    door.choose_performance(london_day["tonight"])
    door.code_field.setFocus()
    qtbot.keyClicks(door.code_field, london_day["matinee_ticket"], delay=2)
    qtbot.keyClick(door.code_field, Qt.Key.Key_Return)
    settled(qtbot, london_window)
    assert door.panel.verdict == "wrong_performance"
    advice = door.panel.advice_label.text()
    assert "today's 14:30 performance" in advice and "F8" in advice
    assert door.switch_bar.isVisible()
    assert "today at 14:30" in door.switch_label.text()
    qtbot.keyClick(door.code_field, Qt.Key.Key_F8)
    settled(qtbot, london_window)
    assert door.performance_id() == london_day["matinee"]
    assert door.panel.verdict == "admit"


def test_a_ticket_for_tomorrow_in_london_is_not_called_today(london_window, london_day, qtbot):
    door = london_window.door_view
    # 23:30 in London: tomorrow in Dubai, where tomorrow's London show is on the same day
    door.clock = lambda: london_today_at(23, 30).astimezone(UTC)
    services = london_window.services
    ada = next(
        r["id"] for r in patron_directory.page(services.runner.db()) if r["name"] == "Ada Lovelace"
    )
    tomorrow = services.app.sell_tickets(london_day["tomorrow"], {"Adult": 1}, patron_id=ada)
    services.runner.catch_up()
    london_window.show_area(DOOR)
    door.refresh()
    door.choose_performance(london_day["tonight"])
    door.code_field.setFocus()
    qtbot.keyClicks(door.code_field, tomorrow.codes[0], delay=2)
    qtbot.keyClick(door.code_field, Qt.Key.Key_Return)
    settled(qtbot, london_window)
    assert door.panel.verdict == "wrong_performance"
    assert "today" not in door.panel.advice_label.text()
    assert not door.switch_bar.isVisible()


def test_the_door_follows_the_london_night_from_yesterdays_performance(
    london_window, london_day, qtbot
):
    door = london_window.door_view
    door.clock = lambda: london_today_at(17, 30).astimezone(UTC)  # 21:30 in Dubai
    london_window.show_area(DOOR)
    door.refresh()
    door.choose_performance(london_day["yesterday"])  # left on last night's show
    assert door.follow_the_night() == london_day["tonight"]
    assert door.performance_id() == london_day["tonight"]
