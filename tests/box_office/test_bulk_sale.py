"""An import's bulk sale (``BoxOfficeService.sell_imported``) records exactly what the
box office's sale records, refuses what it refuses, and leaves nothing of a refused
order in the batch."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.errors import InvalidInput, NotEnoughSeats, TicketProblem

WHEN = datetime(2027, 2, 1, 10, 0, tzinfo=UTC)


def evening(app, capacity: int = 10) -> str:
    production = app.create_production("Tosca")
    return app.schedule_performance(
        production, datetime(2027, 3, 1, 19, 30, tzinfo=UTC), capacity, {"Adult": 3000}
    )


def recorded(app, start: int) -> list[tuple[str, dict]]:
    """The events saved after notification ``start``: their type and their state
    without ids, versions, codes and references (which differ between two sales)."""
    differs = {"originator_id", "originator_version", "order_id", "code", "codes", "reference"}
    differs.add("timestamp")
    found = []
    for notification in app.recorder.select_notifications(start + 1, 100):
        event = app.mapper.to_domain_event(notification)
        state = {k: v for k, v in vars(event).items() if k not in differs}
        found.append((type(event).__qualname__, state))
    return found


def test_the_bulk_sale_records_the_same_events_as_the_sale(app):
    show = evening(app)
    buyer = app.register_patron("Ada", "Byron")
    attendee = app.register_patron("Grace", "Hopper")
    options = {
        "patron_id": buyer,
        "holders": [None, attendee],
        "ticket_cents": [2500, 2000],
        "payment": "card",
        "channel": "online",
        "occurred_at": WHEN,
    }
    before = app.event_count()
    app.sell_tickets(
        show, {"Adult": 2}, codes=["SALE-1", "SALE-2"], reference="import:a:1", **options
    )
    sold = recorded(app, before)
    before = app.event_count()
    with app.batch():
        total = app.box_office.sell_imported(
            show, {"Adult": 2}, "import:a:2", ["BULK-1", "BULK-2"], **options
        )
    bulk = recorded(app, before)

    assert total == 4500
    assert [name for name, _ in bulk] == [
        "Performance.SeatsTaken",
        "Order.Placed",
        "Ticket.Issued",
        "Ticket.Issued",
    ]
    assert sorted(bulk, key=repr) == sorted(sold, key=repr)
    assert app.get_performance(show).sold == 4
    assert app.get_ticket("BULK2").patron_id == attendee


def test_the_bulk_sale_refuses_what_the_sale_refuses_and_keeps_nothing_of_it(app):
    show = evening(app, capacity=2)
    buyer = app.register_patron("Ada", "Byron")
    with app.batch():
        with pytest.raises(NotEnoughSeats):
            app.box_office.sell_imported(show, {"Adult": 3}, "import:a:1", ["A", "B", "C"])
        with pytest.raises(TicketProblem):
            app.box_office.sell_imported(show, {"Adult": 2}, "import:a:2", ["ONLY-ONE"])
        with pytest.raises(TicketProblem):
            app.box_office.sell_imported(show, {"Child": 1}, "import:a:3", ["K"])
        with pytest.raises(InvalidInput):
            app.box_office.sell_imported(show, {"Adult": 1}, "import:a:4", ["P"], payment="?")
        app.box_office.sell_imported(show, {"Adult": 2}, "import:a:5", ["X", "Y"], buyer)
    assert app.get_performance(show).sold == 2
    assert app.get_ticket("A") is None and app.get_ticket("X").patron_id == buyer


def test_the_bulk_sale_saves_only_with_a_batch(app):
    show = evening(app)
    with pytest.raises(RuntimeError):
        app.box_office.sell_imported(show, {"Adult": 1}, "import:a:1", ["A"])
    assert app.get_performance(show).sold == 0


def test_a_batch_saves_a_performances_seat_events_as_one_and_counts_on_after_it(app):
    """A run of seat events (one per order of the batch) is saved as one
    ``Performance.SeatsTakenTogether`` with each order's seats; a refused order is
    not in it; an event between two runs keeps them apart and keeps its place;
    the performance read back has the same seats and version, and sells on."""
    show = evening(app, capacity=60)
    before = app.event_count()
    with app.batch():
        app.box_office.sell_imported(show, {"Adult": 2}, "import:a:1", ["A1", "A2"])
        with pytest.raises(NotEnoughSeats):
            app.box_office.sell_imported(show, {"Adult": 70}, "import:a:2", ["N"] * 70)
        app.box_office.sell_imported(show, {"Adult": 1}, "import:a:3", ["C1"])
        app.update_performance(show, capacity=50)
        app.box_office.sell_imported(show, {"Adult": 3}, "import:a:4", ["D1", "D2", "D3"])
        app.box_office.sell_imported(show, {"Adult": 1}, "import:a:5", ["E1"])
        held = app.store.pending(__import__("uuid").UUID(show))
        assert held is not None and held.version == 6  # before the save: one per order
    seat_events = [
        (name, state["orders"], state["quantity"], version)
        for name, state, version in _performance_events(app, before)
    ]
    from domain.box_office import order_id_for

    ids = {n: str(order_id_for(f"import:a:{n}")) for n in range(1, 6)}
    assert seat_events == [
        ("Performance.SeatsTakenTogether", {ids[1]: 2, ids[3]: 1}, 3, 2),
        ("Performance.CapacityChanged", None, None, 3),
        ("Performance.SeatsTakenTogether", {ids[4]: 3, ids[5]: 1}, 4, 4),
    ]
    performance = app.repository.get(__import__("uuid").UUID(show))
    assert (performance.version, performance.sold, performance.capacity) == (4, 7, 50)
    app.sell_tickets(show, {"Adult": 1}, codes=["LATER1"])  # version 5 follows on
    assert app.get_performance(show).sold == 8


def _performance_events(app, start: int) -> list[tuple[str, dict, int]]:
    found = []
    for notification in app.recorder.select_notifications(start + 1, 100):
        event = app.mapper.to_domain_event(notification)
        name = type(event).__qualname__
        if name.startswith("Performance."):
            state = {"orders": getattr(event, "orders", None)}
            state["quantity"] = getattr(event, "quantity", None)
            found.append((name, state, event.originator_version))
    return found
