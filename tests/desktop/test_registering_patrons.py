"""Registering a patron in the dialog: the domain's checks, shown where they belong."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop.views.patrons.patron_dialog import PatronDialog
from projections import patron_search
from tests.desktop.conftest import closed, settle


@pytest.fixture
def dialog(window, qtbot) -> PatronDialog:
    """Ctrl+N in the main window."""
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.patron_dialog is not None and window.patron_dialog.isVisible())
    return window.patron_dialog


def test_ctrl_n_opens_the_new_patron_dialog(window, dialog, qtbot):
    assert dialog.windowTitle() == "New patron"
    qtbot.waitUntil(dialog.fields["first_name"].hasFocus)


def test_an_empty_name_and_a_bad_email_are_shown_under_their_fields(dialog, qtbot):
    qtbot.keyClicks(dialog.fields["email"], "ada@nowhere")
    qtbot.keyClicks(dialog.fields["city"], "Ashford")
    qtbot.keyClicks(dialog.fields["interests"], "opera, jazz")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot)

    assert dialog.isVisible()
    assert dialog.error_text("name") == "Please enter the patron's name."
    assert "“ada@nowhere” is not a complete email address" in dialog.error_text("email")
    assert dialog.error_text("phone") == ""
    # everything typed is still there
    assert dialog.fields["email"].text() == "ada@nowhere"
    assert dialog.fields["city"].text() == "Ashford"
    assert dialog.fields["interests"].text() == "opera, jazz"
    assert dialog.fields["first_name"].hasFocus()

    qtbot.keyClicks(dialog.fields["first_name"], "Ada")
    dialog.fields["email"].clear()
    qtbot.keyClicks(dialog.fields["email"], "ada@nowhere.org")
    qtbot.keyClick(dialog.fields["email"], Qt.Key.Key_Return)  # Enter saves
    qtbot.waitUntil(lambda: closed(dialog))


def test_creating_a_patron_shows_them_in_the_list(window, dialog, qtbot, column):
    qtbot.keyClicks(dialog.fields["first_name"], "Maya")
    qtbot.keyClicks(dialog.fields["last_name"], "Angelou")
    qtbot.keyClicks(dialog.fields["phone"], "555-000-1111")
    qtbot.keyClick(dialog.email_consent, Qt.Key.Key_Space)
    qtbot.keyClick(dialog.fields["last_name"], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: closed(dialog))

    # the new patron's page opens, ready for the first note
    qtbot.waitUntil(lambda: window.patron_page.card.name_label.text() == "Maya Angelou")
    assert window.patrons_area.currentWidget() is window.patron_page
    assert window.patron_page.card.consent_label.text() == "Yes, happy to receive email"

    qtbot.waitUntil(lambda: window.isActiveWindow() and window.patron_page.note_edit.hasFocus())
    qtbot.keyClick(window.patron_page.note_edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.patrons_area.currentWidget() is window.patron_list)
    table = window.patron_list.table
    qtbot.waitUntil(lambda: "Maya Angelou" in column(table))
    assert window.patron_list.current_patron_id() == window.patron_page.patron_id
    assert window.patron_list.count_label.text() == "5 patrons"


def test_a_possible_duplicate_warns_and_can_be_saved_anyway(window, dialog, qtbot, services):
    qtbot.keyClicks(dialog.fields["first_name"], "Augusta")
    qtbot.keyClicks(dialog.fields["last_name"], "King")
    qtbot.keyClicks(dialog.fields["email"], "ADA@example.org")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot)

    panel = dialog.duplicates
    assert panel.isVisible() and dialog.isVisible()
    assert panel.matches.count() == 1
    assert panel.matches.item(0).text().startswith("Ada Lovelace")
    assert panel.save_anyway_button.isVisible()

    qtbot.mouseClick(panel.save_anyway_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: closed(dialog))
    found = patron_search.search(services.runner.db(), "ada@example.org")
    assert sorted(r["name"] for r in found) == ["Ada Lovelace", "Augusta King"]


def test_open_existing_from_the_duplicate_warning(window, dialog, qtbot):
    qtbot.keyClicks(dialog.fields["first_name"], "A.")
    qtbot.keyClicks(dialog.fields["last_name"], "Lovelace")
    qtbot.keyClicks(dialog.fields["phone"], "555.123.4567")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert dialog.duplicates.isVisible()
    qtbot.mouseClick(dialog.duplicates.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: closed(dialog))
    assert window.patrons_area.currentWidget() is window.patron_page
    assert window.patron_page.card.name_label.text() == "Ada Lovelace"


def test_leaving_the_email_field_hints_at_a_patron_already_on_file(dialog, qtbot):
    qtbot.keyClicks(dialog.fields["first_name"], "Grace")
    qtbot.keyClick(dialog.fields["first_name"], Qt.Key.Key_Tab)  # -> last name
    qtbot.keyClick(dialog.fields["last_name"], Qt.Key.Key_Tab)  # -> email
    qtbot.waitUntil(dialog.fields["email"].hasFocus)
    qtbot.keyClicks(dialog.fields["email"], "grace@navy.example")
    qtbot.keyClick(dialog.fields["email"], Qt.Key.Key_Tab)
    qtbot.waitUntil(dialog.duplicates.isVisible)
    assert dialog.duplicates.matches.item(0).text().startswith("Grace Hopper")
    assert not dialog.duplicates.save_anyway_button.isVisible()  # a hint, not a refusal
