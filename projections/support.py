"""Read model: the patron support desk -- inquiries, reply times, the duty rota.

One row per inquiry (``support_inquiries``): every imported chat and every
incoming call, when it started (UTC), and for a chat whether the visitor was
answered and how fast (``domain/support.py`` reads the transcript once, here);
for a call its reason; and the quick answers used on it (a call's notes or a chat
note holding a quick answer's text). ``rota_slots`` mirrors the duty rota, so the
status bar, the rota grid and the report read it without the event store.

The figures themselves (heatmap, median, percentile, uncovered hours) are computed
by ``domain/support.py`` through the service, which checks who may see them.
"""

from __future__ import annotations

import json
from datetime import date, timedelta, tzinfo
from typing import Any

from sqlite_utils import Database

from domain import organization_time
from domain.personal_data import ERASED
from domain.support import first_reply, quick_answers_used
from projections.base import Event, Projection, iso, run_script


class SupportDesk(Projection):
    name = "support"
    version = 1
    tables = ("support_inquiries", "support_answers", "rota_slots")

    def __init__(self) -> None:
        super().__init__()
        self.on("Chat.Imported")(self._chat_imported)
        self.on("Chat.NoteAdded")(self._chat_noted)
        self.on("Call.Logged")(self._call_logged)
        self.on("QuickAnswer.Added", "QuickAnswer.Edited")(self._answer_written)
        self.on("QuickAnswer.Removed")(self._answer_removed)
        self.on("Rota.SlotAdded")(self._slot_added)
        self.on("Rota.SlotRemoved")(self._slot_removed)

    def create(self, db: Database) -> None:
        run_script(
            db,
            """
            CREATE TABLE IF NOT EXISTS support_inquiries (
                id TEXT PRIMARY KEY, kind TEXT NOT NULL, started_at TEXT NOT NULL,
                question INTEGER NOT NULL, replied INTEGER NOT NULL, seconds REAL,
                timed INTEGER NOT NULL, reason TEXT NOT NULL, answers TEXT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS support_inquiries_start
                ON support_inquiries (started_at);
            CREATE TABLE IF NOT EXISTS support_answers (
                id TEXT PRIMARY KEY, title TEXT NOT NULL, text TEXT NOT NULL,
                removed INTEGER NOT NULL DEFAULT 0
            );
            CREATE TABLE IF NOT EXISTS rota_slots (
                id TEXT PRIMARY KEY, weekday INTEGER NOT NULL, starts TEXT NOT NULL,
                ends TEXT NOT NULL, duty TEXT NOT NULL, name TEXT NOT NULL,
                staff_id TEXT NOT NULL
            );
            """,
        )

    # -- inquiries -------------------------------------------------------------------
    def _answers(self, db: Database) -> list[tuple[str, str]]:
        return db.conn.execute(
            "SELECT title, text FROM support_answers WHERE removed = 0 ORDER BY title"
        ).fetchall()

    def _chat_imported(self, db: Database, e: Event, position: int) -> None:
        reply = first_reply(list(e.messages))
        said = "\n".join(m.get("text") or "" for m in e.messages if m.get("sender") == "agent")
        used = quick_answers_used(said, self._answers(db))
        db.conn.execute(
            "INSERT OR IGNORE INTO support_inquiries VALUES (?,?,?,?,?,?,?,?,?)",
            (
                str(e.originator_id),
                "chat",
                iso(e.occurred_at),
                int(reply["question"]),
                int(reply["replied"]),
                reply["seconds"],
                int(reply["timed"]),
                "",
                json.dumps(used),
            ),
        )

    def _chat_noted(self, db: Database, e: Event, position: int) -> None:
        self._add_answers(db, str(e.originator_id), quick_answers_used(e.text, self._answers(db)))

    def _add_answers(self, db: Database, inquiry_id: str, titles: list[str]) -> None:
        if not titles:
            return
        row = db.conn.execute(
            "SELECT answers FROM support_inquiries WHERE id = ?", (inquiry_id,)
        ).fetchone()
        if row is None:
            return
        known = json.loads(row[0])
        known += [t for t in titles if t not in known]
        db.conn.execute(
            "UPDATE support_inquiries SET answers = ? WHERE id = ?", (json.dumps(known), inquiry_id)
        )

    def _call_logged(self, db: Database, e: Event, position: int) -> None:
        if e.direction != "incoming":
            return
        used = quick_answers_used(e.notes, self._answers(db))
        reason = "" if e.reason == ERASED else e.reason  # the call still counts, not its words
        db.conn.execute(
            "INSERT OR IGNORE INTO support_inquiries VALUES (?,?,?,?,?,?,?,?,?)",
            (
                str(e.originator_id),
                "call",
                iso(e.occurred_at),
                1,
                1,
                None,
                1,
                reason,
                json.dumps(used),
            ),
        )

    # -- quick answers (their wording, to recognise them in notes) -----------------------
    def _answer_written(self, db: Database, e: Event, position: int) -> None:
        db.conn.execute(
            "INSERT OR REPLACE INTO support_answers VALUES (?,?,?,0)",
            (str(e.originator_id), e.title, e.text),
        )

    def _answer_removed(self, db: Database, e: Event, position: int) -> None:
        db.conn.execute(
            "UPDATE support_answers SET removed = 1 WHERE id = ?", (str(e.originator_id),)
        )

    # -- the rota --------------------------------------------------------------------------
    def _slot_added(self, db: Database, e: Event, position: int) -> None:
        db.conn.execute(
            "INSERT OR REPLACE INTO rota_slots VALUES (?,?,?,?,?,?,?)",
            (e.slot_id, e.weekday, e.starts, e.ends, e.duty, e.name, e.staff_id),
        )

    def _slot_removed(self, db: Database, e: Event, position: int) -> None:
        db.conn.execute("DELETE FROM rota_slots WHERE id = ?", (e.slot_id,))


# -- queries used by views and the command line -------------------------------------
def _has(db: Database, table: str) -> bool:
    return bool(db.conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (table,)).fetchone())


def _bound(day: date, zone: tzinfo | None = None) -> str:
    """The first moment of a local day, as the stored UTC text."""
    return iso(organization_time.day_start(day, zone))


def inquiries(
    db: Database, start: date | None = None, end: date | None = None, zone: tzinfo | None = None
) -> list[dict[str, Any]]:
    """The inquiries that started on the local days ``start`` to ``end`` (both included;
    None: no limit), oldest first, as ``domain.support.support_figures`` takes them."""
    if not _has(db, "support_inquiries"):
        return []
    where, params = [], []
    if start is not None:
        where.append("started_at >= ?")
        params.append(_bound(start, zone))
    if end is not None:
        where.append("started_at < ?")
        params.append(_bound(end + timedelta(days=1), zone))
    clause = ("WHERE " + " AND ".join(where)) if where else ""
    rows = db.conn.execute(
        "SELECT kind, started_at, question, replied, seconds, timed, reason, answers"
        f" FROM support_inquiries {clause} ORDER BY started_at, id",
        params,
    ).fetchall()
    keys = ("kind", "started_at", "question", "replied", "seconds", "timed", "reason", "answers")
    found = []
    for row in rows:
        item = dict(zip(keys, row, strict=True))
        for flag in ("question", "replied", "timed"):
            item[flag] = bool(item[flag])
        item["answers"] = json.loads(item["answers"])
        found.append(item)
    return found


def rota(db: Database) -> list[dict[str, Any]]:
    """The duty slots, by weekday, start and name."""
    if not _has(db, "rota_slots"):
        return []
    rows = db.conn.execute(
        "SELECT id, weekday, starts, ends, duty, name, staff_id FROM rota_slots"
        " ORDER BY weekday, starts, name COLLATE NOCASE, duty"
    ).fetchall()
    keys = ("id", "weekday", "starts", "ends", "duty", "name", "staff_id")
    return [dict(zip(keys, row, strict=True)) for row in rows]
