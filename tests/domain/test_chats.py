"""Chats: recorded once, linked by email or phone, linked by staff, noted and followed up."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.conversations_service import ChatRecorded
from domain.errors import ValidationError

NOW = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
MESSAGES = [
    {"at": "2026-11-20T14:00:00+00:00", "sender": "visitor", "name": "Ada", "text": "Parking?"},
    {"at": "2026-11-20T14:01:00+00:00", "sender": "agent", "name": "Maria", "text": "Mill Lane."},
]


@pytest.fixture
def ada(store) -> str:
    return store.register_patron("Ada", "Lovelace", email="ada@example.org", phone="555 123 4567")


def test_a_chat_with_a_known_email_is_linked_to_that_patron(store, ada):
    result = store.record_chat(
        "tawk.to", "c-1", MESSAGES, "Ada L", "ADA@example.org ", occurred_at=NOW
    )

    assert result == ChatRecorded(id=result.id, new=True, patron_id=ada, how="email")
    chat = store.get_chat(result.id)
    assert (chat.patron_id, chat.visitor_email, chat.messages) == (
        ada,
        "ada@example.org",
        MESSAGES,
    )


def test_the_same_conversation_again_changes_nothing(store, ada):
    first = store.record_chat("tawk.to", "c-1", MESSAGES, visitor_phone="(555) 123-4567")
    before = store.event_count()

    again = store.record_chat("Tawk.to", "c-1", MESSAGES, visitor_phone="(555) 123-4567")

    assert (again.id, again.new, again.patron_id) == (first.id, False, ada)
    assert store.event_count() == before


def test_a_chat_nobody_or_several_patrons_match_waits_unlinked(store, ada):
    store.register_patron(
        "Ada", "Byron", email="byron@example.org", allow_duplicate=True, phone="555 123 4567"
    )

    nobody = store.record_chat("Crisp", "s-1", MESSAGES, visitor_email="who@example.com")
    several = store.record_chat("Crisp", "s-2", MESSAGES, visitor_phone="555-123-4567")

    assert nobody.patron_id is None and several.patron_id is None
    with pytest.raises(ValidationError):
        store.record_chat("Crisp", "s-3", [])


def test_staff_link_a_waiting_chat_then_note_it_with_a_follow_up(store, ada):
    chat = store.record_chat("Crisp", "s-1", MESSAGES, visitor_name="A. Lovelace").id
    with pytest.raises(ValidationError) as refused:
        store.add_chat_note(chat, "Will send the map.", follow_up_on="2026-12-01")
    assert "Link the chat to a patron first" in str(refused.value)

    assert store.link_chat(chat, ada) is True
    assert store.link_chat(chat, ada) is False
    noted = store.add_chat_note(chat, "Will send the map.", follow_up_on="2026-12-01")

    assert store.get_chat(chat).notes == ["Will send the map."]
    follow_up = store.repository.get(__import__("uuid").UUID(noted.follow_up_id))
    assert (follow_up.patron_id, follow_up.source, follow_up.text) == (
        ada,
        "chat",
        "Chat follow-up: Will send the map.",
    )
