"""Showing stored moments (ISO 8601, UTC) in the computer's local time and language."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDateTime, QLocale

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
    """Integer cents in the computer's currency format ('$1,234.50'); '' for nothing."""
    if cents is None:
        return ""
    locale = QLocale()
    if locale.language() == QLocale.Language.C:
        return f"{cents / 100:,.2f}"
    return locale.toCurrencyString(cents / 100)
