"""Read model: the thank-you queue, and how promptly people were thanked.

After each performance everyone admitted at the door (by the patron on the
ticket; an anonymous ticket has nobody to thank) waits for a thank-you, once
per performance however many tickets they brought; so does every donation not
yet acknowledged. A row leaves the waiting list when the patron is thanked
(``Patron.Thanked``) or the donation acknowledged (``Donation.Acknowledged``).

A row is *due* from the first admission (attendees) or from the gift
(donors); ``due_by`` is seven days later. The share thanked within seven days
counts only rows whose week is over, so a performance last night does not
lower it. Names and emails are kept here (own tables, fed by patron events) for
the mail-merge file; the projection reads no other projection's tables, so it
can be rebuilt on its own. Moments are ISO UTC text.

Merged patrons (``domain/merging.py``): rows stay filed under the record the
event named, and the projection keeps its own list of merges (``ty_aliases``,
fed by ``Patron.MergedInto``/``Unmerged``, so a rebuild of this projection alone
sees each merge when it happened). The queries show a merged record's rows under
the surviving record, one row per person per performance (tickets added up, due
from the first admission, thanked when either record was thanked); a thank-you
recorded while merged marks the rows of every record of that person for that
performance. Promptness counts the stored rows, so a merge does not change it,
and an unmerge shows both records' rows again exactly as they were.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlite_utils import Database

from domain.thank_yous import ATTENDANCE, PROMPT_DAYS
from projections.base import Event, PendingRows, Projection, iso, run_script

ATTENDEE, DONOR = "attendee", "donor"
KINDS = (ATTENDEE, DONOR)


def attendance_key(performance_id: str, patron_id: str) -> str:
    # also spelled in SQL in ThankYous._admitted
    return f"attendance:{performance_id}:{patron_id}"


def donation_key(donation_id: str) -> str:
    return f"donation:{donation_id}"


class ThankYouQueue(Projection):
    name = "thank_yous"
    version = 2
    side_process = True
    tables = (
        "ty_productions",
        "ty_performances",
        "ty_patrons",
        "ty_tickets",
        "ty_queue",
        "ty_aliases",
    )

    def __init__(self) -> None:
        super().__init__()
        #: tickets issued in the batch being applied (read back by id only)
        self._tickets = PendingRows("INSERT OR REPLACE INTO ty_tickets VALUES (?, ?)")
        #: patrons registered in the batch being applied (read back by id only)
        self._patrons = PendingRows("INSERT OR REPLACE INTO ty_patrons VALUES (?, ?, ?, ?)")
        on = self.on
        on("Production.Created")(self._production_created)
        on("Production.Renamed")(self._production_renamed)
        on("Performance.Scheduled")(self._scheduled)
        on("Performance.Rescheduled")(self._rescheduled)
        on("Patron.Registered")(self._registered)
        on("Patron.ContactChanged")(self._contact_changed)
        on("Ticket.Issued")(self._ticket_issued)
        on("Ticket.Admitted")(self._admitted)
        on("Ticket.AdmissionUndone")(self._admission_undone)
        on("Donation.Received")(self._donation_received)
        on("Donation.Acknowledged")(self._donation_acknowledged)
        on("Patron.Thanked")(self._thanked)
        on("Patron.MergedInto")(self._merged)
        on("Patron.Unmerged")(self._unmerged)

    def create(self, db: Database) -> None:
        run_script(
            db,
            """
            CREATE TABLE IF NOT EXISTS ty_productions (id TEXT PRIMARY KEY, title TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS ty_performances (
                id TEXT PRIMARY KEY, production_id TEXT NOT NULL, title TEXT NOT NULL,
                own_title INTEGER NOT NULL, starts_at TEXT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS ty_performances_production
                ON ty_performances (production_id);
            CREATE TABLE IF NOT EXISTS ty_patrons (
                id TEXT PRIMARY KEY, first_name TEXT NOT NULL DEFAULT '',
                last_name TEXT NOT NULL DEFAULT '', email TEXT NOT NULL DEFAULT ''
            );
            CREATE TABLE IF NOT EXISTS ty_tickets (id TEXT PRIMARY KEY, patron_id TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS ty_queue (
                key TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                patron_id TEXT NOT NULL,
                reference_id TEXT NOT NULL,
                due_at TEXT NOT NULL,
                due_by TEXT NOT NULL,
                tickets INTEGER NOT NULL DEFAULT 0,
                amount_cents INTEGER,
                fund TEXT,
                thanked_at TEXT,
                thanked_how TEXT,
                thanked_by TEXT
            );
            CREATE INDEX IF NOT EXISTS ty_queue_waiting ON ty_queue (kind, thanked_at, due_at);
            CREATE INDEX IF NOT EXISTS ty_queue_due ON ty_queue (thanked_at, due_at);
            CREATE INDEX IF NOT EXISTS ty_queue_reference ON ty_queue (reference_id);
            CREATE INDEX IF NOT EXISTS ty_queue_patron ON ty_queue (patron_id, kind);
            CREATE TABLE IF NOT EXISTS ty_aliases (
                absorbed_id TEXT PRIMARY KEY, survivor_id TEXT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS ty_aliases_survivor ON ty_aliases (survivor_id);
            """,
        )

    # -- performances (titles and dates for the queue) -------------------------
    def _production_created(self, db: Database, e: Event, position: int) -> None:
        db.conn.execute(
            "INSERT OR REPLACE INTO ty_productions VALUES (?, ?)", (str(e.originator_id), e.title)
        )

    def _production_renamed(self, db: Database, e: Event, position: int) -> None:
        db.conn.execute(
            "UPDATE ty_productions SET title = ? WHERE id = ?", (e.title, str(e.originator_id))
        )
        db.conn.execute(
            "UPDATE ty_performances SET title = ? WHERE production_id = ? AND own_title = 0",
            (e.title, str(e.originator_id)),
        )

    def _scheduled(self, db: Database, e: Event, position: int) -> None:
        row = db.conn.execute(
            "SELECT title FROM ty_productions WHERE id = ?", (e.production_id,)
        ).fetchone()
        own = int(row is None or row[0] != e.title)
        db.conn.execute(
            "INSERT OR REPLACE INTO ty_performances VALUES (?, ?, ?, ?, ?)",
            (str(e.originator_id), e.production_id, e.title, own, iso(e.starts_at)),
        )

    def _rescheduled(self, db: Database, e: Event, position: int) -> None:
        db.conn.execute(
            "UPDATE ty_performances SET starts_at = ? WHERE id = ?",
            (iso(e.starts_at), str(e.originator_id)),
        )

    # -- patrons: who to address -----------------------------------------------
    def _registered(self, db: Database, e: Event, position: int) -> None:
        patron_id = str(e.originator_id)
        self._patrons.add(
            db, patron_id, (patron_id, e.first_name or "", e.last_name or "", e.email or "")
        )

    def _contact_changed(self, db: Database, e: Event, position: int) -> None:
        self._patrons.need(db, str(e.originator_id))
        for field in ("first_name", "last_name", "email"):
            if field in e.changes:
                db.conn.execute(
                    f"UPDATE ty_patrons SET {field} = ? WHERE id = ?",
                    (e.changes[field] or "", str(e.originator_id)),
                )

    # -- attendees ---------------------------------------------------------------
    def _ticket_issued(self, db: Database, e: Event, position: int) -> None:
        if e.patron_id:
            ticket = str(e.originator_id)
            self._tickets.add(db, ticket, (ticket, str(e.patron_id)))

    def batch_done(self, db: Database, final: bool) -> None:
        self._tickets.flush(db)
        self._patrons.flush(db)

    def _ticket_patron(self, db: Database, e: Event) -> str | None:
        self._tickets.need(db, str(e.originator_id))
        row = db.conn.execute(
            "SELECT patron_id FROM ty_tickets WHERE id = ?", (str(e.originator_id),)
        ).fetchone()
        return row[0] if row else None

    def _admitted(self, db: Database, e: Event, position: int) -> None:
        # one statement: the ticket's holder read and the queue row written together
        # (an anonymous ticket has no ty_tickets row: nobody to thank, no row written);
        # the key is attendance_key(performance, patron) spelled in SQL
        due = e.occurred_at
        performance = str(e.performance_id)
        self._tickets.need(db, str(e.originator_id))
        db.conn.execute(
            "INSERT INTO ty_queue (key, kind, patron_id, reference_id, due_at, due_by, tickets)"
            " SELECT 'attendance:' || ? || ':' || patron_id, ?, patron_id, ?, ?, ?, 1"
            " FROM ty_tickets WHERE id = ? ON CONFLICT (key) DO UPDATE SET"
            " tickets = tickets + 1, due_at = min(due_at, excluded.due_at),"
            " due_by = min(due_by, excluded.due_by)",
            (
                performance,
                ATTENDEE,
                performance,
                iso(due),
                iso(due + timedelta(days=PROMPT_DAYS)),
                str(e.originator_id),
            ),
        )

    def _admission_undone(self, db: Database, e: Event, position: int) -> None:
        patron_id = self._ticket_patron(db, e)
        if patron_id is None:
            return
        key = attendance_key(e.performance_id, patron_id)
        db.conn.execute("UPDATE ty_queue SET tickets = tickets - 1 WHERE key = ?", (key,))
        # nobody of that patron came after all: nothing to thank them for (unless done)
        db.conn.execute(
            "DELETE FROM ty_queue WHERE key = ? AND tickets <= 0 AND thanked_at IS NULL", (key,)
        )

    # -- donors ------------------------------------------------------------------
    def _donation_received(self, db: Database, e: Event, position: int) -> None:
        due = e.occurred_at
        db.conn.execute(
            "INSERT OR REPLACE INTO ty_queue (key, kind, patron_id, reference_id, due_at, due_by,"
            " amount_cents, fund) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                donation_key(str(e.originator_id)),
                DONOR,
                str(e.patron_id),
                str(e.originator_id),
                iso(due),
                iso(due + timedelta(days=PROMPT_DAYS)),
                e.amount_cents,
                e.fund,
            ),
        )

    def _mark(self, db: Database, key: str, e: Event, how: str) -> None:
        db.conn.execute(
            "UPDATE ty_queue SET thanked_at = ?, thanked_how = ?, thanked_by = ?"
            " WHERE key = ? AND thanked_at IS NULL",
            (iso(e.occurred_at), how, e.recorded_by, key),
        )

    def _donation_acknowledged(self, db: Database, e: Event, position: int) -> None:
        self._mark(db, donation_key(str(e.originator_id)), e, e.how)

    def _thanked(self, db: Database, e: Event, position: int) -> None:
        if e.reason != ATTENDANCE:
            self._mark(db, donation_key(e.reference_id), e, e.channel)
            return
        # the person is thanked, whichever of their merged records came that night
        for patron_id in self._family(db, str(e.originator_id)):
            self._mark(db, attendance_key(e.reference_id, patron_id), e, e.channel)

    # -- merged records ----------------------------------------------------------
    def _merged(self, db: Database, e: Event, position: int) -> None:
        db.conn.execute(
            "INSERT OR REPLACE INTO ty_aliases VALUES (?, ?)", (str(e.originator_id), e.survivor_id)
        )

    def _unmerged(self, db: Database, e: Event, position: int) -> None:
        db.conn.execute("DELETE FROM ty_aliases WHERE absorbed_id = ?", (str(e.originator_id),))

    @staticmethod
    def _family(db: Database, patron_id: str) -> list[str]:
        row = db.conn.execute(
            "SELECT survivor_id FROM ty_aliases WHERE absorbed_id = ?", (patron_id,)
        ).fetchone()
        head = row[0] if row else patron_id
        return [
            head,
            *(
                r[0]
                for r in db.conn.execute(
                    "SELECT absorbed_id FROM ty_aliases WHERE survivor_id = ?", (head,)
                )
            ),
        ]


# -- queries for the thank-you screen, the reports and the command line ------------------
def _dicts(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


_IN_FAMILY = (
    "{col} IN (SELECT absorbed_id FROM ty_aliases UNION ALL SELECT survivor_id FROM ty_aliases)"
)
#: The rows of merged records and their survivors as people see them: one per person
#: (and performance), named by the survivor: tickets added up, due from the first,
#: the earliest thank-you. The rows of everyone else are read as stored.
_FAMILY_ROWS = f"""(
SELECT person_key AS key, kind, person AS patron_id, reference_id, first_due AS due_at,
       first_due_by AS due_by, all_tickets AS tickets, amount_cents, fund, thanked_at,
       thanked_how, thanked_by
FROM (
    SELECT m.*,
           row_number() OVER (PARTITION BY person_key ORDER BY thanked_at IS NULL, thanked_at,
                              patron_id != person, key) AS nth,
           sum(tickets) OVER (PARTITION BY person_key) AS all_tickets,
           min(due_at) OVER (PARTITION BY person_key) AS first_due,
           min(due_by) OVER (PARTITION BY person_key) AS first_due_by
    FROM (
        SELECT t.*, coalesce(a.survivor_id, t.patron_id) AS person,
               CASE WHEN t.kind = 'attendee'
                    THEN 'attendance:' || t.reference_id || ':'
                         || coalesce(a.survivor_id, t.patron_id)
                    ELSE t.key END AS person_key
        FROM ty_queue t LEFT JOIN ty_aliases a ON a.absorbed_id = t.patron_id
        WHERE {_IN_FAMILY.format(col="t.patron_id")}
    ) m
) WHERE nth = 1
)"""


def _anyone_merged(db: Database) -> bool:
    return db.conn.execute("SELECT 1 FROM ty_aliases LIMIT 1").fetchone() is not None


def _split(clause: str) -> tuple[str, str]:
    """The filter ``clause`` for the rows read as stored (those of no merged family),
    and for the families' rows."""
    alone = f"NOT {_IN_FAMILY.format(col='q.patron_id')}"
    return (f"{clause} AND {alone}" if clause else f" WHERE {alone}"), clause


_QUEUE_INNER = """
SELECT q.key, q.kind, q.patron_id, p.first_name, p.last_name, p.email, q.reference_id,
       f.title, f.starts_at, q.amount_cents, q.fund, q.tickets, q.due_at, q.due_by,
       q.thanked_at, q.thanked_how, q.thanked_by
FROM {rows} q
LEFT JOIN ty_patrons p ON p.id = q.patron_id
LEFT JOIN ty_performances f ON q.kind = 'attendee' AND f.id = q.reference_id
"""
_ORDER = " ORDER BY {t}due_at DESC, {t}last_name, {t}first_name, {t}key"
# The visit number is worked out for the rows of the page only, not for every row sorted.
_VISIT = """
SELECT r.*, CASE WHEN r.kind = 'attendee' THEN (
    SELECT count(DISTINCT v.reference_id) FROM ty_queue v
    JOIN ty_performances vf ON vf.id = v.reference_id
    WHERE v.patron_id IN (SELECT r.patron_id UNION ALL
                          SELECT absorbed_id FROM ty_aliases WHERE survivor_id = r.patron_id)
    AND v.kind = 'attendee' AND vf.starts_at <= r.starts_at
) END AS visit_number
FROM ({inner}) r
"""


def _filters(
    performance_id: str | None, kind: str | None, thanked: bool | None
) -> tuple[str, list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if performance_id is not None:
        where.append("q.kind = 'attendee' AND q.reference_id = ?")
        params.append(performance_id)
    if kind is not None:
        where.append("q.kind = ?")
        params.append(kind)
    if thanked is not None:
        where.append("q.thanked_at IS NOT NULL" if thanked else "q.thanked_at IS NULL")
    return (f" WHERE {' AND '.join(where)}" if where else ""), params


def queue(
    db: Database,
    performance_id: str | None = None,
    kind: str | None = None,
    thanked: bool | None = False,
    limit: int | None = None,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Queue rows, most recently due first (by name within one due moment).

    ``thanked``: False for those still waiting (the default), True for those
    thanked, None for both. ``kind`` is ``"attendee"``, ``"donor"`` or None.
    Each row: key, kind, patron_id, first_name, last_name, email, reference_id
    (performance or donation), title and starts_at (attendees), amount_cents and
    fund (donors), tickets, due_at, due_by, thanked_at, thanked_how, thanked_by,
    visit_number (which visit this performance was for the patron; attendees).
    """
    clause, params = _filters(performance_id, kind, thanked)
    if not _anyone_merged(db):
        inner = _QUEUE_INNER.format(rows="ty_queue") + clause + _ORDER.format(t="")
        if limit is not None:
            inner += " LIMIT ? OFFSET ?"
            params += [limit, offset]
    else:  # each part sorted and cut on its own (fast), then the two merged
        alone, families = _split(clause)
        cut = " LIMIT ?" if limit is not None else ""
        parts = [
            _QUEUE_INNER.format(rows="ty_queue") + alone + _ORDER.format(t="") + cut,
            _QUEUE_INNER.format(rows=_FAMILY_ROWS) + families + _ORDER.format(t="") + cut,
        ]
        inner = f"SELECT * FROM ({parts[0]}) UNION ALL SELECT * FROM ({parts[1]})"
        inner += _ORDER.format(t="")
        one = [*params, offset + limit] if limit is not None else list(params)
        params = one + one
        if limit is not None:
            inner += " LIMIT ? OFFSET ?"
            params += [limit, offset]
    sql = _VISIT.format(inner=inner) + _ORDER.format(t="r.")
    return _dicts(db.conn.execute(sql, params))


def count(
    db: Database,
    performance_id: str | None = None,
    kind: str | None = None,
    thanked: bool | None = False,
) -> int:
    """How many rows ``queue`` gives for these filters."""
    clause, params = _filters(performance_id, kind, thanked)
    if not _anyone_merged(db):
        return int(
            db.conn.execute(f"SELECT count(*) FROM ty_queue q{clause}", params).fetchone()[0]
        )
    # every stored row, less the families' stored rows, plus the families' people (the
    # first count uses the indexes, the others read the few rows of merged families)
    family = _IN_FAMILY.format(col="q.patron_id")
    theirs = f"{clause} AND {family}" if clause else f" WHERE {family}"
    counted: int = db.conn.execute(
        f"SELECT (SELECT count(*) FROM ty_queue q{clause})"
        f" - (SELECT count(*) FROM ty_queue q{theirs})"
        f" + (SELECT count(*) FROM {_FAMILY_ROWS} q{clause})",
        params * 3,
    ).fetchone()[0]
    return counted


def performances(db: Database) -> list[dict[str, Any]]:
    """Performances with attendees to thank, latest first: id, title, starts_at,
    attendees, waiting."""
    per_show = (
        "SELECT reference_id, {sign}count(*) AS attendees,"
        " {sign}(count(*) - count(thanked_at)) AS waiting FROM {rows} q"
        " WHERE kind = 'attendee'{more} GROUP BY reference_id"
    )
    shows = per_show.format(sign="", rows="ty_queue", more="")
    if _anyone_merged(db):  # a person with two records counts once
        family = " AND " + _IN_FAMILY.format(col="q.patron_id")
        shows = (
            "SELECT reference_id, sum(attendees) AS attendees, sum(waiting) AS waiting FROM ("
            f"{shows} UNION ALL {per_show.format(sign='-', rows='ty_queue', more=family)}"
            f" UNION ALL {per_show.format(sign='', rows=_FAMILY_ROWS, more='')}"
            ") GROUP BY reference_id"
        )
    return _dicts(
        db.conn.execute(
            f"SELECT f.id, f.title, f.starts_at, a.attendees, a.waiting FROM ({shows})"
            " a JOIN ty_performances f ON f.id = a.reference_id ORDER BY f.starts_at DESC, f.id"
        )
    )


def promptness(db: Database, now: datetime | None = None) -> dict[str, Any]:
    """Queue counts and the share thanked within seven days, for attendees and donors.

    ``{"attendees": {...}, "donors": {...}}``, each with ``waiting`` (not thanked
    yet), ``thanked``, ``week_over`` (due at least seven days ago: the rows the share
    is taken over), ``thanked_within_7_days`` (of those) and ``share_within_7_days``
    (0..1, or None when no row's week is over yet).
    """
    now_text = iso(now or datetime.now(tz=UTC))
    found = {
        kind: (waiting, thanked, over, prompt)
        for kind, waiting, thanked, over, prompt in db.conn.execute(
            "SELECT kind, count(*) - count(thanked_at), count(thanked_at),"
            " coalesce(sum(due_by <= ?), 0),"
            " coalesce(sum(due_by <= ? AND thanked_at IS NOT NULL AND thanked_at <= due_by), 0)"
            " FROM ty_queue GROUP BY kind",
            (now_text, now_text),
        )
    }
    result = {}
    for kind, label in ((ATTENDEE, "attendees"), (DONOR, "donors")):
        waiting, thanked, over, prompt = found.get(kind, (0, 0, 0, 0))
        result[label] = {
            "waiting": waiting,
            "thanked": thanked,
            "week_over": over,
            "thanked_within_7_days": prompt,
            "share_within_7_days": round(prompt / over, 4) if over else None,
        }
    return result
