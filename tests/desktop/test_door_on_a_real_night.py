"""The door on a real night (issue 17): what a volunteer met with the real window.

Each test is one finding: door mode that holds across quitting and a crash,
scans on other screens, a PIN typed quickly, the door following the night, a
server that does not answer, and verdicts that neither hide nor linger.
Everything is driven with real key events; the writer worker is held at a
known point (a threading.Event inside the service call), never timed.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, time, timedelta

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from desktop.main_window import BOX_OFFICE, DOOR, PATRONS
from desktop.settings import Settings
from desktop.views.box_office.sell_dialog import SellDialog
from projections import patron_directory

PRICES = {"Adult": 3000}


@pytest.fixture
def ini(tmp_path) -> str:
    return str(tmp_path / "workstation.ini")


def settings_on(path: str) -> Settings:
    settings = Settings(QSettings(path, QSettings.Format.IniFormat))
    settings.set("door/sounds", False)
    return settings


def local_at(day: date, hour: int, minute: int = 0) -> datetime:
    """``hour:minute`` on this computer's clock on ``day``, with that moment's own offset:
    on the day the clocks change, the offset of the moment the test runs is not the
    evening's (begun at 00:50 on 28 March 2027 in London, "19:00" was 20:00)."""
    return datetime.combine(day, time(hour, minute)).astimezone()


@pytest.fixture
def night(services) -> dict:
    """Tonight's Tosca at 19:00 with two tickets for Ada, one sold without a name."""
    app = services.app
    show = app.create_production("Tosca")
    today = date.today()
    tonight = app.schedule_performance(show, local_at(today, 19), 200, PRICES, venue="Main hall")
    people = {r["first_name"]: r["id"] for r in patron_directory.page(services.runner.db())}
    ada = app.sell_tickets(tonight, {"Adult": 2}, patron_id=people["Ada"])
    walk_up = app.sell_tickets(tonight, {"Adult": 1})
    services.runner.catch_up()
    return {
        "today": today,
        "tonight": tonight,
        "production": show,
        "people": people,
        "ada": ada,
        "walk_up": walk_up.codes[0],
    }


def burst(qtbot, widget, text: str, terminator=Qt.Key.Key_Return) -> None:
    """A USB scanner: the whole code within milliseconds, then Enter."""
    qtbot.keyClicks(widget, text, delay=2)
    if terminator is not None:
        qtbot.keyClick(widget, terminator)


def settled(qtbot, window) -> None:
    """Nothing held by the scanner filter and every command answered."""
    qtbot.waitUntil(lambda: not window.scanner.holding and window.writer.pending == 0)


def typed_by_a_person(qtbot, field, text: str, delay: int = 120) -> None:
    qtbot.keyClicks(field, text, delay=delay)
    qtbot.waitUntil(lambda: field.text() == text)


def choose_a_pin(qtbot, door, pin: str, delay: int) -> None:
    qtbot.mouseClick(door.door_mode_button, Qt.MouseButton.LeftButton)
    dialog = door.pin_dialog
    qtbot.waitUntil(lambda: dialog.isVisible() and dialog.pin_field.hasFocus())
    qtbot.keyClicks(dialog.pin_field, pin, delay=delay)
    qtbot.keyClick(dialog.pin_field, Qt.Key.Key_Return)
    qtbot.waitUntil(dialog.again_field.hasFocus)
    qtbot.keyClicks(dialog.again_field, pin, delay=delay)
    qtbot.keyClick(dialog.again_field, Qt.Key.Key_Return)


# -- 1. door mode holds ------------------------------------------------------------------
def test_door_mode_survives_quitting_and_a_crash_and_leaves_only_with_the_pin(
    open_window, services, night, ini, qtbot
):
    window = open_window(services, settings_on(ini))
    window.show_area(DOOR)
    choose_a_pin(qtbot, window.door_view, "2468", delay=120)
    qtbot.waitUntil(lambda: window.door_mode)
    # written at once: a process killed now comes back in door mode too
    assert settings_on(ini).get("door/mode") is True
    window.quit_action.trigger()  # Ctrl+Q from door mode
    qtbot.waitUntil(lambda: not window.isVisible())

    again = open_window(services, settings_on(ini))
    assert again.door_mode and again.current_area() == DOOR
    assert not again.sidebar.isVisible() and not again.menuBar().isVisible()
    again.show_area(PATRONS)
    assert again.current_area() == DOOR
    door = again.door_view
    qtbot.mouseClick(door.door_mode_button, Qt.MouseButton.LeftButton)
    check = door.pin_dialog
    qtbot.waitUntil(lambda: check.isVisible() and check.pin_field.hasFocus())
    typed_by_a_person(qtbot, check.pin_field, "2468")
    qtbot.keyClick(check.pin_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not again.door_mode)
    assert again.sidebar.isVisible() and settings_on(ini).get("door/mode") is False


# -- 2. scans anywhere -----------------------------------------------------------------------
def test_a_scan_on_the_patrons_screen_opens_the_holder_with_the_order_selected(
    window, services, night, qtbot
):
    events = services.app.event_count()
    window.focus_search()
    search = window.patron_list.search_field
    qtbot.waitUntil(search.hasFocus)
    code = night["ada"].codes[1]
    burst(qtbot, search, code)
    settled(qtbot, window)
    assert search.text() == ""  # not one key of the scan reached the field
    assert window.patrons_area.currentWidget() is window.patron_page
    assert window.patron_page.patron_id == night["people"]["Ada"]
    assert window.patron_page.purchases.current_order_id() == night["ada"].order_id
    assert services.app.event_count() == events  # looked up, nothing checked in
    # a person typing on the same screen still types
    window.focus_search()
    qtbot.waitUntil(search.hasFocus)
    typed_by_a_person(qtbot, search, "Hopper", delay=60)
    assert search.text() == "Hopper"


def test_a_scan_at_the_box_office_never_presses_sell_and_brings_up_the_patron(
    window, services, night, qtbot
):
    window.show_area(BOX_OFFICE)
    box_office = window.box_office
    # a performance the box office always lists (tonight's is over late at night)
    coming = services.app.schedule_performance(
        night["production"], datetime.now(tz=UTC) + timedelta(days=2), 200, PRICES
    )
    services.runner.catch_up()
    qtbot.waitUntil(lambda: box_office.select_performance(coming))
    box_office.table.setFocus()
    qtbot.waitUntil(box_office.table.hasFocus)
    burst(qtbot, box_office.table, night["ada"].codes[0].lower())
    settled(qtbot, window)
    assert not any(d.isVisible() for d in window.findChildren(SellDialog))
    assert window.current_area() == PATRONS
    assert window.patron_page.purchases.current_order_id() == night["ada"].order_id

    # a ticket sold without a name: the box office with that ticket selected
    window.focus_search()
    burst(qtbot, window.patron_list.search_field, night["walk_up"])
    settled(qtbot, window)
    assert window.current_area() == BOX_OFFICE
    assert box_office.selected_codes() == [night["walk_up"]]
    assert window.patron_list.search_field.text() == ""


def test_a_ticket_for_a_performance_that_is_over_is_found_at_the_box_office(
    window, services, night, qtbot
):
    """This afternoon's matinee is no longer listed at the box office (it started more
    than four hours ago); a walk-up ticket for it scanned there is still brought up."""
    app = services.app
    matinee = app.schedule_performance(
        night["production"], datetime.now(tz=UTC) - timedelta(hours=6), 200, PRICES
    )
    code = app.sell_tickets(matinee, {"Adult": 1}).codes[0]
    services.runner.catch_up()
    window.show_area(BOX_OFFICE)
    box_office = window.box_office
    assert not box_office.show_past.isChecked()
    assert not box_office.select_performance(matinee)  # over: not listed
    window.focus_search()
    burst(qtbot, window.patron_list.search_field, code)
    settled(qtbot, window)
    assert window.current_area() == BOX_OFFICE
    assert box_office.show_past.isChecked()
    assert box_office.current_performance_id() == matinee
    assert box_office.selected_codes() == [code]


# -- 3. a PIN typed quickly --------------------------------------------------------------
@pytest.mark.parametrize("delay", [2, 10, 12], ids=["password-manager", "10ms", "12ms"])
def test_a_pin_typed_quickly_is_a_pin_never_a_scan(window, services, night, qtbot, delay):
    window.show_area(DOOR)
    door = window.door_view
    events = services.app.event_count()
    choose_a_pin(qtbot, door, "2468", delay=delay)
    qtbot.waitUntil(lambda: window.door_mode)
    qtbot.mouseClick(door.door_mode_button, Qt.MouseButton.LeftButton)
    leave = door.pin_dialog
    qtbot.waitUntil(lambda: leave.isVisible() and leave.pin_field.hasFocus())
    qtbot.keyClicks(leave.pin_field, "2468", delay=delay)
    assert leave.pin_field.text() == "2468"  # straight to the field, never held
    qtbot.keyClick(leave.pin_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.door_mode)
    settled(qtbot, window)
    assert door.last_result is None  # no "Read: 2468"
    assert services.app.event_count() == events  # nothing typed into a PIN is recorded


# -- 4. the door follows the night --------------------------------------------------------
def test_the_door_switches_to_tonights_performance_once_it_is_scheduled(
    window, services, night, qtbot
):
    app = services.app
    door = window.door_view
    door.clock = lambda: local_at(night["today"], 17).astimezone(UTC)
    yesterday = app.schedule_performance(
        night["production"], local_at(night["today"] - timedelta(days=1), 19), 200, PRICES
    )
    services.runner.catch_up()
    window.show_area(DOOR)
    door.refresh()
    door.choose_performance(yesterday)  # the door opened before tonight was scheduled
    assert door.follow_the_night() == night["tonight"]
    assert door.performance_id() == night["tonight"]

    door.choose_performance(yesterday)
    burst(qtbot, door.code_field, night["ada"].codes[0])  # a scan: a queue at the door
    settled(qtbot, window)
    assert door.follow_the_night() == night["tonight"]
    assert door.performance_id() == yesterday and door.switch_bar.isVisible()
    qtbot.keyClick(door.code_field, Qt.Key.Key_F8)
    assert door.performance_id() == night["tonight"] and not door.switch_bar.isVisible()


def test_a_ticket_for_another_performance_today_says_so_and_switches_in_one_key(
    window, services, night, qtbot
):
    app = services.app
    door = window.door_view
    door.clock = lambda: local_at(night["today"], 15).astimezone(UTC)
    matinee = app.schedule_performance(
        night["production"], local_at(night["today"], 14, 30), 200, PRICES
    )
    services.runner.catch_up()
    window.show_area(DOOR)
    door.refresh()
    door.choose_performance(matinee)
    door.code_field.setFocus()
    burst(qtbot, door.code_field, night["ada"].codes[0])
    settled(qtbot, window)
    assert door.panel.verdict == "wrong_performance"
    advice = door.panel.advice_label.text()
    assert "today's 19:00 performance" in advice and "F8" in advice
    assert "exchange" not in advice
    qtbot.keyClick(door.code_field, Qt.Key.Key_F8)
    settled(qtbot, window)
    assert door.performance_id() == night["tonight"]
    assert door.panel.verdict == "admit"


# -- 6. never frozen -----------------------------------------------------------------------
def test_a_server_that_does_not_answer_never_freezes_the_door(
    window, services, night, qtbot, monkeypatch
):
    window.show_area(DOOR)
    door = window.door_view
    answer = threading.Event()
    inside = threading.Event()
    real_scan = services.app.scan

    def slow_scan(*args, **kwargs):
        inside.set()
        assert answer.wait(10), "the test never let the server answer"
        return real_scan(*args, **kwargs)

    monkeypatch.setattr(services.app, "scan", slow_scan)
    door.code_field.setFocus()
    burst(qtbot, door.code_field, night["ada"].codes[0])
    qtbot.waitUntil(inside.is_set)
    # the server is "thinking": the door says so and the screen still answers
    qtbot.waitUntil(lambda: door.panel.title_label.text() == "No connection")
    typed_by_a_person(qtbot, door.code_field, "hello")
    answer.set()
    qtbot.waitUntil(lambda: door.panel.verdict == "admit")
    assert door.last_result.code == night["ada"].codes[0]


# -- 7. verdicts never hidden, never left for the next patron -----------------------------------
def test_a_scan_while_find_by_name_is_open_shows_its_verdict(window, night, qtbot):
    window.show_area(DOOR)
    door = window.door_view
    dialog = door.open_lookup()
    qtbot.waitUntil(lambda: dialog.isVisible() and dialog.search_field.hasFocus())
    burst(qtbot, dialog.search_field, night["ada"].codes[0])
    settled(qtbot, window)
    qtbot.waitUntil(lambda: door.lookup_dialog is None)  # closed (and deleted)
    assert QApplication.activeModalWidget() is None
    assert door.panel.verdict == "admit"


def test_a_verdict_goes_back_to_ready_to_scan_after_the_setting(
    open_window, services, night, ini, qtbot
):
    settings = settings_on(ini)
    settings.set("door/verdict_seconds", 1)
    window = open_window(services, settings)
    window.show_area(DOOR)
    door = window.door_view
    door.code_field.setFocus()
    burst(qtbot, door.code_field, night["ada"].codes[0])
    qtbot.waitUntil(lambda: door.panel.verdict == "admit")
    qtbot.waitUntil(lambda: door.panel.title_label.text() == "Ready to scan", timeout=10000)
    assert door.last_result is None and not door.panel.greeting.isVisible()


def test_a_scan_while_a_question_is_open_over_the_door_closes_it_and_shows_the_verdict(
    window, night, qtbot
):
    """ "Rebuild read models?" (or any message) open over the door: the scan is checked
    in, the question is closed as with Esc (nothing is rebuilt), the verdict is seen."""
    from PySide6.QtWidgets import QMessageBox

    window.show_area(DOOR)
    door = window.door_view
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Rebuild read models",
        "Rebuild now?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        window,
    )
    answers: list[int] = []
    box.finished.connect(answers.append)
    box.open()
    qtbot.waitUntil(box.isVisible)
    burst(qtbot, box.button(QMessageBox.StandardButton.Cancel), night["ada"].codes[0])
    settled(qtbot, window)
    assert door.panel.verdict == "admit"
    assert not box.isVisible() and answers == [QMessageBox.DialogCode.Rejected.value]
    assert QApplication.activeModalWidget() is None
    assert "“Rebuild read models” was closed" in window.statusBar().currentMessage()


def test_two_scans_in_quick_succession_are_both_checked_in_order(window, night, qtbot):
    from tests.desktop.keys import scanner_burst

    window.show_area(DOOR)
    door = window.door_view
    shown: list[dict] = []
    door.verdict_shown.connect(shown.append)
    first, second = night["ada"].codes
    at = scanner_burst(door.code_field, first)
    scanner_burst(door.code_field, second, start_ms=at + 40)  # the next ticket, at once
    settled(qtbot, window)
    qtbot.waitUntil(lambda: door.house.admitted_label.text() == "2")
    admitted = [r.code for r in shown if getattr(r, "verdict", None) == "admit"]
    assert admitted == [first, second]


def test_a_scan_over_a_form_being_filled_in_keeps_the_form_and_what_was_typed(window, night, qtbot):
    window.show_area(DOOR)
    door = window.door_view
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.patron_dialog is not None and window.patron_dialog.isVisible())
    form = window.patron_dialog
    name = form.fields["first_name"]
    name.setText("Walter")
    burst(qtbot, name, night["ada"].codes[0])
    settled(qtbot, window)
    assert door.panel.verdict == "admit"  # checked in all the same
    assert form.isVisible() and name.text() == "Walter"  # nothing typed is lost
