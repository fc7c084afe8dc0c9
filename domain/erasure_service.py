"""Erasing a patron's personal data (issue 9): the domain half.

``record_erasure`` appends ``Patron.Erased`` (who and when, no personal data) and
releases the patron's contact keys, so duplicate warnings and import matching no
longer find them. Rewriting the stored payloads and compacting the files is
storage work, done by ``desktop/erasure.py`` right after this event is saved.
"""

from __future__ import annotations

from datetime import datetime

from domain.roles import MANAGER


class ErasureService:
    def record_erasure(self, patron_id: str, occurred_at: datetime | None = None) -> bool:
        """Record the erasure; False when it was already recorded (a resumed erasure)."""
        self.require_role(
            MANAGER, what="erase personal data"
        )  # also when only finishing an interrupted erasure
        patron = self._patron(patron_id)
        if patron.erased:
            return False
        stamp = self._stamp(occurred_at)
        released = self._reindex(str(patron.id), self._index_keys(patron), [], stamp)
        patron.erase(stamp)
        self.save(patron, *released)  # never held back in a batch: redaction follows at once
        return True
