"""The loyalty ladder read model: rungs, dated moves, lapsing with the clock, new rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.box_office_service import SaleResult
from domain.loyalty import LoyaltyThresholds, lapse_moment
from projections import ladder
from projections.base import iso

NOW = datetime.now(UTC).replace(microsecond=0)
PRICES = {"Adult": 3000}


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


@pytest.fixture
def shows(services):
    """Hamlet and Swan Lake, a performance of each every 30 days over the past two years."""
    app = services.app
    made = {}
    for title in ("Hamlet", "Swan Lake"):
        production = app.create_production(title, occurred_at=ago(800))
        made[title] = [
            app.schedule_performance(production, ago(days), 50, PRICES, occurred_at=ago(800))
            for days in range(720, 0, -30)
        ]
    return made


def buy(services, patron: str, show: str, days_ago: float, tickets: int = 1) -> SaleResult:
    return services.app.sell_tickets(
        show, {"Adult": tickets}, patron_id=patron, occurred_at=ago(days_ago)
    )


def moves(db, patron: str) -> list[tuple[str, str, str]]:
    return [
        tuple(r)
        for r in db.conn.execute(
            "SELECT moved_at, from_rung, to_rung FROM ladder_moves WHERE patron_id = ?"
            " ORDER BY moved_at",
            (patron,),
        )
    ]


def tables(db) -> dict[str, list[tuple]]:
    return {
        name: db.conn.execute(f"SELECT * FROM {name} ORDER BY 1, 2").fetchall()
        for name in ("ladder_facts", "ladder_tickets", "ladder_rungs", "ladder_moves")
    }


def test_each_change_of_rung_is_recorded_with_its_date(services, shows):
    app, db = services.app, services.runner.db()
    ada = app.register_patron("Ada", "Lovelace", email="ada@example.org", occurred_at=ago(400))
    app.register_patron("Bob", "Prospect", email="bob@example.org")
    assert ladder.rung_counts(db) == {
        "prospect": 2,
        "tryer": 0,
        "buyer": 0,
        "advocate": 0,
        "lapsed": 0,
    }
    buy(services, ada, shows["Hamlet"][-4], 100)
    buy(services, ada, shows["Swan Lake"][-2], 40)
    assert moves(db, ada) == [
        (iso(ago(100)), "prospect", "tryer"),
        (iso(ago(40)), "tryer", "buyer"),
    ]
    assert ladder.rung_counts(db)["buyer"] == 1
    [row] = ladder.patrons_on_rung(db, "buyer")
    assert (row["name"], row["kind"], row["since"]) == ("Ada Lovelace", "multi_buyer", iso(ago(40)))
    judged = ladder.patron_ladder(db, ada)
    assert [f.label for f in judged.placement.reasons[0].facts] == ["Hamlet", "Swan Lake"]
    assert all(f.position > 0 for f in judged.placement.reasons[0].facts)  # the events


def test_a_refunded_order_never_counted(services, shows):
    app, db = services.app, services.runner.db()
    ada = app.register_patron("Ada", "Lovelace", email="ada@example.org")
    buy(services, ada, shows["Hamlet"][-3], 80)
    second = buy(services, ada, shows["Hamlet"][-1], 20, tickets=2)
    assert ladder.rung_counts(db)["buyer"] == 1
    app.refund_order(second.order_id, occurred_at=ago(19))
    assert ladder.rung_counts(db)["tryer"] == 1
    assert [m[2] for m in moves(db, ada)] == ["tryer"]


def test_time_passing_lapses_a_patron_on_the_day_the_threshold_is_crossed(services, shows):
    app, db = services.app, services.runner.db()
    ada = app.register_patron("Ada", "Lovelace", email="ada@example.org")
    buy(services, ada, shows["Hamlet"][0], 730)
    buy(services, ada, shows["Hamlet"][3], 540)  # 17.7 months ago: not yet lapsed
    assert ladder.rung_counts(db)["buyer"] == 1
    lapses = lapse_moment(ago(540), LoyaltyThresholds())
    later = NOW + timedelta(days=30)
    # Nothing happened, the tables were not worked out again, and yet a month on:
    assert ladder.rung_counts(db, later)["lapsed"] == 1
    [move] = ladder.loyalty_movements(db, NOW, later.date(), now=later)
    assert (move["from_rung"], move["to_rung"], move["moved_at"]) == (
        "buyer",
        "lapsed",
        iso(lapses),
    )
    assert move["movement"] == ladder.LAPSED_MOVE
    assert ladder.patrons_on_rung(db, "lapsed", later)[0]["since"] == iso(lapses)
    assert ladder.loyalty_movements(db, NOW, later.date()) == []  # not yet today


def test_one_patrons_rung_now_for_the_door(services, shows):
    app, db = services.app, services.runner.db()
    ada = app.register_patron("Ada", "Lovelace", email="ada@example.org")
    assert ladder.patron_rung(db, ada) == "prospect"
    buy(services, ada, shows["Hamlet"][0], 730)
    buy(services, ada, shows["Hamlet"][3], 540)
    assert ladder.patron_rung(db, ada) == "buyer"
    # the lapse date passing is enough, as in the other queries
    assert ladder.patron_rung(db, ada, NOW + timedelta(days=30)) == "lapsed"
    assert ladder.patron_rung(db, "no-such-patron") is None
    query = f"SELECT {ladder._EFFECTIVE} FROM ladder_rungs r WHERE r.patron_id = :patron"
    found = db.conn.execute(f"EXPLAIN QUERY PLAN {query}", {"now": iso(NOW), "patron": ada})
    plan = " ".join(row[-1] for row in found)
    assert "USING INDEX" in plan and "SCAN" not in plan


def test_changing_a_rule_recomputes_the_ladder_and_its_history(services, shows):
    app, db = services.app, services.runner.db()
    ada = app.register_patron("Ada", "Lovelace", email="ada@example.org")
    buy(services, ada, shows["Hamlet"][-6], 200)
    buy(services, ada, shows["Hamlet"][-5], 150)
    assert ladder.rung_counts(db)["buyer"] == 1
    stricter = LoyaltyThresholds(buyer_purchases=3, lapsed_months=4)
    assert ladder.recompute(db, stricter) == 1
    assert ladder.thresholds(db) == stricter
    assert ladder.rung_counts(db)["lapsed"] == 1
    assert [m[2] for m in moves(db, ada)] == ["tryer", "lapsed"]
    # New events are judged by the rules in force, and a rebuild keeps them.
    buy(services, ada, shows["Hamlet"][-1], 10)
    assert ladder.rung_counts(db)["buyer"] == 1
    assert [m[2] for m in moves(db, ada)] == ["tryer", "lapsed", "buyer"]
    before = tables(db)
    services.runner.rebuild()
    assert ladder.thresholds(db) == stricter
    assert tables(db) == before


def test_a_cancelled_recompute_changes_nothing(services, shows):
    app, db = services.app, services.runner.db()
    ada = app.register_patron("Ada", "Lovelace", email="ada@example.org")
    buy(services, ada, shows["Hamlet"][-6], 200)
    buy(services, ada, shows["Hamlet"][-5], 150)
    before = tables(db)
    with pytest.raises(ladder.RecomputeCancelled):
        ladder.recompute(db, LoyaltyThresholds(buyer_purchases=5), cancelled=lambda: True)
    assert tables(db) == before
    assert ladder.thresholds(db) == LoyaltyThresholds()


def test_working_out_after_each_batch_equals_a_rebuild(services, shows):
    app, db = services.app, services.runner.db()
    patrons = [
        app.register_patron(f"P{i}", "Patron", email=f"p{i}@example.org", occurred_at=ago(750))
        for i in range(6)
    ]
    for i, patron in enumerate(patrons):
        for n in range(i):
            show = shows["Hamlet" if n % 2 else "Swan Lake"][n * 4]
            sale = buy(services, patron, show, 720 - n * 120 - 5, tickets=1 + n)
            if n == 2:
                app.scan(sale.codes[0], show, "North door", occurred_at=ago(720 - n * 120))
    app.record_donation(patrons[5], 5000, occurred_at=ago(3))
    app.start_membership(
        patrons[1], "Friend", ago(300).date(), ago(-65).date(), 6000, occurred_at=ago(300)
    )
    before = tables(db)
    assert sum(ladder.rung_counts(db).values()) == 6
    services.runner.rebuild()
    assert tables(db) == before


def test_second_visits_count_first_timers_of_the_period_who_came_back(services, shows):
    app, db = services.app, services.runner.db()
    ada, bob, cy = (
        app.register_patron(n, "Patron", email=f"{n}@example.org", occurred_at=ago(400))
        for n in ("Ada", "Bob", "Cy")
    )
    hamlet = shows["Hamlet"]
    buy(services, ada, hamlet[-6], 200)  # first in the period ...
    buy(services, ada, hamlet[-5], 160)  # ... and back within it
    buy(services, bob, hamlet[-6], 200)  # first in the period, back only after it
    buy(services, bob, hamlet[-1], 20)
    buy(services, cy, hamlet[-5], 170)  # first in the period, never back
    period = (ago(185).date(), ago(100).date())
    figures = ladder.second_visits(db, *period)
    assert figures == {
        "first_timers": 3,
        "returned": 2,
        "returned_in_period": 1,
        "rate": 2 / 3,
        "rate_in_period": 1 / 3,
    }
    names = [r["name"] for r in ladder.first_timers(db, *period, returned=True)]
    assert names == ["Ada Patron", "Bob Patron"]
    assert [r["name"] for r in ladder.first_timers(db, *period, returned=False)] == ["Cy Patron"]
    assert [
        r["name"] for r in ladder.first_timers(db, *period, returned=False, in_period=True)
    ] == ["Bob Patron", "Cy Patron"]


def test_loyalty_movements_lists_who_moved_in_the_period(services, shows):
    app, db = services.app, services.runner.db()
    ada = app.register_patron("Ada", "Lovelace", email="ada@example.org")
    buy(services, ada, shows["Hamlet"][-6], 200)
    buy(services, ada, shows["Swan Lake"][-2], 50)
    rows = ladder.loyalty_movements(db, ago(100), NOW)
    assert [
        (r["patron_id"], r["name"], r["from_rung"], r["to_rung"], r["moved_at"]) for r in rows
    ] == [(ada, "Ada Lovelace", "tryer", "buyer", iso(ago(50)))]
    assert ladder.movement_counts(db, ago(300), NOW) == {"up": 1, "lapsed": 0, "back": 0}


@pytest.fixture
def computer_in_dubai(computer_clock):
    """This computer's clock zone is Asia/Dubai (four hours ahead of London in winter)."""
    computer_clock("Asia/Dubai")


def test_a_periods_days_are_the_organizations_not_the_computers(services, shows, computer_in_dubai):
    """A move at 22:30 on a London day belongs to that day in a London organization,
    though on a computer whose clock is in Dubai it is already the next day."""
    from zoneinfo import ZoneInfo

    london = ZoneInfo("Europe/London")
    app, db = services.app, services.runner.db()
    ada = app.register_patron("Ada", "Lovelace", email="ada@example.org", occurred_at=ago(400))
    late = datetime(2025, 12, 10, 22, 30, tzinfo=london)  # 02:30 on the 11th in Dubai
    app.sell_tickets(shows["Hamlet"][-2], {"Adult": 1}, patron_id=ada, occurred_at=late)
    app.sell_tickets(
        shows["Swan Lake"][-1], {"Adult": 1}, patron_id=ada, occurred_at=late + timedelta(1)
    )
    day = late.date() + timedelta(1)  # the 11th in London: the second purchase, a buyer
    [row] = ladder.loyalty_movements(db, day, day, zone=london)
    assert (row["from_rung"], row["to_rung"]) == ("tryer", "buyer")
    assert ladder.movement_counts(db, day, day, zone=london) == {"up": 1, "lapsed": 0, "back": 0}
    first = late.date()
    assert [r["to_rung"] for r in ladder.loyalty_movements(db, first, first, zone=london)] == [
        "tryer"
    ]
    # a first performance at 22:30 on a London day is a first-timer of that day
    production = app.create_production("Late Night Cabaret", occurred_at=ago(800))
    cabaret = app.schedule_performance(production, late, 50, PRICES, occurred_at=ago(800))
    bob = app.register_patron("Bob", "Newcomer", email="bob@example.org", occurred_at=ago(400))
    app.sell_tickets(cabaret, {"Adult": 1}, patron_id=bob, occurred_at=ago(500))
    assert ladder.second_visits(db, first, first, zone=london)["first_timers"] == 1
    [newcomer] = ladder.first_timers(db, first, first, zone=london)
    assert newcomer["name"] == "Bob Newcomer"
