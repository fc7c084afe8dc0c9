"""Selling at the window: the walk-up buyer is captured, not lost."""

from __future__ import annotations

from desktop.models.timeline import TimelineModel
from desktop.views.box_office.sell_dialog import FIND, WALK_UP
from domain.application import Houselights
from domain.recording import RecordingContext
from projections import box_office as read_model
from projections import patron_search, timeline
from tests.desktop.box_office_steps import click, open_sell_dialog, set_quantity


def _fill_walk_up(
    qtbot, dialog, first="Rosa", last="Parks", email="rosa@example.org", phone=""
) -> None:
    fields = dialog.walk_up.fields
    qtbot.waitUntil(fields["first_name"].hasFocus)
    qtbot.keyClicks(fields["first_name"], first)
    qtbot.keyClicks(fields["last_name"], last)
    qtbot.keyClicks(fields["email"], email)
    qtbot.keyClicks(fields["phone"], phone)


def test_a_walk_up_buyer_is_captured_in_the_quick_form(services, flute, box_office, qtbot, window):
    dialog = open_sell_dialog(qtbot, box_office)
    _fill_walk_up(qtbot, dialog)
    click(qtbot, dialog.walk_up.consent)
    set_quantity(qtbot, dialog, "Adult", 2)
    set_quantity(qtbot, dialog, "Concession", 1)
    assert dialog.total_label.text() == "Total $68.00"
    assert dialog.sell_button.text() == "Sell 3 tickets · $68.00"
    click(qtbot, dialog.payment_buttons["cash"])
    click(qtbot, dialog.sell_button)

    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1)
    codes = dialog.tickets_ready.codes()
    assert len(codes) == 3 and len(set(codes)) == 3
    assert all(code in dialog.tickets_ready.codes_label.text() for code in codes)
    assert dialog.done_detail.text() == (
        "Rosa Parks is now a patron (walk-up), $68.00 paid in cash. The sale is on their timeline."
    )
    db = services.runner.db()
    [rosa] = patron_search.search(db, "rosa parks")
    assert rosa["source"] == "walk-up"
    assert rosa["email"] == "rosa@example.org" and rosa["email_consent"] == 1
    [order] = read_model.orders_for_patron(db, rosa["id"])
    assert sorted(order["codes"]) == sorted(codes)
    assert (order["total_cents"], order["payment"]) == (6800, "cash")
    kinds = [row["kind"] for row in timeline.rows(db, rosa["id"])]
    assert "purchase" in kinds and "registered" in kinds

    click(qtbot, dialog.close_button)
    qtbot.waitUntil(lambda: box_office.dialog is None)
    qtbot.waitUntil(lambda: box_office.model.rows[0]["sold"] == 3)
    window.open_patron(rosa["id"])
    summaries = [
        window.patron_page.timeline_table.model().index(r, TimelineModel.SUMMARY).data()
        for r in range(window.patron_page.timeline_table.model().rowCount())
    ]
    assert any(s.startswith("Bought 3 tickets for The Magic Flute") for s in summaries)


def test_a_walk_up_already_on_file_goes_to_their_record(services, flute, box_office, qtbot):
    dialog = open_sell_dialog(qtbot, box_office)
    _fill_walk_up(qtbot, dialog, "Ada", "L.", email="ada@example.org")
    set_quantity(qtbot, dialog, "Adult", 1)
    click(qtbot, dialog.sell_button)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1)
    assert dialog.done_detail.text().startswith("Ada Lovelace was already on file")
    db = services.runner.db()
    assert len(patron_search.search(db, "ada@example.org")) == 1
    [ada] = patron_search.search(db, "lovelace")
    assert len(read_model.orders_for_patron(db, ada["id"])) == 1


def test_selling_to_a_patron_found_by_search(services, flute, box_office, qtbot):
    dialog = open_sell_dialog(qtbot, box_office)
    click(qtbot, dialog.find_button)
    assert dialog.mode == FIND
    qtbot.waitUntil(dialog.finder.search_field.hasFocus)
    qtbot.keyClicks(dialog.finder.search_field, "hopp")
    qtbot.waitUntil(lambda: dialog.finder.model.rowCount() == 1)
    assert dialog.finder.chosen()["name"] == "Grace Hopper"
    set_quantity(qtbot, dialog, "Concession", 2)
    click(qtbot, dialog.payment_buttons["complimentary"])
    assert dialog.total_label.text() == "Total $0.00"
    click(qtbot, dialog.sell_button)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1)
    assert dialog.done_detail.text() == (
        "To Grace Hopper, $0.00 complimentary. The sale is on their timeline."
    )
    db = services.runner.db()
    [grace] = patron_search.search(db, "hopper")
    [order] = read_model.orders_for_patron(db, grace["id"])
    assert (order["quantity"], order["payment"], order["total_cents"]) == (2, "complimentary", 0)
    assert read_model.lost_contacts(db) == 0


def test_an_anonymous_sale_needs_the_deliberate_choice(services, flute, box_office, qtbot):
    dialog = open_sell_dialog(qtbot, box_office)
    set_quantity(qtbot, dialog, "Adult", 1)
    click(qtbot, dialog.sell_button)  # nobody named: not sold, and it says why
    assert dialog.pages.currentIndex() == 0
    assert dialog.walk_up.errors["email"].text() == (
        "Add an email or a phone number so we can reach them (or sell without a name)."
    )
    assert services.app.get_performance(flute).sold == 0
    assert not dialog.anonymous_panel.isVisible()

    click(qtbot, dialog.anonymous_button)
    qtbot.waitUntil(dialog.anonymous_panel.isVisible)
    assert (
        "lost contact"
        in dialog.anonymous_panel.findChild(type(dialog.seats_label), "warningText").text()
    )
    assert not dialog.walk_up_button.isChecked() and not dialog.find_button.isChecked()
    assert dialog.spins["Adult"].value() == 1  # what was chosen is kept
    click(qtbot, dialog.sell_button)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1)
    assert dialog.done_detail.text() == "No name: $25.00 paid by card, counted as a lost contact."
    db = services.runner.db()
    assert read_model.lost_contacts(db) == 1
    assert [t["patron_id"] for t in read_model.tickets(db, flute)] == [None]

    click(qtbot, dialog.another_button)  # the next buyer starts on the walk-up form again
    assert dialog.mode == WALK_UP and dialog.spins["Adult"].value() == 0


def test_overselling_is_refused_in_plain_words_keeping_what_was_typed(
    services, flute, box_office, qtbot
):
    dialog = open_sell_dialog(qtbot, box_office)
    _fill_walk_up(qtbot, dialog, phone="555 222 3333")
    set_quantity(qtbot, dialog, "Adult", 6)
    click(qtbot, dialog.sell_button)
    assert dialog.tickets_error.text() == (
        "Only 5 seats are left, and you asked for 6. Nothing was sold: lower the number "
        "of tickets, or choose another date."
    )
    assert dialog.pages.currentIndex() == 0
    assert dialog.walk_up.values() == {
        "first_name": "Rosa",
        "last_name": "Parks",
        "email": "rosa@example.org",
        "phone": "555 222 3333",
        "email_consent": False,
    }
    assert dialog.spins["Adult"].value() == 6
    db = services.runner.db()
    assert patron_search.search(db, "rosa") == []  # no half-made patron either

    set_quantity(qtbot, dialog, "Adult", 5)
    click(qtbot, dialog.sell_button)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1)
    assert services.app.get_performance(flute).available == 0


def test_seats_sold_meanwhile_at_another_workstation(services, flute, box_office, qtbot):
    dialog = open_sell_dialog(qtbot, box_office)
    assert dialog.seats_label.text() == "5 seats left of 5"
    other = Houselights(
        env=services.config.eventsourcing_env(),
        context=RecordingContext(staff="jo", workstation="box-office-2"),
    )
    try:
        other.sell_tickets(flute, {"Adult": 4})
    finally:
        other.close()
    _fill_walk_up(qtbot, dialog)
    set_quantity(qtbot, dialog, "Adult", 2)
    click(qtbot, dialog.sell_button)
    assert dialog.tickets_error.text().startswith("Only 1 seat is left, and you asked for 2.")
    assert dialog.seats_label.text() == "1 seat left of 5"  # says how it is now
    assert dialog.walk_up.fields["first_name"].text() == "Rosa"


def test_each_ticket_can_carry_its_own_attendee(services, flute, box_office, qtbot):
    """Issue 16: the selling form allows optional names per ticket, as imports do."""
    dialog = open_sell_dialog(qtbot, box_office)
    _fill_walk_up(qtbot, dialog)
    set_quantity(qtbot, dialog, "Adult", 2)
    click(qtbot, dialog.names_button)
    assert len(dialog.name_fields) == 2
    second = dialog.name_fields[1]
    qtbot.keyClicks(second["first_name"], "Claudette")
    qtbot.keyClicks(second["last_name"], "Colvin")
    qtbot.keyClicks(second["email"], "claudette@example.org")
    click(qtbot, dialog.sell_button)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1)

    db = services.runner.db()
    [rosa] = patron_search.search(db, "rosa parks")
    [claudette] = patron_search.search(db, "claudette colvin")
    first, second_code = dialog.tickets_ready.codes()
    assert services.app.get_ticket(first).patron_id == rosa["id"]
    assert services.app.get_ticket(second_code).patron_id == claudette["id"]
    [order] = read_model.orders_for_patron(db, rosa["id"])
    assert order["quantity"] == 2  # the buyer keeps the order and its payment
    kinds = [row["kind"] for row in timeline.rows(db, claudette["id"])]
    assert "ticket" in kinds
    printed = [t["patron_name"] for t in dialog.outcome["tickets"]]
    assert printed == ["Rosa Parks", "Claudette Colvin"]


def test_a_ticket_named_without_a_name_is_refused_and_nothing_is_sold(
    services, flute, box_office, qtbot
):
    dialog = open_sell_dialog(qtbot, box_office)
    _fill_walk_up(qtbot, dialog)
    set_quantity(qtbot, dialog, "Adult", 1)
    click(qtbot, dialog.names_button)
    qtbot.keyClicks(dialog.name_fields[0]["email"], "nobody@example.org")
    click(qtbot, dialog.sell_button)
    assert dialog.pages.currentIndex() == 0
    assert "Ticket 1: add the name of the person it is for." in dialog.general_error.text()
    assert patron_search.search(services.runner.db(), "rosa parks") == []
