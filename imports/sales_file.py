"""Reading an online-sales CSV file into header and rows, whatever its dialect.

Handles a byte-order mark, UTF-8 with a cp1252 (Windows) fallback, the
delimiter (comma, semicolon, tab or pipe, sniffed), quoted fields with line
breaks, blank lines and a few title lines above the header. Row numbers are
those a spreadsheet shows for the same file (the header row is usually 1).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from domain.errors import UnreadableSalesFile
from imports.sales_layouts import FIELDS, REQUIRED, UNRECOGNISED, Layout, detect, looks_like_header

MAX_BYTES = 200 * 1024 * 1024
# A damaged export can hold one enormous cell; read it, and let the import reject
# that row with a reason, rather than refusing the whole file (the default is 128 KB).
csv.field_size_limit(MAX_BYTES)
HEADER_SEARCH_ROWS = 10


@dataclass
class SalesFile:
    """A CSV export read into memory: its header, its rows and how to read them."""

    name: str
    encoding: str
    delimiter: str
    header_row: int
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (spreadsheet row number, cells)
    layout: Layout | None
    mapping: dict[str, str] = field(default_factory=dict)

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

    def preview(self, count: int = 20) -> list[tuple[int, list[str]]]:
        return self.rows[:count]


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
    delimiter = _delimiter(text)
    reader = csv.reader(_lines(text), delimiter=delimiter)
    records: list[tuple[int, list[str]]] = []
    try:
        # A spreadsheet shows one row per record, also when a cell holds line breaks.
        for cells in reader:
            records.append((len(records) + 1, cells))
    except csv.Error as error:
        raise UnreadableSalesFile(
            f"{name} could not be read as CSV near line {reader.line_num} ({error})."
        ) from None
    header_at = None
    for index, (_, cells) in enumerate(records[:HEADER_SEARCH_ROWS]):
        if looks_like_header(cells) or detect(cells):
            header_at = index
            break
    if header_at is None:
        header_at = next((i for i, (_, cells) in enumerate(records) if any(cells)), None)
    if header_at is None:
        raise UnreadableSalesFile(f"{name} is empty: there is no header row and no sales.")
    header_row, headers = records[header_at]
    headers = [h.replace("\ufeff", "").strip() for h in headers]
    rows = [(number, cells) for number, cells in records[header_at + 1 :]]
    layout = detect(headers)
    if layout is not None:  # fees added up, line amounts per ticket, order details carried
        headers, rows = layout.prepare(headers, rows)
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
    )


def read_sales_file(path: str | Path) -> SalesFile:
    """Read an export from disk. Raises ``UnreadableSalesFile`` with a plain reason."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise UnreadableSalesFile(
                f"{path.name} is larger than {MAX_BYTES // (1024 * 1024)} MB; "
                "export fewer events at a time."
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise UnreadableSalesFile(f"There is no file {path}.") from None
    except IsADirectoryError:
        raise UnreadableSalesFile(f"{path} is a folder, not a CSV file.") from None
    except OSError as error:
        raise UnreadableSalesFile(f"{path} could not be opened ({error.strerror}).") from None
    text, encoding = decode(data)
    del data  # the text is all that is needed now
    sales = parse_text(text, path.name)
    sales.encoding = encoding
    return sales
