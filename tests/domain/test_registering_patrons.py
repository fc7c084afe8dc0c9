"""Registering patrons: what the box office types is cleaned, checked and kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from uuid import UUID

import pytest

from domain.errors import HouselightsError, InvalidInput


def recorded_events(app) -> list:
    """Every event in the store, read back through the notification log."""
    log, events, start = app.notification_log, [], 1
    while notifications := log.select(start=start, limit=log.section_size):
        events += [app.mapper.to_domain_event(n) for n in notifications]
        start = notifications[-1].id + 1
    return events


def test_registering_returns_an_id_and_the_cleaned_details(store):
    patron_id = store.register_patron(
        "  Ada ",
        " Lovelace  ",
        email=" ADA@Example.ORG ",
        phone=" (555) 123-4567 ",
        address={"street": " 12  St James's Square ", "city": "London ", "region": "  "},
        tags=["Opera", " opera ", "CHAMBER music", "", "Chamber  Music"],
        household="  Lives with  William ",
    )

    assert UUID(patron_id)
    patron = store.get_patron(patron_id)
    assert patron.id == patron_id
    assert patron.first_name == "Ada"
    assert patron.last_name == "Lovelace"
    assert patron.name == "Ada Lovelace"
    assert patron.email == "ada@example.org"
    assert patron.phone == "(555) 123-4567"
    assert patron.address == {"street": "12 St James's Square", "city": "London"}
    assert patron.tags == ["opera", "chamber music"]
    assert patron.household == "Lives with William"
    assert patron.email_consent is False
    assert patron.notes == []


def test_a_last_name_alone_is_enough(store):
    patron_id = store.register_patron("", "Hopper")

    assert store.get_patron(patron_id).name == "Hopper"


def test_every_event_records_when_who_and_where(store):
    store.context.staff = "maria"
    store.context.workstation = "box-office-1"
    before = datetime.now(UTC)

    patron_id = store.register_patron(
        "Ada", "Lovelace", email="ada@example.org", phone="5551234567"
    )
    store.update_contact(patron_id, phone="555 765 4321")
    store.set_tags(patron_id, ["opera"])
    store.set_household(patron_id, "Lives with William")
    store.add_note(patron_id, "Asked about wheelchair seating.")

    patron = store.repository.get(UUID(patron_id))
    assert patron.version == 5
    patron_events = list(store.events.get(UUID(patron_id)))
    assert [type(e).__name__ for e in patron_events] == [
        "Registered",
        "ContactChanged",
        "TagsChanged",
        "HouseholdNoteSet",
        "NoteAdded",
    ]
    every_event = recorded_events(store)
    assert len(every_event) == store.event_count() > len(patron_events)  # contact keys too
    for event in every_event:
        assert event.occurred_at.tzinfo is not None
        assert event.occurred_at >= before
        assert event.recorded_by == "maria"
        assert event.workstation == "box-office-1"


def test_back_dated_history_keeps_when_it_happened(store):
    first_visit = datetime(2019, 3, 14, 19, 30, tzinfo=timezone(timedelta(hours=-5)))

    patron_id = store.register_patron("Grace", "Hopper", occurred_at=first_visit)
    store.add_note(patron_id, "Came to the gala.", occurred_at=first_visit + timedelta(days=2))

    registered, noted = store.events.get(UUID(patron_id))
    assert registered.occurred_at == first_visit
    assert registered.occurred_at.utcoffset() == timedelta(hours=-5)
    assert noted.occurred_at == first_visit + timedelta(days=2)
    assert store.get_patron(patron_id).registered_at == first_visit.isoformat()


def test_naive_datetimes_are_refused(store):
    naive = datetime(2019, 3, 14, 19, 30)

    with pytest.raises(ValueError, match="timezone"):
        store.register_patron("Grace", "Hopper", occurred_at=naive)
    assert store.event_count() == 0

    patron_id = store.register_patron("Grace", "Hopper")
    with pytest.raises(ValueError, match="timezone"):
        store.add_note(patron_id, "Came to the gala.", occurred_at=naive)
    assert store.get_patron(patron_id).notes == []


def test_a_patron_needs_a_name(store):
    with pytest.raises(InvalidInput) as refused:
        store.register_patron("  ", "", email="someone@example.org")

    assert set(refused.value.by_field()) == {"name"}
    assert str(refused.value) == "Please enter the patron's name."
    assert isinstance(refused.value, HouselightsError)
    assert store.event_count() == 0


def test_bad_email_and_phone_say_what_is_wrong(store):
    with pytest.raises(InvalidInput) as refused:
        store.register_patron("Ada", email="ada@example", phone="call me")

    messages = refused.value.by_field()
    assert set(messages) == {"email", "phone"}
    assert messages["email"] == (
        "“ada@example” is not a complete email address. It should look like name@example.org."
    )
    assert messages["phone"] == (
        "“call me” does not look like a phone number. "
        "Use digits, spaces, dashes or brackets, e.g. 555-123-4567."
    )
    assert messages["email"] in str(refused.value)
    assert messages["phone"] in str(refused.value)
    assert store.event_count() == 0


def test_a_phone_number_needs_enough_digits(store):
    with pytest.raises(InvalidInput) as refused:
        store.register_patron("Ada", phone="123")

    assert "does not look like a phone number" in refused.value.by_field()["phone"]


def test_changing_contact_details_is_checked_too(store):
    patron_id = store.register_patron("Ada", "Lovelace")

    with pytest.raises(InvalidInput) as refused:
        store.update_contact(patron_id, first_name="", last_name=" ")
    assert set(refused.value.by_field()) == {"name"}

    with pytest.raises(InvalidInput) as refused:
        store.update_contact(patron_id, email="not an email")
    assert set(refused.value.by_field()) == {"email"}
    assert store.get_patron(patron_id).version == 1
