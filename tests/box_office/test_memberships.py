"""Subscriptions, memberships and donations, as the box office records them."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest

from domain.application import Houselights
from domain.errors import (
    DonationProblem,
    InvalidInput,
    NotEnoughSeats,
    PatronNotFound,
    TicketProblem,
)

PRICES = {"Adult": 3000}


@pytest.fixture
def season(app):
    production = app.create_production("The Seagull")
    return [
        app.schedule_performance(
            production,
            datetime(2026, 10, day, 19, 30, tzinfo=UTC),
            capacity=2,
            price_levels=PRICES,
            venue="Main hall",
        )
        for day in (3, 10, 17)
    ]


@pytest.fixture
def ada(app):
    return app.register_patron("Ada", "Lovelace", email="ada@example.org")


def test_a_subscription_issues_one_ticket_per_performance(app, season, ada):
    sold = app.sell_subscription(ada, "Autumn season", season, price_cents=8000)
    assert len(sold.codes) == 3
    assert [t.performance_id for t in sold.tickets] == season
    for performance_id, code in zip(season, sold.codes, strict=True):
        ticket = app.get_ticket(code)
        assert ticket.performance_id == performance_id
        assert ticket.patron_id == ada and ticket.status == "valid"
        assert ticket.order_id == sold.id
        assert app.get_performance(performance_id).sold == 1
    # The package price is shared over the tickets, to the cent.
    assert sum(app.get_ticket(c).price_cents for c in sold.codes) == 8000


def test_a_subscription_with_one_full_performance_sells_nothing(app, season, ada):
    app.sell_tickets(season[1], {"Adult": 2})
    with pytest.raises(NotEnoughSeats, match="sold out"):
        app.sell_subscription(ada, "Autumn season", season, price_cents=8000)
    assert [app.get_performance(p).sold for p in season] == [0, 2, 0]


def test_subscription_input_is_checked_in_plain_words(app, season, ada):
    with pytest.raises(InvalidInput) as error:
        app.sell_subscription(ada, " ", [season[0], season[0]], price_cents=-1, payment="iou")
    assert set(error.value.by_field()) == {
        "package_name",
        "performance_ids",
        "price_cents",
        "payment",
    }
    with pytest.raises(PatronNotFound):
        app.sell_subscription("not-a-patron", "Autumn", season, price_cents=100)


def test_a_membership_runs_between_two_dates(app, ada):
    membership = app.start_membership(ada, "Friend", date(2026, 9, 1), "2027-08-31", 6000)
    assert membership
    with pytest.raises(InvalidInput) as error:
        app.start_membership(ada, "", "2026-09-01", "2026-08-01", 6000)
    assert error.value.by_field() == {
        "level": "Choose the membership level, e.g. Friend.",
        "ends_on": "The membership must end after the day it starts.",
    }
    with pytest.raises(InvalidInput, match="year-month-day"):
        app.start_membership(ada, "Friend", "1st of May", "2027-08-31", 6000)


def test_a_donation_is_thanked_once(app, ada):
    gift = app.record_donation(ada, 5000, fund="Youth theatre", payment="cheque")
    assert app.get_donation(gift).acknowledged is None
    app.acknowledge_donation(gift, "letter")
    assert app.get_donation(gift).acknowledged == "letter"
    with pytest.raises(
        DonationProblem, match="donation to Youth theatre was already thanked by letter"
    ):
        app.acknowledge_donation(gift, "email")
    with pytest.raises(InvalidInput, match="letter, email or call"):
        app.acknowledge_donation(app.record_donation(ada, 100), "pigeon")


def test_donation_input_is_checked(app, ada):
    with pytest.raises(InvalidInput) as error:
        app.record_donation(ada, 0, fund="", payment="complimentary")
    assert set(error.value.by_field()) == {"amount_cents", "fund", "payment"}
    with pytest.raises(DonationProblem, match="could not find that donation"):
        app.acknowledge_donation("nonsense", "call")


def test_two_workstations_selling_subscriptions_for_the_last_seat(store_env):
    """One performance of the package has one seat left: exactly one package sells."""
    office, phone = Houselights(env=store_env), Houselights(env=store_env)
    try:
        production = office.create_production("The Seagull")
        shows = [
            office.schedule_performance(
                production, datetime(2026, 10, d, 19, tzinfo=UTC), capacity=c, price_levels=PRICES
            )
            for d, c in ((3, 5), (10, 1))
        ]
        buyers = [office.register_patron(n, email=f"{n}@example.org") for n in ("ada", "grace")]
        start, outcomes = threading.Barrier(2), []

        def buy(app, patron):
            start.wait()
            try:
                app.sell_subscription(patron, "Pair", shows, 5000)
                outcomes.append("sold")
            except NotEnoughSeats:
                outcomes.append("refused")

        threads = [
            threading.Thread(target=buy, args=(app, patron))
            for app, patron in zip((office, phone), buyers, strict=True)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert sorted(outcomes) == ["refused", "sold"]
        assert [phone.get_performance(s).sold for s in shows] == [1, 1]
    finally:
        office.close()
        phone.close()


def test_refunding_a_subscription_frees_the_seats_it_still_holds(app, season, ada):
    sold = app.sell_subscription(ada, "Autumn season", season, price_cents=9000)
    moved = app.exchange_tickets(sold.codes[2:], season[0])  # the third show on night one
    refund = app.refund_subscription(sold.id)
    assert refund.amount_cents == 9000
    assert refund.refunded[:2] == sold.codes[:2]
    assert refund.refunded[2] == moved.codes[0]
    assert [app.get_performance(p).sold for p in season] == [0, 0, 0]
    assert {app.get_ticket(c).status for c in refund.refunded} == {"refunded"}
    with pytest.raises(TicketProblem, match="Autumn season subscription was already refunded"):
        app.refund_subscription(sold.id)
    with pytest.raises(TicketProblem, match="could not find that subscription"):
        app.refund_subscription(ada)
