"""The Patron aggregate: a person the organization knows."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
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
from domain.making import create
from domain.natural_ids import uuid_of
from domain.new_ids import time_ordered_uuid
from domain.recording import Stamp
from domain.thank_yous import check_thanks

ADDRESS_FIELDS = ("street", "city", "region", "postal_code", "country")
CONTACT_FIELDS = ("first_name", "last_name", "email", "phone", "address", "email_consent")


def clean_address(address: dict[str, Any] | None) -> dict[str, Any]:
    address = address or {}
    return {k: clean_text(address.get(k, "")) for k in ADDRESS_FIELDS if clean_text(address.get(k))}


def clean_contact(values: dict[str, Any]) -> dict[str, Any]:
    """Trim every contact field and validate what was given."""
    cleaned: dict[str, Any] = {}
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

    @staticmethod
    def create_id() -> UUID:
        """A new patron's id grows with time (``domain/new_ids.py``): a batch of new
        patrons lands at one place of every index keyed by patron."""
        return time_ordered_uuid()

    class Event(Aggregate.Event):
        occurred_at: datetime
        recorded_by: str
        workstation: str

    class Registered(Aggregate.Created, Event):
        """Version 2 added ``preferred_name`` (what the patron likes to be called).

        Stored version 1 events (Houselights 0.1.0) are upcast when read: they
        get an empty preferred name. The stored bytes are never rewritten.
        """

        class_version = 2
        first_name: str
        last_name: str
        email: str
        phone: str
        address: dict[str, Any]
        email_consent: bool
        tags: list[str]
        household: str
        source: str
        preferred_name: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["preferred_name"] = ""

    @event(Registered)
    def __init__(
        self,
        first_name: str,
        last_name: str,
        email: str,
        phone: str,
        address: dict[str, Any],
        email_consent: bool,
        tags: list[str],
        household: str,
        source: str,
        preferred_name: str,
        occurred_at: datetime,
        recorded_by: str,
        workstation: str,
    ):
        self.first_name = first_name
        self.preferred_name = preferred_name
        self.last_name = last_name
        self.email = email
        self.phone = phone
        self.address = address
        self.email_consent = email_consent
        self.tags = list(tags)
        self.household = household
        self.source = source
        self.registered_at = occurred_at
        self.notes: list[dict[str, Any]] = []
        #: the surviving patron this record was merged into (None while on its own)
        self.merged_into: str | None = None
        #: records merged into this one, oldest merge first
        self.absorbed: list[str] = []
        #: "attendance:<performance id>" / "donation:<donation id>" -> how they were thanked
        self.thanks: dict[str, str] = {}
        self.erased = False

    @classmethod
    def register(cls, stamp: Stamp, source: str = "office", **values: Any) -> Patron:
        values.setdefault("first_name", "")
        values.setdefault("last_name", "")
        tags = clean_tags(values.pop("tags", ()))
        household = clean_text(values.pop("household", ""))
        preferred_name = clean_text(values.pop("preferred_name", ""))
        contact = clean_contact(values)
        contact.setdefault("email", "")
        contact.setdefault("phone", "")
        contact.setdefault("address", {})
        contact.setdefault("email_consent", False)
        # as ``cls(...)`` (its one created event), without the per-call introspection
        return create(
            cls,
            cls.Registered,
            tags=tags,
            household=household,
            source=source,
            preferred_name=preferred_name,
            **contact,
            **stamp,
        )

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)

    def check_not_erased(self) -> None:
        if self.erased:
            from domain.errors import PatronErased

            raise PatronErased(str(self.id))

    # -- erasure (issue 9) ------------------------------------------------
    def erase(self, stamp: Stamp) -> None:
        """Record that this patron's personal data is being erased (who, when; nothing else).

        The stored payloads are then redacted in place (see ``domain/personal_data.py``).
        """
        self.check_not_erased()
        self._erased(**stamp)

    @event("Erased")
    def _erased(self, occurred_at: datetime, recorded_by: str, workstation: str) -> None:
        self.erased = True
        self.erased_at = occurred_at
        self.erased_by = recorded_by

    # -- contact details -------------------------------------------------
    def change_contact(self, stamp: Stamp, **values: Any) -> dict[str, Any]:
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
        self, changes: dict[str, Any], occurred_at: datetime, recorded_by: str, workstation: str
    ) -> None:
        for key, value in changes.items():
            setattr(self, key, value)

    # -- interests, household, notes ------------------------------------
    def set_tags(self, tags: Iterable[object] | None, stamp: Stamp) -> bool:
        self.check_not_erased()
        tags = clean_tags(tags)
        if tags == self.tags:
            return False
        self._tags_changed(tags=tags, **stamp)
        return True

    @event("TagsChanged")
    def _tags_changed(
        self, tags: list[str], occurred_at: datetime, recorded_by: str, workstation: str
    ) -> None:
        self.tags = list(tags)

    def set_household(self, text: str, stamp: Stamp) -> bool:
        self.check_not_erased()
        text = clean_text(text)
        if text == self.household:
            return False
        self._household_set(text=text, **stamp)
        return True

    @event("HouseholdNoteSet")
    def _household_set(
        self, text: str, occurred_at: datetime, recorded_by: str, workstation: str
    ) -> None:
        self.household = text

    def add_note(self, text: str, stamp: Stamp) -> str:
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
    ) -> None:
        self.notes.append({"id": note_id, "text": text, "at": occurred_at, "by": recorded_by})

    # -- merging duplicates (see domain/merging.py) ------------------------
    def check_can_merge_into(self, survivor: Patron) -> None:
        """Raise ``MergeProblem`` unless this record may be merged into ``survivor``."""
        from domain.errors import MergeProblem

        if survivor.id == self.id:
            raise MergeProblem("A record cannot be merged into itself. Choose the other record.")
        if self.erased or survivor.erased:
            raise MergeProblem(
                "The personal data of one of these records was erased, so it cannot be "
                "merged. Leave the other record as it is."
            )
        if self.merged_into:
            raise MergeProblem(
                f"{self.name or 'This record'} was already merged into another record. "
                "Unmerge it first."
            )
        if survivor.merged_into:
            raise MergeProblem(
                f"{survivor.name or 'That record'} was itself merged into another record. "
                "Merge into the record it was merged into instead."
            )
        if self.absorbed:
            raise MergeProblem(
                f"Other records were merged into {self.name or 'this record'}, so it has to "
                "stay the surviving record. Merge the other record into it instead."
            )

    def merge_into(self, survivor: Patron, stamp: Stamp) -> None:
        """Both sides record the merge: this record ``MergedInto``, the survivor ``Absorbed``."""
        self.check_can_merge_into(survivor)
        self._merged_into(survivor_id=str(survivor.id), **stamp)
        survivor._absorbed(other_id=str(self.id), **stamp)

    @event("MergedInto")
    def _merged_into(
        self, survivor_id: str, occurred_at: datetime, recorded_by: str, workstation: str
    ) -> None:
        self.merged_into = survivor_id

    @event("Absorbed")
    def _absorbed(
        self, other_id: str, occurred_at: datetime, recorded_by: str, workstation: str
    ) -> None:
        self.absorbed.append(other_id)

    def unmerge_from(self, survivor: Patron, stamp: Stamp) -> None:
        """Undo the merge on both sides: ``Unmerged`` here, ``Separated`` on the survivor."""
        from domain.errors import MergeProblem

        if not self.merged_into or self.merged_into != str(survivor.id):
            raise MergeProblem(
                f"{self.name or 'This record'} is not merged into another record, "
                "so there is nothing to unmerge."
            )
        if self.erased or survivor.erased:
            raise MergeProblem(
                "These records were erased together (they were one patron), so they "
                "cannot be unmerged."
            )
        self._unmerged(survivor_id=str(survivor.id), **stamp)
        survivor._separated(other_id=str(self.id), **stamp)

    @event("Unmerged")
    def _unmerged(
        self, survivor_id: str, occurred_at: datetime, recorded_by: str, workstation: str
    ) -> None:
        self.merged_into = None

    @event("Separated")
    def _separated(
        self, other_id: str, occurred_at: datetime, recorded_by: str, workstation: str
    ) -> None:
        if other_id in self.absorbed:
            self.absorbed.remove(other_id)

    # -- thank-yous -------------------------------------------------------
    def thank(self, channel: str, reason: str, reference_id: str, stamp: Stamp) -> None:
        """Record a thank-you (letter, email or call) for coming to a performance
        (``reason="attendance"``, the performance's id) or for a donation (its id)."""
        check_thanks(channel, reason, reference_id, self.thanks)
        self._thanked(channel=channel, reason=reason, reference_id=str(reference_id), **stamp)

    @event("Thanked")
    def _thanked(
        self,
        channel: str,
        reason: str,
        reference_id: str,
        occurred_at: datetime,
        recorded_by: str,
        workstation: str,
    ) -> None:
        # getattr: a patron rebuilt from a snapshot taken before thank-yous existed
        thanks = getattr(self, "thanks", None)
        if thanks is None:
            thanks = self.thanks = {}
        thanks[f"{reason}:{reference_id}"] = channel


def patron_uuid(patron_id: str | UUID) -> UUID:
    if isinstance(patron_id, UUID):
        return patron_id
    try:
        return uuid_of(str(patron_id))
    except ValueError:
        pass
    # imported here, only for a wrong id: an import asks this tens of thousands of times
    from domain.errors import PatronNotFound

    raise PatronNotFound(str(patron_id)) from None
