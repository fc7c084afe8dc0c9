"""What an import needs to know of the store's performances and productions: their
scheduling, renaming and creation events, read from the event store.

They are found among every stored event by their topics, and the store keeps no index
of topics, so the read goes through the whole events table: at the design size (1.5
million events, 870 MB) that is most of a second, nearly all of it inside SQLite. An
import therefore starts it in a thread (``ScheduleReading.start``) before it checks and
plans the file, and the two run side by side: the database does not hold Python's
lock while it reads. The import takes the result (``ScheduleReading.events``) before
its first sale, waiting for the rest of the read if need be. An import that ends before
its sale ends the read first (``ScheduleReading.settle``): the thread reads through the
store's connection, which must not be closed under it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from eventsourcing.utils import get_topic

from domain.box_office import Performance, Production

#: the events that say which performances and productions there are, and their titles
#: and starts (made by ``@event``, hence looked up by name)
SCHEDULE_EVENTS: tuple[type, ...] = (
    Performance.Scheduled,  # type: ignore[attr-defined]
    Performance.Rescheduled,  # type: ignore[attr-defined]
    Production.Created,
    Production.Renamed,  # type: ignore[attr-defined]
)
#: notifications asked for at a time
PAGE = 1000


def stored_notifications(
    recorder: Any, classes: Sequence[type], stopped: Callable[[], bool] = lambda: False
) -> list[Any]:
    """The stored notifications of events of these classes, oldest first (not decoded);
    ``stopped()`` true between two pages ends the reading (what was read is returned)."""
    topics, start, found = [get_topic(c) for c in classes], 1, []
    while True:
        page = recorder.select_notifications(start, PAGE, topics=topics)
        found += page
        if len(page) < PAGE or stopped():
            return found
        start = page[-1].id + 1


class ScheduleReading:
    """The schedule's events of one app's store, read in a thread (``start``) or, when
    none was started, when they are asked for."""

    def __init__(self, app: Any) -> None:
        self._app = app
        self._thread: threading.Thread | None = None
        self._found: list[Any] | None = None
        self._error: BaseException | None = None
        self._stop = threading.Event()

    def start(self) -> None:
        """Begin reading in a thread; ``events`` waits for it."""
        self._thread = threading.Thread(
            target=self._read, name="houselights-schedule-reading", daemon=True
        )
        self._thread.start()

    def _read(self) -> None:
        try:
            self._found = stored_notifications(
                self._app.recorder, SCHEDULE_EVENTS, self._stop.is_set
            )
        except BaseException as error:  # noqa: BLE001 - raised again by ``events``
            self._error = error

    def settle(self) -> None:
        """End a reading nobody will take (the import ended before its sale: a refused
        file, a cancel, an error) and wait for its thread, which stops after the page it
        is reading. Its connection is the store's: closed under a read, the process
        crashed (a segmentation fault in SQLite). Nothing to do after ``events``."""
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
            self._thread = None
        self._found, self._error = None, None

    def events(self) -> list[Any]:
        """The schedule's events, oldest first: the thread's, once it has read them (its
        error raised here), else read now."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None
            if self._error is not None:
                error, self._error = self._error, None
                raise error
        if self._found is None:
            self._found = stored_notifications(self._app.recorder, SCHEDULE_EVENTS)
        found, self._found = self._found, None
        return [self._app.mapper.to_domain_event(n) for n in found]
