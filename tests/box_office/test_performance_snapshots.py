"""A big hall stays quick to sell: performances are snapshotted, and a
workstation opening the store later still sees every seat sold."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import pytest

from domain.application import Houselights
from domain.errors import NotEnoughSeats
from domain.store import PERFORMANCE_SNAPSHOT_INTERVAL


def _messiah(office: Houselights) -> str:
    """A performance of 70 seats at one price."""
    production = office.create_production("Messiah")
    return office.schedule_performance(
        production,
        datetime(2026, 12, 20, 19, tzinfo=UTC),
        capacity=70,
        price_levels={"Adult": 2500},
    )


def test_a_snapshotted_performance_still_counts_every_seat(store_env):
    office = Houselights(env=store_env)
    show = _messiah(office)
    sales = [office.sell_tickets(show, {"Adult": 1}) for _ in range(60)]
    office.refund_order(sales[0].order_id)

    [snapshot] = office.snapshots.get(UUID(show), desc=True, limit=1)
    assert snapshot.originator_version == PERFORMANCE_SNAPSHOT_INTERVAL
    office.close()

    box_office = Houselights(env=store_env)  # another workstation, later
    try:
        assert box_office.get_performance(show).sold == 59
        box_office.sell_tickets(show, {"Adult": 11})
        with pytest.raises(NotEnoughSeats, match="sold out"):
            box_office.sell_tickets(show, {"Adult": 1})
    finally:
        box_office.close()


def test_a_performance_saved_with_a_batch_is_snapshotted_too(store_env):
    """The batch's save looks for a passed interval only among the events of classes
    that are snapshotted (a performance's, not its orders' and tickets'): the snapshot
    is still taken, of the performance as saved."""
    office = Houselights(env=store_env)
    try:
        show = _messiah(office)
        with office.batch(size=1):  # each sale saved with its order and ticket
            for _ in range(PERFORMANCE_SNAPSHOT_INTERVAL + 5):
                office.sell_tickets(show, {"Adult": 1})
        [snapshot] = office.snapshots.get(UUID(show), desc=True, limit=1)
        assert snapshot.originator_version == PERFORMANCE_SNAPSHOT_INTERVAL
        assert snapshot.state["sold"] == PERFORMANCE_SNAPSHOT_INTERVAL - 1
    finally:
        office.close()
    later = Houselights(env=store_env)
    try:
        assert later.get_performance(show).sold == PERFORMANCE_SNAPSHOT_INTERVAL + 5
    finally:
        later.close()
