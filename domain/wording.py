"""Dates and times inside texts built by the domain or a read model.

The domain and the read models never write a date or a time as words: how a date is
written ("8 Sept 2026", "Sep 8, 2026", "8 sept. 2026") is the organization's locale,
known only to the views (``desktop/formatting.py``). A text that names a date holds a
mark with the fact in ISO form, and the view (or the command line) writes it out:

    f"Bought 2 tickets for Hamlet, {moment_mark(starts_at)}"
    -> 'Bought 2 tickets for Hamlet, {moment:2026-09-08T19:30:00+01:00}'
    -> 'Bought 2 tickets for Hamlet, Tue 8 Sept 2026, 19:30'   (desktop.formatting.words)

``written(text)`` writes the marks out with the writer the desktop installed
(``use_writer``); without one (a script using the domain alone) in plain ISO form.
Errors (``domain.errors.HouselightsError``) are written this way when shown.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime

#: a mark: {date:2026-09-08}, {moment:<ISO moment>}, {time:<ISO moment>}, {seconds:<ISO>}
MARK = re.compile(r"\{(date|moment|time|seconds):([0-9][0-9T:+\-.Z ]*)\}")
KINDS = ("date", "moment", "time", "seconds")


def date_mark(day: date | datetime | str) -> str:
    """A calendar day: '{date:2026-09-08}'."""
    if isinstance(day, datetime):
        day = day.date()
    text = day.isoformat() if isinstance(day, date) else str(day)[:10]
    return f"{{date:{text}}}"


def moment_mark(moment: datetime | str) -> str:
    """A day and a time: '{moment:2026-09-08T19:30:00+01:00}'."""
    text = moment.isoformat() if isinstance(moment, datetime) else str(moment)
    return f"{{moment:{text}}}"


def time_mark(moment: datetime | str, seconds: bool = False) -> str:
    """A time of day: '{time:...}' ('{seconds:...}' with the seconds)."""
    text = moment.isoformat() if isinstance(moment, datetime) else str(moment)
    return f"{{{'seconds' if seconds else 'time'}:{text}}}"


def _plain(kind: str, value: str) -> str:
    """Without a locale: ISO, readable anywhere ('2026-09-08', '2026-09-08 19:30')."""
    if kind == "date":
        return value[:10]
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if kind == "moment":
        return f"{moment:%Y-%m-%d %H:%M}"
    return f"{moment:%H:%M:%S}" if kind == "seconds" else f"{moment:%H:%M}"


_writer: Callable[[str, str], str] = _plain


def use_writer(writer: Callable[[str, str], str] | None) -> None:
    """Write marks with ``writer(kind, iso_value)`` (None: plain ISO again)."""
    global _writer
    _writer = writer or _plain


def written(text: str) -> str:
    """``text`` with every mark written out."""
    if not text or "{" not in text:
        return text or ""
    return MARK.sub(lambda m: _writer(m.group(1), m.group(2)), text)


def has_marks(text: str) -> bool:
    return bool(MARK.search(text or ""))


def counted(count: int, one: str, many: str) -> str:
    """A count with its noun in the right number: '1 backup', '3 backups', '1,200 backups'
    (the command line's and the domain's English; the windows use ``tr`` forms)."""
    return f"{count:,} {one if count == 1 else many}"
