"""Reading chat transcripts: live-chat JSON exports, CSV exports and pasted text.

``read_chat_text(text)`` (and ``read_chat_file(path)``) turn what a live-chat
service exported into ``ChatRecord``s, each with its visitor's name, email and
phone and its messages (``{"at", "sender", "name", "text"}``, sender one of
visitor, agent, system), plus a list of what could not be read, each with its
item number and a reason a volunteer understands. Nothing is dropped silently.

Understood without any setting:

* **JSON** conversation exports: Zendesk Chat (``visitor`` + ``history`` of
  ``chat.msg``), Intercom (``source`` + ``conversation_parts``), Crisp
  (``session_id`` + ``meta`` + ``messages`` from user/operator), tawk.to
  transcripts (``chat`` with ``visitor`` and ``messages`` whose sender ``t`` is
  v/a/s), LiveChat archives (``users`` + ``thread(s)`` of ``events``) and a
  generic shape (``messages`` with sender, name, text and time). One
  conversation, a list of them, or an object holding the list under
  ``chats``/``conversations``/``data``/``items``. The item number is the
  conversation's place in the file (1 is the first).
* **CSV** exports with one row per message (a message column, a conversation
  id column to group them) or one row per chat (a transcript column). The
  item number is the row number as a spreadsheet shows it.
* **Plain-text** transcripts as pasted from a chat window: optional header
  lines (``Name:``, ``Email:``, ``Phone:``, ``Date:``), then lines like
  ``[12:01] Visitor: Is there parking?``; lines that do not start a message
  continue the one before. Several transcripts are separated by a line of
  dashes. The item number is the transcript's place (1 is the first).

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

from domain.contact import clean_text
from domain.conversations import clean_notes, transcript_fingerprint
from domain.errors import HouselightsError
from imports.sales_values import ValueProblem, parse_moment, zone

MAX_BYTES = 100 * 1024 * 1024
VISITOR_WORDS = {"visitor", "customer", "client", "user", "contact", "lead", "guest", "v",
                 "end-user", "enduser", "end user", "patron", "you"}  # fmt: skip
AGENT_WORDS = {"agent", "operator", "admin", "staff", "support", "a", "team", "owner",
               "box office", "box-office", "office"}  # fmt: skip
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


def sender_kind(text: str) -> str | None:
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


def _pick(data: dict, *keys: str, default=""):
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


def _ref(value):
    """An id that refers to something else in the export (a LiveChat user), or None."""
    return value if isinstance(value, str | int) and not isinstance(value, bool) else None


def _message(at: datetime, sender: str, name, text: str) -> dict:
    return {"at": at.astimezone(UTC).isoformat(), "sender": sender,
            "name": _plain(name), "text": text}  # fmt: skip


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
def _conversations(data) -> list:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        for key in ("chats", "conversations", "data", "items", "transcripts", "results"):
            if isinstance(data.get(key), list):
                return data[key]
        return [data]
    raise UnreadableChatFile("This JSON file holds no conversations (expected objects).")


def _zendesk(conv: dict, item: int, local) -> ChatRecord:
    visitor = conv.get("visitor") or {}
    record = ChatRecord(item, "Zendesk Chat", str(conv.get("id") or ""), [],
                        _pick(visitor, "name"), _pick(visitor, "email"),
                        _pick(visitor, "phone"))  # fmt: skip
    if conv.get("type") == "offline_msg" and not conv.get("history"):
        at = _moment(_pick(conv, "timestamp"), local, "The offline message")
        record.messages.append(_message(at, "visitor", record.visitor_name,
                                        _text(conv.get("message"))))  # fmt: skip
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
    record = ChatRecord(item, "Intercom", str(conv.get("id") or ""), [],
                        subject=_text(_pick(conv.get("source") or {}, "subject")))  # fmt: skip
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
        kind = {"user": "visitor", "lead": "visitor", "contact": "visitor", "admin": "agent",
                "team": "agent", "bot": "system"}.get(str(author.get("type")))  # fmt: skip
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
    record = ChatRecord(item, "Crisp", str(conv.get("session_id") or ""), [],
                        _pick(meta, "nickname"), _pick(meta, "email"), _pick(meta, "phone"),
                        _text(_pick(meta, "subject")))  # fmt: skip
    for n, m in enumerate(conv.get("messages") or [], start=1):
        if not isinstance(m, dict):
            raise _Problem(f"Message {n} is not a message.")
        kind = {"user": "visitor", "operator": "agent"}.get(str(m.get("from")))
        if kind is None:
            raise _Problem(f"Message {n}: the sender “{_shown(m.get('from'))}” is unknown.")
        content = m.get("content")
        if isinstance(content, str):
            text = _text(content)
        elif isinstance(content, dict):
            text = _file_note(content)
        else:
            text = f"({m.get('type', 'file')})"
        name = _pick(m.get("user") or {}, "nickname")
        at = _moment(m.get("timestamp"), local, f"Message {n}")
        record.messages.append(_message(at, kind, name, text))
    return record


def _tawk(wrapper: dict, item: int, local) -> ChatRecord:
    chat = wrapper.get("chat") or wrapper
    visitor = chat.get("visitor") or {}
    record = ChatRecord(item, "tawk.to", str(chat.get("id") or wrapper.get("chatId") or ""), [],
                        _pick(visitor, "name"), _pick(visitor, "email"),
                        _pick(visitor, "phone"))  # fmt: skip
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
    users = {_ref(u.get("id")): u for u in conv.get("users") or [] if isinstance(u, dict)}
    users.pop(None, None)
    customer = next((u for u in users.values() if u.get("type") == "customer"), {})
    record = ChatRecord(item, "LiveChat", str(conv.get("id") or ""), [],
                        _pick(customer, "name"), _pick(customer, "email"),
                        _pick(customer, "phone"))  # fmt: skip
    threads = conv.get("threads") or ([conv["thread"]] if conv.get("thread") else [])
    n = 0
    for thread in threads:
        for event in (thread or {}).get("events") or []:
            n += 1
            if not isinstance(event, dict):
                raise _Problem(f"Event {n} is not a message.")
            if event.get("type") not in ("message", "system_message", "file"):
                continue  # forms, rich messages: structured, not words
            author = users.get(_ref(event.get("author_id")), {})
            if event.get("type") == "system_message":
                kind = "system"
            else:
                kind = {"customer": "visitor", "agent": "agent"}.get(author.get("type"))
                if kind is None:
                    author_id = _shown(event.get("author_id"))
                    raise _Problem(f"Event {n}: the author “{author_id}” is not among the "
                                   "chat's users.")  # fmt: skip
            at = _moment(event.get("created_at"), local, f"Event {n}")
            text = _file_note(event) if event.get("type") == "file" else _text(event.get("text"))
            record.messages.append(_message(at, kind, _pick(author, "name"), text))
    return record


def _generic(conv: dict, item: int, local) -> ChatRecord:
    visitor = _pick(conv, "visitor", "customer", "contact", "user", default={})
    visitor = visitor if isinstance(visitor, dict) else {"name": str(visitor)}
    record = ChatRecord(
        item, clean_text(str(_pick(conv, "service", "source", "platform", default="")))
        or "Chat export", str(_pick(conv, "id", "conversation_id", "chat_id", "session_id")), [],
        _pick(visitor, "name", "nickname") or _pick(conv, "visitor_name", "name"),
        _pick(visitor, "email") or _pick(conv, "visitor_email", "email"),
        _pick(visitor, "phone") or _pick(conv, "visitor_phone", "phone"),
        _text(_pick(conv, "subject", "topic", "title")),
    )  # fmt: skip
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
            raise _Problem(f"Message {n}: we cannot tell whether “{who}” is the visitor or "
                           "staff (give each message a sender type).")  # fmt: skip
        at = _moment(_pick(m, "time", "timestamp", "created_at", "sent_at", "date", "ts"),
                     local, f"Message {n}")  # fmt: skip
        text = _text(_pick(m, "text", "message", "msg", "body", "content"))
        record.messages.append(_message(at, kind, name, text))
    return record


def _read_json_conversation(conv, item: int, local) -> ChatRecord:
    if not isinstance(conv, dict):
        raise _Problem("This entry is not a conversation (expected an object with messages).")
    if "history" in conv or conv.get("type") == "offline_msg":
        return _zendesk(conv, item, local)
    if "conversation_parts" in conv or conv.get("type") == "conversation":
        return _intercom(conv, item, local)
    if "session_id" in conv and "messages" in conv:
        return _crisp(conv, item, local)
    if isinstance(conv.get("chat"), dict) or (
        "messages" in conv and any(isinstance(m, dict) and isinstance(m.get("sender"), dict)
                                   and "t" in m["sender"] for m in conv["messages"] or [])
    ):  # fmt: skip
        return _tawk(conv, item, local)
    if "users" in conv and ("thread" in conv or "threads" in conv):
        return _livechat(conv, item, local)
    if "messages" in conv:
        return _generic(conv, item, local)
    raise _Problem("This entry has no messages we recognise (no messages, history, "
                   "conversation_parts or thread).")  # fmt: skip


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
            result.reject(item, "This conversation has values of the wrong kind in it (for "
                          "example a list where a name or a time belongs), so it was left "
                          "out. The export may be damaged: export it again.")  # fmt: skip
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
_HEADER = re.compile(r"^\s*(?P<key>name|visitor|email|e-mail|phone|telephone|date|service|"
                     r"chat id|conversation id|id|subject)\s*:\s*(?P<value>.*)$", re.I)  # fmt: skip
_SEPARATOR = re.compile(r"^\s*(-{3,}|={3,})\s*$")
_ROLE_SUFFIX = re.compile(r"\s*\((?P<role>[^)]*)\)\s*$")


def split_transcripts(text: str) -> list[str]:
    parts, current = [], []
    for line in text.splitlines():
        if _SEPARATOR.match(line):
            parts.append("\n".join(current))
            current = []
        else:
            current.append(line)
    parts.append("\n".join(current))
    return [p for p in parts if p.strip()]


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
    if visitor_name and who.casefold() == visitor_name.casefold():
        return "visitor", who
    return None, who


def parse_transcript(text: str, item: int, local, today: date,
                     service: str = "Pasted transcript") -> ChatRecord:  # fmt: skip
    headers: dict[str, str] = {}
    title: list[str] = []
    raw: list[dict] = []
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
        elif line.strip():
            title.append(line.strip())
    if not raw:
        raise _Problem("No message lines found. Each message starts with a time and who "
                       "wrote it, e.g. “[12:01] Visitor: Is there parking?”.")  # fmt: skip
    day = today
    if headers.get("date"):
        try:
            day = parse_moment(headers["date"], local, what="date").at.date()
        except ValueProblem as problem:
            raise _Problem(str(problem)) from None
    visitor_name = headers.get("name", "")
    record = ChatRecord(item, headers.get("service") or service, headers.get("id", ""), [],
                        visitor_name, headers.get("email", ""), headers.get("phone", ""),
                        headers.get("subject", "") or " ".join(title))  # fmt: skip
    unknown_first: str | None = None
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
            kind = "visitor" if name == unknown_first and not visitor_name else "agent"
        record.messages.append(_message(at, kind, name, clean_notes(entry["text"])))
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
    "conversation_id": ("conversation id", "chat id", "session id", "thread id", "ticket id",
                        "conversation", "id"),
    "time": ("timestamp", "time", "sent at", "created at", "date time", "datetime",
             "message time", "date"),
    "sender_type": ("sender type", "author type", "from type", "role", "user type", "type"),
    "sender": ("sender", "sender name", "author", "author name", "from", "name", "user"),
    "text": ("message", "text", "body", "content", "msg", "message text"),
    "transcript": ("transcript", "chat transcript", "conversation transcript", "messages",
                   "chat"),
    "visitor_name": ("visitor name", "customer name", "contact name", "client name", "visitor",
                     "customer"),
    "visitor_email": ("visitor email", "customer email", "contact email", "email", "e mail"),
    "visitor_phone": ("visitor phone", "customer phone", "contact phone", "phone", "telephone",
                      "mobile"),
    "service": ("service", "source", "platform", "channel"),
}  # fmt: skip


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
                members[0][0], cell(first, "service") or "CSV export", conversation, [],
                cell(first, "visitor_name"), cell(first, "visitor_email"),
                cell(first, "visitor_phone"),
            )  # fmt: skip
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
                result.reject(record.item, f"{problem} (the conversation "
                              f"{conversation or 'in this file'} was left out).")  # fmt: skip
        return
    if "transcript" in columns:
        result.kind = "CSV (one row per chat)"
        for row, line in zip(body, line_of, strict=True):
            try:
                day = today
                if cell(row, "time"):
                    day = _moment(cell(row, "time"), local, "The chat's date").astimezone(
                        local).date()  # fmt: skip
                record = parse_transcript(cell(row, "transcript"), line, local, day,
                                          cell(row, "service") or "CSV export")  # fmt: skip
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


def read_chat_text(text: str, name: str = "pasted text", timezone: str | tzinfo | None = None,
                   today: date | None = None) -> ChatFile:  # fmt: skip
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


def read_chat_file(path: str | Path, timezone: str | tzinfo | None = None,
                   today: date | None = None) -> ChatFile:  # fmt: skip
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
