"""``domain.making.create`` makes exactly what eventsourcing's ``_create`` makes (issue
16's speed): the same aggregate state, the same first event, stored as the same
bytes; and an import stores the same events whichever of the two made its
aggregates."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from eventsourcing.domain import Aggregate, CanCreateTimestamp

from domain import making
from domain.box_office import Order, Performance, Ticket
from domain.contact_index import ContactKey
from domain.errors import NotEnoughSeats
from domain.patron import Patron
from domain.recording import Stamp
from imports.sales_import import import_sales_file
from infrastructure.bootstrap import bootstrap
from infrastructure.config import resolve
from tests.imports.test_imported_seat_events import NOW, _rows, _seeded_ids
from tests.imports.test_sales_trust import NY, write

WHEN = datetime(2026, 2, 20, 12, 0, tzinfo=UTC)
STAMP = Stamp(occurred_at=WHEN, recorded_by="maria", workstation="box-office-1")


@pytest.fixture
def fixed_ids_and_time(monkeypatch):
    """New ids from one seeded sequence and event times from one clock ticking a
    microsecond an event: two ways of making the same aggregates can be compared field
    by field."""

    def reset() -> None:
        _seeded_ids(monkeypatch)
        ticks = itertools.count()
        monkeypatch.setattr(
            CanCreateTimestamp,
            "create_timestamp",
            staticmethod(lambda: NOW + timedelta(microseconds=next(ticks))),
        )

    reset()
    return reset


def generic_only(monkeypatch) -> None:
    """Every aggregate through eventsourcing's own ``_create``."""
    monkeypatch.setattr(making, "_plans", {})
    monkeypatch.setattr(making, "_plan", lambda cls, event_class: None)
    monkeypatch.setattr(making, "_steps", {})
    monkeypatch.setattr(making, "_step", lambda event_class: None)


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


@pytest.mark.parametrize("what", list(MADE))
def test_the_written_out_maker_makes_what_the_plan_makes(what, monkeypatch, fixed_ids_and_time):
    """``_maker``'s function for a pair of classes against the plan's steps worked out
    at each call: the same aggregate state and event, fields in the same order."""
    written_out = MADE[what]()
    key = (type(written_out), type(written_out.pending_events[0]))
    assert making._plans[key] is not None and making._plans[key].make is not None
    fixed_ids_and_time()
    monkeypatch.setattr(making, "_plans", {})
    monkeypatch.setattr(making, "_maker", lambda cls, event_class, plan: None)
    stepped = MADE[what]()
    assert making._plans[key] is not None and making._plans[key].make is None
    assert _described(written_out) == _described(stepped)
    # the aggregate's attributes in the same order too (a snapshot writes them so)
    assert list(vars(written_out)) == list(vars(stepped))


def _performance() -> Performance:
    return Performance.schedule(
        "pr-1", "Tosca", WHEN, "Main hall", 100, {"Adult": 3000, "Child": 1500}, STAMP
    )


def test_trigger_records_what_the_event_method_records(store, monkeypatch, fixed_ids_and_time):
    def sell(performance: Performance) -> Performance:
        performance.take_seats("o-1", 2, STAMP)
        performance.take_seats("o-2", 3, Stamp(occurred_at=NOW, recorded_by="jo", workstation="w"))
        return performance

    fast = sell(_performance())
    assert making._steps[Performance.SeatsTaken] is not None  # type: ignore[attr-defined]
    fixed_ids_and_time()
    generic_only(monkeypatch)
    generic = sell(_performance())

    def described(performance):
        state = {k: v for k, v in vars(performance).items() if k != "_pending_events"}
        events = [(type(e), list(vars(e).items())) for e in performance.pending_events]
        return state, events

    assert described(fast) == described(generic)
    assert fast.sold == 5 and fast.version == 3
    stored = [[store.mapper.to_stored_event(e) for e in p.pending_events] for p in (fast, generic)]
    assert stored[0] == stored[1]
    # read back, the events make the same performance
    replayed = None
    for one in stored[0]:
        replayed = store.mapper.to_domain_event(one).mutate(replayed)
    assert described(replayed)[0] == described(fast)[0]


def test_a_refused_seat_taking_records_nothing():
    performance = _performance()
    performance.take_seats("o-1", 100, STAMP)
    with pytest.raises(NotEnoughSeats):
        performance.take_seats("o-2", 1, STAMP)
    assert performance.sold == 100 and len(performance.pending_events) == 2


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


class Tally(Aggregate):
    """An aggregate whose first event has an ``apply`` of its own."""

    class Started(Aggregate.Created):
        count: int

        def apply(self, aggregate) -> None:
            aggregate.applied = self.count * 2

    def __init__(self, count: int) -> None:
        self.count = count


def test_a_first_event_with_its_own_apply_is_applied(monkeypatch, fixed_ids_and_time):
    """The written-out create leaves out the call of an ``apply`` that does nothing,
    not of one the event class has of its own."""
    made = making.create(Tally, Tally.Started, count=4)
    assert making._plans[(Tally, Tally.Started)].make is not None
    fixed_ids_and_time()
    generic_only(monkeypatch)
    generic = making.create(Tally, Tally.Started, count=4)
    assert made.applied == generic.applied == 8
    assert _described(made) == _described(generic)
    assert list(vars(made)) == list(vars(generic))
