"""The runner's fast reading of SQLite's events gives what the library's public API
gives: if an upgrade of eventsourcing changes its table, this fails first."""

from __future__ import annotations

import pickle
from uuid import UUID

import pytest
from eventsourcing.persistence import MapperDeserialisationError

from domain.application import Houselights
from projections.stored_events import EventDecoder, StoredRow, read_uuid, select_batch


@pytest.fixture
def stocked(store_config):
    app = Houselights(env=store_config.eventsourcing_env())
    for n in range(30):
        patron = app.register_patron(f"Ada{n}", "Byron", email=f"ada{n}@example.org")
        app.add_note(patron, f"note {n}")
    yield app
    app.close()


def public(app, start: int, stop: int, limit: int, wanted) -> list[tuple[int, str, int, bytes]]:
    found = app.recorder.select_notifications(start=start, limit=limit, stop=stop)
    return [(n.id, n.topic, n.originator_version, n.state) for n in found if wanted(n.topic)]


@pytest.mark.parametrize("limit", [1, 7, 50, 500])
def test_a_batch_holds_exactly_the_events_the_public_api_gives(stocked, limit):
    head = stocked.recorder.max_notification_id()
    notes = lambda topic: "NoteAdded" in topic  # noqa: E731
    start, seen = 1, []
    while start <= head:
        last, read, selected = select_batch(stocked.recorder, start, head, limit, notes)
        assert read == min(limit, head - start + 1) and last == start + read - 1
        got = [(nid, e.topic, e.originator_version, e.state) for nid, e, _ in selected]
        assert got == public(stocked, start, last, limit, notes)
        assert all(str(e.originator_id) for _, e, _ in selected)
        seen += got
        start = last + 1
    assert len(seen) == 30


def test_topics_known_to_be_read_by_nobody_are_left_in_the_store(stocked):
    head = stocked.recorder.max_notification_id()
    every = lambda topic: True  # noqa: E731
    _, _, all_of_them = select_batch(stocked.recorder, 1, head, head, every)
    registered = next(e.topic for _, e, _ in all_of_them if "Registered" in e.topic)
    _, read, some = select_batch(stocked.recorder, 1, head, head, every, [registered])
    assert read == head
    left = [e for _, e, _ in some if e.topic == registered]
    if type(stocked.recorder).__name__.startswith("SQLite"):  # skipped in the query itself
        assert left == [] and len(some) == len(all_of_them) - 30
    else:  # PostgreSQL reads through the public API: the caller's routes decide
        assert len(left) == 30 and len(some) == len(all_of_them)


def test_the_runners_decoder_makes_the_events_the_mapper_makes(stocked):
    head = stocked.recorder.max_notification_id()
    _, _, selected = select_batch(stocked.recorder, 1, head, head, lambda topic: True)
    decode = EventDecoder(stocked.mapper)
    assert decode.fast and len(selected) == head
    for _, stored, _ in selected:
        mine, theirs = decode(stored), stocked.mapper.to_domain_event(stored)
        assert type(mine) is type(theirs) and vars(mine) == vars(theirs)
        for name, value in vars(theirs).items():
            if isinstance(value, UUID):  # the same text, the same repr, pickled as a UUID
                kept = vars(mine)[name]
                assert str(kept) == str(value) and str(kept) == str(value)
                assert repr(kept) == repr(value) and hash(kept) == hash(value)
                assert type(pickle.loads(pickle.dumps(kept))) is UUID


def test_an_event_the_decoder_cannot_read_raises_what_the_mapper_raises(stocked):
    head = stocked.recorder.max_notification_id()
    _, _, selected = select_batch(stocked.recorder, 1, head, 1, lambda topic: True)
    stored = selected[0][1]
    broken = StoredRow(stored.originator_id, 1, stored.topic, b'{"_type_":"nobody","_data_":1}')
    with pytest.raises(MapperDeserialisationError):
        EventDecoder(stocked.mapper)(broken)


@pytest.mark.parametrize(
    "text",
    [
        "0f8fad5b-d9cb-469f-a165-70867728950e",
        "0F8FAD5BD9CB469FA16570867728950E",
        "{0f8fad5b-d9cb-469f-a165-70867728950e}",
        "urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e",
    ],
)
def test_read_uuid_reads_what_uuid_reads(text):
    assert read_uuid(text) == UUID(text) and str(read_uuid(text)) == str(UUID(text))
    with pytest.raises(ValueError):
        read_uuid(text[:-1] + "g")
