"""Calls, chats and follow-ups in the read models: timeline rows, the chat queue,
transcript search, the follow-up list and quick answers; rebuilt the same."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from projections import conversations, timeline

NOW = datetime.now(UTC).replace(microsecond=0)
MESSAGES = [
    {
        "at": "2026-11-20T14:00:00+00:00",
        "sender": "visitor",
        "name": "Ada",
        "text": "Is there a hearing loop in the Brückner hall?",
    },
    {
        "at": "2026-11-20T14:01:00+00:00",
        "sender": "agent",
        "name": "Maria",
        "text": "Yes, in every seat.",
    },
]


def kinds(services, patron_id):
    return [(r["kind"], r["summary"]) for r in timeline.rows(services.runner.db(), patron_id)]


def test_a_logged_call_is_on_the_timeline_with_its_follow_up_day(services):
    app = services.app
    ada = app.register_patron("Ada", "Lovelace", email="ada@example.org")
    due = (NOW + timedelta(days=2)).date()

    app.log_call(
        ada,
        "incoming",
        "Parking",
        "call_back",
        "Asked about the car park.\nAnd more.",
        follow_up_on=due,
    )

    kind, summary = kinds(services, ada)[0]
    assert kind == "call"
    assert summary == (
        "Incoming call about Parking, to call back: Asked about the car park."
        f" · follow up by {{date:{due.isoformat()}}}"
    )
    assert timeline.rows(services.runner.db(), ada)[0]["detail"] == (
        "Asked about the car park.\nAnd more."
    )


def test_follow_ups_are_overdue_today_or_upcoming_and_done_ones_leave_the_list(services):
    app = services.app
    ada = app.register_patron("Ada", "Lovelace")
    today = date(2026, 11, 20)
    overdue = app.schedule_follow_up(
        ada, "2026-11-18", "Send the access guide", occurred_at=datetime(2026, 11, 10, tzinfo=UTC)
    )
    due_today = app.schedule_follow_up(
        ada, "2026-11-20", "Ring back about refunds", occurred_at=datetime(2026, 11, 10, tzinfo=UTC)
    )
    app.schedule_follow_up(
        ada, "2026-12-01", "Invite to the gala", occurred_at=datetime(2026, 11, 10, tzinfo=UTC)
    )
    db = services.runner.db()

    rows = conversations.follow_ups(db, today)
    assert [(r["status"], r["patron_name"], r["text"]) for r in rows] == [
        ("overdue", "Ada Lovelace", "Send the access guide"),
        ("today", "Ada Lovelace", "Ring back about refunds"),
        ("upcoming", "Ada Lovelace", "Invite to the gala"),
    ]
    assert conversations.follow_up_counts(db, today) == {"overdue": 1, "today": 1, "upcoming": 1}

    app.update_contact(ada, first_name="Mary Ann")
    assert conversations.follow_ups(db, today)[0]["patron_name"] == "Mary Ann Lovelace"
    app.mark_follow_up_done(overdue)
    assert [r["id"] for r in conversations.follow_ups(db, today)][:1] == [due_today]
    done = [r for r in conversations.follow_ups(db, today, include_done=True) if r["done"]]
    assert [(r["id"], r["status"], r["done_by"]) for r in done] == [(overdue, "done", "maria")]
    assert kinds(services, ada)[0] == ("follow_up", "Followed up: Send the access guide")
    app.mark_follow_up_undone(overdue)
    assert conversations.follow_ups(db, today)[0]["status"] == "overdue"
    assert kinds(services, ada)[0] == ("follow_up", "Follow-up reopened: Send the access guide")


def test_an_unmatched_chat_waits_in_the_queue_until_linked_then_shows_on_the_timeline(services):
    app = services.app
    ada = app.register_patron("Ada", "Lovelace", email="ada@example.org")
    grace = app.register_patron("Grace", "Hopper")
    chat = app.record_chat(
        "tawk.to", "c-1", MESSAGES, visitor_name="A. L.", visitor_email="someone@else.example"
    ).id
    db = services.runner.db()

    waiting = conversations.waiting_chats(db)
    assert [(c["id"], c["visitor_name"], c["preview"]) for c in waiting] == [
        (chat, "A. L.", "Is there a hearing loop in the Brückner hall?")
    ]
    assert [k for k, _ in kinds(services, ada)] == ["registered"]

    app.link_chat(chat, grace)  # a slip: linked to the wrong patron first
    app.link_chat(chat, ada)

    assert conversations.waiting_chats(db) == []
    assert [k for k, _ in kinds(services, grace)] == ["registered"]
    row = next(r for r in timeline.rows(db, ada) if r["kind"] != "registered")
    assert (row["kind"], row["summary"]) == (
        "chat",
        "Chat on tawk.to: Is there a hearing loop in the Brückner hall?",
    )
    assert row["occurred_at"].startswith("2026-11-20T14:00:00")
    assert "Maria (staff): Yes, in every seat." in row["detail"]


def test_transcripts_and_notes_are_searchable(services):
    app = services.app
    ada = app.register_patron("Ada", "Lovelace", email="ada@example.org")
    chat = app.record_chat("Crisp", "s-1", MESSAGES, visitor_email="ada@example.org").id
    app.record_chat("Crisp", "s-2", [{**MESSAGES[0], "text": "Parking on Sunday?"}])
    app.add_chat_note(chat, "Sent the seating plan with loop seats marked.")
    db = services.runner.db()

    assert [c["id"] for c in conversations.search_chats(db, "bruckner")] == [chat]
    assert [c["id"] for c in conversations.search_chats(db, "seating plan")] == [chat]
    assert [c["visitor_email"] for c in conversations.search_chats(db, "ada@exam")] == [
        "ada@example.org"
    ]
    assert len(conversations.search_chats(db, "")) == 2
    assert conversations.search_chats(db, "opera") == []
    assert kinds(services, ada)[0] == (
        "chat_note",
        "Chat note: Sent the seating plan with loop seats marked.",
    )


@pytest.fixture
def machine_in_tokyo(computer_clock):
    """This computer's clock in Tokyo (TZ), not the organization's zone nor UTC."""
    computer_clock("Asia/Tokyo")


def test_the_searched_transcript_holds_what_was_said_and_no_times_or_marks(
    services, machine_in_tokyo
):
    """Search finds the words of the messages; never this computer's clock ("[23:00]" in
    Tokyo) nor the marks' ISO moments, which the chat shows from ``shown_transcript``."""
    chat = services.app.record_chat("Crisp", "s-1", MESSAGES, visitor_name="A. L.").id
    db = services.runner.db()

    row = conversations.chat(db, chat)
    assert row is not None
    assert row["transcript"] == (
        "Ada: Is there a hearing loop in the Brückner hall?\nMaria (staff): Yes, in every seat."
    )
    assert row["shown_transcript"] == (
        "[{moment:2026-11-20T14:00:00+00:00}] Ada: Is there a hearing loop in the Brückner"
        " hall?\n[{moment:2026-11-20T14:01:00+00:00}] Maria (staff): Yes, in every seat."
    )
    assert [c["id"] for c in conversations.search_chats(db, "hearing loop")] == [chat]
    assert [c["id"] for c in conversations.search_chats(db, "every seat")] == [chat]
    assert [c["id"] for c in conversations.search_chats(db, "Maria")] == [chat]
    for not_said in ("23", "00", "14", "2026", "11 20", "moment", "T14", "staff 01"):
        assert conversations.search_chats(db, not_said) == [], not_said


def test_quick_answers_read_model_follows_edits_and_removals(services):
    app = services.app
    app.seed_quick_answers()
    own = app.add_quick_answer("Dress code", "Come as you are.")
    parking = next(
        a for a in conversations.quick_answers(services.runner.db()) if a["key"] == "parking"
    )
    app.edit_quick_answer(parking["id"], "Parking", "Use the Mill Lane car park.")
    app.remove_quick_answer(own)

    answers = conversations.quick_answers(services.runner.db())
    assert [a["title"] for a in answers] == [
        "Accessibility",
        "Box office hours",
        "Parking",
        "Refunds and exchanges",
        "Start times",
    ]
    assert next(a for a in answers if a["key"] == "parking")["text"] == (
        "Use the Mill Lane car park."
    )


def test_a_rebuild_gives_the_same_read_models(services):
    app = services.app
    ada = app.register_patron("Ada", "Lovelace", email="ada@example.org")
    app.log_call(
        ada,
        "outgoing",
        "Donation",
        "resolved",
        "Thanked her.",
        follow_up_on=NOW.date() + timedelta(days=5),
    )
    chat = app.record_chat("tawk.to", "c-9", MESSAGES).id
    app.link_chat(chat, ada)
    app.seed_quick_answers()
    db = services.runner.db()

    def snapshot():
        return {
            t: db.conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
            for t in ("calls", "follow_ups", "chats", "quick_answers", "timeline")
        }

    before = snapshot()
    services.runner.rebuild()
    assert snapshot() == before
