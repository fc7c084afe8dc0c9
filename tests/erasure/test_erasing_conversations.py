"""Which chats, calls and records go with an erased patron, and which stay."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.conversations_service import ChatRecorded
from domain.errors import MergeProblem
from domain.personal_data import ERASED, redact_state
from infrastructure.erasure import erase_patron
from tests.erasure.conftest import SECRETS, files_containing, register_secret_patron

AT = datetime(2026, 11, 10, 16, 0, tzinfo=UTC).isoformat()


def chat(app, conversation_id: str, text: str, email: str = "", phone: str = "") -> ChatRecorded:
    messages = [{"at": AT, "sender": "visitor", "name": "Visitor", "text": text}]
    return app.record_chat(
        "Website chat",
        conversation_id,
        messages,
        visitor_name="Visitor",
        visitor_email=email,
        visitor_phone=phone,
    )


def test_chats_nobody_linked_go_when_they_came_from_the_patrons_email_or_phone(start):
    services = start()
    app = services.app
    patron_id = register_secret_patron(app)  # email and phone changed after registering
    by_old_phone = chat(app, "c1", "Hollyquaver question", phone=SECRETS["phone"])
    by_new_email = chat(app, "c2", "Marrowgift question", email="ZQ.Other@Example.org ")
    by_stranger = chat(app, "c3", "Bramblequill question", email="someone@example.org")
    # Two patrons with one email: the chat waits unlinked; it is still the patron's.
    app.register_patron("Sam", "Shared", email="zq.other@example.org", allow_duplicate=True)
    by_shared = chat(app, "c4", "Tinselfern question", email="zq.other@example.org")
    assert by_old_phone.patron_id is None and by_new_email.patron_id == patron_id
    assert by_stranger.patron_id is None and by_shared.patron_id is None

    erase_patron(app, services.runner, patron_id)

    secrets = {"old_phone": "Hollyquaver", "new_email": "Marrowgift", "shared": "Tinselfern"}
    assert files_containing(services.config.data_dir, secrets) == []
    assert app.get_chat(by_old_phone.id).messages[0] == {
        "at": AT,
        "sender": "visitor",
        "name": ERASED,
        "text": ERASED,
    }  # when and which side stay: the chat still counts and sorts
    assert app.get_chat(by_stranger.id).messages[0]["text"] == "Bramblequill question"


def test_a_chat_goes_with_the_patron_it_was_last_linked_to(start):
    services = start()
    app = services.app
    patron_id = register_secret_patron(app)
    ada = app.register_patron("Ada", "Lovelace", email="ada@example.org")
    wrongly_ours = chat(app, "c1", "Corrected to Ada", email="nobody@example.org")
    app.link_chat(wrongly_ours.id, patron_id)
    app.link_chat(wrongly_ours.id, ada)  # staff corrected the link
    corrected_to_us = chat(app, "c2", "Corrected to the patron", email="ada@example.org")
    assert corrected_to_us.patron_id == ada
    app.link_chat(corrected_to_us.id, patron_id)
    note = app.add_chat_note(
        corrected_to_us.id, "Rang back about Wimbleforth", follow_up_on="2099-01-02"
    )
    assert note.follow_up_id

    erase_patron(app, services.runner, patron_id)

    assert app.get_chat(wrongly_ours.id).messages[0]["text"] == "Corrected to Ada"
    erased = app.get_chat(corrected_to_us.id)
    assert erased.messages[0]["text"] == ERASED and erased.notes == [ERASED]
    assert erased.visitor_email == ERASED
    assert files_containing(services.config.data_dir, {"note": "Wimbleforth"}) == []


def test_erasing_a_merged_record_erases_the_whole_patron_and_they_stay_together(start):
    services = start()
    app = services.app
    patron_id = register_secret_patron(app)
    duplicate = app.register_patron("Zeb", "Quixwortham", email="zq.dupe@example.net")
    app.merge_patrons(duplicate, patron_id)
    app.log_call(duplicate, notes="Spoke about Quillithorne")  # lands on the survivor

    result = erase_patron(app, services.runner, duplicate)  # the merged record's id

    assert result.records == (patron_id, duplicate)
    assert (
        files_containing(
            services.config.data_dir, {**SECRETS, "dupe": "zq.dupe", "call": "Quillithorne"}
        )
        == []
    )
    assert app.find_contact_matches(email="zq.dupe@example.net") == []
    with pytest.raises(MergeProblem, match="erased together"):
        app.unmerge_patron(duplicate)
    other = app.register_patron("Ada", "Lovelace")
    with pytest.raises(MergeProblem, match="was erased"):
        app.merge_patrons(other, patron_id)


def test_messages_keep_their_shape_when_redacted():
    state = {
        "subject": "Hi",
        "messages": [
            {"at": AT, "sender": "agent", "name": "Maria", "text": "Hello"},
            {"at": AT, "sender": "visitor", "name": "", "text": "Tickets?"},
        ],
        "visitor_email": "a@b.c",
        "service": "Website chat",
    }
    redacted = redact_state("Chat.Imported", state)
    assert redacted["messages"] == [
        {"at": AT, "sender": "agent", "name": ERASED, "text": ERASED},
        {"at": AT, "sender": "visitor", "name": "", "text": ERASED},
    ]
    assert (redacted["subject"], redacted["service"]) == (ERASED, "Website chat")
    assert redact_state("Chat.Imported", redacted) is None  # nothing left to redact
