"""Reading the chat exports of common live-chat services, CSV files and pasted text."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from imports.chat_formats import UnreadableChatFile, read_chat_file, read_chat_text

FIXTURES = Path(__file__).parent.parent / "fixtures" / "chats"
TODAY = date(2026, 11, 23)


def read(name: str):
    return read_chat_file(FIXTURES / name, timezone="UTC", today=TODAY)


def said(record) -> list[tuple[str, str, str]]:
    return [(m["sender"], m["name"], m["text"]) for m in record.messages]


@pytest.mark.parametrize(
    ("name", "service", "conversation", "visitor", "first"),
    [
        (
            "tawk_to.json",
            "tawk.to",
            "9c7f1d2e-tawk-0001",
            ("Ada Lovelace", "ada@example.org", ""),
            ("visitor", "Ada Lovelace", "Hello! Is there parking near the theatre on Saturday?"),
        ),
        (
            "zendesk_chat.json",
            "Zendesk Chat",
            "1711.1234.ZDabc01",
            ("Grace Hopper", "", "555 765 4321"),
            ("visitor", "Grace Hopper", "Can I exchange my Tuesday tickets for Thursday?"),
        ),
        (
            "intercom.json",
            "Intercom",
            "147000000001",
            ("Zoë Adams", "zoe@example.net", ""),
            ("visitor", "Zoë Adams", "Hi, are there wheelchair spaces for the gala?"),
        ),
        (
            "crisp.json",
            "Crisp",
            "session_700b4b5c-crisp-0001",
            ("Ada Lovelace", "ada@example.org", ""),
            ("visitor", "Ada Lovelace", "Can I pay for a donation by card on the phone?"),
        ),
        (
            "livechat.json",
            "LiveChat",
            "PJ0MRSHTDG",
            ("Adam Zimmer", "az@example.org", ""),
            ("visitor", "Adam Zimmer", "Is the opera surtitled?"),
        ),
        (
            "generic.json",
            "Website chat",
            "conv-42",
            ("Grace Hopper", "grace@navy.example", ""),
            ("visitor", "Grace Hopper", "Do you sell gift vouchers?"),
        ),
    ],
)
def test_json_exports_of_each_service(name, service, conversation, visitor, first):
    chats = read(name)

    record = chats.chats[0]
    assert chats.rejected == []
    assert (record.service, record.conversation_id) == (service, conversation)
    assert (record.visitor_name, record.visitor_email, record.visitor_phone) == visitor
    assert said(record)[0] == first
    assert record.messages[0]["at"].startswith("2026-11-")
    assert {m["sender"] for m in record.messages} >= {"visitor", "agent"}


def test_service_details_staff_expect_are_kept():
    intercom = read("intercom.json").chats[0]
    assert said(intercom)[1] == ("agent", "Sam", "Yes & a free companion seat. Shall I book one?")
    crisp = read("crisp.json").chats[0]
    # an attachment is never lost without a word
    assert said(crisp)[2] == ("visitor", "Ada Lovelace", "(file: receipt.pdf)")
    zendesk = read("zendesk_chat.json").chats
    assert said(zendesk[1]) == [
        ("visitor", "Night Owl", "What time does the matinee on Sunday start?")
    ]
    assert zendesk[1].visitor_name == "Night Owl"
    livechat = read("livechat.json").chats[0]
    assert said(livechat)[-1] == ("system", "", "Chat archived")


def test_malformed_conversations_are_rejected_with_reasons_and_the_rest_read():
    chats = read("broken.json")

    assert [c.conversation_id for c in chats.chats] == ["ok-1"]
    assert [r["item"] for r in chats.rejected] == [2, 3, 4, 5, 6]
    reasons = [r["reason"] for r in chats.rejected]
    assert reasons[0] == "This entry is not a conversation (expected an object with messages)."
    assert reasons[1] == "This conversation has no messages."
    assert "“yesterday-ish” is not a date and time we can read" in reasons[2]
    assert "cannot tell whether “Mystery” is the visitor or staff" in reasons[3]
    assert "no messages we recognise" in reasons[4]


def test_csv_with_one_row_per_message_groups_by_conversation():
    chats = read("messages.csv")

    assert [(c.item, c.conversation_id) for c in chats.chats] == [(2, "C-100"), (4, "C-101")]
    assert said(chats.chats[0])[1] == (
        "agent",
        "Maria",
        "Of course. We can also keep an aisle seat for her,\njust tell us which performance.",
    )
    assert chats.chats[1].visitor_phone == "555-000-1111"
    assert chats.rejected == [
        {
            "item": 6,
            "reason": (
                "Row 6: “not a time” is not a date and time we can read. Use a form like "
                "2026-11-20 14:05. (the conversation C-102 was left out)."
            ),
        }
    ]


def test_csv_with_one_row_per_chat_reads_each_transcript():
    chats = read("transcripts.csv")

    record = chats.chats[0]
    assert (record.conversation_id, record.visitor_name, record.visitor_email) == (
        "T-1",
        "Zoë Adams",
        "zoe@example.net",
    )
    assert said(record)[1] == ("agent", "Maria", "Two seats left in row F.")
    assert record.messages[0]["at"] == "2026-11-05T14:00:00+00:00"
    assert [r["item"] for r in chats.rejected] == [3]
    assert chats.rejected[0]["reason"].startswith("No message lines found.")


def test_a_pasted_transcript_with_headers_and_continuation_lines():
    chats = read("pasted.txt")

    first, second = chats.chats
    assert (first.visitor_name, first.visitor_email) == ("Grace Hopper", "grace@navy.example")
    assert first.subject == "Chat with a website visitor"
    assert said(first)[1] == (
        "agent",
        "Maria",
        "Yes! Lights stay up a little and you can come and go.\nIt is good for young children too.",
    )
    assert first.messages[0]["at"] == "2026-11-22T12:01:00+00:00"
    # no header: the first speaker is the visitor, the day is today
    assert said(second)[0] == ("visitor", "Sam Newcomer", "do you do student discounts")
    assert second.visitor_name == "Sam Newcomer"
    assert second.messages[0]["at"] == "2026-11-23T09:15:00+00:00"
    assert first.conversation_id.startswith("sha256:")
    again = read_chat_text((FIXTURES / "pasted.txt").read_text(), timezone="UTC", today=TODAY)
    assert [c.conversation_id for c in again.chats] == [c.conversation_id for c in chats.chats]


def test_a_transcript_running_past_midnight_moves_to_the_next_day():
    text = "Date: 2026-11-20\n[23:58] Visitor: Still open?\n[00:01] Agent: Closing now, sorry!"
    record = read_chat_text(text, timezone="UTC").chats[0]
    assert [m["at"][:16] for m in record.messages] == ["2026-11-20T23:58", "2026-11-21T00:01"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "There is nothing to import: the text is empty."),
        ("{not json", "This file is not valid JSON (line 1, column 2"),
        ("a,b,c\n1,2,3\nmessage", None),
    ],
)
def test_unusable_input_says_why(text, message):
    if message is None:  # neither CSV nor a transcript: read as text, every part rejected
        chats = read_chat_text(text)
        assert chats.chats == [] and chats.rejected[0]["reason"].startswith("No message lines")
        return
    with pytest.raises(UnreadableChatFile) as refused:
        read_chat_text(text)
    assert str(refused.value).startswith(message)


def test_a_csv_without_message_or_transcript_column_is_refused(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("Chat ID,Transcript of nothing\n", encoding="utf-8")
    chats = read_chat_file(path)  # not CSV-shaped for chats: read as text, rejected
    assert chats.chats == [] and len(chats.rejected) == 1
    with pytest.raises(UnreadableChatFile) as missing:
        read_chat_file(tmp_path / "nope.json")
    assert "There is no file at" in str(missing.value)


def test_a_one_word_title_line_is_not_taken_for_a_csv_header():
    chats = read_chat_text(
        "Transcript\n[10:00] Visitor: Hello?\n[10:01] Jo (agent): Hi!", timezone="UTC", today=TODAY
    )
    assert chats.kind == "Plain-text transcript"
    assert chats.chats[0].subject == "Transcript"
    assert len(chats.chats[0].messages) == 2
