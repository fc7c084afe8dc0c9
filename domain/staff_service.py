"""Staff accounts, sign-in and the role check on every save (issue 9).

Until the first account is created, the store has no accounts and everyone
works as a manager (so a new installation, the demo and the tests just work).
From the first account on, every change needs someone signed in, and the
signed-in role decides which events may be appended (``domain/roles.py``).
"""

from __future__ import annotations

import time
from datetime import datetime

from eventsourcing.application import AggregateNotFoundError

from domain.errors import NotAllowed, SignInFailed, ValidationError
from domain.event_words import plain_words
from domain.roles import BOX_OFFICE, MANAGER, ROLE_LABELS, may_record
from domain.staff import StaffMember, StaffRoster, check_name, staff_uuid

#: how long "no accounts yet" is believed before asking the store again (another
#: workstation may create the first account)
NO_ACCOUNTS_RECHECK = 5.0


class StaffService:
    _accounts_seen = False
    _no_accounts_until = 0.0

    # -- accounts -----------------------------------------------------------
    def _roster(self) -> StaffRoster | None:
        try:
            return self._get(StaffRoster.ID)
        except AggregateNotFoundError:
            return None

    def accounts_exist(self) -> bool:
        if self._accounts_seen:
            return True
        now = time.monotonic()
        if now < self._no_accounts_until:
            return False
        roster = self._roster()
        if roster is not None and roster.staff_ids:
            self._accounts_seen = True
            return True
        self._no_accounts_until = now + NO_ACCOUNTS_RECHECK
        return False

    def _member(self, name_or_id: str) -> StaffMember:
        from uuid import UUID

        try:
            member_id = UUID(str(name_or_id))
        except ValueError:
            member_id = staff_uuid(name_or_id)
        try:
            member = self._get(member_id)
        except AggregateNotFoundError:
            member = None
        if not isinstance(member, StaffMember):
            raise ValidationError("name", f"There is no staff account called “{name_or_id}”.")
        return member

    def add_staff(self, name: str, role: str, password: str | None = None,
                  pin: str | None = None, occurred_at: datetime | None = None) -> str:  # fmt: skip
        """Create a staff account; returns its id. A door volunteer needs a PIN or a
        password, everyone else a password."""
        stamp = self._stamp(occurred_at)
        name = check_name(name)
        try:
            self._get(staff_uuid(name))
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
        roster = self._roster() or StaffRoster.open(stamp)
        roster.add(str(member.id), stamp)
        self._commit(member, roster)
        self._accounts_seen = True
        return str(member.id)

    def list_staff(self) -> list[dict]:
        from uuid import UUID

        roster = self._roster()
        members = [self._get(UUID(i)) for i in (roster.staff_ids if roster else ())]
        return sorted((m.summary() for m in members), key=lambda m: m["name"].casefold())

    def change_staff_role(self, name_or_id: str, role: str,
                          occurred_at: datetime | None = None) -> bool:  # fmt: skip
        member = self._member(name_or_id)
        if member.change_role(role, self._stamp(occurred_at)):
            self._commit(member)
            return True
        return False

    def set_staff_password(self, name_or_id: str, password: str,
                           occurred_at: datetime | None = None) -> None:  # fmt: skip
        member = self._member(name_or_id)
        member.set_password(password, self._stamp(occurred_at))
        self._commit(member)

    def set_staff_pin(self, name_or_id: str, pin: str,
                      occurred_at: datetime | None = None) -> None:  # fmt: skip
        member = self._member(name_or_id)
        member.set_pin(pin, self._stamp(occurred_at))
        self._commit(member)

    def deactivate_staff(self, name_or_id: str, occurred_at: datetime | None = None) -> bool:
        member = self._member(name_or_id)
        if member.deactivate(self._stamp(occurred_at)):
            self._commit(member)
            return True
        return False

    # -- signing in ---------------------------------------------------------
    def sign_in(self, name: str, password: str | None = None, pin: str | None = None) -> dict:
        """Check the password (or door PIN) and record this person on every event from now."""
        try:
            member = self._member(name)
        except ValidationError:
            raise SignInFailed() from None
        if not member.accepts(password=password, pin=pin):
            raise SignInFailed()
        self.context.staff = member.name
        self.context.staff_id = str(member.id)
        self.context.role = member.role
        return member.summary()

    def leave_door_mode(self, name: str, password: str) -> dict:
        """Someone from the office takes a workstation back from volunteer door mode:
        a manager's or box-office member's password (a door PIN never does), and they
        are signed in from then on (they now hold the workstation)."""
        try:
            member = self._member(name)
        except ValidationError:
            raise SignInFailed() from None
        if not member.accepts(password=password):
            raise SignInFailed()
        if member.role not in (MANAGER, BOX_OFFICE):
            raise NotAllowed(
                "Only a manager or box office staff can leave door mode. Ask one of them."
            )
        return self.sign_in(member.name, password=password)

    def sign_out(self) -> None:
        self.context.staff_id = ""
        self.context.staff = ""
        self.context.role = ""

    def signed_in(self) -> dict | None:
        if not self.context.staff_id:
            return None
        return {"id": self.context.staff_id, "name": self.context.staff,
                "role": self.context.role}  # fmt: skip

    def current_role(self) -> str | None:
        """The role in force: the signed-in one; a manager while there are no accounts."""
        if self.context.staff_id:
            return self.context.role
        return None if self.accounts_exist() else MANAGER

    def require_role(self, *roles: str, what: str = "see this") -> None:
        """For what the roles restrict beyond saving (donor data is not for the door)."""
        role = self.current_role()
        if role not in roles:
            raise NotAllowed(self._not_allowed_message(role, what))

    def require_may_record(self, event_name: str, what: str) -> None:
        """Refuse up front what the role table will not let this role record."""
        role = self.current_role()
        if not may_record(role or "", event_name):
            raise NotAllowed(self._not_allowed_message(role, what))

    # -- the check on every save ----------------------------------------------
    def _check_allowed(self, aggregates) -> None:
        role = None
        for aggregate in aggregates:
            for pending in getattr(aggregate, "pending_events", ()):
                name = type(pending).__qualname__
                if role is None:
                    role = self.current_role() or ""
                if not may_record(role, name):
                    raise NotAllowed(self._not_allowed_message(role, plain_words(name).lower()))

    def _not_allowed_message(self, role: str | None, what: str) -> str:
        if not role:
            return "Sign in first: this store has staff accounts."
        label = ROLE_LABELS.get(role, role)
        return (f"Your account ({label}) cannot do this ({what}). "
                "Ask a manager if you need to.")  # fmt: skip
