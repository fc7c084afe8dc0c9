"""The command line's patron-support commands (issue 23).

    houselights report support [--from DATE] [--to DATE] [--json]
    houselights rota [--json]                      the duty slots
    houselights rota add WEEKDAY FROM TO --duty chat (--staff NAME | --name NAME)
    houselights rota remove SLOT_ID

Kept out of cli.py so the commands stay together; cli.py calls
``add_report_parser(which)`` and ``add_rota_parser(sub)``, and runs the commands with
its way of opening the store (``open_services(args, catch_up=...)``).
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING

from domain.errors import ValidationError

if TYPE_CHECKING:  # the rest is imported by the commands themselves: the CLI starts fast
    from domain.rota_service import SupportReport


def add_report_parser(which) -> None:
    support = which.add_parser(
        "support",
        help="patron support: inquiries by weekday and hour, time to first reply, "
        "unanswered chats, the share outside staffed hours",
    )
    support.add_argument(
        "--from",
        dest="start",
        default="",
        metavar="DATE",
        help="first day (YYYY-MM-DD, local time); default: the first inquiry",
    )
    support.add_argument(
        "--to",
        dest="end",
        default="",
        metavar="DATE",
        help="last day, included (YYYY-MM-DD); default: the latest inquiry",
    )
    support.add_argument("--json", action="store_true")


def add_rota_parser(sub) -> None:
    rota = sub.add_parser("rota", help="the duty rota: who is on chat and phone duty, and when")
    rota.add_argument("--json", action="store_true")
    what = rota.add_subparsers(dest="action", metavar="ACTION")
    add = what.add_parser("add", help="put someone on duty (a manager's job)")
    add.add_argument("weekday", metavar="WEEKDAY", help="Monday ... Sunday (or mon, tue, ...)")
    add.add_argument("starts", metavar="FROM", help="start, e.g. 19:00 (local time)")
    add.add_argument("ends", metavar="TO", help="end, e.g. 21:00 (24:00 is midnight)")
    add.add_argument("--duty", default="chat", help="chat, phone or both (default: chat)")
    who = add.add_mutually_exclusive_group(required=True)
    who.add_argument("--staff", default="", metavar="NAME", help="a staff account")
    who.add_argument(
        "--name", default="", metavar="NAME", help="a volunteer without an account, by name"
    )
    add.add_argument("--json", action="store_true")
    remove = what.add_parser("remove", help="take a slot off the rota (its id from the list)")
    remove.add_argument("slot", metavar="SLOT_ID")


def _day(text: str, which: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(
            which, f"“{text}” is not a date. Write it as year-month-day, e.g. 2026-11-30."
        ) from None


def duration(seconds: float | None) -> str:
    """'45 s', '3 min 20 s', '2 h 05 min'; '-' for none."""
    if seconds is None:
        return "-"
    total = round(seconds)
    if total < 60:
        return f"{total} s"
    if total < 3600:
        minutes, rest = divmod(total, 60)
        return f"{minutes} min {rest:02d} s" if rest else f"{minutes} min"
    hours, rest = divmod(total // 60, 60)
    return f"{hours} h {rest:02d} min"


def report_json(figures: SupportReport, start: date | None, end: date | None) -> dict:
    """The figures in the documented shape (weekday 0 = Monday, hours 0-23, local time)."""
    return {
        "from": start.isoformat() if start else None,
        "to": end.isoformat() if end else None,
        "inquiries": figures.inquiries,
        "chats": figures.chats,
        "calls": figures.calls,
        "by_hour": figures.by_hour,
        "first_reply_seconds": {
            "median": figures.first_reply_seconds.median,
            "p90": figures.first_reply_seconds.p90,
        },
        "replied_chats_timed": figures.first_reply_seconds.chats,
        "unanswered": figures.unanswered,
        "without_times": figures.without_times,
        "outside_staffed_hours": figures.outside_staffed_hours,
        "uncovered": [
            {k: r[k] for k in ("weekday", "from", "to", "inquiries", "chats", "calls", "share")}
            for r in figures.uncovered
        ],
        "first_reply_by_hour": [
            [h["hour"], h["median_seconds"], h["p90_seconds"]]
            for h in figures.hours
            if h["replied"]
        ],
        "reasons": figures.reasons,
        "quick_answers": figures.quick_answers,
    }


def _n(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def report_text(figures: SupportReport) -> str:
    from desktop import formatting
    from domain.rota import WEEKDAY_NAMES

    lines = [
        f"Inquiries: {figures.inquiries:,} ({figures.chats:,} chats, "
        f"{figures.calls:,} incoming calls)"
    ]
    if not figures.inquiries:
        return lines[0] + "\nNo chats or incoming calls in this period."
    reply = figures.first_reply_seconds
    lines.append(
        f"First reply: median {duration(reply.median)}, 90% within "
        f"{duration(reply.p90)} ({reply.chats:,} chats)"
    )
    lines.append(f"Never answered: {_n(figures.unanswered, 'chat')}")
    if figures.without_times:
        lines.append(
            f"Without times (counted, left out of reply times): {_n(figures.without_times, 'chat')}"
        )
    lines.append(f"Outside staffed hours: {formatting.percent(figures.outside_staffed_hours)}")
    if figures.uncovered:
        lines.append("Nobody on duty, the most demand first:")
        for r in figures.uncovered[:8]:
            lines.append(
                f"  {WEEKDAY_NAMES[r['weekday']]:<9} {r['from']:02d}:00–{r['to']:02d}:00"
                f"  {formatting.percent(r['share']):>4} of inquiries ({_n(r['chats'], 'chat')}, "
                f"{_n(r['calls'], 'call')})"
            )
    if figures.reasons:
        lines.append("Call reasons: " + ", ".join(f"{n} ({c})" for n, c in figures.reasons[:6]))
    if figures.quick_answers:
        lines.append(
            "Quick answers used: " + ", ".join(f"{n} ({c})" for n, c in figures.quick_answers[:6])
        )
    lines.append("")
    lines.append("Hour   " + " ".join(f"{d[:3]:>4}" for d in WEEKDAY_NAMES) + "  median reply")
    for h in figures.hours:
        if h["inquiries"]:
            days = " ".join(f"{h[f'd{d}'] or '.':>4}" for d in range(7))
            lines.append(f"{h['hour']:02d}:00  {days}  {duration(h['median_seconds']):>10}")
    return "\n".join(lines)


def cmd_report_support(args, open_services) -> int:
    """The figures as on Reports → Patron support; the service checks who may see them."""
    from desktop import formatting
    from projections import support

    start, end = _day(args.start, "from"), _day(args.end, "to")
    if start and end and end < start:
        raise ValidationError("to", "The last day (--to) is before the first (--from).")
    services = open_services(args, catch_up=True)
    try:
        db = services.runner.db()
        # the period's days are the organization's (from its midnight to its midnight)
        inquiries = support.inquiries(db, start, end, formatting.zone())
        figures = services.app.support_report(inquiries, support.rota(db))
    finally:
        services.close()
    print(json.dumps(report_json(figures, start, end)) if args.json else report_text(figures))
    return 0


def slot_line(slot: dict) -> str:
    from domain.rota import WEEKDAY_NAMES

    who = slot["name"] + ("" if slot["staff_id"] else " (volunteer)")
    return (
        f"{WEEKDAY_NAMES[slot['weekday']]:<9} {slot['starts']}–{slot['ends']}  "
        f"{slot['duty']:<5}  {who:<32} {slot['id']}"
    )


def cmd_rota(args, open_services) -> int:
    from projections import support

    services = open_services(args, catch_up=args.action is None)
    try:
        if args.action == "add":
            slot_id = services.app.add_duty_slot(
                args.weekday, args.starts, args.ends, args.duty, staff=args.staff, name=args.name
            )
            slot = next(s for s in services.app.duty_slots() if s.id == slot_id).to_json()
            print(json.dumps(slot) if args.json else f"On the rota: {slot_line(slot)}")
            return 0
        if args.action == "remove":
            services.app.remove_duty_slot(args.slot)
            print("Taken off the rota.")
            return 0
        slots = support.rota(services.runner.db())
    finally:
        services.close()
    if args.json:
        print(json.dumps(slots))
        return 0
    for slot in slots:
        print(slot_line(slot))
    print(f"{len(slots)} duty slots" if slots else "Nobody is on the rota yet.")
    return 0
