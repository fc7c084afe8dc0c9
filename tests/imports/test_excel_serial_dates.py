"""Dates Excel stored as numbers (issue 16 follow-up, point 3).

A workbook cell formatted as a number rather than a date holds the date's serial
number: 46337 is 11 November 2026, 46337.8125 the same day at 19:30. They used to be
refused as "not a date we can read". They are read as Excel reads them (its 1900
date system with Lotus's 29 February 1900, or a workbook's 1904 system), but never
silently: the dry run names the columns and an example, and an import needs the
user's confirmation. In a CSV file a bare number stays refused, with why and how to
save the file properly.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl.utils.datetime import CALENDAR_MAC_1904, to_excel

from domain.errors import UnreadableSalesFile
from imports.sales_file import read_sales_file
from imports.sales_import import import_sales, import_sales_file
from imports.sales_values import from_excel_serial
from tests.imports.test_sales_layouts import sold

SAMPLES = Path(__file__).parents[1] / "fixtures" / "sales"
NY = "America/New_York"


def _sample_rows() -> list[list[object]]:
    """The Eventbrite attendee report sample without its comment line."""
    text = (SAMPLES / "eventbrite.csv").read_text(encoding="utf-8-sig")
    return [list(r) for r in csv.reader(io.StringIO(text.split("\n", 1)[1]))]


def _serial_workbook(path: Path, date_system: int = 1900, order_dates_too: bool = True) -> None:
    """The sample as a workbook whose Event Start Date (and Order Date) cells hold
    Excel's serial numbers, formatted as numbers ("General"), not as dates."""
    from openpyxl import Workbook

    rows = _sample_rows()
    header = rows[0]
    epoch = CALENDAR_MAC_1904 if date_system == 1904 else None
    names = ["Event Start Date"] + (["Order Date"] if order_dates_too else [])
    for row in rows[1:]:
        for name in names:
            i = header.index(name)
            moment = datetime.fromisoformat(str(row[i]))
            row[i] = to_excel(moment, epoch) if epoch else to_excel(moment)
        for name in ("Order #", "Attendee #", "Quantity", "Barcode #"):
            i = header.index(name)
            row[i] = int(str(row[i])) if row[i] else None
    book = Workbook()
    if epoch is not None:
        book.epoch = epoch
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)


def test_excel_counts_days_as_excel_does():
    assert from_excel_serial(46337) == "2026-11-11"
    assert from_excel_serial(46337.8125) == "2026-11-11 19:30"
    assert from_excel_serial(0.8125) == "19:30"
    assert from_excel_serial(61) == "1900-03-01"  # after Lotus's 29 February 1900
    assert from_excel_serial(59) == "1900-02-28"
    assert from_excel_serial(46337, 1904) == "2030-11-12"  # old Mac Excel's day 0: 1 Jan 1904
    with pytest.raises(ValueError, match="29 February 1900, a day that never was"):
        from_excel_serial(60)


def test_a_dry_run_names_the_columns_and_reads_them_as_dates(store, tmp_path):
    path = tmp_path / "attendees.xlsx"
    _serial_workbook(path)
    events = store.event_count()

    report = import_sales_file(store, path, timezone=NY, dry_run=True)

    assert store.event_count() == events
    assert (report["imported"], report["tickets"], report["rejected"]) == (3, 4, [])
    assert report["excel_dates"] == [
        {
            "field": "order_date",
            "column": "Order Date",
            "count": 4,
            "example": "46054.42708333334",
            "read_as": "2026-02-01 10:15",
        },
        {
            "field": "event_date",
            "column": "Event Start Date",
            "count": 4,
            "example": "46095.8125",
            "read_as": "2026-03-14 19:30",
        },
    ]
    assert report["excel_dates_confirmed"] is False


def test_an_import_refuses_them_until_confirmed_then_reads_them_as_dates(store, tmp_path):
    path = tmp_path / "attendees.xlsx"
    _serial_workbook(path)
    events = store.event_count()

    with pytest.raises(UnreadableSalesFile) as refused:
        import_sales_file(store, path, timezone=NY)
    assert store.event_count() == events  # nothing saved
    message = str(refused.value)
    assert "stored by Excel as numbers" in message
    assert "“Event Start Date” (4 cells; 46095.8125 is 2026-03-14 19:30)" in message
    assert "--excel-serial-dates" in message

    report = import_sales_file(store, path, timezone=NY, excel_serial_dates=True)

    assert (report["imported"], report["tickets"], report["rejected"]) == (3, 4, [])
    assert report["excel_dates_confirmed"] is True
    from_csv = import_sales_file(store, SAMPLES / "eventbrite.csv", timezone=NY)
    assert from_csv["already_imported"] == 3  # the same orders, dates and all
    evening = sold(store)["Ada Lovelace"][0]
    assert evening[:2] == ("Hamlet", "2026-03-14 19:30")


def test_a_workbook_of_old_mac_excel_counts_from_1904(store, tmp_path):
    path = tmp_path / "attendees.xlsx"
    _serial_workbook(path, date_system=1904, order_dates_too=False)

    sales = read_sales_file(path)
    report = import_sales(store, sales, timezone=NY, excel_serial_dates=True)

    assert sales.date_system == 1904
    assert [f["read_as"] for f in report["excel_dates"]] == ["2026-03-14 19:30"]
    assert (report["imported"], report["rejected"]) == (3, [])
    assert sold(store)["Ada Lovelace"][0][:2] == ("Hamlet", "2026-03-14 19:30")


def test_real_dates_in_a_workbook_need_no_confirmation(store, tmp_path):
    from openpyxl import Workbook

    rows = _sample_rows()
    header = rows[0]
    for row in rows[1:]:
        for name in ("Order Date", "Event Start Date"):
            row[header.index(name)] = datetime.fromisoformat(str(row[header.index(name)]))
    book = Workbook()
    for row in rows:
        book.active.append(row)
    path = tmp_path / "attendees.xlsx"
    book.save(path)

    report = import_sales_file(store, path, timezone=NY)

    assert (report["imported"], report["excel_dates"]) == (3, [])


def test_in_a_csv_file_a_bare_number_is_refused_with_why_and_how_to_save_it(store, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(
        "order_id,order_date,first_name,event_name,event_date,event_time\n"
        "1,2026-02-01 10:00,Ada,Hamlet,46337,19:30\n"
        "2,2026-02-01 10:00,Bo,Hamlet,2026-11-11,0.8125\n"
        "3,2026-02-01 10:00,Cy,Hamlet,2026-11-11,19:30\n",
        encoding="utf-8",
    )

    report = import_sales_file(store, path, timezone=NY, excel_serial_dates=True)

    assert report["imported"] == 1 and report["excel_dates"] == []
    first, second = report["rejected"]
    assert first["row"] == 2
    assert "The event date “46337” is a number, not a date" in first["reason"]
    assert "46337 is 2026-11-11" in first["reason"]
    assert "format the column as a date" in first["reason"]
    assert second["row"] == 3
    assert "“0.8125” is a number, not a time" in second["reason"]
    assert "0.8125 is 19:30" in second["reason"]


def test_excels_29_february_1900_is_refused_with_its_reason(store, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["order_id", "order_date", "first_name", "event_name", "event_date"])
    book.active.append([1, 46054.5, "Ada", "Hamlet", 46095.8125])
    book.active.append([2, 60, "Bo", "Hamlet", 46095.8125])
    path = tmp_path / "orders.xlsx"
    book.save(path)

    report = import_sales_file(store, path, timezone=NY, excel_serial_dates=True)

    assert report["imported"] == 1
    assert [r["row"] for r in report["rejected"]] == [3]
    assert "29 February 1900, a day that never was" in report["rejected"][0]["reason"]


def test_the_rows_not_imported_keep_their_dates_as_read(store, tmp_path):
    """A row held back for another reason is written with the date it was read as:
    the corrected CSV then imports (a CSV holding 46095.8125 would be refused)."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(
        ["order_id", "order_date", "first_name", "event_name", "event_date", "price"]
    )
    book.active.append([1, 46054.5, "Ada", "Hamlet", 46095.8125, "lots"])
    path = tmp_path / "orders.xlsx"
    book.save(path)
    rejected = tmp_path / "not-imported.csv"

    import_sales_file(store, path, timezone=NY, excel_serial_dates=True, rejected_file=rejected)

    lines = rejected.read_text(encoding="utf-8-sig").splitlines()
    assert lines[1].startswith("1,2026-02-01 12:00,Ada,Hamlet,2026-03-14 19:30,lots,2,")
