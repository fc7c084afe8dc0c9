"""The support report works on what every supported chat export becomes: each imported
chat is an inquiry, and its first reply is computed from the stored transcript."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.support import first_reply
from imports.chat_formats import read_chat_file
from imports.chat_import import import_chats
from projections import support

FIXTURES = Path(__file__).parent.parent / "fixtures" / "chats"
FILES = sorted(p.name for p in FIXTURES.iterdir() if p.name != "broken.json")


@pytest.fixture
def services(tmp_path):
    from infrastructure.bootstrap import bootstrap
    from infrastructure.config import resolve

    services = bootstrap(resolve(tmp_path / "data"))
    yield services
    services.close()


@pytest.mark.parametrize("name", FILES)
def test_every_imported_chat_is_an_inquiry_with_its_reply_time(services, name):
    chats = read_chat_file(FIXTURES / name, "Europe/London")
    assert chats.chats, f"{name} has no chats"
    import_chats(services.app, chats)
    services.runner.catch_up()

    db = services.runner.db()
    figures = services.app.support_report(support.inquiries(db), support.rota(db))

    expected = [first_reply(record.messages) for record in chats.chats]
    assert figures.chats == figures.inquiries == len(chats.chats)
    replies = sorted(r["seconds"] for r in expected if r["seconds"] is not None)
    assert figures.first_reply_seconds.chats == len(replies)
    assert figures.unanswered == sum(r["question"] and not r["replied"] for r in expected)
    assert figures.outside_staffed_hours == 1.0  # no rota: nobody was on duty
    # every export with a staff answer gives a reply time (the fixtures all have one,
    # but Chatwoot's conversation list, which holds each conversation's latest message
    # only: a question or an answer, never both)
    assert all(seconds >= 0 for seconds in replies)
    assert replies or name == "chatwoot_conversations.json"
