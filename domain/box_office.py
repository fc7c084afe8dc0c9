"""Box-office aggregates: productions, performances, tickets and orders.

The Performance aggregate guards its capacity: every sale records the seats it
takes on the performance itself, and the sale is saved in one transaction with
its tickets and order. Two workstations selling the last seats at the same
moment both try to write the same next version of the performance; the store's
optimistic concurrency lets exactly one win, and the other retries against the
new count (and is refused if the seats are gone).

Money is always in integer cents.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from functools import lru_cache
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.contact import clean_text
from domain.errors import InvalidInput, NotEnoughSeats, TicketProblem, ValidationError
from domain.making import create, trigger
from domain.natural_ids import name_uuid
from domain.recording import Stamp
from domain.ticket_codes import ticket_id
from domain.verdicts import Verdict, door_verdict
from domain.wording import moment_mark

PAYMENTS = ("cash", "card", "complimentary")
COMPLIMENTARY = "complimentary"


def ticket_price(
    price_levels: dict[str, int], level: str, payment: str, paid_cents: dict[str, int] | None = None
) -> int:
    """What one ticket at ``level`` costs: nothing when complimentary, what was paid
    elsewhere for a sale made there (``paid_cents``), else the performance's price.
    The one rule for pricing an order: the sale and the selling form's total use it."""
    if payment == COMPLIMENTARY:
        return 0
    if paid_cents and level in paid_cents:
        return paid_cents[level]
    return price_levels[level]


def order_total(
    price_levels: dict[str, int],
    quantities: dict[str, int],
    payment: str,
    paid_cents: dict[str, int] | None = None,
) -> int:
    """The whole order's price in cents (see ``ticket_price``)."""
    return sum(
        ticket_price(price_levels, level, payment, paid_cents) * n
        for level, n in quantities.items()
        if n
    )


def undo_reason(reason: str | None) -> str:
    """Why an admission is undone, in one line; an undo always says why."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput(
            [
                ValidationError(
                    "reason", "Say why the admission is undone, e.g. scanned the wrong ticket."
                )
            ]
        )
    return reason


CHANNELS = ("box_office", "phone", "online", "walk_up")
_ORDER_NAMESPACE = uuid5(NAMESPACE_URL, "https://houselights.app/order")


@lru_cache(maxsize=65536)  # an import asks for each order's id several times
def order_id_for(reference: str) -> UUID:
    """Orders imported from another service keep their id across re-imports."""
    return name_uuid(_ORDER_NAMESPACE, reference.strip())


def clean_price_levels(levels: Mapping[str, object]) -> dict[str, int]:
    cleaned: dict[str, int] = {}
    for name, cents in (levels or {}).items():
        name = clean_text(str(name))
        if not name:
            raise ValidationError("price_levels", "Each price level needs a name, e.g. Adult.")
        if isinstance(cents, bool) or not isinstance(cents, int) or cents < 0:
            raise ValidationError("price_levels", f"The price for {name} must be 0 or more.")
        cleaned[name] = cents
    if not cleaned:
        raise ValidationError("price_levels", "Add at least one price level, e.g. Adult.")
    return cleaned


class BoxOfficeEvent(Aggregate.Event):
    occurred_at: datetime
    recorded_by: str
    workstation: str


class Production(Aggregate):
    class Event(BoxOfficeEvent):
        pass

    @event("Created")
    def __init__(
        self,
        title: str,
        description: str,
        occurred_at: datetime,
        recorded_by: str,
        workstation: str,
    ):
        self.title = title
        self.description = description

    @classmethod
    def create(cls, title: str, description: str, stamp: Stamp) -> Production:
        title = clean_text(title)
        if not title:
            raise InvalidInput([ValidationError("title", "Please give the production a title.")])
        return cls(title=title, description=(description or "").strip(), **stamp)

    @event("Renamed")
    def rename(self, title: str, occurred_at: datetime, recorded_by: str, workstation: str) -> None:
        self.title = title


class Performance(Aggregate):
    class Event(BoxOfficeEvent):
        pass

    @event("Scheduled")
    def __init__(
        self,
        production_id: str,
        title: str,
        starts_at: datetime,
        venue: str,
        capacity: int,
        price_levels: dict[str, int],
        occurred_at: datetime,
        recorded_by: str,
        workstation: str,
    ):
        self.production_id = production_id
        self.title = title
        self.starts_at = starts_at
        self.venue = venue
        self.capacity = capacity
        self.price_levels = dict(price_levels)
        self.sold = 0

    @classmethod
    def schedule(
        cls,
        production_id: str,
        title: str,
        starts_at: datetime,
        venue: str,
        capacity: int,
        price_levels: dict[str, int],
        stamp: Stamp,
    ) -> Performance:
        errors = []
        if starts_at.tzinfo is None:
            errors.append(ValidationError("starts_at", "Please give the date with its time zone."))
        if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity <= 0:
            errors.append(ValidationError("capacity", "Capacity must be a number above 0."))
        try:
            levels = clean_price_levels(price_levels)
        except ValidationError as error:
            errors.append(error)
        if errors:
            raise InvalidInput(errors)
        return cls(
            production_id=production_id,
            title=clean_text(title),
            starts_at=starts_at,
            venue=clean_text(venue),
            capacity=capacity,
            price_levels=levels,
            **stamp,
        )

    @property
    def available(self) -> int:
        return self.capacity - self.sold

    def label(self) -> str:
        """'Hamlet, {moment:…}': the view writes the start in the organization's way."""
        return f"{self.title}, {moment_mark(self.starts_at)}"

    def check_available(self, quantity: int) -> None:
        if quantity > self.available:
            raise NotEnoughSeats(self.label(), quantity, self.available)

    def price_of(self, level: str) -> int:
        try:
            return self.price_levels[level]
        except KeyError:
            names = ", ".join(self.price_levels)
            raise TicketProblem(
                f"{self.title} has no price level “{level}”. Choose one of: {names}."
            ) from None

    def take_seats(self, order_id: str, quantity: int, stamp: Stamp) -> None:
        self.check_available(quantity)
        # as self._seats_taken(...) records it (an import takes seats 10,000 times)
        trigger(self, Performance.SeatsTaken, order_id=order_id, quantity=quantity, **stamp)  # type: ignore[attr-defined]  # made by @event

    @event("SeatsTaken")
    def _seats_taken(
        self,
        order_id: str,
        quantity: int,
        occurred_at: datetime,
        recorded_by: str,
        workstation: str,
    ) -> None:
        self.sold += quantity

    @event("SeatsTakenTogether")
    def _seats_taken_together(
        self,
        orders: dict[str, int],
        quantity: int,
        occurred_at: datetime,
        recorded_by: str,
        workstation: str,
    ) -> None:
        self.sold += quantity

    def compact_pending_events(self) -> None:
        """Before a batch's save: each run of two or more ``SeatsTaken`` in a row
        (one per order of an import's chunk) becomes one ``SeatsTakenTogether``
        with every order's seats (``orders``: order id -> seats) and their sum, so
        an import records one seat event per performance per chunk instead of one
        per order. The seats sold stay the same after every event; the events
        after a run are numbered on. Each order was checked against the capacity
        when it took its seats, and a failed command had its events taken back
        before this runs (``Store.command``), so all-or-nothing per order holds."""
        pending: list[Any] = list(self._pending_events)
        taken = Performance.SeatsTaken  # type: ignore[attr-defined]  # made by @event
        if sum(1 for e in pending if type(e) is taken) < 2:
            return
        together = Performance.SeatsTakenTogether  # type: ignore[attr-defined]  # made by @event
        version = pending[0].originator_version
        compacted: list[Any] = []
        run: list[Any] = []

        def close_run() -> None:
            nonlocal version
            if len(run) == 1:
                compacted.append(replace(run[0], originator_version=version))
                version += 1
            elif run:
                orders: dict[str, int] = {}
                for e in run:
                    orders[e.order_id] = orders.get(e.order_id, 0) + e.quantity
                compacted.append(
                    together(
                        originator_id=self.id,
                        originator_version=version,
                        timestamp=run[-1].timestamp,
                        orders=orders,
                        quantity=sum(e.quantity for e in run),
                        occurred_at=max(e.occurred_at for e in run),
                        recorded_by=run[0].recorded_by,
                        workstation=run[0].workstation,
                    )
                )
                version += 1
            run.clear()

        for e in pending:
            if (
                type(e) is taken
                and run
                and (e.recorded_by, e.workstation) != (run[0].recorded_by, run[0].workstation)
            ):
                close_run()
            if type(e) is taken:
                run.append(e)
                continue
            close_run()
            compacted.append(
                e if e.originator_version == version else replace(e, originator_version=version)
            )
            version += 1
        close_run()
        self._pending_events = compacted
        self._version = version - 1

    @event("SeatsReleased")
    def release_seats(
        self,
        order_id: str,
        quantity: int,
        occurred_at: datetime,
        recorded_by: str,
        workstation: str,
    ) -> None:
        self.sold -= quantity

    def change_capacity(self, capacity: int, stamp: Stamp) -> None:
        if capacity < self.sold:
            raise InvalidInput(
                [
                    ValidationError(
                        "capacity",
                        f"{self.sold} seats are already sold; capacity cannot go below that.",
                    )
                ]
            )
        self._capacity_changed(capacity=capacity, **stamp)

    @event("CapacityChanged")
    def _capacity_changed(
        self, capacity: int, occurred_at: datetime, recorded_by: str, workstation: str
    ) -> None:
        self.capacity = capacity

    @event("Rescheduled")
    def reschedule(
        self, starts_at: datetime, occurred_at: datetime, recorded_by: str, workstation: str
    ) -> None:
        self.starts_at = starts_at

    def change_venue(self, venue: str, stamp: Stamp) -> None:
        self._venue_changed(venue=clean_text(venue), **stamp)

    @event("VenueChanged")
    def _venue_changed(
        self, venue: str, occurred_at: datetime, recorded_by: str, workstation: str
    ) -> None:
        self.venue = venue

    def change_prices(self, price_levels: dict[str, int], stamp: Stamp) -> None:
        """New prices apply to later sales; tickets already sold keep theirs."""
        try:
            levels = clean_price_levels(price_levels)
        except ValidationError as error:
            raise InvalidInput([error]) from None
        self._prices_changed(price_levels=levels, **stamp)

    @event("PricesChanged")
    def _prices_changed(
        self,
        price_levels: dict[str, int],
        occurred_at: datetime,
        recorded_by: str,
        workstation: str,
    ) -> None:
        self.price_levels = dict(price_levels)


class Ticket(Aggregate):
    """One seat at one performance; its id is uuid5 of its code."""

    VALID, REFUNDED, EXCHANGED = "valid", "refunded", "exchanged"
    #: its code was replaced by the one its ticketing service printed on it: the same
    #: seat goes on under the new code (issued anew), the old code no longer gets in
    REPLACED = "replaced"

    class Event(BoxOfficeEvent):
        pass

    @event("Issued")
    def __init__(
        self,
        code: str,
        performance_id: str,
        patron_id: str | None,
        order_id: str,
        price_level: str,
        price_cents: int,
        channel: str,
        occurred_at: datetime,
        recorded_by: str,
        workstation: str,
    ):
        self.code = code
        self.performance_id = performance_id
        self.patron_id = patron_id
        self.order_id = order_id
        self.price_level = price_level
        self.price_cents = price_cents
        self.channel = channel
        self.status = Ticket.VALID
        self.admitted_at: datetime | None = None
        self.admitted_door = ""
        self.admitted_by = ""
        self.admitted_workstation = ""
        self.scan_ids: set[str] = set()

    @classmethod
    def issue(cls, code: str, stamp: Stamp, **values: Any) -> Ticket:
        return create(cls, cls.Issued, id=ticket_id(code), code=code, **values, **stamp)  # type: ignore[attr-defined]  # made by @event("Issued")

    def check_valid(self) -> None:
        """Only a valid ticket that has not been used is refunded or exchanged."""
        if self.status != Ticket.VALID:
            raise TicketProblem(f"Ticket {self.code} is already {self.status}.")
        if self.admitted:
            raise TicketProblem(
                f"Ticket {self.code} was already used at {self.admitted_door}; "
                "undo the admission first if it was a mistake."
            )

    @property
    def unused(self) -> bool:
        """Valid and not admitted: what a refund gives back."""
        return self.status == Ticket.VALID and not self.admitted

    def refund(self, stamp: Stamp) -> None:
        self.check_valid()
        self._refunded(amount_cents=self.price_cents, **stamp)

    @event("Refunded")
    def _refunded(
        self, amount_cents: int, occurred_at: datetime, recorded_by: str, workstation: str
    ) -> None:
        self.status = Ticket.REFUNDED

    def exchange(self, replacement_code: str, stamp: Stamp) -> None:
        self.check_valid()
        self._exchanged(replacement_code=replacement_code, **stamp)

    @event("Exchanged")
    def _exchanged(
        self, replacement_code: str, occurred_at: datetime, recorded_by: str, workstation: str
    ) -> None:
        self.status = Ticket.EXCHANGED
        self.replacement_code = replacement_code

    def replace_code(self, replacement_code: str, stamp: Stamp) -> None:
        """Void this code in favour of ``replacement_code`` (the code the ticketing
        service printed), which is issued for the same seat. Only a valid ticket not
        yet admitted: a used ticket keeps the code it was admitted with."""
        self.check_valid()
        self._code_replaced(replacement_code=replacement_code, **stamp)

    @event("CodeReplaced")
    def _code_replaced(
        self, replacement_code: str, occurred_at: datetime, recorded_by: str, workstation: str
    ) -> None:
        self.status = Ticket.REPLACED
        self.replacement_code = replacement_code

    # -- the door ---------------------------------------------------------
    @property
    def admitted(self) -> bool:
        return self.admitted_at is not None

    def verdict(self, performance_id: str, door: str, at: datetime) -> tuple[Verdict, bool]:
        """What the door says to this ticket scanned at ``door`` for ``performance_id``
        at ``at``: (a verdict of ``domain.verdicts``, whether it is the same scan again).

        The door's rule itself is ``domain.verdicts.door_verdict`` (an offline door
        applies it to the facts of its own copy); here it decides on the stored ticket."""
        return door_verdict(
            self.status,
            self.performance_id,
            self.admitted_at,
            self.admitted_door,
            performance_id,
            door,
            at,
        )

    def check_admissible(self, performance_id: str) -> None:
        """Only a valid, not yet admitted ticket for this performance gets in."""
        if self.status != Ticket.VALID:
            raise TicketProblem(f"Ticket {self.code} is {self.status}; it cannot be admitted.")
        if self.performance_id != str(performance_id):
            raise TicketProblem(f"Ticket {self.code} is for another performance.")
        if self.admitted:
            raise TicketProblem(f"Ticket {self.code} was already admitted at {self.admitted_door}.")

    def knows_scan(self, scan_id: str) -> bool:
        """Whether a door scan with this id (a queued offline scan) was applied already."""
        return bool(scan_id) and scan_id in self.scan_ids

    def admit(self, performance_id: str, door: str, stamp: Stamp, scan_id: str = "") -> None:
        self.check_admissible(performance_id)
        self._admitted(performance_id=str(performance_id), door=door, scan_id=scan_id, **stamp)

    class Admitted(Event):
        """Version 2 added ``scan_id``: the door scan's own id, so an offline door's
        queued admission sent twice is recognised. Version 1 events read as ""."""

        class_version = 2
        performance_id: str
        door: str
        scan_id: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["scan_id"] = ""

    @event(Admitted)
    def _admitted(
        self,
        performance_id: str,
        door: str,
        scan_id: str,
        occurred_at: datetime,
        recorded_by: str,
        workstation: str,
    ) -> None:
        self.admitted_at = occurred_at
        self.admitted_door = door
        self.admitted_by = recorded_by
        self.admitted_workstation = workstation
        if scan_id:
            self.scan_ids.add(scan_id)

    def undo_admission(self, reason: str, door: str, stamp: Stamp, scan_id: str = "") -> None:
        """Take back an admission made by mistake (the wrong ticket was scanned)."""
        if not self.admitted:
            raise TicketProblem(f"Ticket {self.code} has not been admitted; nothing to undo.")
        reason = undo_reason(reason)
        self._admission_undone(
            performance_id=self.performance_id, door=door, reason=reason, scan_id=scan_id, **stamp
        )

    class AdmissionUndone(Event):
        """Version 2 added ``scan_id`` (see ``Admitted``)."""

        class_version = 2
        performance_id: str
        door: str
        reason: str
        scan_id: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["scan_id"] = ""

    @event(AdmissionUndone)
    def _admission_undone(
        self,
        performance_id: str,
        door: str,
        reason: str,
        scan_id: str,
        occurred_at: datetime,
        recorded_by: str,
        workstation: str,
    ) -> None:
        self.admitted_at = None
        self.admitted_door = ""
        self.admitted_by = ""
        self.admitted_workstation = ""
        if scan_id:
            self.scan_ids.add(scan_id)

    def record_double_entry(
        self, door: str, at: datetime, workstation: str, scan_id: str, stamp: Stamp
    ) -> None:
        """An admission made at an offline door (``door``, ``at``, ``workstation``) meets
        the admission already stored: both people went in on this ticket. The earliest
        admission stands (the ticket counts once in the house); the other is recorded."""
        if self.admitted_at is None:
            raise TicketProblem(f"Ticket {self.code} has not been admitted; no double entry.")
        stored = (self.admitted_at, self.admitted_door, self.admitted_workstation)
        offline = (at, door, workstation)
        first, second = (offline, stored) if at < self.admitted_at else (stored, offline)
        self._double_entry_recorded(
            performance_id=self.performance_id,
            patron_id=self.patron_id,
            code=self.code,
            first_at=first[0],
            first_door=first[1],
            first_workstation=first[2],
            second_at=second[0],
            second_door=second[1],
            second_workstation=second[2],
            scan_id=scan_id,
            **stamp,
        )

    @event("DoubleEntryRecorded")
    def _double_entry_recorded(
        self,
        performance_id: str,
        patron_id: str | None,
        code: str,
        first_at: datetime,
        first_door: str,
        first_workstation: str,
        second_at: datetime,
        second_door: str,
        second_workstation: str,
        scan_id: str,
        occurred_at: datetime,
        recorded_by: str,
        workstation: str,
    ) -> None:
        self.admitted_at = first_at
        self.admitted_door = first_door
        self.admitted_workstation = first_workstation
        if scan_id:
            self.scan_ids.add(scan_id)


class Order(Aggregate):
    """What was bought together, by whom, how it was paid, through which channel."""

    class Event(BoxOfficeEvent):
        pass

    @event("Placed")
    def __init__(
        self,
        patron_id: str | None,
        performance_id: str,
        lines: list[dict[str, Any]],
        codes: list[str],
        payment: str,
        channel: str,
        total_cents: int,
        lost_contact: bool,
        reference: str,
        occurred_at: datetime,
        recorded_by: str,
        workstation: str,
    ):
        self.patron_id = patron_id
        self.performance_id = performance_id
        self.lines = [dict(line) for line in lines]
        self.codes = list(codes)
        self.payment = payment
        self.channel = channel
        self.total_cents = total_cents
        self.lost_contact = lost_contact
        self.reference = reference
        self.refunded_cents = 0

    @classmethod
    def place(cls, order_id: UUID, stamp: Stamp, **values: Any) -> Order:
        return create(cls, cls.Placed, id=order_id, **values, **stamp)  # type: ignore[attr-defined]  # made by @event("Placed")

    @event("Refunded")
    def refunded(
        self,
        codes: list[str],
        amount_cents: int,
        occurred_at: datetime,
        recorded_by: str,
        workstation: str,
    ) -> None:
        self.refunded_cents += amount_cents


class Exchange(Aggregate):
    """Tickets swapped for new ones at another performance, at the price paid.

    One event for the whole exchange, so the patron's timeline shows it once;
    the old tickets record ``Exchanged`` and the new ones ``Issued``.
    """

    class Event(BoxOfficeEvent):
        pass

    @event("Made")
    def __init__(
        self,
        patron_id: str | None,
        codes: list[str],
        new_codes: list[str],
        from_performance_ids: list[str],
        to_performance_id: str,
        occurred_at: datetime,
        recorded_by: str,
        workstation: str,
    ):
        self.patron_id = patron_id
        self.codes = list(codes)
        self.new_codes = list(new_codes)
        self.from_performance_ids = list(from_performance_ids)
        self.to_performance_id = to_performance_id


def sale_aggregates(
    performance: Performance,
    order_id: UUID,
    wanted: dict[str, int],
    codes: list[str],
    holder_ids: list[str | None],
    stamp: Stamp,
    *,
    patron_id: str | None,
    payment: str,
    channel: str,
    reference: str = "",
    ticket_cents: list[int] | None = None,
    paid_cents: dict[str, int] | None = None,
) -> tuple[Order, list[Ticket]]:
    """The order and its tickets for one sale at ``performance``, whose seats it takes.

    The one home of what a sale records (the box office's sale and an import's bulk
    sale both make their aggregates here): one order line per level and price paid,
    a ticket per code (held by ``holder_ids``, in the order of ``wanted``), priced by
    ``ticket_price`` or, for a sale made elsewhere, by ``ticket_cents``. Raises
    ``TicketProblem`` for a level the performance does not have and
    ``NotEnoughSeats`` when it cannot take them; nothing is changed then.
    """
    performance_id = str(performance.id)
    order_key = str(order_id)
    count = sum(wanted.values())
    lines: list[dict[str, Any]] = []
    tickets: list[Ticket] = []
    total = position = 0
    for level, n in wanted.items():
        if ticket_cents is None or payment == COMPLIMENTARY:
            performance.price_of(level)  # a level it does not have is refused
            price = ticket_price(performance.price_levels, level, payment, paid_cents)
            prices = [price] * n
        else:
            prices = ticket_cents[position : position + n]
        for cents in dict.fromkeys(prices):  # one line per price paid at this level
            lines.append(
                {"price_level": level, "quantity": prices.count(cents), "price_cents": cents}
            )
        for cents in prices:
            tickets.append(
                Ticket.issue(
                    codes[position],
                    stamp,
                    performance_id=performance_id,
                    patron_id=holder_ids[position],
                    order_id=order_key,
                    price_level=level,
                    price_cents=cents,
                    channel=channel,
                )
            )
            position += 1
            total += cents
    performance.take_seats(order_key, count, stamp)
    order = Order.place(
        order_id,
        stamp,
        patron_id=patron_id,
        performance_id=performance_id,
        lines=lines,
        codes=codes,
        payment=payment,
        channel=channel,
        total_cents=total,
        lost_contact=patron_id is None,
        reference=reference,
    )
    return order, tickets


def ticket_tally(statuses: Iterable[str]) -> dict[str, int]:
    """How a performance's tickets stand, from their read-model statuses: ``admitted``
    (came in), ``not_yet`` (held, not scanned), ``returned`` (refunded or exchanged)
    and ``total`` (every ticket issued)."""
    tally = {"admitted": 0, "not_yet": 0, "returned": 0, "total": 0}
    for status in statuses:
        if status == Ticket.REPLACED:
            continue  # the same seat goes on under its new code
        tally["total"] += 1
        if status == "admitted":
            tally["admitted"] += 1
        elif status == Ticket.VALID:
            tally["not_yet"] += 1
        else:
            tally["returned"] += 1
    return tally
