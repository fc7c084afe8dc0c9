"""A patron's page: the card, the timeline, a note added in place, an edit."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop.models.timeline import TimelineModel
from desktop.views.patrons.patron_dialog import PatronDialog
from domain.application import Houselights
from domain.recording import RecordingContext
from tests.desktop.conftest import settle


@pytest.fixture
def ada_page(window, qtbot):
    """Ada's page, opened the way a volunteer does: Ctrl+F, type, Enter."""
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.patron_list.search_field, "lovelace")
    qtbot.keyClick(window.patron_list.search_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.patrons_area.currentWidget() is window.patron_page)
    return window.patron_page


def test_opening_a_patron_shows_the_contact_card_and_timeline(ada_page, column):
    card = ada_page.card
    assert card.name_label.text() == "Ada Lovelace"
    assert card.email_label.text() == "ada@example.org"
    assert card.phone_label.text() == "(555) 123-4567"
    assert card.address_label.text() == "12 Mill Lane\nLondon"
    assert card.consent_label.text() == "Yes, happy to receive email"
    assert card.household_label.text() == "Lives with her mother, who needs the lift."
    assert card.tags() == ["opera", "chamber music"]
    table = ada_page.timeline_table
    assert column(table, TimelineModel.WHAT) == ["Registered"]
    assert column(table, TimelineModel.SUMMARY) == ["Became a patron at the office"]
    assert column(table, TimelineModel.BY) == ["maria"]
    assert column(table, TimelineModel.WORKSTATION) == ["box-office-1"]
    assert table.isColumnHidden(TimelineModel.WORKSTATION)  # room for the summary
    by = table.model().index(0, TimelineModel.BY)
    assert by.data(Qt.ItemDataRole.ToolTipRole) == "Recorded by maria at box-office-1"
    when = column(table, TimelineModel.WHEN)[0]
    assert len(when.split()) == 4 and ", " in when  # "21 Nov 2026, 19:30": the summary's room
    whole = table.model().index(0, TimelineModel.WHEN).data(Qt.ItemDataRole.ToolTipRole)
    assert whole.endswith(when) and len(whole.split()) == 5  # "Sat 21 Nov 2026, 19:30"
    assert ada_page.timeline_count.text() == "1 entry"


def test_adding_a_note_puts_it_at_the_top_of_the_timeline(ada_page, qtbot, column):
    table = ada_page.timeline_table
    qtbot.keyClicks(ada_page.note_edit, "Called about parking for Saturday.")
    qtbot.keyClick(ada_page.note_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: column(table, TimelineModel.SUMMARY)[0] == "Called about parking for Saturday."
    )
    assert column(table, TimelineModel.WHAT)[:2] == ["Note", "Registered"]
    # the field empties when the writer says the note is recorded, which may come
    # after the timeline has already shown it
    qtbot.waitUntil(lambda: ada_page.note_edit.toPlainText() == "")
    assert ada_page.note_edit.hasFocus()  # ready for the next one

    qtbot.keyClicks(ada_page.note_edit, "Second call.")
    qtbot.mouseClick(ada_page.note_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: column(table, TimelineModel.SUMMARY)[0] == "Second call.")
    assert ada_page.timeline_count.text() == "3 entries"


def test_an_empty_note_says_why_it_was_not_saved(ada_page, qtbot, column):
    qtbot.keyClicks(ada_page.note_edit, "   ")
    qtbot.keyClick(ada_page.note_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot)
    assert ada_page.note_error.isVisible()
    assert ada_page.note_error.text() == "The note is empty. Type what happened, then save."
    assert column(ada_page.timeline_table, TimelineModel.WHAT) == ["Registered"]


def test_editing_contact_details_updates_the_card(ada_page, qtbot, column):
    qtbot.mouseClick(ada_page.edit_button, Qt.MouseButton.LeftButton)
    dialog = ada_page.findChild(PatronDialog)
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.fields["email"].text() == "ada@example.org"
    assert dialog.fields["interests"].text() == "opera, chamber music"
    dialog.fields["phone"].clear()
    qtbot.keyClicks(dialog.fields["phone"], "555 987 6543")
    dialog.fields["interests"].clear()
    qtbot.keyClicks(dialog.fields["interests"], "opera, Jazz")
    qtbot.keyClick(dialog.fields["phone"], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: ada_page.card.phone_label.text() == "555 987 6543")
    assert ada_page.card.tags() == ["opera", "jazz"]
    assert ada_page.card.email_label.text() == "ada@example.org"
    summaries = column(ada_page.timeline_table, TimelineModel.SUMMARY)
    assert summaries[:2] == ["Interests: opera, jazz", "Contact details changed: phone"]


def test_an_invalid_edit_keeps_the_dialog_open(ada_page, qtbot):
    dialog = ada_page.edit()
    qtbot.waitUntil(dialog.isVisible)
    dialog.fields["first_name"].clear()
    dialog.fields["last_name"].clear()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert dialog.isVisible()
    assert dialog.error_text("name") == "Please enter the patron's name."
    assert ada_page.card.name_label.text() == "Ada Lovelace"


def test_escape_goes_back_to_the_list_with_the_patron_selected(window, ada_page, qtbot):
    qtbot.keyClick(ada_page.note_edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.patrons_area.currentWidget() is window.patron_list)
    assert window.patron_list.current_patron_id() == ada_page.patron_id


def test_a_half_written_note_waits_for_its_patron(window, ada_page, qtbot):
    qtbot.keyClicks(ada_page.note_edit, "Asked about")
    ada_id = ada_page.patron_id
    qtbot.keyClick(ada_page.note_edit, Qt.Key.Key_Escape)
    window.patron_list.search_field.clear()
    qtbot.keyClicks(window.patron_list.search_field, "hopper")
    qtbot.keyClick(window.patron_list.search_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: ada_page.card.name_label.text() == "Grace Hopper")
    assert ada_page.note_edit.toPlainText() == ""
    window.open_patron(ada_id)
    assert ada_page.note_edit.toPlainText() == "Asked about"


def test_a_patron_registered_on_another_workstation_appears_after_a_poll(
    window, services, qtbot, column
):
    window.poll_timer.setInterval(50)
    door = Houselights(
        env=services.config.eventsourcing_env(),
        context=RecordingContext(staff="jo", workstation="door-2"),
    )
    try:
        door.register_patron("Nina", "Simone", email="nina@example.org")
    finally:
        door.close()
    qtbot.waitUntil(lambda: "Nina Simone" in column(window.patron_list.table), timeout=5000)
    qtbot.waitUntil(lambda: window.sync_label.text() == "Up to date")
    window.open_patron(
        window.patron_list.proxy.row_id(column(window.patron_list.table).index("Nina Simone"))
    )
    assert column(window.patron_page.timeline_table, TimelineModel.WORKSTATION) == ["door-2"]


def test_the_door_an_exchange_and_a_merge_are_on_the_patron_page(window, services, qtbot, column):
    """What happened at the door shows on the patron's page, in plain words."""
    from datetime import UTC, datetime, timedelta

    from projections import patron_search

    app = services.app
    ada = next(p["id"] for p in patron_search.search(services.runner.db(), "Ada Lovelace"))
    twin = app.register_patron("Ada", "Lovelace-Byron")
    production = app.create_production("Hamlet")
    start = datetime.now(UTC) + timedelta(days=2)
    saturday = app.schedule_performance(production, start, 10, {"Adult": 3000})
    sunday = app.schedule_performance(production, start + timedelta(days=1), 10, {"Adult": 3000})
    first, second = app.sell_tickets(saturday, {"Adult": 2}, patron_id=ada).codes
    app.exchange_tickets([second], sunday)
    app.scan(first, saturday, "North door")
    app.undo_admission(first, "Scanned for the wrong person", "North door")
    app.scan(first, saturday, "North door")
    app.scan(first, saturday, "Side door")
    app.merge_patrons(twin, ada)
    services.runner.catch_up()

    window.open_patron(ada)
    page = window.patron_page
    qtbot.waitUntil(lambda: "Merge" in column(page.timeline_table, TimelineModel.WHAT))
    what = column(page.timeline_table, TimelineModel.WHAT)
    assert what[:6] == [
        "Merge",
        "Turned away",
        "Admitted",
        "Admission undone",
        "Admitted",
        "Exchange",
    ]
    summaries = column(page.timeline_table, TimelineModel.SUMMARY)
    assert summaries[1].startswith("Turned away at Side door: already admitted (Hamlet, ")
    assert summaries[3].endswith("undone at North door: Scanned for the wrong person")
    assert "Registered" in what and what.count("Merge") == 1
