"""Read model: what the door view needs, and nothing more.

Door volunteers must not browse donor data, so the door view reads only these
tables: performances with their house count, tickets by code with their
admission, recent scans per door, and per patron just what the greeting cue
needs (first name, interests, orders, visits, since when they subscribe or
are members, how many donations still wait for a thank-you). No amounts, no
contact details, no notes.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database

from domain.contact import fold
from domain.loyalty import PatronFacts
from projections.base import Event, Handler, PendingRows, Projection, iso, run_script
from projections.patron_merges import family, survivor


def _folded(first: str, last: str) -> str:
    return " " + fold(" ".join(p for p in (first, last) if p))


class DoorReadModel(Projection):
    name = "door"
    waiting = ("_scans", "_sold", "_activity")
    version = 3
    side_process = True
    tables = (
        "door_performances",
        "door_tickets",
        "door_orders",
        "door_patrons",
        "door_donations",
        "door_scans",
        "door_double_entries",
    )

    def __init__(self) -> None:
        super().__init__()
        #: scans of the batch being applied, inserted together by ``batch_done``
        self._scans: list[tuple[Any, ...]] = []
        #: tickets issued in the batch being applied (read back by id only)
        self._tickets = PendingRows(
            "INSERT OR REPLACE INTO door_tickets VALUES (?,?,?,?,?,'valid',NULL,NULL,?)"
        )
        #: per performance: seats taken minus released in the batch being applied,
        #: added to ``sold`` by ``batch_done`` (or before the row is written otherwise)
        self._sold: dict[str, int] = {}
        #: orders placed in the batch being applied (no handler reads them back)
        self._orders = PendingRows("INSERT OR REPLACE INTO door_orders VALUES (?,?,?,?,?)")
        #: per patron: the newest activity of the batch being applied, upserted by
        #: ``batch_done`` (or before a statement that reads or updates ``door_patrons``)
        self._activity: dict[str, str] = {}
        on = self.on
        on("Performance.Scheduled")(self._scheduled)
        on("Performance.SeatsTaken")(self._seats_taken)
        on("Performance.SeatsTakenTogether")(self._seats_taken)
        on("Performance.SeatsReleased")(self._seats_released)
        on("Performance.CapacityChanged")(self._capacity_changed)
        on("Performance.Rescheduled")(self._rescheduled)
        on("Ticket.Issued")(self._ticket_issued)
        on("Ticket.Refunded")(self._ticket_status("refunded"))
        on("Ticket.Exchanged")(self._ticket_status("exchanged"))
        on("Ticket.CodeReplaced")(self._ticket_status("replaced"))
        on("Ticket.Admitted")(self._admitted)
        on("Ticket.AdmissionUndone")(self._undone)
        on("Ticket.DoubleEntryRecorded")(self._double_entry)
        on("DoorScan.Recorded")(self._refused)
        on("Order.Placed")(self._order_placed)
        on("Patron.Registered")(self._patron_registered)
        on("Patron.ContactChanged")(self._patron_renamed)
        on("Patron.TagsChanged")(self._patron_tags)
        on("Subscription.Purchased")(self._subscribed)
        on("Membership.Started")(self._membership)
        on("Donation.Received")(self._donation)
        on("Donation.Acknowledged")(self._thanked)

    def create(self, db: Database) -> None:
        run_script(
            db,
            """
            CREATE TABLE IF NOT EXISTS door_performances (
                id TEXT PRIMARY KEY, production_id TEXT, title TEXT NOT NULL,
                starts_at TEXT NOT NULL, venue TEXT NOT NULL DEFAULT '',
                capacity INTEGER NOT NULL, sold INTEGER NOT NULL DEFAULT 0
            );
            CREATE INDEX IF NOT EXISTS door_performances_start ON door_performances (starts_at);
            CREATE TABLE IF NOT EXISTS door_tickets (
                id TEXT PRIMARY KEY, code TEXT NOT NULL, performance_id TEXT NOT NULL,
                patron_id TEXT, order_id TEXT, status TEXT NOT NULL,
                admitted_at TEXT, admitted_door TEXT, price_level TEXT NOT NULL DEFAULT ''
            );
            CREATE INDEX IF NOT EXISTS door_tickets_code ON door_tickets (code);
            CREATE INDEX IF NOT EXISTS door_tickets_house
                ON door_tickets (performance_id, admitted_door);
            CREATE INDEX IF NOT EXISTS door_tickets_patron
                ON door_tickets (patron_id, admitted_at);
            CREATE TABLE IF NOT EXISTS door_orders (
                id TEXT PRIMARY KEY, patron_id TEXT NOT NULL, performance_id TEXT NOT NULL,
                tickets INTEGER NOT NULL, placed_at TEXT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS door_orders_patron ON door_orders (patron_id);
            CREATE TABLE IF NOT EXISTS door_patrons (
                id TEXT PRIMARY KEY, first_name TEXT NOT NULL DEFAULT '',
                last_name TEXT NOT NULL DEFAULT '', folded_name TEXT NOT NULL DEFAULT '',
                tags TEXT NOT NULL DEFAULT '', last_activity_at TEXT,
                subscriptions INTEGER NOT NULL DEFAULT 0, subscriber_since TEXT,
                member_since TEXT, donations INTEGER NOT NULL DEFAULT 0,
                unthanked INTEGER NOT NULL DEFAULT 0
            );
            CREATE TABLE IF NOT EXISTS door_donations (
                id TEXT PRIMARY KEY, patron_id TEXT NOT NULL, thanked INTEGER NOT NULL
            );
            CREATE TABLE IF NOT EXISTS door_scans (
                position INTEGER PRIMARY KEY, performance_id TEXT NOT NULL, door TEXT NOT NULL,
                code TEXT NOT NULL, verdict TEXT NOT NULL, occurred_at TEXT NOT NULL,
                workstation TEXT NOT NULL DEFAULT ''
            );
            CREATE INDEX IF NOT EXISTS door_scans_door
                ON door_scans (performance_id, door, position);
            CREATE TABLE IF NOT EXISTS door_double_entries (
                position INTEGER PRIMARY KEY, performance_id TEXT NOT NULL, code TEXT NOT NULL,
                first_door TEXT NOT NULL, first_at TEXT NOT NULL,
                first_workstation TEXT NOT NULL, second_door TEXT NOT NULL,
                second_at TEXT NOT NULL, second_workstation TEXT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS door_double_entries_performance
                ON door_double_entries (performance_id, position);
            """,
        )

    # -- performances --------------------------------------------------------
    def _scheduled(self, db: Database, e: Event, position: int) -> None:
        self._flush_sold(db)
        db.conn.execute(
            "INSERT OR REPLACE INTO door_performances VALUES (?,?,?,?,?,?,0)",
            (str(e.originator_id), e.production_id, e.title, iso(e.starts_at), e.venue, e.capacity),
        )

    def _seats_taken(self, db: Database, e: Event, position: int) -> None:
        performance = str(e.originator_id)
        self._sold[performance] = self._sold.get(performance, 0) + e.quantity

    def _seats_released(self, db: Database, e: Event, position: int) -> None:
        performance = str(e.originator_id)
        self._sold[performance] = self._sold.get(performance, 0) - e.quantity

    def _flush_sold(self, db: Database) -> None:
        if self._sold:
            db.conn.executemany(
                "UPDATE door_performances SET sold = sold + ? WHERE id = ?",
                [(sold, performance) for performance, sold in self._sold.items()],
            )
            self._sold = {}

    def _capacity_changed(self, db: Database, e: Event, position: int) -> None:
        db.conn.execute(
            "UPDATE door_performances SET capacity = ? WHERE id = ?",
            (e.capacity, str(e.originator_id)),
        )

    def _rescheduled(self, db: Database, e: Event, position: int) -> None:
        db.conn.execute(
            "UPDATE door_performances SET starts_at = ? WHERE id = ?",
            (iso(e.starts_at), str(e.originator_id)),
        )

    # -- tickets and scans ---------------------------------------------------
    def _ticket_issued(self, db: Database, e: Event, position: int) -> None:
        ticket = str(e.originator_id)
        self._tickets.add(
            db, ticket, (ticket, e.code, e.performance_id, e.patron_id, e.order_id, e.price_level)
        )

    def _ticket_status(self, status: str) -> Handler:
        def handle(db: Database, e: Event, position: int) -> None:
            self._tickets.need(db, str(e.originator_id))
            db.conn.execute(
                "UPDATE door_tickets SET status = ? WHERE id = ?", (status, str(e.originator_id))
            )

        return handle

    def _admitted(self, db: Database, e: Event, position: int) -> None:
        when = iso(e.occurred_at)
        ticket = str(e.originator_id)
        self._tickets.need(db, ticket)
        row = db.conn.execute(
            "UPDATE door_tickets SET admitted_at = ?, admitted_door = ? WHERE id = ?"
            " RETURNING code, patron_id",
            (when, e.door, ticket),
        ).fetchone()
        code, patron_id = row if row else ("", None)
        self._scan(db, e, position, e.performance_id, code, "admit")
        if patron_id:
            self._active(db, patron_id, when)

    def _undone(self, db: Database, e: Event, position: int) -> None:
        ticket = str(e.originator_id)
        self._tickets.need(db, ticket)
        row = db.conn.execute(
            "UPDATE door_tickets SET admitted_at = NULL, admitted_door = NULL WHERE id = ?"
            " RETURNING code",
            (ticket,),
        ).fetchone()
        self._scan(db, e, position, e.performance_id, row[0] if row else "", "undone")

    def _double_entry(self, db: Database, e: Event, position: int) -> None:
        """Two people went in on one ticket (one door was offline): the earliest
        admission stands, so the ticket counts once in the house; the door report
        lists both doors and times."""
        ticket = str(e.originator_id)
        self._tickets.need(db, ticket)
        db.conn.execute(
            "UPDATE door_tickets SET admitted_at = ?, admitted_door = ? WHERE id = ?",
            (iso(e.first_at), e.first_door, ticket),
        )
        db.conn.execute(
            "INSERT OR REPLACE INTO door_double_entries VALUES (?,?,?,?,?,?,?,?,?)",
            (
                position,
                e.performance_id,
                e.code,
                e.first_door,
                iso(e.first_at),
                e.first_workstation,
                e.second_door,
                iso(e.second_at),
                e.second_workstation,
            ),
        )
        self._scans.append(
            (
                position,
                e.performance_id,
                e.second_door,
                e.code,
                "double_entry",
                iso(e.second_at),
                e.second_workstation,
            )
        )

    def _refused(self, db: Database, e: Event, position: int) -> None:
        self._scan(db, e, position, e.performance_id, e.code, e.verdict)

    def _scan(
        self, db: Database, e: Event, position: int, performance_id: str, code: str, verdict: str
    ) -> None:
        self._scans.append(
            (position, performance_id, e.door, code, verdict, iso(e.occurred_at), e.workstation)
        )

    def batch_done(self, db: Database, final: bool) -> None:
        self._tickets.flush(db)
        self._orders.flush(db)
        self._flush_activity(db)
        self._flush_sold(db)
        # the scans go in once per batch, in its transaction (no handler reads them)
        if self._scans:
            db.conn.executemany(
                "INSERT OR REPLACE INTO door_scans VALUES (?,?,?,?,?,?,?)", self._scans
            )
            self._scans = []

    # -- patrons: only what the greeting cue needs ---------------------------
    def _active(self, db: Database, patron_id: str, when: str) -> None:
        # kept per batch (an import has an order per patron and more): the newest counts
        if when > self._activity.get(patron_id, ""):
            self._activity[patron_id] = when

    def _flush_activity(self, db: Database) -> None:
        """Write the batch's activity: before a statement that reads or updates ``door_patrons``
        (one that updates a row must find it made) and at ``batch_done``."""
        if self._activity:
            # one upsert rather than insert-if-missing then update
            db.conn.executemany(
                "INSERT INTO door_patrons (id, last_activity_at) VALUES (?, ?) ON CONFLICT (id)"
                " DO UPDATE SET last_activity_at ="
                " max(coalesce(last_activity_at, ''), excluded.last_activity_at)",
                list(self._activity.items()),
            )
            self._activity = {}

    def _patron_registered(self, db: Database, e: Event, position: int) -> None:
        first, last = e.first_name or "", e.last_name or ""
        # an upsert of other columns than the activity's: no need to write that first
        db.conn.execute(
            "INSERT INTO door_patrons (id, tags, first_name, last_name, folded_name)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET tags = excluded.tags,"
            " first_name = excluded.first_name, last_name = excluded.last_name,"
            " folded_name = excluded.folded_name",
            (str(e.originator_id), ", ".join(e.tags), first, last, _folded(first, last)),
        )

    def _name(self, db: Database, patron_id: str, first: str, last: str) -> None:
        """The name, for the greeting and for finding someone who forgot the ticket."""
        self._flush_activity(db)
        db.conn.execute(
            "UPDATE door_patrons SET first_name = ?, last_name = ?, folded_name = ? WHERE id = ?",
            (first, last, _folded(first, last), patron_id),
        )

    def _patron_renamed(self, db: Database, e: Event, position: int) -> None:
        if "first_name" in e.changes or "last_name" in e.changes:
            patron_id = str(e.originator_id)
            self._flush_activity(db)
            row = db.conn.execute(
                "SELECT first_name, last_name FROM door_patrons WHERE id = ?", (patron_id,)
            ).fetchone()
            if row is not None:
                self._name(
                    db,
                    patron_id,
                    e.changes.get("first_name", row[0]) or "",
                    e.changes.get("last_name", row[1]) or "",
                )

    def _patron_tags(self, db: Database, e: Event, position: int) -> None:
        self._flush_activity(db)
        db.conn.execute(
            "UPDATE door_patrons SET tags = ? WHERE id = ?",
            (", ".join(e.tags), str(e.originator_id)),
        )

    def _order_placed(self, db: Database, e: Event, position: int) -> None:
        if not e.patron_id:
            return
        when = iso(e.occurred_at)
        order = str(e.originator_id)
        self._orders.add(db, order, (order, e.patron_id, e.performance_id, len(e.codes), when))
        self._active(db, e.patron_id, when)

    def _subscribed(self, db: Database, e: Event, position: int) -> None:
        when = iso(e.occurred_at)
        self._active(db, e.patron_id, when)
        self._flush_activity(db)
        db.conn.execute(
            "UPDATE door_patrons SET subscriptions = subscriptions + 1,"
            " subscriber_since = min(coalesce(subscriber_since, ?), ?) WHERE id = ?",
            (when, when, e.patron_id),
        )

    def _membership(self, db: Database, e: Event, position: int) -> None:
        when = iso(e.occurred_at)
        starts_on = getattr(e, "starts_on", "")
        since = iso(datetime.fromisoformat(starts_on).replace(tzinfo=UTC)) if starts_on else when
        self._active(db, e.patron_id, when)
        self._flush_activity(db)
        db.conn.execute(
            "UPDATE door_patrons SET member_since = min(coalesce(member_since, ?), ?) WHERE id = ?",
            (since, since, e.patron_id),
        )

    def _donation(self, db: Database, e: Event, position: int) -> None:
        when = iso(e.occurred_at)
        self._active(db, e.patron_id, when)
        db.conn.execute(
            "INSERT OR IGNORE INTO door_donations VALUES (?,?,0)",
            (str(e.originator_id), e.patron_id),
        )
        self._flush_activity(db)
        db.conn.execute(
            "UPDATE door_patrons SET donations = donations + 1, unthanked = unthanked + 1"
            " WHERE id = ?",
            (e.patron_id,),
        )

    def _thanked(self, db: Database, e: Event, position: int) -> None:
        changed = db.conn.execute(
            "UPDATE door_donations SET thanked = 1 WHERE id = ? AND thanked = 0",
            (str(e.originator_id),),
        ).rowcount
        if changed:
            self._flush_activity(db)
            db.conn.execute(
                "UPDATE door_patrons SET unthanked = max(0, unthanked - 1) WHERE id = ?",
                (e.patron_id,),
            )


# -- queries used by the door view --------------------------------------------------
def _rows(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def performances(db: Database) -> list[dict[str, Any]]:
    """Every performance, earliest first: id, title, starts_at, venue, capacity, sold."""
    return _rows(
        db.conn.execute(
            "SELECT id, production_id, title, starts_at, venue, capacity, sold"
            " FROM door_performances ORDER BY starts_at, title, id"
        )
    )


def performance(db: Database, performance_id: str) -> dict[str, Any] | None:
    found = _rows(
        db.conn.execute(
            "SELECT id, production_id, title, starts_at, venue, capacity, sold"
            " FROM door_performances WHERE id = ?",
            (performance_id,),
        )
    )
    return found[0] if found else None


def ticket(db: Database, code: str) -> dict[str, Any] | None:
    """A ticket by its (normalised) code: performance, patron, status, admission,
    price level."""
    found = _rows(
        db.conn.execute(
            "SELECT id, code, performance_id, patron_id, order_id, status, admitted_at,"
            " admitted_door, price_level FROM door_tickets WHERE code = ?",
            (code,),
        )
    )
    return found[0] if found else None


def patron_tickets(db: Database, patron_id: str) -> list[dict[str, Any]]:
    """The tickets a patron holds (a merged record's too), as ``ticket`` gives them."""
    ids = family(db, patron_id)
    marks = ",".join("?" * len(ids))
    return _rows(
        db.conn.execute(
            "SELECT id, code, performance_id, patron_id, order_id, status, admitted_at,"
            f" admitted_door, price_level FROM door_tickets WHERE patron_id IN ({marks})",
            ids,
        )
    )


def house_count(db: Database, performance_id: str) -> dict[str, Any]:
    """``{"admitted", "sold", "capacity", "doors": {door: admitted}}`` for one performance."""
    show = performance(db, performance_id)
    doors = {
        door: n
        for door, n in db.conn.execute(
            "SELECT admitted_door, count(*) FROM door_tickets"
            " WHERE performance_id = ? AND admitted_door IS NOT NULL"
            " GROUP BY admitted_door ORDER BY admitted_door",
            (performance_id,),
        )
    }
    return {
        "admitted": sum(doors.values()),
        "sold": show["sold"] if show else 0,
        "capacity": show["capacity"] if show else 0,
        "doors": doors,
    }


def double_entries(db: Database, performance_id: str | None = None) -> list[dict[str, Any]]:
    """Tickets two people went in on (a door was offline), earliest first: ``code``,
    ``first_door``/``first_at``/``first_workstation`` (the admission that stands) and
    ``second_*`` (the other one)."""
    where, params = ("WHERE performance_id = ?", (performance_id,)) if performance_id else ("", ())
    return _rows(
        db.conn.execute(
            "SELECT performance_id, code, first_door, first_at, first_workstation, second_door,"
            f" second_at, second_workstation FROM door_double_entries {where}"
            " ORDER BY first_at, position",
            params,
        )
    )


def recent_scans(
    db: Database, performance_id: str, door: str | None = None, limit: int = 8
) -> list[dict[str, Any]]:
    """The latest scans for a performance (at one door, or all), newest first."""
    where, params = "performance_id = ?", [performance_id]
    if door is not None:
        where += " AND door = ?"
        params.append(door)
    return _rows(
        db.conn.execute(
            f"SELECT position, door, code, verdict, occurred_at, workstation FROM door_scans"
            f" WHERE {where} ORDER BY position DESC LIMIT ?",
            (*params, limit),
        )
    )


def ticket_holders(
    db: Database, performance_id: str, text: str, limit: int = 12
) -> list[dict[str, Any]]:
    """Patrons holding tickets for this performance whose name has a word starting
    with each word typed: ``[{"patron_id", "name", "tickets": [{"code", "status",
    "admitted_door"}]}]``. Only tonight's ticket holders: the door browses no one else."""
    words = [w for w in fold(text).split() if w]
    if not words:
        return []
    where = " AND ".join("p.folded_name LIKE ? ESCAPE '\\'" for _ in words)
    escaped = [w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for w in words]
    cursor = db.conn.execute(
        "SELECT p.id, p.first_name, p.last_name, t.code, t.status, t.admitted_door"
        " FROM door_tickets t JOIN door_patrons p ON p.id = t.patron_id"
        f" WHERE t.performance_id = ? AND {where}"
        " ORDER BY p.last_name, p.first_name, p.id, t.code",
        (performance_id, *[f"% {w}%" for w in escaped]),
    )
    holders: dict[str, dict[str, Any]] = {}
    for patron_id, first, last, code, status, door in cursor:
        # A merged record's tickets are the surviving record's (shown under its id).
        patron_id = survivor(db, patron_id)
        if patron_id not in holders:
            if len(holders) == limit:
                break
            name = " ".join(p for p in (first, last) if p)
            holders[patron_id] = {"patron_id": patron_id, "name": name, "tickets": []}
        holders[patron_id]["tickets"].append(
            {"code": code, "status": status, "admitted_door": door}
        )
    return list(holders.values())


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def patron_facts(
    db: Database, patron_id: str, performance_id: str, group_size: int = 3
) -> PatronFacts:
    """What the greeting cue needs about a patron arriving for ``performance_id``.

    Visits count performances attended other than this one, so the cue is the
    same whether or not this admission has reached the read model yet.
    """
    # A record merged into another greets as the surviving record, with both histories.
    ids = family(db, patron_id)
    marks = ",".join("?" * len(ids))
    where = f"patron_id IN ({marks})"
    rows = {
        r[0]: r[1:]
        for r in db.conn.execute(
            "SELECT id, first_name, tags, last_activity_at, subscriptions, subscriber_since,"
            f" member_since, donations, unthanked FROM door_patrons WHERE id IN ({marks})",
            ids,
        )
    }
    if ids[0] not in rows:
        return PatronFacts()
    first_name, tags = rows[ids[0]][:2]
    merged = list(rows.values())
    last_activity = max((r[2] for r in merged if r[2]), default=None)
    subscriptions = sum(r[3] for r in merged)
    subscriber_since = min((r[4] for r in merged if r[4]), default=None)
    member_since = min((r[5] for r in merged if r[5]), default=None)
    donations = sum(r[6] for r in merged)
    unthanked = sum(r[7] for r in merged)
    purchases, group_orders = db.conn.execute(
        f"SELECT count(*), coalesce(sum(tickets >= ?), 0) FROM door_orders WHERE {where}",
        (group_size, *ids),
    ).fetchone()
    productions = db.conn.execute(
        "SELECT count(DISTINCT p.production_id) FROM door_tickets t"
        f" JOIN door_performances p ON p.id = t.performance_id WHERE t.{where}",
        ids,
    ).fetchone()[0]
    visits, last_visit = db.conn.execute(
        "SELECT count(DISTINCT performance_id), max(admitted_at) FROM door_tickets"
        f" WHERE {where} AND admitted_at IS NOT NULL AND performance_id != ?",
        (*ids, performance_id),
    ).fetchone()
    return PatronFacts(
        first_name=first_name,
        tags=tuple(t for t in tags.split(", ") if t),
        purchases=purchases,
        productions=productions,
        group_orders=group_orders,
        visits=visits,
        last_visit=_moment(last_visit),
        last_activity=_moment(last_activity),
        subscriptions=subscriptions,
        subscriber_since=_moment(subscriber_since),
        member_since=_moment(member_since),
        donations=donations,
        unthanked_donations=unthanked,
    )
