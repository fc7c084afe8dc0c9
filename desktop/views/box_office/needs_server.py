"""Buttons that need the shared server: selling, refunds, exchanges, memberships.

While the door's front says the shared store does not answer (``MainWindow.set_online``),
these buttons are switched off and their tooltip says why; when the store answers again
they come back as they were. The door goes on checking tickets in meanwhile.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QAbstractButton


def offline_words() -> str:
    return QCoreApplication.translate(
        "needs_server",
        "No connection to the server: selling, refunds, exchanges and memberships need it "
        "and come back by themselves when the network does. The door goes on checking "
        "tickets in.",
    )


def needs_server(button: QAbstractButton, wanted: bool, online: bool) -> None:
    """Enable ``button`` when ``wanted`` and online; offline, say why it is off."""
    if button.property("onlineTip") is None:
        button.setProperty("onlineTip", button.toolTip())
    button.setProperty("wanted", wanted)
    button.setProperty("online", online)
    button.setEnabled(wanted and online)
    # a paragraph wraps (a plain tooltip is one line across the screen)
    button.setToolTip(
        button.property("onlineTip") if online else f"<p>{escape(offline_words())}</p>"
    )


def server_answers(button: QAbstractButton) -> bool:
    """Whether ``button`` was last told the server answers (a form enabling it again)."""
    return button.property("online") is not False


def follow_connection(button: QAbstractButton, online: bool) -> None:
    """The connection changed: off while offline, back as it was wanted when online."""
    wanted = button.property("wanted")
    if wanted is None:
        wanted = button.isEnabled()
    needs_server(button, bool(wanted), online)
