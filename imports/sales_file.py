"""Reading an online-sales CSV file into header and rows, whatever its dialect.

Handles a byte-order mark, UTF-8 with a cp1252 (Windows) fallback, the
delimiter (comma, semicolon, tab or pipe, sniffed), quoted fields with line
breaks, blank lines and a few title lines above the header. Row numbers are
those a spreadsheet shows for the same file (the header row is usually 1).

An Excel workbook (.xlsx, as Eventbrite and Ticket Tailor offer their reports) is
read from its first sheet with a header we know (else its first sheet), a row at a
time (openpyxl's read-only mode); its dates and numbers become the text a CSV export
would hold. Other spreadsheet files
(Excel 97-2003 .xls, OpenDocument .ods, Numbers) are refused with how to save
them as CSV.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import sqlite3
import threading
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from domain.errors import UnreadableSalesFile
from imports.sales_layouts import FIELDS, REQUIRED, UNRECOGNISED, Layout, detect, looks_like_header

MAX_BYTES = 200 * 1024 * 1024
# A damaged export can hold one enormous cell; read it, and let the import reject
# that row with a reason, rather than refusing the whole file (the default is 128 KB).
csv.field_size_limit(MAX_BYTES)
HEADER_SEARCH_ROWS = 10
#: the progress phase of reading a file: ``progress(rows read, -1, READING)`` (the
#: views and the command line put phases in words)
READING = "reading"
#: rows between two progress reports (and two looks at the cancel flag)
PROGRESS_ROWS = 2000

#: ``progress(done, total, phase)``; total -1 when not known yet
ProgressReport = Callable[[int, int, str], None]


class ReadingCancelled(Exception):
    """The user stopped the reading of a file (nothing was read into the import)."""


@dataclass
class SalesFile:
    """A CSV export read into memory: its header, its rows and how to read them."""

    name: str
    encoding: str
    delimiter: str
    header_row: int
    headers: list[str]
    #: (spreadsheet row number, cells): a list, or ``SpooledRows`` for a file read
    #: from disk (kept in a temporary file, not in memory)
    rows: Sequence[tuple[int, list[str]]]
    layout: Layout | None
    mapping: dict[str, str] = field(default_factory=dict)
    #: rows holding something, counted as the file was read (None: count them)
    filled: int | None = None
    #: how many of ``headers`` are the file's own (the layout may add prepared columns
    #: after them, such as fees added up); 0: all of them
    file_columns: int = 0
    #: a workbook's date system (1900, or 1904 for one made by old Mac Excel); 0 for a
    #: text file: how Excel counts the days of a date stored as a number
    date_system: int = 0
    #: the detected date columns holding dates Excel stored as numbers, when looked for
    #: (``imports.sales_import.excel_number_dates``; the import window does so)
    excel_dates: list[dict] = field(default_factory=list)

    @property
    def layout_name(self) -> str:
        return self.layout.name if self.layout else UNRECOGNISED.name

    def missing(self, mapping: dict[str, str] | None = None) -> list[str]:
        """Required fields without a column in the mapping."""
        mapping = self.mapping if mapping is None else mapping
        return [name for name in REQUIRED if not mapping.get(name)]

    def with_mapping(self, overrides: dict[str, str]) -> dict[str, str]:
        """The detected mapping changed by the user's ``field -> column`` choices.

        An empty column name removes the field. Raises ``UnreadableSalesFile``
        for an unknown field or a column the file does not have.
        """
        mapping = dict(self.mapping)
        by_key = {h.strip().casefold(): h for h in self.headers}
        for name, column in overrides.items():
            if name not in FIELDS:
                known = ", ".join(FIELDS)
                raise UnreadableSalesFile(
                    f"“{name}” is not a field we import. Use one of: {known}."
                )
            if not column:
                mapping.pop(name, None)
                continue
            header = by_key.get(column.strip().casefold())
            if header is None:
                raise UnreadableSalesFile(
                    f"The file has no column called “{column}”. Its columns are: "
                    + ", ".join(self.headers)
                )
            mapping[name] = header
        return mapping

    def unused_columns(self, mapping: dict[str, str] | None = None) -> list[str]:
        """The file's own columns the mapping does not read, directly or through a column
        the layout makes of them (fees added up, the order's first ticket holder): shown
        to the user, never dropped silently."""
        mapping = self.mapping if mapping is None else mapping
        own = self.headers[: self.file_columns or len(self.headers)]
        used = set(mapping.values())
        if self.layout is not None:
            for made in self.layout.derived:
                sources = made.sources(own)
                if sources and made.header(sources) in used:
                    used.update(sources)
        suffix = " of the order's first ticket"
        used.update(h.removesuffix(suffix) for h in list(used) if h.endswith(suffix))
        return [h for h in own if h.strip() and h not in used]

    def preview(self, count: int = 20) -> list[tuple[int, list[str]]]:
        return list(self.rows[:count])

    def sale_rows(self) -> int:
        """How many rows hold something (blank lines are not sales)."""
        if self.filled is not None:
            return self.filled
        return sum(1 for _, cells in self.rows if any(c.strip() for c in cells))


#: a row's cells are kept joined by this (the ASCII unit separator), marked by it in
#: front: splitting them again costs a tenth of reading JSON. A row holding the
#: separator itself (or no cell) is kept as JSON.
_UNIT = "\x1f"


def _pack(cells: list[str]) -> str:
    joined = _UNIT.join(cells)
    if cells and joined.count(_UNIT) == len(cells) - 1:
        return _UNIT + joined
    return json.dumps(cells, ensure_ascii=False)


def _unpack(kept: str) -> list[str]:
    if kept.startswith(_UNIT):
        return kept[1:].split(_UNIT)
    return json.loads(kept)


#: a file of at most this many bytes keeps its rows in memory (about ten times as many
#: bytes), as the import keeps the sales of a file of up to 50,000 rows
IN_MEMORY_BYTES = 5 * 1024 * 1024


class SpooledRows(Sequence):
    """A file's rows in a private temporary SQLite database (deleted when closed or
    collected), read back in the file's order: a 200 MB export is not held in memory.
    With ``in_memory`` (a small file) they are kept in a list instead: writing them out
    and reading them back cost more than reading the file.
    """

    BATCH = 2000

    def __init__(self, in_memory: bool = False) -> None:
        self._count = 0
        self._lock = threading.Lock()
        self._kept: list[tuple[int, list[str]]] | None = [] if in_memory else None
        if in_memory:
            return
        # "" is SQLite's private temporary database: on disk past a small cache, and
        # removed when the connection closes. The import may run on another thread.
        self._db = sqlite3.connect("", check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("CREATE TABLE rows (number INTEGER PRIMARY KEY, cells TEXT)")

    def extend(self, rows: list[tuple[int, list[str]]]) -> None:
        with self._lock:
            if self._kept is not None:
                self._kept.extend(rows)
            else:
                self._db.executemany(
                    "INSERT INTO rows VALUES (?, ?)",
                    [(number, _pack(cells)) for number, cells in rows],
                )
        self._count += len(rows)

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        if self._kept is not None:
            yield from self._kept[: self._count]
            return
        after = -1
        while True:
            with self._lock:
                page = self._db.execute(
                    "SELECT number, cells FROM rows WHERE number > ? ORDER BY number LIMIT ?",
                    (after, self.BATCH),
                ).fetchall()
            for number, cells in page:
                yield number, _unpack(cells)
            if len(page) < self.BATCH:
                return
            after = page[-1][0]

    def __getitem__(self, index):  # type: ignore[override]
        if self._kept is not None:
            return self._kept[: self._count][index]
        if isinstance(index, slice):
            start, stop, step = index.indices(self._count)
            with self._lock:
                page = self._db.execute(
                    "SELECT number, cells FROM rows ORDER BY number LIMIT ? OFFSET ?",
                    (max(stop - start, 0), start),
                ).fetchall()
            return [(number, _unpack(cells)) for number, cells in page][::step]
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError(index)
        return self[index : index + 1][0]

    def close(self) -> None:
        with self._lock:
            if self._kept is not None:
                self._kept = []
            else:
                self._db.close()


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding it was in: UTF-8 (with or without BOM), UTF-16, else cp1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # an odd last byte (a cut-off file) reads as one unknown character, not a crash
        return data.decode("utf-16", errors="replace"), "utf-16"
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in ",;\t|"}
        return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _lines(text: str):
    """The text's lines, endings kept, one at a time: no second copy of a big file
    (``io.StringIO`` holds four bytes a character). Old Mac files end lines in \\r."""
    if "\n" not in text:
        yield from io.StringIO(text, newline="")
        return
    start, size = 0, len(text)
    while start < size:
        end = text.find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start : end + 1]
        start = end + 1


def parse_text(text: str, name: str = "sales.csv") -> SalesFile:
    """Split CSV text into a header and numbered rows, and detect its layout."""
    if "\x00" in text:
        raise UnreadableSalesFile(
            f"{name} is not a CSV text file. Export the sales as CSV and try again."
        )
    rows: list[tuple[int, list[str]]] = []
    return _parse(_lines(text), _delimiter(text), name, rows.extend, rows)


#: rows handed on to the spool at a time while a file is read
_SPOOL_BATCH = 2000


def _parse(
    lines: Iterable[str],
    delimiter: str,
    name: str,
    keep,
    rows: Sequence,
    records: Iterator[tuple[int, list[str]]] | None = None,
    progress: ProgressReport | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> SalesFile:
    """Read CSV lines (or a workbook's ``records``) into a ``SalesFile``: the header
    found, each later row (with the layout's derived columns) handed to
    ``keep(batch)``, which fills ``rows``.

    ``progress(rows read, -1, READING)`` after every batch; ``cancelled()`` true
    stops the reading with ``ReadingCancelled``."""
    reader = csv.reader(lines, delimiter=delimiter)
    if records is None:
        records = enumerate(reader, start=1)  # a spreadsheet row per record
    try:
        seen: list[tuple[int, list[str]]] = []
        header_at = None
        for record in itertools.islice(records, HEADER_SEARCH_ROWS):
            seen.append(record)
            if looks_like_header(record[1]) or detect(record[1]):
                header_at = len(seen) - 1
                break
        if header_at is None:
            header_at = next((i for i, (_, cells) in enumerate(seen) if any(cells)), None)
        if header_at is None:
            for record in records:
                if any(record[1]):
                    seen.append(record)
                    header_at = len(seen) - 1
                    break
        if header_at is None:
            raise UnreadableSalesFile(f"{name} is empty: there is no header row and no sales.")
        header_row, headers = seen[header_at]
        headers = [h.replace("\ufeff", "").strip() for h in headers]
        layout = detect(headers)
        own_columns = len(headers)
        transform = None
        if layout is not None:  # fees added up, line amounts per ticket, order details carried
            headers, transform = layout.preparer(headers)
        batch: list[tuple[int, list[str]]] = []
        read = filled = 0
        for number, cells in itertools.chain(seen[header_at + 1 :], records):
            if "".join(cells).strip():
                filled += 1
            batch.append((number, transform(cells) if transform else cells))
            if len(batch) >= _SPOOL_BATCH:
                keep(batch)
                read += len(batch)
                batch = []
                if cancelled is not None and cancelled():
                    raise ReadingCancelled(name)
                if progress is not None:
                    progress(read, -1, READING)
        keep(batch)
        if progress is not None:
            progress(read + len(batch), -1, READING)
    except csv.Error as error:
        raise UnreadableSalesFile(
            f"{name} could not be read as CSV near line {reader.line_num} ({error})."
        ) from None
    mapping = (layout or UNRECOGNISED).mapping_for(headers)
    return SalesFile(
        name=name,
        encoding="",
        delimiter=delimiter,
        header_row=header_row,
        headers=headers,
        rows=rows,
        layout=layout,
        mapping=mapping,
        filled=filled,
        file_columns=own_columns,
    )


def _encoding_of(path: Path) -> str:
    """The file's encoding, read through once in blocks: UTF-16 or UTF-8 by its byte
    order mark, UTF-8 when every byte reads as such, else cp1252 (else latin-1)."""
    with path.open("rb") as file:
        head = file.read(3)
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            return "utf-16"
        if head.startswith(b"\xef\xbb\xbf"):
            return "utf-8-sig"
        for encoding in ("utf-8", "cp1252"):
            file.seek(0)
            decoder = codecs.getincrementaldecoder(encoding)()
            try:
                while block := file.read(1 << 18):
                    decoder.decode(block)
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                continue
            return encoding
    return "latin-1"


def _file_lines(path: Path, encoding: str, name: str) -> Iterator[str]:
    errors = "replace" if encoding in ("utf-16", "utf-8-sig") else "strict"
    with path.open(encoding=encoding, errors=errors, newline="") as file:
        for line in file:
            if "\x00" in line:
                raise UnreadableSalesFile(
                    f"{name} is not a CSV text file. Export the sales as CSV and try again."
                )
            yield line


_SAVE_AS_CSV = (
    "Open it in your spreadsheet program and save it as “CSV UTF-8 (comma delimited)”, "
    "or download the report from the ticketing service as CSV, then import that file."
)


def _spreadsheet_kind(path: Path) -> str:
    """The kind of spreadsheet: "xlsx" for an Excel workbook, "" for a text file.
    Raises ``UnreadableSalesFile`` for a spreadsheet format that is not read (with how
    to save it as CSV)."""
    with path.open("rb") as file:
        head = file.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableSalesFile(
            f"{path.name} is an Excel 97-2003 workbook (.xls), which we do not read. "
            + _SAVE_AS_CSV
        )
    if not head.startswith(b"PK\x03\x04"):
        return ""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            mimetype = (
                archive.read("mimetype").decode("ascii", "replace") if "mimetype" in names else ""
            )
    except (zipfile.BadZipFile, OSError):
        raise UnreadableSalesFile(
            f"{path.name} is not a CSV text file: it is a damaged or incomplete compressed "
            "file. Download the export again, as CSV."
        ) from None
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "opendocument" in mimetype:
        what = "an OpenDocument spreadsheet (.ods)"
    elif any(name.startswith("Index/") for name in names):
        what = "a Numbers spreadsheet"
    else:
        what = "a compressed (zip) file"
    raise UnreadableSalesFile(f"{path.name} is {what}, which we do not read. " + _SAVE_AS_CSV)


def _cell_text(value) -> str:
    """A workbook cell as the text a CSV export would hold: dates in ISO form (never
    month/day guesses), whole numbers without ".0", others as Python writes them."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes" if not value.second else "seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)  # 9.12055e+16: refused as Excel-damaged, like its CSV form
    return str(value)


def _sales_sheet(sheets: list):
    """The first sheet whose first rows hold a header we know (a summary sheet before
    the sales is passed over), else the first sheet with anything on it."""
    filled = None
    for sheet in sheets:
        top = [
            [_cell_text(v) for v in values]
            for values in itertools.islice(sheet.iter_rows(values_only=True), HEADER_SEARCH_ROWS)
        ]
        if any(looks_like_header(cells) or detect(cells) for cells in top):
            return sheet
        if filled is None and any(any(cells) for cells in top):
            filled = sheet
    return filled if filled is not None else (sheets[0] if sheets else None)


def _workbook_records(path: Path, found: dict | None = None) -> Iterator[tuple[int, list[str]]]:
    """(spreadsheet row number, cells) of the workbook's sales sheet, one at a time;
    ``found["date_system"]`` gets the workbook's date system (1900 or 1904)."""
    from openpyxl import load_workbook
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged workbook
        raise UnreadableSalesFile(
            f"{path.name} could not be read as an Excel workbook (it may be damaged). "
            + _SAVE_AS_CSV
        ) from None
    if found is not None:
        found["date_system"] = 1904 if book.epoch == CALENDAR_MAC_1904 else 1900
    try:
        sheet = _sales_sheet(book.worksheets)
        if sheet is None:
            return
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            while cells and not cells[-1]:
                cells.pop()
            yield number, cells
    finally:
        book.close()


def read_sales_file(
    path: str | Path,
    progress: ProgressReport | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> SalesFile:
    """Read an export from disk. Raises ``UnreadableSalesFile`` with a plain reason.

    The file is read as a stream: its rows go to a temporary file (``SpooledRows``),
    so memory stays small whatever the file's size. ``progress(rows read, -1,
    READING)`` is called as the rows come (every ``PROGRESS_ROWS``); when
    ``cancelled()`` turns true the reading stops with ``ReadingCancelled``.
    """
    path = Path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise UnreadableSalesFile(
                f"{path.name} is larger than {MAX_BYTES // (1024 * 1024)} MB; "
                "export fewer events at a time."
            )
        if path.is_dir():
            raise IsADirectoryError
        if _spreadsheet_kind(path) == "xlsx":
            return _read_workbook(path, progress, cancelled)
        encoding = _encoding_of(path)
        sample = "".join(itertools.islice(_file_lines(path, encoding, path.name), 50))
        rows = SpooledRows(in_memory=path.stat().st_size <= IN_MEMORY_BYTES)
        try:
            sales = _parse(
                _file_lines(path, encoding, path.name),
                _delimiter(sample),
                path.name,
                rows.extend,
                rows,
                progress=progress,
                cancelled=cancelled,
            )
        except BaseException:
            rows.close()
            raise
    except FileNotFoundError:
        raise UnreadableSalesFile(f"There is no file {path}.") from None
    except IsADirectoryError:
        raise UnreadableSalesFile(f"{path} is a folder, not a CSV file.") from None
    except OSError as error:
        raise UnreadableSalesFile(f"{path} could not be opened ({error.strerror}).") from None
    sales.encoding = encoding
    return sales


def _read_workbook(
    path: Path,
    progress: ProgressReport | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> SalesFile:
    rows = SpooledRows()
    found: dict = {}
    try:
        sales = _parse(
            (),
            ",",
            path.name,
            rows.extend,
            rows,
            records=_workbook_records(path, found),
            progress=progress,
            cancelled=cancelled,
        )
    except BaseException:
        rows.close()
        raise
    sales.encoding = "xlsx"
    sales.date_system = found.get("date_system", 1900)
    return sales
