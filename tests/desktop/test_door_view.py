"""The door view, driven with real key events: scanner bursts, typing, verdicts, greeting."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.views.door.verdict_panel import PALETTE
from domain.ticket_codes import grouped, new_code, ticket_id
from projections import door as door_read_model
from projections import ladder, patron_directory
from tests.desktop.keys import scanner_burst

PRICES = {"Adult": 3000, "Student": 1200}


def local_at(day: date, hour: int) -> datetime:
    """``hour``:00 on this computer's clock on ``day``, with that moment's own offset: on
    the day the clocks change, the offset of the moment the test runs is not the
    evening's (begun at 00:50 on 28 March 2027 in London, "19:00" was 20:00)."""
    return datetime.combine(day, time(hour)).astimezone()


@pytest.fixture
def evening(services) -> dict:
    """Yesterday's, today's and tomorrow's performance; tickets for Ada and Grace tonight."""
    app = services.app
    show = app.create_production("Tosca")
    now = datetime.now(UTC)
    today = now.astimezone().date()
    ids = {
        name: app.schedule_performance(
            show, local_at(today + timedelta(days=offset), 19), 200, PRICES, venue="Main hall"
        )
        for name, offset in (("yesterday", -1), ("tonight", 0), ("tomorrow", 1))
    }
    db = services.runner.db()
    people = {r["first_name"]: r["id"] for r in patron_directory.page(db)}
    ada = app.sell_tickets(ids["tonight"], {"Adult": 2}, patron_id=people["Ada"])
    grace = app.sell_tickets(ids["tomorrow"], {"Adult": 1}, patron_id=people["Grace"])
    refunded = app.sell_tickets(ids["tonight"], {"Student": 1})
    app.refund_order(refunded.order_id)
    return {
        **ids,
        "now": now,
        "people": people,
        "ada": ada.codes,
        "grace": grace.codes[0],
        "refunded": refunded.codes[0],
    }


@pytest.fixture
def door(window, evening, qtbot):
    view = window.door_view
    # the door's now is the evening's: begun seconds before midnight, the door read the
    # performances after it and "today's" was yesterday's
    view.clock = lambda: evening["now"]
    window.show_area("door")
    qtbot.waitUntil(lambda: view.scanner.active)
    return view


def burst(qtbot, widget, text, terminator=Qt.Key.Key_Return, delay=2):
    """What a USB scanner does: the code within milliseconds, then its terminator (sent
    at once with time stamps, so a busy machine cannot split it: ``tests/desktop/keys.py``)."""
    scanner_burst(widget, text, terminator, gap_ms=delay)
    answered(qtbot, widget)


def answered(qtbot, widget) -> None:
    """Wait until the writer worker has answered every check (the verdict is shown)."""
    writer = widget.window().writer
    qtbot.waitUntil(lambda: writer.pending == 0)


def test_todays_performance_is_preselected_with_its_house_count(door, evening):
    assert door.performance_id() == evening["tonight"]
    assert door.performance_box.currentText().startswith("Tosca — Today, 19:00")
    assert door.house.admitted_label.text() == "0"
    assert door.house.sold_label.text() == "admitted of 2 sold · 200 seats"
    assert door.panel.title_label.text() == "Ready to scan"


@pytest.mark.parametrize("focus", ["door_field", "performance_box", "code_field", "kiosk_button"])
def test_a_scanner_burst_admits_whichever_widget_has_focus(door, evening, qtbot, focus):
    widget = getattr(door, focus)
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)
    before = (door.door_field.text(), door.code_field.text(), door.performance_id())
    burst(qtbot, QApplication.focusWidget(), evening["ada"][0])
    assert door.panel.verdict == "admit"
    assert door.panel.title_label.text() == "ADMIT"
    assert door.sounds.requested == ["admit"]
    # none of the burst's keys leaked into the focused widget
    assert (door.door_field.text(), door.code_field.text(), door.performance_id()) == before
    qtbot.waitUntil(lambda: door.house.admitted_label.text() == "1")
    assert door.house.door_counts() == {"Main door (here)": "1"}


@pytest.mark.parametrize(
    "terminator", [Qt.Key.Key_Enter, Qt.Key.Key_Tab, None], ids=["keypad-enter", "tab", "none"]
)
def test_scanners_ending_with_keypad_enter_tab_or_nothing_are_understood(
    door, evening, qtbot, terminator
):
    door.code_field.setFocus()
    burst(qtbot, door.code_field, evening["ada"][1].lower(), terminator, delay=0)
    qtbot.waitUntil(lambda: door.panel.verdict == "admit")
    assert door.code_field.text() == ""


def test_every_verdict_has_its_own_colour_sound_words_and_accessible_description(
    door, evening, qtbot
):
    door.code_field.setFocus()
    shown = []

    def scan(code):
        burst(qtbot, door.code_field, code)
        panel = door.panel
        shown.append((panel.verdict, panel.title_label.text()))
        assert panel.property("verdict") == panel.verdict
        painted = panel.grab().toImage().pixelColor(12, panel.height() // 2).name()
        assert painted == PALETTE[panel.verdict][0]
        assert panel.accessibleName() == panel.title_label.text()
        assert panel.detail_label.text() in panel.accessibleDescription()
        return panel.detail_label.text()

    scan(evening["ada"][0])
    door.door_field.setText("North door")
    assert "at Main door" in scan(evening["ada"][0])
    assert "This ticket is for Tosca" in scan(evening["grace"])
    assert "refunded" in scan(evening["refunded"])
    assert "no ticket with this code" in scan(new_code())
    assert shown == [
        ("admit", "ADMIT"),
        ("already_admitted", "ALREADY ADMITTED"),
        ("wrong_performance", "WRONG PERFORMANCE"),
        ("void", "REFUNDED"),
        ("unknown", "UNKNOWN CODE"),
    ]
    assert door.sounds.requested == [v for v, _ in shown]
    assert len({PALETTE[v][0] for v, _ in shown}) == 5


def test_a_code_replaced_by_the_services_barcode_reads_void_and_says_why(
    door, evening, services, qtbot
):
    old = evening["ada"][1]
    services.app.replace_ticket_code(old, "8141001002")
    burst(qtbot, door.code_field, old)
    assert (door.panel.verdict, door.panel.title_label.text()) == ("void", "VOID")
    assert door.panel.detail_label.text() == (
        "This code was replaced by the barcode the ticketing service sent."
    )
    assert "confirmation email" in door.panel.accessibleDescription()
    assert (door.last_result.verdict, door.last_result.status) == ("void", "replaced")
    burst(qtbot, door.code_field, "8141001002")
    assert door.panel.verdict == "admit" and door.last_result.code == "8141001002"


def test_a_garbled_burst_is_shown_as_read_and_a_typo_asks_to_check_the_code(door, evening, qtbot):
    burst(qtbot, door.door_field, "hello world!")
    assert door.panel.verdict == "unknown"
    assert "Read: hello world!" in door.panel.code_label.text()
    code = evening["ada"][0]
    typo = code[:3] + next(c for c in "CEFGH" if c != code[3]) + code[4:]
    burst(qtbot, door.door_field, typo)
    assert door.panel.verdict == "unknown"
    assert "check the code" in door.panel.detail_label.text()
    assert door.door_field.text() == "Main door"


def test_a_code_typed_by_hand_is_checked_on_enter_and_kept_when_unknown(door, evening, qtbot):
    door.code_field.setFocus()
    code = grouped(evening["ada"][0])
    qtbot.keyClicks(door.code_field, code, delay=80)  # a person, not a scanner
    qtbot.waitUntil(lambda: door.code_field.text() == code)
    assert door.panel.verdict == "idle"  # nothing checked while typing
    qtbot.keyClick(door.code_field, Qt.Key.Key_Return)
    answered(qtbot, door)
    assert door.panel.verdict == "admit" and door.code_field.text() == ""
    qtbot.keyClicks(door.code_field, "NOPE42", delay=80)
    qtbot.waitUntil(lambda: door.code_field.text() == "NOPE42")
    qtbot.keyClick(door.code_field, Qt.Key.Key_Return)
    answered(qtbot, door)
    assert door.panel.verdict == "unknown"
    assert door.code_field.text() == "NOPE42"  # kept so it can be corrected


def test_human_typing_in_the_patron_search_is_not_a_scan(window, door, services, qtbot):
    events = services.app.event_count()
    window.focus_search()
    search = window.patron_list.search_field
    qtbot.waitUntil(search.hasFocus)
    qtbot.keyClicks(search, "Lovelace", delay=80)
    qtbot.waitUntil(lambda: search.text() == "Lovelace")
    qtbot.waitUntil(lambda: "1 patron matches" in window.patron_list.count_label.text())
    # away from the door a fast burst that is no ticket is just text in the field
    search.clear()
    burst(qtbot, search, "ZIMMER", terminator=None, delay=0)
    qtbot.waitUntil(lambda: search.text() == "ZIMMER")
    assert door.last_result is None and services.app.event_count() == events


def test_the_greeting_names_the_patron_their_visit_rung_cue_and_interests(
    door, evening, services, qtbot
):
    ada = evening["people"]["Ada"]
    services.app.record_donation(ada, 50_000)
    burst(qtbot, door.door_field, evening["ada"][0])
    card = door.panel.greeting
    assert card.isVisible()
    assert card.name_label.text() == "Ada"
    assert card.meta_label.text() == "1st visit · Tryer"
    assert [c.text() for c in card.cue_labels] == [
        "First visit: welcome them!",
        "Donor: thank them for their support",
    ]
    assert card.chips() == ["opera", "chamber music"]
    everything = " ".join(
        label.text()
        for label in door.panel.findChildren(type(card.name_label))
        if not label.isHidden()
    )
    assert "500" not in everything and "€" not in everything and "$" not in everything
    # a refused scan hides the greeting again
    burst(qtbot, door.door_field, evening["grace"])
    assert not card.isVisible()


def test_a_ticket_sold_without_a_patron_gets_a_plain_welcome(door, evening, services, qtbot):
    code = services.app.sell_tickets(evening["tonight"], {"Adult": 1}).codes[0]
    burst(qtbot, door.door_field, code)
    assert door.panel.verdict == "admit"
    assert door.panel.greeting.name_label.text() == "Welcome!"


def test_kiosk_mode_fills_the_screen_with_the_door_and_esc_leaves(window, door, qtbot):
    qtbot.mouseClick(door.kiosk_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(window.isFullScreen)
    assert not window.sidebar.isVisible() and not window.statusBar().isVisible()
    assert door.kiosk_button.text() == "Leave full screen (Esc)"
    door.code_field.setFocus()
    qtbot.keyClick(door.code_field, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.isFullScreen())
    assert window.sidebar.isVisible() and not door.kiosk
    qtbot.keyClick(door.code_field, Qt.Key.Key_F11)
    qtbot.waitUntil(window.isFullScreen)
    qtbot.keyClick(door.code_field, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: not window.isFullScreen())


def test_choosing_another_performance_shows_its_count_and_checks_against_it(door, evening, qtbot):
    door.choose_performance(evening["tomorrow"])
    assert door.house.sold_label.text() == "admitted of 1 sold · 200 seats"
    burst(qtbot, door.door_field, evening["grace"])
    assert door.panel.verdict == "admit"
    assert door.last_result.performance_id == evening["tomorrow"]


def test_scans_at_other_doors_show_in_the_house_count(door, evening, services, qtbot):
    services.app.scan(evening["ada"][1], evening["tonight"], "Balcony")
    qtbot.waitUntil(lambda: door.house.admitted_label.text() == "1")
    assert door.house.door_counts() == {"Balcony": "1", "Main door (here)": "0"}
    assert door.recent.list.item(0).text() == "No scans yet"  # this door's scans only


def test_the_last_admission_can_be_undone_with_a_reason(door, evening, services, qtbot):
    assert not door.undo_button.isEnabled()
    burst(qtbot, door.door_field, evening["ada"][0])
    qtbot.waitUntil(lambda: door.house.admitted_label.text() == "1")
    qtbot.mouseClick(door.undo_button, Qt.MouseButton.LeftButton)
    assert door.undo_bar.isVisible()
    qtbot.waitUntil(door.undo_reason.hasFocus)
    qtbot.keyClick(door.undo_reason, Qt.Key.Key_Return)  # no reason yet: explained, kept open
    answered(qtbot, door)
    assert "Say why" in door.undo_error.text() and door.undo_bar.isVisible()
    qtbot.keyClicks(door.undo_reason, "oops", delay=80)
    qtbot.waitUntil(lambda: door.undo_reason.text() == "oops")
    qtbot.keyClick(door.undo_reason, Qt.Key.Key_Return)
    answered(qtbot, door)
    assert not door.undo_bar.isVisible() and not door.undo_button.isEnabled()
    assert door.panel.title_label.text() == "Admission undone"
    qtbot.waitUntil(lambda: door.house.admitted_label.text() == "0")
    assert door.recent.list.item(0).text().endswith(f"Admission undone\n{evening['ada'][0]}")


def test_a_patron_who_forgot_the_ticket_is_found_by_name_and_admitted(door, evening, qtbot):
    qtbot.mouseClick(door.lookup_button, Qt.MouseButton.LeftButton)
    dialog = door.lookup_dialog
    qtbot.waitUntil(lambda: dialog.isVisible() and dialog.search_field.hasFocus())
    qtbot.keyClicks(dialog.search_field, "love", delay=80)
    qtbot.waitUntil(lambda: dialog.results.count() == 1)
    assert dialog.results.item(0).text() == "Ada Lovelace — 2 tickets, 2 still to come in"
    assert dialog.admit_button.text() == "Admit 2 tickets"
    qtbot.keyClick(dialog.search_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: door.lookup_dialog is None or not dialog.isVisible())
    answered(qtbot, door)
    assert door.panel.verdict == "admit"
    assert door.panel.detail_label.text() == "2 of 2 tickets admitted, found by name."
    assert door.panel.greeting.name_label.text() == "Ada"
    qtbot.waitUntil(lambda: door.house.admitted_label.text() == "2")


def refunded_then_tonight(services, evening) -> tuple[str, str]:
    """Zoë's order for yesterday, fully refunded, and a ticket for tonight: (id, code)."""
    app, zoe = services.app, evening["people"]["Zoë"]
    earlier = app.sell_tickets(evening["yesterday"], {"Adult": 2}, patron_id=zoe)
    app.refund_order(earlier.order_id)  # every ticket of it: for the ladder, never bought
    tonight = app.sell_tickets(evening["tonight"], {"Adult": 1}, patron_id=zoe)
    services.runner.catch_up()
    # the door read model still counts two orders (a repeat buyer by its own reckoning)
    facts = door_read_model.patron_facts(services.runner.db(), zoe, evening["tonight"])
    assert facts.purchases == 2
    return zoe, tonight.codes[0]


def test_the_door_gives_the_ladders_rung_a_fully_refunded_order_never_counted(
    window, door, evening, services, qtbot
):
    zoe, code = refunded_then_tonight(services, evening)
    burst(qtbot, door.door_field, code)
    assert door.panel.verdict == "admit"
    assert door.panel.greeting.meta_label.text() == "1st visit · Tryer"
    window.open_patron(zoe)
    assert window.patron_page.card.ladder.rung_label.text() == "Tryer"


def test_without_a_ladder_row_the_door_works_the_rung_out_itself(evening, services):
    from desktop.door_check import door_greeting

    zoe, _code = refunded_then_tonight(services, evening)
    db = services.runner.db()
    assert door_greeting(db, zoe, evening["tonight"]).rung == "tryer"  # the ladder's
    with db.conn as conn:  # as if the ladder had not reached her yet
        conn.execute("DELETE FROM ladder_rungs WHERE patron_id = ?", (zoe,))
    assert ladder.patron_rung(db, zoe) is None
    assert door_greeting(db, zoe, evening["tonight"]).rung == "buyer"  # the door's own


def test_on_a_laptop_at_150_percent_the_verdict_and_greeting_show_without_scrolling(
    window, door, evening, services, qtbot
):
    """1366×768 at 150% is a 910×512 window: the tiny door, the house count and the
    latest scans as two tabs, the verdict and the whole greeting on screen."""
    services.app.record_donation(evening["people"]["Ada"], 50_000)
    window.resize(910, 512)
    qtbot.waitUntil(lambda: window.width() == 910 and door.panel.tiny)
    assert door.side_tabs.isVisible() and door.side_tabs.count() == 2
    assert door.side_tabs.widget(0) is door.house and door.side_tabs.widget(1) is door.recent
    burst(qtbot, door.code_field, evening["ada"][0])
    card = door.panel.greeting
    qtbot.waitUntil(lambda: card.isVisible())
    need, room = window.areas.minimumSizeHint(), window.area_scroll.maximumViewportSize()
    assert need.width() <= room.width() and need.height() <= room.height(), (need, room)
    bars = window.area_scroll.horizontalScrollBar(), window.area_scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: all(bar.maximum() == 0 for bar in bars))
    for label in (door.panel.title_label, card.name_label, card.meta_label, *card.cue_labels):
        seen = label.visibleRegion().boundingRect()
        assert seen.height() == label.height() and seen.width() == label.width(), label.text()
    for widget in (door.code_field, door.lookup_button, door.undo_button, door.camera_button):
        assert widget.visibleRegion().boundingRect().size() == widget.size()
    # the latest scans are one click away
    qtbot.mouseClick(
        door.side_tabs.tabBar(),
        Qt.MouseButton.LeftButton,
        pos=door.side_tabs.tabBar().tabRect(1).center(),
    )
    assert door.recent.isVisible() and not door.house.isVisible()
    # back on a large window the side is one column again, every part in sight
    window.resize(1366, 728)
    qtbot.waitUntil(lambda: not door.panel.tiny and not door.side_tabs.isVisible())
    assert door.house.isVisible() and door.recent.isVisible()
    assert door.house.parent() is door.side_widget and door.recent.parent() is door.side_widget


def test_a_scan_waits_for_this_computer_s_sale_and_says_so_then_goes_first(
    door, evening, services, qtbot
):
    """One writer records this workstation's commands. A scan made while its own sale
    is being recorded waits for that sale (it cannot be cut short) and says so, not "No
    connection"; it goes ahead of the commands still waiting behind the sale, and is
    decided as soon as the sale is recorded."""
    import threading

    app = services.app
    writer = door.writer
    held, release = threading.Event(), threading.Event()

    def sale() -> None:  # the sale being recorded, held at a known point
        held.set()
        release.wait(60)
        app.sell_tickets(evening["tonight"], {"Adult": 1})

    finished: list[int] = []
    writer.done.connect(lambda job, _result: finished.append(job))
    sale_job = writer.submit(sale)
    import_job = writer.submit(lambda: None)  # another command of this workstation, waiting
    assert held.wait(30)
    scans: list[int] = []
    check = door.check
    door.check = lambda *a, **k: scans.append(check(*a, **k)) or scans[-1]
    scanner_burst(door.door_field, evening["ada"][0], Qt.Key.Key_Return, gap_ms=2)
    qtbot.waitUntil(lambda: door.panel.title_label.text() == "One moment")
    assert door.last_result.verdict == "busy_here"
    assert "this computer's sale or import to finish recording" in door.panel.detail_label.text()

    release.set()
    qtbot.waitUntil(lambda: door.panel.title_label.text() == "ADMIT")
    answered(qtbot, door)
    assert door.last_result.verdict == "admit"
    assert finished == [sale_job, scans[0], import_job]  # the scan went ahead of the rest
    assert app.store.get(ticket_id(evening["ada"][0])).admitted  # recorded, once
