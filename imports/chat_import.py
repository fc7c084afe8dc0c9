"""Importing chats: each transcript becomes a Chat, linked to its patron when we can tell.

``import_chats(app, chat_file)`` records every readable conversation of a
``ChatFile`` (see ``imports/chat_formats.py``). A chat whose visitor email or
phone belongs to exactly one patron is linked to them and lands on their
timeline; the others wait in the chat queue for staff to link or to register
the visitor. A chat already imported (same service and conversation id, or
the same transcript) is left as it is, so importing a file twice adds nothing.

The report is exactly ``{"imported", "linked", "unmatched", "rejected"}``;
``rejected`` lists ``{"item", "reason"}`` for what could not be read or saved.
"""

from __future__ import annotations

from collections.abc import Callable

from eventsourcing.persistence import IntegrityError

from domain.conversations_service import ChatRecorded
from domain.errors import HouselightsError
from imports.chat_formats import ChatFile

Progress = Callable[[int, int, str], None]
CHUNK = 200


def _save_chunk(app, chunk: list) -> list[tuple[int, ChatRecorded | str]]:
    outcomes: list[tuple[int, ChatRecorded | str]] = []
    with app.batch(size=CHUNK * 2):
        for record in chunk:
            try:
                result = app.record_chat(
                    record.service,
                    record.conversation_id,
                    record.messages,
                    visitor_name=record.visitor_name,
                    visitor_email=record.visitor_email,
                    visitor_phone=record.visitor_phone,
                    subject=record.subject,
                    occurred_at=record.started_at,
                )
            except HouselightsError as error:
                outcomes.append((record.item, str(error)))
                continue
            outcomes.append((record.item, result))
    return outcomes


def import_chats(
    app,
    chat_file: ChatFile,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> dict:
    # Refused as a whole, before anything is read or saved (a door volunteer, say),
    # rather than every chat rejected one by one by the check on each save.
    app.require_may_record("Chat.Imported", what="import chats")
    rejected: list[dict] = list(chat_file.rejected)
    counts = {"imported": 0, "linked": 0, "unmatched": 0}
    total = len(chat_file.chats)
    if progress is not None:
        progress(0, total, "")
    done = 0
    while done < total:
        if cancelled is not None and cancelled():
            break
        chunk = chat_file.chats[done : done + CHUNK]
        try:
            outcomes = _save_chunk(app, chunk)
        except IntegrityError:
            # Another workstation imported some of these chats at the same moment:
            # once more, finding theirs as already imported.
            outcomes = _save_chunk(app, chunk)
        # counted once the chunk is saved: a failed save counts nothing
        for item, outcome in outcomes:
            if isinstance(outcome, str):
                rejected.append({"item": item, "reason": outcome})
            elif outcome.new:
                counts["imported"] += 1
                counts["linked" if outcome.patron_id else "unmatched"] += 1
        done += len(chunk)
        if progress is not None:
            progress(done, total, "")
    rejected.sort(key=lambda r: r["item"])
    return {**counts, "rejected": rejected}
