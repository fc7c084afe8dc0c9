"""The "Patron support" report's rows and summary (issue 23).

Rows come from the support read model through the service (``app.support_report``
checks who may see them; the arithmetic is ``domain/support.py``): one row per hour
of the day, with the inquiries of each weekday (the heatmap), the first-reply times
of the chats that started in that hour, and the weekdays on which inquiries came in
that hour while nobody was on duty. The summary names the rest: reply times overall,
unanswered chats, the share outside staffed hours, the uncovered hours with the most
demand first, and the most common reasons. Only QtCore is used.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication
from sqlite_utils import Database

from desktop import formatting
from domain.application import Houselights
from domain.rota_service import SupportReport
from projections import support

#: short weekday names, Monday first (translated when shown)
SHORT_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _tr(text: str) -> str:
    return QCoreApplication.translate("Reports", text)


def duration(seconds: float | None) -> str:
    """'45 s', '3 min 20 s', '2 h 05 min'; '' for none."""
    if seconds is None:
        return ""
    total = round(seconds)
    if total < 60:
        return _tr("{s} s").format(s=total)
    if total < 3600:
        minutes, rest = divmod(total, 60)
        if not rest:
            return _tr("{m} min").format(m=minutes)
        return _tr("{m} min {s} s").format(m=minutes, s=f"{rest:02d}")
    hours, rest = divmod(total // 60, 60)
    return _tr("{h} h {m} min").format(h=hours, m=f"{rest:02d}")


class SupportRows(list):
    """The hour rows, carrying the whole report (``figures``) for the summary."""

    figures: SupportReport | None = None


def support_rows(app: Houselights, db: Database, start: date, end: date) -> SupportRows:
    # the period's days are the organization's (from its midnight to its midnight)
    inquiries = support.inquiries(db, start, end, formatting.zone())
    figures = app.support_report(inquiries, support.rota(db))
    rows = SupportRows()
    for hour in figures.hours:
        row = dict(hour)
        row["hour_text"] = f"{hour['hour']:02d}:00–{hour['hour'] + 1:02d}:00"
        row["nobody"] = ", ".join(_tr(SHORT_DAYS[d]) for d in range(7) if hour[f"u{d}"])
        rows.append(row)
    rows.figures = figures
    return rows


def gap_text(gap: dict) -> str:
    """'Tuesday 19:00–21:00: 14% of inquiries, nobody on duty'."""
    return _tr("{day} {start}–{end}: {share} of inquiries, nobody on duty").format(
        day=_tr(DAYS[gap["weekday"]]),
        start=f"{gap['from']:02d}:00",
        end=f"{gap['to']:02d}:00",
        share=formatting.percent(gap["share"]),
    )


def support_summary(rows: list[dict]) -> str:
    figures: SupportReport | None = getattr(rows, "figures", None)
    if figures is None or not figures.inquiries:
        return _tr("No chats or incoming calls in this period.")
    reply = figures.first_reply_seconds
    lines = [
        _tr(
            "{n} inquiries ({chats} chats, {calls} calls). First reply: median {median}, 90% "
            "within {p90}. {unanswered} chats never answered. {outside} arrived while nobody "
            "was on duty."
        ).format(
            n=f"{figures.inquiries:,}",
            chats=f"{figures.chats:,}",
            calls=f"{figures.calls:,}",
            median=duration(reply.median) or "–",
            p90=duration(reply.p90) or "–",
            unanswered=f"{figures.unanswered:,}",
            outside=formatting.percent(figures.outside_staffed_hours),
        )
    ]
    if figures.without_times:
        lines[0] += " " + _tr(
            "{n} chats have no times: counted, but left out of the reply times."
        ).format(n=f"{figures.without_times:,}")
    return lines[0]


def support_details(rows: list[dict]) -> str:
    """The uncovered hours with the most demand, and the most common reasons."""
    figures: SupportReport | None = getattr(rows, "figures", None)
    if figures is None or not figures.inquiries:
        return ""
    lines = []
    gaps = figures.uncovered[:3]
    if gaps:
        lines.append(_tr("Most demand: {gaps}.").format(gaps="; ".join(gap_text(g) for g in gaps)))
    reasons = [f"{name} ({n})" for name, n in figures.reasons[:4]]
    answers = [f"{name} ({n})" for name, n in figures.quick_answers[:4]]
    if reasons or answers:
        lines.append(
            _tr("Reasons: {reasons}. Quick answers used: {answers}.").format(
                reasons=", ".join(reasons) or "–", answers=", ".join(answers) or "–"
            )
        )
    return "\n".join(lines)


def cell_text(rows: list[dict], day: int, hour: int) -> str:
    """A heatmap square in words: 'Tuesday 19:00–20:00: 4 inquiries, 3 while nobody was
    on duty'."""
    row = next((r for r in rows if r["hour"] == hour), None)
    if row is None:
        return ""
    n, alone = row[f"d{day}"], row[f"u{day}"]
    words = (
        _tr("{day} {start}–{end}: {n} inquiry")
        if n == 1
        else _tr("{day} {start}–{end}: {n} inquiries")
    )
    text = words.format(day=_tr(DAYS[day]), start=f"{hour:02d}:00", end=f"{hour + 1:02d}:00", n=n)
    if alone:
        text += _tr(", {n} while nobody was on duty").format(n=alone)
    return text
