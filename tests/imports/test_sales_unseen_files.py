"""Realistic exports the import had not been tried with, each modelled on a real one.

Each file holds the sales of the Eventbrite attendee report sample (three orders,
four tickets, revenue net of Eventbrite's fees), written as a real office would
get it: saved by Excel as "Unicode text" (UTF-16, tabs), by a European Excel
(semicolons, decimal commas, day-first dates), downloaded as an Excel workbook,
with Windows line endings, a totals row and blank lines at the end, a notes
column holding line breaks, and prices with currency symbols and thousands
separators. Each imports exactly as the sample does, or is refused with a reason
a volunteer can act on (the command line exits non-zero) and nothing saved.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest

from desktop.cli import main
from domain.errors import UnreadableSalesFile
from imports.sales_file import read_sales_file
from imports.sales_import import import_sales_file

SAMPLES = Path(__file__).parents[1] / "fixtures" / "sales"
NY = "America/New_York"


def _sample_rows() -> list[list[str]]:
    """The Eventbrite attendee report sample without its comment line."""
    text = (SAMPLES / "eventbrite.csv").read_text(encoding="utf-8-sig")
    return list(csv.reader(io.StringIO(text.split("\n", 1)[1])))


def _write(rows: list[list[str]], delimiter: str = ",", line: str = "\r\n") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator=line).writerows(rows)
    return out.getvalue()


def _expected(store_report: dict) -> None:
    assert (store_report["imported"], store_report["tickets"]) == (3, 4), store_report
    assert store_report["rejected"] == []


def _revenue(app) -> list[int]:
    from tests.imports.test_sales_layouts import sold

    return sorted(t[3] for tickets in sold(app).values() for t in tickets)


SAMPLE_REVENUE = [1250, 2500, 2500, 2500]


def test_the_sample_itself_gives_the_revenue_these_files_are_compared_with(store):
    _expected(import_sales_file(store, SAMPLES / "eventbrite.csv", timezone=NY))
    assert _revenue(store) == SAMPLE_REVENUE


def test_excel_unicode_text_utf16_with_tabs_and_crlf(store, tmp_path):
    path = tmp_path / "attendees.txt"
    path.write_bytes(_write(_sample_rows(), "\t").encode("utf-16"))  # BOM, little-endian

    _expected(import_sales_file(store, path, timezone=NY))
    assert _revenue(store) == SAMPLE_REVENUE


def test_utf8_with_bom_crlf_a_totals_row_and_blank_lines_at_the_end(store, tmp_path):
    rows = _sample_rows()
    width = len(rows[0])
    totals = ["Total"] + [""] * (width - 1)
    totals[rows[0].index("Quantity")] = "4"
    totals[rows[0].index("Total Paid")] = "$82.50"
    text = _write(rows + [totals], ",") + "\r\n" + "," * (width - 1) + "\r\n\r\n"
    path = tmp_path / "attendees.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))

    report = import_sales_file(store, path, timezone=NY)

    _expected(report)
    assert report["left_out"] == [
        {"row": 6, "reason": "This is the file's totals row, not a sale: it is left out."}
    ]
    assert _revenue(store) == SAMPLE_REVENUE


def test_a_european_excel_file_semicolons_decimal_commas_and_day_first_dates(store, tmp_path):
    rows = _sample_rows()
    header = rows[0]
    money = [header.index(h) for h in ("Total Paid", "Fees Paid", "Eventbrite Fees")]
    money.append(header.index("Eventbrite Payment Processing"))
    for row in rows[1:]:
        for i in money:
            row[i] = row[i].replace("$", "").replace(".", ",") + " €"
        for name in ("Order Date", "Event Start Date"):
            i = header.index(name)
            day, clock = row[i].split(" ")
            y, m, d = day.split("-")
            row[i] = f"{d}.{m}.{y} {clock[:5]}"
    path = tmp_path / "teilnehmer.csv"
    path.write_bytes(_write(rows, ";").encode("cp1252"))

    report = import_sales_file(store, path, timezone=NY)

    _expected(report)
    assert _revenue(store) == SAMPLE_REVENUE


def test_prices_with_currency_symbols_and_thousands_separators(store, tmp_path):
    rows = _sample_rows()
    paid, quantity = rows[0].index("Total Paid"), rows[0].index("Quantity")
    fees = [rows[0].index("Eventbrite Fees"), rows[0].index("Eventbrite Payment Processing")]
    rows[1][paid], rows[1][fees[0]], rows[1][fees[1]] = "£1,234.50", "£30.00", "£4.50"
    rows[2][paid], rows[2][fees[0]], rows[2][fees[1]] = "1.234,50 €", "30,00 €", "4,50 €"
    assert rows[1][quantity] == rows[2][quantity] == "1"
    path = tmp_path / "gala.csv"
    path.write_text(_write(rows), encoding="utf-8")

    _expected(import_sales_file(store, path, timezone=NY))
    assert _revenue(store) == [1250, 2500, 120000, 120000]


def test_a_notes_column_with_line_breaks_keeps_spreadsheet_row_numbers(store, tmp_path):
    rows = _sample_rows()
    rows[0].append("Notes")
    rows[1].append("Wheelchair space\nplease, and\na cushion")
    rows[2].append("")
    rows[3].append("Arriving late")
    rows[4].append("")
    rows[4][rows[0].index("Total Paid")] = "twelve"
    path = tmp_path / "notes.csv"
    path.write_text(_write(rows), encoding="utf-8")

    report = import_sales_file(store, path, timezone=NY)

    assert [r["row"] for r in report["rejected"]] == [5]
    assert (report["imported"], report["tickets"]) == (2, 3)


# -- Excel workbooks ---------------------------------------------------------------
def _workbook(path: Path, rows: list[list[object]]) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Attendees"
    for row in rows:
        sheet.append(row)
    book.save(path)


def test_an_excel_workbook_export_imports_like_its_csv(store, tmp_path):
    """Eventbrite and Ticket Tailor offer their reports as .xlsx: dates are real dates,
    numbers real numbers (a barcode too), and the import reads them as the CSV."""
    from datetime import datetime

    rows: list[list[object]] = [list(r) for r in _sample_rows()]
    header = rows[0]
    for row in rows[1:]:
        for name in ("Order Date", "Event Start Date"):
            i = header.index(name)
            row[i] = datetime.fromisoformat(str(row[i]))
        for name in ("Order #", "Attendee #", "Quantity", "Barcode #"):
            i = header.index(name)
            row[i] = int(str(row[i])) if row[i] else None
        for name in ("Total Paid", "Fees Paid", "Eventbrite Fees", "Eventbrite Payment Processing"):
            i = header.index(name)
            row[i] = float(str(row[i]).replace("$", ""))
    path = tmp_path / "attendees.xlsx"
    _workbook(path, rows)

    sales = read_sales_file(path)
    report = import_sales_file(store, path, timezone=NY)

    assert sales.layout.key == "eventbrite"
    _expected(report)
    assert _revenue(store) == SAMPLE_REVENUE
    assert store.get_ticket("8141001001") is not None


def test_an_old_excel_97_file_is_refused_with_how_to_save_it_as_csv(tmp_path, capsys):
    path = tmp_path / "attendees.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    data = str(tmp_path / "data")

    code = main(["--data", data, "import", "sales", str(path)])

    assert code != 0
    message = capsys.readouterr().err
    assert "attendees.xls is an Excel 97-2003 workbook" in message
    assert "CSV" in message


def test_a_damaged_workbook_is_refused_plainly(tmp_path):
    path = tmp_path / "attendees.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<not a workbook")

    with pytest.raises(UnreadableSalesFile, match="could not be read as an Excel workbook"):
        read_sales_file(path)


def test_the_cli_imports_a_workbook_and_says_so_in_json(tmp_path, capsys):
    rows = [list(r) for r in _sample_rows()]
    path = tmp_path / "attendees.xlsx"
    _workbook(path, rows)
    data = str(tmp_path / "data")

    code = main(["--data", data, "import", "sales", str(path), "--json", "--timezone", NY])
    report = json.loads(capsys.readouterr().out)

    assert code == 0
    assert (report["imported"], report["tickets"]) == (3, 4)


def test_a_workbook_whose_barcodes_excel_turned_into_numbers_is_refused_like_its_csv(
    store, tmp_path
):
    """Excel keeps 15 digits: a long barcode typed into a workbook as a number comes
    back as 9.12055E+16 in any export of it. Its order waits, with how to export."""
    rows: list[list[object]] = [list(r) for r in _sample_rows()]
    barcode = rows[0].index("Barcode #")
    rows[1][barcode] = 9.12055e16
    path = tmp_path / "attendees.xlsx"
    _workbook(path, rows)

    report = import_sales_file(store, path, timezone=NY)

    assert [r["row"] for r in report["rejected"]] == [2, 3]
    assert "Excel" in report["rejected"][0]["reason"]
    assert (report["imported"], report["tickets"]) == (2, 2)


def test_the_cli_says_a_totals_row_was_left_out_and_succeeds(tmp_path, capsys):
    rows = _sample_rows()
    totals = ["Grand total:"] + [""] * (len(rows[0]) - 1)
    path = tmp_path / "attendees.csv"
    path.write_text(_write(rows + [totals]), encoding="utf-8")
    data = str(tmp_path / "data")

    code = main(["--data", data, "import", "sales", str(path), "--timezone", NY])

    out = capsys.readouterr().out
    assert code == 0
    assert (
        "Left out, not sales:\n  row 6: This is the file's totals row, not a sale: it is left out."
        in out
    )
    assert "Not imported" not in out


def test_a_workbook_whose_first_sheet_is_a_summary_is_read_from_its_sales_sheet(store, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Summary"
    book.active.append(["Attendee summary report", "Hamlet"])
    book.active.append(["Tickets sold", "4"])
    sales = book.create_sheet("Attendees")
    for row in _sample_rows():
        sales.append(row)
    path = tmp_path / "report.xlsx"
    book.save(path)

    assert read_sales_file(path).layout.key == "eventbrite"
    _expected(import_sales_file(store, path, timezone=NY))


def test_excels_sep_line_above_the_header_is_not_a_title_to_trip_on(store, tmp_path):
    """Excel writes ``sep=;`` on the first line of some CSV files it saves."""
    path = tmp_path / "attendees.csv"
    path.write_text("sep=;\r\n" + _write(_sample_rows(), ";"), encoding="utf-8")

    _expected(import_sales_file(store, path, timezone=NY))
