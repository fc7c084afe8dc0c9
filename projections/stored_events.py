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

``EventDecoder`` turns a stored event into a domain event as eventsourcing's
``Mapper.to_domain_event`` does, in about half the time: the topic's class and
its id convertor are looked up once per topic, and the transcoder's tagged UUIDs
and moments are made without the generic path. Every UUID it makes (the
event's aggregate id, the ids in its state) keeps its text once asked for it: the
read models write ids as text, several times per event.
``tests/projections/test_stored_events.py`` compares its events with the
mapper's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from json import JSONDecoder
from typing import Any
from uuid import UUID, SafeUUID

from eventsourcing.persistence import (
    DatetimeAsISO,
    JSONTranscoder,
    Mapper,
    UUIDAsHex,
    find_id_convertor,
)
from eventsourcing.sqlite import SQLiteApplicationRecorder
from eventsourcing.utils import resolve_topic

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
        convert = (
            read_uuid
            if type(recorder).convert_originator_id
            is SQLiteApplicationRecorder.convert_originator_id
            and recorder.datastore.originator_id_type == "uuid"
            else recorder.convert_originator_id
        )
        selected = []
        for nid, originator_id, version, topic, state in rows:
            routes = routes_for(topic)
            if routes:
                stored = StoredRow(convert(originator_id), version, topic, state)
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


class StoredRow:
    """A stored event read by ``select_batch``: what eventsourcing's ``StoredEvent``
    holds (its frozen dataclass is slower to make)."""

    __slots__ = ("originator_id", "originator_version", "state", "topic")

    def __init__(
        self, originator_id: UUID | str, originator_version: int, topic: str, state: bytes
    ) -> None:
        self.originator_id = originator_id
        self.originator_version = originator_version
        self.topic = topic
        self.state = state


class ReadUUID(UUID):
    """A UUID that keeps its text once made: equal to, hashed and ordered as the UUID
    it is; ``str()`` gives the same text, computed once."""

    __slots__ = ("_text",)
    _text: str | None

    def __str__(self) -> str:
        text = self._text
        if text is None:
            text = UUID.__str__(self)
            object.__setattr__(self, "_text", text)
        return text

    def __repr__(self) -> str:
        return f"UUID({str(self)!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return UUID, (str(self),)


_new = object.__new__
_set = object.__setattr__
_UNKNOWN = SafeUUID.unknown


def _made(number: int) -> ReadUUID:
    made = _new(ReadUUID)
    _set(made, "int", number)
    _set(made, "is_safe", _UNKNOWN)
    _set(made, "_text", None)
    return made


def read_uuid(text: str) -> UUID:
    """``UUID(text)`` for the hex forms a store writes (32 digits, or 36 with hyphens),
    as a ``ReadUUID``; any other form goes through ``UUID`` itself."""
    digits = text.replace("-", "") if len(text) == 36 else text
    if len(digits) == 32 and digits.isalnum():
        return _made(int(digits, 16))
    return UUID(text)


class EventDecoder:
    """``mapper.to_domain_event(stored)``, made faster for the runner (see the module's
    docstring). A mapper or transcoder of another kind than eventsourcing's own goes
    through ``mapper.to_domain_event``, and so does any event the fast path fails on
    (raising what the mapper raises)."""

    def __init__(self, mapper: Any) -> None:
        self.mapper = mapper
        transcoder: Any = getattr(mapper, "transcoder", None)
        self.fast = (
            type(mapper).to_domain_event is Mapper.to_domain_event
            and type(transcoder).decode is JSONTranscoder.decode
            and type(transcoder)._decode_obj is JSONTranscoder._decode_obj
        )
        self._classes: dict[str, tuple[type, int]] = {}
        self._convertors: dict[tuple[type, type], Callable[[Any], Any]] = {}
        if not self.fast:
            return
        names = dict(transcoder.names)
        uuids = type(names.get("uuid_hex")) is UUIDAsHex
        moments = type(names.get("datetime_iso")) is DatetimeAsISO
        moment = datetime.fromisoformat
        missing = object()

        def tagged(d: dict[str, Any]) -> Any:
            if len(d) == 2:
                kind = d.get("_type_", missing)
                if kind is not missing:
                    data = d.get("_data_", missing)
                    if data is not missing:
                        if kind == "uuid_hex" and uuids and type(data) is str:
                            return read_uuid(data)
                        if kind == "datetime_iso" and moments and type(data) is str:
                            return moment(data)
                        return names[kind].decode(data)
            return d

        self._decode = JSONDecoder(object_hook=tagged).decode
        self._cipher = mapper.cipher
        self._compressor = mapper.compressor

    def __call__(self, stored: Any) -> Any:
        if self.fast:
            try:
                return self._fast(stored)
            except Exception:  # noqa: BLE001 - the mapper says what is wrong, or reads it
                pass
        return self.mapper.to_domain_event(stored)

    def _fast(self, stored: Any) -> Any:
        topic = stored.topic
        found = self._classes.get(topic)
        if found is None:
            cls = resolve_topic(topic)
            found = self._classes[topic] = (cls, getattr(cls, "class_version", 1))
        cls, class_version = found
        state = stored.state
        if self._cipher:
            state = self._cipher.decrypt(state)
        if self._compressor:
            state = self._compressor.decompress(state)
        event_state: dict[str, Any] = self._decode(state.decode("utf8"))
        originator_id = stored.originator_id
        key: tuple[type, type] = (cls, type(originator_id))
        convertor = self._convertors.get(key)
        if convertor is None:
            convertor = self._convertors[key] = find_id_convertor(cls, key[1])
        event_state["originator_id"] = convertor(originator_id)
        event_state["originator_version"] = stored.originator_version
        from_version = event_state.pop("class_version", 1)
        while from_version < class_version:
            getattr(cls, f"upcast_v{from_version}_v{from_version + 1}")(event_state)
            from_version += 1
        event: Any = _new(cls)
        _set(event, "__dict__", event_state)
        return event
