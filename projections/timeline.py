"""Read model: each patron's timeline, one row per interaction, newest first."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from domain.personal_data import ERASED
from domain.wording import date_mark
from projections.base import Event, run_script
from projections.box_office_timeline import BoxOfficeTimeline
from projections.conversation_timeline import ConversationTimeline
from projections.door_timeline import MERGED_SIDE
from projections.patron_merges import in_family

COLUMNS = (
    "position",
    "patron_id",
    "occurred_at",
    "kind",
    "summary",
    "detail",
    "recorded_by",
    "workstation",
    "amount_cents",
)

SOURCES = {
    "office": "at the office",
    "walk-up": "as a walk-up buyer",
    "import": "from an import",
    "demo": "in the demo",
}

CONTACT_LABELS = {
    "first_name": "first name",
    "last_name": "last name",
    "email": "email",
    "phone": "phone",
    "address": "postal address",
    "email_consent": "email consent",
}


#: every event class the timeline does not handle, with the reason it is not a row on a
#: patron's timeline. tests/projections/test_every_event_on_the_timeline.py fails for an
#: event class that is neither handled nor listed here: a new event cannot be forgotten.
NOT_ON_TIMELINE: dict[str, str] = {
    "Ticket.Refunded": "the order's or subscription's refund is the row, once for its tickets",
    "Ticket.Exchanged": "the exchange (Exchange.Made) is the row, once for its tickets",
    "Ticket.CodeReplaced": (
        "a ticket given its ticketing service's barcode: the same seat, issued again under "
        "that code (a named attendee's row comes from that Ticket.Issued)"
    ),
    "Performance.SeatsTaken": "the performance's seat count; the sale is the row",
    "Performance.SeatsTakenTogether": "the performance's seat count for a batch's orders;"
    " each sale is its row",
    "Performance.SeatsReleased": "the performance's seat count; the refund or exchange is the row",
    "Performance.CapacityChanged": "about the performance, not any patron",
    "Performance.PricesChanged": "about the performance, not any patron",
    "Performance.VenueChanged": "about the performance, not any patron",
    "ContactKey.Opened": "the index of emails and phones that finds duplicates, not an"
    " interaction; the registration or contact change is the row",
    "ContactKey.Claimed": "the index of emails and phones, as ContactKey.Opened",
    "ContactKey.Released": "the index of emails and phones, as ContactKey.Opened",
    "DuplicatePair.Dismissed": "staff deciding two records are different people changes"
    " neither record and involves neither patron",
    "DuplicatePair.DismissedAgain": "as DuplicatePair.Dismissed",
    "DuplicatePair.Reopened": "as DuplicatePair.Dismissed",
    "QuickAnswer.Added": "the office's ready-made chat replies, about no patron",
    "QuickAnswer.Edited": "the office's ready-made chat replies, about no patron",
    "QuickAnswer.Removed": "the office's ready-made chat replies, about no patron",
    "StaffMember.Created": "staff accounts, not patrons",
    "StaffMember.RoleChanged": "staff accounts, not patrons",
    "StaffMember.PasswordSet": "staff accounts, not patrons",
    "StaffMember.PinSet": "staff accounts, not patrons",
    "StaffMember.Deactivated": "staff accounts, not patrons",
    "StaffMember.SignInFailed": "staff accounts' sign-ins (the audit shows them), not patrons",
    "StaffMember.SignedInAfterFailures": "staff accounts' sign-ins (the audit), not patrons",
    "StaffMember.Unlocked": "staff accounts, not patrons",
    "StaffRoster.Opened": "staff accounts, not patrons",
    "StaffRoster.MemberAdded": "staff accounts, not patrons",
    "FollowUp.Assigned": "which staff member will do a follow-up; the follow-up itself"
    " (scheduled, done, reopened) is on the timeline",
    "Organization.Configured": "the organization's name, country, time zone and currency",
    "Organization.Changed": "the organization's name, country, time zone and currency",
    "Rota.Opened": "the staff duty rota, about no patron",
    "Rota.SlotAdded": "the staff duty rota, about no patron",
    "Rota.SlotRemoved": "the staff duty rota, about no patron",
}


def first_line(text: str, width: int = 120) -> str:
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return line if len(line) <= width else line[: width - 1] + "…"


class Timeline(BoxOfficeTimeline, ConversationTimeline):
    name = "timeline"
    #: v6: named attendees' tickets and admissions; v7: every admission, undone
    #: admissions, refused scans, merges and unmerges; v8: amounts as cents beside the
    #: summary (``amount_cents``), written by the view in the organization's currency;
    #: v9: dates and times as ``domain.wording`` marks, written by the view in the
    #: organization's way (a store built by v8, with "08 Sep 2026" in its texts, is
    #: rebuilt when it opens); v10: a chat's transcript (its row's detail) with its
    #: times as marks, not this computer's clock ("[14:01]")
    version = 10
    tables = (
        "timeline",
        *BoxOfficeTimeline.lookup_tables,
        *ConversationTimeline.conversation_tables,
    )

    def __init__(self) -> None:
        super().__init__()
        self.on("Patron.Registered")(self._registered)
        self.on("Patron.ContactChanged")(self._contact_changed)
        self.on("Patron.TagsChanged")(self._tags_changed)
        self.on("Patron.HouseholdNoteSet")(self._household_set)
        self.on("Patron.NoteAdded")(self._note_added)
        self.on("Patron.Thanked")(self._thanked)
        self.on("Patron.Erased")(self._erased)
        self.register_box_office()
        self.register_conversations()

    def create(self, db: Database) -> None:
        run_script(
            db,
            """
            CREATE TABLE IF NOT EXISTS timeline (
                position INTEGER NOT NULL,
                patron_id TEXT NOT NULL,
                occurred_at TEXT NOT NULL,
                kind TEXT NOT NULL,
                summary TEXT NOT NULL,
                detail TEXT NOT NULL DEFAULT '',
                recorded_by TEXT NOT NULL DEFAULT '',
                workstation TEXT NOT NULL DEFAULT '',
                amount_cents INTEGER,
                PRIMARY KEY (position, patron_id)
            );
            CREATE INDEX IF NOT EXISTS timeline_patron
                ON timeline (patron_id, occurred_at DESC, position DESC);
            """,
        )
        self.create_lookups(db)
        self.create_conversation_lookups(db)

    def batch_done(self, db: Database, final: bool) -> None:
        self.flush_box_office(db)
        self.flush_door(db)
        self.flush_rows(db)
        self.performances_changed()

    def _registered(self, db: Database, e: Event, position: int) -> None:
        self._tl_name(db, str(e.originator_id), f"{e.first_name}\t{e.last_name}")
        how = SOURCES.get(e.source, f"({e.source})")
        self.add(db, e, position, "registered", f"Became a patron {how}")

    def _contact_changed(self, db: Database, e: Event, position: int) -> None:
        self._tl_renamed(db, str(e.originator_id), e.changes)
        fields = ", ".join(CONTACT_LABELS.get(k, k) for k in e.changes)
        self.add(db, e, position, "contact", f"Contact details changed: {fields}")

    def _tags_changed(self, db: Database, e: Event, position: int) -> None:
        tags = ", ".join(e.tags) or "none"
        self.add(db, e, position, "interests", f"Interests: {tags}")

    def _household_set(self, db: Database, e: Event, position: int) -> None:
        self.add(
            db, e, position, "household", f"Household: {first_line(e.text) or '(cleared)'}", e.text
        )

    def _note_added(self, db: Database, e: Event, position: int) -> None:
        self.add(db, e, position, "note", first_line(e.text), e.text)

    def _thanked(self, db: Database, e: Event, position: int) -> None:
        if e.reason != "attendance":
            return  # a donation: its acknowledgment, saved with this, is the timeline row
        how = {"call": "phone"}.get(e.channel, e.channel)
        self.add(
            db,
            e,
            position,
            "thanks",
            f"Thanked by {how} for coming to {self._label(db, e.reference_id)}",
        )

    def _erased(self, db: Database, e: Event, position: int) -> None:
        self._tl_name(db, str(e.originator_id), ERASED)
        when = date_mark(e.occurred_at)
        self.add(db, e, position, "erased", f"Personal data erased by {e.recorded_by} on {when}")


def _family(db: Database, patron_id: str) -> tuple[str, list[str]]:
    """The SQL and ids for a patron's rows with the records merged into it; a merged
    record's own merge rows only on its own timeline (the survivor's say the same)."""
    where, ids = in_family(db, patron_id)
    if len(ids) == 1:
        return where, ids
    marks = ",".join("?" * len(MERGED_SIDE))
    return f"{where} AND (kind NOT IN ({marks}) OR patron_id = ?)", [*ids, *MERGED_SIDE, ids[0]]


def rows(db: Database, patron_id: str, limit: int = 200, offset: int = 0) -> list[dict[str, Any]]:
    """The patron's timeline, newest first, with the records merged into it."""
    where, ids = _family(db, patron_id)
    cur = db.conn.execute(
        f"SELECT {', '.join(COLUMNS)} FROM timeline WHERE {where}"
        " ORDER BY occurred_at DESC, position DESC LIMIT ? OFFSET ?",
        (*ids, limit, offset),
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def count(db: Database, patron_id: str) -> int:
    where, ids = _family(db, patron_id)
    return int(db.conn.execute(f"SELECT count(*) FROM timeline WHERE {where}", ids).fetchone()[0])
