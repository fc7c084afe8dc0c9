"""Printable tickets: PDF files and the printer, one ticket per page.

* ``render_tickets_pdf(tickets, path, page_size)`` writes one ticket per page
  (A4 or Letter sheets) or per card of ticket stock (``"ticket"``, 8 x 3.25 in).
* ``print_tickets(parent, tickets)`` asks with the normal print dialog;
  ``save_tickets_dialog(parent, tickets)`` asks for a file name. Both can work
  in the background behind a progress dialog when handed the app's runner.
* ``print_on(printer, tickets)`` prints on a printer set up elsewhere.

Tickets come in as plain dicts (keys: see ``TicketData``); every page is drawn
by ``desktop.ticket_design.paint_ticket``, so paper, PDF and previews match.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMarginsF, QRectF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.background import BackgroundRunner, Cancelled, run_with_progress
from desktop.file_dialogs import save_file_name
from desktop.ticket_design import (
    TICKET_HEIGHT,
    TICKET_WIDTH,
    TicketData,
    paint_sheet,
    paint_ticket,
    ticket_image,
    tickets_from,
)
from domain.ticket_codes import normalize_code

__all__ = [
    "PAGE_SIZES",
    "TicketData",
    "default_page_size",
    "paint_ticket",
    "print_on",
    "print_tickets",
    "render_tickets_pdf",
    "save_tickets_dialog",
    "ticket_image",
]


def _tr(text: str) -> str:
    return QCoreApplication.translate("TicketPrinting", text)


PAGE_SIZES = ("A4", "Letter", "ticket")


def default_page_size() -> str:
    """Letter in the organization's country where that is the paper (US, Canada...), else A4."""
    from desktop.formatting import paper_size

    return paper_size()


def page_size_for(name: str) -> QPageSize:
    if name == "A4":
        return QPageSize(QPageSize.PageSizeId.A4)
    if name == "Letter":
        return QPageSize(QPageSize.PageSizeId.Letter)
    if name == "ticket":
        return QPageSize(
            QSizeF(TICKET_WIDTH / 10, TICKET_HEIGHT / 10),
            QPageSize.Unit.Millimeter,
            _tr("Ticket stock 8 × 3.25 in"),
            QPageSize.SizeMatchPolicy.ExactMatch,
        )
    raise ValueError(f"page size must be one of {', '.join(PAGE_SIZES)}, not {name!r}")


def _is_ticket_stock(page: QRectF) -> bool:
    """A page shaped like a ticket (wide and low) gets the ticket only."""
    return page.width() > 1.6 * page.height()


def _paint_page(painter: QPainter, page: QRectF, ticket: TicketData, dpi: int) -> None:
    """One ticket on a page: on ticket stock as it is, on paper as a sheet.

    Ticket printers that feed the stock short edge first report a tall, narrow
    page (3.25 x 8 in): the ticket is turned a quarter to fill it.
    """
    if _is_ticket_stock(page):
        paint_ticket(painter, page, ticket)
    elif page.height() > 1.6 * page.width() and page.width() < 120 / 25.4 * dpi:
        painter.save()
        try:
            painter.translate(page.left() + page.width(), page.top())
            painter.rotate(90)
            paint_ticket(painter, QRectF(0, 0, page.height(), page.width()), ticket)
        finally:
            painter.restore()
    else:
        paint_sheet(painter, page, ticket)


def paint_tickets(
    painter: QPainter,
    device: QPdfWriter | QPrinter,
    tickets: Sequence[TicketData],
    progress: Callable[[int, int], bool] | None = None,
) -> int:
    """Paint ``tickets`` one per page on an active painter; returns the pages painted.

    ``progress(done, total)`` is called after each page; when it returns False
    painting stops (cancelled).
    """
    total = len(tickets)
    for number, ticket in enumerate(tickets):
        if number and not device.newPage():
            raise OSError(_tr("The printer did not accept another page."))
        layout = device.pageLayout()
        paint = layout.paintRectPixels(device.resolution())
        page = QRectF(0, 0, paint.width(), paint.height())
        _paint_page(painter, page, ticket, device.resolution())
        if progress is not None and progress(number + 1, total) is False:
            return number + 1
    return total


def _reporter(progress) -> Callable[[int, int], bool]:
    """Adapt the background helper's progress object to ``paint_tickets``."""

    def report(done: int, total: int) -> bool:
        if progress is None:
            return True
        message = _tr("Ticket {done} of {total}").format(done=done, total=total)
        progress.update(done, total, message)
        return not progress.cancelled

    return report


def render_tickets_pdf(
    tickets: Iterable[Mapping | TicketData],
    path: str | Path,
    page_size: str | None = None,
    *,
    organization: str | None = None,
    progress=None,
) -> Path:
    """Write the tickets to a PDF file, one per page; returns the path.

    ``page_size`` is "A4", "Letter" or "ticket" (8 x 3.25 in ticket stock);
    without one, Letter in the US and A4 elsewhere (``default_page_size``).
    ``progress`` is the background helper's progress object (optional): the
    work reports each page and, when cancelled, raises ``Cancelled`` and
    leaves no file behind. Safe to call on a worker thread.
    """
    items = tickets_from(tickets, organization)
    if not items:
        raise ValueError("there are no tickets to print")
    page_size = page_size or default_page_size()
    size = page_size_for(page_size)
    path = Path(path)
    partial = path.with_name(path.name + ".part")
    writer = QPdfWriter(str(partial))
    writer.setCreator("Houselights")
    writer.setTitle(_tr("Tickets"))
    writer.setResolution(1200)
    margins = QMarginsF(0, 0, 0, 0) if page_size == "ticket" else QMarginsF(8, 8, 8, 8)
    writer.setPageLayout(
        QPageLayout(size, QPageLayout.Orientation.Portrait, margins, QPageLayout.Unit.Millimeter)
    )
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(_tr("The PDF file could not be written: {path}").format(path=path))
    try:
        painted = paint_tickets(painter, writer, items, _reporter(progress))
    finally:
        painter.end()
        del writer
    if painted < len(items):
        partial.unlink(missing_ok=True)
        raise Cancelled()
    partial.replace(path)
    return path


def print_on(
    printer: QPrinter,
    tickets: Iterable[Mapping | TicketData],
    organization: str | None = None,
    progress=None,
) -> int:
    """Print on an already set-up printer (no dialog); honours its page range.

    Returns the pages printed. With a ``progress`` object (background helper)
    each page is reported; a cancel aborts the print job and raises ``Cancelled``.
    """
    items = tickets_from(tickets, organization)
    first, last = printer.fromPage(), printer.toPage()
    if first > 0:
        items = items[first - 1 : last if last >= first else None]
    if not items:
        return 0
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError(_tr("The printer could not be started."))
    try:
        painted = paint_tickets(painter, printer, items, _reporter(progress))
        if painted < len(items):
            printer.abort()
            raise Cancelled()
    finally:
        painter.end()
    return painted


def _failed(parent: QWidget | None, title: str):
    def tell(error: BaseException, _traceback: str = "") -> None:
        reason = getattr(error, "strerror", None) or str(error)
        QMessageBox.warning(parent, title, reason)

    return tell


def print_tickets(
    parent: QWidget | None,
    tickets,
    organization: str | None = None,
    runner: BackgroundRunner | None = None,
    on_done: Callable[[int], None] | None = None,
) -> bool:
    """Ask with the normal print dialog, then print one ticket per page.

    Returns False when the user cancelled the dialog. Without a ``runner`` the
    tickets are printed before this returns (a handful take milliseconds);
    with the app's ``BackgroundRunner`` they print in the background behind a
    progress dialog with Cancel, and ``on_done(pages)`` follows. Failures are
    told to the user in a message box.
    """
    items = tickets_from(tickets, organization)
    if not items:
        return False
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(_tr("Tickets"))
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(_tr("Print tickets"))
    dialog.setMinMax(1, len(items))
    dialog.setOption(QPrintDialog.PrintDialogOption.PrintPageRange, True)
    dialog.setOption(QPrintDialog.PrintDialogOption.PrintToFile, True)
    dialog.setOption(QPrintDialog.PrintDialogOption.PrintSelection, False)
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    failed = _failed(parent, _tr("Printing failed"))
    if runner is None:
        try:
            pages = print_on(printer, items)
        except OSError as error:
            failed(error)
            return False
        if on_done is not None:
            on_done(pages)
        return True

    def work(progress):
        return print_on(printer, items, progress=progress)  # keeps the printer alive

    run_with_progress(
        parent, runner, _tr("Printing tickets…"), work, on_done=on_done, on_error=failed
    )
    return True


def suggested_file_name(tickets: Sequence[TicketData]) -> str:
    first = tickets[0]
    title = "".join(ch if ch.isalnum() else "-" for ch in first.title).strip("-") or "tickets"
    while "--" in title:
        title = title.replace("--", "-")
    return f"tickets-{title.lower()}-{normalize_code(first.code)}.pdf"


def save_tickets_dialog(
    parent: QWidget | None,
    tickets,
    page_size: str | None = None,
    organization: str | None = None,
    runner: BackgroundRunner | None = None,
    on_done: Callable[[Path], None] | None = None,
) -> Path | None:
    """Ask for a file name and save the tickets there as a PDF.

    Returns the file's path, or None when the user cancelled (or, without a
    runner, when writing failed: the user has then been told why). Without a
    ``runner`` the file is written before this returns; with the app's
    ``BackgroundRunner`` it is written in the background behind a progress
    dialog with Cancel, and ``on_done(path)`` follows.
    """
    items = tickets_from(tickets, organization)
    if not items:
        return None
    chosen, _ = save_file_name(
        parent,
        "pdf",
        _tr("Save tickets as a PDF file"),
        suggested_file_name(items),
        _tr("PDF files (*.pdf)"),
    )
    if not chosen:
        return None
    path = Path(chosen)
    if path.suffix.lower() != ".pdf":
        path = path.with_name(path.name + ".pdf")
    failed = _failed(parent, _tr("Saving the tickets failed"))
    if runner is None:
        try:
            render_tickets_pdf(items, path, page_size)
        except OSError as error:
            failed(error)
            return None
        if on_done is not None:
            on_done(path)
        return path

    def work(progress):
        return render_tickets_pdf(items, path, page_size, progress=progress)

    run_with_progress(
        parent, runner, _tr("Saving tickets…"), work, on_done=on_done, on_error=failed
    )
    return path
