"""Same email or phone number: the box office is warned before a duplicate is saved."""

from __future__ import annotations

import pytest

from domain.errors import PossibleDuplicate


@pytest.fixture
def ada(store) -> str:
    return store.register_patron("Ada", "Lovelace", email="ada@example.org", phone="(555) 123-4567")


def test_the_same_email_in_other_letters_is_a_possible_duplicate(store, ada):
    with pytest.raises(PossibleDuplicate) as warned:
        store.register_patron("Augusta", "King", email=" ADA@example.org")

    assert [(m.id, m.name, m.reason) for m in warned.value.matches] == [
        (ada, "Ada Lovelace", "email")
    ]
    assert "Ada Lovelace" in str(warned.value)
    assert str(warned.value).startswith("This looks like a patron we already have")


def test_the_same_phone_formatted_differently_is_a_possible_duplicate(store, ada):
    count = store.event_count()

    with pytest.raises(PossibleDuplicate) as warned:
        store.register_patron("Augusta", "King", phone="555.123.4567")

    assert [(m.name, m.reason) for m in warned.value.matches] == [("Ada Lovelace", "phone")]
    assert store.event_count() == count  # nothing was saved


def test_a_patron_matching_on_both_is_listed_once(store, ada):
    with pytest.raises(PossibleDuplicate) as warned:
        store.register_patron("Augusta", email="ada@example.org", phone="555 123 4567")

    assert [m.id for m in warned.value.matches] == [ada]


def test_save_anyway_keeps_both_patrons(store, ada):
    augusta = store.register_patron("Augusta", "King", phone="555.123.4567", allow_duplicate=True)

    assert store.get_patron(augusta).name == "Augusta King"
    assert {m.id for m in store.find_contact_matches(phone="5551234567")} == {ada, augusta}


def test_changing_a_phone_moves_the_duplicate_index(store, ada):
    store.update_contact(ada, phone="555-765-4321")

    # the old number is free again ...
    grace = store.register_patron("Grace", "Hopper", phone="(555) 123-4567")
    assert store.get_patron(grace).phone == "(555) 123-4567"
    # ... and the new number is taken
    with pytest.raises(PossibleDuplicate) as warned:
        store.register_patron("Alan", "Turing", phone="5557654321")
    assert [m.id for m in warned.value.matches] == [ada]


def test_changing_to_another_patrons_email_is_a_possible_duplicate(store, ada):
    grace = store.register_patron("Grace", "Hopper", email="grace@example.org")

    with pytest.raises(PossibleDuplicate) as warned:
        store.update_contact(grace, email="Ada@Example.org")

    assert [m.id for m in warned.value.matches] == [ada]
    assert store.get_patron(grace).email == "grace@example.org"
    assert store.update_contact(grace, email="Ada@Example.org", allow_duplicate=True) == {
        "email": "ada@example.org"
    }


def test_editing_a_patron_saved_anyway_does_not_warn_again(store, ada):
    augusta = store.register_patron("Augusta", phone="555.123.4567", allow_duplicate=True)

    # the shared number was accepted once; changing her name must not warn about it again
    assert store.update_contact(augusta, last_name="King") == {"last_name": "King"}
    assert store.update_contact(ada, email="countess@example.org") == {
        "email": "countess@example.org"
    }


def test_update_contact_returns_only_what_changed(store, ada):
    version = store.get_patron(ada).version
    count = store.event_count()

    assert store.update_contact(ada, first_name=" Ada ", email="ADA@example.org") == {}
    assert store.get_patron(ada).version == version
    assert store.event_count() == count  # nothing recorded

    changes = store.update_contact(
        ada, first_name="Ada", last_name="King", email_consent=True, address={"city": "London"}
    )
    assert changes == {"last_name": "King", "email_consent": True, "address": {"city": "London"}}
    assert store.get_patron(ada).version == version + 1
