"""Index aggregates that find patrons by email or phone without a read model.

Following eventsourcing's content-management example, a natural key
(``email:ada@example.org``) maps to an aggregate id with uuid5; the index
aggregate lists the patrons who use that key. Registration saves the patron
and its index entries in one transaction, so duplicate warnings are exact even
on a shared store where the local read models may lag. The key itself is not
stored, only its uuid5.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.contact import clean_text, fold, normalize_email, normalize_phone
from domain.making import create
from domain.natural_ids import name_uuid
from domain.recording import Stamp

_NAMESPACE = uuid5(NAMESPACE_URL, "https://houselights.app/contact-key")


@lru_cache(maxsize=65536)  # an import asks for each new key's id more than once
def _key_uuid(key: str) -> UUID:
    return name_uuid(_NAMESPACE, key)


def contact_keys(email: str = "", phone: str = "") -> list[str]:
    keys = []
    if normalize_email(email):
        keys.append("email:" + normalize_email(email))
    if normalize_phone(phone):
        keys.append("phone:" + normalize_phone(phone).lstrip("+"))
    return keys


def name_postal_key(first_name: str = "", last_name: str = "", postal_code: str = "") -> str:
    """``name:ada lovelace|sw1a1aa``: finds a patron when an export has no email or phone.

    Only for matching imported sales: two people of one name at one postal code
    (a parent and child) are common enough that it never raises a duplicate warning.
    """
    name = fold(clean_text(f"{first_name or ''} {last_name or ''}"))
    postal = "".join((postal_code or "").split()).replace("-", "").upper()
    return f"name:{name}|{postal}" if name and postal else ""


def index_keys(
    email: str = "",
    phone: str = "",
    first_name: str = "",
    last_name: str = "",
    address: dict[str, Any] | None = None,
) -> list[str]:
    """Every key a patron is indexed under: contact keys plus the name-and-postal-code key."""
    keys = contact_keys(email, phone)
    name_key = name_postal_key(first_name, last_name, (address or {}).get("postal_code", ""))
    return keys + [name_key] if name_key else keys


class ContactKey(Aggregate):
    class Event(Aggregate.Event):
        occurred_at: datetime
        recorded_by: str
        workstation: str

    @classmethod
    def key_id(cls, key: str) -> UUID:
        return _key_uuid(key)

    class Opened(Event, Aggregate.Created):
        """Version 2 added ``patron_ids``: a key opened for the patron who first uses
        it (one event instead of ``Opened`` then ``Claimed``: a tenth of an import's
        events were these). Version 1 events read as opened for nobody; their
        ``Claimed`` events follow them."""

        class_version = 2
        patron_ids: list[str]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["patron_ids"] = []

    @event(Opened)
    def __init__(
        self, occurred_at: datetime, recorded_by: str, workstation: str, patron_ids: list[str]
    ):
        self.patron_ids: list[str] = list(patron_ids)

    @classmethod
    def open(cls, key: str, stamp: Stamp, patron_id: str | None = None) -> ContactKey:
        """A new index entry for ``key``, claimed by ``patron_id`` when given."""
        return create(
            cls,
            cls.Opened,
            id=cls.key_id(key),
            patron_ids=[patron_id] if patron_id else [],
            **stamp,
        )

    def claim(self, patron_id: str, stamp: Stamp) -> None:
        if patron_id not in self.patron_ids:
            self._claimed(patron_id=patron_id, **stamp)

    @event("Claimed")
    def _claimed(
        self, patron_id: str, occurred_at: datetime, recorded_by: str, workstation: str
    ) -> None:
        self.patron_ids.append(patron_id)

    def release(self, patron_id: str, stamp: Stamp) -> None:
        if patron_id in self.patron_ids:
            self._released(patron_id=patron_id, **stamp)

    @event("Released")
    def _released(
        self, patron_id: str, occurred_at: datetime, recorded_by: str, workstation: str
    ) -> None:
        self.patron_ids.remove(patron_id)
