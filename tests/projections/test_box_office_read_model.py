"""The box-office read model and the box-office rows of a patron's timeline."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.money import AMOUNT
from domain.ticket_codes import ticket_id
from projections import box_office, timeline

PRICES = {"Adult": 3000, "Student": 1500}
SAT = datetime(2026, 3, 14, 19, 30, tzinfo=UTC)
#: the performances' starts as the timeline keeps them (marks the view writes out)
SAT_AT, SUN = "{moment:2026-03-14T19:30:00+00:00}", "{moment:2026-03-15T15:30:00+00:00}"


def written(row: dict) -> str:
    """The summary as a screen in US dollars writes it: the read model keeps the amount
    as cents beside the words (``amount_cents``), the view writes it in the currency."""
    cents = row.get("amount_cents")
    if cents is None:
        return row["summary"]
    return row["summary"].replace(AMOUNT, f"${cents / 100:,.2f}")


@pytest.fixture
def hamlet(services):
    app = services.app
    production = app.create_production("Hamlet")
    saturday = app.schedule_performance(production, SAT, 10, PRICES, venue="Main hall")
    sunday = app.schedule_performance(
        production, SAT + timedelta(days=1, hours=-4), 10, PRICES, venue="Studio"
    )
    return production, saturday, sunday


@pytest.fixture
def ada(services):
    return services.app.register_patron("Ada", "Lovelace", email="ada@example.org")


class Ticket:
    """Stands in for the door's event class (``Ticket.Admitted``, handled by name)."""

    class Admitted:
        def __init__(self, code: str, performance_id: str):
            self.originator_id = ticket_id(code)
            self.performance_id, self.door = performance_id, "north door"


def story(services, patron_id: str) -> list[tuple[str, str]]:
    rows = timeline.rows(services.runner.db(), patron_id)
    return [(r["kind"], written(r)) for r in rows if r["kind"] != "registered"]


def test_performances_show_sold_revenue_and_prices_in_time_order(services, hamlet, ada):
    app, db = services.app, services.runner.db()
    production, saturday, sunday = hamlet
    app.sell_tickets(sunday, {"Adult": 2, "Student": 1}, patron_id=ada)
    sale = app.sell_tickets(saturday, {"Adult": 1})
    app.refund_order(sale.order_id)

    listed = box_office.performances(db)
    assert [p["id"] for p in listed] == [saturday, sunday]
    assert listed[1] == {
        "id": sunday,
        "production_id": production,
        "title": "Hamlet",
        "starts_at": "2026-03-15T15:30:00.000000+00:00",
        "venue": "Studio",
        "capacity": 10,
        "sold": 3,
        "admitted": 0,
        "revenue_cents": 7500,
        "price_levels": PRICES,
    }
    assert box_office.performance(db, saturday)["sold"] == 0
    assert box_office.performance(db, saturday)["revenue_cents"] == 0
    assert box_office.performance(db, "nope") is None
    assert box_office.productions(db) == [
        {
            "id": production,
            "title": "Hamlet",
            "performances": 2,
            "first_starts_at": listed[0]["starts_at"],
            "last_starts_at": listed[1]["starts_at"],
        }
    ]
    late_arrivals = SAT + timedelta(hours=3)  # the show is still on: still current
    assert len(box_office.performances(db, include_past=False, now=late_arrivals)) == 2
    after_saturday = SAT + timedelta(hours=5)
    assert [
        p["id"] for p in box_office.performances(db, include_past=False, now=after_saturday)
    ] == [sunday]


def test_tickets_carry_their_status(services, hamlet, ada):
    app, db = services.app, services.runner.db()
    _, saturday, sunday = hamlet
    kept = app.sell_tickets(saturday, {"Adult": 1}, patron_id=ada)
    refunded = app.sell_tickets(saturday, {"Student": 1}, patron_id=ada)
    app.refund_order(refunded.order_id)
    moved = app.sell_tickets(saturday, {"Adult": 1}, patron_id=ada)
    exchange = app.exchange_tickets(moved.codes, sunday)

    statuses = {t["code"]: t["status"] for t in box_office.tickets(db, saturday)}
    assert statuses == {
        kept.codes[0]: "valid",
        refunded.codes[0]: "refunded",
        moved.codes[0]: "exchanged",
    }
    [new] = box_office.tickets(db, sunday)
    assert new == {
        "code": exchange.codes[0],
        "patron_id": ada,
        "order_id": moved.order_id,
        "price_level": "Adult",
        "price_cents": 3000,
        "status": "valid",
        "issued_at": new["issued_at"],
    }
    # The price paid moved with the ticket.
    assert box_office.performance(db, saturday)["revenue_cents"] == 3000
    assert box_office.performance(db, sunday)["revenue_cents"] == 3000


def test_an_admitted_ticket_counts_as_a_visit(services, hamlet, ada):
    """The door adds ``Ticket.Admitted``; the read model already understands it."""
    app, db = services.app, services.runner.db()
    _, saturday, _ = hamlet
    sale = app.sell_tickets(saturday, {"Adult": 2}, patron_id=ada)

    projection = box_office.BoxOffice()
    with db.atomic():
        projection.handle(db, Ticket.Admitted(sale.codes[0], saturday), 10_000)
        projection.batch_done(db, final=True)  # the runner's end of a batch: counters written
    assert box_office.performance(db, saturday)["admitted"] == 1
    assert {t["status"] for t in box_office.tickets(db, saturday)} == {"admitted", "valid"}
    stats = box_office.patron_stats(db, ada)
    assert stats["visits"] == 1 and stats["tickets"] == 2


def test_orders_for_a_patron_newest_first(services, hamlet, ada):
    app, db = services.app, services.runner.db()
    _, saturday, sunday = hamlet
    first = app.sell_tickets(
        saturday, {"Adult": 2}, patron_id=ada, payment="cash", occurred_at=SAT - timedelta(days=10)
    )
    second = app.sell_tickets(
        sunday, {"Student": 1}, patron_id=ada, channel="phone", occurred_at=SAT - timedelta(days=2)
    )
    app.refund_order(first.order_id)

    orders = box_office.orders_for_patron(db, ada)
    assert [o["order_id"] for o in orders] == [second.order_id, first.order_id]
    assert orders[1] == {
        "order_id": first.order_id,
        "performance_id": saturday,
        "title": "Hamlet",
        "starts_at": "2026-03-14T19:30:00.000000+00:00",
        "quantity": 2,
        "total_cents": 6000,
        "refunded_cents": 6000,
        "payment": "cash",
        "channel": "box_office",
        "placed_at": "2026-03-04T19:30:00.000000+00:00",
        "codes": first.codes,
    }
    assert box_office.order(db, second.order_id) == orders[0]
    assert box_office.order(db, "missing") is None


def test_patron_stats_add_up_what_they_bought_and_gave(services, hamlet, ada):
    app, db = services.app, services.runner.db()
    _, saturday, sunday = hamlet
    assert box_office.patron_stats(db, ada) == {
        "orders": 0,
        "tickets": 0,
        "lifetime_spend_cents": 0,
        "donations_cents": 0,
        "visits": 0,
        "first_purchase_at": None,
        "last_purchase_at": None,
        "subscriber": False,
        "subscriber_since": None,
        "member_until": None,
        "unthanked_donations": 0,
    }
    day = SAT - timedelta(days=30)
    app.sell_tickets(saturday, {"Adult": 2}, patron_id=ada, occurred_at=day)
    refunded = app.sell_tickets(
        sunday, {"Student": 1}, patron_id=ada, occurred_at=day + timedelta(days=1)
    )
    app.refund_order(refunded.order_id)
    app.sell_subscription(
        ada, "Weekend pair", [saturday, sunday], 5000, occurred_at=day + timedelta(days=2)
    )
    app.start_membership(
        ada, "Friend", "2026-01-01", "2099-12-31", 4000, occurred_at=day + timedelta(days=3)
    )
    thanked = app.record_donation(ada, 2500, occurred_at=day + timedelta(days=4))
    app.record_donation(ada, 10000, fund="Youth theatre")
    app.acknowledge_donation(thanked, "email")
    app.sell_tickets(sunday, {"Adult": 1})  # someone else's

    stats = box_office.patron_stats(db, ada, today=date(2026, 3, 1))
    assert stats == {
        "orders": 2,
        "tickets": 4,
        "lifetime_spend_cents": 6000 + 5000 + 4000,
        "donations_cents": 12500,
        "visits": 0,
        "first_purchase_at": "2026-02-12T19:30:00.000000+00:00",
        "last_purchase_at": "2026-02-15T19:30:00.000000+00:00",
        "subscriber": True,
        "subscriber_since": "2026-02-14T19:30:00.000000+00:00",
        "member_until": "2099-12-31",
        "unthanked_donations": 1,
    }
    assert box_office.patron_stats(db, ada, today=date(2100, 1, 1))["member_until"] is None
    assert [d["fund"] for d in box_office.donations(db, unthanked_only=True)] == ["Youth theatre"]


def test_anonymous_sales_are_counted_as_lost_contacts(services, hamlet, ada):
    app, db = services.app, services.runner.db()
    _, saturday, _ = hamlet
    app.sell_tickets(saturday, {"Adult": 1}, payment="cash")
    app.sell_tickets(saturday, {"Adult": 2}, payment="cash")
    app.sell_tickets(saturday, {"Adult": 1}, patron_id=ada)
    assert box_office.lost_contacts(db) == 2


def test_every_box_office_interaction_is_on_the_patron_timeline(services, hamlet, ada):
    app = services.app
    production, saturday, sunday = hamlet
    moment = iter(SAT - timedelta(days=20) + timedelta(hours=h) for h in range(20))
    sale = app.sell_tickets(saturday, {"Adult": 2}, patron_id=ada, occurred_at=next(moment))
    app.exchange_tickets(sale.codes[:1], sunday, occurred_at=next(moment))
    app.refund_order(sale.order_id, occurred_at=next(moment))
    app.sell_tickets(
        sunday, {"Student": 1}, patron_id=ada, payment="complimentary", occurred_at=next(moment)
    )
    app.sell_subscription(ada, "Weekend pair", [saturday, sunday], 5000, occurred_at=next(moment))
    app.start_membership(ada, "Friend", "2026-01-01", "2026-12-31", 4000, occurred_at=next(moment))
    gift = app.record_donation(ada, 5000, fund="Youth theatre", occurred_at=next(moment))
    app.acknowledge_donation(gift, "call", occurred_at=next(moment))
    app.sell_tickets(saturday, {"Adult": 1}, occurred_at=next(moment))  # anonymous

    assert story(services, ada) == [
        ("thanks", "Thanked by phone for the $50.00 donation to Youth theatre"),
        ("donation", "Donated $50.00 to Youth theatre"),
        ("membership", "Became a member (Friend), {date:2026-01-01} to {date:2026-12-31} — $40.00"),
        ("subscription", "Subscribed to Weekend pair (2 performances) — $50.00"),
        ("purchase", f"Bought 1 ticket for Hamlet, {SUN} — complimentary"),
        (
            "refund",
            f"Refunded 2 tickets for Hamlet, {SAT_AT} and Hamlet, {SUN} — $60.00",
        ),
        ("exchange", f"Exchanged 1 ticket for Hamlet, {SAT_AT} to {SUN}"),
        ("purchase", f"Bought 2 tickets for Hamlet, {SAT_AT} — $60.00"),
    ]
    purchase = timeline.rows(services.runner.db(), ada)[-1]
    assert purchase["detail"] == "Adult × 2; paid by card, at the box office"
    assert purchase["recorded_by"] == "maria"


def test_renaming_a_production_renames_its_performances(services, hamlet, ada):
    app, db = services.app, services.runner.db()
    production, saturday, _ = hamlet
    other = app.schedule_performance(
        production, SAT + timedelta(days=7), 10, PRICES, title="Hamlet (relaxed performance)"
    )
    assert app.rename_production(production, "Hamlet, Prince of Denmark") is True
    assert app.rename_production(production, "Hamlet, Prince of Denmark") is False
    assert box_office.performance(db, saturday)["title"] == "Hamlet, Prince of Denmark"
    assert box_office.performance(db, other)["title"] == "Hamlet (relaxed performance)"
    app.sell_tickets(saturday, {"Adult": 1}, patron_id=ada)
    assert story(services, ada)[0][1].startswith("Bought 1 ticket for Hamlet, Prince of Denmark")


def test_editing_a_performance_reaches_the_list(services, hamlet):
    app, db = services.app, services.runner.db()
    _, saturday, _ = hamlet
    changes = app.update_performance(
        saturday,
        starts_at=SAT + timedelta(hours=1),
        venue="Studio",
        capacity=12,
        price_levels={"Adult": 3500},
    )
    assert set(changes) == {"starts_at", "venue", "capacity", "price_levels"}
    row = box_office.performance(db, saturday)
    assert (row["starts_at"], row["venue"], row["capacity"], row["price_levels"]) == (
        "2026-03-14T20:30:00.000000+00:00",
        "Studio",
        12,
        {"Adult": 3500},
    )
    assert app.update_performance(saturday, venue=" Studio ") == {}


def test_a_rebuild_gives_the_same_box_office(services, hamlet, ada):
    app, runner = services.app, services.runner
    _, saturday, sunday = hamlet
    sale = app.sell_tickets(saturday, {"Adult": 2}, patron_id=ada)
    app.exchange_tickets(sale.codes[:1], sunday)
    app.sell_subscription(ada, "Pair", [saturday, sunday], 5000)
    app.acknowledge_donation(app.record_donation(ada, 900), "letter")
    tables = box_office.BoxOffice.tables + ("timeline",)

    def dump():
        return {
            t: runner.db().conn.execute(f"SELECT * FROM [{t}] ORDER BY 1, 2").fetchall()
            for t in tables
        }

    before = dump()
    runner.rebuild()
    assert dump() == before
    assert len(before["bo_tickets"]) == 5


def test_a_refunded_subscription_leaves_the_spend_and_the_badge(services, hamlet, ada):
    app, db = services.app, services.runner.db()
    _, saturday, sunday = hamlet
    sold = app.sell_subscription(ada, "Weekend pair", [saturday, sunday], 5000)
    assert box_office.patron_stats(db, ada)["subscriber"] is True
    app.refund_subscription(sold.id)

    stats = box_office.patron_stats(db, ada)
    assert (stats["subscriber"], stats["lifetime_spend_cents"], stats["tickets"]) == (False, 0, 0)
    assert stats["subscriber_since"] is not None  # they were one once
    [row] = box_office.subscriptions(db, ada)
    assert (row["price_cents"], row["refunded_cents"]) == (5000, 5000)
    assert [p["sold"] for p in box_office.performances(db)] == [0, 0]
    assert [p["revenue_cents"] for p in box_office.performances(db)] == [0, 0]
    assert story(services, ada)[0] == (
        "refund",
        "Refunded the Weekend pair subscription (2 tickets) — $50.00",
    )


def test_contact_capture_counts_known_buyers_walk_ups_and_lost_contacts(services, hamlet, ada):
    app = services.app
    _production, saturday, sunday = hamlet
    app.sell_tickets(saturday, {"Adult": 2}, patron_id=ada)
    app.sell_to_walk_up(saturday, {"Student": 1}, "Bea", email="bea@example.org")
    app.sell_tickets(saturday, {"Adult": 1}, payment="cash")  # nobody asked her name
    refunded = app.sell_tickets(saturday, {"Adult": 1})
    app.refund_order(refunded.order_id)
    app.sell_tickets(sunday, {"Student": 3}, patron_id=ada)

    rows = {r["id"]: r for r in box_office.contact_capture(services.runner.db())}
    assert rows[saturday] | {"starts_at": None} == {
        "id": saturday,
        "title": "Hamlet",
        "starts_at": None,
        "orders": 4,
        "tickets": 5,
        "revenue_cents": 2 * 3000 + 1500 + 3000,
        "known": 2,
        "walk_ups": 1,
        "lost": 2,
    }
    assert (rows[sunday]["orders"], rows[sunday]["known"], rows[sunday]["lost"]) == (1, 1, 0)
