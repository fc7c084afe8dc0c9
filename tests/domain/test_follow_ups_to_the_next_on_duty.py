"""A follow-up from a chat that came in while nobody was on chat duty goes to the next
person on duty (or the one on duty when it is made)."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.domain.support_example import LONDON

TUESDAY_LATE = datetime(2026, 7, 7, 23, 10, tzinfo=LONDON)
TUESDAY_EVENING = datetime(2026, 7, 7, 19, 30, tzinfo=LONDON)


@pytest.fixture
def desk(store):
    store.rota.local_zone = LONDON
    store.add_duty_slot("Tuesday", "19:00", "21:00", "chat", name="Maria")
    store.add_duty_slot("Wednesday", "10:00", "12:00", "both", name="Jo")
    store.add_duty_slot("Wednesday", "09:00", "17:00", "phone", name="Sam")  # no chats
    store.register_patron("Ada", "Lovelace", email="ada@example.org")
    return store


def chat_at(store, moment: datetime, key: str) -> str:
    messages = [{"at": moment.isoformat(), "sender": "visitor", "name": "", "text": "Hello?"}]
    return store.record_chat("Crisp", key, messages, visitor_email="ada@example.org").id


def follow_up(store, chat: str, made_at: datetime) -> str:
    made = store.add_chat_note(
        chat, "Will call back.", follow_up_on="2026-07-09", occurred_at=made_at
    )
    return store.store.get(__import__("uuid").UUID(made.follow_up_id)).assigned_to


def test_a_chat_from_outside_staffed_hours_goes_to_the_next_on_chat_duty(desk):
    late = chat_at(desk, TUESDAY_LATE, "late")
    # made the next morning before anyone is on chat: Jo comes on at 10:00 (Sam only phones)
    assert follow_up(desk, late, datetime(2026, 7, 8, 8, 30, tzinfo=LONDON)) == "Jo"


def test_made_while_someone_is_on_chat_duty_it_goes_to_them(desk):
    late = chat_at(desk, TUESDAY_LATE, "late")
    assert follow_up(desk, late, datetime(2026, 7, 8, 11, 0, tzinfo=LONDON)) == "Jo"
    # made on Wednesday afternoon: the next chat duty is Maria's, Tuesday evening
    again = chat_at(desk, TUESDAY_LATE.replace(minute=20), "later")
    assert follow_up(desk, again, datetime(2026, 7, 8, 15, 0, tzinfo=LONDON)) == "Maria"


def test_a_chat_that_came_in_on_duty_is_not_reassigned(desk):
    evening = chat_at(desk, TUESDAY_EVENING, "evening")
    assert follow_up(desk, evening, TUESDAY_EVENING.replace(hour=20)) == ""


def test_without_a_rota_nobody_is_assigned(store):
    store.rota.local_zone = LONDON
    store.register_patron("Ada", "Lovelace", email="ada@example.org")
    late = chat_at(store, TUESDAY_LATE, "late")
    assert follow_up(store, late, datetime(2026, 7, 8, 8, 30, tzinfo=LONDON)) == ""
