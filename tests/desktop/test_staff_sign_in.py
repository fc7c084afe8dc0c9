"""Staff accounts in the window: sign in, the role decides the areas, the audit view."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop.main_window import (
    AUDIT,
    BOX_OFFICE,
    DOOR,
    DUPLICATES,
    FOLLOW_UPS,
    LADDER,
    PATRONS,
    REPORTS,
    SETTINGS,
    THANK_YOUS,
)
from desktop.models.audit_table import AuditModel
from desktop.models.base import ROW_ROLE
from domain.errors import NotAllowed
from tests.desktop.conftest import closed, settle


@pytest.fixture
def staffed(services):
    """The four patrons' store, with a manager, a box-office clerk and a door volunteer."""
    app = services.app
    app.add_staff("Maria", "manager", password="manager-pass")
    app.sign_in("Maria", password="manager-pass")
    app.add_staff("Bob", "box_office", password="box-office-pass")
    app.add_staff("Dee", "door", pin="2468")
    services.runner.catch_up()
    return services


def visible_areas(window) -> list[str]:
    nav = window.navigation
    return [
        nav.item(i).data(Qt.ItemDataRole.UserRole)
        for i in range(nav.count())
        if not nav.item(i).isHidden()
    ]


def sign_in(qtbot, window, name: str, secret: str):
    dialog = window.switch_user()
    qtbot.keyClicks(dialog.name_field, name)
    qtbot.keyClicks(dialog.secret_field, secret)
    qtbot.keyClick(dialog.secret_field, Qt.Key.Key_Return)
    settle(qtbot)
    return dialog


def test_each_role_sees_its_areas_and_the_service_refuses_the_rest(
    open_window, staffed, qtbot, column
):
    window = open_window(staffed)
    assert AUDIT in visible_areas(window) and "Maria (Manager)" in window.windowTitle()

    dialog = sign_in(qtbot, window, "Dee", "1111")
    assert dialog.isVisible() and "do not match" in dialog.error.text()
    assert dialog.secret_field.text() == ""
    qtbot.keyClicks(dialog.secret_field, "2468")
    qtbot.keyClick(dialog.secret_field, Qt.Key.Key_Return)
    settle(qtbot)
    qtbot.waitUntil(lambda: closed(dialog))
    assert visible_areas(window) == [DOOR] and window.current_area() == DOOR
    window.show_area(PATRONS)
    assert window.current_area() == DOOR  # no browsing donor data from the door
    with pytest.raises(NotAllowed):  # and no hidden button gets round the service
        staffed.app.register_patron("Sneaky", "Volunteer")
    # Calls, chats and follow-ups are patron data too: Ctrl+L opens no call form (it
    # searches patrons), the menu's entries are off, and the areas stay hidden.
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.call_dialog is None
    assert window.log_call() is None and window.import_chats() is None
    assert not window.import_chats_action.isEnabled()
    assert not window.follow_ups_action.isEnabled()
    for area in (FOLLOW_UPS, LADDER, DUPLICATES, THANK_YOUS, REPORTS, SETTINGS):
        window.show_area(area)
        assert window.current_area() == DOOR

    sign_in(qtbot, window, "bob", "box-office-pass")
    qtbot.waitUntil(lambda: BOX_OFFICE in visible_areas(window))
    assert AUDIT not in visible_areas(window)
    assert {FOLLOW_UPS, LADDER, DUPLICATES} <= set(visible_areas(window))
    assert window.import_chats_action.isEnabled()
    assert not window.patron_page.erase_button.isVisibleTo(window.patron_page)

    sign_in(qtbot, window, "Maria", "manager-pass")
    qtbot.waitUntil(lambda: AUDIT in visible_areas(window))
    window.show_area(AUDIT)
    view = window.audit_view
    qtbot.waitUntil(lambda: view.model.rowCount() > 0)
    assert "Staff account created" in column(view.table, AuditModel.ACTION)
    qtbot.keyClicks(view.filter_field, "registered")
    qtbot.waitUntil(lambda: set(column(view.table, AuditModel.WHO)) == {"maria"})
    assert view.count_label.text() == "4 actions"  # the four patrons, registered by maria
    view.table.sortByColumn(AuditModel.WHEN, Qt.SortOrder.AscendingOrder)
    moments = [
        view.proxy.index(r, 0).data(ROW_ROLE)["occurred_at"] for r in range(view.proxy.rowCount())
    ]
    assert len(moments) == 4 and moments == sorted(moments) and moments[0] < moments[-1]


def test_cancelling_the_sign_in_after_signing_out_closes_the_window(open_window, staffed, qtbot):
    window = open_window(staffed)
    dialog = window.sign_out()
    assert window.app.signed_in() is None and visible_areas(window) == []
    assert not window.areas.isVisible()
    dialog.reject()
    qtbot.waitUntil(lambda: not window.isVisible())


def test_the_first_account_is_made_in_the_window_and_signs_its_manager_in(window, qtbot, column):
    from desktop.models.staff_table import StaffModel

    dialog = window.manage_staff()
    assert "until the first account" in dialog.intro.text()
    qtbot.keyClicks(dialog.name_field, "Dee")
    dialog.role_box.setCurrentIndex(dialog.role_box.findData("door"))
    qtbot.keyClicks(dialog.pin_field, "2468")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert "first account must be a manager" in dialog.error.text()
    assert not window.app.accounts_exist()

    dialog.role_box.setCurrentIndex(dialog.role_box.findData("manager"))
    qtbot.keyClicks(dialog.password_field, "short")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert "at least 8" in dialog.error.text()
    dialog.password_field.clear()
    qtbot.keyClicks(dialog.password_field, "manager-pass")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert column(dialog.table, StaffModel.NAME) == ["Dee"]
    assert window.app.signed_in().name == "Dee"
    assert "Dee (Manager)" in window.windowTitle()

    qtbot.keyClicks(dialog.name_field, "Sam")
    dialog.role_box.setCurrentIndex(dialog.role_box.findData("door"))
    qtbot.keyClicks(dialog.pin_field, "1357")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    # Dee kept the PIN typed on the first try (a manager may use the door, too).
    assert column(dialog.table, StaffModel.SIGN_IN) == ["password or door PIN", "door PIN"]
    dialog.table.selectRow(1)
    qtbot.mouseClick(dialog.deactivate_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert column(dialog.table, StaffModel.STATE) == ["Active", "Deactivated"]


def slowly(qtbot, field, text: str) -> None:
    qtbot.keyClicks(field, text, delay=80)
    qtbot.waitUntil(lambda: field.text() == text)


def test_door_mode_with_accounts_is_left_with_an_office_password(open_window, staffed, qtbot):
    from desktop.views.staff.sign_in_dialog import DoorUnlockDialog

    window = open_window(staffed)
    dialog = sign_in(qtbot, window, "Dee", "2468")
    qtbot.waitUntil(lambda: closed(dialog))
    door = window.door_view
    qtbot.mouseClick(door.door_mode_button, Qt.MouseButton.LeftButton)
    assert window.door_mode and door.pin_dialog is None  # no PIN to choose: accounts decide
    assert "staff sign-in" in door.door_mode_button.text()

    qtbot.mouseClick(door.door_mode_button, Qt.MouseButton.LeftButton)
    unlock = door.pin_dialog
    assert isinstance(unlock, DoorUnlockDialog)
    qtbot.waitUntil(unlock.isVisible)
    # Typed at a person's pace: the door's scanner takes a fast burst for a barcode.
    slowly(qtbot, unlock.name_field, "Dee")
    slowly(qtbot, unlock.secret_field, "2468")
    qtbot.keyClick(unlock.secret_field, Qt.Key.Key_Return)
    settle(qtbot)
    assert unlock.isVisible() and "do not match" in unlock.error.text() and window.door_mode
    unlock.name_field.clear()
    slowly(qtbot, unlock.name_field, "bob")
    slowly(qtbot, unlock.secret_field, "box-office-pass")
    qtbot.keyClick(unlock.secret_field, Qt.Key.Key_Return)
    settle(qtbot)
    qtbot.waitUntil(lambda: not window.door_mode)
    assert "Bob (Box office)" in window.windowTitle()
    assert PATRONS in visible_areas(window) and window.import_chats_action.isEnabled()
    window.show_area(PATRONS)
    assert window.current_area() == PATRONS


def test_wrong_pins_lock_the_account_and_a_manager_unlocks_it_in_the_window(
    open_window, staffed, qtbot, column
):
    from datetime import UTC, datetime, timedelta

    from desktop.models.staff_table import StaffModel
    from domain.staff import LOCK_AFTER

    moment = [datetime(2026, 12, 1, 19, 0, tzinfo=UTC)]
    staffed.app.context.clock = lambda: moment[0]
    window = open_window(staffed)
    dialog = sign_in(qtbot, window, "Dee", "0000")
    assert "do not match" in dialog.error.text()
    for _ in range(2):
        qtbot.keyClicks(dialog.secret_field, "0000")
        qtbot.keyClick(dialog.secret_field, Qt.Key.Key_Return)
        settle(qtbot)
    qtbot.keyClicks(dialog.secret_field, "2468")  # right, but too soon after three wrong
    qtbot.keyClick(dialog.secret_field, Qt.Key.Key_Return)
    settle(qtbot)
    assert dialog.isVisible() and "wait 2 second" in dialog.error.text()
    for _ in range(LOCK_AFTER - 3):
        moment[0] += timedelta(minutes=5)
        qtbot.keyClicks(dialog.secret_field, "0000")
        qtbot.keyClick(dialog.secret_field, Qt.Key.Key_Return)
        settle(qtbot)
    moment[0] += timedelta(hours=1)
    qtbot.keyClicks(dialog.secret_field, "2468")
    qtbot.keyClick(dialog.secret_field, Qt.Key.Key_Return)
    settle(qtbot)
    assert dialog.isVisible() and "locked" in dialog.error.text()
    dialog.reject()

    sign_in(qtbot, window, "Maria", "manager-pass")
    staff = window.manage_staff()
    states = dict(
        zip(
            column(staff.table, StaffModel.NAME), column(staff.table, StaffModel.STATE), strict=True
        )
    )
    assert states["Dee"] == "Locked"
    staff.table.selectRow(column(staff.table, StaffModel.NAME).index("Dee"))
    qtbot.mouseClick(staff.unlock_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert "Locked" not in column(staff.table, StaffModel.STATE)
    staff.accept()
    sign_in(qtbot, window, "Dee", "2468")
    assert "Dee (Door volunteer)" in window.windowTitle()
