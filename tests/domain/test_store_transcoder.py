"""The store writes an event's state with ``QuickJSONTranscoder`` (its C encoder made
once, issue 16's speed): the same bytes as eventsourcing's ``JSONTranscoder`` for
every state an event can hold, and the same refusal of what it cannot write."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from uuid import UUID

import pytest
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    Transcoding,
    TranscodingNotRegisteredError,
    UUIDAsHex,
)
from hypothesis import given
from hypothesis import strategies as st

from domain.store import QuickJSONTranscoder


def _registered(transcoder: JSONTranscoder) -> JSONTranscoder:
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
        transcoder.register(transcoding)
    return transcoder


GENERIC = _registered(JSONTranscoder())
QUICK = _registered(QuickJSONTranscoder())

leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(),
    st.uuids(),
    st.decimals(allow_nan=False),
    st.datetimes(timezones=st.sampled_from([UTC, timezone(timedelta(hours=-5))])),
)
values = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@given(st.dictionaries(st.text(max_size=12), values, max_size=8))
def test_the_same_bytes_as_eventsourcings_transcoder(state):
    assert QUICK.encode(state) == GENERIC.encode(state)


def test_an_event_like_state_and_other_shapes():
    when = datetime(2026, 3, 14, 19, 30, tzinfo=UTC)
    state = {
        "timestamp": when,
        "originator_topic": "domain.box_office:Ticket",
        "occurred_at": when,
        "lines": [{"price_level": "Adult", "quantity": 2, "price_cents": 2500}],
        "address": {"postal_code": "N1 1AA", "city": "Zürich – “Altstadt”"},
        "price": Decimal("12.50"),
        "id": UUID(int=5),
    }
    assert QUICK.encode(state) == GENERIC.encode(state)
    for other in ([1, "a"], "text", 5):  # not a dict: the generic way
        assert QUICK.encode(other) == GENERIC.encode(other)


def test_what_it_cannot_write_is_refused_the_same_way():
    with pytest.raises(TranscodingNotRegisteredError):
        QUICK.encode({"when": datetime(2026, 1, 1).date()})


def test_the_store_writes_with_it(store):
    assert type(store.mapper.transcoder) is QuickJSONTranscoder


def test_a_datetime_transcoding_registered_instead_is_the_one_used():
    class DatetimeAsStamp(Transcoding):
        type = datetime
        name = "datetime_stamp"

        def encode(self, obj):
            return obj.timestamp()

        def decode(self, data):
            return datetime.fromtimestamp(data, UTC)

    generic, quick = _registered(JSONTranscoder()), _registered(QuickJSONTranscoder())
    generic.register(DatetimeAsStamp())
    quick.register(DatetimeAsStamp())
    state = {"at": datetime(2026, 3, 14, 19, 30, tzinfo=UTC), "n": [1]}
    assert quick.encode(state) == generic.encode(state)
    assert b"datetime_stamp" in quick.encode(state)
