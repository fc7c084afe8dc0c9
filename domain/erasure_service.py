"""Erasing a patron's personal data (issue 9): the domain half.

``record_erasure`` appends ``Patron.Erased`` (who and when, no personal data) and
releases the patron's contact keys, so duplicate warnings and import matching no
longer find them. Rewriting the stored payloads and compacting the files is
storage work, done by ``infrastructure/erasure.py`` right after this event is saved.

A patron is one person however many records they had: erasing a record erases
every record merged into it too (a duplicate merged in holds the same person's
name and details), and erasing a record that was merged into another erases the
surviving record and all of its merged records. A record merged and then unmerged
again is someone else (that is what unmerging says) and is left alone; erase it on
its own if it is the same person after all.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from domain.access import Access
from domain.contact_index import contact_keys
from domain.patrons_service import PatronsService
from domain.personal_data import ERASED
from domain.roles import MANAGER, Permission
from domain.store import Store, command, reads


class ErasureService:
    """Recording an erasure; the stored payloads are rewritten by infrastructure."""

    def __init__(self, store: Store, access: Access, patrons: PatronsService) -> None:
        self.store = store
        self.access = access
        self.patrons = patrons

    @reads(Permission.ERASE)
    def erasure_records(self, patron_id: str) -> list[str]:
        """The ids an erasure of ``patron_id`` covers: the surviving record first,
        then the records merged into it."""
        survivor = self.patrons.patron(patron_id)
        return [str(survivor.id), *(str(other) for other in survivor.absorbed)]

    @command(Permission.ERASE)
    def record_erasure(self, patron_id: str, occurred_at: datetime | None = None) -> bool:
        """Record the erasure of the patron and of the records merged into them;
        False when it was already recorded (a resumed erasure)."""
        self.access.require_role(
            MANAGER, what="erase personal data"
        )  # also when only finishing an interrupted erasure
        survivor = self.patrons.patron(patron_id)
        records = [
            survivor,
            *(self.patrons.patron(other, follow=False) for other in survivor.absorbed),
        ]
        to_erase = [record for record in records if not record.erased]
        if not to_erase:
            return False
        stamp = self.store.stamp(occurred_at)
        # While merged, the survivor holds the merged records' keys as well.
        index_keys = self.patrons.index_keys
        keys = list(dict.fromkeys(k for record in records for k in index_keys(record)))
        released = self.patrons.reindex(str(survivor.id), keys, [], stamp)
        for record in to_erase:
            record.erase(stamp)
        self.store.save(
            *to_erase, *released
        )  # never held back in a batch: redaction follows at once
        return True

    @reads(Permission.ERASE)
    def known_contact_keys(self, patron_ids: list[str]) -> set[str]:
        """Every email and phone these records ever had, as contact keys
        (``email:…``, ``phone:…``): a chat nobody linked that came from one of them
        is the patron's too. Read before the stored payloads are redacted."""
        from domain.patron import Patron

        keys: set[str] = set()
        for patron_id in patron_ids:
            for e in self.store.repository.event_store.get(UUID(str(patron_id))):
                if isinstance(e, Patron.Registered):
                    keys.update(contact_keys(e.email, e.phone))
                elif type(e).__qualname__ == "Patron.ContactChanged":
                    changes = getattr(e, "changes", None) or {}
                    keys.update(contact_keys(changes.get("email", ""), changes.get("phone", "")))
        return keys - set(contact_keys(ERASED, ERASED))  # an erasure resumed after the rewrite
