"""Calls & chats → Duty rota (a weekly grid) and "On duty" in the status bar."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication

from projections import support
from tests.conftest import clear_of_midnight
from tests.desktop.conftest import settle
from tests.domain.support_example import LONDON

TUESDAY = 1


@pytest.fixture
def rota(window, qtbot):
    window.rota_action.trigger()
    dialog = window.rota_dialog
    qtbot.waitExposed(dialog)
    return dialog


def select_hours(dialog, qtbot, day: int, first: int, last: int) -> None:
    """Click the first hour's cell, shift-click the last (as a manager does)."""
    grid = dialog.grid
    grid.scrollToItem(grid.item(first, day))
    for hour, modifier in (
        (first, Qt.KeyboardModifier.NoModifier),
        (last, Qt.KeyboardModifier.ShiftModifier),
    ):
        grid.scrollToItem(grid.item(hour, day))
        rect = grid.visualItemRect(grid.item(hour, day))
        qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def type_into(qtbot, combo, text: str) -> None:
    combo.lineEdit().selectAll()
    qtbot.keyClicks(combo.lineEdit(), text)


def put_on_duty(qtbot, dialog, who: str, duty: str = "chat") -> None:
    type_into(qtbot, dialog.who, who)
    dialog.duty.setCurrentIndex(dialog.duty.findData(duty))
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    settle(qtbot)


def slots(window) -> list[tuple]:
    return [
        (s["weekday"], s["starts"], s["ends"], s["duty"], s["name"], bool(s["staff_id"]))
        for s in support.rota(window.runner.db())
    ]


def test_a_manager_puts_a_volunteer_on_the_tuesday_evening(window, rota, qtbot):
    select_hours(rota, qtbot, TUESDAY, 19, 20)
    assert (rota.starts.currentText(), rota.ends.currentText()) == ("19:00", "21:00")
    assert rota.days_label.text() == "Days: Tuesday"

    put_on_duty(qtbot, rota, "Sam")

    assert slots(window) == [(1, "19:00", "21:00", "chat", "Sam", False)]
    assert rota.grid.item(19, TUESDAY).text() == "Sam" and rota.grid.item(21, TUESDAY).text() == ""
    assert rota.table.model().index(0, 4).data() == "Sam (volunteer)"
    qtbot.waitUntil(lambda: "Sam is on the rota." in window.statusBar().currentMessage())


def test_the_same_hours_on_several_days_and_a_staff_account(window, services, rota, qtbot):
    services.app.add_staff("Maria Lopez", "manager", password="manager-pass")
    services.app.sign_in("Maria Lopez", password="manager-pass")
    rota._fill_people()
    grid = rota.grid
    grid.setCurrentCell(10, 1)
    grid.setRangeSelected(
        __import__("PySide6.QtWidgets", fromlist=["x"]).QTableWidgetSelectionRange(10, 1, 13, 5),
        True,
    )
    put_on_duty(qtbot, rota, "maria lopez", "both")
    assert slots(window) == [
        (d, "10:00", "14:00", "both", "Maria Lopez", True) for d in range(1, 6)
    ]
    # the same again from Monday: Monday is free, Tuesday overlaps; all or nothing
    grid.setRangeSelected(
        __import__("PySide6.QtWidgets", fromlist=["x"]).QTableWidgetSelectionRange(12, 0, 12, 1),
        True,
    )
    put_on_duty(qtbot, rota, "Maria Lopez", "chat")
    assert "Maria Lopez is already on duty on Tuesday from 10:00 to 14:00" in rota.message.text()
    assert len(slots(window)) == 5


@pytest.mark.parametrize(
    ("starts", "ends", "message"),
    [
        ("21:00", "19:00", "The duty ends (19:00) before it starts (21:00)."),
        ("20:00", "22:00", "Sam is already on duty on Tuesday from 19:00 to 21:00"),
        ("7pm", "22:00", "“7pm” is not a time."),
    ],
)
def test_a_refused_slot_says_why_and_keeps_what_was_typed(
    window, services, rota, qtbot, starts, ends, message
):
    services.app.add_duty_slot("Tuesday", "19:00", "21:00", "chat", name="Sam")
    rota.refresh()
    select_hours(rota, qtbot, TUESDAY, 20, 21)
    type_into(qtbot, rota.starts, starts)
    type_into(qtbot, rota.ends, ends)
    put_on_duty(qtbot, rota, "sam", "phone")

    assert message in rota.message.text() and rota.message.isVisible()
    assert rota.who.currentText() == "sam" and rota.starts.currentText() == starts
    assert len(slots(window)) == 1


def test_nothing_is_saved_without_hours_or_a_name(window, services, rota, qtbot):
    select_hours(rota, qtbot, TUESDAY, 19, 19)
    put_on_duty(qtbot, rota, "")
    assert "Say who is on duty" in rota.message.text()
    rota.grid.clearSelection()
    put_on_duty(qtbot, rota, "Sam")
    assert "Select the hours in the grid first" in rota.message.text()
    assert slots(window) == []


def test_taking_someone_off_duty_with_the_delete_key(window, services, rota, qtbot):
    services.app.add_duty_slot("Monday", "09:00", "12:00", "phone", name="Tom")
    services.app.add_duty_slot("Tuesday", "19:00", "21:00", "chat", name="Sam")
    qtbot.waitUntil(lambda: rota.model.rowCount() == 2)  # another workstation's change shows
    rota.table.setFocus()
    rota.table.selectionModel().setCurrentIndex(
        rota.proxy.index(0, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    qtbot.keyClick(rota.table, Qt.Key.Key_Delete)
    settle(qtbot)
    assert slots(window) == [(1, "19:00", "21:00", "chat", "Sam", False)]
    assert rota.grid.item(10, 0).text() == ""


def test_box_office_sees_the_rota_but_cannot_change_it(window, services, qtbot):
    app = services.app
    app.add_staff("Tom", "manager", password="manager-pass")
    app.sign_in("Tom", password="manager-pass")
    app.add_duty_slot("Tuesday", "19:00", "21:00", "chat", name="Sam")
    app.add_staff("Bob", "box office", password="box-office-pass")
    app.sign_in("Bob", password="box-office-pass")
    window.apply_role()
    dialog = window.open_rota()
    assert dialog.grid.item(19, TUESDAY).text() == "Sam"
    assert not dialog.add_button.isEnabled() and not dialog.who.isEnabled()
    assert dialog.message.text() == "Only a manager changes the rota."


# -- "On duty" in the status bar --------------------------------------------------------
class Clock:
    def __init__(self, moment: datetime):
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


def test_on_duty_turns_at_the_start_of_a_slot_without_waiting(window, services, qtbot):
    label = window.on_duty
    assert label.isHidden()  # no rota yet: nothing to say
    clock = Clock(datetime(2026, 7, 7, 18, 59, 30, tzinfo=LONDON))  # a Tuesday
    label.clock = clock
    services.app.add_duty_slot("Tuesday", "19:00", "21:00", "chat", name="Sam")
    services.app.add_duty_slot("Tuesday", "10:00", "20:00", "phone", name="Maria")
    qtbot.waitUntil(lambda: label.text() == "On duty: Maria (phone)")
    assert label.toolTip() == "next on chat: Sam, Tue 19:00"
    assert label.isVisible() and label.timer.isActive()
    assert 30_000 <= label.timer.interval() <= 31_000  # fires just after 19:00

    clock.moment = datetime(2026, 7, 7, 19, 0, 1, tzinfo=LONDON)
    label.timer.timeout.emit()
    assert label.text() == "On duty: Maria (phone), Sam (chat)"
    assert label.timer.interval() > 59 * 60 * 1000 - 2000  # next: 20:00, Maria goes home

    clock.moment = datetime(2026, 7, 7, 21, 0, 1, tzinfo=LONDON)
    label.timer.timeout.emit()
    assert label.text() == "Nobody on duty"
    assert "next on chat: Sam, Tue 19:00" in label.toolTip()
    assert "next on phone: Maria, Tue 10:00" in label.toolTip()
    QApplication.processEvents()


def test_a_follow_up_from_a_late_chat_is_for_the_next_on_duty(
    window, services, qtbot, computer_clock
):

    from desktop.main_window import FOLLOW_UPS
    from desktop.models.conversations import FollowUpTableModel

    computer_clock("Europe/London")
    app = services.app
    app.add_duty_slot("Wednesday", "10:00", "12:00", "chat", name="Jo")
    late = datetime(2026, 7, 7, 23, 10, tzinfo=LONDON).isoformat()  # a Tuesday night
    app.record_chat(
        "Crisp",
        "late",
        [
            {"at": late, "sender": "visitor", "name": "Ada", "text": "Can I bring a pram?"},
        ],
        visitor_email="ada@example.org",
    )
    window.show_area(FOLLOW_UPS)
    view = window.follow_ups
    view.show_tab(2)
    qtbot.waitUntil(lambda: view.chats.model.rowCount() == 1)
    view.chats.table.selectRow(0)
    panel = view.chats.panel
    qtbot.waitUntil(lambda: panel.note_edit.isEnabled())
    panel.note_edit.setFocus()
    qtbot.keyClicks(panel.note_edit, "Will ask front of house about prams.")
    panel.follow_up.setChecked(True)
    qtbot.keyClick(panel.note_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: panel.note_edit.toPlainText() == "")

    view.show_tab(0)
    model = view.model
    qtbot.waitUntil(lambda: model.rowCount() == 1)
    cell = model.index(0, FollowUpTableModel.FOR)
    assert model.headerData(FollowUpTableModel.FOR, Qt.Orientation.Horizontal) == "For"
    assert cell.data() == "Jo"
    assert "nobody was on chat duty" in cell.data(Qt.ItemDataRole.ToolTipRole)


def test_a_closed_window_stops_waiting_for_the_next_duty_change(window, services, qtbot):
    """The label's timer fires at the next slot edge or turn of the hour; once the window
    is closed and its read models with it, it must not wake up and read them."""
    services.app.add_duty_slot("Tuesday", "10:00", "20:00", "phone", name="Maria")
    label = window.on_duty
    qtbot.waitUntil(lambda: label.isVisible() and label.timer.isActive())
    window.close()
    assert not label.timer.isActive()
    label.refresh()  # what a last "read models changed" would ask while closing
    assert not label.timer.isActive()


def test_on_duty_is_read_on_the_organizations_clock_not_the_computers(
    window, services, qtbot, computer_clock
):
    """A computer whose clock zone is Dubai (four hours ahead) in a London organization:
    the slot running now in London is the one on duty."""

    from desktop import formatting
    from desktop.views.conversations.on_duty import local_now

    computer_clock("Asia/Dubai")
    formatting.configure("GB", "", "Europe/London")
    clear_of_midnight(LONDON)  # London's weekday now is the label's, seconds later
    now = datetime.now(LONDON)
    assert local_now().utcoffset() == now.utcoffset()
    # two hours around London's now: Dubai's now (4 hours later) is outside them
    first, last = max(0, now.hour - 1), min(24, now.hour + 2)
    services.app.add_duty_slot(
        now.strftime("%A"), f"{first:02d}:00", f"{last:02d}:00", "phone", name="Maria"
    )
    label = window.on_duty
    assert label.clock is local_now
    qtbot.waitUntil(lambda: label.isVisible())
    qtbot.waitUntil(lambda: label.text() == "On duty: Maria (phone)")
