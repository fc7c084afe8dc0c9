"""Importing many patrons at once, and opening a store written earlier."""

from __future__ import annotations

import threading
from uuid import UUID

import pytest

from domain.errors import PossibleDuplicate


def test_a_batch_saves_many_patrons_in_few_transactions(store):
    saves: list[int] = []
    store.subscribe(saves.append)

    with store.batch(size=40):
        ids = [
            store.register_patron(
                f"Patron{i}", "Import", email=f"p{i}@example.org", source="import"
            )
            for i in range(100)
        ]

    assert len(saves) < len(ids)
    assert saves == sorted(saves)
    assert saves[-1] == store.event_count()
    for patron_id in ids:
        assert [type(e).__name__ for e in store.events.get(UUID(patron_id))] == ["Registered"]
    assert store.get_patron(ids[-1]).email == "p99@example.org"


def test_duplicates_are_caught_inside_a_batch(store):
    with store.batch(size=1000):
        ada = store.register_patron("Ada", email="ada@example.org")
        with pytest.raises(PossibleDuplicate) as warned:
            store.register_patron("Augusta", email="ADA@example.org")
        store.update_contact(ada, last_name="Lovelace")

    assert [m.id for m in warned.value.matches] == [ada]
    assert store.get_patron(ada).name == "Ada Lovelace"


def test_nothing_is_saved_until_the_batch_is_written(store):
    saves: list[int] = []
    store.subscribe(saves.append)

    with store.batch(size=1000):
        ada = store.register_patron("Ada")
        store.add_note(ada, "Imported from the old spreadsheet.")
        assert store.event_count() == 0
        assert store.get_patron(ada).version == 2

    assert len(saves) == 1
    assert store.get_patron(ada).version == 2


def test_an_import_running_in_the_background_does_not_hold_back_the_box_office(store, open_app):
    importing, finish_import = threading.Event(), threading.Event()

    def import_patrons():
        with store.batch(size=1000):
            store.register_patron("Imported", "Patron")
            importing.set()
            finish_import.wait(timeout=30)

    importer = threading.Thread(target=import_patrons)
    importer.start()
    try:
        assert importing.wait(timeout=30)
        ada = store.register_patron("Ada", "Lovelace")  # at the box office, meanwhile

        assert open_app().get_patron(ada).name == "Ada Lovelace"  # saved, not held back
    finally:
        finish_import.set()
        importer.join()
    assert store.event_count() == 2


def test_an_old_event_store_opens(store, open_app):
    ada = store.register_patron("Ada", "Lovelace", email="ada@example.org", tags=["opera"])
    store.add_note(ada, "Asked about wheelchair seating.")
    store.close()

    reopened = open_app()

    patron = reopened.get_patron(ada)
    assert patron.name == "Ada Lovelace"
    assert patron.tags == ["opera"]
    assert [n["text"] for n in patron.notes] == ["Asked about wheelchair seating."]
    with pytest.raises(PossibleDuplicate):
        reopened.register_patron("Augusta", email="ada@example.org")
