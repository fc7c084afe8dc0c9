"""Calls, chats, follow-ups and quick answers, driven with real key presses."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication

from desktop.main_window import AREAS, BOX_OFFICE, FOLLOW_UPS
from desktop.models.base import ROW_ROLE
from desktop.views.conversations.follow_ups import WAITING_TAB
from desktop.views.forms import is_busy
from domain.conversations import chat_id
from imports.chat_formats import read_chat_text
from projections import conversations, timeline
from tests.desktop.conftest import closed, settle

CTRL = Qt.KeyboardModifier.ControlModifier
FIXTURES = Path(__file__).parent.parent / "fixtures" / "chats"
MESSAGES = [
    {
        "at": "2026-11-20T14:00:00+00:00",
        "sender": "visitor",
        "name": "G. H.",
        "text": "Is the Saturday matinee relaxed?",
    },
    {
        "at": "2026-11-20T14:01:00+00:00",
        "sender": "agent",
        "name": "Maria",
        "text": "Yes, lights stay up a little.",
    },
]


def patron_id(services, name: str) -> str:
    rows = (
        services.runner.db()
        .conn.execute("SELECT id FROM patrons WHERE name = ?", (name,))
        .fetchall()
    )
    return rows[0][0]


def focused():
    return QApplication.focusWidget()


def open_call_form(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_L, CTRL)
    qtbot.waitUntil(lambda: window.call_dialog is not None and window.call_dialog.isVisible())
    return window.call_dialog


def test_ctrl_l_opens_the_call_form_from_another_area(window, qtbot):
    window.show_area(BOX_OFFICE)
    qtbot.waitUntil(lambda: window.areas.currentWidget() is window.box_office)
    window.box_office.setFocus()

    dialog = open_call_form(window, qtbot)

    assert dialog.windowTitle() == "Log a call"
    qtbot.waitUntil(dialog.finder.search_field.hasFocus)
    assert dialog.chosen_label.text() == "No patron chosen yet."


def test_a_call_is_logged_with_the_keyboard_alone(window, qtbot, services):
    dialog = open_call_form(window, qtbot)
    qtbot.waitUntil(dialog.finder.search_field.hasFocus)

    qtbot.keyClicks(focused(), "grace")
    qtbot.keyClick(focused(), Qt.Key.Key_Return)  # picks Grace Hopper, moves on
    qtbot.waitUntil(dialog.direction.hasFocus)
    assert dialog.chosen_label.text().startswith("Call with Grace Hopper")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    qtbot.keyClicks(focused(), "Parking")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert dialog.outcome.hasFocus()
    qtbot.keyClick(focused(), Qt.Key.Key_Down)  # "Sorted out"
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert dialog.notes.hasFocus()
    qtbot.keyClicks(focused(), "Asked where to park on Saturday.")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert dialog.follow_up.hasFocus()
    qtbot.keyClick(focused(), Qt.Key.Key_Space)
    qtbot.keyClick(focused(), Qt.Key.Key_Return, CTRL)

    qtbot.waitUntil(lambda: closed(dialog))
    grace = patron_id(services, "Grace Hopper")
    calls = conversations.calls(services.runner.db(), grace)
    assert [(c["direction"], c["reason"], c["outcome"], c["notes"]) for c in calls] == [
        ("incoming", "Parking", "resolved", "Asked where to park on Saturday.")
    ]
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    assert calls[0]["follow_up_on"] == tomorrow
    rows = timeline.rows(services.runner.db(), grace)
    assert rows[0]["kind"] == "call"
    assert rows[0]["summary"].startswith("Incoming call about Parking, resolved: Asked where")
    assert window.statusBar().currentMessage() == "Call with Grace Hopper logged."


def test_a_call_needs_a_patron_and_keeps_what_was_typed(window, qtbot):
    dialog = open_call_form(window, qtbot)
    dialog.notes.setFocus()
    qtbot.waitUntil(dialog.notes.hasFocus)
    qtbot.keyClicks(dialog.notes, "Someone asked about refunds.")
    qtbot.keyClick(dialog.notes, Qt.Key.Key_Return, CTRL)
    settle(qtbot)

    assert dialog.isVisible()
    assert dialog.general_error.text().startswith("Choose who called first")
    assert dialog.notes.toPlainText() == "Someone asked about refunds."
    dialog.outcome.setCurrentIndex(dialog.outcome.findData("call_back"))
    assert dialog.follow_up.isChecked()  # a call back is followed up by default
    dialog.follow_up_day.setDate(QDate.currentDate().addDays(-3))
    qtbot.keyClicks(dialog.finder.search_field, "ada")
    qtbot.keyClick(dialog.finder.search_field, Qt.Key.Key_Return)
    dialog.save()
    settle(qtbot)
    assert dialog.errors["follow_up"].text() == "The follow-up day is in the past."


def test_a_new_caller_is_registered_from_the_call_form(window, qtbot, services):
    dialog = open_call_form(window, qtbot)
    qtbot.keyClicks(dialog.finder.search_field, "Maya Angelou")
    register = dialog.new_patron()
    assert register.fields["first_name"].text() == "Maya"
    assert register.fields["last_name"].text() == "Angelou"
    qtbot.keyClicks(register.fields["phone"], "555-000-2222")
    register.save()
    settle(qtbot)

    qtbot.waitUntil(lambda: dialog.chosen_label.text().startswith("Call with Maya Angelou"))
    dialog.save()
    settle(qtbot)
    assert conversations.calls(services.runner.db(), patron_id(services, "Maya Angelou"))


def test_a_quick_answer_is_inserted_into_the_call_note(window, qtbot, services):
    services.app.seed_quick_answers()
    dialog = open_call_form(window, qtbot)
    dialog.notes.setFocus()
    qtbot.waitUntil(dialog.notes.hasFocus)
    qtbot.keyClicks(dialog.notes, "Told them: /park")

    qtbot.keyClick(dialog.notes, Qt.Key.Key_Space, CTRL)
    picker = dialog.quick_answers.picker
    qtbot.waitUntil(lambda: picker is not None and picker.isVisible())
    assert picker.filter.text() == "park"
    assert [picker.list.item(i).text() for i in range(picker.list.count())] == ["Parking"]
    qtbot.keyClick(picker.filter, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: not picker.isVisible())
    assert dialog.notes.toPlainText().startswith("Told them: The nearest car park is two")
    assert "/park" not in dialog.notes.toPlainText()


def test_follow_ups_are_listed_overdue_first_and_marked_done_and_undone(
    window, qtbot, services, column, tmp_path
):
    app = services.app
    ada = patron_id(services, "Ada Lovelace")
    today = date.today()
    app.schedule_follow_up(ada, today + timedelta(days=4), "Invite to the gala")
    app.log_call(
        ada,
        "incoming",
        "Refund or exchange",
        "call_back",
        "Wants Thursday.",
        follow_up_on=today - timedelta(days=1),
        occurred_at=datetime.now(UTC) - timedelta(days=3),
    )
    window.show_area(FOLLOW_UPS)
    view = window.follow_ups
    qtbot.waitUntil(lambda: view.model.rowCount() == 2)

    assert column(view.table, 0) == ["Overdue", "Upcoming"]
    assert column(view.table, 3) == [
        "Call back about Refund or exchange: Wants Thursday.",
        "Invite to the gala",
    ]
    assert view.counts.text() == "1 overdue · 0 due today · 1 upcoming"
    nav = window.navigation.item(AREAS.index(FOLLOW_UPS))
    qtbot.waitUntil(lambda: nav.text() == "Follow-ups (1)")
    view.table.setFocus()
    view.table.selectRow(0)
    qtbot.keyClick(view.table, Qt.Key.Key_D, CTRL)
    qtbot.waitUntil(lambda: column(view.table, 0) == ["Upcoming"])
    qtbot.waitUntil(lambda: nav.text() == "Follow-ups")

    qtbot.mouseClick(view.show_done, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: column(view.table, 0) == ["Upcoming", "Done"])
    view.table.selectRow(1)
    # once the "done" before it is back from the writer worker: the list can show it
    # first, and a click while the view is busy is not taken (``submit_command``)
    qtbot.waitUntil(lambda: not is_busy(view))
    qtbot.mouseClick(view.undone_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: column(view.table, 0) == ["Overdue", "Upcoming"])

    from desktop.export import write_csv

    path = tmp_path / "follow-ups.csv"
    assert write_csv(view.table, path) == 2
    assert "Invite to the gala" in path.read_text(encoding="utf-8")
    view.table.selectRow(0)
    view.table.setFocus()
    qtbot.waitUntil(view.table.hasFocus)
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.patron_page.patron_id == ada)


def test_an_unmatched_chat_is_linked_from_the_queue(window, qtbot, services):
    chat = services.app.record_chat(
        "tawk.to", "c-1", MESSAGES, visitor_name="G. H.", visitor_email="gh@elsewhere.example"
    ).id
    window.show_area(FOLLOW_UPS)
    view = window.follow_ups
    view.show_tab(WAITING_TAB)
    qtbot.waitUntil(lambda: view.waiting.model.rowCount() == 1)
    assert view.tabs.tabText(WAITING_TAB) == "Chats waiting (1)"
    panel = view.waiting.panel
    assert "Is the Saturday matinee relaxed?" in panel.transcript.toPlainText()

    link = panel.link()
    qtbot.waitUntil(link.finder.search_field.hasFocus)
    link.finder.search_field.clear()
    qtbot.keyClicks(link.finder.search_field, "hopper")
    qtbot.keyClick(link.finder.search_field, Qt.Key.Key_Return)  # search, then the list
    qtbot.waitUntil(link.finder.table.hasFocus)
    qtbot.keyClick(link.finder.table, Qt.Key.Key_Return)  # links

    qtbot.waitUntil(lambda: view.waiting.model.rowCount() == 0)
    grace = patron_id(services, "Grace Hopper")
    assert services.app.get_chat(chat).patron_id == grace
    assert view.tabs.tabText(WAITING_TAB) == "Chats waiting"
    kinds = [r["kind"] for r in timeline.rows(services.runner.db(), grace)]
    assert "chat" in kinds


def test_a_waiting_chat_becomes_a_new_patron(window, qtbot, services):
    chat = services.app.record_chat(
        "Crisp", "s-1", MESSAGES, visitor_name="Nina Simone", visitor_email="nina@example.com"
    ).id
    window.show_area(FOLLOW_UPS)
    view = window.follow_ups
    view.show_tab(WAITING_TAB)
    qtbot.waitUntil(lambda: view.waiting.model.rowCount() == 1)

    register = view.waiting.panel.create_patron()
    assert (register.fields["first_name"].text(), register.fields["email"].text()) == (
        "Nina",
        "nina@example.com",
    )
    qtbot.keyClicks(register.fields["last_name"], "")
    register.save()

    qtbot.waitUntil(lambda: view.waiting.model.rowCount() == 0)
    assert services.app.get_chat(chat).patron_id == patron_id(services, "Nina Simone")


def test_a_chat_note_with_a_quick_answer_and_a_follow_up(window, qtbot, services):
    services.app.seed_quick_answers()
    ada = patron_id(services, "Ada Lovelace")
    chat = services.app.record_chat("tawk.to", "c-2", MESSAGES, visitor_email="ada@example.org").id
    window.show_area(FOLLOW_UPS)
    view = window.follow_ups
    view.show_tab(2)
    qtbot.waitUntil(lambda: view.chats.model.rowCount() == 1)
    qtbot.keyClicks(view.chats.search_field, "matinee")
    qtbot.waitUntil(lambda: view.chats.model.rowCount() == 1)
    panel = view.chats.panel
    panel.note_edit.setFocus()
    qtbot.waitUntil(panel.note_edit.hasFocus)
    qtbot.keyClick(panel.note_edit, Qt.Key.Key_Space, CTRL)
    picker = panel.quick_answers.picker
    qtbot.waitUntil(lambda: picker is not None and picker.isVisible())
    qtbot.keyClicks(picker.filter, "start")
    qtbot.keyClick(picker.filter, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Evening performances" in panel.note_edit.toPlainText())
    panel.follow_up.setChecked(True)
    qtbot.keyClick(panel.note_edit, Qt.Key.Key_Return, CTRL)

    qtbot.waitUntil(lambda: panel.note_edit.toPlainText() == "")
    assert services.app.get_chat(chat).notes[0].startswith("Evening performances")
    follow_ups = conversations.follow_ups(services.runner.db())
    assert [(f["patron_id"], f["source"]) for f in follow_ups] == [(ada, "chat")]


def test_the_timeline_expands_a_chat_to_its_transcript(window, qtbot, services):
    ada = patron_id(services, "Ada Lovelace")
    services.app.record_chat("tawk.to", "c-3", MESSAGES, visitor_email="ada@example.org")
    window.open_patron(ada)
    page = window.patron_page
    table = page.timeline_table
    qtbot.waitUntil(lambda: page.timeline_model.rowCount() == 2)
    row = next(
        r
        for r in range(table.model().rowCount())
        if table.model().index(r, 0).data(ROW_ROLE)["kind"] == "chat"
    )
    rect = table.visualRect(table.model().index(row, 2))

    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(page.timeline_detail.isVisible)
    assert "Maria (staff): Yes, lights stay up a little." in page.timeline_detail.toPlainText()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: not page.timeline_detail.isVisible())


def test_the_chat_import_dialog_reports_and_imports_nothing_twice(window, qtbot, services):
    dialog = window.import_chats()
    dialog.choose_file(str(FIXTURES / "broken.json"))
    task = dialog.start()
    assert task is not None
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20000)
    assert "Chats imported: 1 · on a patron's timeline: 1 · waiting for a patron: 0" in (
        dialog.summary.text()
    )
    assert dialog.rejected_model.rowCount() == 5
    assert dialog.rejected_table.model().index(0, 1).data() == (
        "This entry is not a conversation (expected an object with messages)."
    )

    dialog.start()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20000)
    assert "Chats imported: 0" in dialog.summary.text()


def test_a_pasted_transcript_is_imported_and_waits_in_the_queue(window, qtbot, services):
    dialog = window.import_chats()
    dialog.tabs.setCurrentIndex(1)
    dialog.paste.setPlainText(
        "Name: Lou Reed\n[10:00] Visitor: Any tickets left?\n[10:01] Jo (agent): Two, in row C."
    )
    dialog.start()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20000)
    assert dialog.report["unmatched"] == 1
    dialog.close()
    qtbot.waitUntil(lambda: window.follow_ups.tabs.currentIndex() == WAITING_TAB)
    window.show_area(FOLLOW_UPS)
    qtbot.waitUntil(lambda: window.follow_ups.waiting.model.rowCount() == 1)


def test_no_call_form_at_a_volunteer_door_station(window, qtbot):
    window.set_kiosk(True)
    qtbot.keyClick(window, Qt.Key.Key_L, CTRL)
    assert window.call_dialog is None
    window.set_kiosk(False)
    assert window.log_call() is not None


def test_staff_add_edit_and_remove_quick_answers(window, qtbot, services, column):
    window.show_area(FOLLOW_UPS)
    view = window.follow_ups
    view.show_tab(3)
    panel = view.answers

    dialog = panel.add()
    qtbot.waitUntil(dialog.title.hasFocus)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert dialog.isVisible()
    assert dialog.errors["title"].text() == "Give the answer a short title, e.g. Parking."
    qtbot.keyClicks(dialog.title, "Dress code")
    qtbot.keyClicks(dialog.text, "There is none: come as you are.")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: column(panel.table) == ["Dress code"])

    panel.table.selectRow(0)
    edit = panel.edit()
    edit.title.setText("What to wear")
    edit.save()
    qtbot.waitUntil(lambda: column(panel.table) == ["What to wear"])
    panel.table.selectRow(0)
    qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: column(panel.table) == [])
    assert conversations.quick_answers(services.runner.db()) == []


def test_a_chat_import_can_be_cancelled_and_keeps_what_it_saved(window, qtbot, services, tmp_path):
    import json

    chats = [
        {
            "id": f"big-{n}",
            "visitor": {"name": f"Fan {n}"},
            "messages": [
                {"sender": "visitor", "text": f"Question {n}", "time": "2026-11-20T10:00:00Z"}
            ],
        }
        for n in range(600)
    ]
    path = tmp_path / "big.json"
    path.write_text(json.dumps(chats), encoding="utf-8")
    dialog = window.import_chats()
    dialog.choose_file(str(path))

    dialog.start()
    assert dialog.cancel_button.isEnabled() and not dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20000)

    assert dialog.summary.text().startswith("<b>Stopped.</b>") or dialog.summary.text() == (
        "Stopped before anything was imported."
    )
    saved = len(conversations.search_chats(services.runner.db(), "", limit=1000))
    assert saved < 600
    assert saved == (dialog.report["imported"] if dialog.report else 0)
    assert dialog.import_button.isEnabled()


def test_a_merged_records_follow_up_opens_the_record_that_remains(window, qtbot, services):
    app = services.app
    ada = patron_id(services, "Ada Lovelace")
    twin = app.register_patron("A.", "Lovelace", phone="555 987 6543", allow_duplicate=True)
    app.schedule_follow_up(twin, date.today() + timedelta(days=2), "Send the seating plan")
    app.merge_patrons(twin, ada)
    window.show_area(FOLLOW_UPS)
    view = window.follow_ups
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)

    assert view.model.index(0, 0).data(ROW_ROLE)["patron_id"] == ada
    view.table.selectRow(0)
    view.table.setFocus()
    qtbot.waitUntil(view.table.hasFocus)
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.patron_page.patron_id == ada)
    assert "Send the seating plan" in [
        r["summary"].split(": ", 1)[-1] for r in timeline.rows(services.runner.db(), ada)
    ]


def test_text_copied_from_a_chat_widget_is_pasted_and_imported(window, qtbot, services):
    """Issue 16: text copied straight from a chat widget was rejected."""
    dialog = window.import_chats()
    dialog.tabs.setCurrentIndex(1)
    copied = (
        "Visitor: Lou Reed\nLou Reed\n10:00 AM\nAny tickets left for Friday?\n"
        "Jo\n10:01 AM\nTwo, in row C.\nSeen"
    )
    QApplication.clipboard().setText(copied)
    dialog.paste.setFocus()
    qtbot.keyClick(dialog.paste, Qt.Key.Key_V, CTRL)
    assert dialog.paste.toPlainText().startswith("Visitor: Lou Reed")

    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20000)

    assert (dialog.report["imported"], dialog.report["rejected"]) == (1, [])
    (record,) = read_chat_text(copied).chats  # the same transcript, so the same chat
    chat = services.app.get_chat(str(chat_id(record.service, record.conversation_id)))
    assert [(m["sender"], m["text"]) for m in chat.messages] == [
        ("visitor", "Any tickets left for Friday?"),
        ("agent", "Two, in row C."),
    ]
