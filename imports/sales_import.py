"""Importing online sales: every order lands on its buyer's timeline, every ticket scans.

``import_sales(app, sales_file, ...)`` reads the rows of an export (see
``imports/sales_file.py`` and ``imports/sales_layouts.py``), groups them into
orders by order number and records each order as an online sale:

* the buyer is found by email, then phone, then name plus postal code, or
  registered (source "import", back-dated to the order date);
* the performance is found by event name and date (and time, when the file
  gives one), or scheduled (capacity: the tickets in the file, at least
  ``DEFAULT_CAPACITY``; price levels from the ticket types);
* the order date becomes the date of every event recorded;
* a barcode in the file becomes that ticket's code, so it scans at the door;
  without one Houselights issues a code;
* an order already imported (same order number) is left alone, so importing a
  file twice changes nothing.

A row that cannot be imported gets a reason (``{"row": n, "reason": ...}``,
row numbers as a spreadsheet shows them) and never stops the other orders; if
one row of an order is rejected the whole order waits, so correcting the file
and importing it again brings the complete order in. ``dry_run=True`` runs the
same import and throws the result away, so its report is exactly what an
import would do.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import get_topic

from domain.box_office import Performance, Production, order_id_for
from domain.contact import check_email, check_phone, clean_text, fold, normalize_email
from domain.errors import HouselightsError, UnreadableSalesFile
from domain.ticket_codes import is_acceptable_external, new_code, normalize_code
from imports.sales_file import SalesFile
from imports.sales_values import (
    Moment,
    ValueProblem,
    day_first_in,
    parse_moment,
    parse_price,
    parse_quantity,
    with_time,
    zone,
)

DEFAULT_CAPACITY = 100
DEFAULT_TICKET_TYPE = "General admission"
REFERENCE_PREFIX = "online:"
#: orders saved per transaction; a conflict with another workstation redoes one chunk
CHUNK_ORDERS = 200
#: words in a status column that mean the ticket is no longer valid
_NOT_SOLD = ("refund", "cancel", "void", "not attending", "deleted", "declined", "transferred")

CONFLICT = (
    "Another workstation changed this performance or patron at the same moment. "
    "Import the file again to bring this order in."
)

Progress = Callable[[int, int, str], None]


@dataclass
class SaleRow:
    """One row of the file, read and checked."""

    row: int
    order_id: str
    ordered: Moment
    first_name: str
    last_name: str
    email: str
    phone: str
    postal_code: str
    event_name: str
    event: Moment
    ticket_type: str
    price_cents: int
    quantity: int
    codes: list[str]

    @property
    def buyer(self) -> tuple[str, str, str, str, str]:
        return (self.first_name, self.last_name, self.email, self.phone, self.postal_code)


@dataclass
class OrderPlan:
    """The rows of one order at one performance."""

    reference: str
    order_id: str
    rows: list[SaleRow]
    performance_key: tuple

    @property
    def ordered(self) -> datetime:
        return min(r.ordered.at for r in self.rows)

    @property
    def tickets(self) -> int:
        return sum(r.quantity for r in self.rows)


@dataclass
class _Tally:
    imported: int = 0
    tickets: int = 0
    already_imported: int = 0
    performances_created: int = 0
    matched: set = field(default_factory=set)
    created: set = field(default_factory=set)
    rejected: list = field(default_factory=list)

    def copy(self) -> _Tally:
        return _Tally(self.imported, self.tickets, self.already_imported,
                      self.performances_created, set(self.matched), set(self.created),
                      list(self.rejected))  # fmt: skip


# -- reading rows -----------------------------------------------------------------
class _Cells:
    def __init__(self, cells: list[str], columns: dict[str, int]):
        self.cells, self.columns = cells, columns

    def __getitem__(self, name: str) -> str:
        index = self.columns.get(name)
        if index is None or index >= len(self.cells):
            return ""
        return clean_text(self.cells[index])


def _split_name(full: str) -> tuple[str, str]:
    first, _, last = clean_text(full).rpartition(" ")
    return (first, last) if first else (last, "")


def _codes(text: str, quantity: int) -> list[str]:
    if not text:
        return []
    parts = [normalize_code(p) for p in re.split(r"[,;|]", text) if p.strip()]
    if len(parts) == 1 and quantity > 1:
        raise ValueProblem(
            f"This row has one barcode for {quantity} tickets. Each ticket needs its own "
            "barcode: export one row per ticket, or leave the barcode out so Houselights "
            "issues new codes."
        )
    if len(parts) != quantity:
        raise ValueProblem(
            f"This row has {len(parts)} barcodes for {quantity} tickets; they must match."
        )
    for code in parts:
        if not is_acceptable_external(code):
            raise ValueProblem(f"“{code[:70]}” cannot be used as a ticket barcode.")
    return parts


#: longer than any name, address, date or list of barcodes a real export holds
MAX_CELL = 5000


def _check_lengths(raw: list[str], headers: list[str]) -> None:
    for index, cell in enumerate(raw):
        if len(cell) > MAX_CELL:
            column = headers[index] if index < len(headers) else f"number {index + 1}"
            raise ValueProblem(
                f"The column “{column}” holds {len(cell):,} characters, far too many for a "
                "name, address or date: this row of the export looks damaged. Correct it "
                "and import the file again."
            )


def read_rows(sales: SalesFile, mapping: dict[str, str], local: tzinfo):
    """``(rows, rejected, bad_orders, not_sold)``: checked rows, reasons for the others.

    ``bad_orders`` maps an order number to its first unreadable row; ``not_sold``
    lists the rows marked refunded or cancelled as ``(row, order id, codes, status)``.
    """
    columns = {name: sales.headers.index(column) for name, column in mapping.items()
               if column in sales.headers}  # fmt: skip
    # One file uses one convention: a 14/03 anywhere makes every slashed date day-first.
    dates = [columns[name] for name in ("order_date", "event_date") if name in columns]
    first = bool(day_first_in(cells[i] for _, cells in sales.rows for i in dates if i < len(cells)))
    day_first = {"order_date": first, "event_date": first}
    rows: list[SaleRow] = []
    rejected: list[dict] = []
    bad_orders: dict[str, int] = {}
    not_sold: list[tuple[int, str, list[str], str]] = []
    for number, raw in sales.rows:
        if not any(cell.strip() for cell in raw):
            continue  # a blank line is not a sale
        cells = _Cells(raw, columns)
        order_id = cells["order_id"]
        try:
            _check_lengths(raw, sales.headers)
            row = _read_row(number, cells, local, day_first)
        except ValueProblem as problem:
            rejected.append({"row": number, "reason": str(problem)})
            if order_id:
                bad_orders.setdefault(order_id, number)
            continue
        if row is not None:
            rows.append(row)
        else:
            codes = [normalize_code(c) for c in re.split(r"[,;|]", cells["barcode"]) if c.strip()]
            not_sold.append((number, order_id, codes, cells["status"]))
    return rows, rejected, bad_orders, not_sold


def order_exists(app, reference: str) -> bool:
    """Whether an order with this reference was recorded (saved) before."""
    try:
        app.repository.get(order_id_for(reference))
    except AggregateNotFoundError:
        return False
    return True


def _not_sold_reason(app, order_id: str, codes: list[str], status: str) -> str:
    """Why a refunded or cancelled row is left out, and what to do if it was imported before."""
    tickets = [app.get_ticket(code) for code in codes]
    still_valid = [t for t in tickets if t and t["status"] == "valid"]
    imported = bool(still_valid) or (not codes and order_exists(app, REFERENCE_PREFIX + order_id))
    if imported:
        return (
            f"This ticket is marked “{status}” in the file, but it was imported earlier and "
            f"is still valid in Houselights. Refund order {order_id} at the box office so it "
            "no longer scans at the door."
        )
    return f"This ticket is marked “{status}” in the file (no longer sold), so it is not imported."


def _read_row(number: int, cells: _Cells, local: tzinfo, day_first: dict) -> SaleRow | None:
    order_id = cells["order_id"]
    if not order_id:
        raise ValueProblem("The order number is empty.")
    status = cells["status"].casefold()
    if status and any(word in status for word in _NOT_SOLD):
        return None
    ordered = parse_moment(cells["order_date"], local, bool(day_first["order_date"]),
                           "order date")  # fmt: skip
    event_name = cells["event_name"]
    if not event_name:
        raise ValueProblem("The event name is empty.")
    event = parse_moment(cells["event_date"], local, bool(day_first["event_date"]), "event date")
    event = with_time(event, cells["event_time"])
    first, last = cells["first_name"], cells["last_name"]
    if not first and not last and cells["full_name"]:
        first, last = _split_name(cells["full_name"])
    email, phone = normalize_email(cells["email"]), cells["phone"]
    for problem in check_email(email) + check_phone(phone):
        raise ValueProblem(problem.message)
    if not first and not last and (email or phone):
        raise ValueProblem(
            "The buyer's name is empty. Add a first or last name, so the sale can go on "
            "their record."
        )
    quantity = parse_quantity(cells["quantity"])
    return SaleRow(
        row=number, order_id=order_id, ordered=ordered, first_name=first, last_name=last,
        email=email, phone=phone, postal_code=cells["postal_code"], event_name=event_name,
        event=event, ticket_type=cells["ticket_type"] or DEFAULT_TICKET_TYPE,
        price_cents=parse_price(cells["price"]), quantity=quantity,
        codes=_codes(cells["barcode"], quantity),
    )  # fmt: skip


# -- planning orders --------------------------------------------------------------
def _performance_key(row: SaleRow, local: tzinfo) -> tuple:
    at = row.event.at.astimezone(local)
    return (fold(row.event_name), at.date(), at.strftime("%H:%M") if row.event.has_time else None)


def plan_orders(rows: list[SaleRow], local: tzinfo) -> list[OrderPlan]:
    """Rows grouped by order number and performance, oldest order first."""
    groups: dict[str, dict[tuple, list[SaleRow]]] = {}
    for row in rows:
        groups.setdefault(row.order_id, {}).setdefault(_performance_key(row, local), []).append(row)
    plans = []
    for order_id, by_performance in groups.items():
        for key, order_rows in by_performance.items():
            reference = REFERENCE_PREFIX + order_id
            if len(by_performance) > 1:
                when = f"{key[1].isoformat()}T{key[2] or ''}"
                reference = f"{reference}:{key[0]}:{when}"
            plans.append(OrderPlan(reference, order_id, order_rows, key))
    plans.sort(key=lambda p: (p.ordered, p.rows[0].row))
    return plans


# -- the import -------------------------------------------------------------------
class SalesImport:
    """One run of an import (or dry run) against one application."""

    def __init__(self, app, local: tzinfo, default_capacity: int = DEFAULT_CAPACITY):
        self.app = app
        self.local = local
        self.default_capacity = default_capacity
        self.tally = _Tally()
        self.performances: dict[tuple, str] = {}
        self.file_tickets: dict[tuple, int] = {}
        self.file_levels: dict[tuple, dict[str, int]] = {}
        self.known: list[tuple[str, datetime, str]] = []  # folded title, start, id
        self.productions: dict[str, str] = {}

    # reading what the store already holds
    def _scan(self, *event_classes):
        """The stored events of these classes, oldest first, without replaying aggregates."""
        topics, start = [get_topic(c) for c in event_classes], 1
        while True:
            page = self.app.recorder.select_notifications(start, 1000, topics=topics)
            for notification in page:
                yield self.app.mapper.to_domain_event(notification)
            if len(page) < 1000:
                return
            start = page[-1].id + 1

    def load_store(self) -> None:
        """Every performance's title and start, and every production's title.

        Read from the scheduling and renaming events alone: an office with a long
        history does not replay every sale of every performance to import a file.
        """
        performances: dict[UUID, list] = {}
        for event in self._scan(Performance.Scheduled, Performance.Rescheduled):
            if isinstance(event, Performance.Scheduled):
                performances[event.originator_id] = [fold(event.title), event.starts_at]
            elif event.originator_id in performances:
                performances[event.originator_id][1] = event.starts_at
        self.known = [(title, starts_at, str(performance_id))
                      for performance_id, (title, starts_at) in performances.items()]  # fmt: skip
        titles: dict[UUID, str] = {}
        for event in self._scan(Production.Created, Production.Renamed):
            titles[event.originator_id] = fold(event.title)
        for production_id, title in titles.items():
            self.productions.setdefault(title, str(production_id))

    # performances
    def _find_performance(self, key: tuple) -> str | None:
        title, day, clock = key
        found = []
        for known_title, starts_at, performance_id in self.known:
            local = starts_at.astimezone(self.local)
            same_time = clock is None or local.strftime("%H:%M") == clock
            if known_title == title and local.date() == day and same_time:
                found.append(performance_id)
        if len(found) > 1 and clock is None:
            raise HouselightsError(
                f"There are {len(found)} performances of this event on {day:%d %b %Y}. "
                "Add the event's start time to the file so we know which one."
            )
        return found[0] if found else None

    def _performance_for(self, plan: OrderPlan) -> str:
        key = plan.performance_key
        if key in self.performances:
            return self.performances[key]
        performance_id = self._find_performance(key)
        if performance_id is None:
            performance_id = self._schedule(plan)
        self.performances[key] = performance_id
        return performance_id

    def _schedule(self, plan: OrderPlan) -> str:
        first = plan.rows[0]
        if plan.performance_key[2] is None:
            raise HouselightsError(
                f"The event date “{first.event.day:%d %b %Y}” has no start time, and "
                f"Houselights has no performance of {first.event_name} that day. Add the time "
                "to the file, or schedule the performance first."
            )
        key = plan.performance_key
        production_id = self.productions.get(key[0])
        if production_id is None:
            production_id = self.app.create_production(first.event_name, occurred_at=plan.ordered)
            self.productions[key[0]] = production_id
        capacity = max(self.file_tickets.get(key, 0), self.default_capacity)
        performance_id = self.app.schedule_performance(
            production_id, first.event.at, capacity, self.file_levels[key],
            title=first.event_name, occurred_at=plan.ordered,
        )  # fmt: skip
        self.known.append((key[0], first.event.at, performance_id))
        self.tally.performances_created += 1
        return performance_id

    # patrons
    def _patron_for(self, row: SaleRow) -> str | None:
        first, last, email, phone, postal = row.buyer
        if not (first or last or email or phone):
            return None  # an anonymous sale: counted as a lost contact
        matches = []
        if email:
            matches = self.app.find_contact_matches(email=email)
        if not matches and phone:
            matches = self.app.find_contact_matches(phone=phone)
        if not matches and postal:
            matches = self.app.find_name_matches(first, last, postal)
        if matches:
            name = fold(clean_text(f"{first} {last}"))
            best = next((m for m in matches if fold(m["name"]) == name), matches[0])
            if best["id"] not in self.tally.created:
                self.tally.matched.add(best["id"])
            return best["id"]
        patron_id = self.app.register_patron(
            first, last, email=email, phone=phone,
            address={"postal_code": postal} if postal else None, source="import",
            occurred_at=row.ordered.at, allow_duplicate=True,
        )  # fmt: skip
        self.tally.created.add(patron_id)
        return patron_id

    # orders
    def _sell(self, plan: OrderPlan) -> None:
        if order_exists(self.app, plan.reference):
            self.tally.already_imported += 1
            return
        performance_id = self._performance_for(plan)
        performance = self.app.get_performance(performance_id)
        if plan.tickets > performance["available"]:
            left = performance["available"]
            raise HouselightsError(
                f"{performance['title']} has {max(left, 0)} seats left and this order has "
                f"{plan.tickets} tickets. Raise the performance's capacity, then import the "
                "file again."
            )
        for row in plan.rows:
            for code in row.codes:
                if self.app.get_ticket(code) is not None:
                    raise HouselightsError(
                        f"Barcode {code} already belongs to another ticket in Houselights."
                    )
        quantities: dict[str, int] = {}
        paid: dict[str, int] = {}
        codes: dict[str, list[str]] = {}
        for row in plan.rows:
            level = row.ticket_type
            if paid.get(level, row.price_cents) != row.price_cents:
                level = f"{row.ticket_type} ({row.price_cents / 100:.2f})"
            paid[level] = row.price_cents
            quantities[level] = quantities.get(level, 0) + row.quantity
            codes.setdefault(level, []).extend(row.codes or [""] * row.quantity)
        has_barcodes = any(row.codes for row in plan.rows)
        all_codes = [c or new_code() for level in quantities for c in codes[level]]
        patron_id = self._patron_for(plan.rows[0])
        free = not any(paid.values())
        self.app.sell_tickets(
            performance_id, quantities, patron_id=patron_id,
            payment="complimentary" if free else "card", channel="online",
            occurred_at=plan.ordered, codes=all_codes if has_barcodes else None,
            reference=plan.reference, paid_cents=paid,
        )  # fmt: skip
        self.tally.imported += 1
        self.tally.tickets += plan.tickets

    def _reject(self, plan: OrderPlan, reason: str) -> None:
        for row in plan.rows:
            self.tally.rejected.append({"row": row.row, "reason": reason})

    def process(self, plan: OrderPlan) -> None:
        try:
            self._sell(plan)
        except IntegrityError:
            self._reject(plan, CONFLICT)
        except HouselightsError as error:
            self._reject(plan, str(error))

    # the whole run
    def run(self, plans: list[OrderPlan], dry_run: bool, progress: Progress | None,
            cancelled: Callable[[], bool] | None) -> bool:  # fmt: skip
        """Process the orders; returns False when cancelled before the end."""
        for plan in plans:
            key = plan.performance_key
            self.file_tickets[key] = self.file_tickets.get(key, 0) + plan.tickets
            levels = self.file_levels.setdefault(key, {})
            for row in plan.rows:
                levels.setdefault(row.ticket_type, row.price_cents)
        total, done = len(plans), 0
        report = progress or (lambda *_: None)
        report(0, total, "")
        while done < total:
            if cancelled and cancelled():
                return False
            chunk = plans[done : done + CHUNK_ORDERS]
            if dry_run:
                finished = self._chunk(chunk, done, total, report, cancelled)
            else:
                saved = self._save_point()
                try:
                    with self.app.batch(size=10**9):
                        finished = self._chunk(chunk, done, total, report, cancelled)
                except IntegrityError:
                    # Another workstation wrote a performance or patron of this chunk
                    # meanwhile: nothing of it was saved. Redo it order by order; each
                    # sale then retries against the other workstation's change.
                    self._restore(saved)
                    finished = self._chunk(chunk, done, total, report, cancelled)
            done += finished
            if finished < len(chunk):
                return False
        return True

    def _chunk(self, chunk, done, total, report, cancelled) -> int:
        for index, plan in enumerate(chunk):
            if index and cancelled and cancelled():
                return index
            self.process(plan)
            if (done + index + 1) % 10 == 0 or done + index + 1 == total:
                report(done + index + 1, total, f"Order {plan.order_id}")
        return len(chunk)

    def _save_point(self):
        return (self.tally.copy(), dict(self.performances), list(self.known),
                dict(self.productions))  # fmt: skip

    def _restore(self, saved) -> None:
        tally, performances, known, productions = saved
        self.tally, self.performances, self.known, self.productions = (
            tally, performances, known, productions,
        )  # fmt: skip


def import_sales(
    app,
    sales: SalesFile,
    *,
    mapping: dict[str, str] | None = None,
    timezone: str | tzinfo | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    default_capacity: int = DEFAULT_CAPACITY,
) -> dict:
    """Import (or with ``dry_run`` rehearse) the sales in ``sales``; returns the report.

    ``mapping`` (field -> column) replaces the detected one. ``timezone`` is the
    organization's zone, used for dates in the file without one (default: this
    computer's). ``progress(done, total, message)`` is called as orders are done;
    when ``cancelled()`` turns true the import stops after the current order
    (what was done is kept, and importing the file again finishes it).
    """
    try:
        local = zone(timezone)
    except ValueProblem as problem:
        raise UnreadableSalesFile(str(problem)) from None
    mapping = sales.mapping if mapping is None else mapping
    missing = sales.missing(mapping)
    if missing:
        from imports.sales_layouts import FIELD_LABELS

        names = ", ".join(FIELD_LABELS[name].lower() for name in missing)
        raise UnreadableSalesFile(
            f"We could not find the column for the {names} in {sales.name}. "
            "Choose which column holds it (column mapping)."
        )
    rows, rejected, bad_orders, not_sold = read_rows(sales, mapping, local)
    for number, order_id, codes, status in not_sold:
        rejected.append({"row": number, "reason": _not_sold_reason(app, order_id, codes, status)})
    kept = []
    for row in rows:
        if row.order_id in bad_orders:
            rejected.append({"row": row.row, "reason": (
                f"Not imported because row {bad_orders[row.order_id]} of the same order "
                f"({row.order_id}) has a problem. Correct that row and import the file again."
            )})  # fmt: skip
        else:
            kept.append(row)
    seen_codes: dict[str, int] = {}
    clean = []
    for row in kept:
        duplicate = next((c for c in row.codes if c in seen_codes), None)
        if duplicate:
            rejected.append({"row": row.row, "reason": (
                f"Barcode {duplicate} is also on row {seen_codes[duplicate]}; each ticket "
                "needs its own barcode."
            )})  # fmt: skip
            continue
        seen_codes.update(dict.fromkeys(row.codes, row.row))
        clean.append(row)
    plans = plan_orders(clean, local)
    run = SalesImport(app, local, default_capacity)
    run.tally.rejected = rejected
    if dry_run:
        with app.rehearsal():
            run.load_store()
            finished = run.run(plans, True, progress, cancelled)
    else:
        run.load_store()
        finished = run.run(plans, False, progress, cancelled)
    tally = run.tally
    return {
        "imported": tally.imported,
        "matched": len(tally.matched),
        "created": len(tally.created),
        "rejected": sorted(tally.rejected, key=lambda r: r["row"]),
        "tickets": tally.tickets,
        "already_imported": tally.already_imported,
        "performances_created": tally.performances_created,
        "rows": sum(1 for _, cells in sales.rows if any(c.strip() for c in cells)),
        "layout": sales.layout_name,
        "dry_run": dry_run,
        "cancelled": not finished,
    }


def import_sales_file(app, path, **options) -> dict:
    """Read ``path`` and import it (``options`` as for ``import_sales``)."""
    from imports.sales_file import read_sales_file

    sales = read_sales_file(path)
    overrides = options.pop("overrides", None)
    if overrides:
        options["mapping"] = sales.with_mapping(overrides)
    return import_sales(app, sales, **options)
