"""Logging calls, scheduling follow-ups, marking them done and undone; quick answers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.conversations import Call, FollowUp, QuickAnswer
from domain.conversations_service import DEFAULT_QUICK_ANSWERS
from domain.errors import ConversationNotFound, InvalidInput, PatronNotFound, ValidationError

NOW = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)


@pytest.fixture
def ada(store) -> str:
    return store.register_patron("Ada", "Lovelace", email="ada@example.org")


def test_a_call_is_logged_with_who_where_and_when(store, ada):
    store.context.staff, store.context.workstation = "maria", "box-office-2"

    logged = store.log_call(
        ada,
        "incoming",
        " Parking ",
        "answered",
        "Asked about the car park.\n  Told her Mill Lane.  ",
        occurred_at=NOW,
    )

    call = store.repository.get(store_id(logged.id))
    assert isinstance(call, Call)
    assert (call.patron_id, call.direction, call.reason, call.outcome) == (
        ada,
        "incoming",
        "Parking",
        "answered",
    )
    assert call.notes == "Asked about the car park.\n  Told her Mill Lane."
    event = store.repository.get(call.id, version=1)
    assert event.logged_at == NOW
    assert logged.follow_up_id is None
    recorded = list(store.events.get(call.id))[0]
    assert (recorded.recorded_by, recorded.workstation) == ("maria", "box-office-2")


def store_id(text: str):
    from uuid import UUID

    return UUID(text)


def test_a_call_with_a_follow_up_day_schedules_the_follow_up_in_the_same_save(store, ada):
    due = (NOW + timedelta(days=3)).date()

    logged = store.log_call(
        ada,
        "outgoing",
        "Refund or exchange",
        "call_back",
        "Wants Thursday instead.",
        follow_up_on=due,
        occurred_at=NOW,
    )

    follow_up = store.repository.get(store_id(logged.follow_up_id))
    assert isinstance(follow_up, FollowUp)
    assert (follow_up.patron_id, follow_up.due_on, follow_up.source) == (
        ada,
        due.isoformat(),
        "call",
    )
    assert follow_up.text == "Call back about Refund or exchange: Wants Thursday instead."
    assert follow_up.source_id == logged.id
    assert not follow_up.done


def test_unusable_call_details_are_refused_with_a_message_per_field(store, ada):
    with pytest.raises(InvalidInput) as refused:
        store.log_call(
            ada, "sideways", "x" * 81, "maybe", follow_up_on=date(2020, 1, 1), occurred_at=NOW
        )

    assert set(refused.value.by_field()) == {"direction", "reason", "outcome", "follow_up"}
    assert refused.value.by_field()["direction"] == "Choose incoming or outgoing."
    with pytest.raises(ValidationError) as bad_day:
        store.log_call(ada, follow_up_on="next Tuesday")
    assert "year-month-day" in str(bad_day.value)
    with pytest.raises(PatronNotFound):
        store.log_call("not-a-patron")


@pytest.mark.parametrize(
    ("zone", "called", "due", "in_the_past"),
    [
        # 17:00 on 7 December in Los Angeles, already the 8th in UTC: today is not past
        ("America/Los_Angeles", datetime(2026, 12, 8, 1, 0, tzinfo=UTC), "2026-12-07", False),
        ("America/Los_Angeles", datetime(2026, 12, 8, 1, 0, tzinfo=UTC), "2026-12-06", True),
        # 01:00 on 8 December in Auckland, still the 7th in UTC: the 7th is yesterday
        ("Pacific/Auckland", datetime(2026, 12, 7, 12, 0, tzinfo=UTC), "2026-12-07", True),
        ("Pacific/Auckland", datetime(2026, 12, 7, 12, 0, tzinfo=UTC), "2026-12-08", False),
    ],
)
def test_a_follow_up_day_is_past_or_not_on_the_organizations_calendar(
    store, ada, zone, called, due, in_the_past
):
    """Whether a call's follow-up day is in the past is decided on the organization's
    day, not on the day in UTC (in Los Angeles a follow-up for today was refused from
    16:00 on, the day in UTC being tomorrow already)."""
    store.rota.local_zone = ZoneInfo(zone)
    if in_the_past:
        with pytest.raises(InvalidInput) as refused:
            store.log_call(ada, outcome="call_back", follow_up_on=due, occurred_at=called)
        assert refused.value.by_field() == {"follow_up": "The follow-up day is in the past."}
    else:
        logged = store.log_call(ada, outcome="call_back", follow_up_on=due, occurred_at=called)
        assert store.repository.get(store_id(logged.follow_up_id)).due_on == due


def test_done_and_undone_are_events_and_only_changes_are_recorded(store, ada):
    follow_up_id = store.schedule_follow_up(
        ada, "2026-12-01", "Send the access guide", occurred_at=NOW
    )

    assert store.mark_follow_up_done(follow_up_id) is True
    assert store.mark_follow_up_done(follow_up_id) is False
    assert store.mark_follow_up_undone(follow_up_id) is True
    assert store.mark_follow_up_undone(follow_up_id) is False

    names = [type(e).__qualname__ for e in store.events.get(store_id(follow_up_id))]
    assert names == ["FollowUp.Scheduled", "FollowUp.Done", "FollowUp.Undone"]
    with pytest.raises(ConversationNotFound):
        store.mark_follow_up_done("00000000-0000-0000-0000-000000000000")


def test_quick_answers_are_added_edited_removed_and_seeded_once(store):
    assert store.seed_quick_answers() == len(DEFAULT_QUICK_ANSWERS)
    assert store.seed_quick_answers() == 0  # a second workstation seeds nothing twice

    answer = store.add_quick_answer("Dress code", "There is none: come as you are.")
    assert store.edit_quick_answer(answer, "Dress code", "There is none: come as you are.") is False
    assert store.edit_quick_answer(answer, "What to wear", "Come as you are.") is True
    assert store.remove_quick_answer(answer) is True
    assert store.remove_quick_answer(answer) is False
    edited = store.repository.get(store_id(answer))
    assert isinstance(edited, QuickAnswer)
    assert (edited.title, edited.text, edited.removed) == ("What to wear", "Come as you are.", True)
    with pytest.raises(InvalidInput) as refused:
        store.add_quick_answer(" ", "")
    assert set(refused.value.by_field()) == {"title", "text"}
