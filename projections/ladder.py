"""Read model: the loyalty ladder. Per-patron facts, the rung each patron is on, and
every change of rung with its date.

The projection keeps what the ladder's rules count, per patron, each with the
event it came from (``ladder_facts``: orders with the tickets still held,
subscriptions, memberships, donations; ``ladder_tickets``: which performances
they hold tickets for or attended). The rung table (``ladder_rungs``) and the
history (``ladder_moves``) are worked out from those facts by
``domain.loyalty.assess`` for the thresholds kept in ``ladder_rules``:

* after each batch of events, for the patrons it touched;
* for everyone by ``recompute(db, thresholds, now)`` when a rule changes (the
  desktop calls it in the background when a ``loyalty/*`` setting changes).

Lapsing needs no event: a patron lapses the moment ``lapses_at`` passes. The
queries take ``now`` and treat such a patron as lapsed (with a move dated
``lapses_at``) even before the tables are worked out again, so the figures are
right whatever the clock says. ``ladder_rules`` is not dropped on a rebuild:
the read model keeps the office's rules.

Merged patrons (``domain/merging.py``): facts stay filed under the record their
event named. A merged record has no rung of its own (it leaves the rung counts,
its moves go); the surviving record's rung *and its moves* are worked out from
the facts of both records, as if they had been one person all along (a visit to
the same performance by both counts once), so the survivor's history may be
re-dated: its second purchase, say, may be the duplicate's. A merge or unmerge
works both records out again (``Patron.MergedInto``/``Unmerged``), reading the
merges (``patron_aliases``) at the end of the batch; after an unmerge both are,
row for row, what they were before the merge (for the same clock and rules).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, fields
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from sqlite_utils import Database

from domain import loyalty, organization_time
from domain.loyalty import Assessment, Fact, LoyaltyThresholds
from projections.base import Event, Handler, PendingRows, Projection, iso, run_script
from projections.patron_merges import aliases

#: rungs in the order of the ladder (lapsed is off to the side)
RANK = {loyalty.PROSPECT: 0, loyalty.TRYER: 1, loyalty.BUYER: 2, loyalty.ADVOCATE: 3}
UP, LAPSED_MOVE, BACK = "up", "lapsed", "back"
CHUNK = 500

_EFFECTIVE = (
    "CASE WHEN r.rung NOT IN ('prospect', 'lapsed') AND r.lapses_at <= :now"
    " THEN 'lapsed' ELSE r.rung END"
)


class RecomputeCancelled(Exception):
    """The recompute was cancelled; nothing was changed."""


def _now() -> datetime:
    return datetime.now(tz=UTC)


class Ladder(Projection):
    name = "ladder"
    waiting = ("_touched", "_shows", "_ahead")
    version = 2
    side_process = True
    tables = (
        "ladder_shows",
        "ladder_facts",
        "ladder_tickets",
        "ladder_rungs",
        "ladder_moves",
        "ladder_dirty",
    )

    def __init__(self, clock: Callable[[], datetime] = _now) -> None:
        super().__init__()
        #: "now" for the rungs worked out after each batch (tests set a fixed clock)
        self.clock = clock
        #: patrons touched in the batch being applied, written to ladder_dirty (in the
        #: batch's transaction) by ``batch_done``: one statement per batch, not per event
        self._touched: set[str] = set()
        #: tickets issued in the batch being applied, written by ``batch_done`` unless a
        #: handler needs them first
        self._tickets = PendingRows(
            "INSERT OR REPLACE INTO ladder_tickets VALUES (?, ?, ?, 'valid', NULL, NULL)"
        )
        #: facts (orders, subscriptions...) of the batch being applied, by kind and ref,
        #: written by ``batch_done`` or before a handler reads or removes facts
        self._facts = PendingRows(
            "INSERT OR REPLACE INTO ladder_facts VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        )
        #: (production, title) of each performance an order of this batch named, as
        #: ``ladder_shows`` held it (forgotten when a show changes and after each batch)
        self._shows: dict[str, tuple[str, str] | None] = {}
        #: patrons registered in the batch being applied: a prospect's row unless they have
        #: one, written by ``batch_done`` before any rung is worked out
        self._registrations = PendingRows(
            "INSERT OR IGNORE INTO ladder_rungs (patron_id, rung) VALUES (?, ?)"
        )
        #: patrons waiting in ladder_dirty whose rungs ``sums_ahead`` has already worked
        #: out, and untouched since, with the ``lapses_at`` then written (None: none);
        #: the end's work-out skips them unless that moment has come by then
        self._ahead: dict[str, str | None] = {}
        on = self.on
        on("Patron.Registered")(self._registered)
        on("Performance.Scheduled")(self._scheduled)
        on("Performance.Rescheduled")(self._rescheduled)
        on("Order.Placed")(self._order_placed)
        on("Order.Refunded")(self._order_refunded)
        on("Ticket.Issued")(self._ticket_issued)
        on("Ticket.Refunded")(self._ticket_status("refunded"))
        on("Ticket.Exchanged")(self._ticket_status("exchanged"))
        on("Ticket.CodeReplaced")(self._ticket_status("replaced"))
        on("Ticket.Admitted")(self._admitted)
        on("Ticket.AdmissionUndone")(self._undone)
        on("Subscription.Purchased")(self._subscribed)
        on("Subscription.Refunded")(self._fact_gone(loyalty.SUBSCRIPTION))
        on("Membership.Started")(self._membership)
        on("Donation.Received")(self._donation)
        on("Patron.MergedInto", "Patron.Unmerged")(self._merge_changed)

    def create(self, db: Database) -> None:
        run_script(
            db,
            """
            CREATE TABLE IF NOT EXISTS ladder_rules (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS ladder_shows (
                id TEXT PRIMARY KEY, production_id TEXT NOT NULL, title TEXT NOT NULL,
                starts_at TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS ladder_facts (
                kind TEXT NOT NULL, ref TEXT NOT NULL, patron_id TEXT NOT NULL,
                at TEXT NOT NULL, position INTEGER NOT NULL, production TEXT NOT NULL DEFAULT '',
                tickets INTEGER NOT NULL DEFAULT 0, label TEXT NOT NULL DEFAULT '',
                PRIMARY KEY (kind, ref)
            );
            CREATE INDEX IF NOT EXISTS ladder_facts_patron ON ladder_facts (patron_id);
            CREATE TABLE IF NOT EXISTS ladder_tickets (
                id TEXT PRIMARY KEY, patron_id TEXT NOT NULL, performance_id TEXT NOT NULL,
                status TEXT NOT NULL, admitted_at TEXT, admitted_position INTEGER
            );
            CREATE INDEX IF NOT EXISTS ladder_tickets_patron ON ladder_tickets (patron_id);
            CREATE INDEX IF NOT EXISTS ladder_tickets_show ON ladder_tickets (performance_id);
            CREATE TABLE IF NOT EXISTS ladder_rungs (
                patron_id TEXT PRIMARY KEY, rung TEXT NOT NULL, kind TEXT NOT NULL DEFAULT '',
                since TEXT, was TEXT NOT NULL DEFAULT '', lapses_at TEXT, last_activity TEXT,
                first_show TEXT, second_show TEXT
            );
            CREATE INDEX IF NOT EXISTS ladder_rungs_rung ON ladder_rungs (rung);
            CREATE INDEX IF NOT EXISTS ladder_rungs_lapses ON ladder_rungs (lapses_at);
            CREATE INDEX IF NOT EXISTS ladder_rungs_first_show ON ladder_rungs (first_show);
            CREATE TABLE IF NOT EXISTS ladder_moves (
                patron_id TEXT NOT NULL, moved_at TEXT NOT NULL, from_rung TEXT NOT NULL,
                to_rung TEXT NOT NULL, kind TEXT NOT NULL DEFAULT '',
                PRIMARY KEY (patron_id, moved_at, to_rung)
            );
            CREATE INDEX IF NOT EXISTS ladder_moves_when ON ladder_moves (moved_at);
            CREATE TABLE IF NOT EXISTS ladder_dirty (patron_id TEXT PRIMARY KEY);
            """,
        )

    # -- after each batch --------------------------------------------------------------
    def batch_done(self, db: Database, final: bool) -> None:
        """Work out the rungs of the patrons this batch touched (at the last batch of a
        catch-up only: a rebuild then works everyone out once, not once per batch)."""
        self._tickets.flush(db)
        self._facts.flush(db)
        self._registrations.flush(db)
        self._shows.clear()
        if self._touched:
            db.conn.executemany(
                "INSERT OR IGNORE INTO ladder_dirty VALUES (?)", [(pid,) for pid in self._touched]
            )
            self._touched.clear()
        if not final:
            return
        ids = [r[0] for r in db.conn.execute("SELECT patron_id FROM ladder_dirty")]
        if ids:
            now = self.clock()
            ahead, self._ahead = self._ahead, {}
            if ahead:
                # worked out ahead and untouched since: the same facts give the same rows
                # at any later moment before their lapse
                moment = iso(now)
                done = {pid for pid, lapse in ahead.items() if lapse is None or lapse > moment}
                ids = [pid for pid in ids if pid not in done]
            if ids:
                work_out(db, ids, thresholds(db), now)
            db.conn.execute("DELETE FROM ladder_dirty")

    def sums_ahead(self, db: Database, stop: Callable[[], bool]) -> None:
        """Between the steps of a catch-up in steps (``sums_deferred``: an import's second
        process, while it waits for the next saved chunk): work out now the rungs of the
        patrons waiting in ladder_dirty, ``CHUNK`` at a time until ``stop()``, so that the
        end's work-out (``batch_done`` with ``final``) only does those touched again
        since, or whose lapse moment came in between. They stay in ladder_dirty until
        then: a runner that did not work them out ahead (after a failure, the first
        process) works them out as before.

        A patron's rung and moves depend on the clock only through whether their lapse
        moment has passed (``loyalty.assess``), so a rung worked out earlier from the same
        facts, before that moment, is what the end's work-out would write."""
        ids = [
            r[0]
            for r in db.conn.execute("SELECT patron_id FROM ladder_dirty")
            if r[0] not in self._ahead
        ]
        if not ids:
            return
        rules = thresholds(db)
        for start in range(0, len(ids), CHUNK):
            if start and stop():
                return
            self._ahead.update(work_out(db, ids[start : start + CHUNK], rules, self.clock()))

    def _dirty(self, db: Database, patron_id: str | None) -> None:
        if patron_id:
            self._touched.add(patron_id)
            self._ahead.pop(patron_id, None)

    def _show_changed(self, db: Database, show: str) -> None:
        """A show's start (or existence) changes the rungs' first and second shows of
        whoever holds tickets for it: they are worked out again at the end."""
        self._tickets.flush(db)  # the show's tickets are read below
        held = db.conn.execute(
            "SELECT DISTINCT patron_id FROM ladder_tickets WHERE performance_id = ?", (show,)
        ).fetchall()
        for (patron_id,) in held:
            self._dirty(db, patron_id)

    # -- handlers ------------------------------------------------------------------------
    def _registered(self, db: Database, e: Event, position: int) -> None:
        patron_id = str(e.originator_id)
        self._registrations.add(db, patron_id, (patron_id, loyalty.PROSPECT))
        self._dirty(db, patron_id)

    def _merge_changed(self, db: Database, e: Event, position: int) -> None:
        # both records are worked out again at the end of the batch, with the merges
        # as they then stand
        self._dirty(db, str(e.originator_id))
        self._dirty(db, e.survivor_id)

    def _scheduled(self, db: Database, e: Event, position: int) -> None:
        self._shows.clear()
        show = str(e.originator_id)
        db.conn.execute(
            "INSERT OR REPLACE INTO ladder_shows VALUES (?, ?, ?, ?)",
            (show, e.production_id, e.title, iso(e.starts_at)),
        )
        if self._ahead:  # (a show is scheduled before its tickets are sold: none, always)
            self._show_changed(db, show)

    def _rescheduled(self, db: Database, e: Event, position: int) -> None:
        show = str(e.originator_id)
        self._shows.clear()
        db.conn.execute(
            "UPDATE ladder_shows SET starts_at = ? WHERE id = ?", (iso(e.starts_at), show)
        )
        self._show_changed(db, show)

    def _fact(
        self,
        db: Database,
        e: Event,
        position: int,
        kind: str,
        ref: str,
        patron_id: str,
        production: str = "",
        tickets: int = 0,
        label: str = "",
    ) -> None:
        self._facts.add(
            db,
            f"{kind}\n{ref}",
            (kind, ref, patron_id, iso(e.occurred_at), position, production, tickets, label),
        )
        self._dirty(db, patron_id)

    def _order_placed(self, db: Database, e: Event, position: int) -> None:
        if not e.patron_id:
            return  # an anonymous sale: nobody's ladder
        performance = e.performance_id
        if performance in self._shows:
            show = self._shows[performance]
        else:
            show = self._shows[performance] = db.conn.execute(
                "SELECT production_id, title FROM ladder_shows WHERE id = ?", (performance,)
            ).fetchone()
        production, title = show if show else (performance, "")
        self._fact(
            db,
            e,
            position,
            loyalty.ORDER,
            str(e.originator_id),
            e.patron_id,
            production,
            len(e.codes),
            title,
        )

    def _order_refunded(self, db: Database, e: Event, position: int) -> None:
        order = str(e.originator_id)
        self._facts.flush(db)
        row = db.conn.execute(
            "SELECT patron_id FROM ladder_facts WHERE kind = ? AND ref = ?", (loyalty.ORDER, order)
        ).fetchone()
        if row is None:
            return
        db.conn.execute(
            "UPDATE ladder_facts SET tickets = tickets - ? WHERE kind = ? AND ref = ?",
            (len(e.codes), loyalty.ORDER, order),
        )
        # an order with no ticket left was, for the ladder, never bought
        db.conn.execute(
            "DELETE FROM ladder_facts WHERE kind = ? AND ref = ? AND tickets <= 0",
            (loyalty.ORDER, order),
        )
        self._dirty(db, row[0])

    def _subscribed(self, db: Database, e: Event, position: int) -> None:
        self._fact(
            db,
            e,
            position,
            loyalty.SUBSCRIPTION,
            str(e.originator_id),
            e.patron_id,
            label=e.package_name,
        )

    def _membership(self, db: Database, e: Event, position: int) -> None:
        self._fact(
            db, e, position, loyalty.MEMBERSHIP, str(e.originator_id), e.patron_id, label=e.level
        )

    def _donation(self, db: Database, e: Event, position: int) -> None:
        self._fact(
            db, e, position, loyalty.DONATION, str(e.originator_id), e.patron_id, label=e.fund
        )

    def _fact_gone(self, kind: str) -> Handler:
        def handle(db: Database, e: Event, position: int) -> None:
            self._facts.flush(db)
            row = db.conn.execute(
                "SELECT patron_id FROM ladder_facts WHERE kind = ? AND ref = ?",
                (kind, str(e.originator_id)),
            ).fetchone()
            if row is not None:
                db.conn.execute(
                    "DELETE FROM ladder_facts WHERE kind = ? AND ref = ?",
                    (kind, str(e.originator_id)),
                )
                self._dirty(db, row[0])

        return handle

    def _ticket_issued(self, db: Database, e: Event, position: int) -> None:
        if e.patron_id:
            ticket = str(e.originator_id)
            self._tickets.add(db, ticket, (ticket, e.patron_id, e.performance_id))
            self._dirty(db, e.patron_id)

    def _update_ticket(self, db: Database, sql: str, params: tuple[Any, ...]) -> None:
        """Change a ticket (its id is the last parameter) and mark its holder, in one
        statement (RETURNING)."""
        self._tickets.need(db, params[-1])
        row = db.conn.execute(sql + " RETURNING patron_id", params).fetchone()
        if row:
            self._dirty(db, row[0])

    def _ticket_status(self, status: str) -> Handler:
        def handle(db: Database, e: Event, position: int) -> None:
            self._update_ticket(
                db,
                "UPDATE ladder_tickets SET status = ? WHERE id = ?",
                (status, str(e.originator_id)),
            )

        return handle

    def _admitted(self, db: Database, e: Event, position: int) -> None:
        self._update_ticket(
            db,
            "UPDATE ladder_tickets SET admitted_at = ?, admitted_position = ? WHERE id = ?",
            (iso(e.occurred_at), position, str(e.originator_id)),
        )

    def _undone(self, db: Database, e: Event, position: int) -> None:
        self._update_ticket(
            db,
            "UPDATE ladder_tickets SET admitted_at = NULL, admitted_position = NULL WHERE id = ?",
            (str(e.originator_id),),
        )


# -- the rules in force ------------------------------------------------------------------
def thresholds(db: Database) -> LoyaltyThresholds:
    """The thresholds the ladder was last worked out with (the defaults at first)."""
    row = db.conn.execute("SELECT value FROM ladder_rules WHERE key = 'thresholds'").fetchone()
    stored = json.loads(row[0]) if row else {}
    known = {f.name for f in fields(LoyaltyThresholds)}
    return LoyaltyThresholds(**{k: int(v) for k, v in stored.items() if k in known})


def _store_thresholds(db: Database, rules: LoyaltyThresholds) -> None:
    db.conn.execute(
        "INSERT OR REPLACE INTO ladder_rules VALUES ('thresholds', ?)",
        (json.dumps(asdict(rules), sort_keys=True),),
    )


# -- working the rungs out ---------------------------------------------------------------
def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _text(moment: datetime | None) -> str | None:
    return iso(moment) if moment is not None else None


def _marks(ids: Sequence[str]) -> str:
    return ",".join("?" * len(ids))


def _facts_of(db: Database, ids: Sequence[str]) -> dict[str, list[Fact]]:
    found: dict[str, list[Fact]] = {pid: [] for pid in ids}
    marks = _marks(ids)
    cursor = db.conn.execute(
        "SELECT patron_id, kind, ref, at, position, production, tickets, label FROM ladder_facts"
        f" WHERE patron_id IN ({marks})"
        " UNION ALL"
        " SELECT t.patron_id, 'visit', t.performance_id, min(t.admitted_at),"
        " min(t.admitted_position), coalesce(s.production_id, ''), 0, coalesce(s.title, '')"
        " FROM ladder_tickets t LEFT JOIN ladder_shows s ON s.id = t.performance_id"
        f" WHERE t.patron_id IN ({marks}) AND t.admitted_at IS NOT NULL"
        " GROUP BY t.patron_id, t.performance_id",
        (*ids, *ids),
    )
    for pid, kind, ref, at, position, production, tickets, label in cursor:
        found[pid].append(
            Fact(kind, datetime.fromisoformat(at), ref, position or 0, production, tickets, label)
        )
    return found


def _shows_of(db: Database, ids: Sequence[str]) -> dict[str, dict[str, str]]:
    """Per patron, the performances they hold a ticket for or attended, with their starts."""
    found: dict[str, dict[str, str]] = {pid: {} for pid in ids}
    cursor = db.conn.execute(
        "SELECT t.patron_id, t.performance_id, s.starts_at FROM ladder_tickets t"
        " JOIN ladder_shows s ON s.id = t.performance_id"
        f" WHERE t.patron_id IN ({_marks(ids)})"
        " AND (t.status = 'valid' OR t.admitted_at IS NOT NULL)"
        " GROUP BY t.patron_id, t.performance_id",
        tuple(ids),
    )
    for pid, show, starts in cursor:
        found[pid][show] = starts
    return found


def _families(db: Database, ids: Iterable[str]) -> dict[str, list[str]]:
    """The surviving records of these patrons, each with its family (itself first,
    then the records merged into it). A merged record among ``ids`` stands for its
    survivor."""
    merged = aliases(db)
    heads = dict.fromkeys(merged.get(pid, pid) for pid in ids)
    found: dict[str, list[str]] = {head: [head] for head in heads}
    for absorbed, head in sorted(merged.items()):
        if head in found:
            found[head].append(absorbed)
    return found


def _family_facts(facts: dict[str, list[Fact]], members: Sequence[str]) -> list[Fact]:
    """The facts of one person's records together; a performance both records
    attended is one visit (the first admission)."""
    together: list[Fact] = []
    visits: dict[str, Fact] = {}
    for pid in members:
        for fact in facts[pid]:
            if fact.kind != loyalty.VISIT:
                together.append(fact)
            elif fact.ref not in visits or (fact.at, fact.position) < (
                visits[fact.ref].at,
                visits[fact.ref].position,
            ):
                visits[fact.ref] = fact
    return together + list(visits.values())


def work_out(
    db: Database, ids: Iterable[str], rules: LoyaltyThresholds, now: datetime
) -> dict[str, str | None]:
    """Write the rung and the moves of these patrons from their facts (a merged
    record: none of its own, its survivor's from both records' facts); returns the
    ``lapses_at`` written for each of them (None: no lapse to come, or no rung)."""
    ids = list(dict.fromkeys(ids))
    merged = aliases(db)
    lapses: dict[str, str | None] = dict.fromkeys(ids)
    gone = [pid for pid in ids if pid in merged]
    for start in range(0, len(gone), CHUNK):
        marks = _marks(gone[start : start + CHUNK])
        for table in ("ladder_rungs", "ladder_moves"):
            db.conn.execute(
                f"DELETE FROM {table} WHERE patron_id IN ({marks})", gone[start : start + CHUNK]
            )
    heads = list(dict.fromkeys(merged.get(pid, pid) for pid in ids))
    for start in range(0, len(heads), CHUNK):
        chunk = heads[start : start + CHUNK]
        families = _families(db, chunk) if merged else {pid: [pid] for pid in chunk}
        everyone = [pid for members in families.values() for pid in members]
        facts, shows = _facts_of(db, everyone), _shows_of(db, everyone)
        rungs, moves = [], []
        for pid in chunk:
            members = families[pid]
            held = _family_facts(facts, members) if len(members) > 1 else facts[pid]
            judged = loyalty.assess(held, now, rules, explain=False)
            p = judged.placement
            starts = sorted({k: v for m in members for k, v in shows[m].items()}.values())
            last = max((f.at for f in held), default=None)
            rungs.append(
                (
                    pid,
                    p.rung,
                    p.kind,
                    _text(p.since),
                    p.was,
                    _text(p.lapses_at),
                    _text(last),
                    starts[0] if starts else None,
                    starts[1] if len(starts) > 1 else None,
                )
            )
            moves += [(pid, iso(m.at), m.from_rung, m.to_rung, m.kind) for m in judged.moves]
        marks = _marks(chunk)
        db.conn.execute(f"DELETE FROM ladder_moves WHERE patron_id IN ({marks})", chunk)
        db.conn.executemany("INSERT OR REPLACE INTO ladder_rungs VALUES (?,?,?,?,?,?,?,?,?)", rungs)
        db.conn.executemany("INSERT OR REPLACE INTO ladder_moves VALUES (?,?,?,?,?)", moves)
        for row in rungs:
            lapses[row[0]] = row[5]
    # a merged record stands for its survivor, whose lapse it shares
    return {pid: lapses[merged.get(pid, pid)] for pid in ids}


def _everyone(db: Database) -> list[str]:
    return [
        r[0]
        for r in db.conn.execute(
            "SELECT patron_id FROM ladder_rungs UNION SELECT patron_id FROM ladder_facts"
            " UNION SELECT patron_id FROM ladder_tickets ORDER BY 1"
        )
    ]


def recompute(
    db: Database,
    rules: LoyaltyThresholds,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """Work the whole ladder out again for these thresholds (a rule changed); in one
    transaction, so a cancelled recompute (``RecomputeCancelled``) changes nothing.
    Returns how many patrons were worked out."""
    now = now or _now()
    with db.atomic():
        ids = _everyone(db)
        _store_thresholds(db, rules)
        for start in range(0, len(ids), CHUNK * 4):
            if cancelled is not None and cancelled():
                raise RecomputeCancelled()
            work_out(db, ids[start : start + CHUNK * 4], rules, now)
            if progress is not None:
                progress(min(start + CHUNK * 4, len(ids)), len(ids))
        db.conn.execute("DELETE FROM ladder_dirty")
    return len(ids)


# -- queries for the views and the command line (read only) -----------------------------
def _rows(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def _at(value: date | datetime | None, end: bool = False, zone: tzinfo | None = None) -> str:
    """A moment as stored text; a calendar day means its midnight at the organization
    (``zone``; the next day's for the end of a period, which is exclusive)."""
    if value is None:
        return iso(_now())
    if not isinstance(value, datetime):
        return iso(organization_time.day_start(value + timedelta(days=1) if end else value, zone))
    if value.tzinfo is None:
        value = value.astimezone()  # a moment without a zone is this computer's clock
    return iso(value)


def rung_counts(db: Database, now: datetime | None = None) -> dict[str, int]:
    """Patrons per rung now: ``{"prospect": n, "tryer": n, "buyer": n, "advocate": n,
    "lapsed": n}``."""
    counts = dict.fromkeys(loyalty.RUNGS, 0)
    for where, n in db.conn.execute(
        f"SELECT {_EFFECTIVE} AS rung, count(*) FROM ladder_rungs r GROUP BY 1",
        {"now": _at(now)},
    ):
        counts[where] = counts.get(where, 0) + n
    return counts


_PATRON = (
    "r.patron_id, coalesce(p.name, '') AS name, coalesce(p.email, '') AS email,"
    f" {_EFFECTIVE} AS rung,"
    " CASE WHEN r.rung NOT IN ('prospect', 'lapsed') AND r.lapses_at <= :now"
    " THEN '' ELSE r.kind END AS kind,"
    " CASE WHEN r.rung NOT IN ('prospect', 'lapsed') AND r.lapses_at <= :now"
    " THEN r.lapses_at ELSE r.since END AS since, r.last_activity"
)


def patrons_on_rung(db: Database, rung: str, now: datetime | None = None) -> list[dict[str, Any]]:
    """The patrons on a rung now: patron_id, name, email, rung, kind, since, last_activity."""
    return _rows(
        db.conn.execute(
            f"SELECT {_PATRON} FROM ladder_rungs r LEFT JOIN patrons p ON p.id = r.patron_id"
            f" WHERE {_EFFECTIVE} = :rung ORDER BY p.sort_key, r.patron_id",
            {"now": _at(now), "rung": rung},
        )
    )


def move_kind(from_rung: str, to_rung: str) -> str:
    """UP (a step up the ladder), LAPSED_MOVE or BACK (returned after lapsing)."""
    if to_rung == loyalty.LAPSED:
        return LAPSED_MOVE
    if from_rung == loyalty.LAPSED:
        return BACK
    return UP


def loyalty_movements(
    db: Database,
    start: date | datetime,
    end: date | datetime,
    now: datetime | None = None,
    zone: tzinfo | None = None,
) -> list[dict[str, Any]]:
    """Every change of rung from ``start`` (inclusive) to ``end`` (exclusive; a calendar
    day includes that day, from midnight to midnight in the organization's ``zone``),
    oldest first: patron_id, name, email, from_rung, to_rung, kind,
    moved_at, movement (UP, LAPSED_MOVE or BACK). Patrons whose lapse date has passed
    since the ladder was last worked out are included, dated the day they lapsed."""
    params = {"start": _at(start, zone=zone), "end": _at(end, True, zone), "now": _at(now)}
    rows = _rows(
        db.conn.execute(
            "SELECT m.patron_id, coalesce(p.name, '') AS name, coalesce(p.email, '') AS email,"
            " m.from_rung, m.to_rung, m.kind, m.moved_at"
            " FROM ladder_moves m LEFT JOIN patrons p ON p.id = m.patron_id"
            " WHERE m.moved_at >= :start AND m.moved_at < :end AND m.moved_at <= :now"
            " UNION ALL"
            " SELECT r.patron_id, coalesce(p.name, ''), coalesce(p.email, ''),"
            " r.rung, 'lapsed', '', r.lapses_at"
            " FROM ladder_rungs r LEFT JOIN patrons p ON p.id = r.patron_id"
            " WHERE r.rung NOT IN ('prospect', 'lapsed') AND r.lapses_at <= :now"
            " AND r.lapses_at >= :start AND r.lapses_at < :end"
            " ORDER BY 7, 2, 1",
            params,
        )
    )
    for row in rows:
        row["movement"] = move_kind(row["from_rung"], row["to_rung"])
    return rows


def movement_counts(
    db: Database,
    start: date | datetime,
    end: date | datetime,
    now: datetime | None = None,
    zone: tzinfo | None = None,
) -> dict[str, int]:
    """``{"up": n, "lapsed": n, "back": n}``: patrons (not moves) who moved up, lapsed, or
    came back after lapsing in the period (someone can count in more than one)."""
    seen: dict[str, set[str]] = {UP: set(), LAPSED_MOVE: set(), BACK: set()}
    for row in loyalty_movements(db, start, end, now, zone):
        seen[row["movement"]].add(row["patron_id"])
    return {key: len(ids) for key, ids in seen.items()}


def second_visits(
    db: Database, start: date | datetime, end: date | datetime, zone: tzinfo | None = None
) -> dict[str, Any]:
    """The second-visit rate of tryers whose first performance was in the period.

    ``first_timers``: patrons whose first performance (the earliest one they held a
    ticket for or attended, by its date) took place in the period; ``returned``: those
    of them with a second, different performance since (booked or attended, even if
    still to come); ``returned_in_period``: those whose second performance was also in
    the period. ``rate`` and ``rate_in_period`` are shares of ``first_timers`` (0 when
    there are none).
    """
    params = {"start": _at(start, zone=zone), "end": _at(end, True, zone)}
    first, returned, within = db.conn.execute(
        "SELECT count(*), count(second_show), coalesce(sum(second_show < :end), 0)"
        " FROM ladder_rungs WHERE first_show >= :start AND first_show < :end",
        params,
    ).fetchone()
    return {
        "first_timers": first,
        "returned": returned,
        "returned_in_period": within,
        "rate": returned / first if first else 0.0,
        "rate_in_period": within / first if first else 0.0,
    }


def first_timers(
    db: Database,
    start: date | datetime,
    end: date | datetime,
    returned: bool | None = None,
    in_period: bool = False,
    zone: tzinfo | None = None,
) -> list[dict[str, Any]]:
    """The patrons behind ``second_visits``: patron_id, name, email, rung and kind now,
    since, last_activity, first_show, second_show; ``returned`` True/False keeps those
    who came back or not (within the period with ``in_period``)."""
    where = "r.first_show >= :start AND r.first_show < :end"
    if returned is not None:
        came = "r.second_show < :end" if in_period else "r.second_show IS NOT NULL"
        where += f" AND {'' if returned else 'NOT '}coalesce({came}, 0)"
    return _rows(
        db.conn.execute(
            f"SELECT {_PATRON}, r.first_show, r.second_show FROM ladder_rungs r"
            f" LEFT JOIN patrons p ON p.id = r.patron_id WHERE {where}"
            " ORDER BY p.sort_key, r.patron_id",
            {"start": _at(start, zone=zone), "end": _at(end, True, zone), "now": _at(None)},
        )
    )


def patron_rung(db: Database, patron_id: str, now: datetime | None = None) -> str | None:
    """One patron's rung now (lapsed once their lapse date has passed, like the other
    queries), by one primary-key lookup; None when the ladder has no row for them.
    The door's greeting uses it, so the door and the patron page agree."""
    row = db.conn.execute(
        f"SELECT {_EFFECTIVE} FROM ladder_rungs r WHERE r.patron_id = :patron",
        {"now": _at(now), "patron": patron_id},
    ).fetchone()
    return row[0] if row else None


def patron_facts(db: Database, patron_id: str) -> list[Fact]:
    """Everything the ladder counts for one patron (and the records merged into it),
    with the events it came from."""
    members = next(iter(_families(db, [patron_id]).values()))
    return _family_facts(_facts_of(db, members), members)


def patron_ladder(db: Database, patron_id: str, now: datetime | None = None) -> Assessment:
    """Where one patron stands now, why, and their moves (the rules in force)."""
    return loyalty.assess(patron_facts(db, patron_id), now or _now(), thresholds(db))
