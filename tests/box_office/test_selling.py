"""Selling tickets: seats are never sold twice, also across workstations."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from domain.application import Houselights
from domain.box_office_service import RefundResult
from domain.errors import InvalidInput, NotEnoughSeats, TicketProblem
from domain.ticket_codes import is_own_code
from infrastructure.config import resolve

PRICES = {"Adult": 3200, "Student": 1500}


@pytest.fixture(params=["sqlite", "postgresql"])
def store_env(request, tmp_path) -> dict:
    if request.param == "postgresql":
        return resolve(tmp_path, store=request.getfixturevalue("postgres_db")).eventsourcing_env()
    return resolve(tmp_path).eventsourcing_env()


@pytest.fixture
def app(store_env):
    app = Houselights(env=store_env)
    yield app
    app.close()


def schedule(app, capacity=10) -> str:
    production = app.create_production("Tosca")
    starts = datetime(2026, 12, 5, 19, 30, tzinfo=UTC)
    return app.schedule_performance(production, starts, capacity, PRICES, venue="Main hall")


def test_a_sale_issues_tickets_with_codes_and_takes_seats(app):
    show = schedule(app)
    ada = app.register_patron("Ada", "Lovelace", email="ada@example.org")
    sale = app.sell_tickets(show, {"Adult": 2, "Student": 1}, patron_id=ada, payment="card")
    assert sale.total_cents == 2 * 3200 + 1500
    assert len(sale.codes) == 3 and all(is_own_code(c) for c in sale.codes)
    assert app.get_performance(show).sold == 3
    ticket = app.get_ticket(sale.codes[0].lower())
    assert ticket.patron_id == ada and ticket.status == "valid"


def test_overselling_is_refused_with_a_clear_message(app):
    show = schedule(app, capacity=3)
    app.sell_tickets(show, {"Adult": 2})
    with pytest.raises(NotEnoughSeats, match="Only 1 seat left for Tosca"):
        app.sell_tickets(show, {"Adult": 2})
    app.sell_tickets(show, {"Student": 1})
    with pytest.raises(NotEnoughSeats, match="sold out"):
        app.sell_tickets(show, {"Adult": 1})
    assert app.get_performance(show).sold == 3


def test_complimentary_tickets_cost_nothing_and_bad_input_is_explained(app):
    show = schedule(app)
    assert app.sell_tickets(show, {"Adult": 2}, payment="complimentary").total_cents == 0
    with pytest.raises(InvalidInput) as error:
        app.sell_tickets(show, {"Adult": 0}, payment="cheque")
    assert set(error.value.by_field()) == {"payment", "quantities"}
    with pytest.raises(TicketProblem, match="no price level “Balcony”"):
        app.sell_tickets(show, {"Balcony": 1})


def test_a_refund_voids_the_tickets_and_frees_the_seats(app):
    show = schedule(app, capacity=2)
    sale = app.sell_tickets(show, {"Adult": 2})
    refund = app.refund_order(sale.order_id)
    assert refund == RefundResult(refunded=sale.codes, amount_cents=6400)
    assert {app.get_ticket(c).status for c in sale.codes} == {"refunded"}
    assert app.get_performance(show).sold == 0
    with pytest.raises(TicketProblem, match="already refunded"):
        app.refund_order(sale.order_id)
    app.sell_tickets(show, {"Adult": 2})  # the seats can be sold again


def test_the_same_imported_order_is_recorded_once(app):
    show = schedule(app)
    when = datetime.now(tz=UTC) - timedelta(days=30)
    first = app.sell_tickets(
        show,
        {"Adult": 1},
        channel="online",
        reference="EB-1001",
        codes=["eb-55501"],
        occurred_at=when,
    )
    again = app.sell_tickets(
        show,
        {"Adult": 1},
        channel="online",
        reference="EB-1001",
        codes=["eb-55501"],
        occurred_at=when,
    )
    assert again.order_id == first.order_id and again.existing
    assert first.codes == ["EB55501"]  # stored as scanned codes are normalised
    assert app.get_performance(show).sold == 1


def test_two_workstations_racing_for_the_last_seats_never_oversell(store_env):
    """Each round: 3 seats left, two workstations each try to sell 2 at once."""
    office, door = Houselights(env=store_env), Houselights(env=store_env)
    try:
        for _ in range(20):
            show = schedule(office, capacity=5)
            office.sell_tickets(show, {"Adult": 2})
            start, outcomes = threading.Barrier(2), []

            def sell(app, show=show, start=start, outcomes=outcomes):
                start.wait()
                try:
                    app.sell_tickets(show, {"Adult": 2})
                    outcomes.append("sold")
                except NotEnoughSeats:
                    outcomes.append("refused")

            threads = [threading.Thread(target=sell, args=(a,)) for a in (office, door)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
            assert sorted(outcomes) == ["refused", "sold"]
            assert office.get_performance(show).sold == 4
            assert door.get_performance(show).sold == 4
    finally:
        office.close()
        door.close()
