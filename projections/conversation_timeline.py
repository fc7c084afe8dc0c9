"""Timeline rows for calls, chats and follow-ups.

Mixed into the ``Timeline`` projection. A call is on its patron's timeline as
soon as it is logged. A chat appears when it is linked to a patron (at the
moment the chat happened), with the whole transcript as the row's detail so
the timeline can expand it (its times as ``domain.wording`` marks, written by the
view in the organization's way: the timeline is not searched); linking it to
someone else moves the row. Done and reopened follow-ups are rows too, so the
next person sees what was done.
"""

from __future__ import annotations

from datetime import date

from sqlite_utils import Database

from domain.wording import date_mark
from projections.base import Event, iso, run_script
from projections.conversations import chat_preview, shown_transcript
from projections.timeline_rows import TimelineRows

OUTCOME_WORDS = {
    "answered": "answered",
    "resolved": "resolved",
    "left_message": "left a message",
    "no_answer": "no answer",
    "call_back": "to call back",
}


def _day(iso_day: str) -> str:
    """A day as a ``domain.wording`` mark, written out by the view."""
    return date_mark(date.fromisoformat(iso_day))


def _first_line(text: str, width: int = 100) -> str:
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return line if len(line) <= width else line[: width - 1] + "…"


class ConversationTimeline(TimelineRows):
    conversation_tables = ("timeline_chats", "timeline_follow_ups")

    def register_conversations(self) -> None:
        on = self.on
        on("Call.Logged")(self._tl_call)
        on("Chat.Imported")(self._tl_chat_imported)
        on("Chat.Linked")(self._tl_chat_linked)
        on("Chat.NoteAdded")(self._tl_chat_noted)
        on("FollowUp.Scheduled")(self._tl_follow_up)
        on("FollowUp.Done")(self._tl_follow_up_done)
        on("FollowUp.Undone")(self._tl_follow_up_undone)

    def create_conversation_lookups(self, db: Database) -> None:
        run_script(
            db,
            """
            CREATE TABLE IF NOT EXISTS timeline_chats (
                id TEXT PRIMARY KEY, started_at TEXT NOT NULL, summary TEXT NOT NULL,
                transcript TEXT NOT NULL, patron_id TEXT, position INTEGER
            );
            CREATE TABLE IF NOT EXISTS timeline_follow_ups (
                id TEXT PRIMARY KEY, patron_id TEXT NOT NULL, text TEXT NOT NULL
            );
            """,
        )

    def _tl_call(self, db: Database, e: Event, position: int) -> None:
        direction = "Incoming call" if e.direction == "incoming" else "Outgoing call"
        summary = direction + (f" about {e.reason}" if e.reason else "")
        summary += f", {OUTCOME_WORDS.get(e.outcome, e.outcome.replace('_', ' '))}"
        if e.notes:
            summary += f": {_first_line(e.notes)}"
        if e.follow_up_on:
            summary += f" · follow up by {_day(e.follow_up_on)}"
        self.add(db, e, position, "call", summary, e.notes, patron_id=e.patron_id)

    def _tl_chat_imported(self, db: Database, e: Event, position: int) -> None:
        summary = f"Chat on {e.service}: {chat_preview(e.messages, 100)}"
        db.conn.execute(
            "INSERT OR IGNORE INTO timeline_chats (id, started_at, summary, transcript)"
            " VALUES (?,?,?,?)",
            (
                str(e.originator_id),
                iso(e.occurred_at),
                summary,
                shown_transcript(e.messages, e.visitor_name),
            ),
        )

    def _tl_chat_linked(self, db: Database, e: Event, position: int) -> None:
        self.flush_rows(db)  # the row moved may have been added in this batch
        chat_id = str(e.originator_id)
        row = db.conn.execute(
            "SELECT started_at, summary, transcript, patron_id, position FROM timeline_chats"
            " WHERE id = ?",
            (chat_id,),
        ).fetchone()
        if row is None:
            return
        started_at, summary, transcript, old_patron, old_position = row
        if old_patron is not None:  # linked to someone else before: the row moves
            db.conn.execute(
                "DELETE FROM timeline WHERE position = ? AND patron_id = ?",
                (old_position, old_patron),
            )
        db.conn.execute(
            "INSERT OR REPLACE INTO timeline VALUES (?,?,?,?,?,?,?,?,NULL)",
            (
                position,
                e.patron_id,
                started_at,
                "chat",
                summary,
                transcript,
                e.recorded_by,
                e.workstation,
            ),
        )
        db.conn.execute(
            "UPDATE timeline_chats SET patron_id = ?, position = ? WHERE id = ?",
            (e.patron_id, position, chat_id),
        )

    def _tl_chat_noted(self, db: Database, e: Event, position: int) -> None:
        row = db.conn.execute(
            "SELECT patron_id FROM timeline_chats WHERE id = ?", (str(e.originator_id),)
        ).fetchone()
        if row is not None and row[0]:
            self.add(
                db,
                e,
                position,
                "chat_note",
                f"Chat note: {_first_line(e.text)}",
                e.text,
                patron_id=row[0],
            )

    def _tl_follow_up(self, db: Database, e: Event, position: int) -> None:
        db.conn.execute(
            "INSERT OR REPLACE INTO timeline_follow_ups VALUES (?,?,?)",
            (str(e.originator_id), e.patron_id, e.text),
        )
        if e.source == "office":  # a call's or chat's follow-up shows on that row already
            self.add(
                db,
                e,
                position,
                "follow_up",
                f"Follow-up by {_day(e.due_on)}: {e.text}",
                patron_id=e.patron_id,
            )

    def _tl_follow_up_changed(self, db: Database, e: Event, position: int, verb: str) -> None:
        row = db.conn.execute(
            "SELECT patron_id, text FROM timeline_follow_ups WHERE id = ?", (str(e.originator_id),)
        ).fetchone()
        if row is not None:
            self.add(db, e, position, "follow_up", f"{verb}: {row[1]}", patron_id=row[0])

    def _tl_follow_up_done(self, db: Database, e: Event, position: int) -> None:
        self._tl_follow_up_changed(db, e, position, "Followed up")

    def _tl_follow_up_undone(self, db: Database, e: Event, position: int) -> None:
        self._tl_follow_up_changed(db, e, position, "Follow-up reopened")
