"""Importing chat files: linked, unmatched, rejected, and nothing new the second time."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from imports.chat_formats import read_chat_file
from imports.chat_import import import_chats

FIXTURES = Path(__file__).parent.parent / "fixtures" / "chats"


def test_an_import_links_what_it_can_and_a_second_import_adds_nothing(store):
    ada = store.register_patron("Ada", "Lovelace", email="ada@example.org")
    chats = read_chat_file(FIXTURES / "tawk_to.json", timezone="UTC", today=date(2026, 11, 23))

    report = import_chats(store, chats)
    assert report == {"imported": 2, "linked": 1, "unmatched": 1, "rejected": []}
    before = store.event_count()
    assert import_chats(store, chats) == {
        "imported": 0,
        "linked": 0,
        "unmatched": 0,
        "rejected": [],
    }
    assert store.event_count() == before
    linked = store.get_chat(report_ids(store, chats)[0])
    assert linked.patron_id == ada


def report_ids(store, chats):
    from domain.conversations import chat_id

    return [str(chat_id(c.service, c.conversation_id)) for c in chats.chats]


def test_rejected_items_are_reported_and_progress_is_told(store):
    chats = read_chat_file(FIXTURES / "broken.json", timezone="UTC")
    seen = []

    report = import_chats(store, chats, progress=lambda done, total, _m: seen.append((done, total)))

    assert (report["imported"], report["unmatched"]) == (1, 1)
    assert [r["item"] for r in report["rejected"]] == [2, 3, 4, 5, 6]
    assert seen == [(0, 1), (1, 1)]


def test_a_cancelled_import_stops_before_saving_more(store):
    chats = read_chat_file(FIXTURES / "tawk_to.json", timezone="UTC")
    report = import_chats(store, chats, cancelled=lambda: True)
    assert report["imported"] == 0


def test_the_same_file_imported_at_the_same_moment_elsewhere_is_not_doubled(open_app):
    here, there = open_app(), open_app()
    chats = read_chat_file(FIXTURES / "tawk_to.json", timezone="UTC")
    save = here.store._flush
    raced = []

    def other_workstation_saves_first(batch):
        if not raced:
            raced.append(import_chats(there, chats))
        save(batch)

    here.store._flush = other_workstation_saves_first

    report = import_chats(here, chats)

    assert raced[0]["imported"] == 2
    assert report == {"imported": 0, "linked": 0, "unmatched": 0, "rejected": []}
    assert here.event_count() == there.event_count()
