"""A patron's last activity, for the patron directory: when the newest entry on their
timeline happened, the records merged into theirs included.

Mixed into ``PatronDirectory``. Every event that puts a row on a patron's timeline
is activity at the moment the row shows (``ACTIVITY``): purchases, refunds and
exchanges, subscriptions, memberships, donations and thank-yous, admissions,
undone admissions and refused scans of their tickets, calls, chats (when the chat
happened), follow-ups, notes and contact changes, the erasure marker. Merges and
unmerges are record keeping, not activity: they only decide which records' activity
counts together. That includes everything the loyalty ladder counts as activity
(``LADDER_ACTIVITY``: a patron the ladder keeps active never shows an older date).

Each record keeps its own newest moment (``own_activity_at``); ``last_activity_at``
is the newest of its own and, for a surviving record, of the records merged into it
(a merged record keeps its own, so an unmerge leaves both as a rebuild makes them).
Like the timeline, the projection keeps its own small lookups (which patron holds a
ticket, placed an order, is linked to a chat or a follow-up) so it rebuilds alone.

A batch's activity is written once per patron, at the end of the batch (its count and
its newest moment: adding and taking the newest give the same in any order), or
before a statement that needs it: a patron registered again, a merge or an unmerge.
"""

from __future__ import annotations

from typing import Any, ClassVar

from sqlite_utils import Database

from domain.door import ALREADY_ADMITTED, VOID, WRONG_PERFORMANCE
from domain.memberships_service import SUBSCRIPTION_CHANNEL
from domain.ticket_codes import ticket_id
from projections.base import Event, PendingRows, Projection, iso, run_script

#: what the loyalty ladder counts (``projections/ladder.py``): each is activity here too
LADDER_ACTIVITY = (
    "Order.Placed",
    "Subscription.Purchased",
    "Membership.Started",
    "Donation.Received",
    "Ticket.Admitted",
)
#: every event that is a patron's activity (the patron named in it or found through a
#: lookup); the timeline shows a row for each
ACTIVITY = (
    *LADDER_ACTIVITY,
    "Patron.Registered",
    "Patron.ContactChanged",
    "Patron.TagsChanged",
    "Patron.HouseholdNoteSet",
    "Patron.NoteAdded",
    "Patron.Thanked",
    "Patron.Erased",
    "Order.Refunded",
    "Exchange.Made",
    "Subscription.Refunded",
    "Donation.Acknowledged",
    "Ticket.AdmissionUndone",
    "DoorScan.Recorded",
    "Ticket.Issued",
    "Ticket.DoubleEntryRecorded",
    "Call.Logged",
    "Chat.Linked",
    "Chat.NoteAdded",
    "FollowUp.Scheduled",
    "FollowUp.Done",
    "FollowUp.Undone",
)
#: lookups only (which patron a later event concerns)
LOOKUPS = ("Chat.Imported",)


class PatronActivity(Projection):
    waiting: ClassVar[tuple[str, ...]] = ("_active",)
    activity_tables = (
        "activity_tickets",
        "activity_orders",
        "activity_chats",
        "activity_follow_ups",
    )

    def register_activity(self) -> None:
        self._activity_tickets = PendingRows(
            "INSERT OR REPLACE INTO activity_tickets VALUES (?, ?)"
        )
        #: orders placed in the batch being applied: their buyers, read by the
        #: tickets that follow without asking the database
        self._activity_orders = PendingRows("INSERT OR REPLACE INTO activity_orders VALUES (?, ?)")
        #: activity in the batch being applied: per patron, [how many, the newest moment]
        self._active: dict[str, list[Any]] = {}
        on = self.on
        on("Ticket.Issued")(self._act_ticket_issued)
        on("Order.Placed")(self._act_order_placed)
        on(
            "Exchange.Made",
            "Subscription.Purchased",
            "Subscription.Refunded",
            "Membership.Started",
            "Donation.Received",
            "Donation.Acknowledged",
            "Call.Logged",
            "Ticket.DoubleEntryRecorded",
        )(self._act_named)
        on("Order.Refunded")(self._act_order_refunded)
        on("Ticket.Admitted", "Ticket.AdmissionUndone")(self._act_at_the_door)
        on("DoorScan.Recorded")(self._act_scan_refused)
        on("Chat.Imported")(self._act_chat_imported)
        on("Chat.Linked")(self._act_chat_linked)
        on("Chat.NoteAdded")(self._act_chat_noted)
        on("FollowUp.Scheduled")(self._act_follow_up)
        on("FollowUp.Done", "FollowUp.Undone")(self._act_follow_up_changed)
        on("Patron.Thanked")(self._act_own)

    def create_activity(self, db: Database) -> None:
        run_script(
            db,
            """
            CREATE TABLE IF NOT EXISTS activity_tickets (
                id TEXT PRIMARY KEY, patron_id TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS activity_orders (
                id TEXT PRIMARY KEY, patron_id TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS activity_chats (
                id TEXT PRIMARY KEY, started_at TEXT NOT NULL, patron_id TEXT
            );
            CREATE TABLE IF NOT EXISTS activity_follow_ups (
                id TEXT PRIMARY KEY, patron_id TEXT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS patrons_merged ON patrons (merged_into)
                WHERE merged_into IS NOT NULL;
            """,
        )

    def flush_activity(self, db: Database) -> None:
        self.flush_active(db)
        self._activity_tickets.flush(db)
        self._activity_orders.flush(db)

    # -- the moment ----------------------------------------------------------------
    def active(self, db: Database, patron_id: str | None, when: str) -> None:
        """``patron_id`` was active at ``when`` (ISO, UTC): its own newest moment, its
        last activity and, while it is merged, its survivor's follow."""
        if not patron_id:
            return
        pending = self._active.get(patron_id)
        if pending is None:
            self._active[patron_id] = [1, when]
        else:
            pending[0] += 1
            if when > pending[1]:
                pending[1] = when

    def flush_active(self, db: Database) -> None:
        """Write the activity kept since the last time (see the module's docstring)."""
        if not self._active:
            return
        pending, self._active = self._active, {}
        db.conn.executemany(
            "UPDATE patrons SET interactions = interactions + ?1,"
            " own_activity_at = max(coalesce(own_activity_at, ''), ?2),"
            " last_activity_at = max(coalesce(last_activity_at, ''), ?2) WHERE id = ?3",
            [(count, when, patron_id) for patron_id, (count, when) in pending.items()],
        )
        merged = db.conn.execute(
            "SELECT id, merged_into FROM patrons WHERE merged_into IS NOT NULL"
        ).fetchall()
        followed = [(pending[pid][1], survivor) for pid, survivor in merged if pid in pending]
        if followed:  # a merged record's survivor follows
            db.conn.executemany(
                "UPDATE patrons SET last_activity_at = max(coalesce(last_activity_at, ''), ?1)"
                " WHERE id = ?2",
                followed,
            )

    def family_activity(self, db: Database, patron_id: str) -> None:
        """Work out ``last_activity_at`` again from the records that count together now
        (after a merge or an unmerge)."""
        self.flush_active(db)
        db.conn.execute(
            "UPDATE patrons SET last_activity_at = (SELECT max(own_activity_at) FROM patrons"
            " WHERE id = ?1 OR merged_into = ?1) WHERE id = ?1",
            (patron_id,),
        )

    # -- handlers ------------------------------------------------------------------
    def _act_own(self, db: Database, e: Event, position: int) -> None:
        self.active(db, str(e.originator_id), iso(e.occurred_at))

    def _act_named(self, db: Database, e: Event, position: int) -> None:
        self.active(db, e.patron_id, iso(e.occurred_at))

    def _act_ticket_issued(self, db: Database, e: Event, position: int) -> None:
        """Who holds the ticket; a ticket bought for someone else (a named attendee) is
        their activity (the buyer's is the order)."""
        if not e.patron_id:
            return
        key = str(e.originator_id)
        self._activity_tickets.add(db, key, (key, e.patron_id))
        if e.channel == SUBSCRIPTION_CHANNEL:
            return  # the subscriber's: the subscription counts
        buyer = self._activity_orders.rows.get(e.order_id)
        if buyer is not None:
            buyer = buyer[1:]
        else:
            buyer = db.conn.execute(
                "SELECT patron_id FROM activity_orders WHERE id = ?", (e.order_id,)
            ).fetchone()
        if buyer is None or buyer[0] != e.patron_id:
            self.active(db, e.patron_id, iso(e.occurred_at))

    def _ticket_holder(self, db: Database, ticket: str) -> str | None:
        self._activity_tickets.need(db, ticket)
        row = db.conn.execute(
            "SELECT patron_id FROM activity_tickets WHERE id = ?", (ticket,)
        ).fetchone()
        return row[0] if row else None

    def _act_order_placed(self, db: Database, e: Event, position: int) -> None:
        if e.patron_id:
            order = str(e.originator_id)
            self._activity_orders.add(db, order, (order, e.patron_id))
            self.active(db, e.patron_id, iso(e.occurred_at))

    def _act_order_refunded(self, db: Database, e: Event, position: int) -> None:
        self._activity_orders.need(db, str(e.originator_id))
        row = db.conn.execute(
            "SELECT patron_id FROM activity_orders WHERE id = ?", (str(e.originator_id),)
        ).fetchone()
        if row is not None:
            self.active(db, row[0], iso(e.occurred_at))

    def _act_at_the_door(self, db: Database, e: Event, position: int) -> None:
        self.active(db, self._ticket_holder(db, str(e.originator_id)), iso(e.occurred_at))

    def _act_scan_refused(self, db: Database, e: Event, position: int) -> None:
        if e.verdict in (WRONG_PERFORMANCE, ALREADY_ADMITTED, VOID):
            holder = self._ticket_holder(db, str(ticket_id(e.code)))
            self.active(db, holder, iso(e.occurred_at))

    def _act_chat_imported(self, db: Database, e: Event, position: int) -> None:
        db.conn.execute(
            "INSERT OR IGNORE INTO activity_chats (id, started_at) VALUES (?, ?)",
            (str(e.originator_id), iso(e.occurred_at)),
        )

    def _act_chat_linked(self, db: Database, e: Event, position: int) -> None:
        """The chat counts when it happened, for the patron it is linked to."""
        chat = str(e.originator_id)
        row = db.conn.execute(
            "SELECT started_at FROM activity_chats WHERE id = ?", (chat,)
        ).fetchone()
        if row is None:
            return
        db.conn.execute("UPDATE activity_chats SET patron_id = ? WHERE id = ?", (e.patron_id, chat))
        self.active(db, e.patron_id, row[0])

    def _act_chat_noted(self, db: Database, e: Event, position: int) -> None:
        row = db.conn.execute(
            "SELECT patron_id FROM activity_chats WHERE id = ?", (str(e.originator_id),)
        ).fetchone()
        if row is not None:
            self.active(db, row[0], iso(e.occurred_at))

    def _act_follow_up(self, db: Database, e: Event, position: int) -> None:
        db.conn.execute(
            "INSERT OR REPLACE INTO activity_follow_ups VALUES (?, ?)",
            (str(e.originator_id), e.patron_id),
        )
        if e.source == "office":  # a call's or chat's follow-up: that call or chat counts
            self.active(db, e.patron_id, iso(e.occurred_at))

    def _act_follow_up_changed(self, db: Database, e: Event, position: int) -> None:
        row = db.conn.execute(
            "SELECT patron_id FROM activity_follow_ups WHERE id = ?", (str(e.originator_id),)
        ).fetchone()
        if row is not None:
            self.active(db, row[0], iso(e.occurred_at))
