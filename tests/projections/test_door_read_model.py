"""The door read model: house count per door, scans, and the facts behind the greeting cue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.loyalty import PatronFacts
from projections import door

PRICES = {"Adult": 3000}
NOW = datetime.now(tz=UTC).replace(microsecond=0)


def evening(services, days_from_now: int = 0, capacity: int = 50, title: str = "Tosca"):
    app = services.app
    production = app.create_production(title, occurred_at=NOW - timedelta(days=400))
    return app.schedule_performance(
        production,
        NOW + timedelta(days=days_from_now, hours=1),
        capacity,
        PRICES,
        venue="Main hall",
        occurred_at=NOW - timedelta(days=400),
    )


def everything(db) -> dict:
    return {
        t: db.conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
        for t in door.DoorReadModel.tables
    }


def test_the_house_count_follows_sales_refunds_and_admissions_at_each_door(services):
    app, db = services.app, services.runner.db()
    show = evening(services, capacity=40)
    sale = app.sell_tickets(show, {"Adult": 5})
    refunded = app.sell_tickets(show, {"Adult": 2})
    app.refund_order(refunded.order_id)
    for code, where in zip(sale.codes, ["North", "North", "South"], strict=False):
        assert app.scan(code, show, where).verdict == "admit"
    app.scan(sale.codes[0], show, "South")  # already admitted: refused
    app.scan(refunded.codes[0], show, "North")  # void: refused

    assert door.house_count(db, show) == {
        "admitted": 3,
        "sold": 5,
        "capacity": 40,
        "doors": {"North": 2, "South": 1},
    }
    ticket = door.ticket(db, sale.codes[2])
    assert (ticket["performance_id"], ticket["status"], ticket["admitted_door"]) == (
        show,
        "valid",
        "South",
    )
    assert door.ticket(db, refunded.codes[0])["status"] == "refunded"
    north = door.recent_scans(db, show, "North")
    assert [(s["code"], s["verdict"]) for s in north] == [
        (refunded.codes[0], "void"),
        (sale.codes[1], "admit"),
        (sale.codes[0], "admit"),
    ]
    assert [s["verdict"] for s in door.recent_scans(db, show)][:2] == ["void", "already_admitted"]
    assert [p["id"] for p in door.performances(db)] == [show]


def test_patron_facts_count_visits_orders_commitments_and_unthanked_gifts(services):
    app, db = services.app, services.runner.db()
    last_year = evening(services, days_from_now=-400, title="Carmen")
    spring = evening(services, days_from_now=-200, title="Figaro")
    tonight = evening(services)
    vera = app.register_patron(
        "Vera", "Novak", tags=["opera", "hearing loop"], occurred_at=NOW - timedelta(days=500)
    )
    old = app.sell_tickets(
        last_year, {"Adult": 4}, patron_id=vera, occurred_at=NOW - timedelta(days=420)
    )
    app.scan(old.codes[0], last_year, "North", occurred_at=NOW - timedelta(days=400))
    app.scan(old.codes[1], last_year, "North", occurred_at=NOW - timedelta(days=400))
    subscription = app.sell_subscription(
        vera, "Season", [spring, tonight], 9000, occurred_at=NOW - timedelta(days=300)
    )
    app.scan(subscription.codes[0], spring, "North", occurred_at=NOW - timedelta(days=200))
    app.start_membership(
        vera, "Friend", "2023-09-01", "2027-08-31", 5000, occurred_at=NOW - timedelta(days=50)
    )
    first = app.record_donation(vera, 10_000, occurred_at=NOW - timedelta(days=100))
    app.record_donation(vera, 2_500, occurred_at=NOW - timedelta(days=10))
    app.acknowledge_donation(first, "letter")

    facts = door.patron_facts(db, vera, tonight)
    assert facts == PatronFacts(
        first_name="Vera",
        tags=("opera", "hearing loop"),
        purchases=1,
        productions=3,
        group_orders=1,
        visits=2,  # Carmen (two tickets, one visit) and Figaro
        last_visit=NOW - timedelta(days=200),
        last_activity=NOW - timedelta(days=10),
        subscriptions=1,
        subscriber_since=NOW - timedelta(days=300),
        member_since=datetime(2023, 9, 1, tzinfo=UTC),
        donations=2,
        unthanked_donations=1,
    )
    # tonight's own admission does not count as a previous visit
    app.scan(subscription.codes[1], tonight, "North")
    assert door.patron_facts(db, vera, tonight).visits == 2
    assert door.patron_facts(db, vera, tonight, group_size=5).group_orders == 0
    # the door never holds amounts
    columns = {c for t in door.DoorReadModel.tables for c in db[t].columns_dict}
    assert not any("amount" in c or "cents" in c or "email" in c for c in columns)


def test_a_rebuild_gives_the_same_door_read_model(services):
    app, db = services.app, services.runner.db()
    show = evening(services)
    rosa = app.register_patron("Rosa", "Silva")
    sale = app.sell_tickets(show, {"Adult": 3}, patron_id=rosa)
    app.scan(sale.codes[0], show, "North")
    app.scan("garbage", show, "North")
    app.record_donation(rosa, 500)
    before = everything(db)
    services.runner.rebuild()
    assert everything(db) == before
    assert door.house_count(db, show)["admitted"] == 1


def test_tonights_ticket_holders_are_found_by_any_part_of_their_name(services):
    app, db = services.app, services.runner.db()
    tonight = evening(services)
    tomorrow = evening(services, days_from_now=1)
    zoe = app.register_patron("Zoë", "Adams")
    ada = app.register_patron("Ada", "Lovelace")
    app.register_patron("Adam", "Zimmer")  # no ticket tonight: never found
    app.sell_tickets(tonight, {"Adult": 2}, patron_id=ada)
    app.sell_tickets(tonight, {"Adult": 1}, patron_id=zoe)
    app.sell_tickets(tomorrow, {"Adult": 1}, patron_id=zoe)
    [found] = door.ticket_holders(db, tonight, "lovel")
    assert found["name"] == "Ada Lovelace" and len(found["tickets"]) == 2
    assert [h["name"] for h in door.ticket_holders(db, tonight, "ZOE")] == ["Zoë Adams"]
    assert [h["name"] for h in door.ticket_holders(db, tonight, "ad")] == [
        "Zoë Adams",
        "Ada Lovelace",
    ]
    assert door.ticket_holders(db, tonight, "zim") == []
    assert door.ticket_holders(db, tonight, "%") == door.ticket_holders(db, tonight, "") == []
    app.update_contact(ada, last_name="King")
    assert [h["name"] for h in door.ticket_holders(db, tonight, "king")] == ["Ada King"]
