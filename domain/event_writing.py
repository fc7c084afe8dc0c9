"""Writing a domain event as a stored event, as eventsourcing's ``Mapper`` writes it,
without its generic path (issue 16's speed: an import writes 37,500 events for a
20,000-row file, and writing their state was a tenth of its CPU).

``Mapper.to_stored_event`` copies the event's attributes into a new dict, takes the
id and version out, and hands the rest to the transcoder, whose JSON encoder calls
back into Python for each moment (two in every event). ``QuickMapper`` works out
once per event class and order of attributes what the encoder would write between
the values (the keys, commas and braces) and writes each value the way the encoder
does: a string through the same C function, ``None``, ``True``, ``False`` and an
exact ``int`` as the encoder does, a moment as ``DatetimeAsISO`` tags it (the last
moment written is remembered: an order's events share one), anything else through
the transcoder's own encoder. So the bytes are the same as ``Mapper``'s with the
store's ``QuickJSONTranscoder``; an event whose attributes come in another order,
an event without a ``__dict__`` and any other transcoder go through ``Mapper``
itself. ``tests/domain/test_event_writing.py`` compares both ways.

``QuickJSONTranscoder`` (the store's transcoder, which it reads) and
``QuickEventStore`` (the store's ``EventStore``: its recordings made directly, and on
SQLite a save's rows inserted with one ``executemany``) live here too.
"""

from __future__ import annotations

from datetime import UTC, datetime
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import Any
from uuid import UUID

from eventsourcing.persistence import (
    DatetimeAsISO,
    EventStore,
    JSONTranscoder,
    Mapper,
    Notification,
    Recording,
    StoredEvent,
    Transcoding,
)
from eventsourcing.sqlite import SQLiteApplicationRecorder
from eventsourcing.utils import get_topic

_OWN = ("originator_id", "originator_version")
_new = object.__new__


class QuickJSONTranscoder(JSONTranscoder):
    """eventsourcing's JSON transcoder writing the same bytes, with its C encoder made
    once: ``json.JSONEncoder.encode`` makes one for every event it writes (a fifth of
    writing an event's state), and a datetime (two in every event) written in one call
    while it is registered as ``DatetimeAsISO``. Without the check for circular
    references (an event's state has none), so one encoder serves every thread."""

    def __init__(self) -> None:
        super().__init__()
        self._write: Any = None
        self._make_writer()

    def register(self, transcoding: Transcoding) -> None:
        super().register(transcoding)
        self._make_writer()

    def _make_writer(self) -> None:
        if c_make_encoder is None:
            return
        default = self._encode_obj
        if type(self.types.get(datetime)) is DatetimeAsISO:
            encode_obj = self._encode_obj

            def default(o: Any) -> Any:
                if type(o) is datetime:
                    return {"_type_": DatetimeAsISO.name, "_data_": o.isoformat()}
                return encode_obj(o)

        # the arguments json.JSONEncoder(default=..., separators=(",", ":"),
        # ensure_ascii=False) passes to it
        self._write = c_make_encoder(
            None, default, encode_basestring, None, ":", ",", False, False, True
        )

    def encode(self, obj: Any) -> bytes:
        if self._write is None or type(obj) is not dict:
            return super().encode(obj)
        return "".join(self._write(obj, 0)).encode("utf8")


class _Form:
    """How events of one class, with their attributes in one order, are written."""

    __slots__ = ("keys", "topic", "write")

    def __init__(self, keys: tuple[str, ...], topic: str, write: Any) -> None:
        self.keys = keys
        self.topic = topic
        self.write = write


class QuickMapper(Mapper[UUID]):
    """eventsourcing's ``Mapper``, writing an event's state without the generic path
    when its transcoder is the store's ``QuickJSONTranscoder`` (see the module)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._forms: dict[type, _Form | None] = {}
        #: the last moment written and its JSON (an order's events share their moment)
        self._last: tuple[Any, str] = (None, "")

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        state = getattr(domain_event, "__dict__", None)
        cls = type(domain_event)
        try:
            form = self._forms[cls]
        except KeyError:
            form = None if state is None else self._form(cls, tuple(state))
            self._forms[cls] = form
        if form is None or state is None or tuple(state) != form.keys:
            return super().to_stored_event(domain_event)
        stored_state = form.write(state)
        if self.compressor:
            stored_state = self.compressor.compress(stored_state)
        if self.cipher:
            stored_state = self.cipher.encrypt(stored_state)
        # StoredEvent(...) sets each field of the frozen dataclass through
        # object.__setattr__; the same fields set directly (the same object)
        stored = _new(StoredEvent)
        fields = stored.__dict__
        fields["originator_id"] = state["originator_id"]
        fields["originator_version"] = state["originator_version"]
        fields["topic"] = form.topic
        fields["state"] = stored_state
        return stored

    def _form(self, cls: type, keys: tuple[str, ...]) -> _Form | None:
        transcoder = self.transcoder
        if type(transcoder) is not QuickJSONTranscoder or transcoder._write is None:
            return None
        if not set(_OWN) <= set(keys) or "class_version" in keys:
            return None  # (the mapper writes a class version over such an attribute)
        moments = type(transcoder.types.get(datetime)) is DatetimeAsISO
        tag = '{"_type_":' + encode_basestring(DatetimeAsISO.name) + ',"_data_":'
        writer = transcoder._write
        heads: dict[tuple[int, ...], str] = {}

        def value(v: Any) -> str:
            """What the transcoder's encoder writes for a value that is not a str."""
            t = type(v)
            if t is datetime and moments:
                last = self._last
                if last[0] is v:
                    return last[1]
                if v.tzinfo is UTC:
                    # the same text as isoformat's, its part to the second made once
                    # per second (an event's timestamp: thousands a second in a save)
                    second = (v.year, v.month, v.day, v.hour, v.minute, v.second)
                    head = heads.get(second)
                    if head is None:
                        if len(heads) >= 4096:
                            heads.clear()
                        head = heads[second] = tag + '"' + v.replace(microsecond=0).isoformat()[:19]
                    micro = v.microsecond
                    text = head + (f'.{micro:06d}+00:00"}}' if micro else '+00:00"}')
                else:
                    text = tag + encode_basestring(v.isoformat()) + "}"
                self._last = (v, text)
                return text
            if v is None:
                return "null"
            if v is True:
                return "true"
            if v is False:
                return "false"
            if t is int:
                return int.__repr__(v)
            return "".join(writer(v, 0))

        # source of one function: the constant parts as literals, each value written as
        # the encoder would (names: E for strings, I for exact ints, V for the rest)
        written = [k for k in keys if k not in _OWN]
        class_version = getattr(cls, "class_version", 1)
        lines, parts, before = [], [], "{"
        for index, key in enumerate(written):
            lines.append(f"    v{index} = d[{key!r}]")
            parts.append(repr(before + encode_basestring(key) + ":"))
            parts.append(
                f"(E(v{index}) if (t := type(v{index})) is str"
                f" else I(v{index}) if t is int else V(v{index}))"
            )
            before = ","
        tail = "}" if written else "{}"
        if class_version > 1:
            tail = before + encode_basestring("class_version") + ":" + value(class_version) + "}"
        parts.append(repr(tail))
        source = (
            "def write(d):\n"
            + "".join(line + "\n" for line in lines)
            + "    return ''.join(("
            + ", ".join(parts)
            + ",)).encode('utf8')\n"
        )
        namespace: dict[str, Any] = {"E": encode_basestring, "I": int.__repr__, "V": value}
        exec(source, namespace)  # noqa: S102 - made from the event's own field names above
        return _Form(keys, get_topic(cls), namespace["write"])


class QuickEventStore(EventStore[UUID]):
    """eventsourcing's ``EventStore``, whose ``put`` makes the same recordings: each
    frozen dataclass's fields set directly rather than one ``object.__setattr__`` at a
    time (two objects per event saved)."""

    def put(self, domain_events: Any, **kwargs: Any) -> list[Recording[UUID]]:
        if type(self.mapper) is not QuickMapper:
            return super().put(domain_events, **kwargs)
        stored_events = list(map(self.mapper.to_stored_event, domain_events))
        recordings: list[Recording[UUID]] = []
        notification_ids = self._insert(stored_events, kwargs)
        if notification_ids:
            assert len(notification_ids) == len(stored_events)
            for domain_event, stored, notification_id in zip(
                domain_events, stored_events, notification_ids, strict=True
            ):
                notification = _new(Notification)
                fields = notification.__dict__
                fields["originator_id"] = stored.originator_id
                fields["originator_version"] = stored.originator_version
                fields["topic"] = stored.topic
                fields["state"] = stored.state
                fields["id"] = notification_id
                recording = _new(Recording)
                fields = recording.__dict__
                fields["domain_event"] = domain_event
                fields["notification"] = notification
                recordings.append(recording)
        return recordings

    def put_quietly(self, domain_events: Any) -> int | None:
        """``put`` for a caller that reads nothing of the recordings but the last
        notification id (a batch's save): the same rows, no recordings made."""
        stored_events = list(map(self.mapper.to_stored_event, domain_events))
        notification_ids = self._insert(stored_events, {})
        return max(notification_ids) if notification_ids else None

    def _insert(self, stored_events: list[StoredEvent], kwargs: dict[str, Any]) -> Any:
        notification_ids = None
        recorder = self.recorder
        if (
            type(recorder) is SQLiteApplicationRecorder
            and len(stored_events) > 1
            and not kwargs  # (what the recorder's own insert is given, it alone reads)
            # a recorder whose insert_events was wrapped (a hold, a count) is asked itself
            and "insert_events" not in vars(recorder)
        ):
            notification_ids = _insert_sqlite(recorder, stored_events)
        if notification_ids is None:
            notification_ids = self.recorder.insert_events(stored_events, **kwargs)
        return notification_ids


#: past it SQLite gives new rows random row ids
_LAST_ROWID = 2**63 - 1


class _NotOurs(Exception):
    """The rows just inserted did not get the table's next row ids (never seen: SQLite
    gives each new row the largest row id plus one, unless that is the largest possible
    one): the transaction is rolled back and the events inserted the ordinary way."""


def _insert_sqlite(recorder: SQLiteApplicationRecorder, stored_events: list[Any]) -> Any:
    """``recorder.insert_events(stored_events)`` in one ``executemany``: the same rows
    in the same transaction; each row's notification id (its row id) read back after
    them, the last ones of the table as the write lock held since the first insert lets
    nobody else add any. eventsourcing inserts a row at a time to ask each for its id.
    None (nothing inserted) when the ids read back are not the rows just inserted."""
    rows = [
        (
            s.originator_id.hex if type(s.originator_id) is UUID else s.originator_id,
            s.originator_version,
            s.topic,
            s.state,
        )
        for s in stored_events
    ]
    count = len(rows)
    try:
        with recorder.datastore.transaction(commit=True) as c:
            cursor = c.sqlite_cursor
            cursor.executemany(recorder.insert_events_statement, rows)
            # the largest row id and the count-th largest: ``count`` different ids
            # between them that far apart are all the ids between them
            table = recorder.events_table_name
            cursor.execute(f"SELECT MAX(rowid) FROM {table}")
            last = cursor.fetchone()[0]
            cursor.execute(
                f"SELECT rowid FROM {table} ORDER BY rowid DESC LIMIT 1 OFFSET ?", (count - 1,)
            )
            first = cursor.fetchone()
            if first is None or last - first[0] != count - 1 or last >= _LAST_ROWID:
                raise _NotOurs
            return list(range(first[0], last + 1))
    except _NotOurs:
        return None
