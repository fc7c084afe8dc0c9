"""The column layouts of online-sales exports Houselights recognises.

A layout names, for each field Houselights reads, the column headers that hold
it in one service's export (first match wins), and a signature: headers that
together identify that service. Headers are compared ignoring case, spaces,
underscores and punctuation, so ``Order #``, ``order #`` and ``ORDER#`` are one.

The header sets are modelled on the attendee/order exports these services
describe publicly; a user can always correct the mapping (``field=Column``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: every field an import reads, in the order the mapping editor shows them
FIELDS = (
    "order_id", "order_date", "first_name", "last_name", "full_name", "email", "phone",
    "postal_code", "event_name", "event_date", "event_time", "ticket_type", "price",
    "quantity", "barcode", "status", "ticket_id", "order_total", "fees",
    "attendee_first_name", "attendee_last_name", "attendee_full_name", "attendee_email",
    "attendee_phone", "timezone", "item_name",
)  # fmt: skip

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
    """``Order #`` -> ``order#``: case, spaces, underscores, dashes and dots ignored."""
    return re.sub(r"[\s_\-.:]+", "", (text or "").replace("\ufeff", "")).casefold()


@dataclass(frozen=True)
class Layout:
    key: str
    name: str
    signature: tuple[str, ...]
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def matches(self, headers: list[str]) -> bool:
        present = {header_key(h) for h in headers}
        return all(header_key(s) in present for s in self.signature)

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
        return mapping


EVENTBRITE = Layout(
    key="eventbrite",
    name="Eventbrite attendee report",
    signature=("Order #", "Order Date", "Ticket Type"),
    columns={
        "order_id": ("Order #", "Order ID"),
        "order_date": ("Order Date",),
        # The buyer is the patron; attendee names are the fallback.
        "first_name": ("Buyer First Name", "First Name"),
        "last_name": ("Buyer Last Name", "Last Name"),
        "email": ("Buyer Email", "Email"),
        "phone": ("Cell Phone", "Home Phone", "Work Phone", "Phone"),
        "postal_code": ("Home Zip", "Home Postal Code", "Billing Zip", "Zip"),
        "event_name": ("Event Name",),
        "event_date": ("Event Start Date", "Event Date", "Date Attending"),
        "event_time": ("Event Start Time", "Event Time"),
        "ticket_type": ("Ticket Type",),
        "price": ("Total Paid", "Ticket Price", "Price"),
        "quantity": ("Quantity",),
        "barcode": ("Barcode #", "Barcode"),
        "status": ("Attendee Status", "Order Status"),
    },
)

TICKET_TAILOR = Layout(
    key="ticket_tailor",
    name="Ticket Tailor issued tickets",
    signature=("Order ID", "Barcode", "Event start"),
    columns={
        "order_id": ("Order ID", "Order reference"),
        "order_date": ("Order date", "Purchase date", "Created at"),
        "first_name": ("First name",),
        "last_name": ("Last name",),
        "full_name": ("Full name", "Name"),
        "email": ("Email",),
        "phone": ("Phone", "Phone number", "Mobile"),
        "postal_code": ("Postcode", "Postal code", "Zip"),
        "event_name": ("Event name", "Event"),
        "event_date": ("Event start", "Event start date"),
        "event_time": ("Event start time",),
        "ticket_type": ("Ticket type",),
        "price": ("Ticket price", "Price"),
        "quantity": ("Quantity",),
        "barcode": ("Barcode",),
        "status": ("Status", "Ticket status"),
    },
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
        "quantity": ("Quantity", "Qty"),
        "barcode": ("Ticket Barcode", "Barcode Number", "Barcode"),
        "status": ("Status",),
    },
)

UNIVERSE = Layout(
    key="universe",
    name="Universe (Ticketmaster) guest list",
    signature=("Order Code", "Listing Title"),
    columns={
        "order_id": ("Order Code", "Order ID"),
        "order_date": ("Order Date", "Purchased At"),
        "first_name": ("Buyer First Name", "First Name"),
        "last_name": ("Buyer Last Name", "Last Name"),
        "full_name": ("Buyer Name", "Name"),
        "email": ("Buyer Email", "Email"),
        "phone": ("Buyer Phone", "Phone"),
        "postal_code": ("Postal Code", "Zip Code"),
        "event_name": ("Listing Title",),
        "event_date": ("Event Start Time", "Event Date", "Timeslot"),
        "ticket_type": ("Rate Name", "Ticket Type"),
        "price": ("Price", "Rate Price"),
        "quantity": ("Quantity",),
        "barcode": ("Ticket Code", "QR Code"),
        "status": ("Ticket State", "Status"),
    },
)

GENERIC = Layout(
    key="generic",
    name="Houselights generic layout",
    signature=("order_id", "order_date", "event_name", "event_date"),
    columns={name: (name,) for name in FIELDS},
)

LAYOUTS = (EVENTBRITE, TICKET_TAILOR, BROWN_PAPER, UNIVERSE, GENERIC)
#: used when no layout's signature matches: any header that names a field
UNRECOGNISED = Layout(
    key="unrecognised",
    name="Not recognised: please map the columns",
    signature=(),
    columns={
        name: tuple(dict.fromkeys(c for layout in LAYOUTS for c in layout.columns.get(name, ())))
        for name in FIELDS
    },
)


def detect(headers: list[str]) -> Layout | None:
    """The layout whose signature the headers carry, or None."""
    for layout in LAYOUTS:
        if layout.matches(headers):
            return layout
    return None


def looks_like_header(cells: list[str]) -> bool:
    """A row that names at least three fields Houselights knows (for finding the header)."""
    known = {header_key(c) for cs in UNRECOGNISED.columns.values() for c in cs}
    return sum(1 for cell in cells if header_key(cell) in known) >= 3
