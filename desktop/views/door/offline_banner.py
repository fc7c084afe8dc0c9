"""The door's calm note that it is deciding by itself: "Offline — 3 scans waiting".

``OfflineWatcher`` hears the door's front (``infrastructure.offline_door``) on any
thread and hands its state to the GUI thread; ``OfflineBanner`` shows it: hidden while
the store answers and nothing waits, amber and quiet while offline (what the door
still does, and that saving anything else waits for the server), and "sending" while
the queue drains.
"""

from __future__ import annotations

import contextlib

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QLabel, QWidget

from infrastructure.offline_door import DoorState

BANNER_QSS = """
QLabel#offlineBanner { background: #fff6e5; border: 1px solid #e9a53a; border-radius: 8px;
                       color: #6b4a12; padding: 6px 12px; font-size: 11pt; }
"""


class OfflineWatcher(QObject):
    """The door front's ``DoorState``, delivered on the GUI thread."""

    changed = Signal(DoorState)
    _heard_signal = Signal(DoorState)

    def __init__(self, front, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.front = front
        self._heard_signal.connect(self.changed, Qt.ConnectionType.QueuedConnection)
        front.subscribe(self._heard)

    def _heard(self, state: DoorState) -> None:
        with contextlib.suppress(RuntimeError):  # the window is gone
            self._heard_signal.emit(state)

    def state(self) -> DoorState:
        return self.front.state()

    def close(self) -> None:
        self.front.unsubscribe(self._heard)


class OfflineBanner(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("offlineBanner")
        self.setStyleSheet(BANNER_QSS)
        self.setWordWrap(True)
        self.setAccessibleName(self.tr("Connection to the shared store"))
        self.hide()

    def set_state(self, state: DoorState) -> None:
        queued = state.queued
        if state.offline:
            waiting = (
                self.tr("Offline — 1 scan waiting.")
                if queued == 1
                else self.tr("Offline — {n} scans waiting.").format(n=queued)
            )
            self.setText(
                waiting
                + " "
                + self.tr(
                    "The door goes on: scans, undos and the house count work from this "
                    "computer's copy, and the scans are sent when the server answers. Saving "
                    "anything else (sales, refunds, notes, patrons, settings shared by every "
                    "workstation) is off until then."
                )
            )
            self.show()
        elif queued:
            one = self.tr("Back online — sending 1 waiting scan…")
            many = self.tr("Back online — sending {n} waiting scans…").format(n=queued)
            self.setText(one if queued == 1 else many)
            self.show()
        else:
            self.hide()
