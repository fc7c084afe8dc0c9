"""Read model: the box office (performances, tickets, orders) and what each
patron bought, gave and attended.

Public queries (other screens code against these; keep them stable):
``productions``, ``performances``, ``performance``, ``tickets``, ``ticket``, ``orders_for_patron``,
``order``, ``patron_stats``, ``lost_contacts``, ``subscriptions``,
``memberships``, ``donations``. Money is integer cents, moments ISO UTC text.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlite_utils import Database

from projections.base import Event, PendingRows, Projection, iso, run_script
from projections.patron_merges import in_family

PERFORMANCE_KEYS = (
    "id",
    "production_id",
    "title",
    "starts_at",
    "venue",
    "capacity",
    "sold",
    "admitted",
    "revenue_cents",
    "price_levels",
)
TICKET_KEYS = ("code", "patron_id", "order_id", "price_level", "price_cents", "status", "issued_at")
ORDER_KEYS = (
    "order_id",
    "performance_id",
    "title",
    "starts_at",
    "quantity",
    "total_cents",
    "refunded_cents",
    "payment",
    "channel",
    "placed_at",
    "codes",
)
#: a ticket that still lets (or let) someone in
HELD = ("valid", "admitted")
#: a performance that started less than this long ago still counts as current
#: (late arrivals at the door, the box office selling at the interval)
STILL_CURRENT = timedelta(hours=4)


def _opt(value: object) -> str | None:
    return None if value is None else str(value)


class BoxOffice(Projection):
    name = "box_office"
    waiting = ("_counts", "_capture")
    version = 4
    tables = (
        "bo_productions",
        "bo_performances",
        "bo_tickets",
        "bo_orders",
        "bo_capture",
        "bo_subscriptions",
        "bo_memberships",
        "bo_donations",
    )

    def __init__(self) -> None:
        super().__init__()
        #: per performance: [sold, admitted, revenue cents] changes not yet written
        self._counts: dict[str, list[int]] = {}
        #: tickets issued in the batch being applied (read back by id only)
        self._tickets = PendingRows(
            "INSERT OR REPLACE INTO bo_tickets VALUES (?,?,?,?,?,?,?,?,?,?)"
        )
        #: orders placed in the batch being applied (read back by id only)
        self._orders = PendingRows(
            "INSERT OR REPLACE INTO bo_orders VALUES (?,?,?,?,?,?,?,?,?,?,?)"
        )
        #: per performance: [orders, tickets, revenue, known, walk-ups, lost] to add to
        #: ``bo_capture`` (written with the batch, or before a handler changes it)
        self._capture: dict[str, list[int]] = {}
        on = self.on
        on("Production.Created")(self._production_created)
        on("Production.Renamed")(self._production_renamed)
        on("Performance.Scheduled")(self._scheduled)
        on("Performance.SeatsTaken")(self._seats_taken)
        on("Performance.SeatsTakenTogether")(self._seats_taken)
        on("Performance.SeatsReleased")(self._seats_released)
        on("Performance.CapacityChanged")(self._capacity_changed)
        on("Performance.Rescheduled")(self._rescheduled)
        on("Performance.VenueChanged")(self._venue_changed)
        on("Performance.PricesChanged")(self._prices_changed)
        on("Ticket.Issued")(self._ticket_issued)
        on("Ticket.Refunded")(self._ticket_refunded)
        on("Ticket.Exchanged")(self._ticket_exchanged)
        on("Ticket.CodeReplaced")(self._ticket_code_replaced)
        on("Ticket.Admitted")(self._ticket_admitted)
        on("Ticket.AdmissionUndone")(self._ticket_admission_undone)
        on("Order.Placed")(self._order_placed)
        on("Order.Refunded")(self._order_refunded)
        on("Subscription.Purchased")(self._subscription_purchased)
        on("Subscription.Refunded")(self._subscription_refunded)
        on("Membership.Started")(self._membership_started)
        on("Donation.Received")(self._donation_received)
        on("Donation.Acknowledged")(self._donation_acknowledged)

    def create(self, db: Database) -> None:
        run_script(
            db,
            """
            CREATE TABLE IF NOT EXISTS bo_productions (
                id TEXT PRIMARY KEY, title TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS bo_performances (
                id TEXT PRIMARY KEY,
                production_id TEXT NOT NULL,
                title TEXT NOT NULL,
                own_title INTEGER NOT NULL DEFAULT 0,
                starts_at TEXT NOT NULL,
                venue TEXT NOT NULL DEFAULT '',
                capacity INTEGER NOT NULL,
                sold INTEGER NOT NULL DEFAULT 0,
                admitted INTEGER NOT NULL DEFAULT 0,
                revenue_cents INTEGER NOT NULL DEFAULT 0,
                price_levels TEXT NOT NULL DEFAULT '{}'
            );
            CREATE INDEX IF NOT EXISTS bo_performances_starts ON bo_performances (starts_at);
            CREATE INDEX IF NOT EXISTS bo_performances_production
                ON bo_performances (production_id);
            CREATE TABLE IF NOT EXISTS bo_tickets (
                id TEXT PRIMARY KEY,
                code TEXT NOT NULL UNIQUE,
                performance_id TEXT NOT NULL,
                patron_id TEXT,
                order_id TEXT NOT NULL,
                price_level TEXT NOT NULL,
                price_cents INTEGER NOT NULL,
                channel TEXT NOT NULL DEFAULT '',
                status TEXT NOT NULL,
                issued_at TEXT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS bo_tickets_performance ON bo_tickets (performance_id, code);
            CREATE INDEX IF NOT EXISTS bo_tickets_patron ON bo_tickets (patron_id, status);
            CREATE TABLE IF NOT EXISTS bo_orders (
                order_id TEXT PRIMARY KEY,
                patron_id TEXT,
                performance_id TEXT NOT NULL,
                quantity INTEGER NOT NULL,
                total_cents INTEGER NOT NULL,
                refunded_cents INTEGER NOT NULL DEFAULT 0,
                payment TEXT NOT NULL,
                channel TEXT NOT NULL,
                placed_at TEXT NOT NULL,
                codes TEXT NOT NULL,
                lost_contact INTEGER NOT NULL DEFAULT 0
            );
            CREATE INDEX IF NOT EXISTS bo_orders_patron ON bo_orders (patron_id, placed_at);
            CREATE TABLE IF NOT EXISTS bo_capture (
                performance_id TEXT PRIMARY KEY,
                orders INTEGER NOT NULL DEFAULT 0,
                tickets INTEGER NOT NULL DEFAULT 0,
                revenue_cents INTEGER NOT NULL DEFAULT 0,
                known INTEGER NOT NULL DEFAULT 0,
                walk_ups INTEGER NOT NULL DEFAULT 0,
                lost INTEGER NOT NULL DEFAULT 0
            );
            CREATE TABLE IF NOT EXISTS bo_subscriptions (
                id TEXT PRIMARY KEY,
                patron_id TEXT NOT NULL,
                package_name TEXT NOT NULL,
                performance_ids TEXT NOT NULL,
                price_cents INTEGER NOT NULL,
                payment TEXT NOT NULL,
                purchased_at TEXT NOT NULL,
                refunded_cents INTEGER NOT NULL DEFAULT 0,
                refunded_at TEXT
            );
            CREATE INDEX IF NOT EXISTS bo_subscriptions_patron ON bo_subscriptions (patron_id);
            CREATE TABLE IF NOT EXISTS bo_memberships (
                id TEXT PRIMARY KEY,
                patron_id TEXT NOT NULL,
                level TEXT NOT NULL,
                starts_on TEXT NOT NULL,
                ends_on TEXT NOT NULL,
                price_cents INTEGER NOT NULL,
                payment TEXT NOT NULL,
                started_at TEXT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS bo_memberships_patron ON bo_memberships (patron_id);
            CREATE TABLE IF NOT EXISTS bo_donations (
                id TEXT PRIMARY KEY,
                patron_id TEXT NOT NULL,
                amount_cents INTEGER NOT NULL,
                fund TEXT NOT NULL,
                payment TEXT NOT NULL,
                received_at TEXT NOT NULL,
                acknowledged_how TEXT,
                acknowledged_at TEXT
            );
            CREATE INDEX IF NOT EXISTS bo_donations_patron ON bo_donations (patron_id);
            CREATE INDEX IF NOT EXISTS bo_donations_unthanked
                ON bo_donations (acknowledged_how, received_at);
            """,
        )

    # -- productions and performances ------------------------------------
    def _production_created(self, db: Database, e: Event, position: int) -> None:
        db.conn.execute(
            "INSERT OR REPLACE INTO bo_productions VALUES (?, ?)", (str(e.originator_id), e.title)
        )

    def _production_renamed(self, db: Database, e: Event, position: int) -> None:
        db.conn.execute(
            "UPDATE bo_productions SET title = ? WHERE id = ?", (e.title, str(e.originator_id))
        )
        # Performances that carry the production's title follow the new name.
        db.conn.execute(
            "UPDATE bo_performances SET title = ? WHERE production_id = ? AND own_title = 0",
            (e.title, str(e.originator_id)),
        )

    def _scheduled(self, db: Database, e: Event, position: int) -> None:
        self._flush_counts(db)  # a performance written again starts from what it holds
        row = db.conn.execute(
            "SELECT title FROM bo_productions WHERE id = ?", (e.production_id,)
        ).fetchone()
        own_title = int(row is None or row[0] != e.title)
        db.conn.execute(
            "INSERT OR REPLACE INTO bo_performances (id, production_id, title, own_title,"
            " starts_at, venue, capacity, price_levels) VALUES (?,?,?,?,?,?,?,?)",
            (
                str(e.originator_id),
                e.production_id,
                e.title,
                own_title,
                iso(e.starts_at),
                e.venue,
                e.capacity,
                json.dumps(e.price_levels),
            ),
        )

    def _performance_set(self, db: Database, e: Event, column: str, value: object) -> None:
        db.conn.execute(
            f"UPDATE bo_performances SET {column} = ? WHERE id = ?", (value, str(e.originator_id))
        )

    # The performances' counters (sold, admitted, revenue) move with almost every
    # ticket event: the changes are summed per performance while a batch is applied
    # and written by ``batch_done``, in the batch's transaction (no handler reads them).
    def _count(self, performance_id: str, sold: int = 0, admitted: int = 0, cents: int = 0) -> None:
        counts = self._counts.get(performance_id)
        if counts is None:
            self._counts[performance_id] = [sold, admitted, cents]
        else:
            counts[0] += sold
            counts[1] += admitted
            counts[2] += cents

    def _flush_counts(self, db: Database) -> None:
        if self._counts:
            db.conn.executemany(
                "UPDATE bo_performances SET sold = sold + ?, admitted = admitted + ?,"
                " revenue_cents = revenue_cents + ? WHERE id = ?",
                [(*counts, pid) for pid, counts in self._counts.items()],
            )
            self._counts = {}

    def batch_done(self, db: Database, final: bool) -> None:
        self._tickets.flush(db)
        self._orders.flush(db)
        self._flush_capture(db)
        self._flush_counts(db)

    def _flush_capture(self, db: Database) -> None:
        if self._capture:
            db.conn.executemany(
                "INSERT INTO bo_capture VALUES (?,?,?,?,?,?,?) ON CONFLICT (performance_id)"
                " DO UPDATE SET orders = orders + excluded.orders,"
                " tickets = tickets + excluded.tickets,"
                " revenue_cents = revenue_cents + excluded.revenue_cents,"
                " known = known + excluded.known, walk_ups = walk_ups + excluded.walk_ups,"
                " lost = lost + excluded.lost",
                [(pid, *capture) for pid, capture in self._capture.items()],
            )
            self._capture = {}

    def _seats_taken(self, db: Database, e: Event, position: int) -> None:
        self._count(str(e.originator_id), sold=e.quantity)

    def _seats_released(self, db: Database, e: Event, position: int) -> None:
        self._count(str(e.originator_id), sold=-e.quantity)

    def _capacity_changed(self, db: Database, e: Event, position: int) -> None:
        self._performance_set(db, e, "capacity", e.capacity)

    def _rescheduled(self, db: Database, e: Event, position: int) -> None:
        self._performance_set(db, e, "starts_at", iso(e.starts_at))

    def _venue_changed(self, db: Database, e: Event, position: int) -> None:
        self._performance_set(db, e, "venue", e.venue)

    def _prices_changed(self, db: Database, e: Event, position: int) -> None:
        self._performance_set(db, e, "price_levels", json.dumps(e.price_levels))

    # -- tickets ---------------------------------------------------------
    def _revenue(self, db: Database, performance_id: str, cents: int) -> None:
        self._count(performance_id, cents=cents)

    def _ticket(self, db: Database, e: Event) -> tuple[str, int, str] | None:
        self._tickets.need(db, str(e.originator_id))
        found: tuple[str, int, str] | None = db.conn.execute(
            "SELECT performance_id, price_cents, status FROM bo_tickets WHERE id = ?",
            (str(e.originator_id),),
        ).fetchone()
        return found

    def _set_status(self, db: Database, e: Event, status: str) -> None:
        self._tickets.need(db, str(e.originator_id))
        db.conn.execute(
            "UPDATE bo_tickets SET status = ? WHERE id = ?", (status, str(e.originator_id))
        )

    def _ticket_issued(self, db: Database, e: Event, position: int) -> None:
        ticket = str(e.originator_id)
        self._tickets.add(
            db,
            ticket,
            (
                ticket,
                e.code,
                e.performance_id,
                _opt(e.patron_id),
                e.order_id,
                e.price_level,
                e.price_cents,
                e.channel,
                "valid",
                iso(e.occurred_at),
            ),
        )
        self._revenue(db, e.performance_id, e.price_cents)

    def _ticket_refunded(self, db: Database, e: Event, position: int) -> None:
        if (row := self._ticket(db, e)) is not None:
            self._revenue(db, row[0], -e.amount_cents)
            self._no_longer_admitted(row)
        self._set_status(db, e, "refunded")

    def _ticket_exchanged(self, db: Database, e: Event, position: int) -> None:
        # The price paid moves with the replacement ticket to the other performance.
        if (row := self._ticket(db, e)) is not None:
            self._revenue(db, row[0], -row[1])
            self._no_longer_admitted(row)
        self._set_status(db, e, "exchanged")

    def _ticket_code_replaced(self, db: Database, e: Event, position: int) -> None:
        # The same seat goes on under its new code, issued in the same save with the
        # price paid: the old code's price leaves the performance's revenue.
        if (row := self._ticket(db, e)) is not None:
            self._revenue(db, row[0], -row[1])
        self._set_status(db, e, "replaced")

    def _no_longer_admitted(self, row: tuple[str, int, str]) -> None:
        # Stores written before a used ticket was refused a refund or an exchange may
        # hold one: the admitted figure keeps counting the tickets standing admitted.
        if row[2] == "admitted":
            self._count(row[0], admitted=-1)

    def _ticket_admitted(self, db: Database, e: Event, position: int) -> None:
        # A ticket is only ever admitted to its own performance (Ticket.check_admissible),
        # so the event's performance is the ticket's: no need to read it back.
        self._set_status(db, e, "admitted")
        self._count(str(e.performance_id), admitted=1)

    def _ticket_admission_undone(self, db: Database, e: Event, position: int) -> None:
        self._set_status(db, e, "valid")
        self._count(str(e.performance_id), admitted=-1)

    # -- orders ----------------------------------------------------------
    def _order_placed(self, db: Database, e: Event, position: int) -> None:
        order = str(e.originator_id)
        self._orders.add(
            db,
            order,
            (
                order,
                _opt(e.patron_id),
                e.performance_id,
                len(e.codes),
                e.total_cents,
                0,
                e.payment,
                e.channel,
                iso(e.occurred_at),
                json.dumps(e.codes),
                int(bool(e.lost_contact)),
            ),
        )
        known = e.patron_id is not None
        adding = (
            1,
            len(e.codes),
            e.total_cents,
            int(known),
            int(known and e.channel == "walk_up"),
            int(bool(e.lost_contact)),
        )
        capture = self._capture.get(e.performance_id)
        if capture is None:
            self._capture[e.performance_id] = list(adding)
        else:
            for index, value in enumerate(adding):
                capture[index] += value

    def _order_refunded(self, db: Database, e: Event, position: int) -> None:
        self._orders.need(db, str(e.originator_id))
        self._flush_capture(db)
        db.conn.execute(
            "UPDATE bo_orders SET refunded_cents = refunded_cents + ? WHERE order_id = ?",
            (e.amount_cents, str(e.originator_id)),
        )
        db.conn.execute(
            "UPDATE bo_capture SET revenue_cents = revenue_cents - ? WHERE performance_id ="
            " (SELECT performance_id FROM bo_orders WHERE order_id = ?)",
            (e.amount_cents, str(e.originator_id)),
        )

    # -- subscriptions, memberships, donations ----------------------------
    def _subscription_purchased(self, db: Database, e: Event, position: int) -> None:
        db.conn.execute(
            "INSERT OR REPLACE INTO bo_subscriptions VALUES (?,?,?,?,?,?,?,0,NULL)",
            (
                str(e.originator_id),
                e.patron_id,
                e.package_name,
                json.dumps(e.performance_ids),
                e.price_cents,
                e.payment,
                iso(e.occurred_at),
            ),
        )

    def _subscription_refunded(self, db: Database, e: Event, position: int) -> None:
        db.conn.execute(
            "UPDATE bo_subscriptions SET refunded_cents = refunded_cents + ?, refunded_at = ?"
            " WHERE id = ?",
            (e.amount_cents, iso(e.occurred_at), str(e.originator_id)),
        )

    def _membership_started(self, db: Database, e: Event, position: int) -> None:
        db.conn.execute(
            "INSERT OR REPLACE INTO bo_memberships VALUES (?,?,?,?,?,?,?,?)",
            (
                str(e.originator_id),
                e.patron_id,
                e.level,
                e.starts_on,
                e.ends_on,
                e.price_cents,
                e.payment,
                iso(e.occurred_at),
            ),
        )

    def _donation_received(self, db: Database, e: Event, position: int) -> None:
        db.conn.execute(
            "INSERT OR REPLACE INTO bo_donations VALUES (?,?,?,?,?,?,NULL,NULL)",
            (
                str(e.originator_id),
                e.patron_id,
                e.amount_cents,
                e.fund,
                e.payment,
                iso(e.occurred_at),
            ),
        )

    def _donation_acknowledged(self, db: Database, e: Event, position: int) -> None:
        db.conn.execute(
            "UPDATE bo_donations SET acknowledged_how = ?, acknowledged_at = ? WHERE id = ?",
            (e.how, iso(e.occurred_at), str(e.originator_id)),
        )


# -- queries -----------------------------------------------------------------
def _dicts(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


_PERFORMANCE_SELECT = (
    "SELECT id, production_id, title, starts_at, venue, capacity, sold, admitted,"
    " revenue_cents, price_levels FROM bo_performances"
)


def _performance_row(row: dict[str, Any]) -> dict[str, Any]:
    row["price_levels"] = json.loads(row["price_levels"])
    return row


def performances(
    db: Database, include_past: bool = True, now: datetime | None = None
) -> list[dict[str, Any]]:
    """Every performance, soonest first.

    ``include_past=False`` keeps those to come and those that started less
    than ``STILL_CURRENT`` ago.
    """
    if include_past:
        cursor = db.conn.execute(f"{_PERFORMANCE_SELECT} ORDER BY starts_at, title, id")
    else:
        cursor = db.conn.execute(
            f"{_PERFORMANCE_SELECT} WHERE starts_at >= ? ORDER BY starts_at, title, id",
            (iso((now or datetime.now(tz=UTC)) - STILL_CURRENT),),
        )
    return [_performance_row(r) for r in _dicts(cursor)]


def productions(db: Database) -> list[dict[str, Any]]:
    """Productions by title, with how many performances and when they run."""
    return _dicts(
        db.conn.execute(
            "SELECT r.id, r.title, count(p.id) AS performances,"
            " min(p.starts_at) AS first_starts_at, max(p.starts_at) AS last_starts_at"
            " FROM bo_productions r"
            " LEFT JOIN bo_performances p ON p.production_id = r.id"
            " GROUP BY r.id ORDER BY r.title COLLATE NOCASE, r.id"
        )
    )


def performance(db: Database, performance_id: str) -> dict[str, Any] | None:
    found = _dicts(db.conn.execute(f"{_PERFORMANCE_SELECT} WHERE id = ?", (str(performance_id),)))
    return _performance_row(found[0]) if found else None


def tickets(db: Database, performance_id: str) -> list[dict[str, Any]]:
    """Every ticket ever issued for the performance (void ones too), by code."""
    return _dicts(
        db.conn.execute(
            f"SELECT {', '.join(TICKET_KEYS)} FROM bo_tickets WHERE performance_id = ?"
            " ORDER BY code",
            (str(performance_id),),
        )
    )


def ticket(db: Database, code: str) -> dict[str, Any] | None:
    found = _dicts(
        db.conn.execute(
            f"SELECT {', '.join(TICKET_KEYS)}, performance_id FROM bo_tickets WHERE code = ?",
            (code,),
        )
    )
    return found[0] if found else None


def ticket_code_starts_with(db: Database, prefix: str) -> bool:
    """Whether any ticket's code begins with ``prefix`` (one index seek)."""
    if not prefix:
        return True
    found = db.conn.execute(
        "SELECT 1 FROM bo_tickets WHERE code >= ? AND code < ? LIMIT 1",
        (prefix, prefix + "\U0010ffff"),
    ).fetchone()
    return found is not None


_ORDER_SELECT = (
    "SELECT o.order_id, o.performance_id, coalesce(p.title, '') AS title,"
    " coalesce(p.starts_at, '') AS starts_at, o.quantity, o.total_cents, o.refunded_cents,"
    " o.payment, o.channel, o.placed_at, o.codes FROM bo_orders o"
    " LEFT JOIN bo_performances p ON p.id = o.performance_id"
)


def _order_row(row: dict[str, Any]) -> dict[str, Any]:
    row["codes"] = json.loads(row["codes"])
    return row


def orders_for_patron(db: Database, patron_id: str) -> list[dict[str, Any]]:
    """The patron's ticket orders (records merged into it included), newest first."""
    where, ids = in_family(db, patron_id, "o.patron_id")
    cursor = db.conn.execute(
        f"{_ORDER_SELECT} WHERE {where} ORDER BY o.placed_at DESC, o.order_id", ids
    )
    return [_order_row(r) for r in _dicts(cursor)]


def order(db: Database, order_id: str) -> dict[str, Any] | None:
    found = _dicts(db.conn.execute(f"{_ORDER_SELECT} WHERE o.order_id = ?", (str(order_id),)))
    return _order_row(found[0]) if found else None


def subscriptions(db: Database, patron_id: str) -> list[dict[str, Any]]:
    where, ids = in_family(db, patron_id)
    rows = _dicts(
        db.conn.execute(
            "SELECT id, package_name, performance_ids, price_cents, payment, purchased_at,"
            f" refunded_cents, refunded_at FROM bo_subscriptions WHERE {where}"
            " ORDER BY purchased_at DESC",
            ids,
        )
    )
    for row in rows:
        row["performance_ids"] = json.loads(row["performance_ids"])
    return rows


def subscription(db: Database, subscription_id: str) -> dict[str, Any] | None:
    """A subscription with its tickets not yet used (``unused``, ``unused_cents``: what
    refunding it gives back), None when there is none with this id."""
    found = _dicts(
        db.conn.execute(
            "SELECT id, patron_id, package_name, price_cents, refunded_cents, refunded_at"
            " FROM bo_subscriptions WHERE id = ?",
            (str(subscription_id),),
        )
    )
    if not found:
        return None
    unused, cents = db.conn.execute(
        "SELECT COUNT(*), COALESCE(SUM(price_cents), 0) FROM bo_tickets"
        " WHERE order_id = ? AND status = 'valid'",
        (str(subscription_id),),
    ).fetchone()
    return {**found[0], "unused": int(unused), "unused_cents": int(cents)}


def memberships(db: Database, patron_id: str) -> list[dict[str, Any]]:
    where, ids = in_family(db, patron_id)
    return _dicts(
        db.conn.execute(
            "SELECT id, level, starts_on, ends_on, price_cents, payment, started_at"
            f" FROM bo_memberships WHERE {where} ORDER BY ends_on DESC",
            ids,
        )
    )


def donations(
    db: Database, patron_id: str | None = None, unthanked_only: bool = False
) -> list[dict[str, Any]]:
    """Donations, newest first (of one patron, or everyone's); thank-you queue."""
    where, params = [], []
    if patron_id is not None:
        clause, ids = in_family(db, patron_id)
        where.append(clause)
        params.extend(ids)
    if unthanked_only:
        where.append("acknowledged_how IS NULL")
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    return _dicts(
        db.conn.execute(
            "SELECT id, patron_id, amount_cents, fund, payment, received_at, acknowledged_how,"
            f" acknowledged_at FROM bo_donations{clause} ORDER BY received_at DESC, id",
            params,
        )
    )


def patron_stats(db: Database, patron_id: str, today: date | None = None) -> dict[str, Any]:
    """What the patron bought, gave and attended, in one dict.

    ``lifetime_spend_cents`` counts tickets, subscriptions and memberships,
    less refunds; donations are counted apart in ``donations_cents``.
    ``visits`` counts the performances the patron was admitted to. Records merged
    into the patron count as theirs.
    """
    where, ids = in_family(db, patron_id)
    one = db.conn.execute

    orders_n, order_net, first_order, last_order = one(
        "SELECT count(*), coalesce(sum(total_cents - refunded_cents), 0), min(placed_at),"
        f" max(placed_at) FROM bo_orders WHERE {where}",
        ids,
    ).fetchone()
    subs_n, subs_cents, first_sub, last_sub, active_subs = one(
        "SELECT count(*), coalesce(sum(price_cents - refunded_cents), 0), min(purchased_at),"
        " max(purchased_at), count(*) - count(refunded_at)"
        f" FROM bo_subscriptions WHERE {where}",
        ids,
    ).fetchone()
    members_cents, first_member, last_member, latest_end = one(
        "SELECT coalesce(sum(price_cents), 0), min(started_at), max(started_at), max(ends_on)"
        f" FROM bo_memberships WHERE {where}",
        ids,
    ).fetchone()
    held, visits = one(
        "SELECT count(*), count(DISTINCT CASE WHEN status = 'admitted' THEN performance_id END)"
        f" FROM bo_tickets WHERE {where} AND status IN (?, ?)",
        (*ids, *HELD),
    ).fetchone()
    donated, unthanked = one(
        "SELECT coalesce(sum(amount_cents), 0), count(*) - count(acknowledged_how)"
        f" FROM bo_donations WHERE {where}",
        ids,
    ).fetchone()
    firsts = [m for m in (first_order, first_sub, first_member) if m]
    lasts = [m for m in (last_order, last_sub, last_member) if m]
    today_text = (today or datetime.now(tz=UTC).date()).isoformat()
    return {
        "orders": orders_n,
        "tickets": held,
        "lifetime_spend_cents": order_net + subs_cents + members_cents,
        "donations_cents": donated,
        "visits": visits,
        "first_purchase_at": min(firsts) if firsts else None,
        "last_purchase_at": max(lasts) if lasts else None,
        "subscriber": bool(active_subs),
        "subscriber_since": first_sub,
        "member_until": latest_end if latest_end and latest_end >= today_text else None,
        "unthanked_donations": unthanked,
    }


def lost_contacts(db: Database) -> int:
    """Sales to buyers whose names we never learned (anonymous walk-ups)."""
    return int(
        db.conn.execute("SELECT count(*) FROM bo_orders WHERE lost_contact = 1").fetchone()[0]
    )


def contact_capture(db: Database) -> list[dict[str, Any]]:
    """Per performance: orders, and how many buyers we know by name, walked up or lost.

    Keys: id, title, starts_at, orders, tickets, revenue_cents (less refunds), known
    (orders with a patron), walk_ups (walk-up buyers captured at the window), lost
    (anonymous orders: contacts lost). Refunded orders still count: the person came
    to us once. Counted as orders arrive, so the report costs one row a performance.
    """
    cursor = db.conn.execute(
        "SELECT p.id, p.title, p.starts_at, c.orders, c.tickets, c.revenue_cents, c.known,"
        " c.walk_ups, c.lost FROM bo_capture c JOIN bo_performances p ON p.id = c.performance_id"
        " ORDER BY p.starts_at, p.title, p.id"
    )
    return _dicts(cursor)
