"""Calls, chats, follow-ups and quick answers: what was said, and what is still to do.

* A **call** is logged once: which patron, incoming or outgoing, why (a short
  reason), how it ended (the outcome), notes, and optionally a day to follow up.
* A **chat** is a transcript imported from a live-chat service (or pasted). Its
  id comes from the service's conversation id (or a hash of the transcript), so
  importing it again finds it instead of adding it twice. It is linked to a
  patron by email or phone, or waits unlinked until staff link it.
* A **follow-up** is something to do for a patron by a day, made from a call or
  a chat. Done and undone are events, so the to-do list can be trusted.
* A **quick answer** is a short, well-worded answer to a common question
  (parking, access, refunds, start times) that staff insert into a note.

Personal data (notes, transcripts, visitor contact details, follow-up text)
lives only in the fields listed in ``domain/personal_data.py``.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from eventsourcing.domain import Aggregate, event

from domain.contact import clean_text
from domain.errors import ValidationError
from domain.recording import Stamp

DIRECTIONS = ("incoming", "outgoing")
OUTCOMES = ("answered", "resolved", "left_message", "no_answer", "call_back")
#: reasons offered in the call form; any other short reason may be typed
REASONS = (
    "Tickets",
    "Parking",
    "Accessibility",
    "Refund or exchange",
    "Start times",
    "Donation",
    "Membership",
    "Complaint",
    "Other",
)
SENDERS = ("visitor", "agent", "system")
FOLLOW_UP_SOURCES = ("call", "chat", "office")
MAX_REASON = 80
MAX_TITLE = 60

_CHAT_NAMESPACE = uuid5(NAMESPACE_URL, "https://houselights.app/chat")
_ANSWER_NAMESPACE = uuid5(NAMESPACE_URL, "https://houselights.app/quick-answer")
_FOLLOW_UP_NAMESPACE = uuid5(NAMESPACE_URL, "https://houselights.app/follow-up")


class StampedEvent(Aggregate.Event):
    occurred_at: datetime
    recorded_by: str
    workstation: str


def parse_due(value: date | str | None) -> str:
    """A follow-up day as ISO text ('2026-12-01'); '' for none."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise ValidationError(
            "follow_up", "Give the follow-up day as year-month-day, e.g. 2026-12-01."
        ) from None


def chat_id(service: str, conversation_id: str) -> UUID:
    """A chat's id from the service and its own conversation id (natural key)."""
    return uuid5(_CHAT_NAMESPACE, f"{clean_text(service).lower()}/{conversation_id.strip()}")


def transcript_fingerprint(messages: list[dict[str, Any]]) -> str:
    """A conversation id for transcripts that carry none: a hash of what was said."""
    digest = hashlib.sha256()
    for m in messages:
        digest.update(f"{m['at']}|{m['sender']}|{clean_text(m['text'])}\n".encode())
    return "sha256:" + digest.hexdigest()[:32]


def quick_answer_id(key: str) -> UUID:
    return uuid5(_ANSWER_NAMESPACE, key)


def follow_up_id(source: str, source_id: str) -> UUID:
    """One follow-up per call, per chat note, per office to-do (``source_id``)."""
    return uuid5(_FOLLOW_UP_NAMESPACE, f"{source}/{source_id}")


def clean_notes(text: str | None) -> str:
    """Free text keeps its lines; trailing blanks go."""
    lines = [line.rstrip() for line in (text or "").strip().splitlines()]
    return "\n".join(lines)


class Call(Aggregate):
    """One phone call with a patron."""

    class Event(StampedEvent):
        pass

    @event("Logged")
    def __init__(
        self,
        patron_id: str,
        direction: str,
        reason: str,
        outcome: str,
        notes: str,
        follow_up_on: str,
        occurred_at: datetime,
        recorded_by: str,
        workstation: str,
    ):
        self.patron_id = patron_id
        self.direction = direction
        self.reason = reason
        self.outcome = outcome
        self.notes = notes
        self.follow_up_on = follow_up_on
        self.logged_at = occurred_at

    @classmethod
    def log(
        cls,
        patron_id: str,
        direction: str,
        reason: str,
        outcome: str,
        notes: str,
        follow_up_on: date | str | None,
        stamp: Stamp,
        today: date | None = None,
    ) -> Call:
        """``today``: the organization's day at the call, which the follow-up day may not
        be before (None: the day of ``occurred_at`` in UTC)."""
        direction = clean_text(direction).lower()
        outcome = clean_text(outcome).lower().replace(" ", "_")
        reason = clean_text(reason)
        errors = []
        if direction not in DIRECTIONS:
            errors.append(ValidationError("direction", "Choose incoming or outgoing."))
        if outcome not in OUTCOMES:
            errors.append(ValidationError("outcome", "Choose how the call ended."))
        if len(reason) > MAX_REASON:
            errors.append(
                ValidationError(
                    "reason",
                    f"Keep the reason short (at most {MAX_REASON} letters); "
                    "put the rest in the notes.",
                )
            )
        due = parse_due(follow_up_on)
        if due and due < (today or stamp["occurred_at"].date()).isoformat():
            errors.append(ValidationError("follow_up", "The follow-up day is in the past."))
        if errors:
            from domain.errors import InvalidInput

            raise InvalidInput(errors)
        return cls(
            patron_id=patron_id,
            direction=direction,
            reason=reason,
            outcome=outcome,
            notes=clean_notes(notes),
            follow_up_on=due,
            **stamp,
        )


class FollowUp(Aggregate):
    """Something to do for a patron by a day; done and undone are events."""

    class Event(StampedEvent):
        pass

    @event("Scheduled")
    def __init__(
        self,
        patron_id: str,
        due_on: str,
        text: str,
        source: str,
        source_id: str,
        occurred_at: datetime,
        recorded_by: str,
        workstation: str,
    ):
        self.patron_id = patron_id
        self.due_on = due_on
        self.text = text
        self.source = source
        self.source_id = source_id
        self.done = False
        self.assigned_to = ""

    @classmethod
    def schedule(
        cls,
        patron_id: str,
        due_on: date | str,
        text: str,
        source: str,
        source_id: str,
        stamp: Stamp,
    ) -> FollowUp:
        due = parse_due(due_on)
        if not due:
            raise ValidationError("follow_up", "Choose the day to follow up.")
        if source not in FOLLOW_UP_SOURCES:
            raise ValueError(f"unknown follow-up source {source!r}")
        text = clean_text(text) or "Follow up"
        return cls(
            patron_id=patron_id, due_on=due, text=text, source=source, source_id=source_id, **stamp
        )

    @classmethod
    def create_id(cls, source: str, source_id: str) -> UUID:
        return follow_up_id(source, source_id)

    def assign(self, name: str, stamp: Stamp) -> bool:
        """Give the follow-up to someone (by name: a staff account or a volunteer)."""
        name = clean_text(name)
        if name == self.assigned_to:
            return False
        self._assigned(assigned_to=name, **stamp)
        return True

    @event("Assigned")
    def _assigned(
        self, assigned_to: str, occurred_at: datetime, recorded_by: str, workstation: str
    ) -> None:
        self.assigned_to = assigned_to

    def mark_done(self, stamp: Stamp) -> bool:
        if self.done:
            return False
        self._done(**stamp)
        return True

    @event("Done")
    def _done(self, occurred_at: datetime, recorded_by: str, workstation: str) -> None:
        self.done = True

    def mark_undone(self, stamp: Stamp) -> bool:
        if not self.done:
            return False
        self._undone(**stamp)
        return True

    @event("Undone")
    def _undone(self, occurred_at: datetime, recorded_by: str, workstation: str) -> None:
        self.done = False


class Chat(Aggregate):
    """An imported live-chat conversation."""

    class Event(StampedEvent):
        pass

    @event("Imported")
    def __init__(
        self,
        service: str,
        conversation_id: str,
        subject: str,
        visitor_name: str,
        visitor_email: str,
        visitor_phone: str,
        messages: list[dict[str, Any]],
        occurred_at: datetime,
        recorded_by: str,
        workstation: str,
    ):
        self.service = service
        self.conversation_id = conversation_id
        self.subject = subject
        self.visitor_name = visitor_name
        self.visitor_email = visitor_email
        self.visitor_phone = visitor_phone
        self.messages = list(messages)
        self.started_at = occurred_at
        self.patron_id: str | None = None
        self.notes: list[str] = []

    @classmethod
    def create_id(cls, service: str, conversation_id: str) -> UUID:
        return chat_id(service, conversation_id)

    def link(self, patron_id: str, how: str, stamp: Stamp) -> bool:
        if self.patron_id == patron_id:
            return False
        self._linked(patron_id=patron_id, how=how, **stamp)
        return True

    @event("Linked")
    def _linked(
        self, patron_id: str, how: str, occurred_at: datetime, recorded_by: str, workstation: str
    ) -> None:
        self.patron_id = patron_id

    def add_note(self, text: str, stamp: Stamp) -> None:
        text = clean_notes(text)
        if not text:
            raise ValidationError("note", "The note is empty. Type what you answered, then save.")
        self._note_added(text=text, **stamp)

    @event("NoteAdded")
    def _note_added(
        self, text: str, occurred_at: datetime, recorded_by: str, workstation: str
    ) -> None:
        self.notes.append(text)


class QuickAnswer(Aggregate):
    """A shared, well-worded answer to a common question."""

    class Event(StampedEvent):
        pass

    @event("Added")
    def __init__(
        self,
        key: str,
        title: str,
        text: str,
        occurred_at: datetime,
        recorded_by: str,
        workstation: str,
    ):
        self.key = key
        self.title = title
        self.text = text
        self.removed = False

    @staticmethod
    def check(title: str, text: str) -> tuple[str, str]:
        title, text = clean_text(title), clean_notes(text)
        errors = []
        if not title:
            errors.append(ValidationError("title", "Give the answer a short title, e.g. Parking."))
        elif len(title) > MAX_TITLE:
            errors.append(ValidationError("title", f"Keep the title under {MAX_TITLE} letters."))
        if not text:
            errors.append(ValidationError("text", "Type the answer staff should give."))
        if errors:
            from domain.errors import InvalidInput

            raise InvalidInput(errors)
        return title, text

    @classmethod
    def add(cls, title: str, text: str, stamp: Stamp, key: str = "") -> QuickAnswer:
        """``key`` names a default answer (its id is then fixed, so seeding is idempotent)."""
        title, text = cls.check(title, text)
        return cls(key=key, title=title, text=text, **stamp)

    @classmethod
    def create_id(cls, key: str) -> UUID:
        return quick_answer_id(key) if key else uuid4()

    def edit(self, title: str, text: str, stamp: Stamp) -> bool:
        title, text = self.check(title, text)
        if (title, text) == (self.title, self.text) and not self.removed:
            return False
        self._edited(title=title, text=text, **stamp)
        return True

    @event("Edited")
    def _edited(
        self, title: str, text: str, occurred_at: datetime, recorded_by: str, workstation: str
    ) -> None:
        self.title, self.text, self.removed = title, text, False

    def remove(self, stamp: Stamp) -> bool:
        if self.removed:
            return False
        self._removed(**stamp)
        return True

    @event("Removed")
    def _removed(self, occurred_at: datetime, recorded_by: str, workstation: str) -> None:
        self.removed = True
