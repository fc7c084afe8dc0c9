"""Printed tickets scan back to their codes: PDF files, the printer path, the dialogs.

Pages are turned into pixels with poppler's pdftoppm and read back with zbar
(pyzbar), as a door scanner would; the text layer is read with pdftotext.
"""

from __future__ import annotations

import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QFileDialog, QWidget

from desktop import ticket_design
from desktop.background import Cancelled
from desktop.formatting import money
from desktop.ticket_printing import (
    TicketData,
    paint_ticket,
    print_on,
    print_tickets,
    render_tickets_pdf,
    save_tickets_dialog,
    ticket_image,
)
from desktop.ticket_symbols import MODULE_WIDTH
from domain.ticket_codes import ALPHABET, grouped, is_own_code, new_code
from tests.poppler import needs_poppler, pdf_text

DIGIT_RUNS = next(
    f"3467934679{c}{d}" for c in ALPHABET for d in ALPHABET if is_own_code(f"3467934679{c}{d}")
)


def ticket(code: str, **changes) -> dict:
    values = dict(
        code=code,
        title="The Marriage of Figaro",
        starts_at="2026-11-21T19:30:00+00:00",
        venue="Main Hall, 12 Mill Lane",
        price_level="Adult",
        price_cents=4550,
        patron_name="Ada Lovelace",
        order_id="8c1f2a3b-1111-2222-3333-444455556666",
        organization="Riverside Opera",
    )
    values.update(changes)
    return values


@pytest.fixture
def tickets() -> list[dict]:
    """Four tickets: random codes, a code heavy in digits, and an online-sales barcode."""
    return [
        ticket(new_code(), patron_name="Zoë Adams"),
        ticket(new_code(), patron_name="", price_level="Complimentary", price_cents=0),
        ticket(DIGIT_RUNS, title="Winterreise", venue="Chapel"),  # Code 128 set C runs
        ticket("EVB-2026-000123456", patron_name="Grace Hopper"),  # external code
    ]


def pages_as_pixels(pdf: Path, dpi: int = 150) -> list[tuple[bytes, int, int]]:
    """Each page as 8-bit grey pixels (pdftoppm writes binary PGM files)."""
    out = pdf.parent / (pdf.stem + "-page")
    subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), str(pdf), str(out)], check=True)
    pages = []
    for file in sorted(pdf.parent.glob(out.name + "-*.pgm")):
        data = file.read_bytes()
        magic, size, depth, pixels = data.split(b"\n", 3)
        assert (magic, depth) == (b"P5", b"255")
        width, height = map(int, size.split())
        pages.append((pixels, width, height))
    return pages


def scanned(pixels: tuple[bytes, int, int]) -> dict[str, list[str]]:
    """What zbar reads on one page, by symbology."""
    from pyzbar.pyzbar import decode

    found: dict[str, list[str]] = {}
    for symbol in decode(pixels):
        found.setdefault(symbol.type, []).append(symbol.data.decode())
    return found


def page_texts(pdf: Path) -> list[str]:
    return pdf_text(pdf).split("\f")[:-1]  # every page ends with a form feed


@needs_poppler
@pytest.mark.parametrize("page_size", ["A4", "Letter", "ticket"])
def test_every_page_scans_back_to_its_tickets_code(qapp, tmp_path, tickets, page_size):
    pdf = render_tickets_pdf(tickets, tmp_path / "tickets.pdf", page_size)

    pages = pages_as_pixels(pdf)
    assert len(pages) == len(tickets)
    for page, sold in zip(pages, tickets, strict=True):
        symbols = scanned(page)
        assert symbols.get("CODE128") == [sold["code"]]
        assert symbols.get("QRCODE") == [sold["code"]]


LEADING_99 = next(
    f"99{a}CEFGHJK3{c}" for a in ALPHABET for c in ALPHABET if is_own_code(f"99{a}CEFGHJK3{c}")
)


@needs_poppler
def test_codes_starting_with_99_keep_their_first_digits(qapp, tmp_path):
    # python-barcode 0.16.1 drops a leading "99" in code set C (its issue #251)
    codes = [LEADING_99, "9912345678", "99", "993"]
    pdf = render_tickets_pdf([ticket(code) for code in codes], tmp_path / "t.pdf", "ticket")

    pages = pages_as_pixels(pdf)
    assert [scanned(page)["CODE128"] for page in pages] == [[code] for code in codes]


@needs_poppler
def test_the_code_is_printed_as_text_grouped_for_reading_aloud(qapp, tmp_path, tickets):
    pdf = render_tickets_pdf(tickets, tmp_path / "tickets.pdf", "A4")

    texts = page_texts(pdf)
    assert len(texts) == len(tickets)
    for text, sold in zip(texts, tickets, strict=True):
        own = sold["code"] != "EVB-2026-000123456"
        printed = grouped(sold["code"]) if own else sold["code"]
        assert printed in text
        assert sold["title"] in text
        assert sold["venue"] in text
        assert "RIVERSIDE OPERA" in text
        if sold["patron_name"]:
            assert sold["patron_name"] in text
    assert f"3467-9346-79{DIGIT_RUNS[-2:]}" in texts[2]  # grouped 4-4-4 from the start
    assert "Complimentary" in texts[1]


@pytest.fixture
def british(qapp):
    previous = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    yield
    QLocale.setDefault(previous)


@needs_poppler
def test_date_and_time_are_local_and_the_price_in_the_organizations_currency(british, tmp_path):
    starts_at = "2026-06-12T21:30:00+02:00"
    local = datetime.fromisoformat(starts_at).astimezone()  # this computer's time zone
    pdf = render_tickets_pdf(
        [ticket(new_code(), starts_at=starts_at, price_cents=123456)], tmp_path / "t.pdf", "ticket"
    )

    text = page_texts(pdf)[0]
    day = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    month = (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    )
    assert f"{local.hour:02d}:{local.minute:02d}" in text
    assert f"{day[local.weekday()]}, {local.day} {month[local.month - 1]} {local.year}" in text
    short = f"{day[local.weekday()][:3]} {local.day} {month[local.month - 1][:3]} {local.year}"
    assert short in text  # on the stub
    assert money(123456) == "£1,234.56"  # the currency of the country (none was chosen)
    assert money(123456) in text  # the organization's currency, as on every screen


@needs_poppler
@pytest.mark.parametrize(
    ("country", "points"),
    [(QLocale.Country.UnitedStates, (612, 792)), (QLocale.Country.Germany, (595, 842))],
)
def test_without_a_page_size_us_users_get_letter_and_others_a4(qapp, tmp_path, country, points):
    previous = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, country))
    try:
        pdf = render_tickets_pdf([ticket(new_code())], tmp_path / "t.pdf")
    finally:
        QLocale.setDefault(previous)

    assert pdf_page_size(pdf) == points


def pdf_page_size(pdf: Path) -> tuple[int, int]:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    size = next(line for line in info.stdout.splitlines() if line.startswith("Page size"))
    width, height = (round(float(n)) for n in size.split()[2:5:2])
    return width, height


@needs_poppler
def test_ticket_stock_pages_are_eight_by_three_and_a_quarter_inches(qapp, tmp_path):
    pdf = render_tickets_pdf([ticket(new_code())], tmp_path / "t.pdf", "ticket")

    assert pdf_page_size(pdf) == (8 * 72, 234)  # 3.25 in = 234 pt


@needs_poppler
def test_tickets_are_drawn_as_vectors_without_pictures(qapp, tmp_path, tickets):
    pdf = render_tickets_pdf(tickets, tmp_path / "tickets.pdf", "Letter")

    listing = subprocess.run(
        ["pdfimages", "-list", str(pdf)], check=True, capture_output=True, text=True
    ).stdout.splitlines()
    assert len(listing) == 2  # the heading lines only: no raster image on any page


@needs_poppler
def test_printing_to_a_pdf_printer_needs_no_dialog(qapp, tmp_path, tickets):
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))

    assert print_on(printer, tickets) == len(tickets)

    pages = pages_as_pixels(tmp_path / "printed.pdf")
    assert [scanned(page)["CODE128"] for page in pages] == [[t["code"]] for t in tickets]


@needs_poppler
def test_ticket_printers_feeding_the_short_edge_first_get_the_ticket_turned(
    qapp, tmp_path, tickets
):
    from PySide6.QtCore import QMarginsF, QSizeF
    from PySide6.QtGui import QPageLayout, QPageSize

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "stock.pdf"))
    tall = QPageSize(
        QSizeF(82.55, 203.2),
        QPageSize.Unit.Millimeter,
        "stock",
        QPageSize.SizeMatchPolicy.ExactMatch,
    )
    printer.setPageLayout(QPageLayout(tall, QPageLayout.Orientation.Portrait, QMarginsF()))

    print_on(printer, tickets[:2])

    assert pdf_page_size(tmp_path / "stock.pdf") == (234, 8 * 72)
    pages = pages_as_pixels(tmp_path / "stock.pdf")
    assert [scanned(page)["CODE128"] for page in pages] == [[t["code"]] for t in tickets[:2]]
    words = page_texts(tmp_path / "stock.pdf")[0]
    assert "At the door" not in words  # the ticket alone, not a sheet with a guide


@pytest.fixture
def print_dialog(monkeypatch, tmp_path):
    """Answer the print dialog like a user would: choose a PDF printer (or cancel)."""
    answers = {"accept": True, "pages": (0, 0)}
    shown = []

    def exec_(dialog):
        shown.append(dialog.windowTitle())
        printer = dialog.printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(tmp_path / "from-dialog.pdf"))
        printer.setFromTo(*answers["pages"])
        return QPrintDialog.DialogCode.Accepted if answers["accept"] else 0

    monkeypatch.setattr(QPrintDialog, "exec", exec_)
    answers["shown"] = shown
    return answers


@needs_poppler
def test_print_tickets_prints_what_the_print_dialog_chose(qtbot, tmp_path, tickets, print_dialog):
    parent = QWidget()
    qtbot.addWidget(parent)

    assert print_tickets(parent, tickets) is True

    assert print_dialog["shown"] == ["Print tickets"]
    pages = pages_as_pixels(tmp_path / "from-dialog.pdf")
    assert [scanned(page)["CODE128"] for page in pages] == [[t["code"]] for t in tickets]


@needs_poppler
def test_a_page_range_chosen_in_the_dialog_prints_only_those_tickets(
    qtbot, tmp_path, tickets, print_dialog
):
    print_dialog["pages"] = (2, 3)

    assert print_tickets(None, tickets) is True

    pages = pages_as_pixels(tmp_path / "from-dialog.pdf")
    assert [scanned(page)["CODE128"] for page in pages] == [
        [tickets[1]["code"]],
        [tickets[2]["code"]],
    ]


def test_cancelling_the_print_dialog_prints_nothing(qtbot, tmp_path, tickets, print_dialog):
    print_dialog["accept"] = False

    assert print_tickets(None, tickets) is False

    assert not (tmp_path / "from-dialog.pdf").exists()


@needs_poppler
def test_save_dialog_writes_a_pdf_with_the_extension_added(qtbot, tmp_path, tickets, monkeypatch):
    asked = []

    def get_save_file_name(parent, caption, suggested, filters):
        asked.append((caption, Path(suggested).name, filters))
        return str(tmp_path / "my tickets"), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", get_save_file_name)

    path = save_tickets_dialog(None, tickets[:2])

    assert path == tmp_path / "my tickets.pdf"
    caption, suggested, filters = asked[0]
    assert suggested == f"tickets-the-marriage-of-figaro-{tickets[0]['code']}.pdf"
    assert "*.pdf" in filters
    pages = pages_as_pixels(path)
    assert [scanned(page)["CODE128"] for page in pages] == [[t["code"]] for t in tickets[:2]]


def test_cancelling_the_save_dialog_writes_nothing(qtbot, tmp_path, tickets, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: ("", ""))

    assert save_tickets_dialog(None, tickets) is None
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def runner(qtbot):
    from desktop.background import BackgroundRunner

    runner = BackgroundRunner()
    yield runner
    assert runner.shutdown(30_000)


@needs_poppler
def test_many_tickets_are_saved_in_the_background_with_progress(
    qtbot, tmp_path, tickets, monkeypatch, runner
):
    many = [ticket(new_code(), patron_name=f"Guest {n}") for n in range(40)] + tickets
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: (str(tmp_path / "all.pdf"), ""))
    saved = []

    path = save_tickets_dialog(None, many, "ticket", runner=runner, on_done=saved.append)

    qtbot.waitUntil(lambda: saved == [path], timeout=30_000)
    pages = pages_as_pixels(path, dpi=150)
    assert [scanned(page)["CODE128"] for page in pages] == [[t["code"]] for t in many]


@needs_poppler
def test_printing_in_the_background_reports_the_pages(
    qtbot, tmp_path, tickets, print_dialog, runner
):
    printed = []

    assert print_tickets(None, tickets, runner=runner, on_done=printed.append) is True

    qtbot.waitUntil(lambda: printed == [len(tickets)], timeout=30_000)
    pages = pages_as_pixels(tmp_path / "from-dialog.pdf")
    assert [scanned(page)["CODE128"] for page in pages] == [[t["code"]] for t in tickets]


def test_a_file_that_cannot_be_written_is_explained(qtbot, tmp_path, tickets, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    target = tmp_path / "no such folder" / "tickets.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: (str(target), ""))
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: warnings.append(args[1:]))

    assert save_tickets_dialog(None, tickets) is None

    assert warnings == [
        ("Saving the tickets failed", f"The PDF file could not be written: {target}")
    ]
    assert not target.parent.exists()


class CancelAfter:
    """Stands in for the background helper's progress object."""

    def __init__(self, pages: int):
        self.pages, self.reports = pages, []

    def update(self, done, total=None, message=""):
        self.reports.append((done, total, message))

    @property
    def cancelled(self) -> bool:
        return len(self.reports) >= self.pages


def test_rendering_reports_progress_and_stops_when_cancelled(qapp, tmp_path, tickets):
    progress = CancelAfter(pages=2)

    with pytest.raises(Cancelled):
        render_tickets_pdf(tickets, tmp_path / "tickets.pdf", progress=progress)

    assert [(done, total) for done, total, _ in progress.reports] == [(1, 4), (2, 4)]
    assert progress.reports[0][2] == "Ticket 1 of 4"
    assert list(tmp_path.iterdir()) == []  # neither the file nor a half-written part


def test_without_a_cancel_every_page_is_reported(qapp, tmp_path, tickets):
    progress = CancelAfter(pages=99)

    path = render_tickets_pdf(tickets, tmp_path / "tickets.pdf", progress=progress)

    assert path.read_bytes().startswith(b"%PDF")
    assert [done for done, _, _ in progress.reports] == [1, 2, 3, 4]
    assert list(tmp_path.iterdir()) == [path]


def test_the_organization_setting_is_printed_when_a_ticket_does_not_name_one(
    qapp, monkeypatch, tickets
):
    monkeypatch.setattr(ticket_design, "organization_name", lambda settings=None: "Town Hall")
    unnamed = {k: v for k, v in tickets[0].items() if k != "organization"}

    printed = ticket_design.tickets_from([unnamed, tickets[1]])

    assert [t.organization for t in printed] == ["Town Hall", "Riverside Opera"]


def test_bad_ticket_data_is_refused_before_anything_is_written(qapp, tmp_path):
    with pytest.raises(ValueError, match="code"):
        render_tickets_pdf([ticket("")], tmp_path / "t.pdf")
    with pytest.raises(TypeError, match="cents"):
        render_tickets_pdf([ticket(new_code(), price_cents=45.5)], tmp_path / "t.pdf")
    with pytest.raises(ValueError, match="page size"):
        render_tickets_pdf([ticket(new_code())], tmp_path / "t.pdf", "A5")
    with pytest.raises(ValueError, match="no tickets"):
        render_tickets_pdf([], tmp_path / "t.pdf")
    assert list(tmp_path.iterdir()) == []


def test_the_same_painting_works_on_an_image_for_a_preview(qapp):
    sold = TicketData.from_dict(ticket(new_code()))

    image = ticket_image(sold, width=1600)

    symbols = scanned(_grey(image))
    assert symbols["CODE128"] == [sold.code]
    assert symbols["QRCODE"] == [sold.code]


@pytest.mark.parametrize("width", [1000, 1333, 2400])
def test_on_raster_devices_bars_are_whole_pixels_wide_and_crisp(qapp, width):
    image = ticket_image(ticket(new_code()), width=width)
    pixels, w, _ = _grey(image)
    scale = width / ticket_design.TICKET_WIDTH
    row = int(
        (ticket_design.BARCODE_TOP + ticket_design.BARCODE_HEIGHT / 2) * scale
    )  # through the middle
    left = int(ticket_design.PAD * scale)
    right = int((ticket_design.PAD + ticket_design.BARCODE_BOX_WIDTH) * scale)
    line = pixels[row * w + left : row * w + right]

    assert set(line) == {0, 255}  # no grey, half-covered pixels at the edges of bars
    bars = [len(run) for run in bytes(line).split(b"\xff") if run]
    module = min(bars)
    assert module >= 2
    assert all(bar % module == 0 for bar in bars)
    assert max(bars) <= 4 * module  # Code 128 bars are 1 to 4 modules wide
    assert module == round(MODULE_WIDTH * scale)  # 0.45 mm, as designed


def test_paint_ticket_keeps_the_ticket_in_proportion_inside_any_rectangle(qapp):
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QColor, QImage, QPainter

    image = QImage(1000, 1000, QImage.Format.Format_RGB32)
    image.fill(QColor("#ff00ff"))
    painter = QPainter(image)
    paint_ticket(painter, QRectF(0, 0, 1000, 1000), ticket(new_code()))
    painter.end()

    magenta = QColor("#ff00ff").rgb()
    height = ticket_design.TICKET_HEIGHT / ticket_design.TICKET_WIDTH * 1000
    top = (1000 - height) / 2
    assert image.pixel(500, int(top) - 3) == magenta  # untouched above and below
    assert image.pixel(500, int(top + height) + 3) == magenta
    assert image.pixel(500, int(top) + 20) != magenta  # the ticket in the middle
    assert image.pixel(500, int(top + height) - 20) != magenta


def _grey(image) -> tuple[bytes, int, int]:
    from PySide6.QtGui import QImage

    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    width, height, stride = grey.width(), grey.height(), grey.bytesPerLine()
    data = bytes(grey.constBits())
    rows = b"".join(data[y * stride : y * stride + width] for y in range(height))
    return rows, width, height
