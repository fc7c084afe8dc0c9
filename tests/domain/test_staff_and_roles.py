"""Staff accounts and roles: the application service enforces the role on every save."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import NotAllowed, SignInFailed, ValidationError
from domain.roles import BOX_OFFICE, DOOR, MANAGER, may_record


def test_without_accounts_everyone_works_as_a_manager(store):
    assert not store.accounts_exist() and store.current_role() == MANAGER
    store.register_patron("Ada", "Lovelace")  # as every existing bootstrap does


def test_the_first_account_then_signing_in_is_needed_for_every_change(store, open_app):
    store.add_staff("Maria Lopez", "manager", password="correct horse")
    assert store.accounts_exist()
    with pytest.raises(NotAllowed, match="Sign in first"):
        store.register_patron("Ada", "Lovelace")
    # Another workstation (a second process) sees the accounts too.
    other = open_app()
    with pytest.raises(NotAllowed, match="Sign in first"):
        other.register_patron("Ada", "Lovelace")
    with pytest.raises(SignInFailed):
        other.sign_in("Maria Lopez", password="wrong horse")
    with pytest.raises(SignInFailed):
        other.sign_in("Nobody", password="correct horse")
    assert other.sign_in("maria lopez", password="correct horse").role == MANAGER
    patron_id = other.register_patron("Ada", "Lovelace")
    assert other.get_patron(patron_id).name == "Ada Lovelace"
    events = list(other.events.get(__import__("uuid").UUID(patron_id)))
    assert events[0].recorded_by == "Maria Lopez"


def test_each_role_records_only_its_own_events(store):
    store.add_staff("Maria", "manager", password="manager-pass")
    store.sign_in("Maria", password="manager-pass")
    store.add_staff("Bob", "box office", password="box-office-pass")
    store.add_staff("Dee", "door", pin="4321")
    production = store.create_production("Hamlet")
    performance = store.schedule_performance(
        production, datetime.now(tz=UTC) + timedelta(hours=1), 50, {"Adult": 2000}
    )
    patron = store.register_patron("Ada", "Lovelace")

    store.sign_in("Bob", password="box-office-pass")
    code = store.sell_tickets(performance, {"Adult": 1}, patron_id=patron).codes[0]
    with pytest.raises(NotAllowed, match=r"Box office.*manage staff accounts"):
        store.add_staff("Eve", "manager", password="eve-password")
    with pytest.raises(NotAllowed, match="erase personal data"):
        store.record_erasure(patron)

    store.sign_in("Dee", pin="4321")
    assert store.scan(code, performance, "Main door").verdict == "admit"
    store.undo_admission(code, "Wrong person", "Main door")
    with pytest.raises(NotAllowed, match=r"Door volunteer.*change patron records"):
        store.register_patron("Zed", "Zimmer")
    with pytest.raises(NotAllowed):
        store.sell_tickets(performance, {"Adult": 1})
    with pytest.raises(NotAllowed):
        store.require_role(MANAGER, BOX_OFFICE)  # donor data is not for the door
    # A batch cannot sneak a change past the check either.
    with store.batch(), pytest.raises(NotAllowed):
        store.add_note(patron, "A note")

    store.sign_in("Maria", password="manager-pass")
    assert store.change_staff_role("Dee", "box_office")
    with pytest.raises(SignInFailed):  # a PIN opens door sessions only
        store.sign_in("Dee", pin="4321")
    assert store.deactivate_staff("Bob")
    with pytest.raises(SignInFailed):
        store.sign_in("Bob", password="box-office-pass")
    listed = {m.name: m for m in store.list_staff()}
    assert listed["Dee"].role == BOX_OFFICE and not listed["Bob"].active
    assert listed["Dee"].has_pin and not listed["Dee"].has_password
    store.sign_out()
    with pytest.raises(NotAllowed, match="Sign in first"):
        store.add_note(patron, "A note")


def test_accounts_are_checked_and_secrets_kept_only_as_hashes(store):
    with pytest.raises(ValidationError, match="at least 8"):
        store.add_staff("Maria", "manager", password="short")
    with pytest.raises(ValidationError, match="role"):
        store.add_staff("Maria", "usher", password="long enough")
    with pytest.raises(ValidationError, match="password"):
        store.add_staff("Bob", "box_office", pin="1234")  # staff need a password
    with pytest.raises(ValidationError, match="4 to 8 digits"):
        store.add_staff("Dee", "door", pin="12")
    store.add_staff("Maria", "manager", password="long enough")
    store.sign_in("Maria", password="long enough")
    with pytest.raises(ValidationError, match="already an account"):
        store.add_staff("MARIA", "door", pin="1234")
    member = store.staff._member("Maria")
    assert member.password_hash.startswith("$argon2") and "long enough" not in member.password_hash


def test_the_role_table():
    assert may_record(MANAGER, "StaffMember.Created")
    assert not may_record(BOX_OFFICE, "StaffMember.Created")
    assert may_record(BOX_OFFICE, "Order.Placed") and not may_record(BOX_OFFICE, "Patron.Erased")
    assert may_record(DOOR, "Ticket.Admitted") and not may_record(DOOR, "Order.Placed")
    assert not may_record(None, "Ticket.Admitted") and not may_record("", "Order.Placed")


def test_calls_chats_follow_ups_and_merges_are_box_office_work_not_the_doors(store):
    from imports.chat_formats import read_chat_text
    from imports.chat_import import import_chats

    store.add_staff("Maria", "manager", password="manager-pass")
    store.sign_in("Maria", password="manager-pass")
    store.add_staff("Bob", "box office", password="box-office-pass")
    store.add_staff("Dee", "door", pin="4321")
    ada = store.register_patron("Ada", "Lovelace", email="ada@example.org")
    twin = store.register_patron("Ada", "Lovelace", email="ada.l@example.org")
    chat = store.record_chat(
        "Website chat",
        "c1",
        [{"at": "2026-11-10T16:00:00+00:00", "sender": "visitor", "name": "", "text": "Hi"}],
    )
    transcript = read_chat_text(
        '{"conversations": [{"id": "c2", "visitor": {"email": "ada@example.org"},'
        ' "messages": [{"sender": "visitor", "text": "Parking?", "time": "2026-11-10 16:00"}]}]}',
        timezone="UTC",
    )
    before = store.event_count()

    store.sign_in("Dee", pin="4321")
    with pytest.raises(NotAllowed, match=r"Door volunteer.*change patron records"):
        store.log_call(ada, notes="Asked about parking")
    with pytest.raises(NotAllowed, match=r"Door volunteer.*import chats"):
        import_chats(store, transcript)  # refused whole, not chat by chat
    with pytest.raises(NotAllowed):
        store.schedule_follow_up(ada, "2099-01-01", "Ring back")
    with pytest.raises(NotAllowed):
        store.link_chat(chat.id, ada)
    with pytest.raises(NotAllowed):
        store.add_chat_note(chat.id, "Answered")
    with pytest.raises(NotAllowed):
        store.merge_patrons(twin, ada)
    with pytest.raises(NotAllowed):
        store.add_quick_answer("Lost property", "Ask at the cloakroom.")
    assert store.event_count() == before

    # The box office does all of it (merging too: it can be undone); erasing stays a manager's.
    store.sign_in("Bob", password="box-office-pass")
    assert store.log_call(ada, notes="Asked about parking").id
    assert import_chats(store, transcript)["linked"] == 1
    assert store.link_chat(chat.id, ada)
    follow_up = store.add_chat_note(chat.id, "Answered", follow_up_on="2099-01-01")
    assert store.mark_follow_up_done(follow_up.follow_up_id)
    store.merge_patrons(twin, ada)
    store.unmerge_patron(twin)
    with pytest.raises(NotAllowed, match="erase personal data"):
        store.record_erasure(ada)


def test_leaving_door_mode_takes_an_office_password_and_hands_the_workstation_over(store):
    store.add_staff("Maria", "manager", password="manager-pass")
    store.sign_in("Maria", password="manager-pass")
    store.add_staff("Bob", "box office", password="box-office-pass")
    store.add_staff("Dee", "door", pin="4321")
    store.add_staff("Eli", "door", password="volunteer-pass")
    store.sign_in("Dee", pin="4321")

    with pytest.raises(SignInFailed):
        store.leave_door_mode("Dee", "4321")  # a PIN opens door sessions only
    with pytest.raises(NotAllowed, match="manager or box office"):
        store.leave_door_mode("Eli", "volunteer-pass")
    with pytest.raises(SignInFailed):
        store.leave_door_mode("Bob", "wrong-pass")
    assert store.signed_in().name == "Dee"

    assert store.leave_door_mode("bob", "box-office-pass").role == BOX_OFFICE
    assert store.signed_in().name == "Bob"


def test_offline_a_none_the_store_gave_is_believed_but_accounts_are_never_assumed_away(
    store, monkeypatch
):
    """A window that knows the store does not answer (issue 18) does not ask it again
    on every key press whether accounts exist; it never takes "none" without having
    heard it from the store, and accounts once seen stay seen."""
    from domain import access as access_module

    clock = [1000.0]
    monkeypatch.setattr(access_module.time, "monotonic", lambda: clock[0])
    access = store.access
    access.store_offline = lambda: True
    asked = []
    real_roster = access.roster
    monkeypatch.setattr(access, "roster", lambda: asked.append(1) or real_roster())
    assert not store.accounts_exist() and asked == [1]  # never asked: asked, offline or not
    clock[0] += 60  # long past the recheck
    assert not store.accounts_exist() and asked == [1]  # the store's "none", as it said
    access.store_offline = lambda: False
    assert not store.accounts_exist() and asked == [1, 1]  # back online: asked again
    store.add_staff("Maria Lopez", "manager", password="correct horse")
    clock[0] += 60
    access.store_offline = lambda: True
    assert store.accounts_exist()  # seen is seen
