"""Read model: calls, chats (searchable), follow-ups and quick answers.

Keeps its own small table of patron names (``conv_patrons``) rather than
reading the patron directory, so it can be rebuilt on its own at any time.
Chat transcripts are indexed with FTS5 for search: the searched ``transcript`` holds
who said what and no times; ``shown_transcript`` (what the chat view shows) has each
message's moment as a ``domain.wording`` mark, written in the organization's way.

Merged patrons: rows stay filed under the patron their event named; the queries
name the surviving record instead (``survivor_sql``: the follow-up list, chat
search, a chat, calls of a patron and the records merged into it), so "open
patron" opens the survivor while the merge stands and the duplicate again after
an unmerge (see ``projections/patron_merges.py``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlite_utils import Database

from domain.wording import moment_mark
from projections.base import Event, PendingRows, Projection, iso, run_script
from projections.patron_merges import in_family, survivor_sql
from projections.patron_words import typed_phrases


def _transcript(
    messages: list[dict[str, Any]], visitor_name: str, when: Callable[[str], str]
) -> str:
    """One line a message: ``when(at)`` (its time, if any), who said it and what."""
    lines = []
    for m in messages:
        at = m.get("at") or ""
        who = m.get("name") or {
            "visitor": visitor_name or "Visitor",
            "agent": "Staff",
            "system": "System",
        }.get(m["sender"], m["sender"])
        if m["sender"] == "agent" and m.get("name"):
            who = f"{m['name']} (staff)"
        lines.append(f"{when(at) if at else ''}{who}: {m['text']}")
    return "\n".join(lines)


def transcript_text(messages: list[dict[str, Any]], visitor_name: str = "") -> str:
    """The whole chat as searched, one message per line: 'Ada Lovelace: Hello!'.

    No times: the full-text index holds what was said and who said it. A time written
    here would be one computer's clock, and a ``domain.wording`` mark's ISO digits
    would match every search for a number (``shown_transcript`` has the times)."""
    return _transcript(messages, visitor_name, lambda at: "")


def shown_transcript(messages: list[dict[str, Any]], visitor_name: str = "") -> str:
    """The whole chat as shown, one message per line, each with its moment as a
    ``domain.wording`` mark: '[{moment:2026-09-08T13:01:00+00:00}] Ada Lovelace: Hello!'.
    The views write it with ``desktop.formatting.transcript`` (the organization's
    clock and way: '[14:01] Ada Lovelace: Hello!' in London, '[9:01 AM] …' in New York).
    """
    return _transcript(
        messages, visitor_name, lambda at: f"[{moment_mark(datetime.fromisoformat(at))}] "
    )


def chat_preview(messages: list[dict[str, Any]], width: int = 120) -> str:
    first = next((m["text"] for m in messages if m["sender"] == "visitor" and m["text"]), "")
    first = first or next((m["text"] for m in messages if m["text"]), "")
    line = " ".join(first.split())
    return line if len(line) <= width else line[: width - 1] + "…"


class Conversations(Projection):
    name = "conversations"
    #: 2: follow-ups name who they are assigned to; 4: the searched transcript without
    #: times and ``shown_transcript`` beside it, its times as ``domain.wording`` marks
    #: (3, briefly, put the marks into the searched transcript): an older store, with
    #: this computer's clock ("[14:01]") in its transcripts, is rebuilt when it opens
    version = 4
    tables = ("chats_fts", "chats", "calls", "follow_ups", "quick_answers", "conv_patrons")
    fts_triggers = {"chats_fts": ("chats_ai", "chats_au")}

    def __init__(self) -> None:
        super().__init__()
        #: names written in the batch being applied (read back by id only)
        self._names = PendingRows("INSERT OR REPLACE INTO conv_patrons VALUES (?, ?, ?, ?)")
        self.on("Patron.Registered")(self._patron_registered)
        self.on("Patron.ContactChanged")(self._patron_changed)
        self.on("Call.Logged")(self._call_logged)
        self.on("FollowUp.Scheduled")(self._follow_up_scheduled)
        self.on("FollowUp.Done")(self._follow_up_done)
        self.on("FollowUp.Undone")(self._follow_up_undone)
        self.on("FollowUp.Assigned")(self._follow_up_assigned)
        self.on("Chat.Imported")(self._chat_imported)
        self.on("Chat.Linked")(self._chat_linked)
        self.on("Chat.NoteAdded")(self._chat_noted)
        self.on("QuickAnswer.Added")(self._answer_added)
        self.on("QuickAnswer.Edited")(self._answer_edited)
        self.on("QuickAnswer.Removed")(self._answer_removed)

    def create(self, db: Database) -> None:
        run_script(
            db,
            """
            CREATE TABLE IF NOT EXISTS conv_patrons (
                id TEXT PRIMARY KEY, first_name TEXT NOT NULL, last_name TEXT NOT NULL,
                name TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS calls (
                id TEXT PRIMARY KEY, patron_id TEXT NOT NULL, occurred_at TEXT NOT NULL,
                direction TEXT NOT NULL, reason TEXT NOT NULL, outcome TEXT NOT NULL,
                notes TEXT NOT NULL, follow_up_on TEXT NOT NULL, recorded_by TEXT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS calls_patron ON calls (patron_id, occurred_at);
            CREATE TABLE IF NOT EXISTS follow_ups (
                id TEXT PRIMARY KEY, patron_id TEXT NOT NULL, due_on TEXT NOT NULL,
                text TEXT NOT NULL, source TEXT NOT NULL, source_id TEXT NOT NULL,
                done INTEGER NOT NULL DEFAULT 0, done_at TEXT NOT NULL DEFAULT '',
                done_by TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL,
                recorded_by TEXT NOT NULL, assigned_to TEXT NOT NULL DEFAULT ''
            );
            CREATE INDEX IF NOT EXISTS follow_ups_due ON follow_ups (done, due_on);
            CREATE TABLE IF NOT EXISTS chats (
                rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, service TEXT NOT NULL,
                conversation_id TEXT NOT NULL, started_at TEXT NOT NULL, ended_at TEXT NOT NULL,
                visitor_name TEXT NOT NULL, visitor_email TEXT NOT NULL,
                visitor_phone TEXT NOT NULL, subject TEXT NOT NULL, patron_id TEXT,
                linked_how TEXT NOT NULL DEFAULT '', message_count INTEGER NOT NULL,
                preview TEXT NOT NULL, transcript TEXT NOT NULL,
                shown_transcript TEXT NOT NULL DEFAULT '',
                notes TEXT NOT NULL DEFAULT '', imported_by TEXT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS chats_waiting ON chats (patron_id, started_at);
            CREATE VIRTUAL TABLE IF NOT EXISTS chats_fts USING fts5(
                transcript, visitor_name, visitor_email, visitor_phone, subject, notes,
                content='chats', content_rowid='rowid',
                tokenize='unicode61 remove_diacritics 2'
            );
            CREATE TRIGGER IF NOT EXISTS chats_ai AFTER INSERT ON chats BEGIN
                INSERT INTO chats_fts (rowid, transcript, visitor_name, visitor_email,
                                       visitor_phone, subject, notes)
                VALUES (new.rowid, new.transcript, new.visitor_name, new.visitor_email,
                        new.visitor_phone, new.subject, new.notes);
            END;
            CREATE TRIGGER IF NOT EXISTS chats_au AFTER UPDATE OF notes ON chats BEGIN
                INSERT INTO chats_fts (chats_fts, rowid, transcript, visitor_name,
                                       visitor_email, visitor_phone, subject, notes)
                VALUES ('delete', old.rowid, old.transcript, old.visitor_name,
                        old.visitor_email, old.visitor_phone, old.subject, old.notes);
                INSERT INTO chats_fts (rowid, transcript, visitor_name, visitor_email,
                                       visitor_phone, subject, notes)
                VALUES (new.rowid, new.transcript, new.visitor_name, new.visitor_email,
                        new.visitor_phone, new.subject, new.notes);
            END;
            CREATE TABLE IF NOT EXISTS quick_answers (
                id TEXT PRIMARY KEY, key TEXT NOT NULL, title TEXT NOT NULL, text TEXT NOT NULL,
                updated_at TEXT NOT NULL, updated_by TEXT NOT NULL,
                removed INTEGER NOT NULL DEFAULT 0
            );
            """,
        )

    # -- patrons (names only) --------------------------------------------------------
    def _patron_registered(self, db: Database, e: Event, position: int) -> None:
        self._name(db, str(e.originator_id), e.first_name, e.last_name)

    def _patron_changed(self, db: Database, e: Event, position: int) -> None:
        if "first_name" not in e.changes and "last_name" not in e.changes:
            return
        self._names.need(db, str(e.originator_id))
        row = db.conn.execute(
            "SELECT first_name, last_name FROM conv_patrons WHERE id = ?", (str(e.originator_id),)
        ).fetchone()
        first, last = row if row else ("", "")
        self._name(
            db,
            str(e.originator_id),
            e.changes.get("first_name", first),
            e.changes.get("last_name", last),
        )

    def _name(self, db: Database, patron_id: str, first: str, last: str) -> None:
        name = " ".join(p for p in (first, last) if p)
        self._names.add(db, patron_id, (patron_id, first, last, name))

    def batch_done(self, db: Database, final: bool) -> None:
        self._names.flush(db)

    # -- calls and follow-ups -----------------------------------------------------------
    def _call_logged(self, db: Database, e: Event, position: int) -> None:
        db.conn.execute(
            "INSERT OR REPLACE INTO calls VALUES (?,?,?,?,?,?,?,?,?)",
            (
                str(e.originator_id),
                e.patron_id,
                iso(e.occurred_at),
                e.direction,
                e.reason,
                e.outcome,
                e.notes,
                e.follow_up_on,
                e.recorded_by,
            ),
        )

    def _follow_up_scheduled(self, db: Database, e: Event, position: int) -> None:
        db.conn.execute(
            "INSERT OR REPLACE INTO follow_ups (id, patron_id, due_on, text, source, source_id,"
            " created_at, recorded_by) VALUES (?,?,?,?,?,?,?,?)",
            (
                str(e.originator_id),
                e.patron_id,
                e.due_on,
                e.text,
                e.source,
                e.source_id,
                iso(e.occurred_at),
                e.recorded_by,
            ),
        )

    def _follow_up_done(self, db: Database, e: Event, position: int) -> None:
        db.conn.execute(
            "UPDATE follow_ups SET done = 1, done_at = ?, done_by = ? WHERE id = ?",
            (iso(e.occurred_at), e.recorded_by, str(e.originator_id)),
        )

    def _follow_up_assigned(self, db: Database, e: Event, position: int) -> None:
        db.conn.execute(
            "UPDATE follow_ups SET assigned_to = ? WHERE id = ?",
            (e.assigned_to, str(e.originator_id)),
        )

    def _follow_up_undone(self, db: Database, e: Event, position: int) -> None:
        db.conn.execute(
            "UPDATE follow_ups SET done = 0, done_at = '', done_by = '' WHERE id = ?",
            (str(e.originator_id),),
        )

    # -- chats ------------------------------------------------------------------------
    def _chat_imported(self, db: Database, e: Event, position: int) -> None:
        ended = next((m["at"] for m in reversed(e.messages) if m.get("at")), "")
        db.conn.execute(
            "INSERT OR IGNORE INTO chats (id, service, conversation_id, started_at, ended_at,"
            " visitor_name, visitor_email, visitor_phone, subject, message_count, preview,"
            " transcript, shown_transcript, imported_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                str(e.originator_id),
                e.service,
                e.conversation_id,
                iso(e.occurred_at),
                iso(datetime.fromisoformat(ended)) if ended else "",
                e.visitor_name,
                e.visitor_email,
                e.visitor_phone,
                e.subject,
                len(e.messages),
                chat_preview(e.messages),
                transcript_text(e.messages, e.visitor_name),
                shown_transcript(e.messages, e.visitor_name),
                e.recorded_by,
            ),
        )

    def _chat_linked(self, db: Database, e: Event, position: int) -> None:
        db.conn.execute(
            "UPDATE chats SET patron_id = ?, linked_how = ? WHERE id = ?",
            (e.patron_id, e.how, str(e.originator_id)),
        )

    def _chat_noted(self, db: Database, e: Event, position: int) -> None:
        db.conn.execute(
            "UPDATE chats SET notes = CASE WHEN notes = '' THEN ? ELSE notes || char(10) || ? END"
            " WHERE id = ?",
            (e.text, e.text, str(e.originator_id)),
        )

    # -- quick answers -------------------------------------------------------------------
    def _answer_added(self, db: Database, e: Event, position: int) -> None:
        db.conn.execute(
            "INSERT OR REPLACE INTO quick_answers VALUES (?,?,?,?,?,?,0)",
            (str(e.originator_id), e.key, e.title, e.text, iso(e.occurred_at), e.recorded_by),
        )

    def _answer_edited(self, db: Database, e: Event, position: int) -> None:
        db.conn.execute(
            "UPDATE quick_answers SET title = ?, text = ?, updated_at = ?, updated_by = ?,"
            " removed = 0 WHERE id = ?",
            (e.title, e.text, iso(e.occurred_at), e.recorded_by, str(e.originator_id)),
        )

    def _answer_removed(self, db: Database, e: Event, position: int) -> None:
        db.conn.execute(
            "UPDATE quick_answers SET removed = 1, updated_at = ? WHERE id = ?",
            (iso(e.occurred_at), str(e.originator_id)),
        )


# -- queries used by views and the command line -------------------------------------
def _rows(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def _has(db: Database, table: str) -> bool:
    return bool(db.conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (table,)).fetchone())


def follow_up_status(row: dict[str, Any], today: date) -> str:
    if row["done"]:
        return "done"
    due = row["due_on"]
    if due < today.isoformat():
        return "overdue"
    return "today" if due == today.isoformat() else "upcoming"


def follow_ups(
    db: Database, today: date | None = None, include_done: bool = False, limit: int = 2000
) -> list[dict[str, Any]]:
    """Open follow-ups by due day (and the done ones when asked), each with its patron."""
    if not _has(db, "follow_ups"):
        return []
    today = today or date.today()
    where = "" if include_done else "WHERE f.done = 0"
    rows = _rows(
        db.conn.execute(
            "SELECT f.id, f.patron_id, coalesce(p.name, '') AS patron_name, f.due_on, f.text,"
            " f.source, f.source_id, f.done, f.done_at, f.done_by, f.created_at, f.recorded_by,"
            " f.assigned_to"
            f" FROM (SELECT id, {survivor_sql(db, 'patron_id')} AS patron_id, due_on, text, source,"
            " source_id, done, done_at, done_by, created_at, recorded_by, assigned_to"
            " FROM follow_ups) f"
            f" LEFT JOIN conv_patrons p ON p.id = f.patron_id {where}"
            " ORDER BY f.done, f.due_on, f.created_at LIMIT ?",
            (limit,),
        )
    )
    for row in rows:
        row["status"] = follow_up_status(row, today)
    return rows


def follow_up_counts(db: Database, today: date | None = None) -> dict[str, int]:
    """How many open follow-ups are overdue, due today and upcoming."""
    if not _has(db, "follow_ups"):
        return {"overdue": 0, "today": 0, "upcoming": 0}
    day = (today or date.today()).isoformat()
    row = db.conn.execute(
        "SELECT coalesce(sum(due_on < ?), 0), coalesce(sum(due_on = ?), 0),"
        " coalesce(sum(due_on > ?), 0) FROM follow_ups WHERE done = 0",
        (day, day, day),
    ).fetchone()
    return dict(zip(("overdue", "today", "upcoming"), row, strict=True))


CHAT_COLUMNS = (
    "id",
    "service",
    "conversation_id",
    "started_at",
    "ended_at",
    "visitor_name",
    "visitor_email",
    "visitor_phone",
    "subject",
    "patron_id",
    "linked_how",
    "message_count",
    "preview",
    "transcript",
    "shown_transcript",
    "notes",
)


def _chat_columns(db: Database, table: str = "") -> str:
    """The chat columns, with the surviving record as ``patron_id``."""
    prefix = f"{table}." if table else ""
    return ", ".join(
        f"{survivor_sql(db, prefix + c)} AS patron_id" if c == "patron_id" else prefix + c
        for c in CHAT_COLUMNS
    )


def waiting_chats(db: Database, limit: int = 1000) -> list[dict[str, Any]]:
    """Chats not yet linked to a patron, newest first (the chat queue)."""
    if not _has(db, "chats"):
        return []
    return _rows(
        db.conn.execute(
            f"SELECT {', '.join(CHAT_COLUMNS)} FROM chats WHERE patron_id IS NULL"
            " ORDER BY started_at DESC LIMIT ?",
            (limit,),
        )
    )


def chat_query(text: str) -> str:
    """What was typed as an FTS5 prefix query of its words ('ada lov' -> "ada"* "lov"*)."""
    return " ".join(f'"{p}"*' for p in typed_phrases(text))


def search_chats(db: Database, text: str, limit: int = 200) -> list[dict[str, Any]]:
    """Chats whose transcript, visitor or notes contain every word typed, newest first."""
    if not _has(db, "chats"):
        return []
    query = chat_query(text)
    if not query:
        return _rows(
            db.conn.execute(
                f"SELECT {_chat_columns(db)} FROM chats ORDER BY started_at DESC LIMIT ?",
                (limit,),
            )
        )
    columns = _chat_columns(db, "c")
    return _rows(
        db.conn.execute(
            f"SELECT {columns} FROM chats_fts JOIN chats c ON c.rowid = chats_fts.rowid"
            " WHERE chats_fts MATCH ? ORDER BY c.started_at DESC LIMIT ?",
            (query, limit),
        )
    )


def chat(db: Database, chat_id: str) -> dict[str, Any] | None:
    if not _has(db, "chats"):
        return None
    rows = _rows(db.conn.execute(f"SELECT {_chat_columns(db)} FROM chats WHERE id = ?", (chat_id,)))
    return rows[0] if rows else None


def quick_answers(db: Database) -> list[dict[str, Any]]:
    """The answers on file, by title."""
    if not _has(db, "quick_answers"):
        return []
    return _rows(
        db.conn.execute(
            "SELECT id, key, title, text, updated_at, updated_by FROM quick_answers"
            " WHERE removed = 0 ORDER BY title COLLATE NOCASE"
        )
    )


def calls(db: Database, patron_id: str | None = None, limit: int = 500) -> list[dict[str, Any]]:
    """Calls, newest first (of one patron and the records merged into it), each naming
    the surviving record as ``patron_id``."""
    if not _has(db, "calls"):
        return []
    where, params = "", list[Any]()
    if patron_id:
        where, params = in_family(db, patron_id)
        where = "WHERE " + where
    columns = (
        "id, " + survivor_sql(db, "patron_id") + " AS patron_id, occurred_at, direction,"
        " reason, outcome, notes, follow_up_on, recorded_by"
    )
    return _rows(
        db.conn.execute(
            f"SELECT {columns} FROM calls {where} ORDER BY occurred_at DESC LIMIT ?",
            (*params, limit),
        )
    )
