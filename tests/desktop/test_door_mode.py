"""Volunteer door mode: the door alone until someone types the PIN."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.views.door.door_mode import hash_pin, pin_matches


def type_slowly(qtbot, field, text):
    qtbot.keyClicks(field, text, delay=80)  # a person at the keyboard
    qtbot.waitUntil(lambda: field.text() == text)


def test_a_pin_is_kept_only_as_a_salted_hash():
    stored = hash_pin("2468")
    assert "2468" not in stored and stored != hash_pin("2468")
    assert pin_matches("2468", stored) and not pin_matches("2469", stored)
    assert not pin_matches("2468", "")


def test_door_mode_shows_only_the_door_and_is_left_only_with_the_pin(window, qtbot):
    window.show_area("door")
    door = window.door_view
    qtbot.mouseClick(door.door_mode_button, Qt.MouseButton.LeftButton)
    choose = door.pin_dialog
    qtbot.waitUntil(lambda: choose.isVisible() and choose.pin_field.hasFocus())
    type_slowly(qtbot, choose.pin_field, "24")
    qtbot.keyClick(choose.pin_field, Qt.Key.Key_Return)
    qtbot.waitUntil(choose.again_field.hasFocus)
    qtbot.keyClick(choose.again_field, Qt.Key.Key_Return)
    assert "at least 4" in choose.error_label.text() and not window.door_mode
    choose.pin_field.clear()
    type_slowly(qtbot, choose.pin_field, "2468")
    type_slowly(qtbot, choose.again_field, "2468")
    qtbot.keyClick(choose.again_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.door_mode)

    assert not window.sidebar.isVisible() and not window.menuBar().isVisible()
    assert not window.find_action.isEnabled() and not window.new_patron_action.isEnabled()
    assert window.quit_action.isEnabled()
    qtbot.keyClick(door.code_field, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    window.show_area("patrons")
    assert window.current_area() == "door"

    qtbot.mouseClick(door.door_mode_button, Qt.MouseButton.LeftButton)
    check = door.pin_dialog
    qtbot.waitUntil(lambda: check.isVisible() and check.pin_field.hasFocus())
    assert not check.again_field.isVisible()
    type_slowly(qtbot, check.pin_field, "1111")
    qtbot.keyClick(check.pin_field, Qt.Key.Key_Return)
    assert check.error_label.text() == "That PIN is not right." and window.door_mode
    check.pin_field.clear()
    type_slowly(qtbot, check.pin_field, "2468")
    qtbot.keyClick(check.pin_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.door_mode)
    assert window.sidebar.isVisible() and window.find_action.isEnabled()
    window.show_area("patrons")
    assert window.current_area() == "patrons"
