"""Staff accounts and signing in (issue 9); the role checks are ``domain/access.py``."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from domain.access import Access, SignedIn
from domain.errors import NotAllowed, SignInFailed, SignInThrottled, ValidationError
from domain.roles import BOX_OFFICE, DOOR, MANAGER, Permission
from domain.staff import LOCK_AFTER, StaffMember, StaffRoster, check_name, staff_uuid
from domain.store import Store, command, reads
from domain.wording import counted


@dataclass(frozen=True, slots=True)
class StaffInfo:
    """A staff account as the staff list and a sign-in give it back: who, which role,
    whether it may sign in (active, not locked) and with what (password, door PIN)."""

    id: str
    name: str
    role: str
    active: bool
    locked: bool
    has_password: bool
    has_pin: bool
    door_only: bool

    @classmethod
    def of(cls, member: StaffMember) -> StaffInfo:
        return cls(
            id=str(member.id),
            name=member.name,
            role=member.role,
            active=member.active,
            locked=member.is_locked,
            has_password=bool(member.password_hash),
            has_pin=bool(member.pin_hash),
            door_only=member.role == DOOR,
        )

    def to_json(self) -> dict[str, str | bool]:
        """The account as ``houselights staff list --json`` prints it."""
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role,
            "active": self.active,
            "locked": self.locked,
            "has_password": self.has_password,
            "has_pin": self.has_pin,
            "door_only": self.door_only,
        }


class StaffService:
    """Accounts, passwords and door PINs, and who is signed in on this workstation."""

    def __init__(self, store: Store, access: Access) -> None:
        self.store = store
        self.access = access

    @reads(Permission.ANYONE)
    def accounts_exist(self) -> bool:
        return self.access.accounts_exist()

    def _member(self, name_or_id: str) -> StaffMember:
        member = self.access.staff_member(name_or_id)
        if member is None:
            raise ValidationError("name", f"There is no staff account called “{name_or_id}”.")
        return member

    @command(Permission.MANAGE_STAFF)
    def add_staff(
        self,
        name: str,
        role: str,
        password: str | None = None,
        pin: str | None = None,
        occurred_at: datetime | None = None,
    ) -> str:
        """Create a staff account; returns its id. A door volunteer needs a PIN or a
        password, everyone else a password."""
        stamp = self.store.stamp(occurred_at)
        name = check_name(name)
        try:
            self.store.get(staff_uuid(name))
        except AggregateNotFoundError:
            pass
        else:
            raise ValidationError("name", f"There is already an account called “{name}”.")
        member = StaffMember.create(name, role, stamp)
        if not password and not (pin and member.role == "door"):
            raise ValidationError(
                "password",
                "Give the account a password (a door volunteer may have a door PIN instead).",
            )
        if password:
            member.set_password(password, stamp)
        if pin:
            member.set_pin(pin, stamp)
        roster = self.access.roster() or StaffRoster.open(stamp)
        roster.add(str(member.id), stamp)
        self.store.commit(member, roster)
        self.access.saw_accounts()
        return str(member.id)

    @reads(Permission.SEE_STAFF)
    def list_staff(self) -> list[StaffInfo]:
        roster = self.access.roster()
        members = [self.store.get(UUID(i)) for i in (roster.staff_ids if roster else ())]
        return sorted((StaffInfo.of(m) for m in members), key=lambda m: m.name.casefold())

    @command(Permission.MANAGE_STAFF)
    def change_staff_role(
        self, name_or_id: str, role: str, occurred_at: datetime | None = None
    ) -> bool:
        member = self._member(name_or_id)
        if member.change_role(role, self.store.stamp(occurred_at)):
            self.store.commit(member)
            return True
        return False

    @command(Permission.MANAGE_STAFF)
    def set_staff_password(
        self, name_or_id: str, password: str, occurred_at: datetime | None = None
    ) -> None:
        member = self._member(name_or_id)
        member.set_password(password, self.store.stamp(occurred_at))
        self.store.commit(member)

    @command(Permission.MANAGE_STAFF)
    def set_staff_pin(self, name_or_id: str, pin: str, occurred_at: datetime | None = None) -> None:
        member = self._member(name_or_id)
        member.set_pin(pin, self.store.stamp(occurred_at))
        self.store.commit(member)

    @command(Permission.MANAGE_STAFF)
    def deactivate_staff(self, name_or_id: str, occurred_at: datetime | None = None) -> bool:
        member = self._member(name_or_id)
        if member.deactivate(self.store.stamp(occurred_at)):
            self.store.commit(member)
            return True
        return False

    # -- signing in ---------------------------------------------------------
    @command(Permission.ANYONE)
    def sign_in(self, name: str, password: str | None = None, pin: str | None = None) -> StaffInfo:
        """Check the password (or door PIN) and record this person on every event from now.

        Wrong tries are recorded (the audit shows them) and throttle the account: after
        ``FREE_ATTEMPTS`` in a row each next try waits longer (2, 4, 8 ... seconds, at
        most five minutes), and after ``LOCK_AFTER`` the account is locked until a
        manager unlocks it. A try made too early is refused without being checked."""
        member = self._checked_member(name)
        if not member.accepts(password=password, pin=pin):
            self._record_attempt(member, failed=True)
            raise SignInFailed()
        self._record_attempt(member, failed=False)
        self.access.sign_in_as(member.name, str(member.id), member.role)
        return StaffInfo.of(member)

    def _checked_member(self, name: str) -> StaffMember:
        """The account signing in, unless it is locked or must wait."""
        try:
            member = self._member(name)
        except ValidationError:
            raise SignInFailed() from None
        if member.is_locked:
            raise SignInThrottled(
                f"The account “{member.name}” is locked after {LOCK_AFTER} wrong passwords "
                "or PINs in a row. A manager can unlock it (Staff accounts, or "
                f"houselights staff unlock “{member.name}”)."
            )
        wait = member.wait_before_next_try(self.store.stamp()["occurred_at"])
        if wait.total_seconds() > 0:
            seconds = max(1, math.ceil(wait.total_seconds()))
            raise SignInThrottled(
                f"Too many wrong passwords or PINs for “{member.name}”: wait "
                f"{counted(seconds, 'second', 'seconds')}, then try again."
            )
        return member

    def _record_attempt(self, member: StaffMember, failed: bool) -> None:
        """Record a wrong try (or the right one after wrong ones); another workstation
        recording at the same moment is retried on the newer account."""
        for _attempt in range(5):
            stamp = self.store.stamp()
            if failed:
                member.record_failed_sign_in(stamp)
            else:
                member.record_sign_in(stamp)
            if not member.pending_events:
                return
            try:
                self.store.commit(member)
                return
            except IntegrityError:
                member = self._member(str(member.id))

    @command(Permission.MANAGE_STAFF)
    def unlock_staff(self, name_or_id: str, occurred_at: datetime | None = None) -> bool:
        """Lift a lockout (and the count of wrong tries); False when there was none."""
        member = self._member(name_or_id)
        if member.unlock(self.store.stamp(occurred_at)):
            self.store.commit(member)
            return True
        return False

    @command(Permission.ANYONE)
    def leave_door_mode(self, name: str, password: str) -> StaffInfo:
        """Someone from the office takes a workstation back from volunteer door mode:
        a manager's or box-office member's password (a door PIN never does), and they
        are signed in from then on (they now hold the workstation)."""
        member = self._checked_member(name)
        if not member.accepts(password=password):
            self._record_attempt(member, failed=True)
            raise SignInFailed()
        if member.role not in (MANAGER, BOX_OFFICE):
            raise NotAllowed(
                "Only a manager or box office staff can leave door mode. Ask one of them."
            )
        return self.sign_in(member.name, password=password)

    @reads(Permission.ANYONE)
    def sign_out(self) -> None:
        self.access.sign_out()

    @reads(Permission.ANYONE)
    def signed_in(self) -> SignedIn | None:
        return self.access.signed_in()

    @reads(Permission.ANYONE)
    def current_role(self) -> str | None:
        return self.access.current_role()

    @reads(Permission.ANYONE)
    def require_role(self, *roles: str, what: str = "see this") -> None:
        self.access.require_role(*roles, what=what)

    @reads(Permission.ANYONE)
    def require_may_record(self, event_name: str, what: str) -> None:
        self.access.require_may_record(event_name, what)
