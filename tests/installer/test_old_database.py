"""A newer build opens a database written by an older one, unchanged.

``tests/fixtures/old_store/events-v0.1.0.sqlite`` was written by Houselights
0.1.0, when ``Patron.Registered`` was version 1 (no ``preferred_name``). The
current code must open a copy of it, upcast the old events as it reads them
(``Patron.Registered.upcast_v1_v2``), rebuild every read model from them with
the right values, and leave the stored events exactly as they were.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import uuid
from pathlib import Path

import pytest

from domain.patron import Patron
from infrastructure.bootstrap import bootstrap
from infrastructure.config import resolve
from projections import box_office, door, patron_directory, patron_search, timeline

FIXTURE = Path(__file__).parents[1] / "fixtures" / "old_store" / "events-v0.1.0.sqlite"
FIXTURE_SHA256 = "f69d7a4ef2b9e09dfe820ac6da760bbf1714eb0dac76c91695621cc37408a8f2"
EVENTS = 27


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stored_events(path: Path) -> list[tuple]:
    """Every stored event, byte for byte, read without writing anything."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return conn.execute(
            "SELECT originator_id, originator_version, topic, state FROM stored_events "
            "ORDER BY rowid"
        ).fetchall()


@pytest.fixture
def old_data(tmp_path) -> Path:
    """A data folder holding a copy of the 0.1.0 event store (the copy is what opens)."""
    data = tmp_path / "data"
    data.mkdir()
    shutil.copyfile(FIXTURE, data / "events.sqlite")
    return data


def test_the_stored_database_is_the_one_0_1_0_wrote():
    assert sha256(FIXTURE) == FIXTURE_SHA256
    events = stored_events(FIXTURE)
    assert len(events) == EVENTS
    registered = [
        json.loads(state)
        for _, _, topic, state in events
        if topic == "domain.patron:Patron.Registered"
    ]
    assert len(registered) == 3
    assert all("class_version" not in s and "preferred_name" not in s for s in registered)


def test_a_newer_build_opens_the_old_database_with_the_right_values(old_data):
    services = bootstrap(resolve(old_data, ""), staff="maria", catch_up=True)
    try:
        app, db = services.app, services.runner.db()
        assert app.event_count() == EVENTS
        assert patron_directory.count(db) == 3
        people = {r["name"]: r for r in patron_search.search(db, "", limit=10)}
        assert sorted(people) == ["Ada Lovelace", "Grace Hopper", "Zoë Adams"]
        assert people["Grace Hopper"]["email"] == "grace.hopper@navy.example"  # the change
        ada = app.get_patron(people["Ada Lovelace"]["id"])
        assert ada.preferred_name == ""  # upcast from version 1
        assert (ada.email, ada.tags, ada.address) == (
            "ada@example.org",
            ["opera"],
            {"city": "London"},
        )
        assert [n["text"] for n in ada.notes] == ["Asked about the lift for her mother."]
        assert ada.registered_at == "2025-09-01T10:00:00+00:00"
        kinds = [r["kind"] for r in timeline.rows(db, people["Ada Lovelace"]["id"])]
        assert len(kinds) >= 2  # registered and the note, at least

        (show,) = box_office.performances(db)
        assert (show["title"], show["sold"], show["admitted"]) == ("Tosca", 3, 1)
        assert show["revenue_cents"] == 2 * 3000 + 1200
        assert [d["amount_cents"] for d in box_office.donations(db)] == [5000]
        assert door.house_count(db, show["id"])["admitted"] == 1

        assert services.runner.rebuild() == EVENTS  # from zero, same values again
        assert patron_directory.count(db) == 3
        assert box_office.performances(db)[0]["admitted"] == 1
    finally:
        services.close()


def test_opening_the_old_database_changes_no_stored_event(old_data):
    copy = old_data / "events.sqlite"
    before = stored_events(copy)
    services = bootstrap(resolve(old_data, ""), staff="maria", catch_up=True)
    services.runner.rebuild()
    services.close()
    assert stored_events(copy) == before
    assert sha256(copy) == FIXTURE_SHA256  # not even the file's bytes changed


def test_new_events_in_an_old_database_are_version_2_beside_the_old_version_1(old_data):
    copy = old_data / "events.sqlite"
    services = bootstrap(resolve(old_data, ""), staff="maria", catch_up=True)
    try:
        bill = services.app.register_patron(
            "William", "Shakespeare", preferred_name="Will", email="will@globe.example"
        )
        assert services.app.get_patron(bill).preferred_name == "Will"
    finally:
        services.close()
    events = stored_events(copy)
    assert events[:EVENTS] == stored_events(FIXTURE)
    new = [
        json.loads(state)
        for _, _, topic, state in events[EVENTS:]
        if topic == "domain.patron:Patron.Registered"
    ]
    assert new[0]["class_version"] == Patron.Registered.class_version == 2
    assert new[0]["preferred_name"] == "Will"


def test_an_admission_the_old_build_stored_reads_as_version_2_and_can_be_undone(old_data):
    """``Ticket.Admitted`` version 1 (0.1.0) had no ``scan_id``: it reads as "" and the
    ticket goes on (an undo, then a fresh admission carrying a door scan's id)."""
    from domain.box_office import Ticket

    copy = old_data / "events.sqlite"
    services = bootstrap(resolve(old_data, ""), staff="maria", catch_up=True)
    try:
        app, db = services.app, services.runner.db()
        (show,) = box_office.performances(db)
        admitted = [
            t
            for t in door.ticket_holders(db, show["id"], "a")
            for t in t["tickets"]
            if t["admitted_door"]
        ]
        code = admitted[0]["code"]
        ticket = app.store.get(uuid.UUID(door.ticket(db, code)["id"]))
        assert isinstance(ticket, Ticket) and ticket.admitted and ticket.scan_ids == set()
        app.undo_admission(code, "scanned the wrong ticket", "Main door")
        result = app.scan(code, show["id"], "Main door", scan_id=str(uuid.uuid4()))
        assert result.verdict == "admit"
    finally:
        services.close()
    new = [
        json.loads(state)
        for _, _, topic, state in stored_events(copy)[EVENTS:]
        if topic == "domain.box_office:Ticket.Admitted"
    ]
    assert new[0]["class_version"] == Ticket.Admitted.class_version == 2
    old = [
        json.loads(state)
        for _, _, topic, state in stored_events(copy)[:EVENTS]
        if topic == "domain.box_office:Ticket.Admitted"
    ]
    assert "scan_id" not in old[0]


def test_contact_keys_the_old_build_opened_then_claimed_still_find_their_patrons(old_data):
    """``ContactKey.Opened`` version 1 (0.1.0) opened a key for nobody and a
    ``Claimed`` followed; version 2 opens it for its first patron in one event. The
    old keys still find their patrons (a changed email let go of the old one), and
    a key opened now is one version-2 event."""
    from domain.contact_index import ContactKey

    copy = old_data / "events.sqlite"
    services = bootstrap(resolve(old_data, ""), staff="maria", catch_up=True)
    try:
        app = services.app
        ada = app.find_contact_matches(email="ada@example.org")
        assert [m.name for m in ada] == ["Ada Lovelace"]
        assert app.find_contact_matches(email="grace.hopper@navy.example")[0].name == (
            "Grace Hopper"
        )
        assert app.patrons.key("email:grace@navy.example").patron_ids == []  # let go of
        assert app.find_contact_matches(email="grace@navy.example") == []
        bill = app.register_patron("William", "Shakespeare", email="will@globe.example")
        key = app.patrons.key("email:will@globe.example")
        assert isinstance(key, ContactKey) and key.patron_ids == [bill] and key.version == 1
        # the duplicate warning finds the old key's patron and the new key's alike
        assert [m.id for m in app.find_contact_matches(email="WILL@globe.example")] == [bill]
    finally:
        services.close()
    events = stored_events(copy)
    assert events[:EVENTS] == stored_events(FIXTURE)
    old = [
        json.loads(state)
        for _, _, topic, state in events[:EVENTS]
        if topic == "domain.contact_index:ContactKey.Opened"
    ]
    assert old and all("patron_ids" not in s for s in old)
    new = [
        (topic, json.loads(state))
        for _, _, topic, state in events[EVENTS:]
        if topic.startswith("domain.contact_index:")
    ]
    assert [topic for topic, _ in new] == ["domain.contact_index:ContactKey.Opened"]
    assert new[0][1]["class_version"] == ContactKey.Opened.class_version == 2
    assert new[0][1]["patron_ids"] == [bill]
