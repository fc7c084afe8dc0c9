"""The audit trail: who did what, when, from which workstation, in plain words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from projections import audit


def test_every_action_is_in_the_audit_with_who_and_where(start):
    office = start(staff="maria", workstation="box-office-1")
    patron = office.app.register_patron("Ada", "Lovelace", email="ada@example.org")
    office.app.add_note(patron, "Asked about parking")
    production = office.app.create_production("Hamlet")
    performance = office.app.schedule_performance(
        production, datetime.now(tz=UTC) + timedelta(hours=2), 80, {"Adult": 2500}
    )
    code = office.app.sell_tickets(performance, {"Adult": 2}, patron_id=patron).codes[0]
    door = start(staff="dee", workstation="north-door")
    door.app.scan(code, performance, "North door")
    door.app.scan("NOPE-1234", performance, "North door")
    office.runner.catch_up()

    rows = audit.rows(office.runner.db())
    assert [(r["recorded_by"], r["workstation"], r["action"]) for r in rows] == [
        ("dee", "north-door", "Door scan refused or repeated"),
        ("dee", "north-door", "Ticket admitted at the door"),
        ("maria", "box-office-1", "Tickets sold"),
        ("maria", "box-office-1", "Performance: scheduled"),
        ("maria", "box-office-1", "Production: created"),
        ("maria", "box-office-1", "Patron: note added"),
        ("maria", "box-office-1", "Patron registered"),
    ]
    assert rows[-1]["subject"] == patron and rows[0]["occurred_at"] > rows[-1]["occurred_at"]
    assert [r["action"] for r in audit.rows(office.runner.db(), "NORTH")] == [
        "Door scan refused or repeated",
        "Ticket admitted at the door",
    ]
    assert [r["recorded_by"] for r in audit.rows(office.runner.db(), "note")] == ["maria"]
    # Never personal data: the audit says a note was added, not what it said.
    text = repr(office.runner.db().conn.execute("SELECT * FROM audit").fetchall())
    assert "parking" not in text and "Lovelace" not in text and "ada@" not in text
