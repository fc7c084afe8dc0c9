"""Print a report, or save it as a PDF: title, description, summary, the chart and
the whole table over as many pages as it takes.

Layout is in points (1/72 inch) and fonts in point sizes, so the same painting
serves a 1200-dpi printer and a PDF file. The chart is drawn as a sharp picture.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPageLayout,
    QPainter,
    QPdfWriter,
)
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QWidget

from desktop import formatting
from desktop.report_catalog import DATE, MOMENT, MONTH, TEXT, ReportDefinition, cells
from desktop.report_chart import chart_image
from desktop.ticket_printing import default_page_size, page_size_for

TEXT_KINDS = (TEXT, MOMENT, DATE, MONTH)
BODY_PT, SMALL_PT = 8.5, 7.5


def tr(text: str) -> str:
    return QCoreApplication.translate("Reports", text)


class _Page:
    """Points to device pixels, and fonts for one device."""

    def __init__(self, painter: QPainter, device: QPrinter | QPdfWriter):
        self.painter = painter
        self.device = device
        self.u = device.resolution() / 72.0
        area = device.pageLayout().paintRectPixels(device.resolution())
        self.width = area.width() / self.u
        self.height = area.height() / self.u

    def font(self, points: float, bold: bool = False) -> QFont:
        font = QFont()
        font.setPointSizeF(points)
        font.setBold(bold)
        return font

    def rect(self, x: float, y: float, w: float, h: float) -> QRectF:
        u = self.u
        return QRectF(x * u, y * u, w * u, h * u)

    def paragraph(
        self, y: float, text: str, points: float, bold: bool = False, color: str = "#1d2733"
    ) -> float:
        """Wrapped text across the page at ``y``; returns the height used (points)."""
        if not text:
            return 0.0
        font = self.font(points, bold)
        metrics = QFontMetricsF(font, self.device)
        flags = int(Qt.TextFlag.TextWordWrap) | int(Qt.AlignmentFlag.AlignLeft)
        box = metrics.boundingRect(QRectF(0, 0, self.width * self.u, 1e6), flags, text)
        height = box.height() / self.u
        self.painter.setFont(font)
        self.painter.setPen(QColor(color))
        self.painter.drawText(self.rect(0, y, self.width, height + 2), flags, text)
        return height

    def cell(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        text: str,
        points: float,
        bold: bool = False,
        right: bool = False,
    ) -> None:
        font = self.font(points, bold)
        metrics = QFontMetricsF(font, self.device)
        pad = 3.0
        shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, (w - 2 * pad) * self.u)
        align = Qt.AlignmentFlag.AlignRight if right else Qt.AlignmentFlag.AlignLeft
        self.painter.setFont(font)
        self.painter.drawText(
            self.rect(x + pad, y, w - 2 * pad, h), int(align | Qt.AlignmentFlag.AlignVCenter), shown
        )


def _widths(definition: ReportDefinition, rows: list[list[str]], width: float) -> list[float]:
    weights = []
    for i, column in enumerate(definition.columns):
        longest = max([len(tr(column.title))] + [len(str(r[i])) for r in rows[:300]])
        weights.append(min(max(longest, 5), 34))
    total = sum(weights)
    return [width * w / total for w in weights]


def paint_report(
    device: QPrinter | QPdfWriter,
    definition: ReportDefinition,
    rows: Sequence[dict],
    summary: str = "",
    printed_at: datetime | None = None,
) -> int:
    """Paint the report on ``device`` (a QPrinter or QPdfWriter); returns the pages."""
    painter = QPainter()
    if not painter.begin(device):
        raise OSError(tr("The printer or file could not be opened."))
    try:
        page = _Page(painter, device)
        table = cells(definition, rows)
        title = tr(definition.title)
        # an instant, written on the organization's clock by formatting (not this computer's)
        when = formatting.moment(printed_at or datetime.now(tz=UTC), weekday=False)
        y = page.paragraph(0, title, 18, bold=True) + 4
        y += page.paragraph(y, tr(definition.description), 9, color="#52606d") + 6
        y += page.paragraph(y, summary, 10, bold=True) + 8
        if definition.chart is not None and rows:
            image = chart_image(definition, rows)
            chart_w = page.width
            chart_h = chart_w * image.height() / image.width()
            chart_h = min(chart_h, page.height * 0.42)
            painter.drawImage(page.rect(0, y, chart_w, chart_h), image)
            y += chart_h + 10
        widths = _widths(definition, table, page.width)
        row_h, footer_h = BODY_PT * 1.9, 16.0
        number = 1

        def header(at: float) -> float:
            painter.fillRect(page.rect(0, at, page.width, row_h), QColor("#e7ecf2"))
            painter.setPen(QColor("#1d2733"))
            x = 0.0
            for column, w in zip(definition.columns, widths, strict=True):
                page.cell(
                    x,
                    at,
                    w,
                    row_h,
                    tr(column.title),
                    BODY_PT,
                    bold=True,
                    right=column.kind not in TEXT_KINDS,
                )
                x += w
            return at + row_h

        def footer() -> None:
            painter.setPen(QColor("#7b8794"))
            text = tr("Houselights · {title} · {when} · page {n}").format(
                title=title, when=when, n=number
            )
            page.cell(0, page.height - footer_h, page.width, footer_h, text, SMALL_PT)

        y = header(y)
        for i, line in enumerate(table):
            if y + row_h > page.height - footer_h:
                footer()
                if not device.newPage():
                    raise OSError(tr("The printer could not start a new page."))
                number += 1
                y = header(0.0)
            if i % 2:
                painter.fillRect(page.rect(0, y, page.width, row_h), QColor("#f5f7fa"))
            painter.setPen(QColor("#1d2733"))
            x = 0.0
            for column, w, value in zip(definition.columns, widths, line, strict=True):
                page.cell(x, y, w, row_h, value, BODY_PT, right=column.kind not in TEXT_KINDS)
                x += w
            y += row_h
        if not table:
            page.paragraph(y + 6, tr("No rows."), BODY_PT)
        footer()
        return number
    finally:
        painter.end()


def _setup(device, definition: ReportDefinition) -> None:
    device.setPageSize(page_size_for(default_page_size()))
    wide = len(definition.columns) > 6
    device.setPageOrientation(
        QPageLayout.Orientation.Landscape if wide else QPageLayout.Orientation.Portrait
    )


def save_report_pdf(
    path: str | Path, definition: ReportDefinition, rows: Sequence[dict], summary: str = ""
) -> Path:
    """Write the report to a PDF file at ``path``; returns it."""
    path = Path(path)
    writer = QPdfWriter(str(path))
    writer.setResolution(600)
    writer.setTitle(tr(definition.title))
    writer.setCreator("Houselights")
    _setup(writer, definition)
    paint_report(writer, definition, rows, summary)
    del writer  # finishes the file
    return path


def print_report(
    parent: QWidget | None,
    definition: ReportDefinition,
    rows: Sequence[dict],
    summary: str = "",
    printer: QPrinter | None = None,
) -> bool:
    """Ask which printer (the system's print dialog), then print; False if cancelled."""
    printer = printer or QPrinter(QPrinter.PrinterMode.HighResolution)
    _setup(printer, definition)
    printer.setDocName(tr(definition.title))
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(tr("Print {title}").format(title=tr(definition.title)))
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    paint_report(printer, definition, rows, summary)
    return True
