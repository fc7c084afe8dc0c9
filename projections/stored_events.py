"""Reading the store's events in batches, for the runner.

eventsourcing's public way is ``recorder.select_notifications``: every event of
a range becomes an object. A rebuild reads a million events of which many no
projection reads, and building those objects was most of its reading cost. So
on eventsourcing's SQLite store this module reads the rows of a range as plain
tuples and makes stored events only of those some projection reads, skipping
topics already known to be read by none in the query itself.

That fast path depends on how eventsourcing's SQLite recorder lays out its
table (``events_table_name``, the ``rowid`` as notification id, its columns and
``convert_originator_id``): this is the one place that knows it, and
``tests/projections/test_stored_events.py`` checks it against the public API,
so an upgrade of the library that changes the layout fails there first.
Any other store (PostgreSQL) goes through ``select_notifications``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder

#: (notification id, the stored event, what the caller attached for its topic)
Selected = tuple[int, Any, Any]


def select_batch(
    recorder: Any,
    start: int,
    stop: int,
    limit: int,
    routes_for: Callable[[str], Any],
    ignored: Sequence[str] = (),
) -> tuple[int, int, list[Selected]]:
    """The events with notification ids from ``start`` (at most ``limit`` ids, not
    past ``stop``) whose topic ``routes_for`` gives something true for.

    Returns (the last id read or 0 when there was none, how many ids were read,
    [(id, stored event, routes)]). ``ignored`` topics are known to be read by
    nobody and may be left in the store."""
    if isinstance(recorder, SQLiteApplicationRecorder):
        skip = f" AND topic NOT IN ({','.join('?' * len(ignored))})" if ignored else ""
        last = min(stop, start + limit - 1)  # a batch: ``limit`` notification ids
        with recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                "SELECT rowid, originator_id, originator_version, topic, state"
                f" FROM {recorder.events_table_name}"
                f" WHERE rowid >= ? AND rowid <= ?{skip} ORDER BY rowid",
                (start, last, *ignored),
            )
            rows = cursor.fetchall()
        convert = recorder.convert_originator_id
        selected = []
        for nid, originator_id, version, topic, state in rows:
            routes = routes_for(topic)
            if routes:
                stored = StoredEvent(convert(originator_id), version, topic, state)
                selected.append((nid, stored, routes))
        return last, last - start + 1, selected
    notifications = recorder.select_notifications(start=start, limit=limit, stop=stop)
    if not notifications:
        return 0, 0, []
    chosen = []
    for notification in notifications:
        routes = routes_for(notification.topic)
        if routes:
            chosen.append((notification.id, notification, routes))
    return notifications[-1].id, len(notifications), chosen
