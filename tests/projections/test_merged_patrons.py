"""Read models follow a merge, and an unmerge puts every row back as it was."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from projections import all_projections, box_office, door, duplicates, patron_merges, timeline
from projections import patron_directory as directory
from projections.audit import Audit

NOW = datetime.now(tz=UTC).replace(microsecond=0)
PRICES = {"Adult": 3000}


def show(app, title: str, days: int):
    production = app.create_production(title, occurred_at=NOW - timedelta(days=900))
    return app.schedule_performance(
        production, NOW + timedelta(days=days), 50, PRICES, venue="Main hall",
        occurred_at=NOW - timedelta(days=900),
    )  # fmt: skip


def two_histories(app) -> tuple[str, str, str]:
    """Ada with tickets, visits and a gift; her duplicate with a
    history of its own: a visit, a membership and a note. Returns (ada, twin, tonight)."""
    carmen, figaro = show(app, "Carmen", -400), show(app, "Figaro", -100)
    tonight = show(app, "Tosca", 0)
    ada = app.register_patron("Ada", "Lovelace", email="ada@example.org", tags=["opera"],
                              address={"postal_code": "SW1A 1AA"},
                              occurred_at=NOW - timedelta(days=800))  # fmt: skip
    twin = app.register_patron("Ada", "Lovelace", phone="555 123 4567",
                               address={"postal_code": "SW1A 1AA"},
                               occurred_at=NOW - timedelta(days=500))  # fmt: skip
    old = app.sell_tickets(carmen, {"Adult": 2}, patron_id=ada,
                           occurred_at=NOW - timedelta(days=410))  # fmt: skip
    app.scan(old["codes"][0], carmen, "North", occurred_at=NOW - timedelta(days=400))
    spring = app.sell_tickets(figaro, {"Adult": 1}, patron_id=twin,
                              occurred_at=NOW - timedelta(days=120))  # fmt: skip
    app.scan(spring["codes"][0], figaro, "South", occurred_at=NOW - timedelta(days=100))
    app.record_donation(ada, 5000, "Annual fund", "card", occurred_at=NOW - timedelta(days=90))
    app.start_membership(twin, "Friend", (NOW - timedelta(days=60)).date().isoformat(),
                         (NOW + timedelta(days=300)).date().isoformat(), 4000, "card",
                         occurred_at=NOW - timedelta(days=60))  # fmt: skip
    app.add_note(twin, "Prefers aisle seats.", occurred_at=NOW - timedelta(days=50))
    app.sell_tickets(tonight, {"Adult": 1}, patron_id=twin, occurred_at=NOW - timedelta(days=1))
    return ada, twin, tonight


def every_table(db) -> dict[str, list[tuple]]:
    """Every row of every read model table (positions aside)."""
    return {
        table: sorted(db.conn.execute(f"SELECT * FROM [{table}]").fetchall(), key=repr)
        for projection in all_projections()
        for table in projection.tables
        # The audit trail is a log of actions: merging and unmerging are rightly in it.
        if not table.endswith("_fts") and table not in Audit.tables
    }


def what_views_read(db, patron_id: str, tonight: str) -> dict:
    return {
        "directory": directory.get(db, patron_id),
        "timeline": timeline.rows(db, patron_id),
        "stats": box_office.patron_stats(db, patron_id),
        "orders": box_office.orders_for_patron(db, patron_id),
        "donations": box_office.donations(db, patron_id),
        "memberships": box_office.memberships(db, patron_id),
        "door": door.patron_facts(db, patron_id, tonight),
    }


def test_the_survivor_shows_both_histories_and_the_duplicate_leaves_search(services):
    app, db = services.app, services.runner.db()
    ada, twin, tonight = two_histories(app)

    app.merge_patrons(twin, ada)

    assert [p["id"] for p in directory.search(db, "lovelace")] == [ada]
    assert [p["id"] for p in directory.page(db)] == [ada]
    assert directory.count(db) == 1
    assert directory.get(db, twin)["merged_into"] == ada
    kinds = [r["kind"] for r in timeline.rows(db, ada)]
    assert kinds.count("registered") == 2 and "note" in kinds and "membership" in kinds
    assert timeline.count(db, ada) == len(kinds) == 8
    stats = box_office.patron_stats(db, ada)
    assert (stats["orders"], stats["tickets"], stats["visits"]) == (3, 4, 2)
    assert stats["donations_cents"] == 5000 and stats["member_until"] is not None
    facts = door.patron_facts(db, ada, tonight)
    assert (facts.first_name, facts.visits, facts.purchases, facts.donations) == ("Ada", 2, 3, 1)
    assert facts.member_since is not None
    # The duplicate's ticket for tonight greets as Ada, with everything she did.
    assert door.patron_facts(db, twin, tonight) == facts
    assert [h["patron_id"] for h in door.ticket_holders(db, tonight, "ada")] == [ada]
    assert patron_merges.family(db, twin) == [ada, twin]


def test_unmerging_puts_every_read_model_back_row_for_row(services):
    app, runner = services.app, services.runner
    db = runner.db()
    ada, twin, tonight = two_histories(app)
    tables_before = every_table(db)
    views_before = {p: what_views_read(db, p, tonight) for p in (ada, twin)}

    app.merge_patrons(twin, ada)
    assert every_table(db) != tables_before
    app.unmerge_patron(twin)

    assert every_table(db) == tables_before
    assert {p: what_views_read(db, p, tonight) for p in (ada, twin)} == views_before
    assert [p["id"] for p in directory.search(db, "lovelace")] == sorted([ada, twin])
    # ... and a rebuild from the first event makes the same read models.
    runner.rebuild()
    assert every_table(db) == tables_before


def test_what_happened_during_the_merge_stays_with_the_survivor(services):
    app, db = services.app, services.runner.db()
    ada, twin, tonight = two_histories(app)
    twin_before = what_views_read(db, twin, tonight)
    app.merge_patrons(twin, ada)

    app.add_note(twin, "Phoned about the merge.")  # a stale screen: lands on Ada
    app.sell_tickets(tonight, {"Adult": 2}, patron_id=twin)
    app.unmerge_patron(twin)

    assert what_views_read(db, twin, tonight) == twin_before
    summaries = [r["summary"] for r in timeline.rows(db, ada)]
    assert "Phoned about the merge." in summaries
    assert box_office.patron_stats(db, ada)["orders"] == 2


def test_duplicate_candidates_with_their_reasons(services):
    app, db = services.app, services.runner.db()
    ada = app.register_patron("Ada", "Lovelace", email="ada@example.org", phone="555 123 4567",
                              address={"postal_code": "SW1A 1AA"})  # fmt: skip
    twin = app.register_patron("ADA", "Lovelace", email="Ada@Example.org",
                               address={"postal_code": "sw1a 1aa"},
                               allow_duplicate=True)  # fmt: skip
    phone = app.register_patron("Augusta", "King", phone="(555) 123-4567", allow_duplicate=True)
    bob = app.register_patron("Bob", "Smith", address={"postal_code": "90210"})
    robert = app.register_patron("Robert", "Smyth", address={"postal_code": "90210"})
    app.register_patron("Robert", "Smith", address={"postal_code": "10001"})  # elsewhere
    app.register_patron("Grace", "Hopper", address={"postal_code": "90210"})

    found = [(c["a"], c["b"], c["reasons"]) for c in duplicates.candidates(db)]
    assert found == [
        (ada, twin, ["email", "name"]),
        (ada, phone, ["phone"]),
        (bob, robert, ["name"]),
    ]

    app.dismiss_duplicate(robert, bob)
    assert [c["b"] for c in duplicates.candidates(db)] == [twin, phone]
    app.merge_patrons(twin, ada)
    assert [c["b"] for c in duplicates.candidates(db)] == [phone]
    app.reopen_duplicate(bob, robert)
    rows = duplicates.review_rows(db)
    assert [r["b"] for r in rows] == [phone, robert]
    assert rows[0]["a_stats"]["tickets"] == 0 and rows[0]["a_name"] == "Ada Lovelace"
