"""The Patron aggregate: a person the organization knows."""

from __future__ import annotations

from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.contact import (
    check_email,
    check_name,
    check_phone,
    clean_tags,
    clean_text,
    normalize_email,
    raise_if_invalid,
)

ADDRESS_FIELDS = ("street", "city", "region", "postal_code", "country")
CONTACT_FIELDS = ("first_name", "last_name", "email", "phone", "address", "email_consent")


def clean_address(address: dict | None) -> dict:
    address = address or {}
    return {k: clean_text(address.get(k, "")) for k in ADDRESS_FIELDS if clean_text(address.get(k))}


def clean_contact(values: dict) -> dict:
    """Trim every contact field and validate what was given."""
    cleaned: dict = {}
    for key, value in values.items():
        if key == "address":
            cleaned[key] = clean_address(value)
        elif key == "email_consent":
            cleaned[key] = bool(value)
        elif key == "email":
            cleaned[key] = normalize_email(value)
        elif key in CONTACT_FIELDS:
            cleaned[key] = clean_text(value)
        else:
            raise ValueError(f"unknown contact field {key!r}")
    errors = []
    if "first_name" in cleaned or "last_name" in cleaned:
        errors += check_name(cleaned.get("first_name", ""), cleaned.get("last_name", ""))
    errors += check_email(cleaned.get("email", ""))
    errors += check_phone(cleaned.get("phone", ""))
    raise_if_invalid(errors)
    return cleaned


class Patron(Aggregate):
    """Commands are ``@event`` methods; every event carries who, where and when."""

    class Event(Aggregate.Event):
        occurred_at: datetime
        recorded_by: str
        workstation: str

    @event("Registered")
    def __init__(
        self,
        first_name: str,
        last_name: str,
        email: str,
        phone: str,
        address: dict,
        email_consent: bool,
        tags: list[str],
        household: str,
        source: str,
        occurred_at: datetime,
        recorded_by: str,
        workstation: str,
    ):
        self.first_name = first_name
        self.last_name = last_name
        self.email = email
        self.phone = phone
        self.address = address
        self.email_consent = email_consent
        self.tags = list(tags)
        self.household = household
        self.source = source
        self.registered_at = occurred_at
        self.notes: list[dict] = []
        self.erased = False

    @classmethod
    def register(cls, stamp: dict, source: str = "office", **values) -> Patron:
        values.setdefault("first_name", "")
        values.setdefault("last_name", "")
        tags = clean_tags(values.pop("tags", ()))
        household = clean_text(values.pop("household", ""))
        contact = clean_contact(values)
        contact.setdefault("email", "")
        contact.setdefault("phone", "")
        contact.setdefault("address", {})
        contact.setdefault("email_consent", False)
        return cls(tags=tags, household=household, source=source, **contact, **stamp)

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)

    def check_not_erased(self) -> None:
        if self.erased:
            from domain.errors import PatronErased

            raise PatronErased(str(self.id))

    # -- erasure (issue 9) ------------------------------------------------
    def erase(self, stamp: dict) -> None:
        """Record that this patron's personal data is being erased (who, when; nothing else).

        The stored payloads are then redacted in place (see ``domain/personal_data.py``).
        """
        self.check_not_erased()
        self._erased(**stamp)

    @event("Erased")
    def _erased(self, occurred_at: datetime, recorded_by: str, workstation: str):
        self.erased = True
        self.erased_at = occurred_at
        self.erased_by = recorded_by

    # -- contact details -------------------------------------------------
    def change_contact(self, stamp: dict, **values) -> dict:
        """Record only what actually changed; returns the changes."""
        self.check_not_erased()
        cleaned = clean_contact(values)
        merged = {"first_name": self.first_name, "last_name": self.last_name, **cleaned}
        raise_if_invalid(check_name(merged["first_name"], merged["last_name"]))
        changes = {k: v for k, v in cleaned.items() if getattr(self, k) != v}
        if changes:
            self._contact_changed(changes=changes, **stamp)
        return changes

    @event("ContactChanged")
    def _contact_changed(
        self, changes: dict, occurred_at: datetime, recorded_by: str, workstation: str
    ):
        for key, value in changes.items():
            setattr(self, key, value)

    # -- interests, household, notes ------------------------------------
    def set_tags(self, tags, stamp: dict) -> bool:
        self.check_not_erased()
        tags = clean_tags(tags)
        if tags == self.tags:
            return False
        self._tags_changed(tags=tags, **stamp)
        return True

    @event("TagsChanged")
    def _tags_changed(
        self, tags: list[str], occurred_at: datetime, recorded_by: str, workstation: str
    ):
        self.tags = list(tags)

    def set_household(self, text: str, stamp: dict) -> bool:
        self.check_not_erased()
        text = clean_text(text)
        if text == self.household:
            return False
        self._household_set(text=text, **stamp)
        return True

    @event("HouseholdNoteSet")
    def _household_set(self, text: str, occurred_at: datetime, recorded_by: str, workstation: str):
        self.household = text

    def add_note(self, text: str, stamp: dict) -> str:
        self.check_not_erased()
        text = (text or "").strip()
        if not text:
            from domain.errors import ValidationError

            raise ValidationError("note", "The note is empty. Type what happened, then save.")
        note_id = str(uuid5(NAMESPACE_URL, f"{self.id}/note/{len(self.notes) + 1}"))
        self._note_added(note_id=note_id, text=text, **stamp)
        return note_id

    @event("NoteAdded")
    def _note_added(
        self, note_id: str, text: str, occurred_at: datetime, recorded_by: str, workstation: str
    ):
        self.notes.append({"id": note_id, "text": text, "at": occurred_at, "by": recorded_by})

    def snapshot_dict(self) -> dict:
        return {
            "id": str(self.id),
            "first_name": self.first_name,
            "last_name": self.last_name,
            "name": self.name,
            "email": self.email,
            "phone": self.phone,
            "address": dict(self.address),
            "email_consent": self.email_consent,
            "tags": list(self.tags),
            "household": self.household,
            "source": self.source,
            "registered_at": self.registered_at.isoformat(),
            "notes": [{**n, "at": n["at"].isoformat()} for n in self.notes],
            "version": self.version,
            "erased": self.erased,
        }


def patron_uuid(patron_id: str | UUID) -> UUID:
    from domain.errors import PatronNotFound

    if isinstance(patron_id, UUID):
        return patron_id
    try:
        return UUID(str(patron_id))
    except ValueError:
        raise PatronNotFound(str(patron_id)) from None
