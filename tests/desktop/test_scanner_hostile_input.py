"""Hostile keyboard input at the door (hypothesis): random key timings, junk characters,
unicode, control keys and modifiers, scanner bursts cut short or run together.

The scanner filter must never crash and never drop a key: every printable key
typed ends up, in order, either in a scan or delivered to the widget it was
typed into. Key times are the events' own time stamps (as the window system
gives them), so the test controls timing exactly and never sleeps; the filter's
"no key for a moment" timer is fired whenever the typed gap is longer than it.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from desktop.scanner import TERMINATORS, ScannerFilter

CONTROL_KEYS = [
    Qt.Key.Key_Escape,
    Qt.Key.Key_Left,
    Qt.Key.Key_Right,
    Qt.Key.Key_Home,
    Qt.Key.Key_End,
    Qt.Key.Key_F1,
    Qt.Key.Key_F11,
    Qt.Key.Key_PageDown,
    Qt.Key.Key_Insert,
]
MODIFIER_ONLY = [Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_CapsLock]
NO_MODIFIER = Qt.KeyboardModifier.NoModifier
CTRL = Qt.KeyboardModifier.ControlModifier
#: one door window serves every example; each example starts it clean (fresh_start)
FIXTURE_OK = [HealthCheck.function_scoped_fixture]


class Recorder(QWidget):
    """A focusable widget that writes down every key it receives, as a field would."""

    def __init__(self, log: list, parent: QWidget | None = None):
        super().__init__(parent)
        self.log = log
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        self.log.append(("key", event.key(), event.modifiers(), event.text()))

    def focusNextPrevChild(self, _next: bool) -> bool:  # noqa: N802 (Qt API)
        return False  # Tab arrives as a key here, as in the door's code field


@pytest.fixture
def door(qtbot):
    window = QWidget()
    log: list = []
    field = Recorder(log, window)
    QVBoxLayout(window).addWidget(field)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    field.setFocus()
    scanner = ScannerFilter(window, max_gap_ms=30, min_length=6)
    scanner.scope = window
    scanner.scanned.connect(lambda text: log.append(("scan", text)))
    scanner.start()
    yield field, scanner, log
    scanner.stop()


# A step: (what, gap before it in ms). What: a character (any unicode, junk and control
# characters too), a control key, a terminator, a lone modifier, or Ctrl+character.
characters = st.text(min_size=1, max_size=2).map(lambda text: ("char", text))
steps = st.tuples(
    st.one_of(
        characters,
        characters,
        characters,
        st.sampled_from(CONTROL_KEYS).map(lambda key: ("control", key)),
        st.sampled_from(TERMINATORS).map(lambda key: ("terminator", key)),
        st.sampled_from(MODIFIER_ONLY).map(lambda key: ("modifier", key)),
        st.characters(min_codepoint=97, max_codepoint=122).map(lambda c: ("ctrl", c)),
    ),
    st.one_of(st.integers(0, 12), st.integers(13, 60), st.integers(61, 400)),
)


def _key_for(text: str) -> int:
    if len(text) == 1 and text.isascii() and text.isalpha():
        return ord(text.upper())
    return int(Qt.Key.Key_unknown)


_clock = [1_000_000]


def fresh_start(scanner, log) -> int:
    """Each example starts clean, well after the last one's keys (time never runs back)."""
    scanner.stop()
    scanner.start()
    log.clear()
    _clock[0] += 100_000
    return _clock[0]


def press_and_release(widget, key, modifiers, text, at_ms: int, auto_repeat=False) -> None:
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        event = QKeyEvent(kind, key, modifiers, text, auto_repeat)
        event.setTimestamp(at_ms)
        QApplication.sendEvent(widget, event)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(typed=st.lists(steps, max_size=40))
def test_no_key_is_ever_lost_and_every_burst_ends_as_a_scan_or_as_typing(door, typed):
    field, scanner, log = door
    at = fresh_start(scanner, log)
    pause_ms = scanner._pause.interval()
    expected = []
    for (what, value), gap in typed:
        at += gap
        if gap >= pause_ms:
            scanner._pause.timeout.emit()  # the quiet moment the filter's timer waits for
        if what == "char":
            press_and_release(field, _key_for(value), NO_MODIFIER, value, at)
            expected.append(value)
        elif what == "ctrl":
            press_and_release(field, _key_for(value), CTRL, value, at)
        elif what == "control":
            press_and_release(field, value, NO_MODIFIER, "", at)
        elif what == "terminator":
            text = "\t" if value == Qt.Key.Key_Tab else "\r"
            press_and_release(field, value, NO_MODIFIER, text, at)
        else:
            press_and_release(field, value, NO_MODIFIER, "", at)
    _clock[0] = at
    scanner.stop()  # whatever is still held is a scan or typing, never forgotten

    got = []
    for entry in log:
        if entry[0] == "scan":
            got.append(entry[1])
        else:
            _, key, modifiers, text = entry
            if text and key not in TERMINATORS and not modifiers & CTRL:
                got.append(text)
    assert "".join(got) == "".join(expected)
    # a scan is never empty, and holds only what was typed
    assert all(entry[1] for entry in log if entry[0] == "scan")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    code=st.text(min_size=6, max_size=30).filter(lambda t: t.isprintable()),
    gap=st.integers(0, 25),
    terminator=st.sampled_from([*TERMINATORS, None]),
)
def test_any_fast_burst_is_one_scan_of_exactly_what_was_sent(door, code, gap, terminator):
    field, scanner, log = door
    at = fresh_start(scanner, log)
    for char in code:
        at += gap
        press_and_release(field, _key_for(char), NO_MODIFIER, char, at)
    if terminator is not None:
        press_and_release(field, terminator, NO_MODIFIER, "\r", at + gap)
    else:
        scanner._pause.timeout.emit()
    _clock[0] = at
    assert log == [("scan", code)]
