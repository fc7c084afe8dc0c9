"""Tell the windows when the read models changed, on the GUI thread.

The projection runner calls its listeners on whichever thread caught up (the
GUI thread after a save here, a worker thread after a poll or the start-up
catch-up). ``ReadModelWatcher.changed`` is always delivered queued on the GUI
thread, and bursts are coalesced into one refresh.
"""

from __future__ import annotations

import contextlib

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from projections.runner import ReadModelRunner


class ReadModelWatcher(QObject):
    #: emitted on the GUI thread, at most once per event-loop turn
    changed = Signal(int)
    _heard_signal = Signal(int)

    def __init__(self, runner: ReadModelRunner, parent: QObject | None = None):
        super().__init__(parent)
        self._runner = runner
        self._position = 0
        self._coalesce = QTimer(self)
        self._coalesce.setSingleShot(True)
        self._coalesce.setInterval(0)
        self._coalesce.timeout.connect(lambda: self.changed.emit(self._position))
        self._heard_signal.connect(self._on_heard, Qt.ConnectionType.QueuedConnection)
        runner.subscribe(self._heard)

    def _heard(self, position: int) -> None:
        """Runs on any thread: hand over to the GUI thread."""
        with contextlib.suppress(RuntimeError):  # the window is gone: nothing to refresh
            self._heard_signal.emit(int(position))

    def _on_heard(self, position: int) -> None:
        self._position = max(self._position, position)
        self._coalesce.start()

    def close(self) -> None:
        self._runner.unsubscribe(self._heard)
