"""The application service: the only way the rest of Houselights changes state.

Methods take and return simple values (ids, strings, dicts). Views call these
methods; the service appends events; projections turn events into read models.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate

from domain.box_office_changes import BoxOfficeChangesService
from domain.box_office_service import BoxOfficeService
from domain.contact_index import ContactKey, contact_keys, index_keys, name_postal_key
from domain.conversations_service import ConversationsService
from domain.door_service import DoorService
from domain.erasure_service import ErasureService
from domain.errors import PatronNotFound, PossibleDuplicate
from domain.memberships_service import MembershipsService
from domain.merging import MergingService
from domain.patron import Patron, patron_uuid
from domain.recording import RecordingContext
from domain.staff_service import StaffService
from domain.thank_yous_service import ThankYousService

Listener = Callable[[int], None]


class Houselights(
    StaffService,
    ErasureService,
    DoorService,
    BoxOfficeService,
    BoxOfficeChangesService,
    MembershipsService,
    MergingService,
    ThankYousService,
    ConversationsService,
    Application,
):
    """Event-sourced application service for one organization."""

    name = "Houselights"

    def __init__(self, env: dict | None = None, context: RecordingContext | None = None):
        super().__init__(env=env)
        self.context = context or RecordingContext()
        self._listeners: list[Listener] = []
        # A batch belongs to the thread that opened it: an import running in the
        # background must not hold back (or swallow) what the box office saves meanwhile.
        self._batch = threading.local()

    # -- infrastructure hooks -------------------------------------------------
    def subscribe(self, listener: Listener) -> None:
        """Call ``listener(max_notification_id)`` after each save in this process."""
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _notify(self, recordings) -> None:
        if recordings and self._listeners:
            last = max(r.notification.id for r in recordings)
            for listener in list(self._listeners):
                listener(last)

    @property
    def _pending(self) -> dict[UUID, Aggregate] | None:
        return getattr(self._batch, "pending", None)

    @_pending.setter
    def _pending(self, pending: dict[UUID, Aggregate] | None) -> None:
        self._batch.pending = pending

    @contextmanager
    def batch(self, size: int = 1000) -> Iterator[None]:
        """Group many commands into few transactions (imports, demo data).

        Aggregates changed inside the block are kept in memory and saved
        ``size`` at a time, and once more when the block ends.
        """
        if self._pending is not None:
            yield
            return
        self._pending = {}
        self._batch.size = size
        try:
            yield
            self._flush()
        finally:
            self._pending = None

    @contextmanager
    def rehearsal(self) -> Iterator[None]:
        """Run commands for real but save nothing (an import's dry run).

        Everything changed inside the block is kept in memory, so later commands
        see earlier ones (a patron registered for one order is found for the next),
        and is thrown away at the end.
        """
        if self._pending is not None:
            raise RuntimeError("a rehearsal cannot run inside a batch")
        self._pending = {}
        self._batch.size = float("inf")
        try:
            yield
        finally:
            self._pending = None

    def _flush(self) -> None:
        if self._pending:
            pending = list(self._pending.values())
            self._pending.clear()
            self.save(*pending)

    def save(self, *objs, **kwargs):
        """Every save passes the role check (issue 9), whatever called it."""
        self._check_allowed([o for o in objs if o is not None])
        return super().save(*objs, **kwargs)

    def _commit(self, *aggregates: Aggregate) -> None:
        self._check_allowed(aggregates)  # early, before a batch holds the change back
        if self._pending is None:
            self.save(*aggregates)
            return
        for aggregate in aggregates:
            self._pending[aggregate.id] = aggregate
        if len(self._pending) >= self._batch.size:
            self._flush()

    def _get(self, aggregate_id: UUID) -> Aggregate:
        if self._pending is not None and aggregate_id in self._pending:
            return self._pending[aggregate_id]
        return self.repository.get(aggregate_id)

    def _stamp(self, occurred_at: datetime | None = None) -> dict:
        return self.context.stamp(occurred_at)

    def _patron(self, patron_id: str | UUID, follow: bool = True) -> Patron:
        """The patron; for a record merged into another, the surviving record
        (``follow=False``: the record itself). See domain/merging.py."""
        try:
            patron = self._get(patron_uuid(patron_id))
        except AggregateNotFoundError:
            raise PatronNotFound(str(patron_id)) from None
        if not isinstance(patron, Patron):
            raise PatronNotFound(str(patron_id))
        if follow and patron.merged_into:
            return self._patron(patron.merged_into, follow=False)
        return patron

    # -- contact keys (duplicate detection) -----------------------------------
    def _key(self, key: str) -> ContactKey | None:
        try:
            return self._get(ContactKey.key_id(key))
        except AggregateNotFoundError:
            return None

    def find_contact_matches(
        self, email: str = "", phone: str = "", exclude: str | None = None
    ) -> list[dict]:
        """Patrons already on file with this email or phone number."""
        return self._matches(contact_keys(email, phone), exclude)

    def find_name_matches(self, first_name: str, last_name: str, postal_code: str) -> list[dict]:
        """Patrons of this name at this postal code (accents, case and spaces ignored)."""
        key = name_postal_key(first_name, last_name, postal_code)
        return self._matches([key]) if key else []

    def _matches(self, keys: list[str], exclude: str | None = None) -> list[dict]:
        found: dict[str, dict] = {}
        for key in keys:
            index = self._key(key)
            for pid in index.patron_ids if index else ():
                if pid != exclude and pid not in found:
                    patron = self._patron(pid)
                    found[pid] = {
                        "id": pid,
                        "name": patron.name,
                        "email": patron.email,
                        "phone": patron.phone,
                        "reason": key.split(":", 1)[0],
                    }
        return list(found.values())

    def _reindex(self, patron_id: str, old: list[str], new: list[str], stamp: dict) -> list:
        changed = []
        for key in old:
            if key not in new and (index := self._key(key)) is not None:
                index.release(patron_id, stamp)
                changed.append(index)
        for key in new:
            index = self._key(key) or ContactKey.open(key, stamp)
            index.claim(patron_id, stamp)
            changed.append(index)
        return changed

    # -- patrons ------------------------------------------------------------
    def register_patron(
        self,
        first_name: str,
        last_name: str = "",
        email: str = "",
        phone: str = "",
        address: dict | None = None,
        email_consent: bool = False,
        tags: list[str] | tuple = (),
        household: str = "",
        source: str = "office",
        occurred_at: datetime | None = None,
        allow_duplicate: bool = False,
        preferred_name: str = "",
    ) -> str:
        """Register a patron and return the new id.

        Raises ``InvalidInput`` for unusable input and ``PossibleDuplicate``
        when the email or phone is already on file (unless allowed).
        """
        stamp = self._stamp(occurred_at)
        patron = Patron.register(
            stamp,
            source=source,
            first_name=first_name,
            last_name=last_name,
            email=email,
            phone=phone,
            address=address,
            email_consent=email_consent,
            tags=list(tags),
            household=household,
            preferred_name=preferred_name,
        )
        if not allow_duplicate:
            matches = self.find_contact_matches(patron.email, patron.phone)
            if matches:
                raise PossibleDuplicate(matches)
        patron_id = str(patron.id)
        indexes = self._reindex(patron_id, [], self._index_keys(patron), stamp)
        self._commit(patron, *indexes)
        return patron_id

    def update_contact(
        self,
        patron_id: str,
        occurred_at: datetime | None = None,
        allow_duplicate: bool = False,
        **values: Any,
    ) -> dict:
        """Change contact details; returns only the fields that changed."""
        patron = self._patron(patron_id)
        stamp = self._stamp(occurred_at)
        old_keys = contact_keys(patron.email, patron.phone)
        old_index_keys = self._index_keys(patron)
        new_email = values.get("email", patron.email)
        new_phone = values.get("phone", patron.phone)
        if not allow_duplicate:
            # Only a number or address this change adds can be a new duplicate; one
            # already on the record was accepted before (perhaps with "save anyway").
            added = [k for k in contact_keys(new_email, new_phone) if k not in old_keys]
            matches = self._matches(added, exclude=str(patron.id))
            if matches:
                raise PossibleDuplicate(matches)
        changes = patron.change_contact(stamp, **values)
        if not changes:
            return {}
        indexes = self._reindex(str(patron.id), old_index_keys, self._index_keys(patron), stamp)
        self._commit(patron, *indexes)
        return changes

    @staticmethod
    def _index_keys(patron: Patron) -> list[str]:
        return index_keys(
            patron.email, patron.phone, patron.first_name, patron.last_name, patron.address
        )

    def set_tags(
        self, patron_id: str, tags: list[str], occurred_at: datetime | None = None
    ) -> bool:
        patron = self._patron(patron_id)
        if patron.set_tags(tags, self._stamp(occurred_at)):
            self._commit(patron)
            return True
        return False

    def set_household(self, patron_id: str, text: str, occurred_at: datetime | None = None) -> bool:
        patron = self._patron(patron_id)
        if patron.set_household(text, self._stamp(occurred_at)):
            self._commit(patron)
            return True
        return False

    def add_note(self, patron_id: str, text: str, occurred_at: datetime | None = None) -> str:
        patron = self._patron(patron_id)
        note_id = patron.add_note(text, self._stamp(occurred_at))
        self._commit(patron)
        return note_id

    def get_patron(self, patron_id: str) -> dict:
        return self._patron(patron_id, follow=False).snapshot_dict()

    # -- store facts --------------------------------------------------------
    def event_count(self) -> int:
        return self.recorder.max_notification_id() or 0
