"""The thank-you queue: who came and who gave, until they are thanked; and how
promptly they were thanked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.money import AMOUNT
from projections import thank_yous, timeline

NOW = datetime.now(tz=UTC).replace(microsecond=0)
PRICES = {"Adult": 3000}


def written(row: dict) -> str:
    """The summary as a screen in US dollars writes it: the read model keeps the amount
    as cents beside the words (``amount_cents``), the view writes it in the currency."""
    cents = row.get("amount_cents")
    if cents is None:
        return row["summary"]
    return row["summary"].replace(AMOUNT, f"${cents / 100:,.2f}")


def show(app, title: str, days_ago: float, capacity: int = 40) -> str:
    production = app.create_production(title, occurred_at=NOW - timedelta(days=300))
    return app.schedule_performance(
        production,
        NOW - timedelta(days=days_ago),
        capacity,
        PRICES,
        occurred_at=NOW - timedelta(days=300),
    )


def came(app, performance: str, patron: str | None, days_ago: float, tickets: int = 1) -> list:
    sale = app.sell_tickets(
        performance,
        {"Adult": tickets},
        patron_id=patron,
        occurred_at=NOW - timedelta(days=days_ago + 10),
    )
    for code in sale.codes:
        app.scan(code, performance, "North", occurred_at=NOW - timedelta(days=days_ago, minutes=5))
    return sale.codes


def names(rows) -> list[tuple]:
    return [(r["kind"], r["first_name"], r.get("title") or r.get("fund")) for r in rows]


def test_everyone_admitted_and_every_unthanked_donor_waits(services):
    app, db = services.app, services.runner.db()
    ada = app.register_patron("Ada", "Lovelace", email="ada@example.org")
    zoe = app.register_patron("Zoë", "Adams", email="zoe@example.net")
    hamlet = show(app, "Hamlet", days_ago=2)
    came(app, hamlet, ada, days_ago=2, tickets=3)  # one row however many tickets
    came(app, hamlet, None, days_ago=2)  # anonymous: nobody to thank
    sold_only = app.sell_tickets(hamlet, {"Adult": 1}, patron_id=zoe)  # stayed home
    app.record_donation(zoe, 5000, "Education fund", occurred_at=NOW - timedelta(days=1))
    thanked_gift = app.record_donation(ada, 900, occurred_at=NOW - timedelta(days=3))
    app.acknowledge_donation(thanked_gift, "letter")

    rows = thank_yous.queue(db)
    assert names(rows) == [("donor", "Zoë", "Education fund"), ("attendee", "Ada", "Hamlet")]
    attendee = rows[1]
    assert (attendee["tickets"], attendee["visit_number"], attendee["email"]) == (
        3,
        1,
        "ada@example.org",
    )
    assert rows[0]["amount_cents"] == 5000 and rows[0]["visit_number"] is None
    assert thank_yous.count(db) == 2
    assert thank_yous.count(db, kind="donor", thanked=None) == 2
    assert [p["title"] for p in thank_yous.performances(db)] == ["Hamlet"]
    assert sold_only.codes


def test_thanks_move_rows_out_of_the_waiting_list(services):
    app, db = services.app, services.runner.db()
    ada = app.register_patron("Ada", "Lovelace", email="ada@example.org")
    hamlet = show(app, "Hamlet", days_ago=2)
    tosca = show(app, "Tosca", days_ago=1)
    came(app, hamlet, ada, days_ago=2)
    came(app, tosca, ada, days_ago=1)
    gift = app.record_donation(ada, 5000, occurred_at=NOW - timedelta(hours=5))

    app.thank_patron(ada, "email", "attendance", hamlet)
    app.thank_patron(ada, "call", "donation", gift)

    waiting = thank_yous.queue(db)
    assert [(r["title"], r["visit_number"]) for r in waiting] == [("Tosca", 2)]
    thanked = {r["kind"]: r for r in thank_yous.queue(db, thanked=True)}
    assert (thanked["attendee"]["thanked_how"], thanked["attendee"]["thanked_by"]) == (
        "email",
        "maria",
    )
    assert thanked["donor"]["thanked_how"] == "call"
    # filters: one performance, one kind
    assert thank_yous.queue(db, performance_id=hamlet, thanked=None)[0]["title"] == "Hamlet"
    assert thank_yous.queue(db, kind="donor") == []


def test_an_undone_admission_takes_the_patron_out_again(services):
    app, db = services.app, services.runner.db()
    ada = app.register_patron("Ada", "Lovelace")
    hamlet = show(app, "Hamlet", days_ago=0.1)
    codes = came(app, hamlet, ada, days_ago=0.1, tickets=2)
    app.undo_admission(codes[0], "scanned the wrong ticket", "North")
    assert thank_yous.queue(db)[0]["tickets"] == 1
    app.undo_admission(codes[1], "scanned the wrong ticket", "North")
    assert thank_yous.queue(db) == []


def test_thank_yous_are_on_the_timeline(services):
    app, db = services.app, services.runner.db()
    ada = app.register_patron("Ada", "Lovelace")
    hamlet = show(app, "Hamlet", days_ago=2)
    came(app, hamlet, ada, days_ago=2)
    gift = app.record_donation(ada, 5000, "General fund")

    app.thank_patron(ada, "letter", "attendance", hamlet)
    app.thank_patron(ada, "call", "donation", gift)

    summaries = [written(r) for r in timeline.rows(db, ada) if r["kind"] == "thanks"]
    assert summaries[0] == "Thanked by phone for the $50.00 donation to General fund"
    assert summaries[1].startswith("Thanked by letter for coming to Hamlet, ")
    assert len(summaries) == 2  # a donor's thanks is one row, not two


def test_the_share_thanked_within_seven_days(services):
    app, db = services.app, services.runner.db()
    patrons = [app.register_patron(f"P{i}", "Test") for i in range(5)]
    old = show(app, "Hamlet", days_ago=20)
    recent = show(app, "Tosca", days_ago=2)
    for patron in patrons[:4]:
        came(app, old, patron, days_ago=20)
    came(app, recent, patrons[4], days_ago=2)  # its week is not over: not counted yet
    at = NOW - timedelta(days=20)
    app.thank_patron(patrons[0], "email", "attendance", old, occurred_at=at + timedelta(days=1))
    app.thank_patron(patrons[1], "letter", "attendance", old, occurred_at=at + timedelta(days=6))
    app.thank_patron(patrons[2], "call", "attendance", old, occurred_at=at + timedelta(days=9))
    late_gift = app.record_donation(patrons[0], 100, occurred_at=NOW - timedelta(days=30))
    app.record_donation(patrons[1], 100, occurred_at=NOW - timedelta(days=10))
    app.thank_patron(
        patrons[0], "email", "donation", late_gift, occurred_at=NOW - timedelta(days=12)
    )

    figures = thank_yous.promptness(db, now=NOW)

    assert figures["attendees"] == {
        "waiting": 2,
        "thanked": 3,
        "week_over": 4,
        "thanked_within_7_days": 2,
        "share_within_7_days": 0.5,
    }
    assert figures["donors"] == {
        "waiting": 1,
        "thanked": 1,
        "week_over": 2,
        "thanked_within_7_days": 0,
        "share_within_7_days": 0.0,
    }
    empty = thank_yous.promptness(db, now=NOW - timedelta(days=100))
    assert empty["attendees"]["share_within_7_days"] is None


def test_names_follow_contact_changes_and_survive_a_rebuild(services):
    app, db = services.app, services.runner.db()
    ada = app.register_patron("Ada", "Lovelace", email="ada@example.org")
    hamlet = show(app, "Hamlet", days_ago=2)
    came(app, hamlet, ada, days_ago=2)
    app.update_contact(ada, first_name="Augusta", email="augusta@example.org")
    before = thank_yous.queue(db, thanked=None)
    assert (before[0]["first_name"], before[0]["email"]) == ("Augusta", "augusta@example.org")

    services.runner.rebuild()

    assert thank_yous.queue(services.runner.db(), thanked=None) == before
