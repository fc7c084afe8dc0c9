"""Subscriptions, memberships and donations: a patron's longer commitments.

* A **subscription** is a package of performances bought at one price. Each of
  its performances issues one ticket (with a code that scans at the door),
  taking a seat through that Performance's capacity guard; the tickets' order
  id is the subscription's id.
* A **membership** runs from a start date to an end date at a level (Friend,
  Patron Circle, ...).
* A **donation** has an amount, a fund and an acknowledgment (thanked by
  letter, email or call) that can be given once.

Events refer to patrons by id only; no personal data lives in them. Money is
integer cents.
"""

from __future__ import annotations

from datetime import date, datetime

from eventsourcing.domain import Aggregate, event

from domain.box_office import PAYMENTS, BoxOfficeEvent
from domain.contact import clean_text
from domain.errors import DonationProblem, InvalidInput, TicketProblem, ValidationError
from domain.recording import Stamp
from domain.wording import date_mark

DONATION_PAYMENTS = ("cash", "card", "cheque", "transfer")
ACKNOWLEDGMENTS = ("letter", "email", "call")


def _check_cents(
    field: str, cents: object, what: str, allow_zero: bool = True
) -> list[ValidationError]:
    least = 0 if allow_zero else 1
    if isinstance(cents, bool) or not isinstance(cents, int) or cents < least:
        more = "0 or more" if allow_zero else "more than 0"
        return [ValidationError(field, f"The {what} must be an amount {more}.")]
    return []


def _check_payment(payment: str, allowed: tuple[str, ...]) -> list[ValidationError]:
    if payment not in allowed:
        return [ValidationError("payment", f"Choose {', '.join(allowed[:-1])} or {allowed[-1]}.")]
    return []


def parse_day(value: date | str, field: str) -> date:
    """A calendar day from a date or an ISO string (2026-09-01)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError(
            field, "Please give the date as year-month-day, e.g. 2026-09-01."
        ) from None


class Subscription(Aggregate):
    class Event(BoxOfficeEvent):
        pass

    @event("Purchased")
    def __init__(
        self,
        patron_id: str,
        package_name: str,
        performance_ids: list[str],
        price_cents: int,
        payment: str,
        codes: list[str],
        occurred_at: datetime,
        recorded_by: str,
        workstation: str,
    ):
        self.patron_id = patron_id
        self.package_name = package_name
        self.performance_ids = list(performance_ids)
        self.price_cents = price_cents
        self.payment = payment
        self.codes = list(codes)  # one ticket per performance, in the same order
        self.purchased_at = occurred_at
        self.refunded_cents: int | None = None

    @classmethod
    def purchase(
        cls,
        patron_id: str,
        package_name: str,
        performance_ids: list[str],
        price_cents: int,
        payment: str,
        codes: list[str],
        stamp: Stamp,
    ) -> Subscription:
        package_name = clean_text(package_name)
        ids = [str(p) for p in performance_ids or ()]
        errors = []
        if not package_name:
            errors.append(
                ValidationError("package_name", "Please name the package, e.g. Autumn season.")
            )
        if not ids:
            errors.append(
                ValidationError("performance_ids", "Choose the performances in this package.")
            )
        elif len(set(ids)) != len(ids):
            errors.append(
                ValidationError(
                    "performance_ids", "A performance is in the package twice; choose it once."
                )
            )
        errors += _check_cents("price_cents", price_cents, "package price")
        errors += _check_payment(payment, PAYMENTS)
        if errors:
            raise InvalidInput(errors)
        if payment == "complimentary":
            price_cents = 0
        return cls(
            patron_id=str(patron_id),
            package_name=package_name,
            performance_ids=ids,
            price_cents=price_cents,
            payment=payment,
            codes=list(codes),
            **stamp,
        )

    def check_not_refunded(self) -> None:
        if self.refunded_cents is not None:
            raise TicketProblem(f"The {self.package_name} subscription was already refunded.")

    def refund(self, codes: list[str], amount_cents: int, stamp: Stamp) -> None:
        self.check_not_refunded()
        self._refunded(
            patron_id=self.patron_id, codes=list(codes), amount_cents=amount_cents, **stamp
        )

    @event("Refunded")
    def _refunded(
        self,
        patron_id: str,
        codes: list[str],
        amount_cents: int,
        occurred_at: datetime,
        recorded_by: str,
        workstation: str,
    ) -> None:
        self.refunded_cents = amount_cents


class Membership(Aggregate):
    class Event(BoxOfficeEvent):
        pass

    @event("Started")
    def __init__(
        self,
        patron_id: str,
        level: str,
        starts_on: str,
        ends_on: str,
        price_cents: int,
        payment: str,
        occurred_at: datetime,
        recorded_by: str,
        workstation: str,
    ):
        self.patron_id = patron_id
        self.level = level
        self.starts_on = starts_on
        self.ends_on = ends_on
        self.price_cents = price_cents
        self.payment = payment

    @classmethod
    def start(
        cls,
        patron_id: str,
        level: str,
        starts_on: date | str,
        ends_on: date | str,
        price_cents: int,
        payment: str,
        stamp: Stamp,
    ) -> Membership:
        level = clean_text(level)
        errors = []
        if not level:
            errors.append(ValidationError("level", "Choose the membership level, e.g. Friend."))
        days = {}
        for field, value in (("starts_on", starts_on), ("ends_on", ends_on)):
            try:
                days[field] = parse_day(value, field)
            except ValidationError as error:
                errors.append(error)
        if len(days) == 2 and days["ends_on"] <= days["starts_on"]:
            errors.append(
                ValidationError("ends_on", "The membership must end after the day it starts.")
            )
        errors += _check_cents("price_cents", price_cents, "membership fee")
        errors += _check_payment(payment, PAYMENTS)
        if errors:
            raise InvalidInput(errors)
        if payment == "complimentary":
            price_cents = 0
        return cls(
            patron_id=str(patron_id),
            level=level,
            starts_on=days["starts_on"].isoformat(),
            ends_on=days["ends_on"].isoformat(),
            price_cents=price_cents,
            payment=payment,
            **stamp,
        )


class Donation(Aggregate):
    class Event(BoxOfficeEvent):
        pass

    @event("Received")
    def __init__(
        self,
        patron_id: str,
        amount_cents: int,
        fund: str,
        payment: str,
        occurred_at: datetime,
        recorded_by: str,
        workstation: str,
    ):
        self.patron_id = patron_id
        self.amount_cents = amount_cents
        self.fund = fund
        self.payment = payment
        self.acknowledged_how: str | None = None
        self.acknowledged_at: datetime | None = None

    @classmethod
    def receive(
        cls, patron_id: str, amount_cents: int, fund: str, payment: str, stamp: Stamp
    ) -> Donation:
        fund = clean_text(fund)
        errors = _check_cents("amount_cents", amount_cents, "donation", allow_zero=False)
        if not fund:
            errors.append(ValidationError("fund", "Choose the fund, e.g. General fund."))
        errors += _check_payment(payment, DONATION_PAYMENTS)
        if errors:
            raise InvalidInput(errors)
        return cls(
            patron_id=str(patron_id), amount_cents=amount_cents, fund=fund, payment=payment, **stamp
        )

    def check_not_acknowledged(self) -> None:
        if self.acknowledged_how is not None:
            at = self.acknowledged_at
            on = f" on {date_mark(at)}" if at is not None else ""
            raise DonationProblem(
                f"This donation to {self.fund} was already thanked by {self.acknowledged_how}{on}."
            )

    def acknowledge(self, how: str, stamp: Stamp) -> None:
        if how not in ACKNOWLEDGMENTS:
            raise InvalidInput(
                [ValidationError("how", "Say how the donor was thanked: letter, email or call.")]
            )
        self.check_not_acknowledged()
        self._acknowledged(patron_id=self.patron_id, how=how, **stamp)

    @event("Acknowledged")
    def _acknowledged(
        self, patron_id: str, how: str, occurred_at: datetime, recorded_by: str, workstation: str
    ) -> None:
        self.acknowledged_how = how
        self.acknowledged_at = occurred_at
