"""The store writes events with ``QuickMapper`` (issue 16's speed): the same stored
events as eventsourcing's ``Mapper`` with the same transcoder, byte for byte, for any
state an event can hold; an import stores the same rows either way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from uuid import UUID

import pytest
from eventsourcing.application import Application
from eventsourcing.cipher import AESCipher
from eventsourcing.compressor import ZlibCompressor
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    Mapper,
    TranscodingNotRegisteredError,
    UUIDAsHex,
)
from eventsourcing.utils import Environment
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.event_writing import QuickMapper
from domain.store import QuickJSONTranscoder, Store
from infrastructure.config import resolve
from tests.domain import test_making
from tests.domain.test_store_transcoder import values

fixed_ids_and_time = test_making.fixed_ids_and_time  # the fixture, used here too


def _transcoder() -> QuickJSONTranscoder:
    transcoder = QuickJSONTranscoder()
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
        transcoder.register(transcoding)
    return transcoder


def _mappers(**kwargs) -> tuple[Mapper, QuickMapper]:
    transcoder = _transcoder()
    return Mapper(transcoder=transcoder, **kwargs), QuickMapper(transcoder=transcoder, **kwargs)


class Happened:
    """An event as the mapper reads one: its attributes, its class's version."""

    def __init__(self, **state) -> None:
        self.__dict__.update(state)


class HappenedAgain(Happened):
    class_version = 3


ID = UUID("7eed4b7d-618d-4075-92eb-8dcf48015194")
WHEN = datetime(2026, 3, 14, 19, 30, tzinfo=UTC)


def _event(kind, state: dict, id_first: bool = True) -> Happened:
    own = {"originator_id": ID, "originator_version": 4}
    return kind(**own, **state) if id_first else kind(**state, **own)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.dictionaries(
        st.text(max_size=12).filter(lambda k: k not in ("originator_id", "originator_version")),
        values,
        max_size=8,
    ),
    st.sampled_from([Happened, HappenedAgain]),
    st.booleans(),
)
def test_the_same_stored_event_as_eventsourcings_mapper(state, kind, id_first):
    generic, quick = _mappers()
    event = _event(kind, state, id_first)
    try:
        expected = generic.to_stored_event(event)
    except TranscodingNotRegisteredError:
        with pytest.raises(TranscodingNotRegisteredError):
            quick.to_stored_event(event)
        return
    assert quick.to_stored_event(event) == expected
    # the class's way of writing is kept for the next event of it: written again
    assert quick.to_stored_event(event) == expected


def test_events_of_one_class_in_other_shapes_and_shared_moments():
    generic, quick = _mappers()
    other_zone = timezone(timedelta(hours=-5))
    shapes = [
        {"timestamp": WHEN, "occurred_at": WHEN, "code": "BC1", "patron_id": None, "n": 2},
        # the same moment again (remembered), then an equal moment in another zone
        {
            "timestamp": WHEN,
            "occurred_at": WHEN.astimezone(other_zone),
            "code": "é\n“x”",
            "patron_id": "b2be",
            "n": -3,
        },
        # the same keys in another order, other kinds of values under the same keys
        {"occurred_at": WHEN, "timestamp": WHEN, "code": "BC2", "patron_id": "x", "n": 1},
        {
            "timestamp": "not a moment",
            "occurred_at": [WHEN],
            "code": 5,
            "patron_id": True,
            "n": 2.5,
        },
        {
            "timestamp": WHEN,
            "occurred_at": WHEN,
            "code": Decimal("1.5"),
            "patron_id": UUID(int=9),
            "n": False,
        },
        {
            "timestamp": WHEN,
            "occurred_at": WHEN,
            "code": {"a": [1, None]},
            "patron_id": "",
            "n": 10**30,
        },
    ]
    for state in shapes:
        for kind in (Happened, HappenedAgain):
            event = _event(kind, state)
            assert quick.to_stored_event(event) == generic.to_stored_event(event), state


def test_moments_of_one_second_and_others_are_written_as_isoformat_writes_them():
    """A moment in UTC is written from its second (made once) and its microseconds."""
    generic, quick = _mappers()
    moments = [
        WHEN,
        WHEN + timedelta(microseconds=388857),
        WHEN + timedelta(microseconds=1),  # the same second again
        WHEN + timedelta(microseconds=999999),
        datetime(999, 1, 2, 3, 4, 5, 6, tzinfo=UTC),
        datetime(2026, 3, 14, 19, 30, 1, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        datetime(2026, 3, 14, 19, 30, 1, 5),  # no zone
    ]
    for moment in moments:
        event = _event(Happened, {"timestamp": moment, "occurred_at": WHEN, "n": 3})
        assert quick.to_stored_event(event) == generic.to_stored_event(event), moment


def test_an_attribute_named_class_version_and_a_slotted_event_go_the_generic_way():
    generic, quick = _mappers()
    event = _event(HappenedAgain, {"timestamp": WHEN, "class_version": 1, "x": 1})
    assert quick.to_stored_event(event) == generic.to_stored_event(event)
    assert quick._forms[HappenedAgain] is None

    class Slotted:
        __slots__ = ("originator_id", "originator_version")

    slotted = Slotted()
    slotted.originator_id, slotted.originator_version = ID, 1
    with pytest.raises(TypeError):  # as eventsourcing's mapper: vars() of it fails
        generic.to_stored_event(slotted)
    with pytest.raises(TypeError):
        quick.to_stored_event(slotted)


def test_compressed_and_encrypted_the_same_way():
    cipher = AESCipher(Environment(env={"CIPHER_KEY": AESCipher.create_key(32)}))
    generic, quick = _mappers(compressor=ZlibCompressor(), cipher=cipher)
    event = _event(Happened, {"timestamp": WHEN, "code": "BC1"})
    expected = generic.transcoder.encode({"timestamp": WHEN, "code": "BC1"})
    for mapper in (generic, quick):
        written = mapper.to_stored_event(event)
        assert written.state != expected  # compressed, then encrypted (a new nonce each time)
        assert ZlibCompressor().decompress(cipher.decrypt(written.state)) == expected
        assert (written.originator_id, written.originator_version) == (ID, 4)


def test_the_store_writes_with_it(store):
    assert type(store.mapper) is QuickMapper
    assert type(store.mapper.transcoder) is QuickJSONTranscoder


def test_an_import_stores_the_same_rows_either_way(tmp_path, monkeypatch, fixed_ids_and_time):
    quick = test_making._stored_import(
        resolve(tmp_path / "quick", store="sqlite"), tmp_path, fixed_ids_and_time
    )
    monkeypatch.setattr(Store, "construct_mapper", Application.construct_mapper)
    generic = test_making._stored_import(
        resolve(tmp_path / "generic", store="sqlite"), tmp_path, fixed_ids_and_time
    )
    assert len(quick) > 200
    assert quick == generic


def test_the_event_store_records_what_eventsourcings_records():
    from eventsourcing.persistence import EventStore
    from eventsourcing.popo import POPOApplicationRecorder

    from domain.event_writing import QuickEventStore

    generic_mapper, quick_mapper = _mappers()
    events = [_event(Happened, {"timestamp": WHEN, "code": f"BC{n}", "n": n}) for n in range(5)] + [
        _event(HappenedAgain, {"timestamp": WHEN, "at": [WHEN]})
    ]
    for n, event in enumerate(events):
        event.__dict__["originator_version"] = n + 1
    generic = EventStore(mapper=generic_mapper, recorder=POPOApplicationRecorder())
    quick = QuickEventStore(mapper=quick_mapper, recorder=POPOApplicationRecorder())
    expected = generic.put(events)
    recorded = quick.put(events)
    assert len(recorded) == 6
    assert recorded == expected
    assert [r.notification.id for r in recorded] == [1, 2, 3, 4, 5, 6]
    assert [type(r.notification) for r in recorded] == [type(r.notification) for r in expected]
    assert list(quick.recorder.select_notifications(1, 10)) == list(
        generic.recorder.select_notifications(1, 10)
    )
    # a mapper of another kind: eventsourcing's own put
    other = QuickEventStore(mapper=generic_mapper, recorder=POPOApplicationRecorder())
    assert other.put(events) == expected
    quiet = QuickEventStore(mapper=quick_mapper, recorder=POPOApplicationRecorder())
    assert quiet.put_quietly(events) == 6
    assert quiet.put_quietly([]) is None
    assert list(quiet.recorder.select_notifications(1, 10)) == list(
        generic.recorder.select_notifications(1, 10)
    )


def test_the_store_records_with_it(store):
    from domain.event_writing import QuickEventStore

    assert type(store.events) is QuickEventStore


def _sqlite_recorder(path):
    from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore

    recorder = SQLiteApplicationRecorder(SQLiteDatastore(str(path)))
    recorder.create_table()
    return recorder


def _rows(recorder) -> list[tuple]:
    with recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute("SELECT rowid, * FROM stored_events ORDER BY rowid")
        return [tuple(row) for row in cursor.fetchall()]


def _numbered(start: int, count: int) -> list[Happened]:
    events = []
    for n in range(start, start + count):
        event = _event(Happened, {"timestamp": WHEN, "code": f"BC{n}", "n": n})
        event.__dict__["originator_id"] = UUID(int=n)
        event.__dict__["originator_version"] = 1
        events.append(event)
    return events


def test_on_sqlite_the_rows_go_in_together_with_the_same_ids(tmp_path):
    """One ``executemany`` and the ids read back: the same rows, row ids and recordings
    as eventsourcing's row-at-a-time insert, after a gap left by deleted rows too; a
    clash of versions is refused the same way, with nothing of the save kept."""
    from eventsourcing.persistence import EventStore, IntegrityError

    from domain.event_writing import QuickEventStore

    generic_mapper, quick_mapper = _mappers()
    generic = EventStore(mapper=generic_mapper, recorder=_sqlite_recorder(tmp_path / "g.db"))
    quick = QuickEventStore(mapper=quick_mapper, recorder=_sqlite_recorder(tmp_path / "q.db"))
    # a batch's save: the same rows, only the last notification id said
    quiet = QuickEventStore(mapper=quick_mapper, recorder=_sqlite_recorder(tmp_path / "s.db"))
    for store in (generic, quick, quiet):
        store.put(_numbered(0, 5))
        with store.recorder.datastore.transaction(commit=True) as cursor:
            cursor.execute("DELETE FROM stored_events WHERE rowid > 3")
    for start, count in ((100, 7), (200, 1), (300, 40)):
        events = _numbered(start, count)
        expected = generic.put(events)
        recorded = quick.put(events)
        assert recorded == expected
        assert quiet.put_quietly(events) == expected[-1].notification.id
    assert _rows(quick.recorder) == _rows(generic.recorder) == _rows(quiet.recorder)
    assert [r[0] for r in _rows(quick.recorder)] == list(range(1, 4 + 7 + 1 + 40))

    before = _rows(quick.recorder)
    for store in (generic, quick):
        with pytest.raises(IntegrityError):
            store.put(_numbered(400, 3) + _numbered(100, 1))  # BC100 is stored already
    assert _rows(quick.recorder) == before == _rows(generic.recorder)


def test_after_the_last_possible_row_id_the_rows_go_in_one_at_a_time(tmp_path):
    """Past the largest row id SQLite gives new rows random ids: the rows read back are
    not the save's, so it is rolled back and made the ordinary way."""
    from domain.event_writing import _LAST_ROWID, QuickEventStore

    _, quick_mapper = _mappers()
    quick = QuickEventStore(mapper=quick_mapper, recorder=_sqlite_recorder(tmp_path / "q.db"))
    with quick.recorder.datastore.transaction(commit=True) as cursor:
        cursor.execute(
            "INSERT INTO stored_events (rowid, originator_id, originator_version, topic, state)"
            " VALUES (?, 'x', 1, 't', x'00')",
            (_LAST_ROWID,),
        )
    recorded = quick.put(_numbered(0, 6))
    rows = {row[1]: row[0] for row in _rows(quick.recorder)}
    assert len(rows) == 7
    assert [r.notification.id for r in recorded] == [
        UUID(int=n).hex and rows[UUID(int=n).hex] for n in range(6)
    ]


def test_a_recorder_whose_insert_is_wrapped_is_asked_itself(tmp_path):
    """A wrapper on the recorder's ``insert_events`` (a test holding the store's write
    at a known point, a count) sees every save, one of many events too: the rows then
    go in through it, not around it."""
    from domain.event_writing import QuickEventStore

    _, quick_mapper = _mappers()
    quick = QuickEventStore(mapper=quick_mapper, recorder=_sqlite_recorder(tmp_path / "q.db"))
    real, asked = quick.recorder.insert_events, []

    def insert_events(stored_events, **kwargs):
        asked.append(len(stored_events))
        return real(stored_events, **kwargs)

    quick.recorder.insert_events = insert_events  # type: ignore[method-assign]

    recorded = quick.put(_numbered(0, 6))

    assert asked == [6]
    assert [r.notification.id for r in recorded] == [row[0] for row in _rows(quick.recorder)]


def test_a_save_with_words_for_the_recorder_is_recorded_by_the_recorder_itself(
    tmp_path, monkeypatch
):
    """What a save hands the recorder besides its events (eventsourcing's ``tracking``
    of a processed notification, say) only the recorder's own insert reads: such a
    save does not take the single-statement way, which would drop it."""
    from eventsourcing.sqlite import SQLiteApplicationRecorder

    from domain.event_writing import QuickEventStore

    _, quick_mapper = _mappers()
    quick = QuickEventStore(mapper=quick_mapper, recorder=_sqlite_recorder(tmp_path / "q.db"))
    real, given = SQLiteApplicationRecorder.insert_events, []

    def insert_events(recorder, stored_events, **kwargs):
        given.append(kwargs)
        return real(recorder, stored_events)

    monkeypatch.setattr(SQLiteApplicationRecorder, "insert_events", insert_events)

    recorded = quick.put(_numbered(0, 3), marker="seen")

    assert given == [{"marker": "seen"}]
    assert [r.notification.id for r in recorded] == [row[0] for row in _rows(quick.recorder)]
