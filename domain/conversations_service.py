"""Calls, chats, follow-ups and quick answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate

from domain import organization_time
from domain.contact import clean_text
from domain.conversations import (
    Call,
    Chat,
    FollowUp,
    QuickAnswer,
    chat_id,
    clean_notes,
    quick_answer_id,
)
from domain.errors import ConversationNotFound, ValidationError
from domain.patrons_service import PatronsService
from domain.roles import Permission
from domain.rota_service import RotaService
from domain.store import Store, command, reads

#: the answers every organization starts with (staff edit them to fit)
DEFAULT_QUICK_ANSWERS = (
    (
        "parking",
        "Parking",
        "The nearest car park is two minutes' walk from the main entrance and is free after "
        "6 pm. Accessible bays are right by the door; please tell us when you book and we "
        "will keep one for you.",
    ),
    (
        "accessibility",
        "Accessibility",
        "Every level has step-free access with a lift, there is a hearing loop in the main "
        "hall and wheelchair spaces in rows A and K. A companion ticket is free. Tell us what "
        "you need and we will set it up before you arrive.",
    ),
    (
        "refunds",
        "Refunds and exchanges",
        "You can exchange your tickets for another date of the same show up to 48 hours "
        "before the performance at no charge. Refunds are given when a performance is "
        "cancelled; otherwise we can keep the value as credit for a year.",
    ),
    (
        "start-times",
        "Start times",
        "Evening performances start at 7:30 pm and matinees at 2:30 pm. Doors open 45 minutes "
        "before. Latecomers are seated at a suitable break in the performance.",
    ),
    (
        "box-office-hours",
        "Box office hours",
        "The box office is open Tuesday to Saturday, 10 am to 6 pm, and from one hour before "
        "every performance.",
    ),
)


def _first_line(text: str, width: int = 80) -> str:
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return line if len(line) <= width else line[: width - 1] + "…"


C = TypeVar("C")


@dataclass(frozen=True, slots=True)
class Noted:
    """A call or chat note saved; the follow-up scheduled with it, if a day was given."""

    id: str
    follow_up_id: str | None


@dataclass(frozen=True, slots=True)
class ChatRecorded:
    """An imported chat: ``new`` is False when it was already recorded; ``how`` says
    how its patron was found (``""`` when none was)."""

    id: str
    new: bool
    patron_id: str | None
    how: str


@dataclass(frozen=True, slots=True)
class ChatInfo:
    id: str
    service: str
    conversation_id: str
    subject: str
    visitor_name: str
    visitor_email: str
    visitor_phone: str
    messages: list[dict[str, str]]
    started_at: str
    patron_id: str | None
    notes: list[str]


class ConversationsService:
    """Methods take and return simple values, like the rest of the service."""

    def __init__(self, store: Store, patrons: PatronsService, rota: RotaService | None = None):
        self.store = store
        self.patrons = patrons
        #: the duty rota: a follow-up from a chat outside staffed hours goes to the next on duty
        self.rota = rota

    def _conversation(self, kind: type[C], record_id: str | UUID, what: str) -> C:
        try:
            record = self.store.get(
                record_id if isinstance(record_id, UUID) else UUID(str(record_id))
            )
        except (AggregateNotFoundError, ValueError):
            raise ConversationNotFound(what, str(record_id)) from None
        if not isinstance(record, kind):
            raise ConversationNotFound(what, str(record_id))
        return record

    # -- calls ------------------------------------------------------------------
    @command(Permission.EDIT_PATRONS)
    def log_call(
        self,
        patron_id: str,
        direction: str = "incoming",
        reason: str = "",
        outcome: str = "answered",
        notes: str = "",
        follow_up_on: date | str | None = None,
        occurred_at: datetime | None = None,
    ) -> Noted:
        """Log a call; with ``follow_up_on`` a follow-up is scheduled in the same save.

        Returns the call's id and the follow-up's (None without a day).
        """
        patron = self.patrons.patron(patron_id)
        stamp = self.store.stamp(occurred_at)
        # "in the past" on the organization's calendar (the rota holds its zone), not UTC's;
        # while no zone is known, UTC's day as before (not this computer's, which may be
        # a day away from the venue's)
        zone = self.rota.local_zone if self.rota is not None else None
        today = organization_time.day(stamp["occurred_at"], zone) if zone is not None else None
        call = Call.log(
            str(patron.id), direction, reason, outcome, notes, follow_up_on, stamp, today
        )
        changed: list[Aggregate] = [call]
        follow_up = None
        if call.follow_up_on:
            text = f"Call back about {call.reason}" if call.reason else "Call back"
            if call.notes:
                text += f": {_first_line(call.notes)}"
            follow_up = FollowUp.schedule(
                str(patron.id), call.follow_up_on, text, "call", str(call.id), stamp
            )
            changed.append(follow_up)
        self.store.commit(*changed)
        return Noted(id=str(call.id), follow_up_id=str(follow_up.id) if follow_up else None)

    # -- follow-ups ---------------------------------------------------------------
    @command(Permission.EDIT_PATRONS)
    def schedule_follow_up(
        self,
        patron_id: str,
        due_on: date | str,
        text: str,
        source: str = "office",
        source_id: str | None = None,
        occurred_at: datetime | None = None,
    ) -> str:
        patron = self.patrons.patron(patron_id)
        stamp = self.store.stamp(occurred_at)
        follow_up = FollowUp.schedule(
            str(patron.id), due_on, text, source, source_id or str(uuid4()), stamp
        )
        self.store.commit(follow_up)
        return str(follow_up.id)

    def _follow_up(self, follow_up_id: str) -> FollowUp:
        return self._conversation(FollowUp, follow_up_id, "follow-up")

    @command(Permission.EDIT_PATRONS)
    def mark_follow_up_done(self, follow_up_id: str, occurred_at: datetime | None = None) -> bool:
        follow_up = self._follow_up(follow_up_id)
        if follow_up.mark_done(self.store.stamp(occurred_at)):
            self.store.commit(follow_up)
            return True
        return False

    @command(Permission.EDIT_PATRONS)
    def mark_follow_up_undone(self, follow_up_id: str, occurred_at: datetime | None = None) -> bool:
        follow_up = self._follow_up(follow_up_id)
        if follow_up.mark_undone(self.store.stamp(occurred_at)):
            self.store.commit(follow_up)
            return True
        return False

    # -- chats ----------------------------------------------------------------------
    def _chat(self, chat: str | UUID) -> Chat:
        return self._conversation(Chat, chat, "chat")

    @command(Permission.EDIT_PATRONS)
    def record_chat(
        self,
        service: str,
        conversation_id: str,
        messages: list[dict[str, Any]],
        visitor_name: str = "",
        visitor_email: str = "",
        visitor_phone: str = "",
        subject: str = "",
        occurred_at: datetime | None = None,
    ) -> ChatRecorded:
        """Record an imported chat (once: the same conversation again changes nothing).

        The chat is linked when its email or phone belongs to exactly one patron.
        Returns ``{"id", "new", "patron_id", "how"}``.
        """
        if not messages:
            raise ValidationError("messages", "The chat has no messages.")
        service = clean_text(service) or "Chat"
        the_id = chat_id(service, conversation_id)
        try:
            existing = self.store.get(the_id)
        except AggregateNotFoundError:
            existing = None
        if existing is not None:
            return ChatRecorded(id=str(the_id), new=False, patron_id=existing.patron_id, how="")
        if occurred_at is None:  # when the chat happened, not when it was imported
            times = [datetime.fromisoformat(m["at"]) for m in messages if m.get("at")]
            if not times:
                raise ValidationError(
                    "messages", "The chat's messages have no times: say when the chat happened."
                )
            occurred_at = min(times)
        stamp = self.store.stamp(occurred_at)
        chat = Chat(
            service=service,
            conversation_id=conversation_id.strip(),
            subject=clean_text(subject),
            visitor_name=clean_text(visitor_name),
            visitor_email=clean_text(visitor_email).lower(),
            visitor_phone=clean_text(visitor_phone),
            messages=list(messages),
            **stamp,
        )
        patron_id, how = self._chat_match(chat.visitor_email, chat.visitor_phone)
        if patron_id:
            chat.link(patron_id, how, stamp)
        self.store.commit(chat)
        return ChatRecorded(id=str(chat.id), new=True, patron_id=patron_id, how=how)

    def _chat_match(self, email: str, phone: str) -> tuple[str | None, str]:
        """The one patron with this email or phone; none when nobody or several match."""
        matches = self.patrons.find_contact_matches(email, phone)
        patrons = {m.id for m in matches}
        if len(patrons) != 1:
            return None, ""
        return matches[0].id, matches[0].reason

    @command(Permission.EDIT_PATRONS)
    def link_chat(self, chat: str, patron_id: str, occurred_at: datetime | None = None) -> bool:
        """Staff link a chat to a patron (from the queue, or to correct a link)."""
        record = self._chat(chat)
        patron = self.patrons.patron(patron_id)
        if record.link(str(patron.id), "staff", self.store.stamp(occurred_at)):
            self.store.commit(record)
            return True
        return False

    @command(Permission.EDIT_PATRONS)
    def add_chat_note(
        self,
        chat: str,
        text: str,
        follow_up_on: date | str | None = None,
        occurred_at: datetime | None = None,
    ) -> Noted:
        """A staff note on a chat (what was answered); optionally a follow-up day."""
        record = self._chat(chat)
        stamp = self.store.stamp(occurred_at)
        if follow_up_on and not record.patron_id:
            raise ValidationError(
                "follow_up", "Link the chat to a patron first, then add the follow-up."
            )
        record.add_note(text, stamp)
        changed: list[Aggregate] = [record]
        follow_up = None
        if follow_up_on:
            assert record.patron_id is not None  # checked above
            source_id = f"{record.id}/note/{len(record.notes)}"
            text = f"Chat follow-up: {_first_line(clean_notes(text))}"
            follow_up = FollowUp.schedule(
                record.patron_id, follow_up_on, text, "chat", source_id, stamp
            )
            changed.append(follow_up)
            # A chat that came in while nobody was on chat duty goes to the next on duty.
            assignee = (
                self.rota.assignee_for_chat(record.started_at, stamp["occurred_at"])
                if self.rota is not None
                else ""
            )
            if assignee:
                follow_up.assign(assignee, stamp)
        self.store.commit(*changed)
        return Noted(id=str(record.id), follow_up_id=str(follow_up.id) if follow_up else None)

    @reads(Permission.READ_PATRONS)
    def get_chat(self, chat: str) -> ChatInfo:
        record = self._chat(chat)
        return ChatInfo(
            id=str(record.id),
            service=record.service,
            conversation_id=record.conversation_id,
            subject=record.subject,
            visitor_name=record.visitor_name,
            visitor_email=record.visitor_email,
            visitor_phone=record.visitor_phone,
            messages=list(record.messages),
            started_at=record.started_at.isoformat(),
            patron_id=record.patron_id,
            notes=list(record.notes),
        )

    # -- quick answers ----------------------------------------------------------------
    def _answer(self, answer_id: str) -> QuickAnswer:
        return self._conversation(QuickAnswer, answer_id, "quick answer")

    @command(Permission.EDIT_PATRONS)
    def add_quick_answer(self, title: str, text: str, occurred_at: datetime | None = None) -> str:
        answer = QuickAnswer.add(title, text, self.store.stamp(occurred_at))
        self.store.commit(answer)
        return str(answer.id)

    @command(Permission.EDIT_PATRONS)
    def edit_quick_answer(
        self, answer_id: str, title: str, text: str, occurred_at: datetime | None = None
    ) -> bool:
        answer = self._answer(answer_id)
        if answer.edit(title, text, self.store.stamp(occurred_at)):
            self.store.commit(answer)
            return True
        return False

    @command(Permission.EDIT_PATRONS)
    def remove_quick_answer(self, answer_id: str, occurred_at: datetime | None = None) -> bool:
        answer = self._answer(answer_id)
        if answer.remove(self.store.stamp(occurred_at)):
            self.store.commit(answer)
            return True
        return False

    @command(Permission.EDIT_PATRONS)
    def seed_quick_answers(self, occurred_at: datetime | None = None) -> int:
        """Add the default answers not yet on file (never twice, never over an edit)."""
        added = 0
        for key, title, text in DEFAULT_QUICK_ANSWERS:
            try:
                self.store.get(quick_answer_id(key))
                continue
            except AggregateNotFoundError:
                pass
            self.store.commit(QuickAnswer.add(title, text, self.store.stamp(occurred_at), key=key))
            added += 1
        return added
