"""The box office: productions, performances, sales and refunds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from domain.box_office import (
    CHANNELS,
    PAYMENTS,
    Order,
    Performance,
    Production,
    Ticket,
    order_id_for,
    sale_aggregates,
)
from domain.errors import (
    InvalidInput,
    PerformanceNotFound,
    ProductionNotFound,
    TicketProblem,
    ValidationError,
)
from domain.natural_ids import uuid_of
from domain.patrons_service import PatronsService
from domain.recording import Stamp
from domain.roles import Permission
from domain.store import Store, command, reads
from domain.ticket_codes import is_acceptable_external, new_code, normalize_code, ticket_id

#: how often a sale is retried when another workstation sold at the same moment
SALE_ATTEMPTS = 20


def aggregate_uuid(value: str | UUID) -> UUID:
    """The id named by ``value``; ``PerformanceNotFound`` for text that is no id."""
    try:
        return value if isinstance(value, UUID) else uuid_of(str(value))
    except ValueError:
        raise PerformanceNotFound(str(value)) from None


@dataclass(frozen=True, slots=True)
class SaleResult:
    """A sale: the order, its ticket codes and what was paid.

    ``existing`` says the order (named by its reference) was already recorded,
    so nothing new was sold.
    """

    order_id: str
    codes: list[str]
    total_cents: int
    existing: bool = False


@dataclass(frozen=True, slots=True)
class RefundResult:
    """The codes of the tickets refunded and the amount given back."""

    refunded: list[str]
    amount_cents: int


@dataclass(frozen=True, slots=True)
class TicketInfo:
    code: str
    performance_id: str
    patron_id: str | None
    order_id: str
    price_level: str
    price_cents: int
    status: str


@dataclass(frozen=True, slots=True)
class PerformanceInfo:
    id: str
    production_id: str
    title: str
    starts_at: str
    venue: str
    capacity: int
    sold: int
    available: int
    price_levels: dict[str, int]


def _checked_sale(
    quantities: dict[str, int],
    payment: str,
    channel: str,
    codes: list[str] | None,
    holders: list[str | None] | None,
    ticket_cents: list[int] | None,
) -> tuple[dict[str, int], list[str]]:
    """What a sale asks for, checked: ``(levels with a quantity, the tickets' codes)``
    (new codes when none are given). The one home of a sale's input checks."""
    errors = []
    if payment not in PAYMENTS:
        errors.append(ValidationError("payment", "Choose cash, card or complimentary."))
    if channel not in CHANNELS:
        errors.append(ValidationError("channel", f"Unknown sales channel “{channel}”."))
    wanted = {level: n for level, n in quantities.items() if n}
    if any(not isinstance(n, int) or n < 0 for n in wanted.values()) or not wanted:
        errors.append(ValidationError("quantities", "Choose how many tickets to sell."))
    if errors:
        raise InvalidInput(errors)
    count = sum(wanted.values())
    if codes is not None:
        codes = [normalize_code(c) for c in codes]
        if len(codes) != count or not all(is_acceptable_external(c) for c in codes):
            raise TicketProblem("The ticket codes given do not match the tickets sold.")
    else:
        codes = [new_code() for _ in range(count)]
    if holders is not None and len(holders) != count:
        raise TicketProblem("Name a holder (or none) for every ticket sold.")
    if ticket_cents is not None and (
        len(ticket_cents) != count
        or any(isinstance(c, bool) or not isinstance(c, int) or c < 0 for c in ticket_cents)
    ):
        raise TicketProblem("Give a price of 0 or more for every ticket sold.")
    return wanted, codes


class BoxOfficeService:
    """Productions, performances and sales. Methods take and return simple values."""

    def __init__(self, store: Store, patrons: PatronsService) -> None:
        self.store = store
        self.patrons = patrons

    @command(Permission.PROGRAMME)
    def create_production(
        self, title: str, description: str = "", occurred_at: datetime | None = None
    ) -> str:
        production = Production.create(title, description, self.store.stamp(occurred_at))
        self.store.commit(production)
        return str(production.id)

    @command(Permission.PROGRAMME)
    def schedule_performance(
        self,
        production_id: str,
        starts_at: datetime,
        capacity: int,
        price_levels: dict[str, int],
        venue: str = "",
        title: str | None = None,
        occurred_at: datetime | None = None,
    ) -> str:
        try:
            production = self.store.get(aggregate_uuid(production_id))
        except (AggregateNotFoundError, PerformanceNotFound):
            production = None
        if not isinstance(production, Production):
            raise ProductionNotFound(str(production_id))
        performance = Performance.schedule(
            str(production.id),
            title or production.title,
            starts_at,
            venue,
            capacity,
            price_levels,
            self.store.stamp(occurred_at),
        )
        self.store.commit(performance)
        return str(performance.id)

    @reads(Permission.SEE_PERFORMANCES)
    def performance(self, performance_id: str) -> Performance:
        try:
            performance = self.store.get(aggregate_uuid(performance_id))
        except (AggregateNotFoundError, PerformanceNotFound):
            raise PerformanceNotFound(str(performance_id)) from None
        if not isinstance(performance, Performance):
            raise PerformanceNotFound(str(performance_id))
        return performance

    @command(Permission.SELL)
    def sell_tickets(
        self,
        performance_id: str,
        quantities: dict[str, int],
        patron_id: str | None = None,
        payment: str = "card",
        channel: str = "box_office",
        occurred_at: datetime | None = None,
        codes: list[str] | None = None,
        reference: str | None = None,
        paid_cents: dict[str, int] | None = None,
        holders: list[str | None] | None = None,
        ticket_cents: list[int] | None = None,
        known_new: bool = False,
    ) -> SaleResult:
        """Sell tickets; returns the order id, the ticket codes and the total.

        ``holders`` names, ticket by ticket (in the order of ``quantities``), the
        patron who holds it when that is not the buyer (an attendee with their
        own name): the ticket is theirs at the door and on their timeline, the
        order and its payment stay the buyer's. ``None`` entries are the buyer's.
        ``ticket_cents`` gives each ticket's own price for a sale made elsewhere
        (an imported order total divided over its tickets); its levels need not be
        on the performance's price list. ``known_new``: the caller checked that no
        order has this ``reference`` (an import, for many orders in one query);
        were it wrong, the save fails instead of doubling it.

        ``paid_cents`` records what was actually paid per ticket at each level for
        a sale made elsewhere (online sales imports); such levels need not be on
        the performance's own price list.

        Raises ``NotEnoughSeats`` when the performance cannot take them, also
        when another workstation sold the last seats a moment earlier.
        """
        self.store.require_may_record("Order.Placed", "sell tickets")
        wanted, codes = _checked_sale(quantities, payment, channel, codes, holders, ticket_cents)
        if patron_id is not None:
            patron_id = str(self.patrons.patron(patron_id).id)
        holder_ids = self._holders(holders, patron_id, len(codes))
        order_uuid = order_id_for(reference) if reference else uuid4()
        if reference and not known_new and self.store.exists(order_uuid):
            existing = self.store.get(order_uuid)  # already recorded: nothing new
            return SaleResult(
                order_id=str(order_uuid),
                codes=list(existing.codes),
                total_cents=existing.total_cents,
                existing=True,
            )
        stamp = self.store.stamp(occurred_at)
        for attempt in range(SALE_ATTEMPTS):
            performance = self.performance(performance_id)
            order, tickets = sale_aggregates(
                performance,
                order_uuid,
                wanted,
                codes,
                holder_ids,
                stamp,
                patron_id=patron_id,
                payment=payment,
                channel=channel,
                reference=reference or "",
                ticket_cents=ticket_cents,
                paid_cents=paid_cents,
            )
            try:
                self.store.commit(performance, order, *tickets)
            except IntegrityError:
                # Someone else wrote this performance (or these codes) first. The
                # attempt's aggregates are spent (their events were drained by the
                # failed save): the next round rebuilds everything from the store.
                if attempt == SALE_ATTEMPTS - 1 or self.store.exists(order_uuid):
                    raise
                continue
            return SaleResult(order_id=str(order_uuid), codes=codes, total_cents=order.total_cents)
        raise AssertionError("unreachable")

    @command(Permission.SELL)
    def sell_imported(
        self,
        performance_id: str,
        quantities: dict[str, int],
        reference: str,
        codes: list[str],
        patron_id: str | None = None,
        holders: list[str | None] | None = None,
        ticket_cents: list[int] | None = None,
        payment: str = "card",
        channel: str = "online",
        occurred_at: datetime | None = None,
    ) -> int:
        """An import's bulk sale: one order made elsewhere, into the open batch.

        The same checks and the same events as ``sell_tickets`` (``_checked_sale``,
        ``sale_aggregates``), for a caller that has found in one query that no
        order has ``reference`` (were it wrong, the batch's save fails instead of
        doubling it). Only inside a batch:
        the batch's one transaction saves it with the rest of the chunk. Returns the
        order's total in cents.
        """
        if not self.store.in_batch:
            raise RuntimeError("sell_imported saves with an open batch (Store.batch)")
        self.store.require_may_record("Order.Placed", "sell tickets")
        wanted, codes = _checked_sale(quantities, payment, channel, codes, holders, ticket_cents)
        if patron_id is not None:
            patron_id = str(self.patrons.patron(patron_id).id)
        holder_ids = self._holders(holders, patron_id, len(codes))
        # The batch holds the performance (earlier sales of the chunk took their seats).
        performance = self.performance(performance_id)
        order, tickets = sale_aggregates(
            performance,
            order_id_for(reference),
            wanted,
            codes,
            holder_ids,
            self.store.stamp(occurred_at),
            patron_id=patron_id,
            payment=payment,
            channel=channel,
            reference=reference,
            ticket_cents=ticket_cents,
        )
        self.store.commit(performance, order, *tickets)
        return order.total_cents

    def _holders(
        self, holders: list[str | None] | None, patron_id: str | None, count: int
    ) -> list[str | None]:
        """Each ticket's holder: the named patron (a merged one's survivor), else the buyer."""
        return [
            str(self.patrons.patron(h).id) if h else patron_id for h in holders or [None] * count
        ]

    @reads(Permission.READ_TICKETS)
    def get_ticket(self, code: str) -> TicketInfo | None:
        try:
            ticket: Ticket = self.store.repository.get(ticket_id(code))
        except AggregateNotFoundError:
            return None
        return TicketInfo(
            code=ticket.code,
            performance_id=ticket.performance_id,
            patron_id=ticket.patron_id,
            order_id=ticket.order_id,
            price_level=ticket.price_level,
            price_cents=ticket.price_cents,
            status=ticket.status,
        )

    @reads(Permission.SEE_PERFORMANCES)
    def get_performance(self, performance_id: str) -> PerformanceInfo:
        p = self.performance(performance_id)
        return PerformanceInfo(
            id=str(p.id),
            production_id=p.production_id,
            title=p.title,
            starts_at=p.starts_at.isoformat(),
            venue=p.venue,
            capacity=p.capacity,
            sold=p.sold,
            available=p.available,
            price_levels=dict(p.price_levels),
        )

    @reads(Permission.SELL)
    def current_tickets(self, codes: list[str]) -> list[Ticket]:
        """The tickets these codes stand for now: an exchanged one's replacement."""
        current = []
        for code in codes:
            ticket = self.store.get(ticket_id(code))
            while ticket.status in (Ticket.EXCHANGED, Ticket.REPLACED):
                ticket = self.store.get(ticket_id(ticket.replacement_code))
            current.append(ticket)
        return current

    @command(Permission.SELL)
    def replace_ticket_code(
        self,
        code: str,
        barcode: str,
        holder_id: str | None = None,
        occurred_at: datetime | None = None,
    ) -> str:
        """Give a ticket the code its ticketing service printed on it (an export that
        brings the barcode of a ticket known so far by a Houselights code).

        The seat, order, price and channel stay; the ticket is issued anew under
        ``barcode`` (held by ``holder_id``, else its holder so far) and the old code
        is void from then on (``Ticket.CodeReplaced``). A ticket already used,
        refunded or exchanged keeps its code, and a code another ticket has is
        refused: ``TicketProblem`` says which. Returns the new code.
        """
        try:
            old = self.store.get(ticket_id(code))
        except AggregateNotFoundError:
            raise TicketProblem(f"There is no ticket {code}.") from None
        if self.store.exists(ticket_id(barcode)):
            raise TicketProblem(f"Barcode {barcode} already belongs to another ticket.")
        if holder_id is not None:
            holder_id = str(self.patrons.patron(holder_id).id)
        stamp = self.store.stamp(occurred_at)
        old.replace_code(barcode, stamp)
        new = Ticket.issue(
            barcode,
            stamp,
            performance_id=old.performance_id,
            patron_id=holder_id or old.patron_id,
            order_id=old.order_id,
            price_level=old.price_level,
            price_cents=old.price_cents,
            channel=old.channel,
        )
        self.store.commit(old, new)
        return barcode

    @reads(Permission.SELL)
    def refund_tickets(self, owner_id: str, tickets: list[Ticket], stamp: Stamp) -> list[Aggregate]:
        """Void the tickets and free their seats, each at its own performance.

        Returns every changed aggregate, to be saved in one transaction.
        """
        performances: dict[str, Performance] = {}
        counts: dict[str, int] = {}
        for ticket in tickets:
            ticket.refund(stamp)
            if ticket.performance_id not in performances:
                performances[ticket.performance_id] = self.performance(ticket.performance_id)
            counts[ticket.performance_id] = counts.get(ticket.performance_id, 0) + 1
        for performance_id, performance in performances.items():
            performance.release_seats(owner_id, counts[performance_id], **stamp)
        return [*performances.values(), *tickets]

    @command(Permission.SELL)
    def refund_order(self, order_id: str, occurred_at: datetime | None = None) -> RefundResult:
        """Void every still-valid ticket of the order and free their seats.

        Tickets exchanged to another performance are refunded there.
        """
        try:
            order = self.store.get(aggregate_uuid(order_id))
        except (AggregateNotFoundError, PerformanceNotFound):
            order = None
        if not isinstance(order, Order):
            raise TicketProblem("We could not find that order.")
        stamp = self.store.stamp(occurred_at)
        for attempt in range(SALE_ATTEMPTS):
            # Fresh aggregates every round: a failed save drains pending events.
            order = self.store.get(order.id)
            valid = [t for t in self.current_tickets(order.codes) if t.unused]
            if not valid:
                raise TicketProblem("Every ticket of this order was already refunded or used.")
            changed = self.refund_tickets(str(order.id), valid, stamp)
            amount = sum(t.price_cents for t in valid)
            order.refunded([t.code for t in valid], amount, **stamp)
            try:
                self.store.commit(order, *changed)
                break
            except IntegrityError:
                if attempt == SALE_ATTEMPTS - 1:
                    raise
        return RefundResult(refunded=[t.code for t in valid], amount_cents=amount)
