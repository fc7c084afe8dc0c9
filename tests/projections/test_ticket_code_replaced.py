"""A ticket given the code its ticketing service printed (an import that brings the
barcode of a ticket known until then by a Houselights code): the same seat goes on
under the new code, the old code no longer gets in, and nothing counts twice."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain import verdicts
from domain.box_office import ticket_tally
from domain.errors import TicketProblem
from projections import box_office, door

SAT = datetime(2026, 3, 14, 19, 30, tzinfo=UTC)


@pytest.fixture
def sold(services):
    app = services.app
    production = app.create_production("Hamlet")
    performance = app.schedule_performance(production, SAT, 10, {"Adult": 3000})
    buyer = app.register_patron("Ada", "Lovelace", email="ada@example.org")
    sale = app.sell_tickets(performance, {"Adult": 2}, patron_id=buyer, channel="online")
    return performance, buyer, sale


def test_the_seat_goes_on_under_the_new_code_to_its_attendee(services, sold):
    app = services.app
    performance, buyer, sale = sold
    old, other = sale.codes
    charles = app.register_patron("Charles", "Babbage", email="charles@example.org")

    assert app.replace_ticket_code(old, "8141001002", holder_id=charles) == "8141001002"

    new = app.get_ticket("8141001002")
    assert (new.order_id, new.performance_id, new.price_cents, new.status) == (
        sale.order_id,
        performance,
        3000,
        "valid",
    )
    assert new.patron_id == charles
    assert app.get_ticket(old).status == "replaced"
    assert app.get_performance(performance).sold == 2  # no seat taken twice
    assert [t.code for t in app.current_tickets([old, other])] == ["8141001002", other]

    refused = app.scan(old, performance, "Main door")
    assert (refused.verdict, refused.status) == (verdicts.VOID, "replaced")
    assert app.scan("8141001002", performance, "Main door").verdict == verdicts.ADMIT


def test_read_models_count_the_seat_once_with_its_price(services, sold):
    app, db = services.app, services.runner.db()
    performance, buyer, sale = sold

    app.replace_ticket_code(sale.codes[0], "8141001002")
    services.runner.catch_up()

    assert box_office.performance(db, performance)["revenue_cents"] == 6000
    statuses = [t["status"] for t in box_office.tickets(db, performance)]
    assert sorted(statuses) == ["replaced", "valid", "valid"]
    assert ticket_tally(statuses) == {"admitted": 0, "not_yet": 2, "returned": 0, "total": 2}
    assert door.ticket(db, sale.codes[0])["status"] == "replaced"
    assert door.ticket(db, "8141001002")["status"] == "valid"


def test_a_used_ticket_or_a_code_in_use_is_refused(services, sold):
    app = services.app
    performance, buyer, sale = sold
    assert app.scan(sale.codes[0], performance, "Main door").verdict == verdicts.ADMIT

    with pytest.raises(TicketProblem, match="already used"):
        app.replace_ticket_code(sale.codes[0], "8141001002")
    with pytest.raises(TicketProblem, match="already belongs to another ticket"):
        app.replace_ticket_code(sale.codes[1], sale.codes[0])
    assert app.get_ticket(sale.codes[1]).status == "valid"


def test_refunding_the_order_refunds_the_ticket_under_its_new_code(services, sold):
    app = services.app
    performance, buyer, sale = sold
    app.replace_ticket_code(sale.codes[0], "8141001002")

    refund = app.refund_order(sale.order_id)

    assert sorted(refund.refunded) == sorted(["8141001002", sale.codes[1]])
    assert refund.amount_cents == 6000
    assert app.get_performance(performance).sold == 0
