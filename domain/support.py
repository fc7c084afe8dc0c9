"""The patron support figures: when patrons reach out, and how fast they are answered.

Plain arithmetic over plain values, so every figure is tested without a database:

* ``first_reply(messages)``: of one chat transcript, whether the visitor asked
  something, whether staff replied, and the seconds from the visitor's first
  message to the first staff message after it (None when a time is missing).
* ``support_figures(inquiries, slots, zone)``: the whole report from the inquiries
  (imported chats and incoming calls, as the support read model lists them) and the
  duty rota: the weekday-and-hour heatmap, reply times (median and 90th percentile,
  overall and by hour of day), unanswered chats, the share that arrived while
  nobody was on duty, the uncovered hours with the most demand first, and the most
  common reasons.

Weekdays and hours are the organization's local time (``zone``); an inquiry counts
at the moment it started, so a chat that crosses midnight counts on the day it began.
The 90th percentile is the nearest rank: the reply time that 90% of the answered
chats got at most (of 10 chats, the 9th fastest).
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import datetime, tzinfo
from typing import Any

from domain import organization_time
from domain.rota import WEEKDAY_NAMES, staffed

CHAT, CALL = "chat", "call"
#: the rota duty that answers each kind of inquiry
DUTY_OF = {CHAT: "chat", CALL: "phone"}


def _moment(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else None
    try:
        moment = datetime.fromisoformat(str(value or "").strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def first_reply(messages: list[dict[str, Any]]) -> dict[str, Any]:
    """``{"question", "replied", "seconds", "timed"}`` for one transcript.

    ``question``: the visitor wrote something; ``replied``: a staff (agent) message
    follows the visitor's first message; ``seconds``: the time between the two
    (None when unanswered or when either has no usable time); ``timed``: every
    message carries a time (a chat without times is counted but left out of the
    reply times).
    """
    timed = bool(messages) and all(_moment(m.get("at")) for m in messages)
    first = next((i for i, m in enumerate(messages) if m.get("sender") == "visitor"), None)
    if first is None:
        return {"question": False, "replied": False, "seconds": None, "timed": timed}
    reply = next((m for m in messages[first + 1 :] if m.get("sender") == "agent"), None)
    seconds = None
    if reply is not None and timed:
        asked, answered = _moment(messages[first]["at"]), _moment(reply["at"])
        assert asked is not None and answered is not None  # every message is timed
        seconds = max(0.0, (answered - asked).total_seconds())
    return {"question": True, "replied": reply is not None, "seconds": seconds, "timed": timed}


def median(values: list[float]) -> float | None:
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


def percentile(values: list[float], share: float) -> float | None:
    """Nearest rank: the smallest value that at least ``share`` of the values do not exceed."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(1, math.ceil(share * len(ordered)))
    return float(ordered[rank - 1])


def _local(moment: datetime, zone: tzinfo | None) -> datetime:
    return organization_time.local(moment, zone)


def support_figures(
    inquiries: list[dict[str, Any]], slots: list[dict[str, Any]], zone: tzinfo | None = None
) -> dict[str, Any]:
    """The report from ``inquiries`` and the rota ``slots``.

    Each inquiry: ``kind`` (chat or call), ``started_at`` (aware datetime or ISO
    text), and for chats ``question``, ``replied``, ``seconds``, ``timed`` (see
    ``first_reply``); ``reason`` (a call's reason, '' for none) and ``answers`` (titles
    of the quick answers used) are optional. ``zone``: the organization's time zone
    (this computer's when None).
    """
    cells: Counter[tuple[int, int]] = Counter()
    #: per hour of the day: inquiries on each weekday (d0..d6) and how many of them came
    #: while nobody was on duty (u0..u6)
    by_hour: dict[int, dict[str, Any]] = {
        h: {
            "hour": h,
            "inquiries": 0,
            "chats": 0,
            "calls": 0,
            "replies": [],
            "outside": 0,
            **{f"d{d}": 0 for d in range(7)},
            **{f"u{d}": 0 for d in range(7)},
        }
        for h in range(24)
    }
    replies: list[float] = []
    unanswered = without_times = outside = chats = calls = 0
    uncovered: Counter[tuple[int, int]] = Counter()
    uncovered_kinds: dict[tuple[int, int], Counter[str]] = {}
    reasons: Counter[str] = Counter()
    answers: Counter[str] = Counter()
    for inquiry in inquiries:
        moment = _moment(inquiry["started_at"])
        if moment is None:
            raise ValueError(f"an inquiry without a start: {inquiry!r}")
        local = _local(moment, zone)
        day, hour = local.weekday(), local.hour
        kind = inquiry["kind"]
        cells[(day, hour)] += 1
        row = by_hour[hour]
        row["inquiries"] += 1
        row[f"d{day}"] += 1
        if kind == CHAT:
            chats += 1
            row["chats"] += 1
            if not inquiry.get("timed", True):
                without_times += 1
            if inquiry.get("question") and not inquiry.get("replied"):
                unanswered += 1
            if inquiry.get("seconds") is not None:
                replies.append(inquiry["seconds"])
                row["replies"].append(inquiry["seconds"])
        else:
            calls += 1
            row["calls"] += 1
        if not staffed(slots, local, DUTY_OF[kind]):
            outside += 1
            row["outside"] += 1
            row[f"u{day}"] += 1
            uncovered[(day, hour)] += 1
            uncovered_kinds.setdefault((day, hour), Counter())[kind] += 1
        if inquiry.get("reason"):
            reasons[inquiry["reason"]] += 1
        for title in inquiry.get("answers") or ():
            answers[title] += 1
    total = len(inquiries)
    hours = []
    for h in range(24):
        row = by_hour[h]
        values = row.pop("replies")
        row["replied"] = len(values)
        row["median_seconds"] = median(values)
        row["p90_seconds"] = percentile(values, 0.9)
        hours.append(row)
    return {
        "inquiries": total,
        "chats": chats,
        "calls": calls,
        "by_hour": [[d, h, n] for (d, h), n in sorted(cells.items())],
        "first_reply_seconds": {
            "median": median(replies),
            "p90": percentile(replies, 0.9),
            "chats": len(replies),
        },
        "unanswered": unanswered,
        "without_times": without_times,
        "outside_staffed_hours": round(outside / total, 4) if total else None,
        "outside": outside,
        "hours": hours,
        "uncovered": uncovered_ranges(uncovered, uncovered_kinds, total),
        "reasons": _top(reasons),
        "quick_answers": _top(answers),
    }


def _top(counts: Counter[str]) -> list[list[Any]]:
    return [[name, n] for name, n in sorted(counts.items(), key=lambda i: (-i[1], i[0]))]


def uncovered_ranges(
    uncovered: Counter[tuple[int, int]], kinds: dict[tuple[int, int], Counter[str]], total: int
) -> list[dict[str, Any]]:
    """Consecutive hours of one weekday in which inquiries came while nobody was on duty,
    the most demand first: weekday, from and to (hours), inquiries, chats, calls, share
    (of every inquiry in the period)."""
    ranges: list[dict[str, Any]] = []
    for day, hour in sorted(uncovered):
        last = ranges[-1] if ranges else None
        if last and last["weekday"] == day and last["to"] == hour:
            current = last
        else:
            current = {
                "weekday": day,
                "from": hour,
                "to": hour,
                "inquiries": 0,
                "chats": 0,
                "calls": 0,
            }
            ranges.append(current)
        current["to"] = hour + 1
        current["inquiries"] += uncovered[(day, hour)]
        current["chats"] += kinds[(day, hour)][CHAT]
        current["calls"] += kinds[(day, hour)][CALL]
    for r in ranges:
        r["share"] = round(r["inquiries"] / total, 4) if total else 0.0
        r["day_name"] = WEEKDAY_NAMES[r["weekday"]]
    return sorted(ranges, key=lambda r: (-r["inquiries"], r["weekday"], r["from"]))


def _words(text: str) -> str:
    return " ".join((text or "").split()).casefold()


def quick_answers_used(text: str, answers: list[tuple[str, str]]) -> list[str]:
    """The titles of the quick answers whose whole text is in ``text`` (a call's notes,
    a chat note or a staff message; spaces and case ignored): a quick answer counts as
    used where it was inserted and kept as it is."""
    said = _words(text)
    if not said:
        return []
    return [title for title, answer in answers if _words(answer) and _words(answer) in said]
