"""Key presses as a USB scanner sends them, without the clock deciding the outcome.

``qtbot.keyClicks(widget, code, delay=2)`` lets the event loop run between keys: on a
loaded machine the scanner's pause timer (90 ms) can fire in the middle of a code
and split it. ``scanner_burst`` sends every key at once, time-stamped a couple of
milliseconds apart on the scanner's own clock (``time.monotonic``), so the scanner
sees a burst whatever the machine is doing."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

#: the text a terminator key types
_TERMINATOR_TEXT = {Qt.Key.Key_Return: "\r", Qt.Key.Key_Enter: "\r", Qt.Key.Key_Tab: "\t"}


def _press_and_release(
    widget, key: int, text: str, at_ms: int, modifiers=Qt.KeyboardModifier.NoModifier
) -> None:
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        event = QKeyEvent(kind, key, modifiers, text)
        event.setTimestamp(at_ms)
        QApplication.sendEvent(widget, event)


def scanner_burst(
    widget, text: str, terminator=Qt.Key.Key_Return, gap_ms: int = 2, start_ms: int | None = None
) -> int:
    """``text`` typed by a scanner into ``widget`` (then ``terminator``, unless None),
    from ``start_ms`` (default: now); returns the time stamp of the last key."""
    start = int(time.monotonic() * 1000) if start_ms is None else start_ms
    for i, char in enumerate(text):
        key = ord(char.upper()) if ord(char) < 128 else Qt.Key.Key_unknown.value
        _press_and_release(widget, key, char, start + i * gap_ms)
    if terminator is not None:
        key = terminator.value if hasattr(terminator, "value") else int(terminator)
        _press_and_release(
            widget, key, _TERMINATOR_TEXT.get(terminator, ""), start + len(text) * gap_ms
        )
    return start + max(len(text) - (terminator is None), 0) * gap_ms


#: a keypad key with NumLock off, for the digits that have one here
KEYPAD_OFF = {
    "3": Qt.Key.Key_PageDown,
    "4": Qt.Key.Key_Left,
    "6": Qt.Key.Key_Right,
    "7": Qt.Key.Key_Home,
    "9": Qt.Key.Key_PageUp,
}


def keypad_burst(widget, code: str, gap_ms: int = 2) -> int:
    """A scanner that sends digits from the keypad, NumLock off (End, Left, Page Up…,
    no text), then Return; returns the time stamp of the last key."""
    start = int(time.monotonic() * 1000)
    for i, char in enumerate(code):
        if char in KEYPAD_OFF:
            key, text, modifiers = KEYPAD_OFF[char], "", Qt.KeyboardModifier.KeypadModifier
        else:
            key, text, modifiers = ord(char), char, Qt.KeyboardModifier.NoModifier
        _press_and_release(widget, key, text, start + i * gap_ms, modifiers)
    end = start + len(code) * gap_ms
    _press_and_release(widget, Qt.Key.Key_Return.value, "\r", end)
    return end
