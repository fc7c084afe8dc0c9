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

from domain.errors import InvalidInput, NotEnoughSeats


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
