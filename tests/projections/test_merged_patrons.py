"""Read models follow a merge, and an unmerge puts every row back as it was."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from projections import (
    all_projections,
    box_office,
    conversations,
    door,
    duplicates,
    ladder,
    patron_merges,
    patron_search,
    thank_yous,
    timeline,
)
from projections import patron_directory as directory
from projections.audit import Audit

NOW = datetime.now(tz=UTC).replace(microsecond=0)
PRICES = {"Adult": 3000}
CHAT = [
    {
        "at": (NOW - timedelta(days=40)).isoformat(),
        "sender": "visitor",
        "name": "Ada",
        "text": "Is there a hearing loop in the hall?",
    },
    {
        "at": (NOW - timedelta(days=40, minutes=-1)).isoformat(),
        "sender": "agent",
        "name": "Maria",
        "text": "Yes, in every seat.",
    },
]


def show(app, title: str, days: int):
    production = app.create_production(title, occurred_at=NOW - timedelta(days=900))
    return app.schedule_performance(
        production,
        NOW + timedelta(days=days),
        50,
        PRICES,
        venue="Main hall",
        occurred_at=NOW - timedelta(days=900),
    )


def two_histories(app) -> tuple[str, str, str]:
    """Ada with tickets, visits and a gift; her duplicate with a history of its own: a
    visit (thanked for), a membership, a note, a call with a follow-up and a chat.
    Returns (ada, twin, tonight)."""
    carmen, figaro = show(app, "Carmen", -400), show(app, "Figaro", -100)
    tonight = show(app, "Tosca", 0)
    ada = app.register_patron(
        "Ada",
        "Lovelace",
        email="ada@example.org",
        tags=["opera"],
        address={"postal_code": "SW1A 1AA"},
        occurred_at=NOW - timedelta(days=800),
    )
    twin = app.register_patron(
        "Ada",
        "Lovelace",
        phone="555 123 4567",
        address={"postal_code": "SW1A 1AA"},
        occurred_at=NOW - timedelta(days=500),
    )
    old = app.sell_tickets(
        carmen, {"Adult": 2}, patron_id=ada, occurred_at=NOW - timedelta(days=410)
    )
    app.scan(old.codes[0], carmen, "North", occurred_at=NOW - timedelta(days=400))
    spring = app.sell_tickets(
        figaro, {"Adult": 1}, patron_id=twin, occurred_at=NOW - timedelta(days=120)
    )
    app.scan(spring.codes[0], figaro, "South", occurred_at=NOW - timedelta(days=100))
    app.record_donation(ada, 5000, "Annual fund", "card", occurred_at=NOW - timedelta(days=90))
    app.start_membership(
        twin,
        "Friend",
        (NOW - timedelta(days=60)).date().isoformat(),
        (NOW + timedelta(days=300)).date().isoformat(),
        4000,
        "card",
        occurred_at=NOW - timedelta(days=60),
    )
    app.thank_patron(twin, "letter", "attendance", figaro, occurred_at=NOW - timedelta(days=95))
    app.add_note(twin, "Prefers aisle seats.", occurred_at=NOW - timedelta(days=50))
    app.log_call(
        twin,
        "incoming",
        "Parking",
        "call_back",
        "Asked about the car park.",
        follow_up_on=(NOW + timedelta(days=7)).date(),
        occurred_at=NOW - timedelta(days=45),
    )
    chat = app.record_chat("tawk.to", "c-1", CHAT, visitor_phone="555 123 4567")
    assert chat.patron_id == twin  # linked by the twin's phone number
    app.sell_tickets(tonight, {"Adult": 1}, patron_id=twin, occurred_at=NOW - timedelta(days=1))
    return ada, twin, tonight


#: the timeline's rows for merges and unmerges: they stay (what was done is history)
MERGE_ROWS = ("merge", "merged_into", "unmerge", "unmerged")


def every_table(db) -> dict[str, list[tuple]]:
    """Every row of every read model table (positions aside), the timeline's rows for
    merges and unmerges aside."""
    skip = f"WHERE kind NOT IN ({','.join('?' * len(MERGE_ROWS))})"
    return {
        table: sorted(
            db.conn.execute(
                f"SELECT * FROM [{table}] {skip if table == 'timeline' else ''}",
                MERGE_ROWS if table == "timeline" else (),
            ).fetchall(),
            key=repr,
        )
        for projection in all_projections()
        for table in projection.tables
        # The audit trail is a log of actions: merging and unmerging are rightly in it.
        if not table.endswith("_fts") and table not in Audit.tables
    }


def what_views_read(db, patron_id: str, tonight: str) -> dict:
    return {
        "directory": directory.get(db, patron_id),
        "timeline": [r for r in timeline.rows(db, patron_id) if r["kind"] not in MERGE_ROWS],
        "stats": box_office.patron_stats(db, patron_id),
        "orders": box_office.orders_for_patron(db, patron_id),
        "donations": box_office.donations(db, patron_id),
        "memberships": box_office.memberships(db, patron_id),
        "door": door.patron_facts(db, patron_id, tonight),
        "calls": conversations.calls(db, patron_id),
        "ladder": ladder.patron_ladder(db, patron_id, NOW),
        "facts": sorted(ladder.patron_facts(db, patron_id), key=repr),
    }


def what_lists_show(db) -> dict:
    """The lists of many patrons: follow-ups, chats, the thank-you queue, the ladder."""
    return {
        "follow_ups": conversations.follow_ups(db, include_done=True),
        "chats": conversations.search_chats(db, "hearing"),
        "thank_yous": thank_yous.queue(db, thanked=None),
        "thank_you_count": thank_yous.count(db, thanked=None),
        "performances": thank_yous.performances(db),
        "promptness": thank_yous.promptness(db, NOW),
        "rungs": ladder.rung_counts(db, NOW),
        "moves": ladder.loyalty_movements(db, NOW - timedelta(days=1000), NOW, NOW),
    }


def test_the_survivor_shows_both_histories_and_the_duplicate_leaves_search(services):
    app, db = services.app, services.runner.db()
    ada, twin, tonight = two_histories(app)

    app.merge_patrons(twin, ada)

    assert [p["id"] for p in patron_search.search(db, "lovelace")] == [ada]
    assert [p["id"] for p in directory.page(db)] == [ada]
    assert directory.count(db) == 1
    assert directory.get(db, twin)["merged_into"] == ada
    kinds = [r["kind"] for r in timeline.rows(db, ada)]
    assert kinds.count("registered") == 2 and "note" in kinds and "membership" in kinds
    assert {"call", "chat", "thanks", "admission"} <= set(kinds)
    # the merge itself is on the survivor's timeline, once (not the duplicate's own row)
    assert kinds[0] == "merge" and "merged_into" not in kinds
    assert timeline.count(db, ada) == len(kinds) == 14
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
    lists_before = what_lists_show(db)
    for table in ("calls", "chats", "follow_ups", "ty_queue", "ladder_rungs", "ladder_moves"):
        assert tables_before[table], f"the history has no row in {table}"

    app.merge_patrons(twin, ada)
    assert every_table(db) != tables_before
    assert what_lists_show(db) != lists_before
    app.unmerge_patron(twin)

    assert every_table(db) == tables_before
    assert {p: what_views_read(db, p, tonight) for p in (ada, twin)} == views_before
    assert [r["kind"] for r in timeline.rows(db, ada)][:2] == ["unmerge", "merge"]
    assert [r["kind"] for r in timeline.rows(db, twin)][:2] == ["unmerged", "merged_into"]
    assert what_lists_show(db) == lists_before
    assert [p["id"] for p in patron_search.search(db, "lovelace")] == sorted([ada, twin])
    # ... and a rebuild from the first event makes the same read models.
    runner.rebuild()
    assert every_table(db) == tables_before


def test_what_happened_during_the_merge_stays_with_the_survivor(services):
    app, db = services.app, services.runner.db()
    ada, twin, tonight = two_histories(app)
    twin_before = what_views_read(db, twin, tonight)
    app.merge_patrons(twin, ada)

    app.add_note(twin, "Phoned about the merge.")  # a stale screen: lands on Ada
    app.log_call(twin, "outgoing", "Seats", "answered")
    app.sell_tickets(tonight, {"Adult": 2}, patron_id=twin)
    app.unmerge_patron(twin)

    assert what_views_read(db, twin, tonight) == twin_before
    summaries = [r["summary"] for r in timeline.rows(db, ada)]
    assert "Phoned about the merge." in summaries
    assert box_office.patron_stats(db, ada)["orders"] == 2
    assert [c["reason"] for c in conversations.calls(db, ada)] == ["Seats"]


def test_duplicate_candidates_with_their_reasons(services):
    app, db = services.app, services.runner.db()
    ada = app.register_patron(
        "Ada",
        "Lovelace",
        email="ada@example.org",
        phone="555 123 4567",
        address={"postal_code": "SW1A 1AA"},
    )
    twin = app.register_patron(
        "ADA",
        "Lovelace",
        email="Ada@Example.org",
        address={"postal_code": "sw1a 1aa"},
        allow_duplicate=True,
    )
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


def test_calls_chats_and_follow_ups_name_the_survivor_while_merged(services):
    app, db = services.app, services.runner.db()
    ada, twin, tonight = two_histories(app)
    assert [f["patron_id"] for f in conversations.follow_ups(db)] == [twin]

    app.merge_patrons(twin, ada)

    # the follow-up list and "open patron" name the record that remains
    assert [(f["patron_id"], f["patron_name"]) for f in conversations.follow_ups(db)] == [
        (ada, "Ada Lovelace")
    ]
    assert [c["reason"] for c in conversations.calls(db, ada)] == ["Parking"]
    assert conversations.calls(db, ada) == conversations.calls(db, twin)
    assert conversations.calls(db, ada)[0]["patron_id"] == ada
    found = conversations.search_chats(db, "hearing loop")
    assert [c["patron_id"] for c in found] == [ada]
    assert conversations.chat(db, found[0]["id"])["patron_id"] == ada
    assert [c["patron_id"] for c in conversations.search_chats(db, "")] == [ada]

    app.unmerge_patron(twin)
    assert [f["patron_id"] for f in conversations.follow_ups(db)] == [twin]
    assert conversations.calls(db, ada) == []
    assert [c["patron_id"] for c in conversations.search_chats(db, "hearing")] == [twin]


def test_a_chat_linked_to_a_merged_record_lands_on_the_survivor(services):
    app, db = services.app, services.runner.db()
    ada, twin, tonight = two_histories(app)
    other = app.record_chat("Crisp", "s-7", [{**CHAT[0], "text": "Wheelchair spaces?"}]).id
    app.merge_patrons(twin, ada)

    app.link_chat(other, twin)  # a stale screen still showing the duplicate

    assert conversations.chat(db, other)["patron_id"] == ada
    assert "chat" in [r["kind"] for r in timeline.rows(db, ada)]
    # a new chat from the duplicate's phone number finds the survivor (the keys moved)
    new = app.record_chat(
        "tawk.to", "c-2", [{**CHAT[0], "text": "Late entry?"}], visitor_phone="555 123 4567"
    )
    assert new.patron_id == ada
    app.unmerge_patron(twin)
    # done during the merge: stays with the survivor
    assert conversations.chat(db, other)["patron_id"] == ada


def test_the_thank_you_queue_shows_one_row_per_person_and_performance(services):
    app, db = services.app, services.runner.db()
    ada, twin, tonight = two_histories(app)
    gala = show(app, "Gala", -10)
    for patron, tickets in ((ada, 2), (twin, 1)):  # both records came to the gala
        sale = app.sell_tickets(
            gala, {"Adult": tickets}, patron_id=patron, occurred_at=NOW - timedelta(days=12)
        )
        for code in sale.codes:
            app.scan(code, gala, "North", occurred_at=NOW - timedelta(days=10))
    gift = app.record_donation(twin, 2500, "Education", occurred_at=NOW - timedelta(days=3))
    promptness = thank_yous.promptness(db, NOW)
    assert thank_yous.count(db, performance_id=gala) == 2

    app.merge_patrons(twin, ada)

    rows = thank_yous.queue(db, thanked=None)
    assert {r["patron_id"] for r in rows} == {ada}
    assert [
        (r["kind"], r["title"] or r["fund"], r["tickets"], r["visit_number"], r["thanked_how"])
        for r in rows
    ] == [
        ("donor", "Education", 0, None, None),
        ("attendee", "Gala", 3, 3, None),  # Ada's two tickets and the duplicate's one
        ("donor", "Annual fund", 0, None, None),
        ("attendee", "Figaro", 1, 2, "letter"),  # the duplicate was thanked for Figaro
        ("attendee", "Carmen", 1, 1, None),
    ]
    assert thank_yous.count(db, thanked=None) == 5 and thank_yous.count(db) == 4
    assert thank_yous.count(db, performance_id=gala) == 1
    gala_row = thank_yous.queue(db, performance_id=gala)[0]
    assert gala_row["key"] == thank_yous.attendance_key(gala, ada)
    assert [
        (p["title"], p["attendees"], p["waiting"])
        for p in thank_yous.performances(db)
        if p["id"] == gala
    ] == [("Gala", 1, 1)]
    assert thank_yous.promptness(db, NOW) == promptness  # the stored rows are unchanged

    # thanking from the queue: the person once for the gala, and the duplicate's gift
    app.thank_patron(gala_row["patron_id"], "email", "attendance", gala)
    app.thank_patron(ada, "call", "donation", gift)
    assert [r["title"] or r["fund"] for r in thank_yous.queue(db)] == ["Annual fund", "Carmen"]
    assert thank_yous.promptness(db, NOW)["attendees"]["waiting"] == 1  # both gala rows thanked

    app.unmerge_patron(twin)
    waiting = [(r["patron_id"], r["title"] or r["fund"]) for r in thank_yous.queue(db)]
    assert waiting == [(ada, "Annual fund"), (ada, "Carmen")]
    assert {r["patron_id"] for r in thank_yous.queue(db, performance_id=gala, thanked=True)} == {
        ada,
        twin,
    }


def test_the_ladder_works_the_survivor_out_from_both_records(services):
    app, db = services.app, services.runner.db()
    ada, twin, tonight = two_histories(app)
    counts_before = ladder.rung_counts(db, NOW)
    assert sum(counts_before.values()) == 2
    ada_facts, twin_facts = ladder.patron_facts(db, ada), ladder.patron_facts(db, twin)
    ada_before = ladder.patron_ladder(db, ada, NOW)
    twin_before = ladder.patron_ladder(db, twin, NOW)

    app.merge_patrons(twin, ada)

    assert sum(ladder.rung_counts(db, NOW).values()) == 1  # the duplicate left the counts
    both = ladder.patron_facts(db, ada)
    assert sorted(both, key=repr) == sorted(ada_facts + twin_facts, key=repr)
    assert ladder.patron_facts(db, twin) == both
    judged = ladder.patron_ladder(db, ada, NOW)
    assert judged == ladder.patron_ladder(db, twin, NOW)
    # Ada alone was a tryer then a buyer by her gift; with the twin's orders and membership
    # the survivor's moves are worked out as one person's
    assert judged != ada_before
    rung = db.conn.execute("SELECT rung FROM ladder_rungs WHERE patron_id = ?", (ada,)).fetchone()
    assert rung[0] == judged.placement.rung
    assert not db.conn.execute("SELECT 1 FROM ladder_rungs WHERE patron_id = ?", (twin,)).fetchone()
    assert not db.conn.execute("SELECT 1 FROM ladder_moves WHERE patron_id = ?", (twin,)).fetchone()
    assert [p["patron_id"] for p in ladder.patrons_on_rung(db, judged.placement.rung, NOW)] == [ada]

    app.unmerge_patron(twin)
    assert ladder.rung_counts(db, NOW) == counts_before
    assert ladder.patron_ladder(db, ada, NOW) == ada_before
    assert ladder.patron_ladder(db, twin, NOW) == twin_before


def test_a_performance_both_records_attended_is_one_visit_on_the_ladder(services):
    app, db = services.app, services.runner.db()
    ada = app.register_patron("Ada", "Lovelace", occurred_at=NOW - timedelta(days=30))
    twin = app.register_patron(
        "Ada", "Lovelace", phone="555 000 1111", occurred_at=NOW - timedelta(days=30)
    )
    gala = show(app, "Gala", -10)
    for patron in (ada, twin):
        sale = app.sell_tickets(
            gala, {"Adult": 1}, patron_id=patron, occurred_at=NOW - timedelta(days=12)
        )
        app.scan(sale.codes[0], gala, "North", occurred_at=NOW - timedelta(days=10))

    app.merge_patrons(twin, ada)

    visits = [f for f in ladder.patron_facts(db, ada) if f.kind == "visit"]
    assert [f.ref for f in visits] == [gala]
    row = db.conn.execute(
        "SELECT first_show, second_show FROM ladder_rungs WHERE patron_id = ?", (ada,)
    ).fetchone()
    assert row[0] is not None and row[1] is None  # one performance, not a second visit


def test_a_rebuild_while_merged_makes_the_same_read_models(services):
    app, runner = services.app, services.runner
    db = runner.db()
    ada, twin, tonight = two_histories(app)
    app.merge_patrons(twin, ada)
    carmen = next(r["reference_id"] for r in thank_yous.queue(db, kind="attendee"))
    app.thank_patron(twin, "email", "attendance", carmen)  # lands on Ada while merged
    assert thank_yous.queue(db, kind="attendee") == []
    tables, lists = every_table(db), what_lists_show(db)

    runner.rebuild()

    assert every_table(db) == tables
    assert what_lists_show(db) == lists
