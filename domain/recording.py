"""Who recorded an event, from where, and when it happened.

Every command on every aggregate takes these three values, so each stored
event carries them: ``occurred_at`` (timezone-aware, may be back-dated for
imported history), ``recorded_by`` (the staff member) and ``workstation``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypedDict


def utc_now() -> datetime:
    return datetime.now(tz=UTC)


def aware(moment: datetime) -> datetime:
    """Refuse naive datetimes: every moment in Houselights has a timezone."""
    if moment.tzinfo is None or moment.tzinfo.utcoffset(moment) is None:
        raise ValueError("occurred_at must be timezone-aware")
    return moment


class Stamp(TypedDict):
    """What every command passes to the events it records."""

    occurred_at: datetime
    recorded_by: str
    workstation: str


@dataclass
class RecordingContext:
    """The staff member and workstation recording events in this session."""

    staff: str = "office"
    workstation: str = "workstation"
    clock: Callable[[], datetime] = field(default=utc_now, repr=False)
    #: the signed-in staff account ("" = nobody signed in) and its role (issue 9);
    #: with no accounts on the store yet, everyone works as a manager
    staff_id: str = ""
    role: str = "manager"

    def stamp(self, occurred_at: datetime | None = None) -> Stamp:
        return {
            "occurred_at": aware(occurred_at) if occurred_at else self.clock(),
            "recorded_by": self.staff,
            "workstation": self.workstation,
        }
