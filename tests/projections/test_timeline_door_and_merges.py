"""The door and merges on a patron's timeline: admissions with their door, undone
admissions with the reason, refused scans of the patron's tickets, merges and unmerges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.money import AMOUNT
from infrastructure.erasure import erase_patron
from projections import timeline

SAT = datetime(2026, 3, 14, 19, 30, tzinfo=UTC)
DOORS_OPEN = SAT - timedelta(minutes=40)
#: when the patrons registered and bought (before the doors opened)
EARLIER = SAT - timedelta(days=10)


def written(row: dict) -> str:
    """The summary as a screen in US dollars writes it: the read model keeps the amount
    as cents beside the words (``amount_cents``), the view writes it in the currency."""
    cents = row.get("amount_cents")
    if cents is None:
        return row["summary"]
    return row["summary"].replace(AMOUNT, f"${cents / 100:,.2f}")


#: Saturday's performance as the timeline keeps it
NIGHT = "Hamlet, {moment:2026-03-14T19:30:00+00:00}"


def story(services, patron_id: str) -> list[tuple]:
    return [
        (row["kind"], written(row), row["recorded_by"], row["workstation"])
        for row in timeline.rows(services.runner.db(), patron_id)
        if row["kind"] not in ("registered", "purchase")
    ]


def hamlet(app):
    production = app.create_production("Hamlet")
    saturday = app.schedule_performance(production, SAT, 10, {"Adult": 3000})
    sunday = app.schedule_performance(production, SAT + timedelta(days=1), 10, {"Adult": 3000})
    return saturday, sunday


def test_admissions_undone_admissions_and_refused_scans_are_on_the_holders_timeline(services):
    app = services.app
    saturday, sunday = hamlet(app)
    ada = app.register_patron("Ada", "Lovelace", occurred_at=EARLIER)
    first, second = app.sell_tickets(
        saturday, {"Adult": 2}, patron_id=ada, occurred_at=EARLIER
    ).codes
    refunded = app.sell_tickets(saturday, {"Adult": 1}, patron_id=ada, occurred_at=EARLIER)
    app.refund_order(refunded.order_id, occurred_at=DOORS_OPEN - timedelta(days=2))
    walk_up = app.sell_tickets(saturday, {"Adult": 1}, occurred_at=EARLIER).codes[0]

    app.context.staff, app.context.workstation = "jo", "door-laptop"
    at = DOORS_OPEN
    assert app.scan(first, saturday, "North door", occurred_at=at).verdict == "admit"
    app.undo_admission(
        first, "Scanned the wrong ticket", "North door", occurred_at=at + timedelta(minutes=1)
    )
    app.scan(first, saturday, "North door", occurred_at=at + timedelta(minutes=2))
    app.scan(first, saturday, "Side door", occurred_at=at + timedelta(minutes=3))
    app.scan(second, sunday, "North door", occurred_at=at + timedelta(minutes=4))
    app.scan(refunded.codes[0], saturday, "North door", occurred_at=at + timedelta(minutes=5))
    app.scan(walk_up, saturday, "North door", occurred_at=at + timedelta(minutes=6))
    app.scan("NOTACODE99", saturday, "North door", occurred_at=at + timedelta(minutes=7))

    night = "Hamlet, {moment:2026-03-14T19:30:00+00:00}"  # the view writes the mark out
    next_night = "Hamlet, {moment:2026-03-15T19:30:00+00:00}"
    assert story(services, ada) == [
        (
            "refused_scan",
            f"Turned away at North door: ticket no longer valid, refunded or exchanged ({night})",
            "jo",
            "door-laptop",
        ),
        (
            "refused_scan",
            f"Turned away at North door: ticket for {night}, scanned at"
            f" {next_night[len('Hamlet, ') :]}",
            "jo",
            "door-laptop",
        ),
        (
            "refused_scan",
            f"Turned away at Side door: already admitted ({night})",
            "jo",
            "door-laptop",
        ),
        ("admission", f"Admitted to {night} at North door", "jo", "door-laptop"),
        (
            "admission_undone",
            f"Admission to {night} undone at North door: Scanned the wrong ticket",
            "jo",
            "door-laptop",
        ),
        ("admission", f"Admitted to {night} at North door", "jo", "door-laptop"),
        ("refund", f"Refunded 1 ticket for {night} — $30.00", "maria", "box-office-1"),
    ]
    rows = timeline.rows(services.runner.db(), ada)
    assert rows[3]["kind"] == "admission"
    assert rows[3]["occurred_at"] == (at + timedelta(minutes=2)).isoformat(timespec="microseconds")
    assert rows[3]["detail"] == f"Ticket {first}"
    assert rows[0]["detail"] == f"Ticket {refunded.codes[0]}"


def test_a_rebuild_gives_the_same_timeline(services, read_models):
    app = services.app
    saturday, _ = hamlet(app)
    ada = app.register_patron("Ada", "Lovelace", occurred_at=EARLIER)
    code = app.sell_tickets(saturday, {"Adult": 1}, patron_id=ada, occurred_at=EARLIER).codes[0]
    app.scan(code, saturday, "North door", occurred_at=DOORS_OPEN)
    app.scan(code, saturday, "North door", occurred_at=DOORS_OPEN + timedelta(minutes=5))
    before = read_models(services.runner.db())
    services.runner.rebuild()
    assert read_models(services.runner.db()) == before
    assert [r["kind"] for r in timeline.rows(services.runner.db(), ada)][:2] == [
        "refused_scan",
        "admission",
    ]


def test_a_merge_and_an_unmerge_are_on_both_records_and_listed_once(services):
    app = services.app
    saturday, _ = hamlet(app)
    ada = app.register_patron("Ada", "Lovelace", email="ada@example.org", occurred_at=EARLIER)
    twin = app.register_patron(
        "Ada", "Lovelace-Byron", email="ada.byron@example.org", occurred_at=EARLIER
    )
    code = app.sell_tickets(saturday, {"Adult": 1}, patron_id=twin, occurred_at=EARLIER).codes[0]
    app.context.staff = "lee"
    app.merge_patrons(twin, ada, occurred_at=EARLIER + timedelta(days=1))
    app.scan(code, saturday, "North door", occurred_at=DOORS_OPEN)  # the twin's old ticket

    merged = story(services, ada)
    assert merged == [
        ("admission", f"Admitted to {NIGHT} at North door", "lee", "box-office-1"),
        ("merge", "Took in the record of Ada Lovelace-Byron (a duplicate)", "lee", "box-office-1"),
    ]

    app.unmerge_patron(twin, occurred_at=DOORS_OPEN + timedelta(days=1))
    assert [s for _, s, _, _ in story(services, ada)] == [
        "Unmerged: the record of Ada Lovelace-Byron is separate again",
        "Took in the record of Ada Lovelace-Byron (a duplicate)",
    ]
    assert [s for _, s, _, _ in story(services, twin)] == [
        "Unmerged: separate again from the record of Ada Lovelace",
        f"Admitted to {NIGHT} at North door",
        "Merged into the record of Ada Lovelace (a duplicate)",
    ]


def test_an_erasure_leaves_a_marker_and_no_name_on_other_timelines(services):
    app = services.app
    ada = app.register_patron("Ada", "Lovelace")
    twin = app.register_patron("Zebulonia", "Quixwortham")
    app.merge_patrons(twin, ada)
    app.unmerge_patron(twin)
    erase_patron(app, services.runner, twin)

    db = services.runner.db()
    summaries = [r["summary"] for r in timeline.rows(db, ada)]
    assert "Took in a record whose personal data was erased (a duplicate)" in summaries
    assert not any("Zebulonia" in s or "Quixwortham" in s for s in summaries)
    marker = timeline.rows(db, twin)[0]
    assert marker["kind"] == "erased"
    assert marker["summary"].startswith("Personal data erased by maria on ")
    dump = "\n".join(db.conn.iterdump())
    assert "Zebulonia" not in dump and "Quixwortham" not in dump
