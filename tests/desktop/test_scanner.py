"""The scanner filter tells a USB scanner's burst from a person typing, by key timing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QVBoxLayout, QWidget

from desktop.scanner import ScannerFilter
from tests.desktop.keys import keypad_burst, scanner_burst

CODE = "9CEFGHJKNPRT"


@pytest.fixture
def form(qtbot):
    """A window with two fields and a scanner filter watching it."""
    window = QWidget()
    first, second = QLineEdit(window), QLineEdit(window)
    layout = QVBoxLayout(window)
    layout.addWidget(first)
    layout.addWidget(second)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    first.setFocus()
    scanner = ScannerFilter(window, max_gap_ms=30, min_length=6)
    scanner.scope = window
    scans: list[str] = []
    scanner.scanned.connect(scans.append)
    scanner.start()
    yield window, first, second, scanner, scans
    scanner.stop()


@pytest.mark.parametrize(
    "terminator",
    [Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab, None],
    ids=["enter", "keypad-enter", "tab", "no-terminator"],
)
def test_a_fast_burst_is_a_scan_and_none_of_its_keys_reach_the_field(form, qtbot, terminator):
    window, first, second, scanner, scans = form
    entered = []
    first.returnPressed.connect(lambda: entered.append(first.text()))
    scanner_burst(first, CODE, terminator)
    if terminator is not None:
        assert scans == [CODE]
    else:
        qtbot.waitUntil(lambda: scans == [CODE])
    assert first.text() == "" and entered == []
    assert first.hasFocus()  # Tab ended the scan; it did not move the focus


def test_a_person_typing_gets_every_key_in_order_and_no_scan(form, qtbot):
    window, first, second, scanner, scans = form
    entered = []
    first.returnPressed.connect(lambda: entered.append(first.text()))
    qtbot.keyClicks(first, "Ada Lovelace", delay=80)
    qtbot.waitUntil(lambda: first.text() == "Ada Lovelace")
    qtbot.keyClick(first, Qt.Key.Key_Return)
    assert entered == ["Ada Lovelace"] and scans == []


def test_typing_then_a_scan_keeps_both_apart(form, qtbot):
    window, first, second, scanner, scans = form
    qtbot.keyClicks(second, "note", delay=80)
    qtbot.waitUntil(lambda: second.text() == "note")
    scanner_burst(second, CODE, gap_ms=1)
    assert scans == [CODE] and second.text() == "note"


@pytest.mark.parametrize("typed", ["ab", "abc", "abcdefgh"])
def test_a_scan_right_after_keys_typed_by_hand_keeps_its_first_character(form, qtbot, typed):
    """A person's keys (150 ms apart, on the window system's clock), then at once a
    scan: the person's keys reach the field, the scan is read whole."""
    window, first, second, scanner, scans = form
    at = scanner_burst(first, typed[0], None)
    for char in typed[1:]:
        at = scanner_burst(first, char, None, start_ms=at + 150)
    scanner_burst(first, CODE, gap_ms=2, start_ms=at + 150)
    assert scans == [CODE]
    assert first.text() == typed


def test_a_doubled_enter_after_a_scan_is_swallowed(form, qtbot):
    window, first, second, scanner, scans = form
    entered = []
    first.returnPressed.connect(lambda: entered.append(first.text()))
    last = scanner_burst(first, CODE, gap_ms=1)
    scanner_burst(first, "", start_ms=last + 20)  # the scanner's second Enter, 20 ms later
    assert scans == [CODE] and entered == []


def test_a_short_fast_burst_with_enter_is_reported_not_dropped(form, qtbot):
    window, first, second, scanner, scans = form
    scanner_burst(first, "x7#", gap_ms=1)
    assert scans == ["x7#"] and first.text() == ""


def test_a_short_fast_burst_without_terminator_stays_as_typed(form, qtbot):
    window, first, second, scanner, scans = form
    qtbot.keyClicks(first, "ok", delay=1)
    qtbot.waitUntil(lambda: first.text() == "ok")
    assert scans == []


def test_stopped_the_filter_lets_a_burst_through_as_text(form, qtbot):
    window, first, second, scanner, scans = form
    scanner.stop()
    qtbot.keyClicks(first, CODE, delay=1)
    assert first.text() == CODE and scans == []


def test_scans_in_quick_succession_are_all_reported_in_order(form, qtbot):
    window, first, second, scanner, scans = form
    codes = [f"{CODE[:-2]}{n:02d}" for n in range(10)]
    at = None
    for code in codes:
        at = scanner_burst(first, code, gap_ms=1, start_ms=None if at is None else at + 200)
    assert scans == codes and first.text() == ""


def test_keypad_digits_sent_with_numlock_off_are_read_as_digits(form, qtbot):
    window, first, second, scanner, scans = form
    first.setText("kept")
    first.setCursorPosition(2)
    keypad_burst(first, "9CEF7H4K6N3P")
    assert scans == ["9CEF7H4K6N3P"]
    assert first.text() == "kept" and first.cursorPosition() == 2  # no key moved it


def test_a_person_pressing_keypad_end_with_numlock_off_still_moves_the_cursor(form, qtbot):
    window, first, second, scanner, scans = form
    first.setText("Ada Lovelace")
    first.setCursorPosition(0)
    qtbot.keyClick(first, Qt.Key.Key_End, Qt.KeyboardModifier.KeypadModifier)
    qtbot.waitUntil(lambda: first.cursorPosition() == len("Ada Lovelace"))
    assert scans == []


def test_a_key_that_opens_a_dialog_leaves_the_dialog_watched(form, qtbot):
    """A key held back and then handed to its widget may open a dialog with its own
    event loop (a menu's mnemonic opening "Rebuild read models?"): a scan into that
    dialog is still a scan, not keys pressing its buttons."""
    window, first, second, scanner, scans = form
    seen: dict[str, object] = {}

    def ask(_text: str) -> None:
        first.textEdited.disconnect(ask)
        dialog = QDialog(window)
        field = QLineEdit(dialog)
        QVBoxLayout(dialog).addWidget(field)

        def scan_into_it() -> None:
            scanner_burst(field, CODE)
            seen["field"] = field.text()
            seen["scans"] = list(scans)
            dialog.accept()

        QTimer.singleShot(0, scan_into_it)
        dialog.exec()

    first.textEdited.connect(ask)
    qtbot.keyClicks(first, "r")  # a person's key: held for a moment, then handed back
    qtbot.waitUntil(lambda: "scans" in seen)
    assert seen == {"field": "", "scans": [CODE]}


def _key(widget, kind, char: str, at_ms: int, repeat: bool = False) -> None:
    event = QKeyEvent(kind, ord(char), Qt.KeyboardModifier.NoModifier, char, repeat)
    event.setTimestamp(at_ms)
    QApplication.sendEvent(widget, event)


def _as_qt_delivers_it_when_busy(widget, text: str, start_ms: int) -> None:
    """``text`` from a scanner, 1 ms a key, then Enter, as Qt's X11 backend hands it
    to an app that was busy while it came (all of its keys already waiting): a key's
    release and its next press within 10 ms are called a repeat, both of them, the
    press stamped with the release's time."""
    press, release = QEvent.Type.KeyPress, QEvent.Type.KeyRelease
    at = start_ms
    for i, char in enumerate(text):
        doubled = i + 1 < len(text) and text[i + 1] == char
        repeated = i > 0 and text[i - 1] == char
        if not repeated:
            _key(widget, press, char, at)
        _key(widget, release, char, at + 1, repeat=doubled)
        if doubled:
            _key(widget, press, char, at + 1, repeat=True)
        at += 1
    _key(widget, press, "\r", at + 1)
    _key(widget, release, "\r", at + 2)


@pytest.mark.parametrize("code", ["4NXG47X3C99X", "CCXNT34THJ7K", "9CEFGHHHKNPR"])
def test_a_doubled_character_qt_calls_a_repeat_is_still_part_of_the_scan(form, qtbot, code):
    """Half of all ticket codes have a doubled character; when the app was busy while
    a scanner typed one, Qt calls the second key a held key's repeat."""
    window, first, second, scanner, scans = form
    _as_qt_delivers_it_when_busy(first, code, start_ms=1_000_000)
    assert scans == [code]
    assert first.text() == ""


def test_a_key_held_down_is_typing_never_a_scan(form, qtbot):
    """A held key repeats after the keyboard's delay, then fast (here every 20 ms, closer
    than a scanner's gap): every repeat reaches the field, nothing is taken for a scan."""
    window, first, second, scanner, scans = form
    press, release = QEvent.Type.KeyPress, QEvent.Type.KeyRelease
    _key(first, press, "0", 2_000_000)
    at = 2_000_000 + 500
    for _ in range(10):
        _key(first, release, "0", at, repeat=True)
        _key(first, press, "0", at, repeat=True)
        at += 20
    _key(first, release, "0", at)
    _key(first, press, "\r", at + 1)
    _key(first, release, "\r", at + 2)
    qtbot.waitUntil(lambda: first.text() == "0" * 11)
    assert scans == []
