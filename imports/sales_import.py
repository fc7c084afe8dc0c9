"""Importing online sales: every order lands on its buyer's timeline, every ticket scans.

``import_sales(app, sales_file, ...)`` reads the rows of an export (see
``imports/sales_file.py`` and ``imports/sales_layouts.py``), groups them into
orders by order number and records each order as an online sale:

* the buyer is found by email, then phone, then name plus postal code, or
  registered (source "import", back-dated to the order date); so is every
  attendee the file names with their own name or contact: they hold their
  ticket (the door greets them, their timeline shows it), the buyer keeps the
  order and its payment;
* the performance is found by event name and date (and time, when the file
  gives one), or scheduled (capacity: the tickets in the file, at least
  ``DEFAULT_CAPACITY``; price levels from the ticket types);
* the order date becomes the date of every event recorded;
* a barcode in the file becomes that ticket's code, so it scans at the door;
  without one Houselights derives a code from the service's ticket number (or
  the ticket's place in its order), the same in every file.

Identity does not depend on the file. An order is its service plus its order
number, one Houselights order per performance it has tickets for; a ticket is
its barcode, else its service's ticket number, else its place in that order.
Importing the same sales in one file or one file per performance, in any
order, gives the same store; importing again creates nothing; a corrected file
completes an order that was imported in part.

A row that cannot be imported gets a reason (``{"row": n, "reason": ...}``,
row numbers as a spreadsheet shows them) and never stops the other orders; if
one row of an order is rejected the whole order waits (at every performance),
so correcting the file and importing it again brings the complete order in.
``dry_run=True`` runs the same import and throws the result away, so its report
is exactly what an import would do.

Money is the ticket price net of the service's fees (``fees``); an order total
(``order_total``) is divided over the order's tickets in cents, the remainder
going one cent at a time to the first tickets, so the tickets add up to it.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import heapq
import itertools
import pickle
import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, MutableMapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, tzinfo
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from domain.box_office import Order, Performance, Production, Ticket, order_id_for
from domain.box_office_service import TicketInfo
from domain.collector import fewer_collections
from domain.contact import check_email, check_phone, clean_text, fold, normalize_email
from domain.contact_index import ContactKey, contact_keys, name_postal_key
from domain.errors import HouselightsError, UnreadableSalesFile
from domain.ticket_codes import (
    ALPHABET,
    RANDOM_LENGTH,
    _check_symbol,
    is_acceptable_external,
    normalize_code,
    ticket_id,
)
from domain.wording import date_mark
from imports.sales_file import PROGRESS_ROWS, SalesFile
from imports.sales_layouts import FIELDS
from imports.sales_values import (
    DATE_ORDERS,
    Moment,
    ValueProblem,
    date_order_votes,
    excel_serial,
    from_excel_serial,
    parse_moment,
    parse_price,
    parse_quantity,
    with_time,
    zone,
)
from imports.stored_schedule import ScheduleReading

DEFAULT_CAPACITY = 100
DEFAULT_TICKET_TYPE = "General admission"
REFERENCE_PREFIX = "online:"
#: the service of a file whose layout was mapped by hand
MAPPED_SERVICE = "mapped"
#: orders saved per transaction; a conflict with another workstation redoes one chunk
CHUNK_ORDERS = 2000
#: the last chunks of an import shrink down to CHUNK_ORDERS // TAPER orders (see
#: ``chunk_size``)
TAPER = 8
#: the most orders a chunk holds while a second process applies the chunks (``chunk_size``)
BESIDE_CHUNK_ORDERS = 1000
#: a file of at most this many rows is planned in memory, a bigger one through a
#: temporary file (about 1 KB of memory a row otherwise)
IN_MEMORY_ROWS = 50_000
#: people (and their patrons) remembered across chunks before they are forgotten:
#: about 5 KB each with their patron and contact keys (at 50,000 the import of a
#: 200 MB file held 340 MB, and with the second process the command 590 MB)
KEEP_PEOPLE = 20_000
#: the page cache (KiB) of the second process applying a file of more than
#: ``IN_MEMORY_ROWS`` rows, not the usual 128 MB (``beside_cache_kib``)
BIG_FILE_BESIDE_CACHE_KIB = 32_000
#: words in a status column that mean the ticket is no longer valid (or never paid)
_NOT_SOLD = (
    "refund",
    "cancel",
    "void",
    "not attending",
    "deleted",
    "declined",
    "transferred",
    "unpaid",
    "not paid",
    "pending",
    "failed",
    "abandoned",
)
#: Square/Shopify item names: "Hamlet - Sat 14 Mar 2026 7:30 PM", "Hamlet (14/03/2026 19:30)"
DEFAULT_ITEM_PATTERN = (
    r"^(?P<event>.+?)\s*(?:\s[-–—|]\s*|[(:,]\s*)(?P<date>[^()]*\d[^()]*?)\s*\)?\s*$"
)

CONFLICT = (
    "Another workstation changed this performance or patron at the same moment. "
    "Import the file again to bring this order in."
)
EXCEL_ADVICE = (
    "Download the export again from the ticketing service and import that file as it "
    "is, without opening and saving it in Excel (or, in Excel, use Data > From Text/CSV "
    "and set this column to Text before saving)."
)

#: ``progress(done, total, phase)``: the phases below, in the order they come (the
#: views and the command line put them in words); a file is read before them
#: (``imports.sales_file.READING``)
Progress = Callable[[int, int, str], None]
#: rows looked at for the order dates are written in (day or month first)
CHECKING_DATES = "dates"
#: rows looked at for barcodes or ticket numbers Excel damaged
CHECKING_CODES = "barcodes"
#: rows read and checked into the temporary file, grouped by order
READING_ROWS = "rows"
#: rows compared for a barcode used twice in the file
CHECKING_TWICE = "twice"
#: orders planned: tickets per performance, prices net of fees, codes
PLANNING = "planning"
#: orders imported (or, in a dry run, rehearsed)
SELLING = "orders"
#: events of the import applied to the read models (the patron list, timelines, the
#: door's copy), after the last order is saved
APPLYING = "read models"
#: rows of a file from which its read models are brought up to date by a second
#: process while it is imported (``ReadModelRunner.applied_alongside``; starting one
#: costs about a second of the other core)
ALONGSIDE_ROWS = 5_000
#: a report (dry run or import) lists this many problems (the rows with the lowest
#: numbers); ``rejected_count`` counts them all and ``rejected_file`` holds them all
LISTED_PROBLEMS = 1000


class _Stopped(Exception):
    """Cancelled while the file was read, checked or planned: nothing imported."""


class _Watched(Sequence):
    """A file's rows, read through once for one phase: progress every
    ``PROGRESS_ROWS`` rows, and a stop (``_Stopped``) when cancelled."""

    def __init__(self, rows, phase: str, watch: _Watch):
        self.rows, self.phase, self.watch = rows, phase, watch

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index):  # type: ignore[override]
        return self.rows[index]

    def __iter__(self):
        total, done = len(self.rows), 0
        self.watch.phase = self.phase
        rows = iter(self.rows)
        while part := list(itertools.islice(rows, PROGRESS_ROWS)):  # as the report goes
            yield from part
            done += len(part)
            if done % PROGRESS_ROWS == 0:
                self.watch.tick(done, total, self.phase)
        self.watch.tick(done, total, self.phase)


class Problems:
    """The rows not imported: every one counted and kept on disk (a private temporary
    SQLite database, removed with the last copy), the ``limit`` with the lowest row
    numbers also in memory for the report, so a file with 50,000 bad rows does not
    hold 50,000 reasons in memory. ``write_csv`` gives all of them back, with the
    file's own cells, for the user to correct and import again.

    ``copy()`` is a save point: a copy that is used after problems were added to the
    original forgets those (the import's redo of a chunk after a conflict)."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = LISTED_PROBLEMS if limit is None else limit
        self.count = 0
        #: a heap of the lowest rows (highest on top), at most ``limit``
        self._kept: list = []
        self._seq = 0
        self._db = sqlite3.connect("", check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute(
            "CREATE TABLE problems (seq INTEGER PRIMARY KEY, row INTEGER, reason TEXT)"
        )
        #: the highest seq written to the database by any copy
        self._written = [0]

    def _forget_later(self) -> None:
        """Drop what was added after this copy was made (only a restored save point)."""
        if self._written[0] > self._seq:
            self._db.execute("DELETE FROM problems WHERE seq > ?", (self._seq,))
            self._written[0] = self._seq

    def append(self, problem: dict) -> None:
        self._forget_later()
        self.count += 1
        self._seq += 1
        self._written[0] = self._seq
        self._db.execute(
            "INSERT INTO problems VALUES (?, ?, ?)", (self._seq, problem["row"], problem["reason"])
        )
        item = (-problem["row"], -self._seq, problem)
        if len(self._kept) < self.limit:
            heapq.heappush(self._kept, item)
        elif item > self._kept[0]:
            heapq.heapreplace(self._kept, item)

    def __iadd__(self, problems: Iterable[dict]) -> Problems:
        for problem in problems:
            self.append(problem)
        return self

    def __len__(self) -> int:
        return self.count

    @property
    def kept(self) -> int:
        """How many problems are held in memory (at most ``limit``)."""
        return len(self._kept)

    def copy(self) -> Problems:
        copied = type(self).__new__(type(self))
        copied.limit, copied.count, copied._seq = self.limit, self.count, self._seq
        copied._kept = list(self._kept)
        copied._db, copied._written = self._db, self._written
        return copied

    def listed(self) -> list[dict]:
        """The problems kept, by row (a row's problems in the order they came)."""
        return [problem for *_, problem in sorted(self._kept, reverse=True)]

    def by_row(self) -> Iterator[tuple[int, str]]:
        """Every problem's row and reason (a row's reasons joined), by row number, read
        from disk a page at a time."""
        self._forget_later()
        after = -1
        while True:
            page = self._db.execute(
                "SELECT row, group_concat(reason, ' / ') FROM "
                "(SELECT row, reason FROM problems WHERE row > ? ORDER BY row, seq) "
                "GROUP BY row ORDER BY row LIMIT 2000",
                (after,),
            ).fetchall()
            yield from page
            if len(page) < 2000:
                return
            after = page[-1][0]

    def write_csv(
        self, path, sales: SalesFile, fixes: Callable[[list[str]], list[str]] | None = None
    ) -> int:
        """Write every row not imported to ``path`` (CSV, UTF-8 with a byte-order mark so
        Excel reads it): the file's own header and cells, then the row's number in the
        file and why it was not imported. Returns how many rows were written. ``fixes``
        may rewrite a row's cells (dates Excel stored as numbers, read as dates)."""
        width = sales.file_columns or len(sales.headers)
        problems = self.by_row()
        wanted = next(problems, None)
        written = 0
        with open(path, "w", encoding="utf-8-sig", newline="") as file:
            out = csv.writer(file)
            out.writerow([*sales.headers[:width], ROW_COLUMN, REASON_COLUMN])
            for number, cells in sales.rows:
                while wanted is not None and wanted[0] < number:
                    wanted = next(problems, None)  # a row the file no longer has
                if wanted is None:
                    break
                if wanted[0] != number:
                    continue
                cells = list(cells[:width]) + [""] * (width - len(cells))
                out.writerow([*(fixes(cells) if fixes else cells), number, wanted[1]])
                written += 1
                wanted = next(problems, None)
        return written


#: the columns a file of rows not imported adds after the file's own
ROW_COLUMN = "Row in the imported file"
REASON_COLUMN = "Why it was not imported"


Person = tuple[str, str, str, str, str]  # first, last, email, phone, postal code


@dataclass(slots=True)
class SaleRow:
    """One row of the file, read and checked."""

    row: int
    order_id: str
    ordered: Moment
    buyer: Person
    attendee: Person | None
    event_name: str
    event: Moment
    ticket_type: str
    price_cents: int
    quantity: int
    codes: list[str]
    ticket_ids: list[str]
    fees_cents: int
    order_total: int | None


@dataclass(slots=True)
class Seat:
    """One ticket of an order: its level, net price, code and holder."""

    level: str
    cents: int
    code: str
    attendee: Person | None
    #: what the code comes from: "barcode", the service's "ticket" number, or the
    #: ticket's "place" in its order (an export naming neither)
    kind: str = "barcode"


@dataclass(slots=True)
class OrderPlan:
    """The tickets of one order at one performance."""

    order_id: str
    rows: list[SaleRow]
    performance_key: tuple
    seats: list[Seat] = field(default_factory=list)

    @property
    def ordered(self) -> datetime:
        return min(r.ordered.at for r in self.rows)

    @property
    def tickets(self) -> int:
        return len(self.seats)


@dataclass
class _Tally:
    imported: int = 0
    completed: int = 0
    tickets: int = 0
    already_imported: int = 0
    performances_created: int = 0
    matched: set = field(default_factory=set)
    created: set = field(default_factory=set)
    attendees: set = field(default_factory=set)
    rejected: Problems = field(default_factory=Problems)
    #: rows that are not sales and need no correcting (a totals row): said, not rejected
    left_out: list = field(default_factory=list)
    #: stored tickets given the code the file names for them (Eventbrite's barcode)
    codes_attached: int = 0

    def copy(self) -> _Tally:
        """The counts as they are now, for ``SalesImport._restore``. The sets of patrons
        are the same sets, not copies (at 350,000 patrons a copy per chunk held another
        40 MB): what a chunk noted in them is taken out again by ``_restore``."""
        return replace(self, rejected=self.rejected.copy(), left_out=list(self.left_out))


# -- reading rows -----------------------------------------------------------------
#: every field "" (a row's cells start from it: reading a field the file has no column
#: for is a plain dict lookup, not a call of ``__missing__``)
_NO_CELLS = dict.fromkeys(FIELDS, "")


class _Cells(dict):
    """The mapped cells of one row, white space tidied; a field without a column is ""."""

    __slots__ = ()

    def __init__(self, cells: list[str], columns: dict[str, int], last: int | None = None):
        """``last``: the largest index in ``columns`` (given by a caller reading many rows)."""
        super().__init__(_NO_CELLS)
        width = len(cells)
        if last is None:
            last = max(columns.values(), default=-1)
        if width > last:  # every mapped cell is there (most rows): set them at once
            tidy = [" ".join(cells[i].split()) for i in columns.values()]
            self.update(zip(columns, tidy, strict=True))
            return
        for name, i in columns.items():
            self[name] = " ".join(cells[i].split()) if i < width else ""

    def __missing__(self, name: str) -> str:
        return ""


def _split_name(full: str) -> tuple[str, str]:
    first, _, last = clean_text(full).rpartition(" ")
    return (first, last) if first else (last, "")


def _split_list(text: str) -> list[str]:
    text = text or ""
    if text.isalnum():  # one code, nothing to take out (most cells): as normalize_code
        return [text.upper()]
    if "," not in text and ";" not in text and "|" not in text:  # one code
        return [normalize_code(text)] if text.strip() else []
    return [normalize_code(p) for p in re.split(r"[,;|]", text) if p.strip()]


_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+$")


@dataclass
class ExcelCheck:
    """What the whole file says about Excel's damage to its number columns.

    * ``9.12055E+16``: a long number Excel showed in scientific notation and saved so;
    * ``9120550000000000000``: Excel keeps 15 digits; every longer number of the
      column ends in zeros after the 15th (one code doing so can be chance);
    * ``12345678`` among ``0012345679``: the column's numbers have one length
      and some are shorter, their leading zeros dropped.
    """

    truncated: bool = False
    length: int = 0

    @classmethod
    def of(cls, values: Iterable[str]) -> ExcelCheck:
        """Looked at one value at a time (a big file's codes are not kept)."""
        count = 0
        long = 0
        long_zeros = True
        first_long = 0
        lengths: Counter[int] = Counter()
        leading_zero = False
        for v in values:
            if not v.isdigit():
                continue
            count += 1
            lengths[len(v)] += 1
            leading_zero = leading_zero or v.startswith("0")
            if len(v) > 15:
                long += 1
                first_long = first_long or len(v)
                long_zeros = long_zeros and set(v[15:]) == {"0"}
        truncated = bool(long) and long_zeros and (long > 1 or first_long - 15 > 1)
        length = 0
        if count >= 3 and lengths:
            common, most = lengths.most_common(1)[0]
            if most >= 2 / 3 * count and leading_zero:
                length = common
        return cls(truncated, length)

    def problem(self, value: str, what: str) -> str:
        if ("E" in value or "e" in value) and _SCIENTIFIC.match(value):
            return (
                f"The {what} “{value}” was changed by Excel into scientific notation "
                f"(E+): its real digits are lost. {EXCEL_ADVICE}"
            )
        if self.truncated and value.isdigit() and len(value) > 15 and set(value[15:]) == {"0"}:
            return (
                f"The {what} “{value}” ends in zeros after its 15th digit: Excel keeps "
                f"only 15 digits of a number, so its last digits are lost. "
                f"{EXCEL_ADVICE}"
            )
        if self.length and value.isdigit() and len(value) < self.length:
            return (
                f"The {what} “{value}” is shorter than the others in this file "
                f"({self.length} digits): Excel drops the zeros a number starts with. "
                f"{EXCEL_ADVICE}"
            )
        return ""


def _codes(text: str, quantity: int, excel: ExcelCheck, what: str = "barcode") -> list[str]:
    if not text:
        return []
    parts = _split_list(text)
    for code in parts:
        problem = excel.problem(code, what)
        if problem:
            raise ValueProblem(problem)
    if len(parts) == 1 and quantity > 1:
        raise ValueProblem(
            f"This row has one {what} for {quantity} tickets. Each ticket needs its own "
            f"{what}: export one row per ticket, or leave the {what} out so Houselights "
            "issues new codes."
        )
    if len(parts) != quantity:
        raise ValueProblem(
            f"This row has {len(parts)} {what}s for {quantity} tickets; they must match."
        )
    for code in parts:
        if not is_acceptable_external(code):
            raise ValueProblem(f"“{code[:70]}” cannot be used as a ticket {what}.")
    return parts


#: longer than any name, address, date or list of barcodes a real export holds
MAX_CELL = 5000


def _check_lengths(raw: list[str], headers: list[str]) -> None:
    if not raw or max(map(len, raw)) <= MAX_CELL:  # every cell of a sound row
        return
    for index, cell in enumerate(raw):
        if len(cell) > MAX_CELL:
            column = headers[index] if index < len(headers) else f"number {index + 1}"
            raise ValueProblem(
                f"The column “{column}” holds {len(cell):,} characters, far too many for a "
                "name, address or date: this row of the export looks damaged. Correct it "
                "and import the file again."
            )


@dataclass
class Reading:
    """How the file's values are read: its date order and why, its zone, its item pattern."""

    local: tzinfo
    date_order: str = "mdy"
    #: "file" (a date in it told), "choice" (the user said), "setting" (ambiguous
    #: dates such as 12/11/2026), "none" (no date in the file depends on it)
    date_order_source: str = "setting"
    date_order_example: str = ""
    item_pattern: re.Pattern | None = None
    #: a workbook's date system (1900 or 1904) when its dates stored as numbers are read
    #: as dates (the user confirmed them); 0: a bare number is not a date
    excel_dates: int = 0

    def excel_date(self, text: str) -> str:
        """A date (or time) cell, a number Excel stored read as its date when confirmed."""
        if self.excel_dates and (value := excel_serial(text)) is not None:
            return from_excel_serial(value, self.excel_dates)
        return text


#: the fields whose cells may be dates (or times) Excel stored as numbers
EXCEL_DATE_FIELDS = ("order_date", "event_date", "event_time")


def excel_number_dates(sales: SalesFile, mapping: dict[str, str]) -> list[dict]:
    """The date (and time) columns of a workbook holding dates Excel stored as numbers
    (a cell formatted as a number, not a date): per column, the field, the column, how
    many cells, the first such cell and what it is as a date. Empty for a text file (a
    bare number there is refused with how to save it properly)."""
    if not sales.date_system:
        return []
    columns = {
        name: sales.headers.index(mapping[name])
        for name in EXCEL_DATE_FIELDS
        if mapping.get(name) in sales.headers
    }
    found: dict[str, dict] = {}
    for _, cells in sales.rows:
        for name, index in columns.items():
            if index >= len(cells) or (value := excel_serial(cells[index])) is None:
                continue
            if name != "event_time" and value < 1:
                continue  # a time alone is no date: refused as it is
            seen = found.get(name)
            if seen is None:
                try:
                    read_as = from_excel_serial(value, sales.date_system)
                except ValueProblem:
                    continue  # Excel's 29 February 1900: refused with its reason
                found[name] = seen = {
                    "field": name,
                    "column": mapping[name],
                    "count": 0,
                    "example": cells[index].strip(),
                    "read_as": read_as,
                }
            seen["count"] += 1
    return [found[name] for name in EXCEL_DATE_FIELDS if name in found]


def excel_dates_words(found: list[dict], name: str) -> str:
    """The refusal of a workbook whose dates Excel stored as numbers, not confirmed."""
    columns = "; ".join(
        f"“{f['column']}” ({f['count']:,} cells; {f['example']} is {f['read_as']})" for f in found
    )
    return (
        f"Dates in {name} were stored by Excel as numbers, not as dates: {columns}. Check "
        "them in a dry run, then confirm that they are read as dates (--excel-serial-dates, "
        "or tick “Read them as dates” in the import window) and import again."
    )


def _once(texts: Iterable[str], keep: int = 65_536) -> Iterator[str]:
    """Each text the first time it comes (a date repeats on row after row and is voted
    on once); at most ``keep`` remembered, so a big file's dates are not all held."""
    seen: set[str] = set()
    for text in texts:
        if text not in seen:
            if len(seen) >= keep:
                seen.clear()
            seen.add(text)
            yield text


def resolve_date_order(
    sales: SalesFile, mapping: dict[str, str], choice: str | None, setting: str | None
) -> tuple[str, str, str]:
    """``(order, source, example)``: the user's choice, else the file's, else the setting.

    Raises ``UnreadableSalesFile`` when the file holds both 14/03 and 03/14
    dates and nobody said which order to read.
    """
    if choice:
        if choice not in DATE_ORDERS:
            raise UnreadableSalesFile(
                f"“{choice}” is not a date order. Use dmy (day first), mdy (month first) or "
                "ymd (year first)."
            )
        return choice, "choice", ""
    columns = [
        sales.headers.index(mapping[n])
        for n in ("order_date", "event_date")
        if mapping.get(n) in sales.headers
    ]
    votes = date_order_votes(
        _once(cells[i] for _, cells in sales.rows for i in columns if i < len(cells))
    )
    if len(votes) == 2:
        raise UnreadableSalesFile(
            f"{sales.name} has dates written day first ({votes['dmy']}) and month first "
            f"({votes['mdy']}). Say which order to read (--date-order dmy or mdy, or the "
            "date order in the import window) and import it again."
        )
    order = setting if setting in DATE_ORDERS else "mdy"
    if "ambiguous" in votes:
        return order, "setting", votes["ambiguous"]
    if votes:
        ((order, example),) = votes.items()
        return order, "file", example
    return order, "none", ""


def _columns(sales: SalesFile, mapping: dict[str, str]) -> dict[str, int]:
    return {
        name: sales.headers.index(column)
        for name, column in mapping.items()
        if column in sales.headers
    }


def excel_checks(sales: SalesFile, mapping: dict[str, str]) -> dict[str, ExcelCheck]:
    """What the file's barcode and ticket number columns say about Excel's damage."""
    columns = _columns(sales, mapping)
    return {
        name: ExcelCheck.of(_number_codes(sales.rows, columns[name]))
        for name in ("barcode", "ticket_id")
        if name in columns
    }


def _number_codes(rows: Iterable[tuple[int, list[str]]], index: int) -> Iterator[str]:
    """The codes of one column that are numbers (all ``ExcelCheck.of`` looks at), as
    ``_split_list`` reads them. A cell of letters and digits alone is one code, read as
    it is in capitals, which is a number only when the cell is: no need to read it."""
    for _, cells in rows:
        if index < len(cells):
            cell = cells[index]
            if cell.isalnum():
                if cell.isdigit():
                    yield cell
                continue
            yield from _split_list(cell)


#: the first cell of a totals row a spreadsheet or export adds under the sales
_TOTALS = frozenset(
    fold(word)
    for word in ("total", "totals", "grand total", "sum", "subtotal", "summe", "gesamt")
    + ("gesamtsumme", "totaal", "totale", "totalt", "yhteensä", "total général")
)
TOTALS_ROW = "This is the file's totals row, not a sale: it is left out."


def _is_totals_row(raw: list[str], cells: _Cells) -> bool:
    """A row whose first filled cell (or order number) says "Total" and that has no
    order date: the sum a spreadsheet or an export writes under the sales."""
    if cells["order_date"]:
        return False
    first = next((cell.strip() for cell in raw if cell.strip()), "")
    words = {fold(text.strip().rstrip(":").strip()) for text in (first, cells["order_id"])}
    return bool(words & _TOTALS)


def read_rows(sales: SalesFile, mapping: dict[str, str], reading: Reading, excel: dict):
    """Each row read and checked, one at a time, in the file's order:
    ``("row", SaleRow)``, ``("rejected", number, order id, reason)``,
    ``("not_sold", number, order id, codes, status)`` (refunded or cancelled) or
    ``("left_out", number, reason)`` (a totals row)."""
    columns = _columns(sales, mapping)
    last = max(columns.values(), default=-1)
    headers = sales.headers
    for number, raw in sales.rows:
        if not any(map(str.strip, raw)):
            continue  # a blank line is not a sale
        cells = _Cells(raw, columns, last)
        if not cells["order_date"] and _is_totals_row(raw, cells):
            yield ("left_out", number, TOTALS_ROW)
            continue
        order_id = cells["order_id"]
        try:
            _check_lengths(raw, headers)
            row = _read_row(number, cells, reading, excel)
        except ValueProblem as problem:
            yield ("rejected", number, order_id, str(problem))
            continue
        if row is not None:
            yield ("row", row)
        else:
            yield ("not_sold", number, order_id, _split_list(cells["barcode"]), cells["status"])


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


class OrderSpool:
    """The file's readable rows, grouped by order, in a private temporary SQLite
    database (removed when closed): a big file's orders are planned and sold a chunk
    at a time without holding the whole file in memory. A file of at most
    ``in_memory`` rows keeps its read rows, their orders and plans in memory
    (quicker: nothing to write out and read back), in the same order."""

    def __init__(self, in_memory: bool = False) -> None:
        self.in_memory = in_memory
        self._rows: dict[int, SaleRow] = {}
        #: in memory: order id -> [its earliest order moment, its first row, its rows]
        self._orders: dict[str, list] = {}
        #: in memory: (order id, its rows) in selling order, once queued
        self._queue: list[tuple[str, list[int]]] = []
        self._count = 0
        self._plans: list[list[OrderPlan]] = []
        self.db = sqlite3.connect("", check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=OFF")
        if not in_memory:
            self.db.execute(
                "CREATE TABLE sale_rows (number INTEGER PRIMARY KEY, order_id TEXT, "
                "ordered INTEGER, codes TEXT, row BLOB)"
            )
            self.db.execute("CREATE TABLE codes (code TEXT PRIMARY KEY, number INTEGER)")
        self._pending: list[tuple] = []
        self._planned = 0
        self._last: tuple = (None, 0)

    def add(self, row: SaleRow) -> None:
        at = row.ordered.at
        if at is not self._last[0]:  # an order's rows share their moment
            self._last = (at, (at - _EPOCH) // _MICROSECOND)
        ordered = self._last[1]
        self._count += 1
        if self.in_memory:
            self._rows[row.row] = row
            held = self._orders.get(row.order_id)
            if held is None:
                self._orders[row.order_id] = [ordered, row.row, [row.row]]
            else:
                held[0] = min(held[0], ordered)
                held[1] = min(held[1], row.row)
                held[2].append(row.row)
            return
        kept = pickle.dumps(row, 5)
        self._pending.append((row.row, row.order_id, ordered, "\x1f".join(row.codes), kept))
        if len(self._pending) >= 2000:
            self.flush()

    def flush(self) -> None:
        if self._pending:
            self.db.executemany("INSERT INTO sale_rows VALUES (?, ?, ?, ?, ?)", self._pending)
        self._pending = []

    def _with_codes(self) -> Iterator[tuple[int, str, list[str]]]:
        """``(row, order id, codes)`` of every row holding a code, in the file's order."""
        if self.in_memory:
            rows = self._rows
            for number in sorted(rows):
                row = rows[number]
                if row.codes:
                    yield number, row.order_id, row.codes
            return
        for number, order_id, codes in self.db.execute(
            "SELECT number, order_id, codes FROM sale_rows WHERE codes != '' ORDER BY number"
        ):
            yield number, order_id, codes.split("\x1f")

    def duplicate_codes(
        self, bad_orders: dict[str, int], tick: Callable[[int], None] | None = None
    ) -> list[tuple[int, str, str, int]]:
        """``(row, order id, code, earlier row)`` for each row (of an order not already
        held back) holding a barcode an earlier such row holds; it holds its order back.
        ``tick(rows compared)`` every ``PROGRESS_ROWS`` rows."""
        found = []
        look = self.db.cursor()
        # a file held in memory keeps its codes in a dict (a query per row cost more
        # than the rest of this pass); a big one in the database
        held: dict[str, int] | None = {} if self.in_memory else None
        for seen, (number, order_id, parts) in enumerate(self._with_codes(), 1):
            if tick is not None and seen % PROGRESS_ROWS == 0:
                tick(seen)
            if order_id in bad_orders:
                continue
            earlier = None
            for code in parts:
                if held is not None:
                    hit = (held[code],) if code in held else None
                else:
                    hit = look.execute(
                        "SELECT number FROM codes WHERE code = ?", (code,)
                    ).fetchone()
                if hit:
                    earlier = (code, hit[0])
                    break
            if earlier:
                found.append((number, order_id, *earlier))
                bad_orders.setdefault(order_id, number)
                continue
            if held is not None:
                for code in parts:
                    held.setdefault(code, number)  # as INSERT OR IGNORE: the first row stays
            else:
                look.executemany(
                    "INSERT OR IGNORE INTO codes VALUES (?, ?)", [(c, number) for c in parts]
                )
        return found

    def rows(self) -> int:
        """How many readable rows the spool holds."""
        if self.in_memory:
            return self._count
        return self.db.execute("SELECT COUNT(*) FROM sale_rows").fetchone()[0]

    def queue(self) -> int:
        """Number the orders as they are to be sold (oldest order first, then the one
        with the first row); their count."""
        if self.in_memory:
            by_first = sorted(self._orders.items(), key=lambda item: (item[1][0], item[1][1]))
            self._queue = [(order_id, sorted(held[2])) for order_id, held in by_first]
            self._orders.clear()
            return len(self._queue)
        self.db.execute("CREATE TABLE orders (seq INTEGER PRIMARY KEY, order_id TEXT UNIQUE)")
        self.db.execute(
            "INSERT INTO orders (order_id) SELECT order_id FROM sale_rows GROUP BY order_id "
            "ORDER BY MIN(ordered), MIN(number)"
        )
        self.db.execute("CREATE INDEX sale_rows_by_order ON sale_rows (order_id, number)")
        return self.db.execute("SELECT COUNT(*) FROM orders").fetchone()[0]

    def orders(self, first: int, last: int) -> list[tuple[int, str, list[SaleRow]]]:
        """``(seq, order id, rows)`` of the orders numbered ``first`` to ``last``."""
        if self.in_memory:
            rows, first = self._rows, max(first, 1)
            return [
                (seq, order_id, [rows.pop(number) for number in numbers])
                for seq, (order_id, numbers) in enumerate(self._queue[first - 1 : last], first)
            ]
        found: dict[int, tuple[int, str, list[SaleRow]]] = {}
        for seq, order_id, row in self.db.execute(
            "SELECT o.seq, o.order_id, r.row FROM orders o JOIN sale_rows r "
            "ON r.order_id = o.order_id WHERE o.seq BETWEEN ? AND ? ORDER BY o.seq, r.number",
            (first, last),
        ):
            found.setdefault(seq, (seq, order_id, []))[2].append(pickle.loads(row))
        return list(found.values())

    def keep_plans(self, planned: list[list[OrderPlan]]) -> None:
        """Keep the planned orders that can be sold, in selling order."""
        if not planned:
            return
        if self.in_memory:
            self._plans += planned
            self._planned += len(planned)
            return
        if not self._planned:
            self.db.execute("CREATE TABLE planned (seq INTEGER PRIMARY KEY, plans BLOB)")
        self.db.executemany(
            "INSERT INTO planned (seq, plans) VALUES (?, ?)",
            [(self._planned + n, pickle.dumps(plans, 5)) for n, plans in enumerate(planned, 1)],
        )
        self._planned += len(planned)

    @property
    def planned(self) -> int:
        return self._planned

    def plans(self, first: int, last: int) -> list[list[OrderPlan]]:
        """The planned orders numbered ``first`` to ``last``."""
        if self.in_memory:
            return self._plans[first - 1 : last]
        return [
            pickle.loads(plans)
            for (plans,) in self.db.execute(
                "SELECT plans FROM planned WHERE seq BETWEEN ? AND ? ORDER BY seq", (first, last)
            )
        ]

    def rehearsed(self) -> MutableMapping[UUID, object]:
        """Where a dry run keeps what it rehearsed between chunks (patrons and their
        contact keys a later order may find again), out of memory."""
        return _Rehearsed(self.db)

    def close(self) -> None:
        self.db.close()


class _Rehearsed(MutableMapping):
    """Aggregates a dry run set aside, pickled into the spool's database."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        db.execute("CREATE TABLE IF NOT EXISTS rehearsed (id BLOB PRIMARY KEY, aggregate BLOB)")

    def __getitem__(self, key: UUID) -> object:
        found = self.db.execute(
            "SELECT aggregate FROM rehearsed WHERE id = ?", (key.bytes,)
        ).fetchone()
        if found is None:
            raise KeyError(key)
        return pickle.loads(found[0])

    def __contains__(self, key: object) -> bool:
        return isinstance(key, UUID) and bool(
            self.db.execute("SELECT 1 FROM rehearsed WHERE id = ?", (key.bytes,)).fetchone()
        )

    def __setitem__(self, key: UUID, aggregate: object) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO rehearsed VALUES (?, ?)",
            (key.bytes, pickle.dumps(aggregate, 5)),
        )

    def __delitem__(self, key: UUID) -> None:
        if not self.db.execute("DELETE FROM rehearsed WHERE id = ?", (key.bytes,)).rowcount:
            raise KeyError(key)

    def __iter__(self) -> Iterator[UUID]:
        for (key,) in self.db.execute("SELECT id FROM rehearsed"):
            yield UUID(bytes=key)

    def __len__(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM rehearsed").fetchone()[0]


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
    still_valid = [t for t in tickets if t and t.status == "valid"]
    imported = bool(still_valid) or (not codes and order_exists(app, REFERENCE_PREFIX + order_id))
    if imported:
        return (
            f"This ticket is marked “{status}” in the file, but it was imported earlier and "
            f"is still valid in Houselights. Refund order {order_id} at the box office so it "
            "no longer scans at the door."
        )
    return f"This ticket is marked “{status}” in the file (no longer sold), so it is not imported."


def _event_from_item(text: str, pattern: re.Pattern) -> tuple[str, str, str]:
    match = pattern.search(text)
    groups = match.groupdict() if match else {}
    if not groups.get("event") or not groups.get("date"):
        raise ValueProblem(
            f"The item name “{text[:80]}” does not show the event and its date the way the "
            "item pattern expects. Adjust the item pattern (--item-pattern) to your item "
            "names, e.g. (?P<event>.+) - (?P<date>.+)."
        )
    return clean_text(groups["event"]), groups["date"].strip(), (groups.get("time") or "").strip()


@lru_cache(maxsize=65536)  # a buyer's rows repeat their name and contacts
def _person(
    first: str, last: str, full: str, email: str, phone: str, postal: str, who: str
) -> Person:
    if not first and not last and full:
        first, last = _split_name(full)
    email = normalize_email(email)
    for problem in check_email(email) + check_phone(phone):
        raise ValueProblem(problem.message)
    if not first and not last and (email or phone):
        raise ValueProblem(
            f"The {who}'s name is empty. Add a first or last name, so the sale can go on "
            "their record."
        )
    return (first, last, email, phone, postal)


def _same_person(a: Person, b: Person) -> bool:
    """The attendee is the buyer: same name, and no different email or phone."""
    if fold(f"{a[0]} {a[1]}") != fold(f"{b[0]} {b[1]}"):
        return False
    return all(not x or not y or x == y for x, y in ((a[2], b[2]), (a[3], b[3])))


#: the attendee's cells of a row, read together
_ATTENDEE_FIELDS = tuple(
    f"attendee_{n}" for n in ("first_name", "last_name", "full_name", "email", "phone")
)
_attendee_cells = itemgetter(*_ATTENDEE_FIELDS)
#: a column nobody checked for Excel's damage (only scientific notation is refused)
_UNCHECKED = ExcelCheck()


def _read_row(number: int, cells: _Cells, reading: Reading, excel: dict) -> SaleRow | None:
    order_id = cells["order_id"]
    if not order_id:
        raise ValueProblem("The order number is empty.")
    if _SCIENTIFIC.match(order_id):
        raise ValueProblem(ExcelCheck().problem(order_id, "order number"))
    status = cells["status"]
    if status:
        status = status.casefold()
        if any(word in status for word in _NOT_SOLD):
            return None
    local = reading.local
    if cells["timezone"]:
        try:
            local = _zone(cells["timezone"])
        except ValueProblem as problem:
            raise ValueProblem(str(problem)) from None
    order = reading.date_order
    if reading.excel_dates:  # each cell read as Excel's date in turn (each may be refused)
        order_text = reading.excel_date(cells["order_date"])
        ordered = _moment(order_text, local, False, "order date", order)
        event_text = reading.excel_date(cells["event_date"])
        time_text = reading.excel_date(cells["event_time"])
    else:
        ordered = _moment(cells["order_date"], local, False, "order date", order)
        event_text, time_text = cells["event_date"], cells["event_time"]
    event_name = cells["event_name"]
    if cells["item_name"] and reading.item_pattern is not None and not (event_name and event_text):
        event_name, event_text, item_time = _event_from_item(
            cells["item_name"], reading.item_pattern
        )
        time_text = time_text or item_time
    if not event_name:
        raise ValueProblem("The event name is empty.")
    event = _moment(event_text, local, False, "event date", order)
    if time_text:
        event = with_time(event, time_text)
    buyer = _person(
        cells["first_name"],
        cells["last_name"],
        cells["full_name"],
        cells["email"],
        cells["phone"],
        cells["postal_code"],
        "buyer",
    )
    attendee = None
    names = _attendee_cells(cells)
    if any(names):
        first, last, full, email, phone = names
        attendee = _person(first, last, full, email, phone, "", "attendee")
        if not any(buyer[:4]):
            buyer, attendee = attendee, None  # nobody else named: the attendee bought it
        elif _same_person(attendee, buyer):
            attendee = None
    quantity = _quantity(cells["quantity"])
    return SaleRow(
        number,
        order_id,
        ordered,
        buyer,
        attendee,
        event_name,
        event,
        cells["ticket_type"] or DEFAULT_TICKET_TYPE,
        _price(cells["price"]),
        quantity,
        _codes(cells["barcode"], quantity, excel.get("barcode", _UNCHECKED)),
        _codes(cells["ticket_id"], quantity, excel.get("ticket_id", _UNCHECKED), "ticket number"),
        _price(cells["fees"]),
        _price(cells["order_total"]) if cells["order_total"] else None,
    )


# -- planning orders --------------------------------------------------------------
def _performance_key(row: SaleRow) -> tuple:
    event = row.event
    return _key_of(row.event_name, event, event.at.tzinfo)


@lru_cache(maxsize=4096)  # a performance's rows repeat its name and date
def _key_of(event_name: str, event: Moment, where: tzinfo) -> tuple:
    """``where`` (the moment's zone) is part of the cache's key: two moments in
    different zones are equal when they are the same instant."""
    at = event.at
    return (
        fold(event_name),
        at.date(),
        f"{at.hour:02d}:{at.minute:02d}" if event.has_time else None,  # %H:%M
        at.tzinfo,
    )


#: an export repeats its dates, prices and quantities on row after row: read each once
#: (a ValueProblem is not cached, so every bad cell gets its own reason)
_moment = lru_cache(maxsize=65536)(parse_moment)
_price = lru_cache(maxsize=4096)(parse_price)
_quantity = lru_cache(maxsize=256)(parse_quantity)
_zone = lru_cache(maxsize=256)(zone)

#: uuid5 of a code or reference is asked for several times per ticket and order
_ticket_uuid = lru_cache(maxsize=65536)(ticket_id)
_order_uuid = lru_cache(maxsize=65536)(order_id_for)


def derived_code(*parts: str) -> str:
    """A Houselights code that is the same whenever the same ticket is imported.

    For tickets the service gave no barcode: derived from the service, the order
    and the service's ticket number (or the ticket's place in the order), so a
    second import of the ticket finds it instead of issuing another.
    """
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    number = int.from_bytes(digest[:16], "big")
    body = ""
    for _ in range(RANDOM_LENGTH):
        number, digit = divmod(number, len(ALPHABET))
        body += ALPHABET[digit]
    return body + _check_symbol(body)


def place_code(service: str, order_id: str, key: tuple, position: int) -> str:
    """The code of the ticket at ``position`` in its order at one performance, for an
    export that names neither a barcode nor a ticket number."""
    where = f"{key[0]}|{key[1]}|{key[2]}"
    return derived_code(service, order_id, "place", where, str(position))


def _spread(total: int, count: int) -> list[int]:
    """``total`` cents over ``count`` tickets; the first ones take the remainder's cents."""
    if count <= 1:
        return [total] if count == 1 else []
    share, extra = divmod(total, count)
    return [share + (1 if i < extra else 0) for i in range(count)]


def _one_value(values: list[int | None], what: str, order_id: str) -> int:
    given = {v for v in values if v is not None}
    if len(given) > 1:
        amounts = ", ".join(f"{v / 100:.2f}" for v in sorted(given))
        raise ValueProblem(
            f"The rows of order {order_id} give different {what}s ({amounts}); an order has "
            f"one {what}. Correct the file and import it again."
        )
    return given.pop() if given else 0


def plan_order(order_id: str, rows: list[SaleRow], service: str) -> list[OrderPlan]:
    """The order's tickets, one plan per performance, with net prices and codes.

    Raises ``ValueProblem`` when its money does not add up.
    """
    by_performance: dict[tuple, list[SaleRow]] = {}
    for row in rows:
        by_performance.setdefault(_performance_key(row), []).append(row)
    count = sum(r.quantity for r in rows)
    with_total = [r for r in rows if r.order_total is not None]
    if with_total:
        total = _one_value([r.order_total for r in rows], "order total", order_id)
        fees = _one_value([r.fees_cents or None for r in rows], "fee", order_id)
        if fees > total:
            raise ValueProblem(
                f"The fees ({fees / 100:.2f}) of order {order_id} are more than its total "
                f"({total / 100:.2f})."
            )
        prices = iter(_spread(total - fees, count))
    else:
        prices = None
    plans = []
    for key, plan_rows in by_performance.items():
        plan = OrderPlan(order_id, plan_rows, key)
        position = 0
        for row in plan_rows:
            if prices is None:
                gross = row.price_cents * row.quantity
                if row.fees_cents > gross:
                    raise ValueProblem(
                        f"The fees ({row.fees_cents / 100:.2f}) on row {row.row} are more than "
                        f"its price ({gross / 100:.2f})."
                    )
                cents = _spread(gross - row.fees_cents, row.quantity)
            else:
                cents = [next(prices) for _ in range(row.quantity)]
            for index in range(row.quantity):
                if row.codes:
                    code, kind = row.codes[index], "barcode"
                elif row.ticket_ids:
                    code = derived_code(service, order_id, "ticket", row.ticket_ids[index])
                    kind = "ticket"
                else:
                    code, kind = place_code(service, order_id, key, position), "place"
                position += 1
                plan.seats.append(Seat(row.ticket_type, cents[index], code, row.attendee, kind))
        plans.append(plan)
    return plans


# -- the import -------------------------------------------------------------------
class SalesImport:
    """One run of an import (or dry run) against one application."""

    def __init__(self, app, local: tzinfo, service: str, default_capacity: int = DEFAULT_CAPACITY):
        self.app = app
        self.local = local
        self.service = service
        self.default_capacity = default_capacity
        self.tally = _Tally()
        self.performances: dict[tuple, str] = {}
        self.file_tickets: dict[tuple, int] = {}
        self.file_levels: dict[tuple, dict[str, int]] = {}
        self.known: list[tuple[str, datetime, str]] = []  # folded title, start, id
        self.productions: dict[str, str] = {}
        #: people already found or registered in this run: email/phone/name -> patron id
        self.people: dict[tuple, str] = {}
        #: ids of the chunk's orders and tickets already in the store (one query a chunk)
        self.stored: set[UUID] = set()
        #: what the order being sold noted (people, patrons counted), undone if it fails
        self._journal: list[tuple] = []
        #: the patrons noted in the tally's sets since the chunk began (emptied as each
        #: begins, before its save point): a redo takes them out again
        self._chunk_noted: list[tuple[set, str]] = []
        #: the ids asked about that are not in the store (read as missing without asking)
        self.absent: set[UUID] = set()
        #: after a conflict with another workstation: read every order and ticket instead
        self.careful = False
        #: patrons, performances and contact keys saved by this run, for reading again
        self.keep: dict = {}
        #: id() of a plan of the chunk -> (the plan, its performance, its order's id and
        #: its two pre-issue-16 ids), as ``_prefetch`` worked them out for its query
        self._planned: dict[int, tuple[OrderPlan, str, UUID, list[UUID]]] = {}
        #: a person of the file -> the ids of their contact keys
        self._person_keys: dict[Person, list[UUID]] = {}
        #: the store's performances and productions, read for ``load_store``
        self.schedule = ScheduleReading(app)

    # reading what the store already holds
    def load_store(self) -> None:
        """Every performance's title and start, and every production's title.

        Read from the scheduling, creating and renaming events alone
        (``imports/stored_schedule.py``): an office with a long history does not replay
        every sale of every performance to import a file.
        """
        performances: dict[UUID, list] = {}
        titles: dict[UUID, str] = {}
        scheduled = Performance.Scheduled  # type: ignore[attr-defined]  # made by @event
        rescheduled = Performance.Rescheduled  # type: ignore[attr-defined]  # made by @event
        for event in self.schedule.events():
            if isinstance(event, scheduled):
                performances[event.originator_id] = [fold(event.title), event.starts_at]
            elif isinstance(event, rescheduled):
                if event.originator_id in performances:
                    performances[event.originator_id][1] = event.starts_at
            else:  # a production created or renamed
                titles[event.originator_id] = fold(event.title)
        self.known = [
            (title, starts_at, str(performance_id))
            for performance_id, (title, starts_at) in performances.items()
        ]
        for production_id, title in titles.items():
            self.productions.setdefault(title, str(production_id))

    # performances
    def _find_performance(self, key: tuple) -> str | None:
        title, day, clock, where = key
        found = []
        for known_title, starts_at, performance_id in self.known:
            if known_title != title:
                continue
            local = starts_at.astimezone(where)
            same_time = clock is None or local.strftime("%H:%M") == clock
            if local.date() == day and same_time:
                found.append(performance_id)
        if len(found) > 1 and clock is None:
            raise HouselightsError(
                f"There are {len(found)} performances of this event on {date_mark(day)}. "
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
        key = plan.performance_key
        if key[2] is None:
            raise HouselightsError(
                f"The event date “{date_mark(first.event.day)}” has no start time, and "
                f"Houselights has no performance of {first.event_name} that day. Add the time "
                "to the file, or schedule the performance first."
            )
        production_id = self.productions.get(key[0])
        if production_id is None:
            production_id = self.app.create_production(first.event_name, occurred_at=plan.ordered)
            self.productions[key[0]] = production_id
        capacity = max(self.file_tickets.get(key, 0), self.default_capacity)
        performance_id = self.app.schedule_performance(
            production_id,
            first.event.at,
            capacity,
            self.file_levels[key],
            title=first.event_name,
            occurred_at=plan.ordered,
        )
        self.known.append((key[0], first.event.at, performance_id))
        self.tally.performances_created += 1
        return performance_id

    # patrons
    def _patron_for(self, person: Person, when: datetime, attendee: bool = False) -> str | None:
        first, last, email, phone, postal = person
        if not (first or last or email or phone):
            return None  # an anonymous sale: counted as a lost contact
        keys: list[tuple[str, ...]] = []
        if email:
            keys.append(("email", email))
        if phone:
            keys.append(("phone", phone))
        if postal:
            keys.append(("name", fold(clean_text(f"{first} {last}")), fold(postal)))
        for key in keys:
            if key in self.people:
                return self._count(self.people[key], attendee)
        matches = []
        if email:
            matches = self.app.find_contact_matches(email=email)
        if not matches and phone:
            matches = self.app.find_contact_matches(phone=phone)
        if not matches and postal:
            matches = self.app.find_name_matches(first, last, postal)
        if matches:  # (a person not met yet in this file: the name folded only now)
            name = keys[-1][1] if postal else fold(clean_text(f"{first} {last}"))
            best = next((m for m in matches if fold(m.name) == name), matches[0])
            patron_id = best.id
            if patron_id not in self.tally.created:
                self._note(self.tally.matched, patron_id)
        else:
            patron_id = self.app.register_patron(
                first,
                last,
                email=email,
                phone=phone,
                address={"postal_code": postal} if postal else None,
                source="import",
                occurred_at=when,
                allow_duplicate=True,
            )
            self._note(self.tally.created, patron_id)
        for key in keys:
            self.people[key] = patron_id
            self._journal.append((self.people, key))
        return self._count(patron_id, attendee)

    def _count(self, patron_id: str, attendee: bool) -> str:
        if attendee:
            self._note(self.tally.attendees, patron_id)
        return patron_id

    def _note(self, found: set, patron_id: str) -> None:
        if patron_id not in found:
            found.add(patron_id)
            self._journal.append((found, patron_id))
            self._chunk_noted.append((found, patron_id))

    def _forget_order(self, tickets: int) -> None:
        """Undo what a rejected order noted: its patrons were rolled back with it."""
        for holder, key in reversed(self._journal):
            if isinstance(holder, dict):
                holder.pop(key, None)
            else:
                holder.discard(key)
        self._journal.clear()
        self.tally.tickets = tickets

    # orders
    def _reference(self, order_id: str, performance_id: str) -> str:
        return f"{REFERENCE_PREFIX}{self.service}:{order_id}@{performance_id}"

    def _legacy(self, plan: OrderPlan) -> list[str]:
        key = plan.performance_key
        when = f"{key[1].isoformat()}T{key[2] or ''}"
        return [
            REFERENCE_PREFIX + plan.order_id,
            f"{REFERENCE_PREFIX}{plan.order_id}:{key[0]}:{when}",
        ]

    def _in_store(self, aggregate_id: UUID) -> bool:
        if self.careful:
            try:
                self.app.repository.get(aggregate_id)
            except AggregateNotFoundError:
                return False
            return True
        return aggregate_id in self.stored

    def _ticket(self, code: str) -> TicketInfo | None:
        if self.careful or _ticket_uuid(code) in self.stored:
            return self.app.get_ticket(code)
        return None

    def _prefetch(self, chunk: list[list[OrderPlan]]) -> None:
        """Ask the store once which of the chunk's orders and tickets it holds."""
        ids = []
        self._planned.clear()
        with self.app.batch(size=10**9, keep=self.keep):
            # the chunk's new productions and performances, saved together: one commit
            # each cost a disk flush (30 performances: 0.4 s at the design size)
            found: dict[int, str] = {}
            for plans in chunk:
                for plan in plans:
                    with contextlib.suppress(HouselightsError):  # rejected with its order
                        found[id(plan)] = self._performance_for(plan)
        for plans in chunk:
            for plan in plans:
                performance_id = found.get(id(plan))
                if performance_id is None:
                    continue
                order = _order_uuid(self._reference(plan.order_id, performance_id))
                legacy = [_order_uuid(reference) for reference in self._legacy(plan)]
                self._planned[id(plan)] = (plan, performance_id, order, legacy)
                ids.append(order)
                ids += legacy
                ids += [_ticket_uuid(seat.code) for seat in plan.seats]
                people = {plan.rows[0].buyer} | {s.attendee for s in plan.seats if s.attendee}
                for person in people:
                    ids += self._key_ids(person)
        self.stored = self.app.stored_ids(ids)
        self.absent.clear()  # the same set the batch or rehearsal holds
        self.absent.update(set(ids) - self.stored)

    def _key_ids(self, person: Person) -> list[UUID]:
        """The ids of a person's contact keys (worked out once per person of the file:
        a buyer of many orders is asked about in every chunk they buy in)."""
        found = self._person_keys.get(person)
        if found is None:
            first, last, email, phone, postal = person
            keys = contact_keys(email, phone)
            if postal:
                keys.append(name_postal_key(first, last, postal))
            found = [ContactKey.key_id(key) for key in keys if key]
            if len(self._person_keys) >= KEEP_PEOPLE:
                self._person_keys.clear()
            self._person_keys[person] = found
        return found

    def _legacy_exists(
        self, plan: OrderPlan, performance_id: str, legacy: list[UUID] | None = None
    ) -> bool:
        """An order imported before issue 16 (reference without the service);
        ``legacy``: the ids of its two references, when known."""
        if legacy is None:
            legacy = [_order_uuid(reference) for reference in self._legacy(plan)]
        for order_uuid in legacy:
            if not self._in_store(order_uuid):
                continue
            try:
                order = self.app.repository.get(order_uuid)
            except AggregateNotFoundError:
                continue
            if isinstance(order, Order) and order.performance_id == performance_id:
                return True
        return False

    def _prepare(self, plan: OrderPlan) -> tuple[str, str, list[Seat], bool, list] | None:
        """``(performance, reference, seats still to sell, completing, codes to attach)``,
        None when all are in. ``codes to attach`` pairs a stored ticket known so far by
        its place in the order with the file's ticket that names it (its barcode).

        Raises ``HouselightsError`` when the plan cannot be sold.
        """
        known = None if self.careful else self._planned.get(id(plan))
        if known is not None and known[0] is plan:
            _, performance_id, order_uuid, legacy = known  # as the chunk's query asked
            reference = self._reference(plan.order_id, performance_id)
        else:
            performance_id, legacy = self._performance_for(plan), None
            reference = self._reference(plan.order_id, performance_id)
            order_uuid = _order_uuid(reference)
        seats, completing, attach = plan.seats, False, []
        own_orders: set[str] = set()  # besides this order itself
        if self._in_store(order_uuid):
            completing = True
            seats = []
            for seat in plan.seats:
                if not self.careful:
                    # The one query said whether it is in the store: a stored ticket is
                    # in, a missing one is to sell (nobody else has its code either).
                    if _ticket_uuid(seat.code) not in self.stored:
                        seats.append(seat)
                    continue
                ticket = self.app.get_ticket(seat.code)
                if ticket is None:
                    seats.append(seat)
                else:
                    own_orders.add(ticket.order_id)
            seats, attach = self._from_other_exports(plan, reference, seats)
            if not seats and not attach:
                return None
            if seats:
                reference = f"{reference}+{seats[0].code}"
        elif self._legacy_exists(plan, performance_id, legacy):
            return None
        for seat in seats:
            ticket = self._ticket(seat.code)
            if (
                ticket is not None
                and ticket.order_id not in own_orders
                and ticket.order_id != str(order_uuid)
            ):
                raise HouselightsError(
                    f"Barcode {seat.code} already belongs to another ticket in Houselights."
                )
        return performance_id, reference, seats, completing, attach

    def _from_other_exports(self, plan: OrderPlan, reference: str, missing: list[Seat]):
        """``(seats still to sell, codes to attach)`` once tickets another export of
        the same service brought in under other codes are counted as the same tickets.

        Eventbrite's attendee report names each ticket (barcode, attendee number);
        its Orders export only says how many an order has, so its tickets are known
        by their place in the order. Importing both must not double the order: a
        ticket known by its place is one of the order's stored tickets the file does
        not name, and a named ticket is one of the stored tickets known only by place.
        Such a stored ticket, still valid and not yet used, is given the file's code
        (``(its code, the seat)`` to attach): the service's barcode is the one on the
        patron's ticket. A ticket already used or refunded keeps its code (noted).
        """
        if not missing:
            return missing, []
        try:
            order = self.app.repository.get(_order_uuid(reference))
        except AggregateNotFoundError:
            return missing, []
        if not isinstance(order, Order):
            return missing, []
        named = {seat.code for seat in plan.seats}
        unmatched = [code for code in order.codes if code not in named]
        if not unmatched:
            return missing, []
        places = {
            place_code(self.service, plan.order_id, plan.performance_key, position)
            for position in range(len(order.codes) + len(plan.seats))
        }
        by_place = [code for code in unmatched if code in places]
        by_name = len(unmatched) - len(by_place)
        placed = []
        for code in by_place:
            ticket = self._stored_ticket(code)
            if ticket is not None and ticket.status == Ticket.REPLACED:
                continue  # already given its code: that ticket is named in the file
            placed.append((code, ticket))
        left, attach = [], []
        for seat in missing:
            if seat.kind == "place" and by_name:
                by_name -= 1
            elif seat.kind != "place" and placed:
                code, ticket = placed.pop(0)
                if ticket is not None and ticket.unused:
                    attach.append((code, seat))
                else:
                    self.tally.left_out.append(
                        {
                            "row": plan.rows[0].row,
                            "reason": (
                                f"Ticket {code} of order {plan.order_id} was already used or "
                                f"refunded under its Houselights code, so barcode {seat.code} "
                                "is not attached to it."
                            ),
                        }
                    )
            else:
                left.append(seat)
        return left, attach

    def _stored_ticket(self, code: str) -> Ticket | None:
        try:
            ticket = self.app.store.get(_ticket_uuid(code))
        except AggregateNotFoundError:
            return None
        return ticket if isinstance(ticket, Ticket) else None

    def _sell_order(self, plans: list[OrderPlan]) -> None:
        """Every performance of one order, or none of them."""
        prepared = [(plan, self._prepare(plan)) for plan in plans]
        wanted: dict[str, int] = {}
        for _, ready in prepared:
            if ready:
                wanted[ready[0]] = wanted.get(ready[0], 0) + len(ready[2])
        for performance_id, count in wanted.items():
            performance = self.app.box_office.performance(performance_id)
            if count > performance.available:
                left = performance.available
                raise HouselightsError(
                    f"{performance.title} has {max(left, 0)} seats left and this order has "
                    f"{count} tickets. Raise the performance's capacity, then import the "
                    "file again."
                )
        if not any(ready for _, ready in prepared):
            self.tally.already_imported += 1
            return
        completed = False
        for plan, ready in prepared:
            if ready is None:
                continue
            performance_id, reference, seats, completing, attach = ready
            completed = completed or completing
            if seats:
                self._sell(plan, performance_id, reference, seats, known_new=not completing)
            self._attach(plan, attach)
        if completed:
            self.tally.completed += 1
        else:
            self.tally.imported += 1

    def _sell(
        self,
        plan: OrderPlan,
        performance_id: str,
        reference: str,
        seats: list[Seat],
        known_new: bool = False,
    ) -> None:
        ordered_at = plan.ordered  # (the earliest of its rows: worked out once)
        buyer = self._patron_for(plan.rows[0].buyer, ordered_at)
        levels: dict[str, list[Seat]] = {}
        for seat in seats:
            levels.setdefault(seat.level, []).append(seat)
        ordered = [seat for level in levels.values() for seat in level]
        holders = []
        for seat in ordered:
            holder = (
                self._patron_for(seat.attendee, ordered_at, attendee=True)
                if seat.attendee
                else None
            )
            holders.append(holder if holder != buyer else None)
        cents = [seat.cents for seat in ordered]
        free = not any(cents)
        if known_new and not self.careful:
            # The bulk path: the chunk's one query found no such order; the batch
            # saves it with the rest of the chunk in one transaction.
            self.app.box_office.sell_imported(
                performance_id,
                {level: len(s) for level, s in levels.items()},
                reference,
                [seat.code for seat in ordered],
                patron_id=buyer,
                holders=holders if any(holders) else None,
                ticket_cents=None if free else cents,
                payment="complimentary" if free else "card",
                channel="online",
                occurred_at=ordered_at,
            )
            self.tally.tickets += len(seats)
            return
        self.app.sell_tickets(
            performance_id,
            {level: len(s) for level, s in levels.items()},
            patron_id=buyer,
            payment="complimentary" if free else "card",
            channel="online",
            occurred_at=ordered_at,
            codes=[seat.code for seat in ordered],
            reference=reference,
            holders=holders if any(holders) else None,
            ticket_cents=None if free else cents,
            known_new=known_new and not self.careful,
        )
        self.tally.tickets += len(seats)

    def _attach(self, plan: OrderPlan, attach: list[tuple[str, Seat]]) -> None:
        """Give stored tickets the codes the file names for them, with their holders."""
        if not attach:
            return
        buyer = self._patron_for(plan.rows[0].buyer, plan.ordered)
        for code, seat in attach:
            holder = (
                self._patron_for(seat.attendee, plan.ordered, attendee=True)
                if seat.attendee
                else None
            )
            self.app.replace_ticket_code(
                code,
                seat.code,
                holder_id=holder if holder != buyer else None,
                occurred_at=plan.ordered,
            )
            self.tally.codes_attached += 1

    def _reject(self, plans: list[OrderPlan], reason: str) -> None:
        for plan in plans:
            for row in plan.rows:
                self.tally.rejected.append({"row": row.row, "reason": reason})

    def process(self, plans: list[OrderPlan]) -> None:
        """One order, at every performance, as one command: all of it or none of it."""
        self._journal.clear()
        tickets, attached = self.tally.tickets, self.tally.codes_attached
        try:
            with self.app.store.command():
                self._sell_order(plans)
        except IntegrityError:
            self._forget_order(tickets)
            self.tally.codes_attached = attached
            self._reject(plans, CONFLICT)
        except HouselightsError as error:
            self._forget_order(tickets)
            self.tally.codes_attached = attached
            self._reject(plans, str(error))

    # the whole run
    def note_file(self, plans: list[OrderPlan]) -> None:
        """Count an order's tickets and levels per performance (a performance the
        import schedules gets room for all the file's tickets)."""
        for plan in plans:
            key = plan.performance_key
            self.file_tickets[key] = self.file_tickets.get(key, 0) + plan.tickets
            levels = self.file_levels.setdefault(key, {})
            for seat in plan.seats:
                levels.setdefault(seat.level, seat.cents)

    def run(
        self,
        spool: OrderSpool,
        dry_run: bool,
        progress: Progress | None,
        cancelled: Callable[[], bool] | None,
        tapered: bool = False,
    ) -> bool:
        """Sell the spool's planned orders a chunk at a time; False when cancelled
        before the end (every chunk before it, and the orders of this one done so
        far, are saved). ``tapered``: a second process applies each chunk to the read
        models as it is saved, so the first and last chunks are smaller
        (``chunk_size``)."""
        total, done = spool.planned, 0
        report = progress or (lambda *_: None)
        report(0, total, SELLING)
        while done < total:
            if cancelled and cancelled():
                return False
            size = chunk_size(done, total - done) if tapered else CHUNK_ORDERS
            chunk = spool.plans(done + 1, done + size)
            self._forget_some()
            self._chunk_noted.clear()
            if dry_run:
                if done:
                    # What earlier chunks rehearsed: their orders and tickets are not
                    # read again (each order is sold once, a barcode twice is refused
                    # before), their patrons go to the spool; performances stay.
                    self.app.store.set_aside(keep=(Performance, Production), forget=(Order, Ticket))
                self._prefetch(chunk)
                finished = self._chunk(chunk, done, total, report, cancelled)
            else:
                saved = self._save_point()
                try:
                    self._prefetch(chunk)
                    with self.app.batch(size=10**9, keep=self.keep, absent=self.absent):
                        finished = self._chunk(chunk, done, total, report, cancelled)
                except IntegrityError:
                    # Another workstation wrote a performance, patron, order or ticket
                    # of this chunk meanwhile: nothing of it was saved. Redo it order by
                    # order, reading each from the store; each sale then retries
                    # against the other workstation's change.
                    self._restore(saved)
                    self.keep.clear()
                    self.careful = True
                    try:
                        finished = self._chunk(chunk, done, total, report, cancelled)
                    finally:
                        self.careful = False
            done += finished
            if finished < len(chunk):
                return False
        return True

    def _forget_some(self) -> None:
        """Between chunks of a big file: forget the people and patrons found so far
        when there are many (the store's contact index still finds them), so memory
        stays bounded; performances and productions are kept."""
        if len(self.people) > KEEP_PEOPLE:
            self.people.clear()
        if len(self.keep) > KEEP_PEOPLE:
            kept = {k: v for k, v in self.keep.items() if isinstance(v, Performance | Production)}
            self.keep.clear()
            self.keep.update(kept)

    def _chunk(self, chunk, done, total, report, cancelled) -> int:
        for index, plans in enumerate(chunk):
            if index and cancelled and cancelled():
                return index
            self.process(plans)
            if (done + index + 1) % 10 == 0 or done + index + 1 == total:
                report(done + index + 1, total, SELLING)
        return len(chunk)

    def _save_point(self):
        return (
            self.tally.copy(),
            dict(self.performances),
            list(self.known),
            dict(self.productions),
            dict(self.people),
        )

    def _restore(self, saved) -> None:
        self._planned.clear()  # its performances may be the ones not saved
        for found, patron_id in self._chunk_noted:  # (the save point shares the sets)
            found.discard(patron_id)
        self._chunk_noted.clear()
        tally, performances, known, productions, people = saved
        self.tally, self.performances, self.known, self.productions, self.people = (
            tally,
            performances,
            known,
            productions,
            people,
        )


def service_of(sales: SalesFile) -> str:
    """The ticketing service the file comes from: its layout, else "mapped"."""
    return sales.layout.service if sales.layout is not None else MAPPED_SERVICE


def compile_item_pattern(text: str | None) -> re.Pattern:
    """The item-name pattern (named groups ``event`` and ``date``, optional ``time``)."""
    try:
        pattern = re.compile(text or DEFAULT_ITEM_PATTERN)
    except re.error as error:
        raise UnreadableSalesFile(f"The item pattern cannot be read ({error}).") from None
    missing = {"event", "date"} - set(pattern.groupindex)
    if missing:
        raise UnreadableSalesFile(
            "The item pattern needs the named groups (?P<event>…) and (?P<date>…); it has no "
            + " and no ".join(sorted(missing))
            + "."
        )
    return pattern


def applied_beside(sales: SalesFile, dry_run: bool) -> bool:
    """Whether an import of ``sales`` has its read models brought up to date by a second
    process while it runs (``ReadModelRunner.applied_alongside``): a long file, really
    imported (a dry run saves nothing to apply)."""
    return not dry_run and sales.sale_rows() >= ALONGSIDE_ROWS


def beside_cache_kib(sales: SalesFile) -> int | None:
    """The page cache of the second process applying ``sales`` (None: the usual one,
    which keeps the pages a design-size import changes in memory). A big file's import
    runs for many minutes, with the sale setting the pace: a smaller cache keeps the
    whole command (two processes) under 500 MB for a 200 MB file."""
    return BIG_FILE_BESIDE_CACHE_KIB if sales.sale_rows() > IN_MEMORY_ROWS else None


def missing_fields(sales: SalesFile, mapping: dict[str, str]) -> list[str]:
    """Required fields without a column (an item name can stand for event and date)."""
    missing = sales.missing(mapping)
    if mapping.get("item_name"):
        missing = [name for name in missing if name not in ("event_name", "event_date")]
    return missing


def chunk_size(done: int, remaining: int) -> int:
    """How many orders the next chunk of a sale holds, ``done`` sold and ``remaining``
    left, while the read models' second process applies each chunk once it is saved:
    ``BESIDE_CHUNK_ORDERS`` (at most ``CHUNK_ORDERS``), except at both ends. The first
    chunks are small (``CHUNK_ORDERS // TAPER``, then as many as are done) so it starts
    soon, and the last two chunks' worth are halved again and again down to that size.

    It applies a chunk about as fast as the import saved it, so it is one chunk behind
    all along; when the import saves its last chunk, it is still applying the largest
    one before the halving (the smaller ones after it take the import as long as they
    take the second process). What it has left then is about one largest chunk's work:
    1,000 orders rather than the 2,000 of a chunk without it (about 0.12 s less at the
    median of ten pairs, the import's own per-chunk work included)."""
    top = min(CHUNK_ORDERS, BESIDE_CHUNK_ORDERS)
    least = max(1, min(CHUNK_ORDERS // TAPER, top))
    size = min(top, max(least, done))
    if remaining >= 2 * size:
        return size
    half = remaining // 2
    return remaining if half < least else min(size, half)


def _spool_orders(app, sales, mapping, reading, service, spool, run, watch, rejected):
    """Read the file into the spool and plan its orders, a chunk at a time, reporting
    each phase's progress; ``rejected`` (``Problems``) gets the rows that cannot be
    imported. Returns how many rows were read. Raises ``_Stopped`` when cancelled
    (nothing is imported then)."""
    bad_orders: dict[str, int] = {}
    count = 0
    excel = excel_checks(replace(sales, rows=watch(sales.rows, CHECKING_CODES)), mapping)
    for item in read_rows(
        replace(sales, rows=watch(sales.rows, READING_ROWS)), mapping, reading, excel
    ):
        count += 1
        if item[0] == "row":
            spool.add(item[1])
        elif item[0] == "rejected":
            _, number, order_id, reason = item
            rejected.append({"row": number, "reason": reason})
            if order_id:
                bad_orders.setdefault(order_id, number)
        elif item[0] == "left_out":
            run.tally.left_out.append({"row": item[1], "reason": item[2]})
        else:
            _, number, order_id, codes, status = item
            reason = _not_sold_reason(app, order_id, codes, status)
            rejected.append({"row": number, "reason": reason})
    spool.flush()
    # A barcode twice in the file: the order holding the second copy waits, whole.
    total = spool.rows()
    for number, _order_id, code, earlier in spool.duplicate_codes(
        bad_orders, lambda done: watch.tick(done, total, CHECKING_TWICE)
    ):
        reason = f"Barcode {code} is also on row {earlier}; each ticket needs its own barcode."
        rejected.append({"row": number, "reason": reason})
    watch.tick(total, total, CHECKING_TWICE)
    orders = spool.queue()
    watch.tick(0, orders, PLANNING)
    for first in range(1, orders + 1, CHUNK_ORDERS):
        planned = []
        chunk = spool.orders(first, first + CHUNK_ORDERS - 1)
        for _seq, order_id, order_rows in chunk:
            if order_id not in bad_orders:
                try:
                    plans = plan_order(order_id, order_rows, service)
                except ValueProblem as problem:
                    bad_orders[order_id] = order_rows[0].row
                    rejected += [{"row": r.row, "reason": str(problem)} for r in order_rows]
                    continue
                run.note_file(plans)
                planned.append(plans)
                continue
            rejected += [
                {
                    "row": r.row,
                    "reason": (
                        f"Not imported because row {bad_orders[order_id]} of the same order "
                        f"({order_id}) has a problem. Correct that row and import the file "
                        "again."
                    ),
                }
                for r in order_rows
                if r.row != bad_orders[order_id]
            ]
        spool.keep_plans(planned)
        watch.tick(first - 1 + len(chunk), orders, PLANNING)
    return count


class _Watch:
    """Progress and cancelling for the phases before the sale: ``watch(rows, phase)``
    wraps a pass over the file's rows, ``tick(done, total, phase)`` reports (and stops
    with ``_Stopped`` when cancelled)."""

    def __init__(self, progress: Progress | None, cancelled: Callable[[], bool] | None):
        self.progress = progress or (lambda *_: None)
        self.cancelled = cancelled
        #: the phase reached (where a cancel stopped the import)
        self.phase = CHECKING_DATES

    def __call__(self, rows, phase: str) -> _Watched:
        return _Watched(rows, phase, self)

    def tick(self, done: int, total: int, phase: str) -> None:
        self.phase = phase
        if self.cancelled is not None and self.cancelled():
            raise _Stopped
        self.progress(done, total, phase)


@fewer_collections()
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
    date_order: str | None = None,
    default_date_order: str | None = None,
    item_pattern: str | None = None,
    rejected_file: str | Path | None = None,
    excel_serial_dates: bool = False,
) -> dict:
    """Import (or with ``dry_run`` rehearse) the sales in ``sales``; returns the report.

    ``mapping`` (field -> column) replaces the detected one; giving it confirms
    it. A file whose layout is not recognised is only imported with a confirmed
    mapping (its dry run shows the mapping it would use). ``timezone`` is the
    organization's zone, used for dates in the file without one (default: this
    computer's); a time-zone column in the file wins for its rows.
    ``date_order`` (dmy, mdy, ymd) says how to read 12/11/2026; without it the
    file's own dates decide, and when none of them can (no day above 12),
    ``default_date_order`` (the organization's setting) does, as the report says.
    ``item_pattern`` reads event and date out of an item name (Square, Shopify).
    ``progress(done, total, phase)`` is called as the file is checked, read and
    planned (rows, then orders: the phases ``CHECKING_DATES`` ... ``PLANNING``) and
    as orders are imported (``SELLING``); when ``cancelled()`` turns true the
    import stops: before the sale nothing is imported, during it after the current
    order (what was done is kept, and importing the file again finishes it).
    A dry run keeps in memory only the chunk it rehearses. The report lists the
    first ``LISTED_PROBLEMS`` rows not imported (``rejected_count`` counts them all);
    with ``rejected_file`` every one of them is written there as CSV (the file's own
    columns, its row number and the reason), ready to correct and import again
    (``rejected_file`` in the report; "" when every row was imported).
    A workbook's dates that Excel stored as numbers (46337 for 11 November 2026) are
    read as dates only when ``excel_serial_dates`` confirms it; the report names
    them (``excel_dates``), a dry run reads them so, an import without the
    confirmation is refused before anything is saved.
    """
    from imports.sales_layouts import FIELD_LABELS

    try:
        local = zone(timezone)
    except ValueProblem as problem:
        raise UnreadableSalesFile(str(problem)) from None
    confirmed = mapping is not None
    mapping = sales.mapping if mapping is None else mapping
    missing = missing_fields(sales, mapping)
    if missing:
        names = ", ".join(FIELD_LABELS[name].lower() for name in missing)
        raise UnreadableSalesFile(
            f"We could not find the column for the {names} in {sales.name}. "
            "Choose which column holds it (column mapping)."
        )
    if sales.layout is None and not confirmed and not dry_run:
        raise UnreadableSalesFile(
            f"We do not recognise the layout of {sales.name}, so we will not guess which "
            "column is which. Check the columns in a dry run, then confirm them "
            "(--mapping field=Column, or the column mapping in the import window)."
        )
    watch = _Watch(progress, cancelled)
    rejected = Problems()
    run = SalesImport(app, local, service_of(sales), default_capacity)
    run.tally.rejected = rejected
    if not dry_run:
        # the store's performances read while the file is checked and planned (a dry
        # run reads them in its rehearsal, as it must)
        run.schedule.start()
    try:
        in_memory = len(sales.rows) <= IN_MEMORY_ROWS
        # The rows are read three times before the sale (dates, barcodes, sales): a file
        # whose sales are held in memory anyway is read out of its temporary file once.
        checked = replace(sales, rows=list(sales.rows)) if in_memory else sales
        try:
            order, source, example = resolve_date_order(
                replace(checked, rows=watch(checked.rows, CHECKING_DATES)),
                mapping,
                date_order,
                default_date_order,
            )
            number_dates = excel_number_dates(
                replace(checked, rows=watch(checked.rows, CHECKING_DATES)), mapping
            )
        except _Stopped:
            order, source, example = date_order or "", "", ""
            report = _report(run, sales, mapping, confirmed, dry_run, 0, (order, source, example))
            return {**report, "cancelled": True, "stopped_in": watch.phase}
        if number_dates and not excel_serial_dates and not dry_run:
            raise UnreadableSalesFile(excel_dates_words(number_dates, sales.name))
        reading = Reading(
            local,
            order,
            source,
            example,
            compile_item_pattern(item_pattern) if mapping.get("item_name") else None,
            sales.date_system if number_dates else 0,
        )
        spool = OrderSpool(in_memory=in_memory)
        count, finished, selling = 0, False, False
        try:
            count = _spool_orders(
                app, checked, mapping, reading, run.service, spool, run, watch, rejected
            )
            checked = sales  # the rows read out are not needed again
            selling = True
            if dry_run:
                with app.rehearsal(absent=run.absent, spill=spool.rehearsed()):
                    run.load_store()
                    finished = run.run(spool, True, progress, cancelled)
            else:
                run.load_store()
                finished = run.run(
                    spool, False, progress, cancelled, tapered=applied_beside(sales, False)
                )
        except _Stopped:
            finished = False
        finally:
            spool.close()
        report = _report(run, sales, mapping, confirmed, dry_run, count, (order, source, example))
        report["excel_dates"] = number_dates
        report["excel_dates_confirmed"] = bool(number_dates) and excel_serial_dates
        if rejected_file is not None and len(run.tally.rejected):
            run.tally.rejected.write_csv(
                rejected_file, sales, _date_fixes(sales, number_dates, reading)
            )
            report["rejected_file"] = str(rejected_file)
        report["cancelled"] = not finished
        # where a cancel stopped it: a phase before the sale (nothing imported), or the sale
        report["stopped_in"] = "" if finished else SELLING if selling else watch.phase
        return report
    finally:
        # The store may be closed once this returns: a read of its schedule not taken
        # by the sale (a refused file, a cancel, an error) ends first, never under it.
        run.schedule.settle()


def _date_fixes(sales: SalesFile, number_dates: list[dict], reading: Reading):
    """For the file of rows not imported: the dates Excel stored as numbers written as
    the dates they were read as (a CSV holding 46337 would be refused)."""
    if not (number_dates and reading.excel_dates):
        return None
    columns = [sales.headers.index(f["column"]) for f in number_dates]

    def fixes(cells: list[str]) -> list[str]:
        for index in columns:
            if index < len(cells):
                # Excel's 29 February 1900 stays as it was, with its reason
                with contextlib.suppress(ValueProblem):
                    cells[index] = reading.excel_date(cells[index])
        return cells

    return fixes


def _report(run, sales, mapping, confirmed, dry_run, count, dates) -> dict:
    tally = run.tally
    order, source, example = dates
    return {
        "imported": tally.imported,
        "completed": tally.completed,
        "matched": len(tally.matched),
        "created": len(tally.created),
        "attendees": len(tally.attendees),
        "rejected": tally.rejected.listed(),
        "rejected_count": len(tally.rejected),
        "rejected_file": "",
        "excel_dates": [],
        "excel_dates_confirmed": False,
        "left_out": tally.left_out,
        "codes_attached": tally.codes_attached,
        "tickets": tally.tickets,
        "already_imported": tally.already_imported,
        "performances_created": tally.performances_created,
        "rows": count,
        "layout": sales.layout_name,
        #: True: a recognised layout modelled on the service's terms, its headers not
        #: confirmed from a real export (the user should check the columns)
        "layout_modelled": sales.layout is not None and not sales.layout.confirmed,
        "mapping": dict(mapping),
        #: the file's columns no field reads (shown, never dropped silently)
        "unused_columns": sales.unused_columns(mapping),
        "mapping_confirmed": sales.layout is not None or confirmed,
        "date_order": order,
        "date_order_source": source,
        "date_order_example": example,
        "dry_run": dry_run,
        "cancelled": True,
    }


def import_sales_file(app, path, **options) -> dict:
    """Read ``path`` and import it (``options`` as for ``import_sales``)."""
    from imports.sales_file import read_sales_file

    sales = read_sales_file(path)
    overrides = options.pop("overrides", None)
    if overrides:
        options["mapping"] = sales.with_mapping(overrides)
    return import_sales(app, sales, **options)
