"""Whether the shared server answers, and every action that needs it: one place.

A workstation on a shared (PostgreSQL) store goes on working while the server does not
answer: the door decides from its own copy, the lists read this computer's copy. What
writes to the store cannot: a sale, a note, a call, a merge, a thank-you, the rota, a
staff account... ``ServerConnection`` is the window's one record of "online or offline"
(the main window tells it, from the door's front) and the registry of what needs the
server. A button or a menu action that writes is registered once where it is made::

    self.note_button = needs_server(QPushButton(self.tr("Save note"), self))

While offline every registered action is switched off, its tooltip saying why
(``offline_words``); when the server answers it comes back as its view wants it. A view
that switches a registered button on and off itself (a selection) says so with
``needs_server(button, wanted)``; a button switched on by other code while offline is
switched off again at once (it would only fail with "could not be saved").
Menu actions are kept in one ``QActionGroup``, so Qt itself keeps what a view asked
(``setEnabled``) apart from the connection.
"""

from __future__ import annotations

from html import escape
from typing import TypeVar

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QAbstractButton, QWidget
from shiboken6 import isValid

T = TypeVar("T", bound=QObject)

#: the properties a registered button carries
NEEDS, WANTED, ONLINE, ONLINE_TIP = "needsServer", "wanted", "online", "onlineTip"


def offline_words() -> str:
    return QCoreApplication.translate(
        "needs_server",
        "No connection to the server. This needs it and comes back by itself when the "
        "network does; nothing typed is lost. The door goes on checking tickets in.",
    )


def waiting_words(n: int) -> str:
    """ "3 waiting to be sent": admissions the door made offline, counted already."""
    return QCoreApplication.translate("needs_server", "{n} waiting to be sent").format(n=f"{n:,}")


def _offline_tip() -> str:
    return f"<p>{escape(offline_words())}</p>"  # a paragraph wraps; plain text is one line


class ServerConnection(QObject):
    """The window's "does the server answer?" and the actions that need it."""

    #: the server answers again (True) or stopped answering (False)
    changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.online = True
        self._buttons: list[QAbstractButton] = []
        self.actions = QActionGroup(self)
        self.actions.setExclusionPolicy(QActionGroup.ExclusionPolicy.None_)
        self._settling = False

    # -- the registry ----------------------------------------------------------------
    def register(self, target: T, wanted: bool | None = None) -> T:
        """Record that ``target`` needs the server (once; again changes ``wanted``)."""
        if isinstance(target, QAction):
            self._register_action(target, wanted)
        elif isinstance(target, QAbstractButton):
            self._register_button(target, wanted)
        else:
            raise TypeError(f"only a button or an action can need the server, not {target!r}")
        return target

    def _register_button(self, target: QAbstractButton, wanted: bool | None) -> None:
        new = not target.property(NEEDS)
        if new:
            target.setProperty(NEEDS, True)
            target.installEventFilter(self)
            self._buttons = [b for b in self._buttons if isValid(b)]
            self._buttons.append(target)
        if wanted is None:  # as the view made it, or as it asked since
            forced_off = target.testAttribute(Qt.WidgetAttribute.WA_ForceDisabled)
            wanted = not forced_off if new else self._wanted(target)
        target.setProperty(WANTED, wanted)
        self._apply(target)

    def _wanted(self, button: QAbstractButton) -> bool:
        """What the view last asked of ``button``: online, its own ``setEnabled`` (Qt
        keeps it apart from a disabled parent); offline, what it asked meanwhile."""
        if self.online:
            return not button.testAttribute(Qt.WidgetAttribute.WA_ForceDisabled)
        return bool(button.property(WANTED))

    def _register_action(self, action: QAction, wanted: bool | None) -> None:
        if action.actionGroup() is not self.actions:
            self.actions.addAction(action)
        if wanted is not None:
            action.setEnabled(wanted)  # the group keeps it off while offline
        self._tip(action)

    def registered(self) -> list[QAbstractButton | QAction]:
        """Every action that needs the server, still on screen (tests, diagnostics)."""
        return [b for b in self._buttons if isValid(b)] + list(self.actions.actions())

    def needs(self, target: QObject) -> bool:
        return (isinstance(target, QAction) and target.actionGroup() is self.actions) or (
            isinstance(target, QAbstractButton) and bool(target.property(NEEDS))
        )

    # -- online and offline ------------------------------------------------------------
    def set_online(self, online: bool) -> None:
        if online == self.online:
            return
        if not online:  # what each view wants, for when the server answers again
            for button in self._buttons:
                if isValid(button):
                    button.setProperty(WANTED, self._wanted(button))
        self.online = online
        self.actions.setEnabled(online)
        for action in self.actions.actions():
            self._tip(action)
        self._buttons = [b for b in self._buttons if isValid(b)]
        for button in self._buttons:
            self._apply(button)
        self.changed.emit(online)

    def refused(self, say) -> bool:
        """Offline: ``say(offline_words())`` (Enter, a double click) and True."""
        if not self.online:
            say(offline_words())
        return not self.online

    def _tip(self, target: QAbstractButton | QAction) -> None:
        """Offline, the tooltip says why (the view's own is kept for later); online, the
        view's own again."""
        offline, shown = _offline_tip(), target.toolTip()
        if self.online and shown == offline:
            target.setToolTip(target.property(ONLINE_TIP) or "")
        elif not self.online and shown != offline:
            target.setProperty(ONLINE_TIP, shown)
            target.setToolTip(offline)
        target.setProperty(ONLINE, self.online)

    def _apply(self, button: QAbstractButton) -> None:
        self._settling = True
        try:
            button.setEnabled(bool(button.property(WANTED)) and self.online)
            self._tip(button)
        finally:
            self._settling = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        # A registered button switched on by other code while offline (a selection, a
        # form done being busy): that is what its view wants once the server answers;
        # until then it stays off.
        # The same for a tooltip the view sets meanwhile (its own words come back later).
        if self._settling or self.online or not isinstance(watched, QAbstractButton):
            return False
        kind = event.type()
        if kind == QEvent.Type.EnabledChange and watched.isEnabled():
            watched.setProperty(WANTED, True)
            self._apply(watched)
        elif kind == QEvent.Type.ToolTipChange and watched.toolTip() != _offline_tip():
            self._apply(watched)
        return False


_shared: ServerConnection | None = None


def server_connection() -> ServerConnection:
    """The application's one record of whether the shared server answers."""
    global _shared
    if _shared is None or not isValid(_shared):
        _shared = ServerConnection(QCoreApplication.instance())
    return _shared


def needs_server(target: T, wanted: bool | None = None) -> T:
    """Register ``target`` (a button or a menu action) as needing the server; with
    ``wanted``, say whether its view wants it on (it is on when also online)."""
    return server_connection().register(target, wanted)


def server_answers(_target: QObject | None = None) -> bool:
    """Whether the shared server answers (as the window last heard)."""
    return server_connection().online


def refused_offline(say) -> bool:
    """Offline: say why (``say(words)``) and return True; online: False."""
    return server_connection().refused(say)


def set_enabled(widget: QWidget, on: bool) -> None:
    """``widget.setEnabled(on)``, but for an action that needs the server what its view
    wants (on only while the server answers): for loops over a form's widgets."""
    if isinstance(widget, QAbstractButton) and server_connection().needs(widget):
        needs_server(widget, on)
    else:
        widget.setEnabled(on)
