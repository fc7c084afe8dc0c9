"""Patrons: registering, contact details, interests, household and notes.

Contact keys (``domain/contact_index.py``) find a patron already on file by email,
phone or name at a postal code; ``patron()`` follows a record merged into
another to the record that remains (``domain/merging.py``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from domain.contact_index import ContactKey, contact_keys, index_keys, name_postal_key
from domain.errors import PatronNotFound, PossibleDuplicate
from domain.patron import Patron, patron_uuid
from domain.patron_match import PatronMatch
from domain.recording import Stamp
from domain.roles import Permission
from domain.store import Store, command, reads


@dataclass(frozen=True, slots=True)
class PatronRecord:
    """One patron's record as it stands: name, contact details, consent, interests,
    household, notes, and whether it was merged into another or erased.

    ``address`` maps its parts (``street``, ``city``, ``postal_code``...) to text;
    each note is ``{"id", "text", "at" (ISO), "by", ...}`` as recorded;
    ``registered_at`` is ISO 8601 text; ``version`` is the record's event count."""

    id: str
    first_name: str
    last_name: str
    name: str
    email: str
    phone: str
    address: dict[str, Any]
    email_consent: bool
    tags: list[str]
    household: str
    preferred_name: str
    source: str
    registered_at: str
    notes: list[dict[str, Any]]
    merged_into: str | None
    absorbed: list[str]
    version: int
    erased: bool

    @classmethod
    def of(cls, patron: Patron) -> PatronRecord:
        return cls(
            id=str(patron.id),
            first_name=patron.first_name,
            last_name=patron.last_name,
            name=patron.name,
            email=patron.email,
            phone=patron.phone,
            address=dict(patron.address),
            email_consent=patron.email_consent,
            tags=list(patron.tags),
            household=patron.household,
            preferred_name=patron.preferred_name,
            source=patron.source,
            registered_at=patron.registered_at.isoformat(),
            notes=[{**n, "at": n["at"].isoformat()} for n in patron.notes],
            merged_into=patron.merged_into,
            absorbed=list(patron.absorbed),
            version=patron.version,
            erased=patron.erased,
        )

    def to_json(self) -> dict[str, Any]:
        """The record as plain JSON values (every field, by name)."""
        return asdict(self)


class PatronsService:
    """Patron records. Methods take and return simple values."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @reads(Permission.READ_PATRONS)
    def patron(self, patron_id: str | UUID, follow: bool = True) -> Patron:
        """The patron; for a record merged into another, the surviving record
        (``follow=False``: the record itself). See domain/merging.py."""
        try:
            patron = self.store.get(patron_uuid(patron_id))
        except AggregateNotFoundError:
            raise PatronNotFound(str(patron_id)) from None
        if not isinstance(patron, Patron):
            raise PatronNotFound(str(patron_id))
        if follow and patron.merged_into:
            return self.patron(patron.merged_into, follow=False)
        return patron

    # -- contact keys (duplicate detection) -----------------------------------
    @reads(Permission.READ_PATRONS)
    def key(self, key: str) -> ContactKey | None:
        try:
            found: ContactKey = self.store.get(ContactKey.key_id(key))
            return found
        except AggregateNotFoundError:
            return None

    @reads(Permission.READ_PATRONS)
    def find_contact_matches(
        self, email: str = "", phone: str = "", exclude: str | None = None
    ) -> list[PatronMatch]:
        """Patrons already on file with this email or phone number."""
        return self._matches(contact_keys(email, phone), exclude)

    @reads(Permission.READ_PATRONS)
    def find_name_matches(
        self, first_name: str, last_name: str, postal_code: str
    ) -> list[PatronMatch]:
        """Patrons of this name at this postal code (accents, case and spaces ignored)."""
        key = name_postal_key(first_name, last_name, postal_code)
        return self._matches([key]) if key else []

    def _matches(self, keys: list[str], exclude: str | None = None) -> list[PatronMatch]:
        found: dict[str, PatronMatch] = {}
        for key in keys:
            index = self.key(key)
            for pid in index.patron_ids if index else ():
                if pid != exclude and pid not in found:
                    patron = self.patron(pid)
                    found[pid] = PatronMatch(
                        id=pid,
                        name=patron.name,
                        email=patron.email,
                        phone=patron.phone,
                        reason=key.split(":", 1)[0],
                    )
        return list(found.values())

    @reads(Permission.EDIT_PATRONS)
    def reindex(
        self, patron_id: str, old: list[str], new: list[str], stamp: Stamp
    ) -> list[ContactKey]:
        changed = []
        for key in old:
            if key not in new and (index := self.key(key)) is not None:
                index.release(patron_id, stamp)
                changed.append(index)
        for key in new:
            index = self.key(key)
            if index is None:
                index = ContactKey.open(key, stamp, patron_id)  # one event, not two
            else:
                index.claim(patron_id, stamp)
            changed.append(index)
        return changed

    # -- patrons ------------------------------------------------------------
    @command(Permission.EDIT_PATRONS)
    def register_patron(
        self,
        first_name: str,
        last_name: str = "",
        email: str = "",
        phone: str = "",
        address: dict[str, Any] | None = None,
        email_consent: bool = False,
        tags: list[str] | tuple[str, ...] = (),
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
        stamp = self.store.stamp(occurred_at)
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
        indexes = self.reindex(patron_id, [], self.index_keys(patron), stamp)
        self.store.commit(patron, *indexes)
        return patron_id

    @command(Permission.EDIT_PATRONS)
    def update_contact(
        self,
        patron_id: str,
        occurred_at: datetime | None = None,
        allow_duplicate: bool = False,
        **values: Any,
    ) -> dict[str, Any]:
        """Change contact details; returns only the fields that changed."""
        patron = self.patron(patron_id)
        stamp = self.store.stamp(occurred_at)
        old_keys = contact_keys(patron.email, patron.phone)
        old_index_keys = self.index_keys(patron)
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
        indexes = self.reindex(str(patron.id), old_index_keys, self.index_keys(patron), stamp)
        self.store.commit(patron, *indexes)
        return changes

    @staticmethod
    def index_keys(patron: Patron) -> list[str]:
        return index_keys(
            patron.email, patron.phone, patron.first_name, patron.last_name, patron.address
        )

    @command(Permission.EDIT_PATRONS)
    def set_tags(
        self, patron_id: str, tags: list[str], occurred_at: datetime | None = None
    ) -> bool:
        patron = self.patron(patron_id)
        if patron.set_tags(tags, self.store.stamp(occurred_at)):
            self.store.commit(patron)
            return True
        return False

    @command(Permission.EDIT_PATRONS)
    def set_household(self, patron_id: str, text: str, occurred_at: datetime | None = None) -> bool:
        patron = self.patron(patron_id)
        if patron.set_household(text, self.store.stamp(occurred_at)):
            self.store.commit(patron)
            return True
        return False

    @command(Permission.EDIT_PATRONS)
    def add_note(self, patron_id: str, text: str, occurred_at: datetime | None = None) -> str:
        patron = self.patron(patron_id)
        note_id = patron.add_note(text, self.store.stamp(occurred_at))
        self.store.commit(patron)
        return note_id

    @reads(Permission.READ_PATRONS)
    def get_patron(self, patron_id: str) -> PatronRecord:
        return PatronRecord.of(self.patron(patron_id, follow=False))
