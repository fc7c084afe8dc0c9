"""One way to write things (issue 22): dates and money from the organization's
country, counts that say what they count, no raw ids, past shows with their year."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from PySide6.QtCore import Qt

from desktop import formatting
from domain.box_office import ticket_tally
from tests.desktop.conftest import FLUTE_PRICES, schedule

MOMENT = "2026-11-21T19:30:00+00:00"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.mark.parametrize(
    ("country", "currency", "amount", "refund", "moment", "paper"),
    [
        ("GB", "", "£1,234.50", "-£5.50", "Sat 21 Nov 2026, 19:30", "A4"),
        ("US", "", "$1,234.50", "-$5.50", "Sat, Nov 21, 2026, 2:30 PM", "Letter"),
        ("DE", "", "1.234,50\xa0€", "-5,50\xa0€", "Sa. 21 Nov. 2026, 20:30", "A4"),
        ("IE", "EUR", "€1,234.50", "-€5.50", "Sat 21 Nov 2026, 19:30", "A4"),
    ],
)
def test_dates_money_and_paper_follow_the_organizations_country(
    country, currency, amount, refund, moment, paper
):
    zone = {
        "GB": "Europe/London",
        "US": "America/New_York",
        "DE": "Europe/Berlin",
        "IE": "Europe/Dublin",
    }[country]
    formatting.configure(country, currency, zone)
    # New York is five hours behind London (Qt may write a narrow space before PM)
    assert formatting.money(123450) == amount
    assert formatting.money(-550) == refund
    assert formatting.moment(MOMENT).replace("\u202f", " ") == moment
    assert formatting.paper_size() == paper


def test_amounts_typed_with_a_decimal_comma_are_understood():
    formatting.configure("DE", "", "Europe/Berlin")
    assert formatting.parse_cents("1.234,50 €") == 123450
    assert formatting.parse_cents("12,5") == 1250
    assert formatting.parse_cents("zwölf") is None


def test_past_seasons_are_named_with_their_years():
    assert formatting.season(date(2026, 9, 1)) == 2026
    assert formatting.season(date(2026, 8, 31)) == 2025
    assert formatting.season_name(2025) == "2025–26"


def test_a_tally_counts_admitted_not_yet_and_returned_tickets():
    tally = ticket_tally(["admitted"] * 4 + ["valid", "refunded", "exchanged"])
    assert tally == {"admitted": 4, "not_yet": 1, "returned": 2, "total": 7}


def test_the_box_office_says_what_its_ticket_count_counts(services, box_office, qtbot):
    app = services.app
    show = schedule(app, "Tosca", 0.01)
    sold = app.sell_tickets(show, {"Adult": 5})
    for code in sold.codes[:4]:
        app.scan(code, show, "Main door")
    services.runner.catch_up()
    box_office.refresh()
    assert box_office.select_performance(show)
    qtbot.waitUntil(lambda: box_office.tickets_count.text() == "4 admitted, 1 not yet, of 5")


def test_the_audit_names_records_and_never_shows_its_cap_as_a_total(
    window, services, qtbot, monkeypatch
):
    from desktop.views.staff import audit as audit_view

    window.show_area("audit")
    view = window.audit_view
    view.refresh()
    column = view.model.SUBJECT
    shown = [view.proxy.index(r, column).data() for r in range(view.proxy.rowCount())]
    assert "Patron: Ada Lovelace" in shown
    assert not any(UUID.search(text or "") for text in shown)  # no raw ids on screen
    tooltip = view.proxy.index(0, column).data(Qt.ItemDataRole.ToolTipRole)
    assert UUID.search(tooltip)  # the id is still there for a support request
    total = view.proxy.rowCount()
    assert view.count_label.text() == f"{total} actions"
    monkeypatch.setattr(audit_view, "LIMIT", 2)
    view.refresh()
    assert view.count_label.text() == f"The newest 2 of {total} actions"


def test_the_door_lists_past_performances_under_their_season_with_the_year(window, services, qtbot):
    app = services.app
    # noon today on this computer's clock, and the door's now the same moment's: "now,
    # on the hour in UTC, plus half an hour" was yesterday's 23:58 in a zone half an hour
    # off UTC until 00:30 (Asia/Kolkata), and may be tomorrow once midnight passes
    now = datetime.now(UTC)
    noon = datetime.combine(now.astimezone().date(), time(12)).astimezone()
    tonight = app.schedule_performance(app.create_production("Tosca"), noon, 5, FLUTE_PRICES)
    last_spring = schedule(app, "Carmen", -200)
    two_years_ago = schedule(app, "Hamlet", -700)
    services.runner.catch_up()
    window.door_view.clock = lambda: now
    window.show_area("door")
    box = window.door_view.performance_box
    window.door_view.refresh()
    texts = [box.itemText(i) for i in range(box.count())]
    assert texts[0].startswith("Tosca — Today, ")
    for old, days in ((last_spring, -200), (two_years_ago, -700)):
        when = datetime.now(UTC) + timedelta(days=days)
        year = formatting.local_datetime(when).year
        index = box.findData(old)
        assert str(year) in box.itemText(index)  # a past show carries its year
        heading = next(box.itemText(i) for i in range(index, -1, -1) if box.itemData(i) is None)
        season = formatting.season_name(formatting.season(formatting.local_datetime(when).date()))
        assert heading == f"{season} season (past)"
        heading_row = texts.index(heading)
        assert not box.model().item(heading_row).isEnabled()  # a heading cannot be chosen
    assert box.currentData() == tonight


def test_an_empty_ladder_chart_counts_in_whole_numbers(window):
    window.show_area("ladder")
    axis = window.ladder_view.axis_y
    assert (axis.min(), axis.max(), axis.tickCount()) == (0, 4, 5)  # 0 1 2 3 4, not 0 0 1 1


def test_the_sale_dialogs_patron_search_never_shows_its_cap_as_a_total(
    services, flute, box_office, qtbot
):
    """51 or more Smiths: the list holds the first 50 and says so (it said "50 patrons
    match"); 3 Joneses: "3 patrons match"."""
    from tests.desktop.box_office_steps import click, open_sell_dialog

    app = services.app
    with app.batch():
        for n in range(55):
            app.register_patron(f"Sam{n}", "Smithers")
        for n in range(3):
            app.register_patron(f"Jo{n}", "Jonesy")
    services.runner.catch_up()
    dialog = open_sell_dialog(qtbot, box_office)
    click(qtbot, dialog.find_button)
    finder = dialog.finder
    qtbot.waitUntil(finder.search_field.hasFocus)
    qtbot.keyClicks(finder.search_field, "smithers")
    qtbot.waitUntil(lambda: finder.model.rowCount() == 50)
    assert finder.status.text() == (
        "The first 50 matches; type more of the name, email or phone to narrow it."
    )
    finder.search_field.clear()
    qtbot.keyClicks(finder.search_field, "jonesy")
    qtbot.waitUntil(lambda: finder.model.rowCount() == 3)
    assert finder.status.text() == "3 patrons match; pick the right one."


@pytest.mark.parametrize(("country", "written"), [("US", "12,345"), ("FR", "12 345")])
def test_counts_are_grouped_the_organizations_way(qtbot, country, written):
    """The door's house count groups digits the country's way (Python's "12,345"
    everywhere before)."""
    from desktop.views.door.house_count import HouseCountCard

    formatting.configure(country, "", "")
    card = HouseCountCard()
    qtbot.addWidget(card)
    card.show_count({"admitted": 2345, "sold": 12345, "capacity": 20000, "doors": []}, "Main")
    shown = card.sold_label.text().replace("\u202f", " ").replace("\xa0", " ")
    seats = formatting.number(20000).replace("\u202f", " ").replace("\xa0", " ")
    assert shown == f"admitted of {written} sold · {seats} seats"


def test_the_chat_lists_never_show_their_cap_as_a_total(window, services, qtbot, monkeypatch):
    """More chats than a list holds: it says it lists the newest few (it said "200
    chats"), and the queue's tab says "+"; one chat is "1 chat"."""
    from desktop.main_window import FOLLOW_UPS
    from desktop.views.conversations import follow_ups
    from desktop.views.conversations.follow_ups import CHATS_TAB, WAITING_TAB

    messages = [{"sender": "visitor", "text": "Is there parking?", "at": "2026-11-02T14:01:00Z"}]
    with services.app.batch():
        for n in range(4):
            services.app.record_chat("Crisp", f"s-{n}", messages, visitor_name=f"Vi {n}")
    services.runner.catch_up()
    monkeypatch.setattr(follow_ups.ChatList, "SHOWN", 3)
    monkeypatch.setattr(follow_ups.ChatList, "WAITING_SHOWN", 3)
    window.show_area(FOLLOW_UPS)
    view = window.follow_ups
    view.refresh()
    view.show_tab(CHATS_TAB)
    qtbot.waitUntil(lambda: view.chats.model.rowCount() == 3)
    assert view.chats.count.text() == "The newest 3 chats; search to find older ones."
    assert view.waiting.count.text() == "The newest 3 waiting chats; link them to see older ones."
    assert view.tabs.tabText(WAITING_TAB) == "Chats waiting (3+)"
    qtbot.keyClicks(view.chats.search_field, "Vi 2")
    view.chats.refresh()
    qtbot.waitUntil(lambda: view.chats.model.rowCount() == 1)
    assert view.chats.count.text() == "1 chat"


@pytest.mark.parametrize(
    ("country", "share", "precise"),
    [
        ("GB", "77%", "12.5%"),
        ("US", "77%", "12.5%"),
        ("FR", "77\u202f%", "12,5\u202f%"),
        ("DE", "77\u00a0%", "12,5\u00a0%"),
    ],
)
def test_shares_are_written_the_organizations_way(country, share, precise):
    """Python's "77%" everywhere before; French and German put a no-break space first."""
    from desktop.report_catalog import PERCENT, format_value

    formatting.configure(country)
    assert formatting.percent(0.77) == share
    assert formatting.percent(0.125, 1) == precise
    assert formatting.percent(None) == ""
    assert format_value(PERCENT, 0.77) == share  # a report's table, CSV and PDF
    formatting.configure()
