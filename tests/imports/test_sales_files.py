"""Reading sales exports: encodings, delimiters, headers, dates and prices."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from domain.errors import UnreadableSalesFile
from imports.sales_file import read_sales_file
from imports.sales_values import (
    ValueProblem,
    day_first_in,
    parse_moment,
    parse_price,
    parse_quantity,
)

SAMPLES = Path(__file__).parents[1] / "fixtures" / "sales"
NY = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("$25.00", 2500),
        ("25,00 €", 2500),
        ("EUR 1.234,50", 123450),
        ("1,234.50", 123450),
        ("£7", 700),
        ("USD 10", 1000),
        ("12.5", 1250),
        ("Free", 0),
        ("", 0),
        ("0.00", 0),
        ("1 234,50", 123450),
        ("CHF 1'234.50", 123450),
    ],
)
def test_prices_in_common_forms_become_cents(text, cents):
    assert parse_price(text) == cents


@pytest.mark.parametrize("text", ["twenty", "12abc", "1.2.3,4,5x", "$", "-5", "(5.00)", "2.5555"])
def test_unreadable_or_negative_prices_are_refused_with_the_text(text):
    with pytest.raises(ValueProblem, match=re.escape(f"“{text}”")):
        parse_price(text)


@pytest.mark.parametrize(
    ("text", "expected", "has_time"),
    [
        ("2026-03-14 19:30", "2026-03-14 19:30", True),
        ("2026-03-14T19:30:00-04:00", "2026-03-14 19:30", True),
        ("2026-03-14T23:30:00Z", "2026-03-14 19:30", True),
        ("3/14/2026 7:30 PM", "2026-03-14 19:30", True),
        ("3/14/26 7:30pm", "2026-03-14 19:30", True),
        ("March 14, 2026 7:30 PM", "2026-03-14 19:30", True),
        ("Sat, Mar 14, 2026 7:30 PM", "2026-03-14 19:30", True),
        ("March 14, 2026 at 7:30 PM", "2026-03-14 19:30", True),
        ("14 Mar 2026 19:30", "2026-03-14 19:30", True),
        ("2026-03-14 19:30:00 EDT", "2026-03-14 19:30", True),
        ("2026-03-14 23:30 +0000", "2026-03-14 19:30", True),
        ("14.03.2026 19:30", "2026-03-14 19:30", True),
        ("2026-03-14", "2026-03-14 00:00", False),
        ("Mar 14, 2026", "2026-03-14 00:00", False),
    ],
)
def test_dates_in_common_forms_naive_ones_in_the_organizations_zone(text, expected, has_time):
    moment = parse_moment(text, NY)
    assert moment.at == datetime.fromisoformat(expected).replace(tzinfo=NY)
    assert moment.has_time is has_time


def test_day_first_dates_are_recognised_from_the_file():
    assert day_first_in(["01/02/2026", "14/03/2026 19:30"]) is True
    assert day_first_in(["01/02/2026", "3/14/2026"]) is False
    assert day_first_in(["01/02/2026", ""]) is None
    assert parse_moment("01/02/2026", NY, day_first=True).at.month == 2


@pytest.mark.parametrize("text", ["yesterday", "32/13/2026", "2026-02-30", "14:00"])
def test_unreadable_dates_are_refused_with_the_text(text):
    with pytest.raises(ValueProblem, match=f"“{text}”"):
        parse_moment(text, NY, what="order date")


def test_quantities_default_to_one_and_must_be_whole_positive_numbers():
    assert parse_quantity("") == 1
    assert parse_quantity("3") == parse_quantity("3.0") == 3
    for text in ("0", "-1", "1.5", "two", "100000"):
        with pytest.raises(ValueProblem, match="number of tickets"):
            parse_quantity(text)


def test_utf8_with_bom_crlf_and_comma(tmp_path):
    sales = read_sales_file(SAMPLES / "eventbrite.csv")
    # (line 1 of each sample says where its shape comes from; the header follows)
    assert (sales.encoding, sales.delimiter, sales.header_row) == ("utf-8-sig", ",", 2)
    assert sales.headers[0] == "Order #"
    assert sales.mapping["first_name"] == "Buyer First Name"  # the buyer, not the attendee
    assert [number for number, _ in sales.rows] == [3, 4, 5, 6]


def test_cp1252_semicolons_and_title_lines_above_the_header():
    sales = read_sales_file(SAMPLES / "brown_paper_tickets.csv")
    assert (sales.encoding, sales.delimiter, sales.header_row) == ("cp1252", ";", 5)
    assert [number for number, _ in sales.rows] == [6, 7, 8]
    assert sales.rows[-1][1][8] == "Zoë"
    assert sales.mapping["barcode"] == "Ticket Barcode"


def test_tabs_quoted_line_breaks_and_latin1(tmp_path):
    text = (
        "order_id\torder_date\tfirst_name\tevent_name\tevent_date\n"
        '1\t2026-02-01\t"Ren\xe9e\nand friend"\tHamlet\t2026-03-14 19:30\n'
        "2\t2026-02-01\tBo\tHamlet\t2026-03-14 19:30\n"
    )
    path = tmp_path / "tabs.csv"
    path.write_bytes(text.encode("latin-1"))
    sales = read_sales_file(path)
    assert sales.delimiter == "\t" and sales.layout.key == "generic"
    assert sales.rows[0][1][2] == "Renée\nand friend"
    assert [number for number, _ in sales.rows] == [2, 3]  # as a spreadsheet numbers them


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\n\n", "empty"),
        (b"PK\x03\x04\x00\x00binary spreadsheet", "not a CSV"),
    ],
)
def test_unusable_files_say_why(tmp_path, content, message):
    path = tmp_path / "sales.csv"
    path.write_bytes(content)
    with pytest.raises(UnreadableSalesFile, match=message):
        read_sales_file(path)


def test_a_missing_file_or_a_folder_is_named(tmp_path):
    with pytest.raises(UnreadableSalesFile, match="There is no file"):
        read_sales_file(tmp_path / "nope.csv")
    with pytest.raises(UnreadableSalesFile, match="is a folder"):
        read_sales_file(tmp_path)


def test_mapping_to_a_column_the_file_lacks_is_refused():
    sales = read_sales_file(SAMPLES / "generic.csv")
    with pytest.raises(UnreadableSalesFile, match="no column called “Nope”"):
        sales.with_mapping({"email": "Nope"})
    with pytest.raises(UnreadableSalesFile, match="not a field we import"):
        sales.with_mapping({"shoe_size": "email"})
    assert "email" not in sales.with_mapping({"email": ""})
