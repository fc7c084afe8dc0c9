"""A command that fails inside a batch leaves nothing of itself behind.

The demo and the imports sell many subscriptions and orders in one batch. A
subscription to three performances, the last of them sold out, used to leave
seat reservations on the first two in the batch's memory, saved with the next
flush: performances reported more seats sold than they had valid tickets, and
the "last" seat was refused as sold out.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import InvalidInput, NotAllowed, NotEnoughSeats


def performances(app, capacities: list[int]) -> list[str]:
    production = app.create_production("Tosca")
    start = datetime(2027, 3, 1, 19, 30, tzinfo=UTC)
    return [
        app.schedule_performance(production, start + timedelta(days=i), capacity, {"Adult": 3000})
        for i, capacity in enumerate(capacities)
    ]


def sold_and_valid(app, performance_id: str) -> tuple[int, int]:
    performance = app.get_performance(performance_id)
    return performance.sold, performance.capacity - performance.available


def test_a_refused_subscription_in_a_batch_takes_no_seats(app):
    first, second, full = performances(app, [10, 10, 1])
    ada = app.register_patron("Ada", "Byron")
    grace = app.register_patron("Grace", "Hopper")
    with app.batch():
        app.sell_tickets(first, {"Adult": 2}, ada)  # the batch holds these performances
        app.sell_tickets(second, {"Adult": 2}, ada)
        app.sell_tickets(full, {"Adult": 1}, ada)
        with pytest.raises(NotEnoughSeats):
            app.sell_subscription(grace, "Three nights", [first, second, full], 9000)
        app.sell_tickets(first, {"Adult": 1}, grace)  # and the batch goes on
    assert app.get_performance(first).sold == 3
    assert app.get_performance(second).sold == 2
    assert app.get_performance(full).sold == 1


def test_a_refused_command_leaves_aggregates_created_earlier_in_the_batch_as_they_were(app):
    production = app.create_production("Aida")
    start = datetime(2027, 4, 1, 19, 30, tzinfo=UTC)
    ada = app.register_patron("Ada", "Byron")
    with app.batch():
        night = app.schedule_performance(production, start, 5, {"Adult": 3000})  # unsaved
        full = app.schedule_performance(production, start + timedelta(days=1), 1, {"Adult": 3000})
        app.sell_tickets(night, {"Adult": 4}, ada)
        app.sell_tickets(full, {"Adult": 1}, ada)
        with pytest.raises(NotEnoughSeats):  # takes a seat tonight, then finds the next full
            app.sell_subscription(ada, "Two nights", [night, full], 5000)
        with pytest.raises(InvalidInput):
            app.sell_tickets(night, {"Adult": 1}, ada, payment="IOU")
        app.sell_tickets(night, {"Adult": 1}, ada)
    assert app.get_performance(night).sold == 5
    assert app.get_performance(night).available == 0


def test_a_refused_command_keeps_the_batchs_events_in_the_order_they_happened(app):
    """A performance scheduled in a batch is stored before the orders for it, even after
    a refused command touched it: the read models name the show of each order from the
    performance's first event (an order stored first had no title on the ladder)."""
    production = app.create_production("Aida")
    start = datetime(2027, 4, 1, 19, 30, tzinfo=UTC)
    ada = app.register_patron("Ada", "Byron")
    with app.batch():
        night = app.schedule_performance(production, start, 3, {"Adult": 3000})  # unsaved
        app.sell_tickets(night, {"Adult": 1}, ada)
        with pytest.raises(NotEnoughSeats):  # touches tonight, then is rolled back
            app.sell_tickets(night, {"Adult": 5}, ada)
        order = app.sell_tickets(night, {"Adult": 1}, ada).order_id
    stored = app.store.recorder.select_notifications(start=1, limit=1000)
    position = {}
    for notification in stored:
        key = (str(notification.originator_id), notification.topic.rsplit(".", 1)[-1])
        position.setdefault(key, notification.id)
    assert position[(night, "Scheduled")] < position[(order, "Placed")]
    placed = [n.id for n in stored if n.topic.endswith("Order.Placed")]
    assert position[(night, "Scheduled")] < min(placed)


def test_a_refused_command_leaves_nothing_on_what_the_import_keeps_between_saves(app):
    """An import keeps saved performances in memory (``keep``) between its saves. A
    refused command that took seats on one of them before failing used to leave that
    change on the kept copy, saved with the next order for it: a seat sold twice."""
    first, full = performances(app, [10, 1])
    ada = app.register_patron("Ada", "Byron")
    keep: dict = {}
    with app.batch(size=1, keep=keep):  # every command saved at once, then kept
        app.sell_tickets(first, {"Adult": 2}, ada)
        app.sell_tickets(full, {"Adult": 1}, ada)
        with pytest.raises(NotEnoughSeats):  # takes a seat on the first, then fails
            app.sell_subscription(ada, "Two nights", [first, full], 9000)
        app.sell_tickets(first, {"Adult": 1}, ada)
    assert sold_and_valid(app, first) == (3, 3)


def test_in_a_batch_each_event_passes_the_role_check_once_before_the_save(app, monkeypatch):
    """The check at each sale looks at the events the sale added, not again at every
    earlier sale's seats on the same performance (an import sells one performance
    hundreds of times in a batch); a refused role is still refused at the sale."""
    (show,) = performances(app, [500])
    ada = app.register_patron("Ada", "Byron")
    guard = app.store.guard
    checked: list[str] = []
    real = guard.check_allowed

    def counting(aggregates):
        checked.extend(type(e).__qualname__ for a in aggregates for e in a.pending_events)
        return real(aggregates)

    monkeypatch.setattr(guard, "check_allowed", counting)
    with app.batch(size=10_000):
        for _ in range(40):
            app.sell_tickets(show, {"Adult": 1}, ada)
        at_the_sales = len(checked)
    # each sale: its seats, its order, its ticket (before: every earlier sale's seats
    # again, 900 in all); then the save checks all it saves once more: the orders, the
    # tickets and the performance's seats taken together
    assert at_the_sales == 40 * 3
    assert len(checked) - at_the_sales == 40 + 40 + 1
    assert app.get_performance(show).sold == 40
    # a role that may not sell is refused at the sale, inside a batch too
    app.store.context.staff_id, app.store.context.role = "s-1", "door"
    with app.batch(), pytest.raises(NotAllowed):
        app.box_office.sell_imported(show, {"Adult": 1}, "import:x:1", ["X1"], patron_id=ada)
