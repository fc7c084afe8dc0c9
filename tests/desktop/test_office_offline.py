"""An office window on a shared store whose network goes away mid-session (issue 18):
every action that saves is switched off and says why (not only the sales), a shortcut
that would save says so and keeps what was typed, and everything comes back when the
server answers. The box office on a door workstation counts what the door admitted
offline, as the house count does, and says how many wait to be sent.

The workstation reaches the real PostgreSQL test server through a loopback proxy
(``tests/door_proxy.py``) that drops its connections.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
from PySide6.QtCore import QSettings, Qt

from desktop.server_connection import offline_words, server_connection
from desktop.settings import Settings
from domain.ticket_codes import ticket_id
from infrastructure.bootstrap import bootstrap
from infrastructure.config import resolve
from tests.desktop.test_first_run import fill_organization, finish, next_page
from tests.door_proxy import DROP, PASS, FlakyProxy


@pytest.fixture
def shared(tmp_path, postgres_db):
    parts = urlsplit(postgres_db)
    proxy = FlakyProxy(parts.hostname, parts.port)
    office = bootstrap(
        resolve(tmp_path / "office", store=postgres_db), staff="maria", workstation="box-office"
    )
    here = bootstrap(
        resolve(tmp_path / "here", store=proxy.url(postgres_db)),
        staff="jo",
        workstation="office-2",
    )
    app = office.app
    tonight = datetime.now().astimezone().replace(microsecond=0) + timedelta(hours=1)
    show = app.schedule_performance(app.create_production("Tosca"), tonight, 100, {"Adult": 3000})
    ada = app.register_patron("Ada", "Lovelace")
    codes = app.sell_tickets(show, {"Adult": 2}, patron_id=ada).codes
    here.runner.catch_up()
    yield office, here, proxy, show, ada, codes
    proxy.set_mode(PASS)
    here.close()
    office.close()
    proxy.close()


def admitted_offline(qtbot, view, proxy, code: str) -> None:
    """The network goes, then ``code`` is typed at the door: admitted from its own copy."""
    proxy.set_mode(DROP)
    view.code_field.setFocus()
    qtbot.keyClicks(view.code_field, code)
    qtbot.keyClick(view.code_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: getattr(view.last_result, "verdict", None) == "admit", timeout=30_000)
    assert view.last_result.offline is True


def test_every_action_that_saves_waits_for_the_server_mid_session(open_window, shared, qtbot):
    office, here, proxy, show, ada, _codes = shared
    window = open_window(here)
    window.open_patron(ada)
    page = window.patron_page
    qtbot.waitUntil(lambda: page.row is not None and page.row["name"] == "Ada Lovelace")
    call = window.log_call()
    rota = window.open_rota()
    staff = window.manage_staff()
    follow_ups = window.follow_ups
    saving = {
        "Save note": page.note_button,
        "Edit details": page.edit_button,
        "Erase personal data": page.erase_button,
        "New patron (list)": window.patron_list.new_button,
        "Sell tickets (patron)": page.purchases.sell_button,
        "Start a membership": page.purchases.membership_button,
        "Log a call (follow-ups)": follow_ups.log_call_button,
        "Import chats (follow-ups)": follow_ups.import_button,
        "Put on duty": rota.add_button,
        "Add staff account": staff.add_button,
        "New production": window.box_office.new_production_button,
    }
    actions = {
        "New patron…": window.new_patron_action,
        "Log a call…": window.log_call_action,
        "Import chats…": window.import_chats_action,
        "Import online sales…": window.import_sales_action,
    }
    for name, target in {**saving, **actions}.items():
        assert target.isEnabled(), name
    assert call.save_button.isEnabled() and call.new_patron_button.isEnabled()
    registered = server_connection().registered()
    assert all(target in registered for target in {**saving, **actions}.values())
    assert window.patron_page.purchases.print_button not in registered  # no server needed
    call.reject()
    page.note_edit.setFocus()
    qtbot.keyClicks(page.note_edit, "Asked about the lift")

    proxy.set_mode(DROP)
    window.poll()  # the next look for other workstations' events finds no server
    qtbot.waitUntil(lambda: not page.note_button.isEnabled(), timeout=30_000)
    for name, target in {**saving, **actions}.items():
        assert not target.isEnabled(), name
        assert offline_words() in target.toolTip(), name
    assert window.offline_label.isVisible()
    assert window.offline_label.text().startswith("Offline")
    call = window.log_call()  # a form opened while offline starts with Save off
    assert not call.save_button.isEnabled() and not call.new_patron_button.isEnabled()
    assert offline_words() in call.save_button.toolTip()
    call.reject()
    # Ctrl+Enter (the note's shortcut) says why at once and keeps what was typed
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    page.note_edit.setFocus()
    qtbot.keyClick(page.note_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert page.note_error.text() == offline_words()
    assert page.note_edit.toPlainText() == "Asked about the lift"
    assert window.writer.pending == 0  # nothing was sent to fail later
    window.open_patron(ada)  # a refresh while offline leaves them off
    assert not page.note_button.isEnabled() and not page.edit_button.isEnabled()

    proxy.set_mode(PASS)  # the door's background sync finds the server again
    qtbot.waitUntil(page.note_button.isEnabled, timeout=120_000)
    for name, target in {**saving, **actions}.items():
        assert target.isEnabled(), name
        assert offline_words() not in target.toolTip(), name
    assert not window.offline_label.isVisible()
    qtbot.keyClick(page.note_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.note_edit.toPlainText() == "")
    rota.close()
    staff.close()


def test_the_box_office_counts_the_door_s_waiting_admissions_as_the_house_count_does(
    open_window, shared, qtbot
):
    office, here, proxy, show, ada, (code, other) = shared
    window = open_window(here)
    window.show_area("door")
    view = window.door_view
    qtbot.waitUntil(lambda: view.performance_id() == show)
    admitted_offline(qtbot, view, proxy, code)
    qtbot.waitUntil(lambda: view.house.admitted_label.text() == "1")
    assert "1 waiting to be sent" in view.house.sold_label.text()

    window.show_area("box_office")
    box = window.box_office
    qtbot.waitUntil(lambda: box.current_performance_id() == show)
    # (shown whole once the row has laid the longer words out)
    qtbot.waitUntil(
        lambda: box.tickets_count.text() == "1 admitted, 1 not yet, of 2 · 1 waiting to be sent"
    )
    statuses = {r["code"]: r["_status"] for r in box.ticket_model.rows}
    assert statuses[code] == "Came in (not sent)"
    ticket = next(r for r in box.ticket_model.rows if r["code"] == code)
    assert "waiting to be sent" in box.ticket_model.tooltip(ticket, box.ticket_model.STATUS)
    row = box.model.row_data(box.model.row_of(show))
    assert row["admitted"] == 1
    assert box.model.tooltip(row, box.model.SOLD) == "1 already came in · 1 waiting to be sent"

    proxy.set_mode(PASS)  # sent: the same figures, nothing waiting any more
    qtbot.waitUntil(view.offline_banner.isHidden, timeout=120_000)
    window.poll()
    qtbot.waitUntil(lambda: box.tickets_count.text() == "1 admitted, 1 not yet, of 2")
    statuses = {r["code"]: r["_status"] for r in box.ticket_model.rows}
    assert statuses[code] == "Came in" and statuses[other] == "Valid"
    window.show_area("door")
    qtbot.waitUntil(lambda: "waiting to be sent" not in view.house.sold_label.text())
    assert view.house.admitted_label.text() == "1"


def test_settings_offline_save_this_computer_s_own_and_keep_the_shared_answers_for_later(
    open_window, shared, tmp_path, qtbot
):
    office, here, proxy, _show, _ada, _codes = shared
    settings = Settings.for_data_folder(
        tmp_path / "here", QSettings(str(tmp_path / "office.ini"), QSettings.Format.IniFormat)
    )
    window = open_window(here, settings)
    window.show_area("settings")
    page = window.settings_page
    name = page.fields["organization/name"]
    sounds = page.fields["door/sounds"]
    assert name.editor.isEnabled() and not page.shared_offline_note.isVisible()
    was_sounding = bool(settings.get("door/sounds"))
    name.editor.setFocus()
    name.editor.selectAll()
    qtbot.keyClicks(name.editor, "Lantern Theatre")  # typed, not applied yet

    proxy.set_mode(DROP)
    window.poll()
    qtbot.waitUntil(lambda: not window.online, timeout=30_000)
    assert not name.editor.isEnabled() and name.editor.toolTip() == offline_words()
    assert not page.fields["organization/currency"].editor.isEnabled()
    assert page.shared_offline_note.isVisible()
    assert "This computer's own settings below still save" in page.shared_offline_note.text()
    assert not page.apply_button.isEnabled()  # only a shared answer is changed
    assert sounds.editor.isEnabled()  # this computer's own
    page.scroll_area.ensureWidgetVisible(sounds.editor)
    box = sounds.editor
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    assert sounds.value() is (not was_sounding)
    assert page.apply_button.isEnabled()
    qtbot.mouseClick(page.apply_button, Qt.MouseButton.LeftButton)
    assert settings.get("door/sounds") is (not was_sounding)  # saved here, offline
    assert settings.get("organization/name") != "Lantern Theatre"  # not saved
    assert name.editor.text() == "Lantern Theatre"  # what was typed stays
    assert "wait for the server" in page.status.text()
    assert window.writer.pending == 0  # nothing was sent to fail later

    proxy.set_mode(PASS)
    qtbot.waitUntil(lambda: window.online, timeout=120_000)
    assert name.editor.isEnabled() and not page.shared_offline_note.isVisible()
    assert page.apply_button.isEnabled()
    name.editor.setFocus()
    qtbot.keyClick(name.editor, Qt.Key.Key_Return)  # Enter applies
    assert settings.get("organization/name") == "Lantern Theatre"
    qtbot.waitUntil(
        lambda: (
            (office.app.organization.organization_answers() or Unanswered).name == "Lantern Theatre"
        ),
        timeout=30_000,
    )


class Unanswered:
    name = ""


def test_the_status_bar_says_the_connection_is_gone_as_soon_as_the_door_knows(
    open_window, shared, qtbot
):
    _office, here, proxy, show, _ada, (code, _other) = shared
    window = open_window(here)
    window.poll_timer.stop()  # no look for new events can be what tells it
    window.poll()  # one look while the server answers
    qtbot.waitUntil(lambda: window.sync_label.text() == "Up to date", timeout=30_000)
    window.show_area("door")
    view = window.door_view
    qtbot.waitUntil(lambda: view.performance_id() == show)

    admitted_offline(qtbot, view, proxy, code)  # the door knew within its 300 ms
    qtbot.waitUntil(lambda: not window.online)
    assert window.sync_label.text() == "No connection to the server"
    assert window.sync_label.toolTip() == offline_words()
    window.set_sync_status(0)  # a look that worked meanwhile does not say "Up to date"
    assert window.sync_label.text() == "No connection to the server"

    proxy.set_mode(PASS)  # the door's background sync finds the server: it looks again
    qtbot.waitUntil(lambda: window.online, timeout=120_000)
    qtbot.waitUntil(lambda: window.sync_label.text() == "Up to date", timeout=30_000)
    assert window.sync_label.toolTip() == ""


def test_the_patron_page_shows_the_door_s_admissions_not_sent_yet(open_window, shared, qtbot):
    _office, here, proxy, show, ada, (code, _other) = shared
    window = open_window(here)
    window.open_patron(ada)
    page = window.patron_page
    qtbot.waitUntil(lambda: page.row is not None and page.row["name"] == "Ada Lovelace")
    assert page.purchases.stats.visits.value.text() == "0"
    entries = page.timeline_model.rowCount()
    window.show_area("door")
    view = window.door_view
    qtbot.waitUntil(lambda: view.performance_id() == show)

    admitted_offline(qtbot, view, proxy, code)
    window.open_patron(ada)
    tiles = page.purchases.stats
    qtbot.waitUntil(lambda: tiles.visits.value.text() == "1")
    assert tiles.visits.detail.text() == "1 not sent yet"
    assert page.timeline_model.rowCount() == entries + 1
    top = page.timeline_model.rows[0]
    assert top["kind"] == "admission_waiting" and top["_what"] == "Admitted (not sent)"
    assert top["summary"].startswith("Admitted to Tosca")
    assert top["summary"].endswith("at Main door — not sent yet")
    assert code in top["detail"]
    assert page.timeline_count.text() == f"{entries + 1} entries"

    proxy.set_mode(PASS)  # sent: the stored admission takes its place, counted once
    qtbot.waitUntil(view.offline_banner.isHidden, timeout=120_000)
    window.poll()
    qtbot.waitUntil(lambda: page.timeline_model.rows[0]["kind"] == "admission", timeout=30_000)
    assert [r["kind"] for r in page.timeline_model.rows].count("admission_waiting") == 0
    assert page.timeline_model.rowCount() == entries + 1
    assert tiles.visits.value.text() == "1" and "not sent" not in tiles.visits.detail.text()


def test_an_undo_waiting_to_be_sent_lowers_the_visits_it_took_back(open_window, shared, qtbot):
    """Admitted online, then undone at the door while the server does not answer: the
    patron page counts the visit gone (marked "not sent yet") and lists the undo; once
    sent, the stored undo takes its place and the figures agree."""
    office, here, proxy, show, ada, (code, _other) = shared
    window = open_window(here)
    window.show_area("door")
    view = window.door_view
    qtbot.waitUntil(lambda: view.performance_id() == show)
    view.code_field.setFocus()
    qtbot.keyClicks(view.code_field, code)
    qtbot.keyClick(view.code_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: getattr(view.last_result, "verdict", None) == "admit", timeout=30_000)
    assert view.last_result.offline is False  # the server has this admission
    window.open_patron(ada)
    page = window.patron_page
    tiles = page.purchases.stats
    qtbot.waitUntil(lambda: tiles.visits.value.text() == "1")
    entries = page.timeline_model.rowCount()

    proxy.set_mode(DROP)
    window.show_area("door")
    qtbot.waitUntil(view.undo_button.isEnabled)
    qtbot.mouseClick(view.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(view.undo_reason.hasFocus)
    qtbot.keyClicks(view.undo_reason, "Wrong ticket", delay=80)  # a person types
    qtbot.waitUntil(lambda: view.undo_reason.text() == "Wrong ticket")
    qtbot.keyClick(view.undo_reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: getattr(view.last_result, "offline", None) is True, timeout=30_000)
    assert view.panel.title_label.text() == "Admission undone"
    window.open_patron(ada)
    qtbot.waitUntil(lambda: tiles.visits.value.text() == "0")
    assert tiles.visits.detail.text() == "1 undone, not sent yet"
    assert page.timeline_model.rowCount() == entries + 1
    top = page.timeline_model.rows[0]
    assert top["kind"] == "undo_waiting" and top["_what"] == "Undone (not sent)"
    assert top["summary"].startswith("Admission to Tosca")
    assert top["summary"].endswith("undone at Main door — not sent yet")
    assert code in top["detail"]

    proxy.set_mode(PASS)  # sent through the Ticket: the stored undo takes its place
    qtbot.waitUntil(view.offline_banner.isHidden, timeout=120_000)
    window.poll()
    qtbot.waitUntil(lambda: page.timeline_model.rows[0]["kind"] == "admission_undone")
    assert [r["kind"] for r in page.timeline_model.rows].count("undo_waiting") == 0
    assert tiles.visits.value.text() == "0" and "not sent" not in tiles.visits.detail.text()
    assert not office.app.store.get(ticket_id(code)).admitted


def test_the_first_run_assistant_waits_for_the_server(open_window, shared, tmp_path, qtbot):
    """Its answers are the organization's, on the server: while it does not answer the
    Settings page's button is off and says why, and an assistant left open cannot Start
    (Cancel still closes it); both come back with the server, and Start shares them."""
    from PySide6.QtWidgets import QWizard

    _office, here, proxy, _show, _ada, _codes = shared
    settings = Settings.for_data_folder(
        tmp_path / "here", QSettings(str(tmp_path / "office.ini"), QSettings.Format.IniFormat)
    )
    window = open_window(here, settings)
    window.show_area("settings")
    page = window.settings_page
    button = page.assistant_button
    own_tip = button.toolTip()
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assistant = window.setup_assistant
    assert assistant is not None and assistant.isVisible()
    to_the_start(assistant, qtbot)
    start = assistant.button(QWizard.WizardButton.FinishButton)
    assert start.isEnabled()

    proxy.set_mode(DROP)
    window.poll()
    qtbot.waitUntil(lambda: not window.online, timeout=30_000)
    assert not button.isEnabled() and offline_words() in button.toolTip()
    assert not start.isEnabled() and offline_words() in start.toolTip()
    assistant.accept()  # Enter or a stray call: said, nothing saved
    assert assistant.isVisible() and assistant.start_page.subTitle() == offline_words()
    assert not settings.get("organization/setup_done")
    assistant.reject()  # Cancel still closes it
    qtbot.waitUntil(lambda: window.setup_assistant is None)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # off: nothing opens
    assert window.setup_assistant is None

    proxy.set_mode(PASS)
    qtbot.waitUntil(lambda: window.online, timeout=120_000)
    assert button.isEnabled() and button.toolTip() == own_tip
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assistant = window.setup_assistant
    assert assistant is not None
    to_the_start(assistant, qtbot)
    finish(assistant, qtbot)
    assert settings.get("organization/setup_done") is True
    assert settings.get("organization/name") == "Lantern Theatre"


def to_the_start(assistant, qtbot) -> None:
    """Answer the assistant's pages as a person would, up to its last ("How to start")."""
    fill_organization(assistant, qtbot, "Lantern Theatre", "GB", "Europe/London")
    next_page(assistant, qtbot)
    next_page(assistant, qtbot)  # this computer: as it is
    if assistant.currentPage() is assistant.manager:
        next_page(assistant, qtbot)  # no manager's account: skipped
    assert assistant.currentPage() is assistant.start_page
