"""Chatwoot, Freshchat and Crisp API answers, text copied from a chat widget, and the
visitor a pasted transcript names in its header.

Each sample in tests/fixtures/chats/ says where its shape comes from (the JSON ones in
their "_comment", the text ones on their first line).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from desktop.cli import main
from domain.conversations import chat_id
from imports.chat_formats import UnreadableChatFile, read_chat_file, read_chat_text
from imports.chat_import import import_chats

FIXTURES = Path(__file__).parent.parent / "fixtures" / "chats"
TODAY = date(2026, 11, 23)


def read(name: str):
    return read_chat_file(FIXTURES / name, timezone="UTC", today=TODAY)


def pasted(name: str, timezone: str = "UTC"):
    """A text sample as a volunteer pastes it: without the line saying where it comes from."""
    text = (FIXTURES / name).read_text(encoding="utf-8")
    text = "".join(line for line in text.splitlines(True) if not line.startswith("# Shape:"))
    return read_chat_text(text, timezone=timezone, today=TODAY)


def said(record) -> list[tuple[str, str, str]]:
    return [(m["sender"], m["name"], m["text"]) for m in record.messages]


def times(record) -> list[str]:
    return [m["at"][:16] for m in record.messages]


# -- Chatwoot ----------------------------------------------------------------------------
def test_chatwoot_messages_endpoint_reads_the_whole_conversation():
    chats = read("chatwoot_messages.json")

    assert chats.rejected == [] and chats.kind == "JSON (Chatwoot)"
    (record,) = chats.chats
    assert (record.service, record.conversation_id) == ("Chatwoot", "57")
    assert (record.visitor_name, record.visitor_email, record.visitor_phone) == (
        "Ada Lovelace",
        "ada@example.org",
        "+15557654321",
    )
    assert said(record) == [
        (
            "visitor",
            "Ada Lovelace",
            "Hello, do you have wheelchair spaces at the Saturday matinee?",
        ),
        (
            "system",
            "Playhouse bot",
            "Thanks for your message! Someone from the box office will answer shortly.",
        ),
        # "Conversation was assigned to Maria Rossi" (message_type 2) was said by nobody
        ("agent", "Maria Rossi", "Let me check the seating plan."),
        ("system", "Maria Rossi", "(private note) Ada is a regular - offer the companion seat."),
        ("agent", "Maria Rossi", "Yes, we keep two wheelchair spaces for every performance."),
        ("visitor", "Ada Lovelace", "(file: blue-badge.pdf)"),
    ]
    assert times(record)[0] == "2026-11-20T12:00"


def test_chatwoot_conversation_list_gives_each_conversation_and_its_contact():
    chats = read("chatwoot_conversations.json")

    assert chats.rejected == []
    ada, jose = chats.chats
    # The same conversation number as its messages endpoint, so either file is one chat.
    assert (ada.conversation_id, jose.conversation_id) == ("57", "58")
    assert (ada.visitor_name, ada.visitor_email) == ("Ada Lovelace", "ada@example.org")
    assert (jose.visitor_name, jose.visitor_email, jose.visitor_phone) == (
        "José García",
        "",
        "+447700900123",
    )
    # The list holds each conversation's latest message only, as Chatwoot sends it.
    assert said(ada) == [
        ("agent", "Maria Rossi", "Yes, we keep two wheelchair spaces for every performance.")
    ]
    assert said(jose) == [("visitor", "José García", "¿Hay descuento para estudiantes?")]


def test_an_unknown_chatwoot_message_type_rejects_that_conversation_with_the_reason(tmp_path):
    data = json.loads((FIXTURES / "chatwoot_messages.json").read_text(encoding="utf-8"))
    data["payload"][0]["message_type"] = 7
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    chats = read_chat_file(path, timezone="UTC")

    assert chats.chats == []
    assert chats.rejected == [{"item": 1, "reason": "Message 1: the message type “7” is unknown."}]


# -- Freshchat and Crisp -----------------------------------------------------------------
def test_freshchat_messages_are_read_by_actor_type_and_message_type():
    chats = read("freshchat.json")

    assert chats.rejected == [] and chats.kind == "JSON (Freshchat)"
    (record,) = chats.chats
    assert (record.service, record.conversation_id) == (
        "Freshchat",
        "7d8e9f00-0000-4000-8000-0000000f0042",
    )
    assert [(sender, text) for sender, _name, text in said(record)] == [
        ("visitor", "Hi, can I change my tickets to Friday?"),
        ("system", "Conversation assigned to Box Office"),
        ("agent", "Of course - what is your order number?"),
        ("visitor", "It's 1003, here is the e-ticket:\n(file: ticket-1003.png)"),
        ("system", "(private note) Exchange fee waived - regular patron."),
        ("agent", "Done: you now have two seats on Friday 27 November."),
    ]
    assert times(record)[0] == "2026-11-21T18:02"


def test_messages_of_two_freshchat_conversations_in_one_answer_are_two_chats():
    data = json.loads((FIXTURES / "freshchat.json").read_text(encoding="utf-8"))
    other = dict(data["messages"][0], conversation_id="c-2", id="m-100")
    chats = read_chat_text(json.dumps([*data["messages"], other]), timezone="UTC")

    assert [c.conversation_id for c in chats.chats] == [
        "7d8e9f00-0000-4000-8000-0000000f0042",
        "c-2",
    ]


def test_crisp_api_answer_with_notes_files_and_events():
    chats = read("crisp_api.json")

    assert chats.rejected == [] and chats.kind == "JSON (Crisp)"
    (record,) = chats.chats
    assert (record.service, record.conversation_id) == ("Crisp", "session_9a8b7c6d-crisp-0002")
    assert record.visitor_name == "Zoë Adams"  # from the visitor's own messages
    assert said(record) == [
        ("visitor", "Zoë Adams", "Is the gala dress code black tie?"),
        ("agent", "Sam", "Not at all - come as you are!"),
        ("system", "Sam", "(private note) Zoë asked about the gala twice this month."),
        ("visitor", "Zoë Adams", "(file: invitation.jpg)"),
        ("system", "Sam", "Conversation resolved"),
    ]
    assert times(record)[0] == "2026-11-22T13:20"


def test_a_crisp_conversation_list_without_messages_says_what_to_export_instead():
    answer = {
        "error": False,
        "reason": "resolved",
        "data": [
            {
                "session_id": "session_1",
                "website_id": "w",
                "state": "resolved",
                "last_message": "Thanks!",
                "meta": {"nickname": "Ada", "email": "ada@example.org"},
            },
        ],
    }

    chats = read_chat_text(json.dumps(answer), timezone="UTC")

    assert chats.chats == []
    (rejected,) = chats.rejected
    assert "comes without its messages" in rejected["reason"]
    assert "Export the messages of each conversation" in rejected["reason"]


# -- pasted transcripts: the visitor named in the header ---------------------------------
@pytest.mark.parametrize(
    "header",
    [
        "Visitor: José García",
        "Name: José García",
        "Name: jose garcia",
        "Chat with José García",
        "Conversation with José García (22 Nov 2026)",
    ],
)
def test_the_visitor_named_in_the_header_is_the_visitor_in_the_lines(header):
    text = f"{header}\n[9:14 AM] Maria: Good morning!\n[9:15 AM] José: Hola, is there parking?"

    (record,) = read_chat_text(text, timezone="UTC", today=TODAY).chats

    assert said(record) == [
        ("agent", "Maria", "Good morning!"),
        ("visitor", "José", "Hola, is there parking?"),
    ]


def test_a_title_naming_no_person_names_no_visitor():
    chats = read_chat_text(
        "Chat with a website visitor\n[12:01] Visitor: Hi\n[12:02] Jo: Hello",
        timezone="UTC",
        today=TODAY,
    )
    assert chats.chats[0].visitor_name == ""
    assert said(chats.chats[0])[1] == ("agent", "Jo", "Hello")


# -- text copied from a chat widget ------------------------------------------------------
def test_widget_text_with_name_and_time_lines():
    chats = pasted("widget_name_time.txt")

    assert chats.rejected == []
    (record,) = chats.chats
    assert (record.visitor_name, record.visitor_email) == ("José García", "jose@example.es")
    assert said(record) == [
        ("visitor", "José García", "Hola! Do you have wheelchair spaces\non Saturday evening?"),
        ("agent", "Maria", "Yes, two in row A. Shall I hold one for you?"),  # "Seen" dropped
        ("visitor", "José", "Yes please, thank you!"),
    ]
    # "Yesterday" above the messages is the day before today
    assert times(record) == ["2026-11-22T21:58", "2026-11-22T21:59", "2026-11-22T22:01"]


def test_widget_text_with_name_and_time_on_one_line():
    (record,) = pasted("widget_one_line.txt").chats

    assert said(record) == [
        ("visitor", "Grace Hopper", "Is the Saturday matinee relaxed?"),
        ("agent", "Jo", "Yes! The lights stay up a little and you can come and go."),
        ("visitor", "Grace Hopper", "Lovely, thank you."),
    ]
    assert times(record)[0] == "2026-11-22T12:01"  # the day from "Date:"


def test_widget_text_where_everybody_else_is_staff_tells_the_visitor():
    text = "Sam\n10:00\nHi, are you open on Mondays?\nJo (agent)\n10:01\nNo, Tuesday to Sunday."
    (record,) = read_chat_text(text, timezone="UTC", today=TODAY).chats
    assert [(s, n) for s, n, _ in said(record)] == [("visitor", "Sam"), ("agent", "Jo")]


def test_widget_text_that_does_not_say_who_the_visitor_is_is_refused_with_the_reason():
    text = "Sam\n10:00 AM\nHi, are you open on Mondays?\nJo\n10:01 AM\nNo, Tuesday to Sunday."

    chats = read_chat_text(text, timezone="UTC", today=TODAY)

    assert chats.chats == []
    assert chats.rejected == [
        {
            "item": 1,
            "reason": (
                "We cannot tell which of “Sam” and “Jo” is the visitor: the text does not say. "
                "Add a line “Visitor: <their name>” above the messages and paste again."
            ),
        }
    ]
    # Saying it is enough.
    (record,) = read_chat_text("Visitor: Sam\n" + text, timezone="UTC", today=TODAY).chats
    assert [s for s, _, _ in said(record)] == ["visitor", "agent"]


def test_text_without_any_message_shape_is_refused_with_both_shapes_explained():
    chats = read_chat_text("Hello, I wanted to ask about tickets.\nThanks", timezone="UTC")
    (rejected,) = chats.rejected
    assert rejected["reason"].startswith("No message lines found.")
    assert "a line with the name and a line with the time" in rejected["reason"]


# -- importing -----------------------------------------------------------------------------
def test_a_chatwoot_conversation_links_to_its_patron_and_the_list_adds_no_second_chat(store):
    ada = store.register_patron("Ada", "Lovelace", email="ada@example.org")

    report = import_chats(store, read("chatwoot_messages.json"))
    assert report == {"imported": 1, "linked": 1, "unmatched": 0, "rejected": []}
    # The list holds conversation 57 again (and José's 58): only 58 is new.
    again = import_chats(store, read("chatwoot_conversations.json"))
    assert again == {"imported": 1, "linked": 0, "unmatched": 1, "rejected": []}
    assert store.get_chat(str(chat_id("Chatwoot", "57"))).patron_id == ada


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        ("chatwoot_messages.json", {"imported": 1, "linked": 1, "unmatched": 0, "rejected": []}),
        ("freshchat.json", {"imported": 1, "linked": 0, "unmatched": 1, "rejected": []}),
        ("crisp_api.json", {"imported": 1, "linked": 0, "unmatched": 1, "rejected": []}),
    ],
)
def test_the_cli_imports_each_service(tmp_path, capsys, sample, expected):
    from infrastructure.bootstrap import bootstrap
    from infrastructure.config import resolve

    folder = tmp_path / "data"
    services = bootstrap(resolve(folder))
    services.app.register_patron("Ada", "Lovelace", email="ada@example.org")
    services.close()

    code = main(
        [
            "--data",
            str(folder),
            "import",
            "chats",
            str(FIXTURES / sample),
            "--json",
            "--timezone",
            "UTC",
        ]
    )
    out, _ = capsys.readouterr()

    assert code == 0
    assert json.loads(out) == expected


def test_a_message_line_cut_before_a_time_is_not_taken_for_a_speaker():
    text = (
        "Visitor: Sam\nSam\n10:00 AM\nWhen do doors open? Is it at\n7:00 PM\nMaria\n"
        "10:01 AM\nYes, doors open at\n7:00 PM"
    )
    (record,) = read_chat_text(text, timezone="UTC", today=TODAY).chats
    assert said(record) == [
        ("visitor", "Sam", "When do doors open? Is it at\n7:00 PM"),
        ("agent", "Maria", "Yes, doors open at\n7:00 PM"),
    ]


def test_an_error_answer_saved_instead_of_messages_is_refused_with_its_reason():
    with pytest.raises(UnreadableChatFile) as refused:
        read_chat_text('{"error": true, "reason": "session_not_found", "data": {}}')
    assert "error answer from the chat service (“session_not_found”)" in str(refused.value)
