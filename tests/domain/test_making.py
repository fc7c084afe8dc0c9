"""``domain.making.create`` makes exactly what eventsourcing's ``_create`` makes (issue
16's speed): the same aggregate state, the same first event, stored as the same
bytes; and an import stores the same events whichever of the two made its
aggregates."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime

import pytest
from eventsourcing.domain import CanCreateTimestamp

from domain import making
from domain.box_office import Order, Ticket
from domain.contact_index import ContactKey
from domain.patron import Patron
from domain.recording import Stamp
from imports.sales_import import import_sales_file
from infrastructure.bootstrap import bootstrap
from infrastructure.config import resolve
from tests.imports.test_imported_seat_events import NOW, _rows
from tests.imports.test_sales_trust import NY, write

WHEN = datetime(2026, 2, 20, 12, 0, tzinfo=UTC)
STAMP = Stamp(occurred_at=WHEN, recorded_by="maria", workstation="box-office-1")


@pytest.fixture
def fixed_ids_and_time(monkeypatch):
    """New ids from one seeded sequence and one event time: two ways of making the
    same aggregates can be compared field by field."""

    def reset() -> None:
        rng = random.Random(2026)
        monkeypatch.setattr(
            "eventsourcing.domain.uuid4", lambda: uuid.UUID(int=rng.getrandbits(128), version=4)
        )

    monkeypatch.setattr(CanCreateTimestamp, "create_timestamp", staticmethod(lambda: NOW))
    reset()
    return reset


def generic_only(monkeypatch) -> None:
    """Every aggregate through eventsourcing's own ``_create``."""
    monkeypatch.setattr(making, "_plans", {})
    monkeypatch.setattr(making, "_plan", lambda cls, event_class: None)


MADE = {
    "ticket": lambda: Ticket.issue(
        "ABC123",
        STAMP,
        performance_id="p-1",
        patron_id=None,
        order_id="o-1",
        price_level="Adult",
        price_cents=2500,
        channel="online",
    ),
    "order": lambda: Order.place(
        uuid.UUID(int=7),
        STAMP,
        patron_id="pa-1",
        performance_id="p-1",
        lines=[{"price_level": "Adult", "quantity": 2, "price_cents": 2500}],
        codes=["A1", "A2"],
        payment="card",
        channel="online",
        total_cents=5000,
        lost_contact=False,
        reference="import:x:1",
    ),
    "contact key": lambda: ContactKey.open("email:ada@example.org", STAMP, "pa-1"),
    "contact key for nobody": lambda: ContactKey.open("phone:+15550100", STAMP),
    "patron": lambda: Patron.register(
        STAMP,
        source="import",
        first_name="Ada",
        last_name="Byron",
        email="ada@example.org",
        tags=["Donor"],
    ),
}


def _described(aggregate) -> tuple:
    event = aggregate.pending_events[0]
    state = {k: v for k, v in vars(aggregate).items() if k != "_pending_events"}
    return (
        type(aggregate),
        state,
        type(event),
        list(vars(event).items()),
        len(aggregate.pending_events),
    )


@pytest.mark.parametrize("what", list(MADE))
def test_create_makes_what_eventsourcing_makes(what, store, monkeypatch, fixed_ids_and_time):
    fast = MADE[what]()
    kind = type(fast)
    assert making._plans[(kind, type(fast.pending_events[0]))] is not None  # the plan was used
    fixed_ids_and_time()
    generic_only(monkeypatch)
    generic = MADE[what]()

    assert _described(fast) == _described(generic)
    stored = [store.mapper.to_stored_event(a.pending_events[0]) for a in (fast, generic)]
    assert stored[0] == stored[1]
    # and the event read back makes the same aggregate again
    replayed = store.mapper.to_domain_event(stored[0]).mutate(None)
    assert {k: v for k, v in vars(replayed).items() if k != "_pending_events"} == {
        k: v for k, v in vars(fast).items() if k != "_pending_events"
    }


def test_what_the_plan_does_not_cover_goes_through_eventsourcing(store):
    # a value the event does not take: eventsourcing's own error
    with pytest.raises(TypeError, match="Unable to construct"):
        Ticket.issue("ABC124", STAMP, performance_id="p-1", seat="A1")  # type: ignore[call-arg]
    # an id given as a string is eventsourcing's to refuse (its events need a UUID)
    with pytest.raises(TypeError):
        making.create(
            ContactKey,
            ContactKey.Opened,
            id="not-a-uuid",
            patron_ids=[],
            **STAMP,  # type: ignore[arg-type]
        )


def _stored_import(config, tmp_path, reset) -> list[tuple]:
    reset()
    services = bootstrap(config, staff="maria", workstation="box-office-1")
    try:
        app = services.app
        app.store.context.clock = lambda: NOW
        report = import_sales_file(app, write(tmp_path, _rows()), timezone=NY)
        assert report["imported"] >= 40
        return [
            (n.id, n.originator_id, n.originator_version, n.topic, n.state)
            for n in app.recorder.select_notifications(1, 100_000)
        ]
    finally:
        services.close()


def test_an_import_stores_the_same_events_either_way(tmp_path, monkeypatch, fixed_ids_and_time):
    fast = _stored_import(resolve(tmp_path / "fast", store="sqlite"), tmp_path, fixed_ids_and_time)
    generic_only(monkeypatch)
    generic = _stored_import(
        resolve(tmp_path / "generic", store="sqlite"), tmp_path, fixed_ids_and_time
    )
    assert len(fast) > 200
    assert fast == generic
