"""Reading chat transcripts: live-chat JSON exports, CSV exports and pasted text.

``read_chat_text(text)`` (and ``read_chat_file(path)``) turn what a live-chat
service exported into ``ChatRecord``s, each with its visitor's name, email and
phone and its messages (``{"at", "sender", "name", "text"}``, sender one of
visitor, agent, system), plus a list of what could not be read, each with its
item number and a reason a volunteer understands. Nothing is dropped silently.

Understood without any setting:

* **JSON** conversation exports: Zendesk Chat (``visitor`` + ``history`` of
  ``chat.msg``), Intercom (``source`` + ``conversation_parts``), Crisp
  (``session_id`` + ``meta`` + ``messages`` from user/operator, and its REST
  API's answer ``{"error": false, "reason": ..., "data": [messages]}``),
  Chatwoot (its API's conversation list ``{"data": {"meta", "payload":
  [conversations with "meta": {"sender"} and "messages"]}}`` and its messages
  endpoint ``{"meta": {"contact"}, "payload": [messages]}``; message_type 0 is
  the visitor, 1 and 3 staff, 2 activity that nobody said), Freshchat (its
  API's ``{"messages": [...]}`` with ``message_parts`` and ``actor_type``
  user/agent/bot/system, grouped by ``conversation_id``), tawk.to transcripts
  (``chat`` with ``visitor`` and ``messages`` whose sender ``t`` is v/a/s),
  LiveChat archives (``users`` + ``thread(s)`` of ``events``) and a generic
  shape (``messages`` with sender, name, text and time). One conversation, a
  list of them, or an object holding the list under
  ``chats``/``conversations``/``data``/``items``. Private notes (Chatwoot,
  Crisp, Freshchat) are kept, marked "(private note)" and filed as system
  messages: staff wrote them, the visitor never saw them. The item number is
  the conversation's place in the file (1 is the first).
* **CSV** exports with one row per message (a message column, a conversation
  id column to group them) or one row per chat (a transcript column). The
  item number is the row number as a spreadsheet shows it.
* **Plain-text** transcripts as pasted from a chat window: optional header
  lines (``Name:``, ``Visitor:``, ``Email:``, ``Phone:``, ``Date:``) or a title
  ``Chat with <name>``, then lines like ``[12:01] Visitor: Is there parking?``;
  lines that do not start a message continue the one before. The visitor named
  in the header is the visitor in the lines too (``José`` for ``José García``,
  accents and case aside). Several transcripts are separated by a line of
  dashes. The item number is the transcript's place (1 is the first).
* **Text copied from a chat widget**, where each message is a line with the
  sender's name and then a line with the time (``José García`` / ``9:15 AM``),
  or one line with both (``José García · 9:15 AM``), followed by the message's
  lines; "Today", "Yesterday" or a date may stand before the time. Who is the
  visitor must be told by the text (a ``Visitor:`` or ``Name:`` line, a
  ``Chat with`` title, a role such as ``Maria (agent)``, or every other
  speaker being staff): otherwise the transcript is refused with the reason,
  never guessed.

Times without a time zone are read in the given zone (this computer's by
default); a transcript that gives times only takes its day from ``Date:`` or,
failing that, from ``today``.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path

from domain.contact import clean_text, fold
from domain.conversations import clean_notes, transcript_fingerprint
from domain.errors import HouselightsError
from imports.sales_values import ValueProblem, parse_moment, zone

MAX_BYTES = 100 * 1024 * 1024
VISITOR_WORDS = {
    "visitor",
    "customer",
    "client",
    "user",
    "contact",
    "lead",
    "guest",
    "v",
    "end-user",
    "enduser",
    "end user",
    "patron",
    "you",
}
AGENT_WORDS = {
    "agent",
    "operator",
    "admin",
    "staff",
    "support",
    "a",
    "team",
    "owner",
    "box office",
    "box-office",
    "office",
}
SYSTEM_WORDS = {"system", "bot", "s", "trigger", "automated", "automation", "auto"}


class UnreadableChatFile(HouselightsError):
    """A chat export that cannot be used at all (missing, empty, not a known shape)."""


@dataclass
class ChatRecord:
    item: int
    service: str
    conversation_id: str
    messages: list[dict]
    visitor_name: str = ""
    visitor_email: str = ""
    visitor_phone: str = ""
    subject: str = ""

    @property
    def started_at(self) -> datetime:
        return datetime.fromisoformat(self.messages[0]["at"])


@dataclass
class ChatFile:
    name: str
    kind: str
    chats: list[ChatRecord] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)

    def reject(self, item: int, reason: str) -> None:
        self.rejected.append({"item": item, "reason": reason})


class _Problem(ValueError):
    """Why one conversation cannot be read."""


# -- small readers -------------------------------------------------------------------
def _shown(value, limit: int = 60) -> str:
    """A value quoted in a reason: on one line, and cut short when it is long."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def sender_kind(text: object) -> str | None:
    word = clean_text(str(text or "")).lower().strip("()[]:")
    if word in VISITOR_WORDS:
        return "visitor"
    if word in AGENT_WORDS:
        return "agent"
    if word in SYSTEM_WORDS:
        return "system"
    return None


def _moment(value, local: tzinfo, what: str) -> datetime:
    """A moment from ISO text, a spreadsheet-style date, or epoch seconds/milliseconds."""
    if isinstance(value, bool) or value is None or value == "":
        raise _Problem(f"{what} has no time.")
    number = None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str) and re.fullmatch(r"\d{9,13}(\.\d+)?", value.strip()):
        number = float(value.strip())
    if number is not None:
        if number > 1e11:  # milliseconds
            number /= 1000
        try:
            return datetime.fromtimestamp(number, UTC)
        except (OverflowError, OSError, ValueError):
            raise _Problem(f"{what}: “{_shown(value)}” is not a time we can read.") from None
    try:
        return parse_moment(str(value), local, what="time").at
    except ValueProblem:
        raise _Problem(
            f"{what}: “{_shown(value)}” is not a date and time we can read. "
            "Use a form like 2026-11-20 14:05."
        ) from None


def _text(value) -> str:
    """Message text; HTML bodies (Intercom) become plain text."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return ""
    if "<" in value and ">" in value:
        value = re.sub(r"(?i)<br\s*/?>|</p>\s*<p[^>]*>", "\n", value)
        value = re.sub(r"<[^>]+>", "", value)
        value = html.unescape(value)
    return clean_notes(value)


def _file_note(data: dict) -> str:
    """'(file: receipt.pdf)': an attachment is never dropped without a word."""
    name = _pick(data, "name", "filename", "file_name", "url")
    return f"(file: {name})" if name else "(file)"


def _object(value: object) -> dict:
    """``value`` when it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def _pick(data: object, *keys: str, default=""):
    for key in keys:
        if isinstance(data, dict) and data.get(key) not in (None, ""):
            return data[key]
    return default


def _plain(value) -> str:
    """A name, email, phone or id as text: numbers read as written; a list, an object
    or a yes/no where text belongs reads as nothing."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, str | int | float):
        return clean_text(str(value))
    return ""


def _ref(value: object) -> str | int | None:
    """An id that refers to something else in the export (a LiveChat user), or None."""
    return value if isinstance(value, str | int) and not isinstance(value, bool) else None


def _message(at: datetime, sender: str, name, text: str) -> dict:
    return {
        "at": at.astimezone(UTC).isoformat(),
        "sender": sender,
        "name": _plain(name),
        "text": text,
    }


def _finish(record: ChatRecord) -> ChatRecord:
    """Sort messages by time; fill the visitor's name; give a hash id when there is none."""
    if not record.messages:
        raise _Problem("This conversation has no messages.")
    record.messages.sort(key=lambda m: m["at"])
    if not record.visitor_name:
        record.visitor_name = next(
            (m["name"] for m in record.messages if m["sender"] == "visitor" and m["name"]), ""
        )
    record.visitor_name = _plain(record.visitor_name)
    record.visitor_email = _plain(record.visitor_email).lower()
    record.visitor_phone = _plain(record.visitor_phone)
    record.subject = _plain(record.subject)
    record.conversation_id = _plain(record.conversation_id)
    if not record.conversation_id:
        record.conversation_id = transcript_fingerprint(record.messages)
    return record


# -- JSON ----------------------------------------------------------------------------
def _is_crisp_message(m) -> bool:
    return isinstance(m, dict) and "from" in m and "session_id" in m and "messages" not in m


def _is_freshchat_message(m) -> bool:
    return isinstance(m, dict) and ("message_parts" in m or "actor_type" in m)


def _is_chatwoot_message(m) -> bool:
    return isinstance(m, dict) and "message_type" in m and ("content" in m or "sender" in m)


def _grouped(messages: list, key: str, service_key: str) -> list:
    """Messages of several conversations, one after another, as one entry each."""
    groups: dict[str, list] = {}
    for m in messages:
        groups.setdefault(str(m.get(key) or "") if isinstance(m, dict) else "", []).append(m)
    return [
        {service_key: True, key: conversation, "messages": ms}
        for conversation, ms in groups.items()
    ]


def _conversations(data) -> list:
    if isinstance(data, dict) and data.get("error") is True:
        raise UnreadableChatFile(
            "This file is an error answer from the chat service "
            f"(“{_shown(data.get('reason') or data.get('message') or 'error')}”), not "
            "conversations. Fetch the conversations again and save that answer."
        )
    if isinstance(data, dict) and isinstance(data.get("data"), dict | list) and "error" in data:
        data = data["data"]  # Crisp's REST API: {"error": false, "reason": ..., "data": ...}
    if isinstance(data, dict) and isinstance(data.get("data"), dict):
        inner = data["data"]  # Chatwoot's conversation list: {"data": {"meta", "payload"}}
        if isinstance(inner.get("payload"), list):
            return inner["payload"]
    if (
        isinstance(data, dict)
        and isinstance(data.get("payload"), list)
        and any(_is_chatwoot_message(m) for m in data["payload"])
    ):  # Chatwoot's messages of one conversation: {"meta": {"contact"}, "payload": [...]}
        return [
            {
                "_chatwoot_messages": True,
                "meta": data.get("meta") or {},
                "messages": data["payload"],
            }
        ]
    if (
        isinstance(data, dict)
        and isinstance(data.get("messages"), list)
        and any(_is_freshchat_message(m) for m in data["messages"])
    ):  # Freshchat's API: {"messages": [...], "link": ...}
        return _grouped(data["messages"], "conversation_id", "_freshchat")
    if isinstance(data, list) and data and all(_is_crisp_message(m) for m in data):
        return _grouped(data, "session_id", "_crisp")
    if isinstance(data, list) and data and all(_is_freshchat_message(m) for m in data):
        return _grouped(data, "conversation_id", "_freshchat")
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        for key in ("chats", "conversations", "data", "items", "transcripts", "results"):
            if isinstance(data.get(key), list):
                return _conversations(data[key])
        return [data]
    raise UnreadableChatFile("This JSON file holds no conversations (expected objects).")


def _zendesk(conv: dict, item: int, local) -> ChatRecord:
    visitor = conv.get("visitor") or {}
    record = ChatRecord(
        item,
        "Zendesk Chat",
        str(conv.get("id") or ""),
        [],
        _pick(visitor, "name"),
        _pick(visitor, "email"),
        _pick(visitor, "phone"),
    )
    if conv.get("type") == "offline_msg" and not conv.get("history"):
        at = _moment(_pick(conv, "timestamp"), local, "The offline message")
        record.messages.append(
            _message(at, "visitor", record.visitor_name, _text(conv.get("message")))
        )
        return record
    for n, entry in enumerate(conv.get("history") or [], start=1):
        if not isinstance(entry, dict):
            raise _Problem(f"Message {n} is not a message.")
        kind_of_entry = entry.get("type", "chat.msg")
        if kind_of_entry not in ("chat.msg", "chat.file"):
            continue  # joins, leaves, ratings: not something anybody said
        nick = str(entry.get("nick") or "")
        kind = sender_kind(nick.split(":", 1)[0]) or sender_kind(entry.get("sender_type"))
        name = str(entry.get("name") or entry.get("display_name") or "")
        if kind is None:
            kind = "visitor" if name and name == record.visitor_name else "agent"
        at = _moment(entry.get("timestamp"), local, f"Message {n}")
        text = _text(entry.get("msg"))
        if kind_of_entry == "chat.file":  # a file sent in the chat: say so, keep its name
            text = _file_note(entry.get("attachment") or {})
        record.messages.append(_message(at, kind, name, text))
    return record


def _intercom(conv: dict, item: int, local) -> ChatRecord:
    record = ChatRecord(
        item,
        "Intercom",
        str(conv.get("id") or ""),
        [],
        subject=_text(_pick(conv.get("source") or {}, "subject")),
    )
    parts = []
    if isinstance(conv.get("source"), dict):
        parts.append({**conv["source"], "created_at": conv.get("created_at")})
    container = conv.get("conversation_parts") or {}
    parts += container.get("conversation_parts", []) if isinstance(container, dict) else container
    for n, part in enumerate(parts, start=1):
        if not isinstance(part, dict):
            raise _Problem(f"Part {n} is not a message.")
        text = _text(part.get("body"))
        if not text and part.get("attachments"):
            text = "; ".join(_file_note(a) for a in part["attachments"] if isinstance(a, dict))
        if not text:
            continue  # assignments, closing, snoozing: no words were said
        author = part.get("author") or {}
        kind = {
            "user": "visitor",
            "lead": "visitor",
            "contact": "visitor",
            "admin": "agent",
            "team": "agent",
            "bot": "system",
        }.get(str(author.get("type")))
        if kind is None:
            raise _Problem(f"Part {n}: the author type “{_shown(author.get('type'))}” is unknown.")
        if kind == "visitor":
            record.visitor_name = record.visitor_name or _pick(author, "name")
            record.visitor_email = record.visitor_email or _pick(author, "email")
        at = _moment(part.get("created_at"), local, f"Part {n}")
        record.messages.append(_message(at, kind, _pick(author, "name"), text))
    return record


def _crisp(conv: dict, item: int, local) -> ChatRecord:
    meta = conv.get("meta") or {}
    record = ChatRecord(
        item,
        "Crisp",
        str(conv.get("session_id") or ""),
        [],
        _pick(meta, "nickname"),
        _pick(meta, "email"),
        _pick(meta, "phone"),
        _text(_pick(meta, "subject")),
    )
    for n, m in enumerate(conv.get("messages") or [], start=1):
        if not isinstance(m, dict):
            raise _Problem(f"Message {n} is not a message.")
        kind = {"user": "visitor", "operator": "agent"}.get(str(m.get("from")))
        if kind is None:
            raise _Problem(f"Message {n}: the sender “{_shown(m.get('from'))}” is unknown.")
        content, kind_of_message = m.get("content"), str(m.get("type") or "text")
        if isinstance(content, str):
            text = _text(content)
        elif isinstance(content, dict) and kind_of_message in (
            "picker",
            "field",
            "carousel",
            "event",
        ):
            text = _text(_pick(content, "text", "explain")) or f"({kind_of_message})"
        elif isinstance(content, dict):
            text = _file_note(content)
        else:
            text = f"({kind_of_message})"
        if kind_of_message == "note":  # an operator's private note: never shown the visitor
            kind, text = "system", f"(private note) {text}"
        elif kind_of_message == "event":
            kind = "system"
        name = _pick(m.get("user") or {}, "nickname")
        at = _moment(m.get("timestamp"), local, f"Message {n}")
        record.messages.append(_message(at, kind, name, text))
    return record


def _tawk(wrapper: dict, item: int, local) -> ChatRecord:
    chat = wrapper.get("chat") or wrapper
    visitor = chat.get("visitor") or {}
    record = ChatRecord(
        item,
        "tawk.to",
        str(chat.get("id") or wrapper.get("chatId") or ""),
        [],
        _pick(visitor, "name"),
        _pick(visitor, "email"),
        _pick(visitor, "phone"),
    )
    for n, m in enumerate(chat.get("messages") or [], start=1):
        if not isinstance(m, dict):
            raise _Problem(f"Message {n} is not a message.")
        sender = m.get("sender") or {}
        kind = {"v": "visitor", "a": "agent", "s": "system"}.get(str(sender.get("t")))
        if kind is None:
            raise _Problem(f"Message {n}: the sender type “{_shown(sender.get('t'))}” is unknown.")
        at = _moment(m.get("time"), local, f"Message {n}")
        record.messages.append(_message(at, kind, _pick(sender, "n"), _text(m.get("msg"))))
    return record


def _livechat(conv: dict, item: int, local) -> ChatRecord:
    users: dict[str | int, dict] = {}
    for u in conv.get("users") or []:
        if isinstance(u, dict) and (ref := _ref(u.get("id"))) is not None:
            users[ref] = u
    customer = next((u for u in users.values() if u.get("type") == "customer"), {})
    record = ChatRecord(
        item,
        "LiveChat",
        str(conv.get("id") or ""),
        [],
        _pick(customer, "name"),
        _pick(customer, "email"),
        _pick(customer, "phone"),
    )
    threads = conv.get("threads") or ([conv["thread"]] if conv.get("thread") else [])
    n = 0
    for thread in threads:
        for event in (thread or {}).get("events") or []:
            n += 1
            if not isinstance(event, dict):
                raise _Problem(f"Event {n} is not a message.")
            if event.get("type") not in ("message", "system_message", "file"):
                continue  # forms, rich messages: structured, not words
            author = users.get(_ref(event.get("author_id")) or "", {})
            if event.get("type") == "system_message":
                kind = "system"
            else:
                said_by = {"customer": "visitor", "agent": "agent"}.get(str(author.get("type")))
                if said_by is None:
                    author_id = _shown(event.get("author_id"))
                    raise _Problem(
                        f"Event {n}: the author “{author_id}” is not among the chat's users."
                    )
                kind = said_by
            at = _moment(event.get("created_at"), local, f"Event {n}")
            text = _file_note(event) if event.get("type") == "file" else _text(event.get("text"))
            record.messages.append(_message(at, kind, _pick(author, "name"), text))
    return record


_CHATWOOT_TYPES = {0: "incoming", 1: "outgoing", 2: "activity", 3: "template"}


def _chatwoot(conv: dict, item: int, local) -> ChatRecord:
    """A Chatwoot conversation (list shape) or the messages of one (messages endpoint)."""
    meta = _object(conv.get("meta"))
    contact = meta.get("sender") or meta.get("contact") or {}
    contact = contact if isinstance(contact, dict) else {}
    messages = conv.get("messages") or []
    first = next((m for m in messages if isinstance(m, dict)), {})
    conversation = conv.get("id") if not conv.get("_chatwoot_messages") else None
    record = ChatRecord(
        item,
        "Chatwoot",
        _plain(conversation or first.get("conversation_id")),
        [],
        _pick(contact, "name"),
        _pick(contact, "email"),
        _pick(contact, "phone_number", "phone"),
    )
    for n, m in enumerate(messages, start=1):
        if not isinstance(m, dict):
            raise _Problem(f"Message {n} is not a message.")
        raw_type = m.get("message_type")
        kind_of_message = (
            _CHATWOOT_TYPES.get(raw_type, "")
            if isinstance(raw_type, int)
            else str(raw_type or "").lower()
        )
        if kind_of_message == "activity":
            continue  # "Conversation was resolved by Maria": nobody said it
        sender = _object(m.get("sender"))
        if kind_of_message == "incoming":
            kind = "visitor"
        elif kind_of_message in ("outgoing", "template"):
            bot = str(sender.get("type") or "").lower() in ("agent_bot", "captain_assistant")
            kind = "system" if bot else "agent"
        else:
            raise _Problem(f"Message {n}: the message type “{_shown(raw_type)}” is unknown.")
        text = _text(m.get("content"))
        files = [a for a in m.get("attachments") or [] if isinstance(a, dict)]
        if files:
            notes = "; ".join(
                _file_note({"name": Path(str(_pick(a, "data_url", "file_url"))).name})
                for a in files
            )
            text = f"{text}\n{notes}" if text else notes
        if not text:
            continue  # an empty message (a read receipt, a deleted message)
        if m.get("private") is True:
            kind, text = "system", f"(private note) {text}"
        name = _pick(sender, "name", "available_name")
        if kind == "visitor":
            record.visitor_name = record.visitor_name or name
            record.visitor_email = record.visitor_email or _pick(sender, "email")
            record.visitor_phone = record.visitor_phone or _pick(sender, "phone_number")
        at = _moment(m.get("created_at"), local, f"Message {n}")
        record.messages.append(_message(at, kind, name, text))
    return record


def _freshchat(conv: dict, item: int, local) -> ChatRecord:
    """Messages of a Freshchat conversation as its API gives them."""
    user = _object(conv.get("user"))
    name = clean_text(f"{_plain(user.get('first_name'))} {_plain(user.get('last_name'))}")
    record = ChatRecord(
        item,
        "Freshchat",
        _plain(conv.get("conversation_id")),
        [],
        name,
        _pick(user, "email"),
        _pick(user, "phone"),
    )
    for n, m in enumerate(conv.get("messages") or [], start=1):
        if not isinstance(m, dict):
            raise _Problem(f"Message {n} is not a message.")
        actor = str(m.get("actor_type") or "").lower()
        kind = {"user": "visitor", "agent": "agent", "bot": "system", "system": "system"}.get(actor)
        if kind is None:
            raise _Problem(
                f"Message {n}: the sender type “{_shown(m.get('actor_type'))}” is unknown."
            )
        texts = []
        for part in m.get("message_parts") or []:
            if not isinstance(part, dict):
                continue
            if isinstance(part.get("text"), dict):
                texts.append(_text(part["text"].get("content")))
            elif isinstance(part.get("image"), dict):
                texts.append(_file_note({"name": Path(str(part["image"].get("url"))).name}))
            elif isinstance(part.get("file"), dict):
                texts.append(_file_note(part["file"]))
            else:  # buttons, quick replies, collections: their label, never nothing
                inner = next((v for v in part.values() if isinstance(v, dict)), {})
                texts.append(_text(_pick(inner, "label", "text", "content")) or "(button)")
        text = "\n".join(t for t in texts if t)
        if not text:
            continue
        kind_of_message = str(m.get("message_type") or "normal").lower()
        if kind_of_message == "private":
            kind, text = "system", f"(private note) {text}"
        elif kind_of_message == "system":
            kind = "system"
        at = _moment(m.get("created_time"), local, f"Message {n}")
        record.messages.append(_message(at, kind, "", text))
    return record


def _generic(conv: dict, item: int, local) -> ChatRecord:
    visitor = _pick(conv, "visitor", "customer", "contact", "user", default={})
    visitor = visitor if isinstance(visitor, dict) else {"name": str(visitor)}
    record = ChatRecord(
        item,
        clean_text(str(_pick(conv, "service", "source", "platform", default=""))) or "Chat export",
        str(_pick(conv, "id", "conversation_id", "chat_id", "session_id")),
        [],
        _pick(visitor, "name", "nickname") or _pick(conv, "visitor_name", "name"),
        _pick(visitor, "email") or _pick(conv, "visitor_email", "email"),
        _pick(visitor, "phone") or _pick(conv, "visitor_phone", "phone"),
        _text(_pick(conv, "subject", "topic", "title")),
    )
    for n, m in enumerate(conv.get("messages") or [], start=1):
        if not isinstance(m, dict):
            raise _Problem(f"Message {n} is not a message.")
        sender = m.get("sender") or m.get("author") or m.get("from") or ""
        name = _pick(m, "name", "sender_name", "author_name", "nickname")
        kind_text = _pick(m, "sender_type", "author_type", "role", "type")
        if isinstance(sender, dict):
            name = name or _pick(sender, "name", "nickname")
            kind_text = kind_text or _pick(sender, "type", "role")
        elif sender_kind(sender):
            kind_text = kind_text or sender
        else:
            name = name or sender
        kind = sender_kind(kind_text)
        if kind is None and name and name == record.visitor_name:
            kind = "visitor"
        if kind is None:
            who = _shown(name or kind_text)
            raise _Problem(
                f"Message {n}: we cannot tell whether “{who}” is the visitor or "
                "staff (give each message a sender type)."
            )
        at = _moment(
            _pick(m, "time", "timestamp", "created_at", "sent_at", "date", "ts"),
            local,
            f"Message {n}",
        )
        text = _text(_pick(m, "text", "message", "msg", "body", "content"))
        record.messages.append(_message(at, kind, name, text))
    return record


def _read_json_conversation(conv, item: int, local) -> ChatRecord:
    if not isinstance(conv, dict):
        raise _Problem("This entry is not a conversation (expected an object with messages).")
    if conv.get("_chatwoot_messages") or any(
        _is_chatwoot_message(m) for m in conv.get("messages") or []
    ):
        return _chatwoot(conv, item, local)
    if conv.get("_freshchat") or any(_is_freshchat_message(m) for m in conv.get("messages") or []):
        return _freshchat(conv, item, local)
    if conv.get("_crisp"):
        return _crisp(conv, item, local)
    if "history" in conv or conv.get("type") == "offline_msg":
        return _zendesk(conv, item, local)
    if "conversation_parts" in conv or conv.get("type") == "conversation":
        return _intercom(conv, item, local)
    if "session_id" in conv and "messages" in conv:
        return _crisp(conv, item, local)
    if isinstance(conv.get("chat"), dict) or (
        "messages" in conv
        and any(
            isinstance(m, dict) and isinstance(m.get("sender"), dict) and "t" in m["sender"]
            for m in conv["messages"] or []
        )
    ):
        return _tawk(conv, item, local)
    if "users" in conv and ("thread" in conv or "threads" in conv):
        return _livechat(conv, item, local)
    if "messages" in conv:
        return _generic(conv, item, local)
    if "session_id" in conv and "meta" in conv:
        raise _Problem(
            "This Crisp conversation comes without its messages (a conversation "
            "list holds only the last one). Export the messages of each "
            "conversation instead."
        )
    raise _Problem(
        "This entry has no messages we recognise (no messages, history, "
        "conversation_parts or thread)."
    )


def _read_json(text: str, result: ChatFile, local) -> None:
    try:
        data = json.loads(text)
    except RecursionError:
        raise UnreadableChatFile(
            "This file is nested far deeper than any chat export: it cannot be read."
        ) from None
    except json.JSONDecodeError as error:
        raise UnreadableChatFile(
            f"This file is not valid JSON (line {error.lineno}, column {error.colno}: "
            f"{error.msg}). Export the chats again, or paste the transcript as text."
        ) from None
    conversations = _conversations(data)
    kinds = set()
    for item, conv in enumerate(conversations, start=1):
        try:
            record = _finish(_read_json_conversation(conv, item, local))
        except _Problem as problem:
            result.reject(item, str(problem))
            continue
        except (TypeError, AttributeError, KeyError, IndexError, ValueError, RecursionError):
            # a shape no service writes (a list where a name belongs, ...): left out, said
            result.reject(
                item,
                "This conversation has values of the wrong kind in it (for "
                "example a list where a name or a time belongs), so it was left "
                "out. The export may be damaged: export it again.",
            )
            continue
        kinds.add(record.service)
        result.chats.append(record)
    result.kind = "JSON" + (f" ({', '.join(sorted(kinds))})" if kinds else "")


# -- plain text ------------------------------------------------------------------------
_LINE = re.compile(
    r"^\s*[\[(]?(?P<stamp>(?:\d{4}-\d{2}-\d{2}[ T])?\d{1,2}:\d{2}(?::\d{2})?"
    r"\s*(?:[AaPp]\.?[Mm]\.?)?)"
    r"[\])]?\s*[-–—]?\s*(?P<who>[^:\n]{1,60}?)\s*:\s?(?P<text>.*)$"
)
_HEADER = re.compile(
    r"^\s*(?P<key>name|visitor|email|e-mail|phone|telephone|date|service|"
    r"chat id|conversation id|id|subject)\s*:\s*(?P<value>.*)$",
    re.I,
)
_SEPARATOR = re.compile(r"^\s*(-{3,}|={3,})\s*$")
_ROLE_SUFFIX = re.compile(r"\s*\((?P<role>[^)]*)\)\s*$")


def split_transcripts(text: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        if _SEPARATOR.match(line):
            parts.append("\n".join(current))
            current = []
        else:
            current.append(line)
    parts.append("\n".join(current))
    return [p for p in parts if p.strip()]


def _same_person(who: str, visitor_name: str) -> bool:
    """'José' and 'José García' (or 'jose garcia'): the same person, as chat windows
    shorten names to the first one; accents and case aside."""
    a, b = fold(clean_text(who)), fold(clean_text(visitor_name))
    if not a or not b:
        return False
    return a == b or b.startswith(a + " ") or a.startswith(b + " ")


def _speaker(who: str, visitor_name: str) -> tuple[str | None, str]:
    """(kind or None when unknown, the name shown) for 'Maria (agent)', 'Visitor', 'Ada'."""
    who = clean_text(who)
    role = _ROLE_SUFFIX.search(who)
    if role:
        name = who[: role.start()].strip()
        return sender_kind(role.group("role")) or None, name
    kind = sender_kind(who)
    if kind is not None:
        return kind, ""
    if _same_person(who, visitor_name):
        return "visitor", who
    return None, who


_TITLE_VISITOR = re.compile(
    r"^\s*(?:live\s+)?(?:chat|conversation|transcript)\s+(?:with|from)\s+(?P<name>.+?)\s*$", re.I
)


def _title_visitor(title: list[str]) -> str:
    """The visitor a title names: 'Chat with José García (22 Nov)' -> 'José García'."""
    for line in title:
        match = _TITLE_VISITOR.match(line)
        if not match:
            continue
        name = re.split(r"\s+[-–—|·]\s+|\s*\(|\s+on\s+|,", match.group("name"), maxsplit=1)[0]
        words = fold(name).split()
        if (
            words
            and words[0] not in ("a", "an", "the", "our", "your", "us")
            and not any(w in VISITOR_WORDS or w in AGENT_WORDS for w in words)
        ):
            return clean_text(name)
    return ""


# -- text copied from a chat widget -----------------------------------------------------
_CLOCK = re.compile(r"(?P<clock>\b\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp]\.?\s?[Mm]\.?)?)\s*$")
_STATUS_LINES = {"sent", "seen", "delivered", "read", "edited", "not delivered"}
_NAME_AND_TIME = re.compile(r"\s+(?:[·•|–—-]|at)\s+|,\s+|\s+\(")


_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
#: a day written on its own: "22/11/2026", "2026-11-22", "22 Nov 2026", "Sat, Nov 22"
_DATEISH = re.compile(
    rf"(?i)^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
    rf"(?:\d{{1,4}}[/.-]\d{{1,2}}[/.-]\d{{1,4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?:,?\s+\d{{4}})?"
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?)$"
)
_CLOCK_PARTS = re.compile(
    r"^(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?\s*(?:(?P<half>[AaPp])\.?\s?[Mm]\.?)?$"
)


def _clock_on(day: date, clock: str, local) -> datetime | None:
    """The moment of '9:15 AM' / '21:15:30' on a day, in the given zone; None if no time."""
    match = _CLOCK_PARTS.match(clock.strip())
    if not match:
        return None
    hour, minute, second = int(match["h"]), int(match["m"]), int(match["s"] or 0)
    if match["half"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match["half"] in "Pp" else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=local)


def _day_of(text: str, local, today: date) -> date | None:
    """The day a text names on its own ('Today', 'Yesterday', '22 Nov 2026'), or None."""
    text = clean_text(text).rstrip(",").strip()
    word = text.casefold()
    if word == "today":
        return today
    if word == "yesterday":
        return today - timedelta(days=1)
    if not text or len(text) > 40 or not _DATEISH.match(text):
        return None
    try:
        moment = parse_moment(text, local, what="date")
    except ValueProblem:
        return None
    return None if moment.has_time else moment.at.date()


def _when(text: str, local, today: date) -> tuple[date | None, str] | None:
    """(day or None, clock) when the whole line is a time, perhaps after a day."""
    text = clean_text(text)
    match = _CLOCK.search(text)
    if not match:
        return None
    prefix = re.sub(r"(?i)\s+at$", "", text[: match.start()].strip()).strip().rstrip(",")
    if not prefix:
        return None, match.group("clock")
    day = _day_of(prefix, local, today)
    return (day, match.group("clock")) if day is not None else None


#: a line ending in one of these is a sentence cut by a time ("See you at" / "7:30 PM")
_NOT_NAME_ENDINGS = {
    "at",
    "on",
    "in",
    "by",
    "from",
    "to",
    "until",
    "till",
    "for",
    "and",
    "or",
    "the",
    "a",
    "about",
    "around",
    "after",
    "before",
    "is",
    "starts",
    "opens",
    "doors",
}


def _looks_like_name(text: str) -> bool:
    text = clean_text(text)
    role = _ROLE_SUFFIX.search(text)
    bare = text[: role.start()] if role else text
    words = bare.casefold().split()
    return (
        0 < len(text) <= 50
        and 0 < len(words) <= 5
        and bool(re.search(r"[^\W\d_]", bare))
        and not re.search(r"[\d?!:;@/]|https?|\.$", bare)
        and text.casefold() not in _STATUS_LINES
        and words[-1] not in _NOT_NAME_ENDINGS
    )


def _block_at(lines: list[tuple[int, str]], i: int, local, today: date):
    """(who, (day, clock), lines used) when a message starts at line i, else None."""
    text = lines[i][1].strip()
    if _when(text, local, today) is not None:
        return None  # a time line on its own belongs to the name line above it
    if _looks_like_name(text) and i + 1 < len(lines):
        when = _when(lines[i + 1][1], local, today)
        if when is not None:
            return text, when, 2
    match = _CLOCK.search(text)
    if match:
        prefix = re.sub(r"(?i)\s+at$", "", text[: match.start()].strip())
        prefix = re.sub(r"[\s·•|–—,-]+$", "", prefix)
        parts = _NAME_AND_TIME.split(prefix, maxsplit=1)
        who = parts[0].strip()
        day = _day_of(parts[1].rstrip(") "), local, today) if len(parts) > 1 else None
        if _looks_like_name(who) and (
            len(parts) == 1 or day is not None or _ROLE_SUFFIX.search(prefix)
        ):
            if len(parts) > 1 and day is None:  # 'Maria (agent) 9:15': the role, kept
                who = prefix.strip()
            return who, (day, match.group("clock")), 1
    return None


def _widget_entries(lines: list[tuple[int, str]], local, today: date):
    """Messages of text copied from a chat widget, and the title lines above them."""
    entries: list[dict] = []
    title: list[str] = []
    day: date | None = None
    i = 0
    while i < len(lines):
        number, line = lines[i]
        block = _block_at(lines, i, local, today)
        if block is not None:
            who, (own_day, clock), used = block
            entries.append(
                {
                    "line": number,
                    "who": who,
                    "day": own_day or day,
                    "dated": own_day is not None or day is not None,
                    "clock": clock,
                    "text": [],
                }
            )
            i += used
            continue
        said_day = _day_of(line, local, today)
        if said_day is not None and i + 1 < len(lines) and _block_at(lines, i + 1, local, today):
            day = said_day  # a day heading between messages ('Yesterday', '22 Nov 2026')
        elif entries:
            if line.strip().casefold() not in _STATUS_LINES:
                entries[-1]["text"].append(line)
        elif line.strip():
            title.append(line.strip())
        i += 1
    return entries, title


def _roles(names: list[str], visitor_name: str) -> dict[str, str]:
    """Each speaker's kind; a _Problem when the text does not tell who the visitor is."""
    said = {name: _speaker(name, visitor_name)[0] for name in dict.fromkeys(names)}
    kinds = {name: kind for name, kind in said.items() if kind is not None}
    unknown = [name for name, kind in said.items() if kind is None]
    if unknown:
        if "visitor" in kinds.values() or visitor_name:
            kinds.update(dict.fromkeys(unknown, "agent"))
        elif len(unknown) == 1:
            kinds[unknown[0]] = "visitor"  # everybody else is staff, as the text says
        else:
            shown = " and ".join(f"“{_shown(_speaker(n, '')[1] or n, 40)}”" for n in unknown)
            raise _Problem(
                f"We cannot tell which of {shown} is the visitor: the text does not say. "
                "Add a line “Visitor: <their name>” above the messages and paste again."
            )
    return {name: kinds[name] for name in said}  # in the order they first spoke


def parse_transcript(
    text: str, item: int, local, today: date, service: str = "Pasted transcript"
) -> ChatRecord:
    headers: dict[str, str] = {}
    title: list[str] = []
    raw: list[dict] = []
    rest: list[tuple[int, str]] = []  # the lines that are not headers, for widget text
    for number, line in enumerate(text.splitlines(), start=1):
        match = _LINE.match(line)
        if match:
            raw.append({"line": number, **match.groupdict()})
            continue
        header = _HEADER.match(line)
        if header and not raw:
            key = header.group("key").lower().replace("e-mail", "email")
            key = key.replace("telephone", "phone")
            key = {"visitor": "name", "chat id": "id", "conversation id": "id"}.get(key, key)
            headers[key] = header.group("value").strip()
        elif raw:
            raw[-1]["text"] += "\n" + line
        else:
            rest.append((number, line))
            if line.strip():
                title.append(line.strip())
    day = today
    if headers.get("date"):
        try:
            day = parse_moment(headers["date"], local, what="date").at.date()
        except ValueProblem as problem:
            raise _Problem(str(problem)) from None
    if not raw:
        return _widget_transcript(rest, headers, item, local, day, service)
    visitor_name = headers.get("name", "") or _title_visitor(title)
    record = ChatRecord(
        item,
        headers.get("service") or service,
        headers.get("id", ""),
        [],
        visitor_name,
        headers.get("email", ""),
        headers.get("phone", ""),
        headers.get("subject", "") or " ".join(title),
    )
    unknown_first: str | None = None
    # A visitor the header or a role ("Visitor:") names makes every unknown name staff.
    visitor_known = bool(visitor_name) or any(
        _speaker(entry["who"], visitor_name)[0] == "visitor" for entry in raw
    )
    previous: datetime | None = None
    for entry in raw:
        stamp = entry["stamp"].strip()
        try:
            if re.match(r"\d{4}-\d{2}-\d{2}", stamp):
                at = parse_moment(stamp, local, what="time").at
            else:
                clock = parse_moment(f"{day.isoformat()} {stamp}", local, what="time").at
                at = clock
                if previous is not None and at < previous - timedelta(hours=1):
                    at += timedelta(days=1)  # the chat went on past midnight
                    day = at.date()
        except ValueProblem:
            raise _Problem(f"Line {entry['line']}: “{stamp}” is not a time we can read.") from None
        previous = at
        kind, name = _speaker(entry["who"], visitor_name)
        if kind is None:
            # Nobody said who is who: whoever speaks first is the visitor, the rest staff.
            unknown_first = unknown_first or name
            kind = "visitor" if name == unknown_first and not visitor_known else "agent"
        record.messages.append(_message(at, kind, name, clean_notes(entry["text"])))
    return record


def _widget_transcript(
    lines: list[tuple[int, str]], headers: dict, item: int, local, day: date, service: str
) -> ChatRecord:
    entries, title = _widget_entries(lines, local, day)
    if not entries:
        raise _Problem(
            "No message lines found. Each message starts with a time and who wrote it, e.g. "
            "“[12:01] Visitor: Is there parking?”, or, as copied from a chat window, with a "
            "line with the name and a line with the time."
        )
    visitor_name = headers.get("name", "") or _title_visitor(title)
    kinds = _roles([entry["who"] for entry in entries], visitor_name)
    record = ChatRecord(
        item,
        headers.get("service") or service,
        headers.get("id", ""),
        [],
        visitor_name,
        headers.get("email", ""),
        headers.get("phone", ""),
        headers.get("subject", "") or " ".join(title),
    )
    previous: datetime | None = None
    for entry in entries:
        on = entry["day"] or day
        at = _clock_on(on, entry["clock"], local)
        if at is None:
            raise _Problem(f"Line {entry['line']}: “{entry['clock']}” is not a time we can read.")
        if not entry["dated"] and previous is not None and at < previous - timedelta(hours=1):
            at += timedelta(days=1)  # the chat went on past midnight
            day = at.date()
        previous = at
        text = clean_notes("\n".join(entry["text"]))
        if not text:
            continue  # a name and a time with nothing said (a picture the copy left out)
        name = _speaker(entry["who"], visitor_name)[1] or entry["who"]
        if sender_kind(name):
            name = ""
        record.messages.append(_message(at, kinds[entry["who"]], name, text))
    if not record.messages:
        raise _Problem("The messages found have no text.")
    return record


def _read_text(text: str, result: ChatFile, local, today: date) -> None:
    result.kind = "Plain-text transcript"
    for item, part in enumerate(split_transcripts(text), start=1):
        try:
            result.chats.append(_finish(parse_transcript(part, item, local, today)))
        except _Problem as problem:
            result.reject(item, str(problem))


# -- CSV -------------------------------------------------------------------------------
CSV_COLUMNS = {
    "conversation_id": (
        "conversation id",
        "chat id",
        "session id",
        "thread id",
        "ticket id",
        "conversation",
        "id",
    ),
    "time": (
        "timestamp",
        "time",
        "sent at",
        "created at",
        "date time",
        "datetime",
        "message time",
        "date",
    ),
    "sender_type": ("sender type", "author type", "from type", "role", "user type", "type"),
    "sender": ("sender", "sender name", "author", "author name", "from", "name", "user"),
    "text": ("message", "text", "body", "content", "msg", "message text"),
    "transcript": ("transcript", "chat transcript", "conversation transcript", "messages", "chat"),
    "visitor_name": (
        "visitor name",
        "customer name",
        "contact name",
        "client name",
        "visitor",
        "customer",
    ),
    "visitor_email": ("visitor email", "customer email", "contact email", "email", "e mail"),
    "visitor_phone": (
        "visitor phone",
        "customer phone",
        "contact phone",
        "phone",
        "telephone",
        "mobile",
    ),
    "service": ("service", "source", "platform", "channel"),
}


def _key(header: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", header.casefold()).split())


def _columns(headers: list[str]) -> dict[str, int]:
    keys = [_key(h) for h in headers]
    found: dict[str, int] = {}
    taken: set[int] = set()
    for name, aliases in CSV_COLUMNS.items():
        for alias in aliases:
            if alias in keys and keys.index(alias) not in taken:
                found[name] = keys.index(alias)
                taken.add(found[name])
                break
    return found


def _read_csv(text: str, result: ChatFile, local, today: date) -> None:
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    # Row numbers as a spreadsheet shows them: one per record, blank ones counted.
    rows = [(n, r) for n, r in enumerate(reader, start=1) if any(c.strip() for c in r)]
    if not rows:
        raise UnreadableChatFile("The file is empty.")
    headers = rows[0][1]
    columns = _columns(headers)
    body = [r for _n, r in rows[1:]]
    line_of = [n for n, _r in rows[1:]]

    def cell(row: list[str], name: str) -> str:
        index = columns.get(name)
        return row[index].strip() if index is not None and index < len(row) else ""

    if "text" in columns:
        result.kind = "CSV (one row per message)"
        groups: dict[str, list[tuple[int, list[str]]]] = {}
        for row, line in zip(body, line_of, strict=True):
            groups.setdefault(cell(row, "conversation_id"), []).append((line, row))
        for conversation, members in groups.items():
            first = members[0][1]
            record = ChatRecord(
                members[0][0],
                cell(first, "service") or "CSV export",
                conversation,
                [],
                cell(first, "visitor_name"),
                cell(first, "visitor_email"),
                cell(first, "visitor_phone"),
            )
            unknown_first: str | None = None
            try:
                for line, row in members:
                    record.visitor_name = record.visitor_name or cell(row, "visitor_name")
                    record.visitor_email = record.visitor_email or cell(row, "visitor_email")
                    record.visitor_phone = record.visitor_phone or cell(row, "visitor_phone")
                    kind, name = _speaker(cell(row, "sender"), record.visitor_name)
                    kind = sender_kind(cell(row, "sender_type")) or kind
                    if kind is None:
                        unknown_first = unknown_first or name
                        kind = "visitor" if name == unknown_first else "agent"
                    try:
                        at = _moment(cell(row, "time"), local, f"Row {line}")
                    except _Problem as problem:
                        record.item = line
                        raise problem
                    text = clean_notes(cell(row, "text"))
                    record.messages.append(_message(at, kind, name, text))
                result.chats.append(_finish(record))
            except _Problem as problem:
                result.reject(
                    record.item,
                    f"{problem} (the conversation {conversation or 'in this file'} was left out).",
                )
        return
    if "transcript" in columns:
        result.kind = "CSV (one row per chat)"
        for row, line in zip(body, line_of, strict=True):
            try:
                day = today
                if cell(row, "time"):
                    day = (
                        _moment(cell(row, "time"), local, "The chat's date")
                        .astimezone(local)
                        .date()
                    )
                record = parse_transcript(
                    cell(row, "transcript"), line, local, day, cell(row, "service") or "CSV export"
                )
                record.conversation_id = cell(row, "conversation_id") or record.conversation_id
                record.visitor_name = cell(row, "visitor_name") or record.visitor_name
                record.visitor_email = cell(row, "visitor_email") or record.visitor_email
                record.visitor_phone = cell(row, "visitor_phone") or record.visitor_phone
                result.chats.append(_finish(record))
            except _Problem as problem:
                result.reject(line, str(problem))
        return
    raise UnreadableChatFile(
        "This CSV file has neither a message column (one row per message) nor a transcript "
        f"column (one row per chat). Its columns are: {_shown(', '.join(headers), 200)}."
    )


# -- entry points ----------------------------------------------------------------------
def _looks_like_csv(text: str) -> bool:
    first = next((line for line in text.splitlines() if line.strip()), "")
    if _LINE.match(first) or _HEADER.match(first):
        return False
    cells = next(csv.reader([first], delimiter=max(",;\t|", key=first.count)))
    columns = _columns(cells)
    return len(cells) > 1 and ("text" in columns or "transcript" in columns)


def read_chat_text(
    text: str,
    name: str = "pasted text",
    timezone: str | tzinfo | None = None,
    today: date | None = None,
) -> ChatFile:
    """Read an export or a pasted transcript, whichever shape it has."""
    local = zone(timezone)
    today = today or datetime.now(local).date()
    text = (text or "").lstrip("\ufeff")
    result = ChatFile(name, "")
    if not text.strip():
        raise UnreadableChatFile("There is nothing to import: the text is empty.")
    stripped = text.lstrip()
    if stripped[0] in "[{" and not _LINE.match(stripped.splitlines()[0]):
        _read_json(text, result, local)
    elif _looks_like_csv(text):
        _read_csv(text, result, local, today)
    else:
        _read_text(text, result, local, today)
    result.rejected.sort(key=lambda r: r["item"])
    return result


def read_chat_file(
    path: str | Path, timezone: str | tzinfo | None = None, today: date | None = None
) -> ChatFile:
    path = Path(path)
    if not path.is_file():
        raise UnreadableChatFile(f"There is no file at {path}.")
    if path.stat().st_size > MAX_BYTES:
        raise UnreadableChatFile(f"{path.name} is larger than 100 MB; export fewer chats at once.")
    text = decode_chat_bytes(path.read_bytes(), path.name)
    return read_chat_text(text, path.name, timezone, today)


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when every other byte of the start is NUL (ASCII
    text saved as UTF-16 by a program that wrote no byte order mark)."""
    start = data[:400]
    if len(start) < 4 or len(start) % 2:
        start = start[: len(start) // 2 * 2]
    if len(start) < 4:
        return None
    even, odd = start[0::2], start[1::2]
    if odd.count(0) > len(odd) * 0.9 and not even.count(0):
        return "utf-16-le"
    if even.count(0) > len(even) * 0.9 and not odd.count(0):
        return "utf-16-be"
    return None


def decode_chat_bytes(data: bytes, name: str = "The file") -> str:
    """A file's text: UTF-8 (with or without a byte order mark), UTF-16 (with a byte
    order mark, or plain text without one), else Windows-1252. Binary data is refused."""
    bom = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    encoding = "utf-16" if bom else _utf16_without_bom(data)
    if encoding is not None:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            raise UnreadableChatFile(
                f"{name} looks like UTF-16 text but is damaged (cut short?). Export it again."
            ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise UnreadableChatFile(
            f"{name} is not a text file (it holds binary data). Choose a chat export "
            "(JSON or CSV) or a saved text transcript."
        )
    return text
