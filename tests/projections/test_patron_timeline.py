"""A patron's timeline: everything that happened, newest first, and who recorded it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from projections import timeline


def story(services, patron_id: str) -> list[tuple]:
    return [
        (row["kind"], row["summary"], row["recorded_by"], row["workstation"])
        for row in timeline.rows(services.runner.db(), patron_id)
    ]


def test_the_timeline_lists_interactions_newest_first(services):
    app = services.app
    ada = app.register_patron("Ada", "Lovelace", email="ada@example.org")
    app.context.staff, app.context.workstation = "sam", "door-2"
    app.update_contact(ada, phone="555 123 4567", email_consent=True)
    app.set_tags(ada, ["opera", "jazz"])
    app.set_household(ada, "Lives with William")
    app.add_note(ada, "Asked about wheelchair seating.\nCall back on Monday.")

    assert story(services, ada) == [
        ("note", "Asked about wheelchair seating.", "sam", "door-2"),
        ("household", "Household: Lives with William", "sam", "door-2"),
        ("interests", "Interests: opera, jazz", "sam", "door-2"),
        ("contact", "Contact details changed: phone, email consent", "sam", "door-2"),
        ("registered", "Became a patron at the office", "maria", "box-office-1"),
    ]
    assert timeline.rows(services.runner.db(), ada)[0]["detail"] == (
        "Asked about wheelchair seating.\nCall back on Monday."
    )
    assert timeline.count(services.runner.db(), ada) == 5


def test_back_dated_events_sort_by_when_they_happened(services):
    app = services.app
    ada = app.register_patron("Ada", "Lovelace")
    app.add_note(ada, "Bought a season ticket today.")
    last_spring = datetime.now(UTC) - timedelta(days=300)
    in_new_york = timezone(timedelta(hours=-5))
    app.add_note(ada, "Came to the spring gala.", occurred_at=last_spring.astimezone(in_new_york))
    app.add_note(ada, "Donated after the gala.", occurred_at=last_spring + timedelta(hours=2))

    rows = timeline.rows(services.runner.db(), ada)
    assert [r["summary"] for r in rows] == [
        "Bought a season ticket today.",
        "Became a patron at the office",
        "Donated after the gala.",
        "Came to the spring gala.",
    ]
    assert rows[-1]["occurred_at"] == last_spring.isoformat(timespec="microseconds")


def test_timelines_are_per_patron_and_page(services):
    app = services.app
    ada = app.register_patron("Ada", "Lovelace")
    grace = app.register_patron("Grace", "Hopper")
    for i in range(5):
        app.add_note(ada, f"Note {i}")
    app.add_note(grace, "Only note")

    db = services.runner.db()
    assert [r["summary"] for r in timeline.rows(db, grace)] == [
        "Only note",
        "Became a patron at the office",
    ]
    assert [r["summary"] for r in timeline.rows(db, ada, limit=2, offset=1)] == [
        "Note 3",
        "Note 2",
    ]


def test_a_named_attendee_has_their_ticket_and_admission_on_their_timeline(services):
    """Issue 16, finding 5: the attendee is the relationship the box office wants to keep."""
    app = services.app
    production = app.create_production("Hamlet")
    starts = datetime(2026, 3, 14, 19, 30, tzinfo=UTC)
    show = app.schedule_performance(production, starts, 50, {"Adult": 2500})
    ada = app.register_patron("Ada", "Lovelace")
    charles = app.register_patron("Charles", "Babbage")
    sale = app.sell_tickets(
        show, {"Adult": 2}, patron_id=ada, holders=[None, charles], channel="online"
    )
    app.scan(sale.codes[1], show, "Main door")
    services.runner.catch_up()

    assert [(kind, summary) for kind, summary, *_ in story(services, charles)][:2] == [
        ("admission", "Admitted to Hamlet, {moment:2026-03-14T19:30:00+00:00} at Main door"),
        ("ticket", "Holds a ticket for Hamlet, {moment:2026-03-14T19:30:00+00:00}"),
    ]
    # The buyer keeps the order (and is not told twice about her own ticket).
    kinds = [kind for kind, *_ in story(services, ada)]
    assert kinds.count("purchase") == 1 and "ticket" not in kinds and "admission" not in kinds


def test_the_sales_channels_report_counts_the_attendees_named(services):
    """Issue 16: reports count the attendees captured besides the buyers."""
    from projections import reports

    app = services.app
    production = app.create_production("Hamlet")
    show = app.schedule_performance(
        production, datetime(2026, 3, 14, 19, 30, tzinfo=UTC), 50, {"Adult": 2500}
    )
    ada = app.register_patron("Ada", "Lovelace")
    guests = [app.register_patron(name, "Guest") for name in ("Cy", "Di")]
    app.sell_tickets(show, {"Adult": 3}, patron_id=ada, holders=[None, *guests], channel="online")
    app.sell_tickets(show, {"Adult": 1}, patron_id=ada)
    services.runner.catch_up()

    rows = {r["channel"]: r for r in reports.sales_channels(services.runner.db())}
    assert (rows["online"]["attendees"], rows["box_office"]["attendees"]) == (2, 0)
