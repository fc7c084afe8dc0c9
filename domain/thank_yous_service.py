"""Thank-you commands: thanking a patron for coming or for a gift."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.box_office import Performance
from domain.errors import HouselightsError, PerformanceNotFound, ThankYouProblem
from domain.memberships_service import MembershipsService
from domain.patrons_service import PatronsService
from domain.roles import Permission
from domain.store import Store, command
from domain.thank_yous import DONATION, check_thanks


@dataclass(frozen=True, slots=True)
class ThanksProblem:
    """One thank-you that could not be recorded, and why."""

    patron_id: str
    reference_id: str
    message: str


@dataclass(frozen=True, slots=True)
class ThanksResult:
    """How many were thanked, and the ones that could not be."""

    thanked: int
    problems: list[ThanksProblem]


class ThankYousService:
    """Thanking patrons for coming and for their gifts."""

    def __init__(
        self, store: Store, patrons: PatronsService, memberships: MembershipsService
    ) -> None:
        self.store = store
        self.patrons = patrons
        self.memberships = memberships

    @command(Permission.THANK)
    def thank_patron(
        self,
        patron_id: str,
        channel: str,
        reason: str,
        reference_id: str,
        occurred_at: datetime | None = None,
    ) -> None:
        """Record that the patron was thanked by ``channel`` (letter, email, call) for
        coming to a performance (``reason="attendance"``) or for a donation
        (``"donation"``, which also acknowledges the donation)."""
        patron = self.patrons.patron(patron_id)
        stamp = self.store.stamp(occurred_at)
        check_thanks(channel, reason, reference_id, getattr(patron, "thanks", {}))
        changed: list[Aggregate] = [patron]
        if reason == DONATION:
            donation = self.memberships.donation(reference_id)
            # a gift by a record merged into this one is this person's too
            if donation.patron_id not in (str(patron.id), *getattr(patron, "absorbed", ())):
                raise ThankYouProblem("That donation was given by someone else.")
            donation.check_not_acknowledged()
            patron.thank(channel, reason, str(donation.id), stamp)
            donation.acknowledge(channel, stamp)
            changed.append(donation)
        else:  # ATTENDANCE: the performance must exist
            patron.thank(channel, reason, str(self._scheduled_id(reference_id)), stamp)
        self.store.commit(*changed)

    def _scheduled_id(self, performance_id: str) -> UUID:
        """The id of a scheduled performance, read from its first event only (a busy
        performance has thousands of events; thanking its audience must not replay them)."""
        try:
            uuid = UUID(str(performance_id))
        except ValueError:
            raise PerformanceNotFound(str(performance_id)) from None
        if isinstance(self.store.pending(uuid), Performance):
            return uuid
        first = next(iter(self.store.repository.event_store.get(uuid, limit=1)), None)
        if not isinstance(first, Performance.Scheduled):  # type: ignore[attr-defined]  # made by @event("Scheduled")
            raise PerformanceNotFound(str(performance_id))
        return uuid

    @command(Permission.THANK)
    def thank_many(
        self,
        items: Iterable[dict[str, Any]],
        channel: str,
        occurred_at: datetime | None = None,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> ThanksResult:
        """Thank several patrons the same way: ``items`` are dicts with ``patron_id``,
        ``reason`` and ``reference_id``. Saved in few transactions; one that cannot be
        thanked (already thanked elsewhere, say) is reported, not fatal.

        Returns how many were thanked and the problems (patron, reference, message).
        """
        items = list(items)
        thanked, problems = 0, list[ThanksProblem]()
        with self.store.batch(size=500):
            for number, item in enumerate(items, 1):
                if cancelled is not None and cancelled():
                    break
                try:
                    self.thank_patron(
                        item["patron_id"],
                        channel,
                        item["reason"],
                        item["reference_id"],
                        occurred_at=occurred_at,
                    )
                    thanked += 1
                except HouselightsError as error:
                    problems.append(
                        ThanksProblem(
                            patron_id=item["patron_id"],
                            reference_id=item["reference_id"],
                            message=str(error),
                        )
                    )
                if progress is not None and (number % 50 == 0 or number == len(items)):
                    progress(number, len(items))
        return ThanksResult(thanked=thanked, problems=problems)
