"""Duty rota and support-report commands (issue 23).

Only a manager changes the rota (the role table also refuses its events to anyone
else); managers and box office read the support report. Methods take and return
simple values, like the other services.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from eventsourcing.application import AggregateNotFoundError

from domain import organization_time
from domain.access import Access
from domain.roles import BOX_OFFICE, MANAGER, Permission
from domain.rota import CHAT, Rota, RotaProblem, next_on_duty, staffed
from domain.staff import StaffMember
from domain.store import Store, command, reads
from domain.support import support_figures


@dataclass(frozen=True, slots=True)
class DutySlot:
    """One slot of the duty rota: a weekday (0 = Monday), local hours (``HH:MM``), the
    duty (chat, phone or both) and who: a staff account (``staff_id``) or a volunteer
    named only (``staff_id`` empty)."""

    id: str
    weekday: int
    starts: str
    ends: str
    duty: str
    name: str
    staff_id: str

    @classmethod
    def of(cls, slot: dict[str, Any]) -> DutySlot:
        return cls(
            id=slot["id"],
            weekday=slot["weekday"],
            starts=slot["starts"],
            ends=slot["ends"],
            duty=slot["duty"],
            name=slot["name"],
            staff_id=slot["staff_id"],
        )

    def to_json(self) -> dict[str, str | int]:
        """The slot as ``houselights rota add --json`` prints it (and the rota read model
        holds it)."""
        return {
            "id": self.id,
            "weekday": self.weekday,
            "starts": self.starts,
            "ends": self.ends,
            "duty": self.duty,
            "name": self.name,
            "staff_id": self.staff_id,
        }


@dataclass(frozen=True, slots=True)
class FirstReplySeconds:
    """How long chats waited for their first reply: the median and 90th percentile (None
    without timed replies) over ``chats`` replied chats whose times are known."""

    median: float | None
    p90: float | None
    chats: int


@dataclass(frozen=True, slots=True)
class SupportReport:
    """The patron support figures (``domain/support.py``): how many inquiries, how fast
    chats were answered, how many came while nobody was on duty.

    ``by_hour`` holds ``[weekday, hour, inquiries]`` cells, ``reasons`` and
    ``quick_answers`` ``[name, count]`` pairs, most first; ``hours`` (one row per hour
    of the day) and ``uncovered`` (the hours nobody covered, most demand first) are the
    report's table rows."""

    inquiries: int
    chats: int
    calls: int
    by_hour: list[list[int]]
    first_reply_seconds: FirstReplySeconds
    unanswered: int
    without_times: int
    outside_staffed_hours: float | None
    outside: int
    hours: list[dict[str, Any]]
    uncovered: list[dict[str, Any]]
    reasons: list[list[Any]]
    quick_answers: list[list[Any]]

    @classmethod
    def of(cls, figures: dict[str, Any]) -> SupportReport:
        return cls(
            inquiries=figures["inquiries"],
            chats=figures["chats"],
            calls=figures["calls"],
            by_hour=figures["by_hour"],
            first_reply_seconds=FirstReplySeconds(**figures["first_reply_seconds"]),
            unanswered=figures["unanswered"],
            without_times=figures["without_times"],
            outside_staffed_hours=figures["outside_staffed_hours"],
            outside=figures["outside"],
            hours=figures["hours"],
            uncovered=figures["uncovered"],
            reasons=figures["reasons"],
            quick_answers=figures["quick_answers"],
        )


class RotaService:
    """Who is on chat and phone duty, and the support figures read against it."""

    #: the organization's time zone for the rota and the report (None: this computer's)
    local_zone: tzinfo | None = None

    def __init__(self, store: Store, access: Access) -> None:
        self.store = store
        self.access = access

    def _local(self, moment: datetime, zone: tzinfo | None = None) -> datetime:
        zone = zone or self.local_zone
        return organization_time.local(moment, zone)

    def _rota(self) -> Rota | None:
        try:
            rota: Rota = self.store.get(Rota.ID)
            return rota
        except AggregateNotFoundError:
            return None

    def _account(self, name_or_id: str) -> StaffMember:
        member = self.access.staff_member(name_or_id)
        if member is None:
            raise RotaProblem(
                "staff",
                f"There is no staff account called “{name_or_id}”. Pick an account from the "
                "list, or put a volunteer on duty by name.",
            )
        return member

    @command(Permission.MANAGE_ROTA)
    def add_duty_slot(
        self,
        weekday: int | str,
        starts: str,
        ends: str,
        duty: str = "chat",
        staff: str = "",
        name: str = "",
        occurred_at: datetime | None = None,
    ) -> str:
        """Put someone on duty: a staff account (``staff``: its name or id) or a volunteer
        by plain ``name``. Returns the slot's id."""
        return self.add_duty_slots([weekday], starts, ends, duty, staff, name, occurred_at)[0]

    @command(Permission.MANAGE_ROTA)
    def add_duty_slots(
        self,
        weekdays: list[int | str],
        starts: str,
        ends: str,
        duty: str = "chat",
        staff: str = "",
        name: str = "",
        occurred_at: datetime | None = None,
    ) -> list[str]:
        """The same hours on several weekdays, all or none (one refused day saves nothing).
        Returns the slots' ids."""
        self.access.require_role(MANAGER, what="change the duty rota")
        staff_id = ""
        if staff:
            member = self._account(staff)
            if not member.active:
                raise RotaProblem("staff", f"{member.name}'s account is deactivated.")
            staff_id, name = str(member.id), member.name
        stamp = self.store.stamp(occurred_at)
        rota = self._rota() or Rota.open(stamp)
        added = [rota.add_slot(day, starts, ends, duty, name, staff_id, stamp) for day in weekdays]
        self.store.commit(rota)
        return added

    @command(Permission.MANAGE_ROTA)
    def remove_duty_slot(self, slot_id: str, occurred_at: datetime | None = None) -> None:
        self.access.require_role(MANAGER, what="change the duty rota")
        rota = self._rota()
        if rota is None:
            raise RotaProblem("slot", "That duty slot is no longer on the rota.")
        rota.remove_slot(slot_id, self.store.stamp(occurred_at))
        self.store.commit(rota)

    @reads(Permission.ANYONE)  # who is on duty: no patron's data
    def duty_slots(self) -> list[DutySlot]:
        """Every slot, by weekday and start (from the rota itself, for commands)."""
        return [DutySlot.of(s) for s in self._slots()]

    def _slots(self) -> list[dict[str, Any]]:
        """The rota's slots as the rules in ``domain/rota.py`` read them, sorted."""
        rota = self._rota()
        slots = list(rota.slots.values()) if rota else []
        return sorted(slots, key=lambda s: (s["weekday"], s["starts"], s["name"].casefold()))

    @reads(Permission.EDIT_PATRONS)
    def assignee_for_chat(
        self, started_at: datetime, now: datetime, zone: tzinfo | None = None
    ) -> str:
        """Who a follow-up from a chat goes to: '' when the chat came in while someone
        was on chat duty; else whoever is on chat duty at ``now``, or comes on next."""
        slots = self._slots()
        if not slots or staffed(slots, self._local(started_at, zone), CHAT):
            return ""
        found = next_on_duty(slots, self._local(now, zone), CHAT)
        return found["name"] if found else ""

    @reads(Permission.READ_SUPPORT)
    def support_report(
        self,
        inquiries: list[dict[str, Any]],
        slots: list[dict[str, Any]],
        zone: tzinfo | None = None,
    ) -> SupportReport:
        """The support figures (``domain/support.py``) from the read model's inquiries and
        rota; for managers and box office only."""
        self.access.require_role(MANAGER, BOX_OFFICE, what="see the patron support report")
        return SupportReport.of(support_figures(inquiries, slots, zone or self.local_zone))
