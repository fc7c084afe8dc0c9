"""The support read model: chats and incoming calls as inquiries, the rota, and the
report through the service (tests/domain/support_example.py has the arithmetic)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime

import pytest

from domain.errors import NotAllowed
from projections import support
from tests.domain.support_example import CALLS, CHATS, EXPECTED, LONDON, STARTED


@pytest.fixture
def week(services):
    app = services.app
    patron = app.register_patron("Ada", "Lovelace", email="ada@example.org")
    for key, messages in CHATS.items():
        app.record_chat(
            "tawk.to",
            f"chat-{key}",
            messages,
            visitor_email="ada@example.org",
            occurred_at=datetime.fromisoformat(STARTED[key]),
        )
    for at, direction, reason in CALLS:
        app.log_call(patron, direction, reason, "answered", occurred_at=datetime.fromisoformat(at))
    app.add_duty_slot("Monday", "09:00", "12:00", "phone", name="Maria")
    app.add_duty_slot("Monday", "09:30", "12:00", "chat", name="Jo")
    services.runner.catch_up()
    return services


def test_the_report_from_the_read_model_matches_the_hand_computed_week(week):
    db = week.runner.db()
    inquiries = support.inquiries(db)
    figures = week.app.support_report(inquiries, support.rota(db), LONDON)

    assert {k: asdict(figures)[k] for k in EXPECTED} == EXPECTED
    assert len(inquiries) == 8  # six chats and two incoming calls; the outgoing one is not
    assert [s["name"] for s in support.rota(db)] == ["Maria", "Jo"]


def test_the_period_is_in_local_days(week):
    db = week.runner.db()
    # Sunday 5 July ends at 23:00 UTC in London: the chat at 23:58 local is Sunday's.
    sunday = support.inquiries(db, date(2026, 7, 5), date(2026, 7, 5), LONDON)
    assert [i["started_at"][:16] for i in sunday] == ["2026-07-05T22:58"]
    monday_on = support.inquiries(db, date(2026, 7, 6), None, LONDON)
    assert len(monday_on) == 7


def test_the_rota_read_model_follows_removals_and_a_rebuild(week):
    slot = next(s for s in week.app.duty_slots() if s.name == "Jo")
    week.app.remove_duty_slot(slot.id)
    week.runner.catch_up()
    assert [s["name"] for s in support.rota(week.runner.db())] == ["Maria"]
    before = support.inquiries(week.runner.db())
    week.runner.rebuild()
    assert support.inquiries(week.runner.db()) == before
    assert [s["name"] for s in support.rota(week.runner.db())] == ["Maria"]


def test_a_door_volunteer_may_not_see_the_report(week):
    app = week.app
    app.add_staff("Tom", "manager", password="manager-pass")
    app.sign_in("Tom", password="manager-pass")
    app.add_staff("Dee", "door", pin="4321")
    app.add_staff("Bob", "box office", password="box-office-pass")
    db = week.runner.db()

    app.sign_in("Bob", password="box-office-pass")
    assert app.support_report(support.inquiries(db), support.rota(db)).inquiries == 8
    app.sign_in("Dee", pin="4321")
    with pytest.raises(NotAllowed, match="see the patron support report"):
        app.support_report(support.inquiries(db), support.rota(db))


def test_quick_answers_used_in_notes_and_staff_messages_are_counted(services):
    app = services.app
    patron = app.register_patron("Ada", "Lovelace", email="ada@example.org")
    app.seed_quick_answers()
    services.runner.catch_up()
    parking = next(a for a in support_answers(services) if a[0] == "Parking")[1]
    app.log_call(patron, "incoming", "Parking", "answered", f"Asked about parking.\n{parking}")
    chat = app.record_chat(
        "Crisp",
        "c-9",
        [
            {"at": "2026-07-07T18:00:00+00:00", "sender": "visitor", "name": "", "text": "Park?"},
            {"at": "2026-07-07T18:01:00+00:00", "sender": "agent", "name": "", "text": parking},
        ],
        visitor_email="ada@example.org",
    ).id
    hours = next(a for a in support_answers(services) if a[0] == "Box office hours")[1]
    app.add_chat_note(chat, f"Also told them: {hours}")
    services.runner.catch_up()

    figures = app.support_report(support.inquiries(services.runner.db()), [], UTC)
    assert figures.quick_answers == [["Parking", 2], ["Box office hours", 1]]
    assert figures.reasons == [["Parking", 1]]


def support_answers(services) -> list[tuple[str, str]]:
    return services.runner.db().conn.execute("SELECT title, text FROM support_answers").fetchall()
