"""Showing stored moments (ISO 8601, UTC) in the computer's local time and language."""

from __future__ import annotations

import re
from datetime import datetime

from PySide6.QtCore import QDateTime, QLocale

from domain.money import format_cents

MOMENT_FORMAT = "ddd d MMM yyyy, HH:mm"  # Sat 21 Nov 2026, 19:30
DATE_FORMAT = "d MMM yyyy"  # 21 Nov 2026


def _local(iso: str | None) -> QDateTime | None:
    if not iso:
        return None
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return None
    return QDateTime.fromMSecsSinceEpoch(int(moment.timestamp() * 1000))


def local_moment(iso: str | None, fmt: str = MOMENT_FORMAT) -> str:
    """'Sat 21 Nov 2026, 19:30' in local time; '' for nothing or nonsense."""
    moment = _local(iso)
    return QLocale().toString(moment, fmt) if moment is not None else ""


def local_date(iso: str | None) -> str:
    return local_moment(iso, DATE_FORMAT)


def money(cents: int | None) -> str:
    """Integer cents as the organization shows amounts ('$1,234.50'); '' for nothing."""
    return "" if cents is None else format_cents(int(cents))


_AMOUNT = re.compile(r"^\s*[^\d\s.,-]*\s*(\d{1,3}(?:,\d{3})+|\d{1,9})(?:[.,](\d{1,2}))?\s*$")


def parse_cents(text: str) -> int | None:
    """What someone typed as an amount: '25' -> 2500, '12.5' -> 1250, '$1,200' -> 120000.

    None when it is not an amount (the caller says so, keeping the text).
    """
    match = _AMOUNT.match(text or "")
    if not match:
        return None
    whole = int(match.group(1).replace(",", ""))
    fraction = (match.group(2) or "0").ljust(2, "0")
    return whole * 100 + int(fraction)
