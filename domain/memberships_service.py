"""Subscriptions, memberships and donations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from domain.box_office import Ticket
from domain.box_office_service import SALE_ATTEMPTS, BoxOfficeService, RefundResult
from domain.errors import DonationProblem, TicketProblem
from domain.memberships import Donation, Membership, Subscription
from domain.money import split_evenly
from domain.patrons_service import PatronsService
from domain.roles import Permission
from domain.store import Store, command, reads
from domain.ticket_codes import new_code

SUBSCRIPTION_LEVEL = "Subscription"
SUBSCRIPTION_CHANNEL = "subscription"


@dataclass(frozen=True, slots=True)
class SubscriptionTicket:
    performance_id: str
    code: str


@dataclass(frozen=True, slots=True)
class SubscriptionSale:
    """A subscription sold: its id, one ticket per performance, and its price."""

    id: str
    codes: list[str]
    tickets: list[SubscriptionTicket]
    price_cents: int


@dataclass(frozen=True, slots=True)
class DonationInfo:
    id: str
    patron_id: str
    amount_cents: int
    fund: str
    payment: str
    acknowledged: str | None


class MembershipsService:
    """Methods take and return simple values, like the rest of the service."""

    def __init__(self, store: Store, patrons: PatronsService, box_office: BoxOfficeService) -> None:
        self.store = store
        self.patrons = patrons
        self.box_office = box_office

    @command(Permission.SELL)
    def sell_subscription(
        self,
        patron_id: str,
        package_name: str,
        performance_ids: list[str],
        price_cents: int,
        payment: str = "card",
        occurred_at: datetime | None = None,
    ) -> SubscriptionSale:
        """Sell a package of performances; one ticket per performance.

        Returns the subscription's id, its codes, its tickets (performance and
        code) and its price. Every performance takes its seat through its own
        capacity guard in the same transaction as the subscription: when one
        of them is full (``NotEnoughSeats``), nothing is sold.
        """
        patron_id = str(self.patrons.patron(patron_id).id)
        stamp = self.store.stamp(occurred_at)
        performance_ids = list(performance_ids or ())
        codes = [new_code() for _ in performance_ids]

        def purchase() -> Subscription:
            return Subscription.purchase(
                patron_id=patron_id,
                package_name=package_name,
                performance_ids=performance_ids,
                price_cents=price_cents,
                payment=payment,
                codes=codes,
                stamp=stamp,
            )

        subscription = purchase()  # validates before anything is read
        for attempt in range(SALE_ATTEMPTS):
            if attempt:  # the failed save drained the events: start over from the store
                subscription = purchase()
            ids = subscription.performance_ids
            shares = split_evenly(subscription.price_cents, len(ids))
            changed: list[Aggregate] = [subscription]
            for performance_id, code, share in zip(ids, codes, shares, strict=True):
                performance = self.box_office.performance(performance_id)
                performance.take_seats(str(subscription.id), 1, stamp)
                changed.append(performance)
                changed.append(
                    Ticket.issue(
                        code,
                        stamp,
                        performance_id=str(performance.id),
                        patron_id=patron_id,
                        order_id=str(subscription.id),
                        price_level=SUBSCRIPTION_LEVEL,
                        price_cents=share,
                        channel=SUBSCRIPTION_CHANNEL,
                    )
                )
            try:
                self.store.commit(*changed)
            except IntegrityError:
                if attempt == SALE_ATTEMPTS - 1:
                    raise
                continue
            return SubscriptionSale(
                id=str(subscription.id),
                codes=list(codes),
                tickets=[
                    SubscriptionTicket(performance_id=p, code=c)
                    for p, c in zip(ids, codes, strict=True)
                ],
                price_cents=subscription.price_cents,
            )
        raise AssertionError("unreachable")

    @command(Permission.SELL)
    def refund_subscription(
        self, subscription_id: str, occurred_at: datetime | None = None
    ) -> RefundResult:
        """Refund the tickets of the package not yet used or exchanged, free their
        seats and record the refund; returns the codes refunded and the amount.
        """
        stamp = self.store.stamp(occurred_at)
        for attempt in range(SALE_ATTEMPTS):
            subscription = self._subscription(subscription_id)
            subscription.check_not_refunded()
            current = self.box_office.current_tickets(subscription.codes)
            valid = [t for t in current if t.unused]
            if not valid:
                raise TicketProblem("Every ticket of this subscription was already used.")
            changed = [
                subscription,
                *self.box_office.refund_tickets(str(subscription.id), valid, stamp),
            ]
            amount = sum(t.price_cents for t in valid)
            subscription.refund([t.code for t in valid], amount, stamp)
            try:
                self.store.commit(*changed)
            except IntegrityError:
                if attempt == SALE_ATTEMPTS - 1:
                    raise
                continue
            return RefundResult(refunded=[t.code for t in valid], amount_cents=amount)
        raise AssertionError("unreachable")

    def _subscription(self, subscription_id: str) -> Subscription:
        from uuid import UUID

        try:
            subscription = self.store.get(UUID(str(subscription_id)))
        except (ValueError, AggregateNotFoundError):
            subscription = None
        if not isinstance(subscription, Subscription):
            raise TicketProblem("We could not find that subscription.")
        return subscription

    @command(Permission.SELL)
    def start_membership(
        self,
        patron_id: str,
        level: str,
        starts_on: date | str,
        ends_on: date | str,
        price_cents: int,
        payment: str = "card",
        occurred_at: datetime | None = None,
    ) -> str:
        """Start a membership from ``starts_on`` to ``ends_on`` (dates or ISO text)."""
        patron_id = str(self.patrons.patron(patron_id).id)
        membership = Membership.start(
            patron_id,
            level,
            starts_on,
            ends_on,
            price_cents,
            payment,
            self.store.stamp(occurred_at),
        )
        self.store.commit(membership)
        return str(membership.id)

    @command(Permission.SELL)
    def record_donation(
        self,
        patron_id: str,
        amount_cents: int,
        fund: str = "General fund",
        payment: str = "card",
        occurred_at: datetime | None = None,
    ) -> str:
        patron_id = str(self.patrons.patron(patron_id).id)
        donation = Donation.receive(
            patron_id, amount_cents, fund, payment, self.store.stamp(occurred_at)
        )
        self.store.commit(donation)
        return str(donation.id)

    @command(Permission.THANK)
    def acknowledge_donation(
        self, donation_id: str, how: str, occurred_at: datetime | None = None
    ) -> None:
        """Record that the donor was thanked (``"letter"``, ``"email"`` or ``"call"``)."""
        donation = self.donation(donation_id)
        donation.acknowledge(how, self.store.stamp(occurred_at))
        self.store.commit(donation)

    @reads(Permission.READ_PATRONS)
    def get_donation(self, donation_id: str) -> DonationInfo:
        d = self.donation(donation_id)
        return DonationInfo(
            id=str(d.id),
            patron_id=d.patron_id,
            amount_cents=d.amount_cents,
            fund=d.fund,
            payment=d.payment,
            acknowledged=d.acknowledged_how,
        )

    @reads(Permission.READ_PATRONS)
    def donation(self, donation_id: str) -> Donation:
        from uuid import UUID

        try:
            donation = self.store.get(UUID(str(donation_id)))
        except (ValueError, AggregateNotFoundError):
            donation = None
        if not isinstance(donation, Donation):
            raise DonationProblem("We could not find that donation.")
        return donation
