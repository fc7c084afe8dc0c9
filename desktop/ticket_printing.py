"""Printable tickets: PDF files and the printer, drawn by one painting function.

A ticket is handed in as a plain dict (see ``TicketData``) and drawn with
QPainter in vector form: a Code 128 barcode for the door's USB scanners (many
read only 1D codes), a QR code on the stub for phone cameras, and the code in
large monospace text (4-4-4) for typing it in when nothing scans.

* ``paint_ticket(painter, rect, ticket)`` draws one ticket into any rectangle
  of any paint device (PDF writer, printer, image); everything else calls it.
* ``render_tickets_pdf(tickets, path, page_size)`` writes one ticket per page
  (A4, Letter) or one per ticket-stock card (``"ticket"``, 8 x 3.25 in).
* ``print_tickets(parent, tickets)`` asks with the normal print dialog;
  ``save_tickets_dialog(parent, tickets)`` asks for a file name.

The encodings come from python-barcode (Code 128 module pattern, check symbol
and code-set switching) and segno (QR); only the drawing is ours.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import segno
from barcode.codex import Code128
from barcode.errors import BarcodeError
from PySide6.QtCore import (
    QCoreApplication,
    QDateTime,
    QLocale,
    QMarginsF,
    QPointF,
    QRectF,
    QSizeF,
    QStandardPaths,
    Qt,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPainterPath,
    QPdfWriter,
    QPen,
)
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

import desktop.pyside_repairs  # noqa: F401  (painting makes thousands of void Qt calls)
from desktop.background import BackgroundRunner, Cancelled, run_with_progress
from domain.ticket_codes import grouped, is_own_code, normalize_code

ORGANIZATION_SETTING = "organization/name"  # declared in desktop/settings.py

# The ticket is designed in tenths of a millimetre on 8 x 3.25 inch ticket stock
# (the common size of thermal box-office tickets) and scaled to whatever rectangle
# it is painted into.
TICKET_WIDTH = 2032.0
TICKET_HEIGHT = 825.5
STUB_WIDTH = 560.0
MAIN_WIDTH = TICKET_WIDTH - STUB_WIDTH
PAD = 70.0
BAND_HEIGHT = 118.0

# Barcode proportions: 0.45 mm modules scan well with cheap CCD and laser
# scanners; the quiet zone on each side is ten modules wide.
MODULE_WIDTH = 4.5
QUIET_MODULES = 10
BARCODE_HEIGHT = 150.0
QR_QUIET_MODULES = 4

SHEET_MARGIN_MM = 12.0

INK = QColor("#1f2a37")
MUTED = QColor("#5b6675")
RULE = QColor("#c9c2b7")
ACCENT = QColor("#1f6f78")
AMBER = QColor("#e9a53a")
WHITE = QColor("#ffffff")
BLACK = QColor("#000000")

SERIF = ["Georgia", "Palatino Linotype", "Book Antiqua", "DejaVu Serif", "Noto Serif", "serif"]
SANS = ["Segoe UI", "Helvetica Neue", "Arial", "Noto Sans", "DejaVu Sans", "sans-serif"]
MONO = ["Consolas", "Menlo", "DejaVu Sans Mono", "Noto Sans Mono", "Courier New", "monospace"]


def _tr(text: str) -> str:
    return QCoreApplication.translate("TicketPrinting", text)


@dataclass(frozen=True)
class TicketData:
    """What a printed ticket shows; built from the plain dicts the screens hand in.

    Keys: ``code``, ``title``, ``starts_at`` (ISO 8601 with a time zone),
    ``venue``, ``price_level``, ``price_cents``, ``patron_name`` (may be ""),
    ``order_id`` and, optionally, ``organization`` (otherwise the
    ``organization/name`` setting).
    """

    code: str
    title: str
    starts_at: str
    venue: str = ""
    price_level: str = ""
    price_cents: int = 0
    patron_name: str = ""
    order_id: str = ""
    organization: str = ""

    @classmethod
    def from_dict(cls, data: Mapping | TicketData, organization: str = "") -> TicketData:
        if isinstance(data, TicketData):
            return data if data.organization or not organization else _with_org(data, organization)
        code = str(data.get("code") or "").strip()
        if not code:
            raise ValueError("a ticket needs its code")
        price = data.get("price_cents") or 0
        if isinstance(price, bool) or not isinstance(price, int):
            raise TypeError(f"price_cents must be integer cents, not {price!r}")
        return cls(
            code=code,
            title=str(data.get("title") or ""),
            starts_at=str(data.get("starts_at") or ""),
            venue=str(data.get("venue") or ""),
            price_level=str(data.get("price_level") or ""),
            price_cents=price,
            patron_name=str(data.get("patron_name") or ""),
            order_id=str(data.get("order_id") or ""),
            organization=str(data.get("organization") or organization or ""),
        )

    @property
    def printed_code(self) -> str:
        """The code as people read it: 4-4-4 for our codes, as issued for others'."""
        return grouped(self.code) if is_own_code(self.code) else self.code


def _with_org(ticket: TicketData, organization: str) -> TicketData:
    values = dict(ticket.__dict__, organization=organization)
    return TicketData(**values)


def organization_name(settings=None) -> str:
    """The organization printed on tickets (the ``organization/name`` setting)."""
    from desktop.settings import Settings

    return str((settings or Settings()).get(ORGANIZATION_SETTING))


def tickets_from(tickets: Iterable[Mapping | TicketData], organization: str | None = None):
    """Validated ``TicketData`` for each dict, with the organization filled in."""
    items = list(tickets)
    if organization is None and any(
        not (t.organization if isinstance(t, TicketData) else t.get("organization")) for t in items
    ):
        organization = organization_name()
    return [TicketData.from_dict(t, organization or "") for t in items]


# -- encodings ----------------------------------------------------------------------


def code128_modules(code: str) -> str:
    """The Code 128 pattern of ``code`` as '1' (bar) and '0' (space) modules.

    python-barcode chooses the code sets (C for runs of digits), adds the
    check symbol and the stop pattern; no quiet zone is included.
    """
    return Code128(code).build()[0]  # a fresh instance: build() changes its state


def _runs(modules: str) -> list[tuple[int, int]]:
    """(start, length) of each run of '1's."""
    runs, start = [], None
    for i, module in enumerate(modules + "0"):
        if module == "1" and start is None:
            start = i
        elif module != "1" and start is not None:
            runs.append((start, i - start))
            start = None
    return runs


def qr_matrix(code: str) -> list[list[int]]:
    """The QR code's dark (1) and light (0) modules, without the quiet zone."""
    qr = segno.make_qr(code, error="m")
    return [list(row) for row in qr.matrix]


# -- formatting -----------------------------------------------------------------------


def _local(iso: str) -> QDateTime | None:
    try:
        moment = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        return None
    return QDateTime.fromMSecsSinceEpoch(int(moment.timestamp() * 1000))


def show_date(iso: str) -> str:
    """'Saturday, 21 November 2026' in the computer's language and local time."""
    moment = _local(iso)
    return QLocale().toString(moment.date(), QLocale.FormatType.LongFormat) if moment else ""


def show_short_date(iso: str) -> str:
    """'21/11/2026' or '11/21/26', as the computer's language writes short dates."""
    moment = _local(iso)
    return QLocale().toString(moment.date(), QLocale.FormatType.ShortFormat) if moment else ""


def show_time(iso: str) -> str:
    """'19:30' or '7:30 PM', as the computer's language writes times."""
    moment = _local(iso)
    return QLocale().toString(moment.time(), QLocale.FormatType.ShortFormat) if moment else ""


def show_price(cents: int) -> str:
    if cents == 0:
        return _tr("Complimentary")
    return QLocale().toCurrencyString(cents / 100)


def _short_order(order_id: str) -> str:
    text = order_id.replace("-", "").upper()
    return text[:8] if len(text) > 12 else order_id


# -- painting -------------------------------------------------------------------------


def _font(families: list[str], size: float, weight=QFont.Weight.Normal, spacing=0.0) -> QFont:
    """A font of ``size`` design units (0.1 mm); ``spacing`` widens letters by percent."""
    font = QFont()
    font.setFamilies(families)
    font.setPixelSize(max(1, round(size)))
    font.setWeight(weight)
    if families is MONO:
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setFixedPitch(True)
    elif families is SERIF:
        font.setStyleHint(QFont.StyleHint.Serif)
    font.setKerning(True)
    if spacing:
        font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 100 + spacing)
    return font


def _text(painter: QPainter, rect: QRectF, font: QFont, color: QColor, text: str,
          align=Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter) -> None:  # fmt: skip
    """One line of text in ``rect``, elided at the right when it is too long."""
    painter.setFont(font)
    painter.setPen(color)
    shown = QFontMetricsF(font).elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
    painter.drawText(rect, int(align), shown)


def _fitting_font(families, size, weight, text, width, smallest) -> QFont:
    """The largest font up to ``size`` (down to ``smallest``) in which ``text`` fits."""
    font = _font(families, size, weight)
    while size > smallest and QFontMetricsF(font).horizontalAdvance(text) > width:
        size *= 0.92
        font = _font(families, size, weight)
    return font


def _fill_path(painter: QPainter, path: QPainterPath, color: QColor) -> None:
    # One path per symbol: no hairline seams between touching bars or modules.
    path.setFillRule(Qt.FillRule.WindingFill)
    painter.fillPath(path, color)


def _barcode_width(code: str) -> float:
    """Design units the barcode takes at full module width, quiet zones included."""
    try:
        return (len(code128_modules(code)) + 2 * QUIET_MODULES) * MODULE_WIDTH
    except (BarcodeError, KeyError, ValueError):
        return 0.0


def _snapped(painter: QPainter, module: float, count: int, room: float) -> tuple[float, float]:
    """A module width of whole device pixels, and the device's pixel size, in design units.

    On raster devices (printers, images) bars of whole pixels come out crisp
    and equally wide instead of one pixel wider here and there; ``count``
    modules must still fit in ``room``. On unscaled or rotated painters the
    module is left as it is.
    """
    transform = painter.combinedTransform()
    scale = transform.m11()
    if transform.m12() or transform.m21() or scale <= 0 or transform.m22() != scale:
        return module, 0.0
    pixels = module * scale
    if pixels < 1:
        return module, 0.0
    whole = round(pixels)
    if whole * count > room * scale:
        whole = max(1, int(pixels))
    return whole / scale, 1 / scale


def _on_grid(painter: QPainter, x: float, y: float, pixel: float) -> QPointF:
    """(x, y) moved to the nearest device pixel corner (``pixel`` 0: unchanged)."""
    if not pixel:
        return QPointF(x, y)
    transform = painter.combinedTransform()
    device = transform.map(QPointF(x, y))
    inverse, _ = transform.inverted()
    return inverse.map(QPointF(round(device.x()), round(device.y())))


def paint_barcode(painter: QPainter, rect: QRectF, code: str) -> bool:
    """A Code 128 barcode centred in ``rect`` with its quiet zones; False if impossible.

    Modules are 0.45 mm wide, narrower only when the code is too long for ``rect``.
    """
    try:
        modules = code128_modules(code)
    except (BarcodeError, KeyError, ValueError):
        return False  # characters Code 128 cannot carry (external codes only)
    total = len(modules) + 2 * QUIET_MODULES
    module, pixel = _snapped(painter, min(MODULE_WIDTH, rect.width() / total), total, rect.width())
    corner = _on_grid(painter, rect.center().x() - len(modules) * module / 2, rect.top(), pixel)
    path = QPainterPath()
    for start, length in _runs(modules):
        bar = QRectF(corner.x() + start * module, corner.y(), length * module, rect.height())
        path.addRect(bar)
    _fill_path(painter, path, BLACK)
    return True


def paint_qr(painter: QPainter, rect: QRectF, code: str) -> None:
    """A QR code (with its quiet zone) filling the square centred in ``rect``."""
    matrix = qr_matrix(code)
    count = len(matrix) + 2 * QR_QUIET_MODULES
    side = min(rect.width(), rect.height())
    module, pixel = _snapped(painter, side / count, count, side)
    half = module * len(matrix) / 2
    corner = _on_grid(painter, rect.center().x() - half, rect.center().y() - half, pixel)
    path = QPainterPath()
    for r, row in enumerate(matrix):
        for start, length in _runs("".join("1" if m else "0" for m in row)):
            x, y = corner.x() + start * module, corner.y() + r * module
            path.addRect(QRectF(x, y, length * module, module))
    _fill_path(painter, path, BLACK)


def _field(painter: QPainter, rect: QRectF, label: str, value: str) -> None:
    """A small upper-case label with its value under it."""
    label_font = _font(SANS, 27, QFont.Weight.DemiBold, 12)
    _text(painter, QRectF(rect.left(), rect.top(), rect.width(), 34), label_font, MUTED,
          label.upper())  # fmt: skip
    value_font = _font(SANS, 42, QFont.Weight.DemiBold)
    _text(painter, QRectF(rect.left(), rect.top() + 36, rect.width(), 56), value_font, INK, value)


def _perforation(painter: QPainter, x: float, notch: float) -> None:
    pen = QPen(RULE, 5, Qt.PenStyle.CustomDashLine, Qt.PenCapStyle.RoundCap)
    pen.setDashPattern([0.1, 3.0])  # round dots, like punched holes
    painter.setPen(pen)
    painter.drawLine(QPointF(x, notch + 25), QPointF(x, TICKET_HEIGHT - notch - 25))


def _frame_path(notch: float, radius: float) -> QPainterPath:
    """The ticket's outline: rounded corners, half-round notches at the perforation."""
    outline = QPainterPath()
    outline.addRoundedRect(QRectF(0, 0, TICKET_WIDTH, TICKET_HEIGHT), radius, radius)
    notches = QPainterPath()
    for y in (0.0, TICKET_HEIGHT):
        notches.addEllipse(QPointF(MAIN_WIDTH, y), notch, notch)
    return outline.subtracted(notches)


def paint_ticket(painter: QPainter, rect: QRectF, ticket: Mapping | TicketData) -> None:
    """Draw one ticket, as large as fits in ``rect`` (kept in proportion, centred).

    Works on any paint device: PDF writer, printer, image. Vector only.
    """
    data = ticket if isinstance(ticket, TicketData) else TicketData.from_dict(ticket)
    rect = QRectF(rect)
    scale = min(rect.width() / TICKET_WIDTH, rect.height() / TICKET_HEIGHT)
    painter.save()
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        painter.translate(
            rect.center().x() - TICKET_WIDTH * scale / 2,
            rect.center().y() - TICKET_HEIGHT * scale / 2,
        )
        painter.scale(scale, scale)
        _paint_design(painter, data)
    finally:
        painter.restore()


CENTRED = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def _paint_design(painter: QPainter, t: TicketData) -> None:
    """The ticket in design units (0.1 mm, 2032 x 825.5): main part, perforation, stub."""
    notch = 34.0
    frame = _frame_path(notch, radius=34.0)
    painter.fillPath(frame, WHITE)
    _paint_band(painter, frame, t)
    _paint_details(painter, t)
    _paint_scan_area(painter, t)
    _perforation(painter, MAIN_WIDTH, notch)
    _paint_stub(painter, t)
    painter.setBrush(Qt.BrushStyle.NoBrush)  # the outline last, over the band's edge
    painter.setPen(QPen(INK, 4))
    painter.drawPath(frame)


def _paint_band(painter: QPainter, frame: QPainterPath, t: TicketData) -> None:
    """The coloured band across the main part: organization and ADMIT ONE."""
    band = QPainterPath()
    band.addRect(QRectF(0, 0, MAIN_WIDTH, BAND_HEIGHT))
    painter.fillPath(frame.intersected(band), ACCENT)
    area = QRectF(PAD, 0, MAIN_WIDTH - 2 * PAD, BAND_HEIGHT)
    admit = _tr("ADMIT ONE")
    admit_font = _font(SANS, 40, QFont.Weight.Bold, 14)
    admit_width = QFontMetricsF(admit_font).horizontalAdvance(admit) + 50
    org_font = _font(SANS, 42, QFont.Weight.Bold, 8)
    _text(painter, area.adjusted(0, 0, -admit_width, 0), org_font, WHITE, t.organization.upper())
    _text(painter, area, admit_font, AMBER, admit, RIGHT)


def _paint_details(painter: QPainter, t: TicketData) -> None:
    """Title, date and time, venue; then price and the ticket holder."""
    inner = MAIN_WIDTH - 2 * PAD
    title_font = _fitting_font(SERIF, 96, QFont.Weight.Bold, t.title, inner, 54)
    _text(painter, QRectF(PAD, 150, inner, 120), title_font, INK, t.title)
    day, at = show_date(t.starts_at), show_time(t.starts_at)
    day_font = _font(SANS, 50, QFont.Weight.DemiBold)
    day_width = QFontMetricsF(day_font).horizontalAdvance(day + "   ")
    _text(painter, QRectF(PAD, 278, inner, 66), day_font, INK, day)
    at_font = _font(SANS, 50, QFont.Weight.Bold)
    _text(painter, QRectF(PAD + day_width, 278, inner - day_width, 66), at_font, ACCENT, at)
    _text(painter, QRectF(PAD, 344, inner, 56), _font(SANS, 42), MUTED, t.venue)

    painter.setPen(QPen(RULE, 3))
    painter.drawLine(QPointF(PAD, 420), QPointF(MAIN_WIDTH - PAD, 420))
    column = inner * 0.42 if t.patron_name else inner + 30  # all the width when anonymous
    _field(painter, QRectF(PAD, 438, column - 30, 92), _tr("Price"), _price_line(t))
    if t.patron_name:
        holder = QRectF(PAD + column, 438, inner - column, 92)
        _field(painter, holder, _tr("Ticket holder"), t.patron_name)


def _price_line(t: TicketData) -> str:
    return " · ".join(part for part in (t.price_level, show_price(t.price_cents)) if part)


def _paint_scan_area(painter: QPainter, t: TicketData) -> None:
    """The barcode with the code in large type under it, and a short note beside."""
    inner = MAIN_WIDTH - 2 * PAD
    box = QRectF(PAD, 556, inner * 0.62, BARCODE_HEIGHT)
    wide = _barcode_width(t.code) > box.width()  # a long code from another service
    if wide:
        box.setWidth(inner)
    scanned = paint_barcode(painter, box, t.code)
    code_font = _fitting_font(MONO, 64, QFont.Weight.Bold, t.printed_code, box.width(), 26)
    code_top = box.bottom() + 10 if scanned else box.top()
    _text(painter, QRectF(box.left(), code_top, box.width(), 80), code_font, INK, t.printed_code,
          CENTRED)  # fmt: skip

    if wide:
        return  # the barcode needs the room of the note
    left = box.right() + 50
    notes = QRectF(left, 556, MAIN_WIDTH - PAD - left, 230)
    note = _tr("Scanned once at the door. Keep it safe: whoever shows it first gets in.")
    if t.order_id:
        note += "\n" + _tr("Order {order}").format(order=_short_order(t.order_id))
    painter.setFont(_font(SANS, 29))
    painter.setPen(MUTED)
    flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom | Qt.TextFlag.TextWordWrap
    painter.drawText(notes, int(flags), note)


def _paint_stub(painter: QPainter, t: TicketData) -> None:
    """The stub: the essentials again, and a QR code for phone cameras."""
    left, width = MAIN_WIDTH + 50, STUB_WIDTH - 100
    org_font = _fitting_font(SANS, 27, QFont.Weight.DemiBold, t.organization.upper(), width, 18)
    _text(painter, QRectF(left, 44, width, 40), org_font, MUTED, t.organization.upper())
    title_font = _fitting_font(SERIF, 44, QFont.Weight.Bold, t.title, width, 34)
    _text(painter, QRectF(left, 86, width, 56), title_font, INK, t.title)
    when = " ".join(part for part in (show_short_date(t.starts_at), show_time(t.starts_at)) if part)
    _text(painter, QRectF(left, 144, width, 46), _font(SANS, 34, QFont.Weight.DemiBold), INK, when)
    _text(painter, QRectF(left, 190, width, 44), _font(SANS, 31), MUTED, _price_line(t))
    paint_qr(painter, QRectF(left, 246, width, 450), t.code)
    code_box = QRectF(left - 20, 700, width + 40, 60)
    code_font = _fitting_font(MONO, 42, QFont.Weight.Bold, t.printed_code, code_box.width(), 20)
    _text(painter, code_box, code_font, INK, t.printed_code, CENTRED)


def ticket_image(ticket: Mapping | TicketData, width: int = 1200) -> QImage:
    """The ticket as a picture ``width`` pixels wide (on-screen previews)."""
    height = round(width * TICKET_HEIGHT / TICKET_WIDTH)
    image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    try:
        paint_ticket(painter, QRectF(0, 0, width, height), ticket)
    finally:
        painter.end()
    return image


def paint_sheet(painter: QPainter, page: QRectF, ticket: Mapping | TicketData) -> None:
    """A ticket on a sheet of paper (A4, Letter): cut line around it, a short guide below.

    ``page`` is the printable area in device pixels; the ticket keeps its real
    size when it fits (8 x 3.25 in) and shrinks to the page width otherwise.
    """
    data = ticket if isinstance(ticket, TicketData) else TicketData.from_dict(ticket)
    dpi = painter.device().logicalDpiX() or 300
    mm = dpi / 25.4
    margin = SHEET_MARGIN_MM * mm
    width = min(page.width() - 2 * margin, TICKET_WIDTH / 10 * mm)
    height = width * TICKET_HEIGHT / TICKET_WIDTH
    left = page.left() + (page.width() - width) / 2
    ticket_rect = QRectF(left, page.top() + margin, width, height)
    paint_ticket(painter, ticket_rect, data)

    # dashed cut line around the ticket
    painter.save()
    try:
        cut = ticket_rect.adjusted(-5 * mm, -5 * mm, 5 * mm, 5 * mm)
        pen = QPen(MUTED, 0.25 * mm, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(cut)
        small = QFont()
        small.setFamilies(SANS)
        small.setPixelSize(max(1, round(3.2 * mm)))
        painter.setFont(small)
        painter.setPen(MUTED)
        painter.drawText(
            QRectF(cut.left(), cut.bottom() + 1 * mm, cut.width(), 5 * mm),
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop),
            _tr("✂ Cut along the dashed line, or bring the whole page."),
        )

        guide_top = cut.bottom() + 14 * mm
        heading = QFont(small)
        heading.setPixelSize(max(1, round(5 * mm)))
        heading.setWeight(QFont.Weight.Bold)
        painter.setFont(heading)
        painter.setPen(INK)
        painter.drawText(
            QRectF(cut.left(), guide_top, cut.width(), 8 * mm),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
            _tr("At the door"),
        )
        body = QFont(small)
        body.setPixelSize(max(1, round(4 * mm)))
        painter.setFont(body)
        painter.setPen(INK)
        guide = _tr(
            "Show this ticket printed or on your phone. Our volunteers scan the barcode; "
            "if it does not scan they type in the code {code}.\n\n"
            "Each ticket admits one person once. Please do not share pictures of it."
        ).format(code=data.printed_code)
        painter.drawText(
            QRectF(cut.left(), guide_top + 10 * mm, cut.width(), 40 * mm),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap),
            guide,
        )
    finally:
        painter.restore()


# -- PDF files and printers -----------------------------------------------------------

PAGE_SIZES = ("A4", "Letter", "ticket")


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
        if _is_ticket_stock(page):
            paint_ticket(painter, page, ticket)
        else:
            paint_sheet(painter, page, ticket)
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
    page_size: str = "A4",
    *,
    organization: str | None = None,
    progress=None,
) -> Path:
    """Write the tickets to a PDF file, one per page; returns the path.

    ``page_size`` is "A4", "Letter" or "ticket" (8 x 3.25 in ticket stock).
    ``progress`` is the background helper's progress object (optional): the
    work reports each page and, when cancelled, raises ``Cancelled`` and
    leaves no file behind. Safe to call on a worker thread.
    """
    items = tickets_from(tickets, organization)
    if not items:
        raise ValueError("there are no tickets to print")
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

    run_with_progress(parent, runner, _tr("Printing tickets…"), work,
                      on_done=on_done, on_error=failed)  # fmt: skip
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
    page_size: str = "A4",
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
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    chosen, _ = QFileDialog.getSaveFileName(
        parent,
        _tr("Save tickets as a PDF file"),
        str(Path(folder) / suggested_file_name(items)),
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

    run_with_progress(parent, runner, _tr("Saving tickets…"), work,
                      on_done=on_done, on_error=failed)  # fmt: skip
    return path
