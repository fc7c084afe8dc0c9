"""Roles on every read, and sign-in throttling (issue 19)."""

from __future__ import annotations

import inspect
from datetime import UTC, datetime, timedelta

import pytest

from domain.application import Houselights
from domain.errors import NotAllowed, SignInFailed, SignInThrottled
from domain.roles import PERMISSION_WORDS, Permission
from domain.staff import LOCK_AFTER, staff_uuid
from projections import audit


def test_every_service_method_declares_the_permission_it_needs():
    app = Houselights(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    try:
        undeclared = []
        for area, service in app.services().items():
            for name, member in inspect.getmembers(type(service), callable):
                if name.startswith("_") or isinstance(
                    inspect.getattr_static(type(service), name), staticmethod
                ):
                    continue
                if not hasattr(member, "__permission__"):
                    undeclared.append(f"{area}.{name}")
        assert undeclared == []
        known = {v for k, v in vars(Permission).items() if not k.startswith("_")}
        assert set(PERMISSION_WORDS) | {Permission.ANYONE} == known
    finally:
        app.close()


def test_reads_are_checked_in_the_service_like_writes(store):
    store.add_staff("Maria", "manager", password="manager-pass")
    store.sign_in("Maria", password="manager-pass")
    store.add_staff("Dee", "door", pin="2468")
    patron = store.register_patron("Ada", "Lovelace", email="ada@example.org")
    assert store.get_patron(patron).name == "Ada Lovelace"
    assert store.read_models(Permission.READ_REPORTS, lambda: "figures") == "figures"
    store.sign_in("Dee", pin="2468")
    with pytest.raises(NotAllowed, match=r"Door volunteer.*look up patrons"):
        store.get_patron(patron)
    with pytest.raises(NotAllowed, match=r"Door volunteer.*look up patrons"):
        store.find_contact_matches(email="ada@example.org")
    with pytest.raises(NotAllowed, match="see the reports"):
        store.read_models(Permission.READ_REPORTS, lambda: "figures")
    with pytest.raises(NotAllowed, match="see the staff accounts"):
        store.list_staff()
    with pytest.raises(NotAllowed, match="manage staff accounts"):
        store.set_staff_pin("Dee", "1357")
    store.sign_out()
    with pytest.raises(NotAllowed, match="Sign in first"):
        store.get_patron(patron)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 19, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def test_wrong_sign_ins_wait_longer_each_time_then_lock_until_a_manager_unlocks(store):
    clock = Clock()
    store.context.clock = clock
    store.add_staff("Maria", "manager", password="manager-pass")
    store.sign_in("Maria", password="manager-pass")
    store.add_staff("Dee", "door", pin="2468")
    store.sign_out()
    for _ in range(3):  # three wrong tries are just wrong
        with pytest.raises(SignInFailed) as wrong:
            store.sign_in("Dee", pin="0000")
        assert not isinstance(wrong.value, SignInThrottled)
    # The next try must wait 2 s: even the right PIN is not looked at before then.
    with pytest.raises(SignInThrottled, match="wait 2 second"):
        store.sign_in("Dee", pin="2468")
    clock.advance(2)
    with pytest.raises(SignInFailed):
        store.sign_in("Dee", pin="1111")
    with pytest.raises(SignInThrottled, match="wait 4 second"):
        store.sign_in("Dee", pin="2468")
    clock.advance(4)
    assert store.sign_in("Dee", pin="2468").role == "door"  # the count starts again
    store.sign_out()

    for _ in range(LOCK_AFTER):
        with pytest.raises(SignInFailed):
            store.sign_in("Dee", pin="0000")
        clock.advance(300)
    clock.advance(3600)
    with pytest.raises(SignInThrottled, match="locked"):
        store.sign_in("Dee", pin="2468")
    assert store.sign_in("Maria", password="manager-pass")
    assert [m.locked for m in store.list_staff() if m.name == "Dee"] == [True]
    assert store.unlock_staff("Dee")
    store.sign_out()
    assert store.sign_in("Dee", pin="2468").name == "Dee"

    names = [type(e).__qualname__ for e in store.events.get(staff_uuid("Dee"))]
    assert names.count("StaffMember.SignInFailed") == 4 + LOCK_AFTER
    assert "StaffMember.Unlocked" in names


def test_failed_sign_ins_are_in_the_audit(start):
    services = start()
    app = services.app
    app.add_staff("Maria", "manager", password="manager-pass")
    app.sign_out()
    for _ in range(2):
        with pytest.raises(SignInFailed):
            app.sign_in("Maria", password="not-the-pass")
    services.runner.catch_up()
    actions = [r["action"] for r in audit.rows(services.runner.db())]
    assert actions.count("Staff member: sign in failed") == 2
