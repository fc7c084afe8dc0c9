"""The column layouts of online-sales exports Houselights recognises.

A layout names, for each field Houselights reads, the column headers that hold
it in one service's export (first match wins), and a signature: headers that
together identify that service (and, where one service's export holds another's
signature, headers that rule it out). Headers are compared ignoring case,
spaces, underscores, punctuation and a currency code in brackets, so
``Order #``, ``order #``, ``ORDER#`` are one and ``Total Paid (USD)`` is
``Total Paid``.

Some exports need a little preparation before their rows can be read
(``Layout.prepare``): fees split over several columns are added up into one
column (Eventbrite's service fee and payment processing fee), an amount for a
whole line is divided by its quantity (Square), and order details a service
writes only on an order's first row are carried down to its other rows
(Shopify). The prepared columns are named after their sources, such as
``Eventbrite Fees + Eventbrite Payment Processing``, so the mapping editor shows
where they come from.

Each layout's ``source`` says which public description its headers follow; the
user guide (docs/guide/importing-sales.md) lists them, and says where a
service's exact headers could not be confirmed. A user can always correct the
mapping (``field=Column``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from imports.sales_values import ValueProblem, parse_price, parse_quantity

#: every field an import reads, in the order the mapping editor shows them
FIELDS = (
    "order_id",
    "order_date",
    "first_name",
    "last_name",
    "full_name",
    "email",
    "phone",
    "postal_code",
    "event_name",
    "event_date",
    "event_time",
    "ticket_type",
    "price",
    "quantity",
    "barcode",
    "status",
    "ticket_id",
    "order_total",
    "fees",
    "attendee_first_name",
    "attendee_last_name",
    "attendee_full_name",
    "attendee_email",
    "attendee_phone",
    "timezone",
    "item_name",
)

#: without these no row can be imported
REQUIRED = ("order_id", "order_date", "event_name", "event_date")

FIELD_LABELS = {
    "order_id": "Order number",
    "order_date": "Order date",
    "first_name": "First name",
    "last_name": "Last name",
    "full_name": "Full name (when there is no first/last)",
    "email": "Email",
    "phone": "Phone",
    "postal_code": "Postal code",
    "event_name": "Event name",
    "event_date": "Event date",
    "event_time": "Event time (when the date has none)",
    "ticket_type": "Ticket type",
    "price": "Price per ticket",
    "quantity": "Quantity",
    "barcode": "Barcode",
    "status": "Status (refunded rows are left out)",
    "ticket_id": "Ticket or attendee number (the service's own)",
    "order_total": "Order total (divided over the order's tickets)",
    "fees": "Service fees included in the price or total (subtracted)",
    "attendee_first_name": "Attendee first name (when not the buyer)",
    "attendee_last_name": "Attendee last name",
    "attendee_full_name": "Attendee full name (when there is no first/last)",
    "attendee_email": "Attendee email",
    "attendee_phone": "Attendee phone",
    "timezone": "Event time zone (such as Europe/London)",
    "item_name": "Item name holding the event and its date (Square, Shopify)",
}


def header_key(text: str) -> str:
    """``Order #`` -> ``order#``: case, spaces, underscores, dashes, dots and a
    bracketed currency code (``Total Paid (USD)``) ignored."""
    text = (text or "").replace("\ufeff", "")
    text = re.sub(r"\(\s*[A-Za-z]{3}\s*\)\s*$", "", text)
    return re.sub(r"[\s_\-.:]+", "", text).casefold()


_BUYER_FIELDS = ("first_name", "last_name", "full_name", "email", "phone", "postal_code")


@dataclass(frozen=True)
class Derived:
    """A column made from others before the rows are read.

    ``how`` is ``"sum"`` (the amounts of every part present, added up),
    ``"each"`` (an amount for a whole line divided by the line's quantity),
    ``"last_option"`` (what follows the last " / " of a Shopify line item name: its
    variant's last option, such as the ticket type in "Hamlet - 14 Mar 2026 / Adult")
    ``"but_last_option"`` (the name without it, "Hamlet - 14 Mar 2026"), ``"join"``
    (a date and a time kept in two columns, as one: "2026-02-01 10:15:00") or
    ``"cancelled"`` (a status from a 1/0 "cancelled" flag and, when given, a refunded
    amount that is the whole amount paid: "cancelled", "refunded" or "").
    ``parts`` lists, for each part, the headers that may hold it.
    """

    field: str
    how: str
    parts: tuple[tuple[str, ...], ...]

    def sources(self, headers: list[str]) -> list[str]:
        """The file's own headers this column is made from (empty: not needed here)."""
        by_key = {header_key(h): h for h in reversed(headers)}
        found: list[str] = []
        for candidates in self.parts:
            header = next(
                (by_key[header_key(c)] for c in candidates if header_key(c) in by_key), None
            )
            if header is None and self.how in ("each", "join"):
                return []
            if header is None and self.how == "cancelled":
                return found[:1]  # the flag alone, or nothing
            if header is not None:
                found.append(header)
        wanted = {"sum": 2, "cancelled": 1}.get(self.how, len(self.parts))
        return found if len(found) >= wanted else []

    def header(self, sources: list[str]) -> str:
        if self.how == "sum":
            return " + ".join(sources)
        if self.how == "last_option":
            return f"{sources[0]} (last option)"
        if self.how == "but_last_option":
            return f"{sources[0]} without its last option"
        if self.how == "join":
            return " and ".join(sources)
        if self.how == "cancelled":
            return f"{sources[0]} (1: cancelled)" if len(sources) == 1 else " / ".join(sources)
        return f"{sources[0]} per ticket"

    def value(self, cells: list[str]) -> str:
        """The prepared cell; the raw text when a part cannot be read (the import then
        rejects that row, quoting it)."""
        if self.how == "last_option":
            return cells[0].rpartition(" / ")[2].strip() if " / " in cells[0] else ""
        if self.how == "but_last_option":
            return cells[0].rpartition(" / ")[0].strip() if " / " in cells[0] else cells[0]
        if self.how == "join":
            return " ".join(c.strip() for c in cells if c.strip())
        if self.how == "cancelled":
            return _cancelled(cells)
        try:
            cents: int | None
            if self.how == "sum":
                cents = sum(parse_price(cell) for cell in cells)
            else:
                quantity = parse_quantity(cells[1])
                cents = round(parse_price(cells[0]) / quantity) if quantity else None
        except ValueProblem:
            cents = None
        if cents is None:
            return " + ".join(c for c in cells if c.strip()) if self.how == "sum" else cells[0]
        return f"{cents // 100}.{cents % 100:02d}"


def _cancelled(cells: list[str]) -> str:
    """A status: "cancelled" for a set flag (1, yes, true), "refunded" when the refunded
    amount (second cell) is all that was paid (third cell), else "" (sold)."""
    if cells and cells[0].strip().casefold() in ("1", "yes", "true", "y"):
        return "cancelled"
    if len(cells) >= 3 and cells[1].strip():
        try:
            refunded, paid = parse_price(cells[1]), parse_price(cells[2])
        except ValueProblem:
            return ""
        if refunded and refunded >= paid:
            return "refunded"
    return ""


@dataclass(frozen=True)
class Layout:
    key: str
    name: str
    signature: tuple[str, ...]
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: headers whose presence means the file is another service's export
    excludes: tuple[str, ...] = ()
    #: besides the signature, at least one of these (when given) must be present
    any_of: tuple[str, ...] = ()
    #: signature headers compared as written (Houselights' own generic layout)
    exact: bool = False
    derived: tuple[Derived, ...] = ()
    #: order details written only on an order's first row, carried to its others
    fill_down: tuple[str, ...] = ()
    #: the name and contact columns are each ticket's holder: when the file names no
    #: buyer of its own ("Buyer First Name"), the order's first ticket holder is taken
    #: as its buyer (copied into "... of the order's first ticket"), so the other
    #: holders stay attendees of their own tickets
    first_holder_buys: bool = False

    @property
    def holder_columns(self) -> tuple[str, ...]:
        if not self.first_holder_buys:
            return ()
        return tuple(
            c
            for name in _BUYER_FIELDS
            for c in self.columns.get(name, ())
            if not c.casefold().startswith(("buyer", "billing"))
        )

    #: where the header set comes from (a public page or repository file)
    source: str = ""
    #: False: no public copy of the export's headers was found; the layout is modelled
    #: on the service's own terms (the import window and the dry run say so, and list
    #: the file's columns it does not read)
    confirmed: bool = True
    #: the ticketing service, when several of its exports have a layout each: an order
    #: is the same order whichever of them brings it in
    service_key: str = ""

    @property
    def service(self) -> str:
        return self.service_key or self.key

    def matches(self, headers: list[str]) -> bool:
        if self.exact:
            present = {h.strip().casefold() for h in headers}
            return all(s.casefold() in present for s in self.signature)
        present = {header_key(h) for h in headers}
        return (
            all(header_key(s) in present for s in self.signature)
            and not any(header_key(e) in present for e in self.excludes)
            and (not self.any_of or any(header_key(a) in present for a in self.any_of))
        )

    def mapping_for(self, headers: list[str]) -> dict[str, str]:
        """field -> the file's own header text, for the fields this file has."""
        by_key: dict[str, str] = {}
        for header in headers:
            by_key.setdefault(header_key(header), header)
        mapping = {}
        for name, candidates in self.columns.items():
            for candidate in candidates:
                if header_key(candidate) in by_key:
                    mapping[name] = by_key[header_key(candidate)]
                    break
        for made in self.derived:
            sources = made.sources(headers)
            if sources and made.header(sources) in headers:
                mapping[made.field] = made.header(sources)
        for name in _BUYER_FIELDS:  # the buyer: the order's first ticket holder, if so made
            first = f"{mapping.get(name)} of the order's first ticket"
            if first in headers:
                mapping[name] = first
        return mapping

    def _names_a_buyer(self, headers: list[str]) -> bool:
        """Whether the file has a buyer column of its own ("Buyer First Name")."""
        holders = {header_key(c) for c in self.holder_columns}
        present = {header_key(h) for h in headers}
        return any(
            header_key(c) in present and header_key(c) not in holders
            for name in ("first_name", "last_name", "full_name", "email")
            for c in self.columns.get(name, ())
        )

    def prepare(self, headers: list[str], rows: list[tuple[int, list[str]]]):
        """``(headers, rows)`` with the derived columns added and order details carried
        down; the file's own cells are left as they are."""
        headers, transform = self.preparer(headers)
        if transform is None:
            return headers, rows
        return headers, [(number, transform(list(cells))) for number, cells in rows]

    def preparer(self, headers: list[str]):
        """``(headers, transform)``: the headers with the derived columns added, and
        ``transform(cells) -> cells`` to apply to each row in the file's order (None
        when rows stay as they are). The transform remembers, per order, only the
        details it carries from the order's first row, so rows can stream through it.
        """
        if not (self.derived or self.fill_down or self.first_holder_buys):
            return headers, None
        by_key = {header_key(h): i for i, h in reversed(list(enumerate(headers)))}
        order = next(
            (
                by_key[header_key(c)]
                for c in self.columns.get("order_id", ())
                if header_key(c) in by_key
            ),
            None,
        )
        carried = (
            [by_key[header_key(c)] for c in self.fill_down if header_key(c) in by_key]
            if self.fill_down
            else []
        )
        headers = list(headers)
        holders = list(
            dict.fromkeys(
                by_key[header_key(c)] for c in self.holder_columns if header_key(c) in by_key
            )
        )
        holder_width = len(headers)
        if not (holders and order is not None and not self._names_a_buyer(headers)):
            holders = []
        else:
            headers += [f"{headers[i]} of the order's first ticket" for i in holders]
        made_columns = []
        for made in self.derived:
            sources = made.sources(headers)
            if not sources or made.header(sources) in headers:
                continue
            made_columns.append((made, [headers.index(s) for s in sources], len(headers)))
            headers.append(made.header(sources))
        #: per order: the carried details of its first row (None: the row had none)
        first_carried: dict[str, list[str | None]] = {}
        first_holders: dict[str, list[str]] = {}

        def transform(cells: list[str]) -> list[str]:
            if carried and order is not None and order < len(cells) and cells[order].strip():
                key = cells[order].strip()
                first = first_carried.get(key)
                if first is None:
                    first_carried[key] = [cells[i] if i < len(cells) else None for i in carried]
                else:
                    for index, value in zip(carried, first, strict=True):
                        if value is not None and (index >= len(cells) or not cells[index].strip()):
                            cells.extend([""] * (index + 1 - len(cells)))
                            cells[index] = value
            blank = not any(c.strip() for c in cells)
            if holders and not blank:
                key = cells[order].strip() if order is not None and order < len(cells) else ""
                first_values = first_holders.get(key)
                if first_values is None:
                    first_values = first_holders[key] = [
                        cells[i] if i < len(cells) else "" for i in holders
                    ]
                cells.extend([""] * (holder_width - len(cells)))
                cells += first_values
            for made, indexes, width in made_columns:
                if blank:
                    continue
                parts = [cells[i] if i < len(cells) else "" for i in indexes]
                cells.extend([""] * (width - len(cells)))
                cells.append(made.value(parts))
            return cells

        return headers, transform


# -- the layouts ----------------------------------------------------------------------
# Eventbrite's attendee report (one row per attendee). "Total Paid" is what the buyer
# paid, the service's fees included; "Eventbrite Fees" and "Eventbrite Payment
# Processing" are what Eventbrite keeps, so the ticket's revenue is Total Paid minus
# both. "First Name"/"Last Name"/"Email" are the attendee's; the buyer's columns,
# when the report has them, make the buyer the patron.
_EVENTBRITE_FEES = Derived(
    "fees",
    "sum",
    (
        ("Eventbrite Fees", "Eventbrite Fee"),
        (
            "Eventbrite Payment Processing",
            "Eventbrite Payment Processing Fees",
            "Payment Processing Fees",
            "CC Processing",
        ),
    ),
)
_EVENTBRITE_ATTENDEE_COLUMNS = {
    "order_id": ("Order #", "Order no.", "Order number"),
    "ticket_id": ("Attendee #", "Attendee no.", "Attendee number"),
    "order_date": ("Order Date", "Date"),
    "first_name": ("Buyer First Name", "Buyer Forename", "First Name", "Forename"),
    "last_name": ("Buyer Last Name", "Buyer Surname", "Last Name", "Surname"),
    "email": ("Buyer Email", "Email", "Email Address"),
    "phone": ("Cell Phone", "Mobile Phone", "Mobile", "Home Phone", "Work Phone", "Phone"),
    "postal_code": (
        "Home Zip",
        "Home Postcode",
        "Home Post Code",
        "Home Postal Code",
        "Billing Zip",
        "Billing Postcode",
        "Zip",
        "Postcode",
    ),
    "attendee_first_name": ("First Name", "Forename"),
    "attendee_last_name": ("Last Name", "Surname"),
    "attendee_email": ("Email", "Email Address"),
    "attendee_phone": ("Cell Phone", "Mobile Phone", "Mobile"),
    "event_name": ("Event Name",),
    "event_date": ("Event Start Date", "Date Attending", "Event Date"),
    "event_time": ("Event Start Time", "Event Time"),
    "timezone": ("Event Timezone", "Event Time Zone"),
    "ticket_type": ("Ticket Type",),
    "price": ("Total Paid", "Amount"),
    "fees": ("Eventbrite Fees", "Eventbrite Fee"),
    "quantity": ("Quantity", "QTY"),
    "barcode": ("Barcode #", "Barcode", "Barcode no."),
    "status": ("Attendee Status", "Order Status"),
}

EVENTBRITE = Layout(
    key="eventbrite",
    first_holder_buys=True,
    name="Eventbrite attendee report",
    signature=("Order #", "Ticket Type", "Attendee Status"),
    columns=_EVENTBRITE_ATTENDEE_COLUMNS,
    derived=(_EVENTBRITE_FEES,),
    source=(
        "Eventbrite attendee summary report, US wording: the header list checked by a public "
        "Eventbrite CSV validator (validate_eventbrite_headers: Order #, Order Date, First Name, "
        "Last Name, Email, Quantity, Price Tier, Ticket Type, Attendee #, Group, Order Type, "
        "Currency, Total Paid, Fees Paid, Eventbrite Fees, Eventbrite Payment Processing, "
        "Attendee Status, Home Address 1 ... Home Zip, Home Country)"
    ),
)

EVENTBRITE_UK = Layout(
    key="eventbrite_uk",
    first_holder_buys=True,
    service_key="eventbrite",
    name="Eventbrite attendee report (UK wording)",
    signature=("Order no.", "Ticket Type", "Attendee Status"),
    columns=_EVENTBRITE_ATTENDEE_COLUMNS,
    derived=(_EVENTBRITE_FEES,),
    source=(
        "Eventbrite attendee report from a UK account: the column map of a public UK club's "
        "Eventbrite importer (Order no., Order Date, First Name, Surname, Email, Quantity, "
        "Price Tier, Ticket Type, Discount, Order Type, Total Paid, Fees Paid, Eventbrite Fees, "
        "Attendee Status); the phone and postcode headers are the UK forms of the US report's "
        "Cell Phone and Home Zip, not confirmed from a public file"
    ),
)

# Eventbrite's current Orders export (one row per order, sentence-case headers). The
# order's "Gross sales" is divided over its "Ticket quantity"; the service fee and
# the payment processing fee are subtracted.
EVENTBRITE_ORDERS = Layout(
    key="eventbrite_orders",
    service_key="eventbrite",
    name="Eventbrite orders export",
    signature=("Order ID", "Ticket quantity", "Gross sales"),
    columns={
        "order_id": ("Order ID",),
        "order_date": ("Order date",),
        "first_name": ("Buyer first name",),
        "last_name": ("Buyer last name", "Buyer surname"),
        "email": ("Buyer email",),
        "phone": ("Buyer cell phone", "Buyer mobile phone", "Buyer phone"),
        "postal_code": (
            "Buyer zip",
            "Buyer postcode",
            "Buyer postal code",
            "Billing zip",
            "Billing postcode",
        ),
        "event_name": ("Event name",),
        "event_date": ("Event start date",),
        "event_time": ("Event start time",),
        "timezone": ("Event timezone",),
        "quantity": ("Ticket quantity",),
        "order_total": ("Gross sales",),
        "fees": ("Eventbrite service fee",),
        "status": ("Payment status",),
    },
    derived=(
        Derived(
            "fees", "sum", (("Eventbrite service fee",), ("Eventbrite payment processing fee",))
        ),
    ),
    source=(
        "Eventbrite Orders export: the columns read by a public Eventbrite CSV importer "
        "(agents/scripts/import_eventbrite_csv.py: Order ID, Order date, Event name, Event ID, "
        "Event start date, Event start time, Event timezone, Ticket quantity, Currency, "
        "Payment status, Payment type, Gross sales, Net sales, Ticket revenue, Eventbrite "
        "service fee, Eventbrite payment processing fee, Royalty, Eventbrite tax, Organiser "
        "tax, Buyer first name, Buyer last name, Buyer email)"
    ),
)

# Ticket Tailor's orders export (one row per order) is confirmed by a public importer of
# it. Its per-ticket export is confirmed by the header of a sample that a public
# reconciliation tool reads: one row per ticket with its "Ticket reference", "Ticket
# type", "Ticket price" and "Attendee name", the event as "Event" and "Event start"
# ("Thu 28 May 2026 20:00"). That sample has no order date or email column; the words
# of the orders export are kept for them (Order date, Email, First Name, Mobile
# number), and a file without an order date asks for its column.
TICKET_TAILOR_SOURCE = (
    "eburns009/starhouse-database-v2, scripts/import_ticket_tailor.py (a public importer "
    "of a Ticket Tailor orders export): Order ID, Order date, Total paid, Order value, "
    "Remaining order value, Tickets purchased, Order items, Payment method, Transaction ID, "
    "PAYG fees, Order cancelled, Refunded amount, Email, First Name, Last Name, Name, "
    "Mobile number, Address 1-3, Postcode / Zip, Event ID, Event name, Event start, Event end"
)

TICKET_TAILOR_TICKETS_SOURCE = (
    "jsilence82/ssg-reconcile, testdata/tickettailor_sample.csv (read by "
    "internal/parse/tickettailor.go, a public reconciliation tool for a theatre group selling "
    "through Ticket Tailor): Order ID, Payment reference, Event ID, Event, Event start, Ticket "
    "reference, Ticket type, Ticket price, Order status, Attendee name, Postcode / Zip, "
    "Check-in, Attended"
)

TICKET_TAILOR = Layout(
    key="ticket_tailor",
    first_holder_buys=True,
    name="Ticket Tailor issued tickets",
    signature=("Order ID", "Event start", "Ticket type"),
    any_of=("Ticket reference", "Attendee name", "Barcode"),
    excludes=("Tickets purchased",),
    columns={
        "order_id": ("Order ID", "Order reference"),
        # the ticket's own reference, not its barcode: Ticket Tailor's default ticket
        # carries the order's number in its barcode, the same for every ticket of it
        "ticket_id": ("Ticket reference", "Issued ticket ID", "Ticket ID"),
        "order_date": ("Order date", "Purchase date", "Created at"),
        "first_name": ("First name",),
        "last_name": ("Last name",),
        "full_name": ("Attendee name", "Full name", "Name"),
        "email": ("Email",),
        "phone": ("Mobile number", "Phone", "Phone number", "Mobile"),
        "postal_code": ("Postcode / Zip", "Postcode", "Postal code", "Zip"),
        "attendee_first_name": ("First name",),
        "attendee_last_name": ("Last name",),
        "attendee_full_name": ("Attendee name", "Full name", "Name"),
        "attendee_email": ("Email",),
        "attendee_phone": ("Mobile number", "Phone", "Phone number", "Mobile"),
        "event_name": ("Event", "Event name"),
        "event_date": ("Event start", "Event start date"),
        "event_time": ("Event start time",),
        "ticket_type": ("Ticket type", "Description"),
        "price": ("Ticket price", "Price"),
        "fees": ("PAYG fees", "Booking fee", "Booking fees"),
        "quantity": ("Quantity",),
        "barcode": ("Barcode",),
        "status": ("Order status", "Status", "Ticket status"),
    },
    source=(
        "Ticket Tailor issued tickets, confirmed: the header of a per-ticket export read by a "
        f"public tool ({TICKET_TAILOR_TICKETS_SOURCE}); that sample has no order date or "
        "email column: Order date, Email, First name, Last name and Mobile number are the "
        "words of Ticket Tailor's orders export (" + TICKET_TAILOR_SOURCE.split(",")[0] + "), "
        "not confirmed for this export"
    ),
)

# Ticket Tailor's orders export: "Total paid" is what the buyer paid; "PAYG fees" are
# Ticket Tailor's pay-as-you-go fees and a partial "Refunded amount" went back to the
# buyer, so the order's revenue is the total less both, divided over "Tickets
# purchased". "Order cancelled" is 1 for a cancelled order; a refund of the whole total
# makes the order refunded: neither is a sale.
TICKET_TAILOR_ORDERS = Layout(
    key="ticket_tailor_orders",
    service_key="ticket_tailor",
    name="Ticket Tailor orders",
    signature=("Order ID", "Event start", "Tickets purchased"),
    excludes=("Barcode",),
    columns={
        "order_id": ("Order ID",),
        "order_date": ("Order date",),
        "full_name": ("Name",),
        "first_name": ("First Name",),
        "last_name": ("Last Name",),
        "email": ("Email",),
        "phone": ("Mobile number",),
        "postal_code": ("Postcode / Zip",),
        "event_name": ("Event name",),
        "event_date": ("Event start",),
        "quantity": ("Tickets purchased",),
        "order_total": ("Total paid",),
        "fees": ("PAYG fees",),
    },
    derived=(
        Derived("fees", "sum", (("PAYG fees",), ("Refunded amount",))),
        Derived(
            "status", "cancelled", (("Order cancelled",), ("Refunded amount",), ("Total paid",))
        ),
    ),
    source=f"Ticket Tailor orders export, confirmed: {TICKET_TAILOR_SOURCE}",
)

BROWN_PAPER = Layout(
    key="brown_paper_tickets",
    name="Brown Paper Tickets sales report",
    signature=("Order Number", "Event Title", "Price Name"),
    columns={
        "order_id": ("Order Number",),
        "order_date": ("Date Purchased", "Purchase Date", "Order Date"),
        "first_name": ("Billing First Name", "First Name"),
        "last_name": ("Billing Last Name", "Last Name"),
        "email": ("Email", "Email Address"),
        "phone": ("Phone", "Phone Number"),
        "postal_code": ("Zip", "Zip Code", "Postal Code"),
        "event_name": ("Event Title",),
        "event_date": ("Event Date", "Date"),
        "event_time": ("Event Time", "Time"),
        "ticket_type": ("Price Name",),
        "price": ("Price", "Price Each"),
        "fees": ("Service Fee", "Service Fees"),
        "quantity": ("Quantity", "Qty"),
        "barcode": ("Ticket Barcode", "Barcode Number", "Barcode"),
        "status": ("Status",),
    },
    source=(
        "Brown Paper Tickets, NOT confirmed (the service closed to new events in 2023): no "
        "public copy of its reports' headers was found. Its help centre names the reports "
        "(the Complete List in the Reports menu) but not their columns; its API documents XML "
        "fields, not the CSV's; a public guest-list tool (dilijev/guest-list-generator, "
        "generator.js) reads its CSV by position only (ticket number, last name, first name). "
        "Kept from Houselights' earlier layout; the user can map"
    ),
    confirmed=False,
)

UNIVERSE = Layout(
    key="universe",
    first_holder_buys=True,
    name="Universe tickets report",
    signature=("Ticket ID", "Listing Name", "Date Attending"),
    columns={
        "order_id": ("Order ID",),
        "ticket_id": ("Ticket ID",),
        "order_date": ("Date of Order", "Created At"),
        "first_name": ("Buyer First Name", "First Name"),
        "last_name": ("Buyer Last Name", "Last Name"),
        "email": ("Buyer Email", "Email"),
        "phone": ("Buyer Phone", "Phone"),
        "postal_code": ("Postal Code", "Zip Code"),
        "attendee_first_name": ("First Name",),
        "attendee_last_name": ("Last Name",),
        "attendee_email": ("Email",),
        "event_name": ("Listing Name",),
        "event_date": ("Date Attending", "Event Start Time"),
        "ticket_type": ("Ticket Type(s)", "Ticket Type", "Ticket Types"),
        "price": ("Price", "Ticket Price"),
        "fees": ("Fees", "Universe Fees", "Service Charge Included"),
        "quantity": ("Quantity",),
        "barcode": ("QR Code", "Barcode"),
        "status": ("Ticket Status", "Order Status"),
    },
    source=(
        "Universe Tickets Report, support.universe.com/hc/en-us/articles/20390456714893 "
        "(Ticket ID, Order ID, Date of Order, Date Attending, First Name, Last Name, Email, "
        "Ticket Type(s), Listing Name, Order Status, Ticket Status); its price and fee "
        "columns are not named in that article"
    ),
)

TICKETSOURCE = Layout(
    key="ticketsource",
    name="TicketSource bookings",
    signature=("Booking Ref", "Performance Date", "Ticket Type"),
    columns={
        "order_id": ("Booking Ref", "Booking Reference"),
        "order_date": ("Booking Date", "Date Booked"),
        "first_name": ("First Name", "Forename"),
        "last_name": ("Last Name", "Surname"),
        "full_name": ("Customer Name", "Name"),
        "email": ("Email", "Email Address"),
        "phone": ("Telephone", "Phone", "Mobile"),
        "postal_code": ("Postcode", "Post Code", "Zip Code"),
        "event_name": ("Event", "Event Name"),
        "event_date": ("Performance Date", "Event Date"),
        "event_time": ("Performance Time", "Event Time"),
        "ticket_type": ("Ticket Type",),
        # A booking fee may be inclusive (inside the ticket price) or exclusive (added
        # on top): the file does not say which, so it is not subtracted unless the
        # user maps it (fees=Booking Fee).
        "price": ("Ticket Price", "Price"),
        "quantity": ("Quantity", "Qty"),
        "barcode": ("Barcode", "Ticket Barcode", "Ticket Number"),
        "status": ("Status", "Booking Status"),
    },
    source=(
        "TicketSource, NOT confirmed: no public copy of its booking export's headers was found "
        "(ticketsource.co.uk/.eu/.us describe the reports, not their columns; public code only "
        "uses its REST API, api.ticketsource.io, whose fields are not the export's columns); "
        "modelled on its terms (booking reference, performance, ticket type, booking fee), the "
        "user can map"
    ),
    confirmed=False,
)

# Humanitix: "Paid" is what the buyer paid; the passed-on booking fee is added to it
# and the absorbed fee taken from it, so revenue is Paid minus both.
HUMANITIX = Layout(
    key="humanitix",
    first_holder_buys=True,
    name="Humanitix attendees",
    signature=("Order ID", "Ticket type", "Event date"),
    any_of=("Humanitix passed-on fees", "Humanitix absorbed fees", "Mobile", "Paid"),
    columns={
        "order_id": ("Order ID", "Order name", "Order reference"),
        "ticket_id": ("Ticket ID", "Ticket number"),
        "order_date": ("Order date", "Purchase date", "Order created"),
        "first_name": ("Buyer first name", "First name"),
        "last_name": ("Buyer last name", "Last name"),
        "email": ("Buyer email", "Email"),
        "phone": ("Buyer mobile", "Mobile", "Phone"),
        "postal_code": ("Buyer postcode", "Postcode", "Post code", "Zip"),
        "attendee_first_name": ("First name",),
        "attendee_last_name": ("Last name",),
        "attendee_email": ("Email",),
        "attendee_phone": ("Mobile",),
        "event_name": ("Event", "Event name"),
        "event_date": ("Event date",),
        "event_time": ("Event time",),
        "ticket_type": ("Ticket type",),
        "price": ("Paid", "Price"),
        "fees": ("Humanitix passed-on fees",),
        "barcode": ("Barcode", "QR code"),
        "status": ("Status", "Ticket status"),
    },
    derived=(
        Derived("fees", "sum", (("Humanitix passed-on fees",), ("Humanitix absorbed fees",))),
    ),
    source=(
        "Humanitix attendee report: the columns read by a public Humanitix report tool "
        "(csvColumns.ts: Event, Event date, Event time, Ticket type, Paid, Gateway, Sales "
        "Channel, Humanitix passed-on fees, Humanitix absorbed fees, Amex surcharge, ... Your "
        "earnings); the order, name, mobile and postcode headers are not named there and "
        "follow Humanitix's wording (Order ID, Mobile, Postcode), not confirmed"
    ),
)

# Square's item sales export: one row per item line of a payment. The show and its
# date are in the item's name; the line's net sales are divided over its quantity.
SQUARE = Layout(
    key="square",
    name="Square item sales",
    signature=("Transaction ID", "Item", "Price Point Name", "Net Sales"),
    columns={
        "order_id": ("Transaction ID",),
        "order_date": ("Date",),
        "full_name": ("Customer Name",),
        "item_name": ("Item",),
        "ticket_type": ("Price Point Name",),
        "quantity": ("Qty",),
        "price": ("Net Sales",),
        "status": ("Event Type",),
    },
    derived=(
        Derived("price", "each", (("Net Sales",), ("Qty",))),
        Derived("order_date", "join", (("Date",), ("Time",))),
    ),
    source=(
        "Square item sales (Items detail) export: the columns of a table loaded from it in a "
        "public repository (lunhsiangyuan/VannaAi_sql, db_schema.md: Date, Time, Time Zone, "
        "Category, Item, Qty, Price Point Name, SKU, Modifiers Applied, Gross Sales, Discounts, "
        "Net Sales, Tax, Transaction ID, Payment ID, ..., Event Type, Location, Customer ID, "
        "Customer Name, ...)"
    ),
)

# Shopify's orders export: one row per line item; the show and its date are in the
# line item's name (product and variant). Order details (email, billing name,
# dates, payment status) are written on an order's first row only.
SHOPIFY = Layout(
    key="shopify",
    name="Shopify orders",
    signature=("Name", "Lineitem name", "Lineitem quantity", "Financial Status"),
    columns={
        "order_id": ("Name",),
        "order_date": ("Created at", "Paid at"),
        "full_name": ("Billing Name", "Shipping Name"),
        "email": ("Email",),
        "phone": ("Billing Phone", "Phone", "Shipping Phone"),
        "postal_code": ("Billing Zip", "Shipping Zip"),
        "item_name": ("Lineitem name",),
        "quantity": ("Lineitem quantity",),
        "price": ("Lineitem price",),
        "status": ("Financial Status",),
    },
    derived=(
        Derived("item_name", "but_last_option", (("Lineitem name",),)),
        Derived("ticket_type", "last_option", (("Lineitem name",),)),
    ),
    fill_down=(
        "Email",
        "Financial Status",
        "Paid at",
        "Created at",
        "Billing Name",
        "Billing Phone",
        "Billing Zip",
        "Phone",
        "Shipping Name",
        "Shipping Phone",
        "Shipping Zip",
    ),
    source=(
        "Shopify orders export: the columns typed by a public Shopify CSV converter "
        "(laplace-live/shopify-csv-converter, src/types/index.d.ts: Name, Email, Financial "
        "Status, Paid at, Created at, Lineitem quantity, Lineitem name, Lineitem price, Billing "
        "Name, Billing Zip, Billing Phone, Shipping ..., Refunded Amount, Id)"
    ),
)

GENERIC = Layout(
    key="generic",
    name="Houselights generic layout",
    signature=("order_id", "order_date", "event_name", "event_date"),
    exact=True,
    columns={name: (name,) for name in FIELDS},
    source="Houselights' own layout: one column per field, named as in the list of fields",
)

LAYOUTS = (
    EVENTBRITE,
    EVENTBRITE_UK,
    EVENTBRITE_ORDERS,
    TICKET_TAILOR,
    TICKET_TAILOR_ORDERS,
    BROWN_PAPER,
    UNIVERSE,
    TICKETSOURCE,
    HUMANITIX,
    SQUARE,
    SHOPIFY,
    GENERIC,
)
_BUYER = ("first_name", "last_name", "full_name", "email", "phone")


def _guesses(name: str) -> tuple[str, ...]:
    """The headers that may hold a field in a file no layout recognises. An attendee
    field is only guessed from a header that says "attendee": a plain "Email" is the
    buyer's."""
    found = dict.fromkeys(c for layout in LAYOUTS for c in layout.columns.get(name, ()))
    if name.startswith("attendee_"):
        buyer = {header_key(c) for field in _BUYER for c in _guesses(field)}
        words = name.removeprefix("attendee_").replace("_", " ")
        found = {c: None for c in found if header_key(c) not in buyer}
        found.update(dict.fromkeys((f"Attendee {words}", f"Ticket holder {words}")))
    return tuple(found)


#: used when no layout's signature matches: any header that names a field
UNRECOGNISED = Layout(
    key="unrecognised",
    name="Not recognised: please map the columns",
    signature=(),
    columns={name: _guesses(name) for name in FIELDS},
)


def matching(headers: list[str]) -> list[Layout]:
    """Every layout whose signature the headers carry (one, for a known export)."""
    return [layout for layout in LAYOUTS if layout.matches(headers)]


def detect(headers: list[str]) -> Layout | None:
    """The layout whose signature the headers carry, or None."""
    found = matching(headers)
    return found[0] if found else None


def looks_like_header(cells: list[str]) -> bool:
    """A row that names at least three fields Houselights knows (for finding the header)."""
    known = {header_key(c) for cs in UNRECOGNISED.columns.values() for c in cs}
    return sum(1 for cell in cells if header_key(cell) in known) >= 3
