"""Timeline rows for the door and for merged records.

The base of ``BoxOfficeTimeline`` (so of the ``Timeline`` projection); uses its
``_label`` and ``_title`` for performances. A ticket's admission, an admission
undone and a refused scan of a ticket land on the timeline of the patron who
holds the ticket (its ``Ticket.Issued``), so the projection keeps which patron
holds which ticket (``timeline_tickets``, tickets sold to nobody in particular
are not kept). A scan the scanner sent twice in a moment (``repeat``) and a
code that matches no ticket (``unknown``) concern no patron.

A merge is on both records' timelines: the surviving record's row ("took in the
duplicate record of ...") and the merged record's ("merged into the record of
..."); ``timeline.rows`` shows the survivor's only while the two are one family,
so the page lists the merge once. Names come from ``timeline_names``, which a
rebuild after an erasure fills from the redacted events.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from domain.door import ALREADY_ADMITTED, VOID, WRONG_PERFORMANCE
from domain.personal_data import ERASED
from domain.ticket_codes import ticket_id
from projections.base import Event, PendingRows, run_script
from projections.timeline_rows import TimelineRows

#: kinds of the merged record's own rows, hidden while it is merged (the survivor's
#: rows say the same)
MERGED_SIDE = ("merged_into", "unmerged")


class DoorTimeline(TimelineRows):
    door_tables = ("timeline_tickets", "timeline_names")

    def register_door(self) -> None:
        self._ticket_rows = PendingRows(
            "INSERT OR REPLACE INTO timeline_tickets VALUES (?, ?, ?, ?)"
        )
        #: names written in the batch being applied (read back by id only)
        self._names = PendingRows("INSERT OR REPLACE INTO timeline_names VALUES (?, ?)")
        on = self.on
        on("Ticket.Admitted")(self._tl_admitted)
        on("Ticket.AdmissionUndone")(self._tl_admission_undone)
        on("DoorScan.Recorded")(self._tl_scan_refused)
        on("Patron.MergedInto")(self._tl_merged_into)
        on("Patron.Absorbed")(self._tl_absorbed)
        on("Patron.Unmerged")(self._tl_unmerged)
        on("Patron.Separated")(self._tl_separated)

    def create_door_lookups(self, db: Database) -> None:
        run_script(
            db,
            """
            CREATE TABLE IF NOT EXISTS timeline_tickets (
                id TEXT PRIMARY KEY, patron_id TEXT NOT NULL, performance_id TEXT NOT NULL,
                code TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS timeline_names (
                id TEXT PRIMARY KEY, name TEXT NOT NULL
            );
            """,
        )

    def flush_door(self, db: Database) -> None:
        self._ticket_rows.flush(db)
        self._names.flush(db)

    # -- names, for the merge rows ------------------------------------------
    def _tl_name(self, db: Database, patron_id: str, name: str) -> None:
        self._names.add(db, patron_id, (patron_id, name))

    def _tl_renamed(self, db: Database, patron_id: str, changes: dict[str, Any]) -> None:
        if "first_name" not in changes and "last_name" not in changes:
            return
        self._names.need(db, patron_id)
        row = db.conn.execute(
            "SELECT name FROM timeline_names WHERE id = ?", (patron_id,)
        ).fetchone()
        first, _, last = (row[0] if row else "").partition("\t")
        first, last = changes.get("first_name", first), changes.get("last_name", last)
        self._tl_name(db, patron_id, f"{first}\t{last}")

    def _name_of(self, db: Database, patron_id: str) -> str | None:
        """The record's name; None when it was erased (or is not known)."""
        self._names.need(db, patron_id)
        row = db.conn.execute(
            "SELECT name FROM timeline_names WHERE id = ?", (patron_id,)
        ).fetchone()
        parts = [p for p in (row[0] if row else "").split("\t") if p and p != ERASED]
        return " ".join(parts) or None

    def _record_of(self, db: Database, patron_id: str) -> str:
        name = self._name_of(db, patron_id)
        return f"the record of {name}" if name else "a record whose personal data was erased"

    # -- tickets and the door --------------------------------------------------
    def _tl_ticket_holder(self, db: Database, e: Event) -> None:
        """Keep who holds the ticket of this ``Ticket.Issued`` (the box office's handler
        calls this for every ticket held by a patron)."""
        key = str(e.originator_id)
        self._ticket_rows.add(db, key, (key, e.patron_id, e.performance_id, e.code))

    def _holder(self, db: Database, ticket: str) -> tuple[str, str, str] | None:
        """(patron id, performance id, code) of the ticket with this aggregate id."""
        self._ticket_rows.need(db, ticket)
        held: tuple[str, str, str] | None = db.conn.execute(
            "SELECT patron_id, performance_id, code FROM timeline_tickets WHERE id = ?", (ticket,)
        ).fetchone()
        return held

    def _tl_admitted(self, db: Database, e: Event, position: int) -> None:
        held = self._holder(db, str(e.originator_id))
        if held is None:
            return
        summary = f"Admitted to {self._label(db, e.performance_id)} at {e.door}"
        self.add(db, e, position, "admission", summary, f"Ticket {held[2]}", patron_id=held[0])

    def _tl_admission_undone(self, db: Database, e: Event, position: int) -> None:
        held = self._holder(db, str(e.originator_id))
        if held is None:
            return
        summary = f"Admission to {self._label(db, e.performance_id)} undone at {e.door}: {e.reason}"
        self.add(
            db, e, position, "admission_undone", summary, f"Ticket {held[2]}", patron_id=held[0]
        )

    def _tl_scan_refused(self, db: Database, e: Event, position: int) -> None:
        if e.verdict not in (WRONG_PERFORMANCE, ALREADY_ADMITTED, VOID):
            return  # a repeat of an admission, or a code that is nobody's ticket
        held = self._holder(db, str(ticket_id(e.code)))
        if held is None:
            return
        night = self._label(db, held[1])
        if e.verdict == WRONG_PERFORMANCE:
            same = self._title(db, held[1]) == self._title(db, e.performance_id)
            scanned = self._label(db, e.performance_id, with_title=not same)
            why = f"ticket for {night}, scanned at {scanned}"
        elif e.verdict == ALREADY_ADMITTED:
            why = f"already admitted ({night})"
        else:
            why = f"ticket no longer valid, refunded or exchanged ({night})"
        self.add(
            db,
            e,
            position,
            "refused_scan",
            f"Turned away at {e.door}: {why}",
            f"Ticket {e.code}",
            patron_id=held[0],
        )

    # -- merges ----------------------------------------------------------------
    def _tl_merged_into(self, db: Database, e: Event, position: int) -> None:
        self.add(
            db,
            e,
            position,
            "merged_into",
            f"Merged into {self._record_of(db, e.survivor_id)} (a duplicate)",
        )

    def _tl_absorbed(self, db: Database, e: Event, position: int) -> None:
        self.add(
            db, e, position, "merge", f"Took in {self._record_of(db, e.other_id)} (a duplicate)"
        )

    def _tl_unmerged(self, db: Database, e: Event, position: int) -> None:
        self.add(
            db,
            e,
            position,
            "unmerged",
            f"Unmerged: separate again from {self._record_of(db, e.survivor_id)}",
        )

    def _tl_separated(self, db: Database, e: Event, position: int) -> None:
        self.add(
            db,
            e,
            position,
            "unmerge",
            f"Unmerged: {self._record_of(db, e.other_id)} is separate again",
        )
