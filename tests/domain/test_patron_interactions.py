"""Notes, interests and household details on a patron's record."""

from __future__ import annotations

import pytest

from domain.contact_index import ContactKey
from domain.errors import HouselightsError, PatronNotFound


@pytest.fixture
def ada(store) -> str:
    return store.register_patron("Ada", "Lovelace", email="ada@example.org")


def test_notes_are_kept_in_order(store, ada):
    store.context.staff = "maria"

    first = store.add_note(ada, "  Asked about wheelchair seating. ")
    second = store.add_note(ada, "Prefers aisle seats.")

    notes = store.get_patron(ada).notes
    assert [(n["id"], n["text"], n["by"]) for n in notes] == [
        (first, "Asked about wheelchair seating.", "maria"),
        (second, "Prefers aisle seats.", "maria"),
    ]


def test_an_empty_note_is_refused(store, ada):
    with pytest.raises(HouselightsError) as refused:
        store.add_note(ada, "   \n ")

    assert refused.value.field == "note"
    assert str(refused.value) == "The note is empty. Type what happened, then save."
    assert store.get_patron(ada).notes == []


def test_interests_are_cleaned_and_only_changes_recorded(store, ada):
    assert store.set_tags(ada, ["Jazz", " OPERA", "jazz"]) is True
    assert store.get_patron(ada).tags == ["jazz", "opera"]
    version = store.get_patron(ada).version

    assert store.set_tags(ada, ["jazz ", "Opera"]) is False
    assert store.get_patron(ada).version == version

    assert store.set_tags(ada, []) is True
    assert store.get_patron(ada).tags == []


def test_household_details_can_be_set_and_cleared(store, ada):
    assert store.set_household(ada, " Lives with  William ") is True
    assert store.get_patron(ada).household == "Lives with William"
    assert store.set_household(ada, "Lives with William") is False

    assert store.set_household(ada, "") is True
    assert store.get_patron(ada).household == ""


# (an id nobody was given, written out: a test's name must not change between collections)
@pytest.mark.parametrize(
    "patron_id", ["0f3c9e1a-7b2d-4c5e-9a6f-1d2e3f4a5b6c", "not-an-id", "", "12345"]
)
def test_an_unknown_patron_is_not_found(store, patron_id):
    with pytest.raises(PatronNotFound) as missing:
        store.get_patron(patron_id)
    assert "could not find that patron" in str(missing.value)

    with pytest.raises(PatronNotFound):
        store.add_note(patron_id, "Hello")
    with pytest.raises(PatronNotFound):
        store.update_contact(patron_id, first_name="Ada")
    with pytest.raises(PatronNotFound):
        store.set_tags(patron_id, ["opera"])


def test_a_contact_index_id_is_not_a_patron(store, ada):
    key_id = ContactKey.key_id("email:ada@example.org")

    with pytest.raises(PatronNotFound):
        store.get_patron(str(key_id))
