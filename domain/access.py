"""Who may do what, checked in the services whatever calls them (issue 9).

Until the first staff account is created, the store has no accounts and everyone
works as a manager (so a new installation, the demo and the tests just work).
From the first account on, every change needs someone signed in, and the
signed-in role decides which events may be appended (``domain/roles.py``) and
what may be read (``require_role``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate

from domain.errors import NotAllowed
from domain.event_words import plain_words
from domain.roles import MANAGER, PERMISSION_WORDS, ROLE_LABELS, has_permission, may_record
from domain.staff import StaffMember, StaffRoster, staff_uuid

if TYPE_CHECKING:
    from domain.store import Store

#: how long "no accounts yet" is believed before asking the store again (another
#: workstation may create the first account)
NO_ACCOUNTS_RECHECK = 5.0


@dataclass(frozen=True, slots=True)
class SignedIn:
    """Who is signed in on this workstation: their account's id, name and role."""

    id: str
    name: str
    role: str


class Access:
    """The role in force on this workstation, and the checks made with it."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.context = store.context
        self._accounts_seen = False
        #: role -> event classes ``may_record`` allowed it (the role table is fixed)
        self._may_record: dict[str, set[type]] = {}
        self._no_accounts_until = 0.0
        #: whether the store is known not to answer (a window's connection, issue 18):
        #: then a "no accounts yet" the store gave before is believed until it answers,
        #: not asked again on every key press (each ask would wait for a connection that
        #: cannot come); never asked yet, the store is asked whatever this says
        self.store_offline: Callable[[], bool] = lambda: False
        store.guard = self

    def roster(self) -> StaffRoster | None:
        try:
            roster = self.store.get(StaffRoster.ID)
        except AggregateNotFoundError:
            return None
        return roster if isinstance(roster, StaffRoster) else None

    def staff_member(self, name_or_id: str) -> StaffMember | None:
        """The staff account with this id or name, or None."""
        try:
            member_id = UUID(str(name_or_id))
        except ValueError:
            member_id = staff_uuid(name_or_id)
        try:
            member = self.store.get(member_id)
        except AggregateNotFoundError:
            return None
        return member if isinstance(member, StaffMember) else None

    def accounts_exist(self) -> bool:
        if self._accounts_seen:
            return True
        now = time.monotonic()
        if now < self._no_accounts_until:
            return False
        if self._no_accounts_until and self.store_offline():
            return False  # the store said "none" before and cannot be asked now: as it said
        roster = self.roster()
        if roster is not None and roster.staff_ids:
            self._accounts_seen = True
            return True
        self._no_accounts_until = now + NO_ACCOUNTS_RECHECK
        return False

    def saw_accounts(self) -> None:
        self._accounts_seen = True

    def signed_in(self) -> SignedIn | None:
        if not self.context.staff_id:
            return None
        return SignedIn(self.context.staff_id, self.context.staff, self.context.role)

    def sign_in_as(self, name: str, staff_id: str, role: str) -> None:
        self.context.staff = name
        self.context.staff_id = staff_id
        self.context.role = role

    def sign_out(self) -> None:
        self.context.staff_id = ""
        self.context.staff = ""
        self.context.role = ""

    def current_role(self) -> str | None:
        """The role in force: the signed-in one; a manager while there are no accounts."""
        if self.context.staff_id:
            return self.context.role
        return None if self.accounts_exist() else MANAGER

    def require_role(self, *roles: str, what: str = "see this") -> None:
        """For what the roles restrict beyond saving (donor data is not for the door)."""
        role = self.current_role()
        if role not in roles:
            raise NotAllowed(self.not_allowed_message(role, what))

    def require(self, permission: str) -> None:
        """Refuse unless the role in force has ``permission`` (``domain/roles.py``)."""
        if permission == "anyone":
            return
        role = self.current_role()
        if not has_permission(role, permission):
            raise NotAllowed(self.not_allowed_message(role, PERMISSION_WORDS[permission]))

    def may(self, permission: str) -> bool:
        return permission == "anyone" or has_permission(self.current_role(), permission)

    def require_may_record(self, event_name: str, what: str) -> None:
        """Refuse up front what the role table will not let this role record."""
        role = self.current_role()
        if not may_record(role or "", event_name):
            raise NotAllowed(self.not_allowed_message(role, what))

    def check_allowed(self, aggregates: list[Aggregate]) -> None:
        """The check on every save: each pending event against the role table."""
        role = None
        allowed: set[type] = set()
        for aggregate in aggregates:
            pending: Any
            for pending in getattr(aggregate, "pending_events", ()):
                kind = type(pending)
                if kind in allowed:
                    continue
                if role is None:
                    role = self.current_role() or ""
                    # the event classes this role was found to record (a batch saves
                    # tens of thousands of events of a few classes)
                    allowed = self._may_record.setdefault(role, set())
                    if kind in allowed:
                        continue
                name = kind.__qualname__
                if not may_record(role, name):
                    raise NotAllowed(self.not_allowed_message(role, plain_words(name).lower()))
                allowed.add(kind)

    def not_allowed_message(self, role: str | None, what: str) -> str:
        if not role:
            return "Sign in first: this store has staff accounts."
        label = ROLE_LABELS.get(role, role)
        return f"Your account ({label}) cannot do this ({what}). Ask a manager if you need to."
