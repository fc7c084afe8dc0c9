"""How a ticket looks: one painting function for PDF files, printers and previews.

``TicketData`` is what a ticket shows (built from the plain dicts the screens
hand in). ``paint_ticket(painter, rect, ticket)`` draws the ticket, designed
in tenths of a millimetre on 8 x 3.25 inch ticket stock, scaled into any
rectangle of any paint device; ``paint_sheet`` puts it on a sheet of paper
with a cut line and a short guide; ``ticket_image`` makes a preview picture.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPainterPath, QPen

from desktop import formatting, style
from desktop.ticket_symbols import barcode_width, paint_barcode, paint_qr
from domain.ticket_codes import grouped, is_own_code

ORGANIZATION_SETTING = "organization/name"  # declared in desktop/settings.py

# Design units: 0.1 mm on 8 x 3.25 inch ticket stock (the common size of thermal
# box-office tickets).
TICKET_WIDTH = 2032.0
TICKET_HEIGHT = 825.5
STUB_WIDTH = 560.0
MAIN_WIDTH = TICKET_WIDTH - STUB_WIDTH
PAD = 70.0
BAND_HEIGHT = 118.0
BARCODE_TOP = 556.0
BARCODE_HEIGHT = 150.0
BARCODE_BOX_WIDTH = 860.0  # our codes take at most 167 modules: 75 mm plus the quiet zones
SHEET_MARGIN_MM = 12.0

INK = QColor(style.INK)
MUTED = QColor(style.MUTED)
ACCENT = QColor(style.ACCENT)
AMBER = QColor(style.AMBER)
RULE = QColor("#c9c2b7")
WHITE = QColor("#ffffff")

SERIF = ["Georgia", "Palatino Linotype", "Book Antiqua", "DejaVu Serif", "Noto Serif", "serif"]
SANS = ["Segoe UI", "Helvetica Neue", "Arial", "Noto Sans", "DejaVu Sans", "sans-serif"]
MONO = ["Consolas", "Menlo", "DejaVu Sans Mono", "Noto Sans Mono", "Courier New", "monospace"]
CENTRED = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


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
            return replace(data, organization=data.organization or organization)
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


def organization_name(settings=None) -> str:
    """The organization printed on tickets (the ``organization/name`` setting)."""
    from desktop.settings import active  # QSettings, only when no organization was given

    return str((settings or active()).get(ORGANIZATION_SETTING))


def tickets_from(tickets: Iterable[Mapping | TicketData], organization: str | None = None):
    """Validated ``TicketData`` for each dict, with the organization filled in."""
    items = list(tickets)
    if organization is None and any(
        not (t.organization if isinstance(t, TicketData) else t.get("organization")) for t in items
    ):
        organization = organization_name()
    return [TicketData.from_dict(t, organization or "") for t in items]


# -- formatting ----------------------------------------------------------------------


def show_date(iso: str) -> str:
    """'Saturday, 21 November 2026' as the organization's country writes it, on its clock."""
    return formatting.long_date(iso)


def show_short_date(iso: str) -> str:
    """'Sat 21 Nov 2026': short, and never mistaken (is 11/12 November or December?)."""
    return formatting.date(iso, weekday=True)


def show_time(iso: str) -> str:
    """'19:30' or '7:30 PM', as the organization's country writes times."""
    return formatting.time(iso)


def show_price(cents: int) -> str:
    if cents == 0:
        return _tr("Complimentary")
    return formatting.money(cents)  # the organization's currency, as on every other screen


def _short_order(order_id: str) -> str:
    text = order_id.replace("-", "").upper()
    return text[:8] if len(text) > 12 else order_id


# -- painting ------------------------------------------------------------------------


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


def _text(
    painter: QPainter,
    rect: QRectF,
    font: QFont,
    color: QColor,
    text: str,
    align=Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
) -> None:
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


def _field(painter: QPainter, rect: QRectF, label: str, value: str) -> None:
    """A small upper-case label with its value under it."""
    label_font = _font(SANS, 27, QFont.Weight.DemiBold, 12)
    _text(
        painter, QRectF(rect.left(), rect.top(), rect.width(), 34), label_font, MUTED, label.upper()
    )
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
    box = QRectF(PAD, BARCODE_TOP, BARCODE_BOX_WIDTH, BARCODE_HEIGHT)
    wide = barcode_width(t.code) > 1.25 * box.width()  # a long code from another service
    if wide:
        box.setWidth(MAIN_WIDTH - 2 * PAD)
    scanned = paint_barcode(painter, box, t.code)
    code_font = _fitting_font(MONO, 64, QFont.Weight.Bold, t.printed_code, box.width(), 26)
    code_top = box.bottom() + 10 if scanned else box.top()
    _text(
        painter,
        QRectF(box.left(), code_top, box.width(), 80),
        code_font,
        INK,
        t.printed_code,
        CENTRED,
    )

    if wide:
        return  # the barcode needs the room of the note
    left = box.right() + 50
    notes = QRectF(left, BARCODE_TOP, MAIN_WIDTH - PAD - left, 230)
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
