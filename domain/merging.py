"""Merging duplicate patrons, and undoing it.

The rule (event-sourced, nothing rewritten):

* ``merge_patrons(duplicate, survivor)`` records ``Patron.MergedInto`` on the
  duplicate and ``Patron.Absorbed`` on the survivor, in one transaction with the
  contact keys: the survivor claims the duplicate's email, phone and
  name-and-postal-code keys, the duplicate lets go of them. No other event is
  touched: the read models treat the duplicate's rows as the survivor's while
  the merge stands (``projections/patron_merges.py``: ``family()``), so the
  survivor's timeline, purchases, tickets, visits and door facts show both.
* While merged, a command naming the duplicate acts on the survivor (a sale,
  a note, a donation typed on a stale screen lands on the record that remains).
* ``unmerge_patron(duplicate)`` records ``Patron.Unmerged`` and
  ``Patron.Separated``; the duplicate claims its keys again and the survivor
  lets go of those it does not hold itself (or through another merged record).
  Both records are exactly as before the merge. Whatever was recorded for the
  survivor during the merge stays with the survivor: it happened to the record
  that remained, and no one can tell which person it was about.
* A record cannot be merged into itself, twice, into a merged record, or (when
  other records were merged into it) into another record: it then stays the
  survivor. Unmerge first.
"""

from __future__ import annotations

from collections.abc import Callable, Set
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from domain.contact_index import ContactKey
from domain.duplicates import DuplicatePair, pair_id
from domain.errors import MergeProblem
from domain.patron import Patron
from domain.patrons_service import PatronsService
from domain.recording import Stamp
from domain.roles import Permission
from domain.store import Store, command

MERGE_ATTEMPTS = 3

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class MergeResult:
    """The record merged away and the record it was merged into."""

    merged: str
    into: str

    def to_json(self) -> dict[str, str]:
        return {"merged": self.merged, "into": self.into}


@dataclass(frozen=True, slots=True)
class UnmergeResult:
    """The record made separate again and the record it had been merged into."""

    unmerged: str
    from_id: str

    def to_json(self) -> dict[str, str]:
        return {"unmerged": self.unmerged, "from": self.from_id}


class MergingService:
    """Mixed into ``domain.application.Houselights``."""

    def __init__(self, store: Store, patrons: PatronsService) -> None:
        self.store = store
        self.patrons = patrons

    def _patron_record(self, patron_id: str) -> Patron:
        """The record itself, not the survivor it may have been merged into."""
        return self.patrons.patron(patron_id, follow=False)

    def _retrying(self, command: Callable[[], R]) -> R:
        """Run ``command()`` again when another workstation saved one of the same
        records at the same moment: the second look sees its change (and its rules
        then say, for instance, that the record is already merged)."""
        for attempt in range(MERGE_ATTEMPTS):
            try:
                return command()
            except IntegrityError:
                if attempt == MERGE_ATTEMPTS - 1 or self.store.in_batch:
                    raise
        raise AssertionError("unreachable")

    @command(Permission.EDIT_PATRONS)
    def merge_patrons(
        self, duplicate_id: str, survivor_id: str, occurred_at: datetime | None = None
    ) -> MergeResult:
        """Merge ``duplicate_id`` into ``survivor_id``; returns both ids."""
        return self._retrying(lambda: self._merge(duplicate_id, survivor_id, occurred_at))

    @command(Permission.EDIT_PATRONS)
    def unmerge_patron(
        self, duplicate_id: str, occurred_at: datetime | None = None
    ) -> UnmergeResult:
        """Undo the merge of ``duplicate_id``; returns both ids."""
        return self._retrying(lambda: self._unmerge(duplicate_id, occurred_at))

    def _merge(
        self, duplicate_id: str, survivor_id: str, occurred_at: datetime | None
    ) -> MergeResult:
        duplicate = self._patron_record(duplicate_id)
        survivor = self._patron_record(survivor_id)
        stamp = self.store.stamp(occurred_at)
        duplicate.merge_into(survivor, stamp)
        keys = self.patrons.index_keys(duplicate)
        indexes = self._move_keys(keys, str(duplicate.id), str(survivor.id), stamp)
        self.store.commit(duplicate, survivor, *indexes)
        return MergeResult(merged=str(duplicate.id), into=str(survivor.id))

    def _unmerge(self, duplicate_id: str, occurred_at: datetime | None) -> UnmergeResult:
        duplicate = self._patron_record(duplicate_id)
        if not duplicate.merged_into:
            raise MergeProblem(
                f"{duplicate.name or 'This record'} is not merged into another record, "
                "so there is nothing to unmerge."
            )
        survivor = self._patron_record(duplicate.merged_into)
        stamp = self.store.stamp(occurred_at)
        duplicate.unmerge_from(survivor, stamp)
        keys = self.patrons.index_keys(duplicate)
        kept = set(self.patrons.index_keys(survivor))
        for other in survivor.absorbed:
            kept.update(self.patrons.index_keys(self._patron_record(other)))
        indexes = self._move_keys(keys, str(survivor.id), str(duplicate.id), stamp, kept)
        self.store.commit(duplicate, survivor, *indexes)
        return UnmergeResult(unmerged=str(duplicate.id), from_id=str(survivor.id))

    def _move_keys(
        self, keys: list[str], from_id: str, to_id: str, stamp: Stamp, kept: Set[str] = frozenset()
    ) -> list[ContactKey]:
        """``to_id`` claims each key; ``from_id`` lets go of those not in ``kept``."""
        indexes = []
        for key in keys:
            index = self.patrons.key(key)
            if index is None:  # a key no one used yet: opened for ``to_id``, one event
                indexes.append(ContactKey.open(key, stamp, to_id))
                continue
            if key not in kept:
                index.release(from_id, stamp)
            index.claim(to_id, stamp)
            indexes.append(index)
        return indexes

    # -- reviewed pairs ------------------------------------------------------------
    def _pair(self, a: str, b: str) -> DuplicatePair | None:
        try:
            found: DuplicatePair = self.store.get(pair_id(a, b))
            return found
        except AggregateNotFoundError:
            return None

    @command(Permission.EDIT_PATRONS)
    def dismiss_duplicate(self, a: str, b: str, occurred_at: datetime | None = None) -> bool:
        """Two records that are not the same person: off the duplicates list for good."""
        a, b = str(self._patron_record(a).id), str(self._patron_record(b).id)
        stamp = self.store.stamp(occurred_at)
        pair = self._pair(a, b)
        if pair is None:
            self.store.commit(DuplicatePair.dismiss_new(a, b, stamp))
            return True
        if pair.dismiss(stamp):
            self.store.commit(pair)
            return True
        return False

    @command(Permission.EDIT_PATRONS)
    def reopen_duplicate(self, a: str, b: str, occurred_at: datetime | None = None) -> bool:
        """Put a dismissed pair back on the duplicates list."""
        pair = self._pair(str(a), str(b))
        if pair is not None and pair.reopen(self.store.stamp(occurred_at)):
            self.store.commit(pair)
            return True
        return False
