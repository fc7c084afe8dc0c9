"""USB barcode scanners anywhere in the app, told from people typing by key timing.

A USB scanner is a keyboard that types a whole code within a few milliseconds,
then usually presses Enter (some press Tab, some nothing). ``ScannerFilter``
is an application-wide event filter, active while the door is shown. It holds
back printable keys for a moment:

* keys arriving close together (every gap at most ``max_gap_ms``, one slow gap
  forgiven) and at least ``min_length`` of them are a scan: ``scanned(text)`` is emitted and none of
  the keys reach the focused widget. Enter, keypad Enter and Tab end a scan;
  a scanner without a terminator is recognised after a short pause.
* anything else is a person typing: the held keys are delivered, in order,
  to the widget they were meant for, so nothing typed is ever lost.

Password and PIN fields (a line edit that hides what is typed) are never
watched: their keys go straight to the field, are never held, never taken as
a scan and never recorded, however fast they are typed.

``claims(text)``, when set, decides whether a burst is a scan on the screen
shown (the main window sets it: on the Door every burst is; elsewhere only a
burst that reads as a ticket). A burst it declines is delivered as typing,
its terminator included. ``may_be_scan(text)``, when set, says whether what
was typed so far can still become such a scan: keys are held only while it
can, so ordinary words typed on other screens reach their field at once (the
rest of a declined burst goes straight through too).

Key times come from the window system's time stamps where there are any, so
a moment of the app being busy does not make a scanner look like a person; nor
does Qt calling a doubled character a held key's repeat (see ``_doubled``).
A burst that ends with a terminator is reported even when it is short or
garbled (the door then says what was read); a second Enter right after a scan
(a doubled terminator) is swallowed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

TERMINATORS = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab)
MODIFIER_KEYS = (
    Qt.Key.Key_Shift,
    Qt.Key.Key_Control,
    Qt.Key.Key_Alt,
    Qt.Key.Key_Meta,
    Qt.Key.Key_AltGr,
    Qt.Key.Key_CapsLock,
    Qt.Key.Key_NumLock,
)
BLOCKING_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)
#: keypad keys with NumLock off -> the digit printed on them
_KEYPAD_DIGITS: dict[int, str] = {
    Qt.Key.Key_Insert.value: "0",
    Qt.Key.Key_End.value: "1",
    Qt.Key.Key_Down.value: "2",
    Qt.Key.Key_PageDown.value: "3",
    Qt.Key.Key_Left.value: "4",
    Qt.Key.Key_Clear.value: "5",
    Qt.Key.Key_Right.value: "6",
    Qt.Key.Key_Home.value: "7",
    Qt.Key.Key_Up.value: "8",
    Qt.Key.Key_PageUp.value: "9",
}
_KEY_PRESS, _KEY_RELEASE = QEvent.Type.KeyPress, QEvent.Type.KeyRelease
_SHORTCUT_OVERRIDE = QEvent.Type.ShortcutOverride
#: a terminated burst this short is still a machine, not a person
MIN_TERMINATED = 3
#: one slow gap is forgiven in a burst (the app was busy drawing the last verdict
#: while the first key waited); a person typing six keys has many
ALLOWED_SLOW_GAPS = 1


@dataclass
class HeldKey:
    widget: QWidget
    key: int
    modifiers: Qt.KeyboardModifier
    #: what the key means in a scan
    text: str
    at: float
    #: what the key event carried (handed back as it was: "" for a keypad End)
    typed: str = ""


class ScannerFilter(QObject):
    #: the characters of a scanner burst, terminator excluded, exactly as typed
    scanned = Signal(str)

    def __init__(
        self,
        parent: QObject | None = None,
        max_gap_ms: int = 30,
        min_length: int = 6,
        clock=time.monotonic,
    ):
        super().__init__(parent)
        self.max_gap = max_gap_ms / 1000
        self.min_length = min_length
        self._clock = clock
        self._held: list[HeldKey] = []
        self._releases: dict[int, int] = {}
        #: the key events this filter is handing back to their widgets right now
        self._replaying: set[int] = set()
        self._active = False
        self._last_scan_at = float("-inf")
        self._last_scan_widget: QWidget | None = None
        #: only keys typed into this widget's window (or its dialogs) are watched
        self.scope: QWidget | None = None
        #: text -> whether this burst is a scan here (None: every burst is)
        self.claims: Callable[[str], bool] | None = None
        #: text so far -> whether it can still become a scan here (None: always)
        self.may_be_scan: Callable[[str], bool] | None = None
        self._declined_at: float | None = None
        #: the keys held follow keys a person typed: a slow gap among them is a person's
        self._after_typing = False
        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(max(90, 3 * max_gap_ms))
        self._pause.timeout.connect(self._paused)

    # -- switching on and off --------------------------------------------------------
    @property
    def active(self) -> bool:
        return self._active

    @property
    def holding(self) -> bool:
        """Keys are held back, not yet known to be a scan or typing."""
        return bool(self._held)

    def configure(self, max_gap_ms: int, min_length: int) -> None:
        self.max_gap = max(1, max_gap_ms) / 1000
        self.min_length = max(2, min_length)
        self._pause.setInterval(max(90, 3 * max_gap_ms))

    def start(self) -> None:
        if not self._active:
            _application().installEventFilter(self)
            self._active = True

    def stop(self) -> None:
        if self._active:
            self._paused()  # whatever is held is still a scan or still typing
            _application().removeEventFilter(self)
            self._active = False

    # -- the filter ----------------------------------------------------------------------
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        # Every event of the app passes here while the door is shown: leave fast.
        kind = event.type()
        if kind != _KEY_PRESS and kind != _KEY_RELEASE:
            if (
                kind == _SHORTCUT_OVERRIDE
                and self._held
                and isinstance(event, QKeyEvent)
                and self._is_command(event)
            ):
                # Qt tries shortcuts (Ctrl+Enter saves a note) before the key press
                # reaches this filter: what was held goes first, in order.
                self._paused()
            return False
        if not isinstance(obj, QWidget) or not isinstance(event, QKeyEvent):
            return False
        if self._replaying and _address(event) in self._replaying:
            return False  # a held key handed back (not what it starts: a dialog's own keys)
        if not self._in_scope(obj):
            return False
        if is_secret(obj):  # a password or PIN: straight to the field, never held or read
            if kind == _KEY_PRESS and self._held:
                self._paused()  # what was held before it goes first
            return False
        if kind == _KEY_PRESS:
            return self._pressed(obj, event)
        if self._releases.get(event.key()):
            self._releases[event.key()] -= 1
            return True
        return False

    @staticmethod
    def _is_command(event: QKeyEvent) -> bool:
        """A key that is neither typing nor a scan's terminator: Ctrl+S, F8, Esc."""
        key = event.key()
        if key in MODIFIER_KEYS or keypad_digit(event):
            return False
        if event.modifiers() & BLOCKING_MODIFIERS:
            return True
        return key not in TERMINATORS and not (event.text() and event.text().isprintable())

    def _in_scope(self, widget: QWidget) -> bool:
        if self.scope is None:
            return True
        return _root(widget) is _root(self.scope)

    def _moment(self, event: QKeyEvent) -> float:
        """When the key was pressed: the window system's time stamp when there is one
        (a busy moment in the app then cannot stretch a scanner's gaps), else now."""
        stamp = event.timestamp()
        return stamp / 1000 if stamp else self._clock()

    def _pressed(self, widget: QWidget, event: QKeyEvent) -> bool:
        key = event.key()
        if key in MODIFIER_KEYS:
            return False
        now = self._moment(event)
        if key in TERMINATORS and not event.modifiers() & BLOCKING_MODIFIERS:
            if self._held:
                if self._is_burst(now, MIN_TERMINATED) and self._claimed():
                    self._emit_scan(now)
                    self._swallow_release(key)
                    return True
                self._deliver()
                return False
            soon = now - self._last_scan_at <= max(self.max_gap * 4, 0.15)
            if soon and widget is self._last_scan_widget:
                self._last_scan_at = now  # a doubled terminator
                self._swallow_release(key)
                return True
            return False
        typed = event.text()
        text = typed or keypad_digit(event)
        printable = bool(text) and not event.modifiers() & BLOCKING_MODIFIERS
        held_down = event.isAutoRepeat() and not self._doubled(key, now)
        if held_down or not printable or (not self._held and not text.isprintable()):
            self._paused()  # held keys first, in order, then this one
            return False
        if self._declined_at is not None:
            if now - self._declined_at <= self.max_gap:
                self._declined_at = now  # the rest of a burst that is no scan here
                return False
            self._declined_at = None
        if self.may_be_scan is not None and not self.may_be_scan(
            "".join(k.text for k in self._held) + text
        ):
            self._deliver()  # held keys first, in order, then this one
            self._declined_at = now
            return False
        self._held.append(HeldKey(widget, key, event.modifiers(), text, now, typed))
        self._swallow_release(key)
        if self._slow_gaps(None) > self._slow_gaps_allowed():
            # clearly a person typing: let it show at once; but a key after a pause
            # may be a scanner's first (a scan right after a few keys typed by hand)
            newest = self._held.pop()
            after_pause = newest.at - self._held[-1].at > self.max_gap
            self._deliver()
            self._held.append(newest)
            if not after_pause:
                self._deliver()
                return True
            self._after_typing = True  # no slow gap is forgiven after a person's keys
        self._pause.start()
        return True

    def _doubled(self, key: int, now: float) -> bool:
        """A key press Qt calls a repeat that is a scanner's doubled character ("C99X").

        On X11 Qt calls a key's release and its next press a repeat when both are
        already waiting for the app and lie within 10 ms: a scanner's doubled character
        does that whenever the app was busy for a moment. A key held down repeats only
        after the keyboard's repeat delay (a quarter of a second or more), so a "repeat"
        within a scanner's gap of the same key's press, held here, is a second keystroke."""
        last = self._held[-1] if self._held else None
        return last is not None and last.key == key and now - last.at <= self.max_gap

    def _swallow_release(self, key: int) -> None:
        self._releases[key] = self._releases.get(key, 0) + 1

    def _slow_gaps(self, now: float | None) -> int:
        moments = [k.at for k in self._held] + ([now] if now is not None else [])
        return sum(b - a > self.max_gap for a, b in zip(moments, moments[1:], strict=False))

    def _slow_gaps_allowed(self) -> int:
        return 0 if self._after_typing else ALLOWED_SLOW_GAPS

    def _is_burst(self, now: float | None, least: int) -> bool:
        return len(self._held) >= least and self._slow_gaps(now) <= self._slow_gaps_allowed()

    def _paused(self) -> None:
        """No key for a moment: a scanner without terminator, or a person typing."""
        self._pause.stop()
        if not self._held:
            return
        if self._is_burst(None, self.min_length) and self._claimed():
            self._emit_scan(self._held[-1].at)
        else:
            self._deliver()

    def _claimed(self) -> bool:
        if self.claims is None:
            return True
        return bool(self.claims("".join(k.text for k in self._held)))

    def _emit_scan(self, now: float) -> None:
        self._pause.stop()
        text = "".join(k.text for k in self._held)
        self._last_scan_widget = self._held[-1].widget
        self._held.clear()
        self._after_typing = False
        self._last_scan_at = now
        self.scanned.emit(text)

    def _deliver(self) -> None:
        """Give held keys, in order, to the widgets they were typed into."""
        self._pause.stop()
        held, self._held = self._held, []
        self._after_typing = False
        for k in held:
            if not shiboken6.isValid(k.widget):
                continue
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                # Only these events are let through unwatched: a key handed back may
                # open a dialog that runs its own event loop (a menu's mnemonic opening
                # a question), and the keys typed into that dialog are watched again.
                event = QKeyEvent(kind, k.key, k.modifiers, k.typed)
                self._replaying.add(_address(event))
                try:
                    QApplication.sendEvent(k.widget, event)
                finally:
                    self._replaying.discard(_address(event))


def _address(event: QEvent) -> int:
    return int(shiboken6.getCppPointer(event)[0])


def keypad_digit(event: QKeyEvent) -> str:
    """The digit of a keypad key pressed with NumLock off ("" for any other key).

    A scanner set to send digits from the numeric keypad (a common setting, as it
    works whatever the keyboard layout) types its digits as End, Down, Page Down…
    when NumLock is off: the filter reads them as the digits they are."""
    if not event.modifiers() & Qt.KeyboardModifier.KeypadModifier or event.text():
        return ""
    return _KEYPAD_DIGITS.get(int(event.key()), "")


def is_secret(widget: QObject) -> bool:
    """A field whose text is hidden as it is typed (a password, a PIN)."""
    return isinstance(widget, QLineEdit) and widget.echoMode() != QLineEdit.EchoMode.Normal


def _application() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        raise RuntimeError("the scanner filter needs a QApplication")
    return app


def _root(widget: QWidget) -> QWidget:
    """The main window a widget (or a dialog opened from it) belongs to."""
    top = widget.window()
    while (parent := top.parentWidget()) is not None:
        top = parent.window()
    return top
