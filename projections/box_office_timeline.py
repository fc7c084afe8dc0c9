"""Timeline rows for what a patron bought, exchanged, gave and was thanked for.

Mixed into the ``Timeline`` projection. Box-office events name the patron in
their payload (or through their order), not as their aggregate, so these
handlers pass ``patron_id`` explicitly. The projection keeps small lookup
tables of its own (performances, orders, donations) rather than reading
another projection's tables, so it can be rebuilt on its own at any time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlite_utils import Database

from domain.memberships_service import SUBSCRIPTION_CHANNEL
from domain.money import AMOUNT
from domain.wording import date_mark, time_mark
from projections.base import Event, PendingRows, run_script
from projections.door_timeline import DoorTimeline

PAYMENT_WORDS = {
    "cash": "paid in cash",
    "card": "paid by card",
    "cheque": "paid by cheque",
    "transfer": "paid by bank transfer",
    "complimentary": "complimentary",
}
CHANNEL_WORDS = {
    "box_office": "at the box office",
    "phone": "on the phone",
    "online": "online",
    "walk_up": "as a walk-up",
}


def day(iso_day: str) -> str:
    """A day as a ``domain.wording`` mark, written out by the view."""
    return date_mark(date.fromisoformat(iso_day))


def tickets_word(n: int) -> str:
    return f"{n} ticket" if n == 1 else f"{n} tickets"


def price_text(payment: str) -> str:
    """Where the price goes in a summary: the view writes the row's amount there."""
    return "complimentary" if payment == "complimentary" else AMOUNT


def price_cents(cents: int, payment: str) -> int | None:
    """The amount a row carries (none for a complimentary ticket)."""
    return None if payment == "complimentary" else cents


class BoxOfficeTimeline(DoorTimeline):
    """The door's rows and the merges (``DoorTimeline``) come with it."""

    lookup_tables = (
        "timeline_productions",
        "timeline_performances",
        "timeline_orders",
        "timeline_donations",
        "timeline_subscriptions",
        "timeline_moved_tickets",
        *DoorTimeline.door_tables,
    )

    def register_box_office(self) -> None:
        #: orders placed in the batch being applied, read back by id only
        self._order_rows = PendingRows("INSERT OR REPLACE INTO timeline_orders VALUES (?, ?, ?)")
        on = self.on
        on("Production.Created")(self._tl_production_created)
        on("Production.Renamed")(self._tl_production_renamed)
        on("Performance.Scheduled")(self._tl_scheduled)
        on("Performance.Rescheduled")(self._tl_rescheduled)
        on("Order.Placed")(self._tl_order_placed)
        on("Ticket.Issued")(self._tl_ticket_issued)
        on("Order.Refunded")(self._tl_order_refunded)
        on("Exchange.Made")(self._tl_exchange_made)
        on("Subscription.Purchased")(self._tl_subscription)
        on("Subscription.Refunded")(self._tl_subscription_refunded)
        on("Membership.Started")(self._tl_membership)
        on("Donation.Received")(self._tl_donation)
        on("Donation.Acknowledged")(self._tl_acknowledged)
        on("Ticket.DoubleEntryRecorded")(self._tl_double_entry)
        self.register_door()

    def create_lookups(self, db: Database) -> None:
        run_script(
            db,
            """
            CREATE TABLE IF NOT EXISTS timeline_productions (
                id TEXT PRIMARY KEY, title TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS timeline_performances (
                id TEXT PRIMARY KEY, production_id TEXT NOT NULL, title TEXT NOT NULL,
                own_title INTEGER NOT NULL, starts_at TEXT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS timeline_performances_production
                ON timeline_performances (production_id);
            CREATE TABLE IF NOT EXISTS timeline_orders (
                id TEXT PRIMARY KEY, patron_id TEXT NOT NULL, performance_id TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS timeline_moved_tickets (
                code TEXT PRIMARY KEY, performance_id TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS timeline_subscriptions (
                id TEXT PRIMARY KEY, package_name TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS timeline_donations (
                id TEXT PRIMARY KEY, amount_cents INTEGER NOT NULL, fund TEXT NOT NULL
            );
            """,
        )
        self.create_door_lookups(db)

    # -- lookups ---------------------------------------------------------
    def _tl_production_created(self, db: Database, e: Event, position: int) -> None:
        db.conn.execute(
            "INSERT OR REPLACE INTO timeline_productions VALUES (?, ?)",
            (str(e.originator_id), e.title),
        )

    def _tl_production_renamed(self, db: Database, e: Event, position: int) -> None:
        db.conn.execute(
            "UPDATE timeline_productions SET title = ? WHERE id = ?",
            (e.title, str(e.originator_id)),
        )
        db.conn.execute(
            "UPDATE timeline_performances SET title = ? WHERE production_id = ? AND own_title = 0",
            (e.title, str(e.originator_id)),
        )
        self.performances_changed()

    def _tl_scheduled(self, db: Database, e: Event, position: int) -> None:
        row = db.conn.execute(
            "SELECT title FROM timeline_productions WHERE id = ?", (e.production_id,)
        ).fetchone()
        own = int(row is None or row[0] != e.title)
        db.conn.execute(
            "INSERT OR REPLACE INTO timeline_performances VALUES (?, ?, ?, ?, ?)",
            (str(e.originator_id), e.production_id, e.title, own, e.starts_at.isoformat()),
        )
        self.performances_changed()

    def _tl_rescheduled(self, db: Database, e: Event, position: int) -> None:
        db.conn.execute(
            "UPDATE timeline_performances SET starts_at = ? WHERE id = ?",
            (e.starts_at.isoformat(), str(e.originator_id)),
        )
        self.performances_changed()

    # -- rows --------------------------------------------------------------
    def _tl_order_placed(self, db: Database, e: Event, position: int) -> None:
        if not e.patron_id:
            return  # an anonymous sale: nobody's timeline (a lost contact)
        order = str(e.originator_id)
        self._order_rows.add(db, order, (order, e.patron_id, e.performance_id))
        summary = (
            f"Bought {tickets_word(len(e.codes))} for {self._label(db, e.performance_id)}"
            f" — {price_text(e.payment)}"
        )
        lines = "; ".join(f"{line['price_level']} × {line['quantity']}" for line in e.lines)
        how = CHANNEL_WORDS.get(e.channel, e.channel)
        detail = f"{lines}; {PAYMENT_WORDS.get(e.payment, e.payment)}, {how}"
        self.add(
            db,
            e,
            position,
            "purchase",
            summary,
            detail,
            patron_id=e.patron_id,
            amount_cents=price_cents(e.total_cents, e.payment),
        )

    def _tl_ticket_issued(self, db: Database, e: Event, position: int) -> None:
        """Who holds the ticket (for its admission and refused scans later, see
        ``DoorTimeline``); a ticket held by someone other than its buyer (a named
        attendee) is on their timeline.

        The order comes first in the same save, so its buyer is known by now."""
        if not e.patron_id:
            return
        self._tl_ticket_holder(db, e)
        if e.channel == SUBSCRIPTION_CHANNEL:
            return  # the subscriber's own ticket: the subscription row says it
        pending = self._order_rows.rows.get(e.order_id)
        if pending is not None:
            row: tuple[Any, ...] | None = pending[1:]
        else:
            row = db.conn.execute(
                "SELECT patron_id FROM timeline_orders WHERE id = ?", (e.order_id,)
            ).fetchone()
        if row is not None and row[0] == e.patron_id:
            return  # the buyer's own ticket: the purchase row says it
        summary = f"Holds a ticket for {self._label(db, e.performance_id)}"
        how = CHANNEL_WORDS.get(e.channel, e.channel)
        detail = f"{e.price_level}, ticket {e.code}; bought {how} by another patron"
        self.add(db, e, position, "ticket", summary, detail, patron_id=e.patron_id)

    def flush_box_office(self, db: Database) -> None:
        self._order_rows.flush(db)

    def _tl_order_refunded(self, db: Database, e: Event, position: int) -> None:
        self._order_rows.need(db, str(e.originator_id))
        row = db.conn.execute(
            "SELECT patron_id, performance_id FROM timeline_orders WHERE id = ?",
            (str(e.originator_id),),
        ).fetchone()
        if row is None:
            return
        nights = self._labels(db, e.codes, row[1])
        summary = f"Refunded {tickets_word(len(e.codes))} for {nights} — {AMOUNT}"
        self.add(
            db,
            e,
            position,
            "refund",
            summary,
            ", ".join(e.codes),
            patron_id=row[0],
            amount_cents=e.amount_cents,
        )

    def _labels(self, db: Database, codes: list[str], bought_for: str) -> str:
        """'Hamlet, Sat 14 Mar 19:30' or, after exchanges, every night the tickets were for."""
        marks = ",".join("?" * len(codes))
        moved = dict(
            db.conn.execute(
                f"SELECT code, performance_id FROM timeline_moved_tickets WHERE code IN ({marks})",
                list(codes),
            ).fetchall()
        )
        nights = list(dict.fromkeys(moved.get(code, bought_for) for code in codes))
        nights.sort(key=lambda night: self._starts(db, night))
        return " and ".join(self._label(db, night) for night in nights)

    def _starts(self, db: Database, performance_id: str) -> str:
        row = db.conn.execute(
            "SELECT starts_at FROM timeline_performances WHERE id = ?", (performance_id,)
        ).fetchone()
        return datetime.fromisoformat(row[0]).astimezone(UTC).isoformat() if row else ""

    def _tl_exchange_made(self, db: Database, e: Event, position: int) -> None:
        # Where replacement tickets are, so a later refund names the right night.
        db.conn.executemany(
            "INSERT OR REPLACE INTO timeline_moved_tickets VALUES (?, ?)",
            [(code, e.to_performance_id) for code in e.new_codes],
        )
        if not e.patron_id:
            return
        source = e.from_performance_ids[0] if e.from_performance_ids else ""
        same = self._title(db, source) == self._title(db, e.to_performance_id)
        target = self._label(db, e.to_performance_id, with_title=not same)
        summary = (
            f"Exchanged {tickets_word(len(e.codes))} for {self._label(db, source)} to {target}"
        )
        detail = ", ".join(f"{old} → {new}" for old, new in zip(e.codes, e.new_codes, strict=False))
        self.add(db, e, position, "exchange", summary, detail, patron_id=e.patron_id)

    def _tl_double_entry(self, db: Database, e: Event, position: int) -> None:
        """Two people went in on one of the patron's tickets while a door was offline."""
        if not e.patron_id:
            return
        summary = (
            f"Ticket {e.code} was used twice for {self._label(db, e.performance_id)}"
            f" (a door was offline)"
        )
        detail = (
            f"Admitted at {e.first_door} at {time_mark(e.first_at, seconds=True)}; again at"
            f" {e.second_door} at {time_mark(e.second_at, seconds=True)}"
        )
        self.add(db, e, position, "double_entry", summary, detail, patron_id=e.patron_id)

    def _tl_subscription(self, db: Database, e: Event, position: int) -> None:
        db.conn.execute(
            "INSERT OR REPLACE INTO timeline_subscriptions VALUES (?, ?)",
            (str(e.originator_id), e.package_name),
        )
        n = len(e.performance_ids)
        shows = "1 performance" if n == 1 else f"{n} performances"
        summary = f"Subscribed to {e.package_name} ({shows}) — {price_text(e.payment)}"
        detail = "; ".join(self._label(db, p) for p in e.performance_ids)
        self.add(
            db,
            e,
            position,
            "subscription",
            summary,
            detail,
            patron_id=e.patron_id,
            amount_cents=price_cents(e.price_cents, e.payment),
        )

    def _tl_subscription_refunded(self, db: Database, e: Event, position: int) -> None:
        row = db.conn.execute(
            "SELECT package_name FROM timeline_subscriptions WHERE id = ?", (str(e.originator_id),)
        ).fetchone()
        package = row[0] if row else "a"
        summary = f"Refunded the {package} subscription ({tickets_word(len(e.codes))}) — {AMOUNT}"
        self.add(
            db,
            e,
            position,
            "refund",
            summary,
            ", ".join(e.codes),
            patron_id=e.patron_id,
            amount_cents=e.amount_cents,
        )

    def _tl_membership(self, db: Database, e: Event, position: int) -> None:
        summary = (
            f"Became a member ({e.level}), {day(e.starts_on)} to {day(e.ends_on)}"
            f" — {price_text(e.payment)}"
        )
        self.add(
            db,
            e,
            position,
            "membership",
            summary,
            PAYMENT_WORDS.get(e.payment, ""),
            patron_id=e.patron_id,
            amount_cents=price_cents(e.price_cents, e.payment),
        )

    def _tl_donation(self, db: Database, e: Event, position: int) -> None:
        db.conn.execute(
            "INSERT OR REPLACE INTO timeline_donations VALUES (?, ?, ?)",
            (str(e.originator_id), e.amount_cents, e.fund),
        )
        summary = f"Donated {AMOUNT} to {e.fund}"
        self.add(
            db,
            e,
            position,
            "donation",
            summary,
            PAYMENT_WORDS.get(e.payment, ""),
            patron_id=e.patron_id,
            amount_cents=e.amount_cents,
        )

    def _tl_acknowledged(self, db: Database, e: Event, position: int) -> None:
        row = db.conn.execute(
            "SELECT amount_cents, fund FROM timeline_donations WHERE id = ?",
            (str(e.originator_id),),
        ).fetchone()
        what = f"the {AMOUNT} donation to {row[1]}" if row else "a donation"
        how = {"call": "phone"}.get(e.how, e.how)
        self.add(
            db,
            e,
            position,
            "thanks",
            f"Thanked by {how} for {what}",
            patron_id=e.patron_id,
            amount_cents=row[0] if row else None,
        )
