"""The application's one Python event filter.

Every event of the app passes through an application-wide event filter, and each
filter written in Python costs a call from Qt into Python for every event (a paint,
a timer, a key...). F1 help (``desktop.help``) and the scanner (``desktop.scanner``)
both need to see keys in every window, so they share this one filter: ``add`` a
handler ``(watched, event) -> bool`` (True: the event is taken), ``remove`` it.
Handlers are asked in the order they were added, the first that takes an event ends
it. The filter is installed on the application once, with the first handler.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

Handler = Callable[[QObject, QEvent], bool]


class AppFilter(QObject):
    """Hands each event to the handlers, in order, until one takes it."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.handlers: tuple[Handler, ...] = ()

    def add(self, handler: Handler, first: bool = False) -> None:
        if handler not in self.handlers:
            self.handlers = (handler, *self.handlers) if first else (*self.handlers, handler)

    def remove(self, handler: Handler) -> None:
        self.handlers = tuple(h for h in self.handlers if h != handler)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        for handler in self.handlers:  # noqa: SIM110 (no generator made for each event)
            if handler(watched, event):
                return True
        return False


def app_filter() -> AppFilter:
    """The application's one filter (installed on first use)."""
    app = QApplication.instance()
    if app is None:
        raise RuntimeError("the application's event filter needs a QApplication")
    found = app.findChild(AppFilter, "houselightsAppFilter")
    if found is None:
        found = AppFilter(app)
        found.setObjectName("houselightsAppFilter")
        app.installEventFilter(found)
    return found
