"""Box-office commands beyond a plain sale (mixed into ``Houselights``):
exchanges, walk-up sales that capture the buyer, and editing productions and
performances."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from domain.box_office import PAYMENTS, Exchange, Production, Ticket
from domain.box_office_service import SALE_ATTEMPTS, BoxOfficeService, aggregate_uuid
from domain.contact import clean_text
from domain.errors import (
    InvalidInput,
    PerformanceNotFound,
    PossibleDuplicate,
    ProductionNotFound,
    TicketProblem,
    ValidationError,
)
from domain.patrons_service import PatronsService
from domain.roles import Permission
from domain.store import Store, command
from domain.ticket_codes import new_code, normalize_code, ticket_id

WALK_UP_CHANNEL = "walk_up"


@dataclass(frozen=True, slots=True)
class ExchangeResult:
    """An exchange: the new ticket codes, the codes they replaced, where they now are."""

    exchange_id: str
    codes: list[str]
    replaced: list[str]
    performance_id: str


@dataclass(frozen=True, slots=True)
class WalkUpSaleResult:
    """A sale at the window to a buyer registered there (or found on file)."""

    order_id: str
    codes: list[str]
    total_cents: int
    patron_id: str
    existing_patron: bool
    message: str


class BoxOfficeChangesService:
    """Methods take and return simple values, like the rest of the service."""

    def __init__(self, store: Store, patrons: PatronsService, box_office: BoxOfficeService) -> None:
        self.store = store
        self.patrons = patrons
        self.box_office = box_office

    # -- exchanges -------------------------------------------------------
    @command(Permission.SELL)
    def exchange_tickets(
        self, codes: list[str], to_performance_id: str, occurred_at: datetime | None = None
    ) -> ExchangeResult:
        """Swap valid tickets for new ones at another performance, at the price paid.

        The old tickets become void (``exchanged``), their seats are released
        and the target performance takes the seats through its capacity guard,
        all in one transaction. Returns the exchange's id, the new ``codes``, the
        old ones they ``replaced`` and the ``performance_id``; raises ``NotEnoughSeats`` when
        the other performance cannot take them (nothing changes then).
        """
        codes = [normalize_code(c) for c in codes or ()]
        if not codes or any(not c for c in codes):
            raise InvalidInput([ValidationError("codes", "Choose the tickets to exchange.")])
        if len(set(codes)) != len(codes):
            raise InvalidInput([ValidationError("codes", "A ticket is listed twice.")])
        self.box_office.performance(to_performance_id)  # a clear message before anything else
        stamp = self.store.stamp(occurred_at)
        new_codes = [new_code() for _ in codes]
        for attempt in range(SALE_ATTEMPTS):
            target = self.box_office.performance(to_performance_id)
            tickets = [self._ticket_for_change(code) for code in codes]
            patrons = {t.patron_id for t in tickets}
            if len(patrons) > 1:
                raise TicketProblem(
                    "These tickets belong to different patrons; exchange them one patron at a time."
                )
            for t in tickets:
                t.check_valid()
                if t.performance_id == str(target.id):
                    raise TicketProblem(f"Ticket {t.code} is already for {target.label()}.")
            sources: dict[str, int] = {}
            for t in tickets:
                sources[t.performance_id] = sources.get(t.performance_id, 0) + 1
            exchange = Exchange(
                patron_id=tickets[0].patron_id,
                codes=codes,
                new_codes=new_codes,
                from_performance_ids=list(sources),
                to_performance_id=str(target.id),
                **stamp,
            )
            target.take_seats(str(exchange.id), len(tickets), stamp)
            changed: list[Aggregate] = [exchange, target]
            for performance_id, count in sources.items():
                source = self.box_office.performance(performance_id)
                source.release_seats(str(exchange.id), count, **stamp)
                changed.append(source)
            for old, code in zip(tickets, new_codes, strict=True):
                old.exchange(code, stamp)
                changed.append(old)
                changed.append(
                    Ticket.issue(
                        code,
                        stamp,
                        performance_id=str(target.id),
                        patron_id=old.patron_id,
                        order_id=old.order_id,
                        price_level=old.price_level,
                        price_cents=old.price_cents,
                        channel=old.channel,
                    )
                )
            try:
                self.store.commit(*changed)
            except IntegrityError:
                if attempt == SALE_ATTEMPTS - 1:
                    raise
                continue
            return ExchangeResult(
                exchange_id=str(exchange.id),
                codes=list(new_codes),
                replaced=list(codes),
                performance_id=str(target.id),
            )
        raise AssertionError("unreachable")

    def _ticket_for_change(self, code: str) -> Ticket:
        try:
            ticket = self.store.get(ticket_id(code))
        except AggregateNotFoundError:
            ticket = None
        if not isinstance(ticket, Ticket):
            raise TicketProblem(f"We could not find ticket {code}. Check the code and try again.")
        return ticket

    # -- walk-up buyers ----------------------------------------------------
    @command(Permission.SELL)
    def sell_to_walk_up(
        self,
        performance_id: str,
        quantities: dict[str, int],
        first_name: str,
        last_name: str = "",
        email: str = "",
        phone: str = "",
        email_consent: bool = False,
        payment: str = "cash",
        occurred_at: datetime | None = None,
        allow_duplicate: bool = False,
        holders: list[str | None] | None = None,
    ) -> WalkUpSaleResult:
        """Register the buyer at the window, then sell to them.

        ``holders`` as for ``sell_tickets``: the patron holding each ticket when it
        is not the buyer (``domain/attendees.py`` finds or registers them).

        When the email or phone is already on file, the tickets go to that
        patron instead (their record is not changed) and the result says so;
        ``allow_duplicate=True`` registers a new patron anyway (a different
        person sharing a family email). Returns the sale (``order_id``,
        ``codes``, ``total_cents``) plus ``patron_id``, ``existing_patron`` and
        a ``message`` for the seller.
        """
        errors = []
        if not clean_text(email) and not clean_text(phone):
            errors.append(
                ValidationError(
                    "email",
                    "Add an email or a phone number so we can reach them (or sell without a name).",
                )
            )
        if payment not in PAYMENTS:
            errors.append(ValidationError("payment", "Choose cash, card or complimentary."))
        wanted = {level: n for level, n in (quantities or {}).items() if n}
        if not wanted or any(
            isinstance(n, bool) or not isinstance(n, int) or n < 0 for n in wanted.values()
        ):
            errors.append(ValidationError("quantities", "Choose how many tickets to sell."))
        if errors:
            raise InvalidInput(errors)
        # Check the seats first, so a refused sale leaves no half-made record.
        performance = self.box_office.performance(performance_id)
        for level in wanted:
            performance.price_of(level)
        performance.check_available(sum(wanted.values()))
        existing = False
        try:
            patron_id = self.patrons.register_patron(
                first_name,
                last_name,
                email=email,
                phone=phone,
                email_consent=email_consent,
                source="walk-up",
                occurred_at=occurred_at,
                allow_duplicate=allow_duplicate,
            )
        except PossibleDuplicate as duplicate:
            match = duplicate.matches[0]
            patron_id, existing = match.id, True
        sale = self.box_office.sell_tickets(
            performance_id,
            quantities,
            patron_id=patron_id,
            payment=payment,
            channel=WALK_UP_CHANNEL,
            occurred_at=occurred_at,
            holders=holders,
        )
        count = len(sale.codes)
        tickets = "1 ticket" if count == 1 else f"{count} tickets"
        if existing:
            how = "phone number" if match.reason == "phone" else "email address"
            message = (
                f"{match.name} is already on file with this {how}: sold {tickets} to their record."
            )
        else:
            name = " ".join(p for p in (clean_text(first_name), clean_text(last_name)) if p)
            message = f"Sold {tickets} to {name}, a new patron."
        return WalkUpSaleResult(
            order_id=sale.order_id,
            codes=sale.codes,
            total_cents=sale.total_cents,
            patron_id=patron_id,
            existing_patron=existing,
            message=message,
        )

    # -- productions and performances --------------------------------------
    @command(Permission.PROGRAMME)
    def rename_production(
        self, production_id: str, title: str, occurred_at: datetime | None = None
    ) -> bool:
        """Rename a production; performances that carry its title follow in the lists."""
        try:
            production = self.store.get(aggregate_uuid(production_id))
        except (AggregateNotFoundError, PerformanceNotFound):
            production = None
        if not isinstance(production, Production):
            raise ProductionNotFound(str(production_id))
        title = clean_text(title)
        if not title:
            raise InvalidInput([ValidationError("title", "Please give the production a title.")])
        if title == production.title:
            return False
        production.rename(title, **self.store.stamp(occurred_at))
        self.store.commit(production)
        return True

    @command(Permission.PROGRAMME)
    def update_performance(
        self,
        performance_id: str,
        starts_at: datetime | None = None,
        venue: str | None = None,
        capacity: int | None = None,
        price_levels: dict[str, int] | None = None,
        occurred_at: datetime | None = None,
    ) -> dict[str, Any]:
        """Change what is given; returns the fields that changed.

        Capacity cannot go below the seats already sold; new prices apply to
        later sales only.
        """
        errors = []
        if starts_at is not None and (starts_at.tzinfo is None or starts_at.utcoffset() is None):
            errors.append(ValidationError("starts_at", "Please give the date with its time zone."))
        if capacity is not None and (
            isinstance(capacity, bool) or not isinstance(capacity, int) or capacity <= 0
        ):
            errors.append(ValidationError("capacity", "Capacity must be a number above 0."))
        if errors:
            raise InvalidInput(errors)
        stamp = self.store.stamp(occurred_at)
        for attempt in range(SALE_ATTEMPTS):
            performance = self.box_office.performance(performance_id)
            changes: dict[str, Any] = {}
            if starts_at is not None and starts_at != performance.starts_at:
                performance.reschedule(starts_at, **stamp)
                changes["starts_at"] = starts_at.isoformat()
            if venue is not None and clean_text(venue) != performance.venue:
                performance.change_venue(venue, stamp)
                changes["venue"] = performance.venue
            if capacity is not None and capacity != performance.capacity:
                performance.change_capacity(capacity, stamp)
                changes["capacity"] = capacity
            if price_levels is not None and dict(price_levels) != performance.price_levels:
                performance.change_prices(price_levels, stamp)
                changes["price_levels"] = dict(performance.price_levels)
            if not changes:
                return {}
            try:
                self.store.commit(performance)
            except IntegrityError:  # a sale at the same moment: look again
                if attempt == SALE_ATTEMPTS - 1:
                    raise
                continue
            return changes
        raise AssertionError("unreachable")
