"""Barcodes drawn as vectors: Code 128 for the door's USB scanners, QR for phone cameras.

python-barcode supplies the Code 128 module pattern (code sets, check symbol,
stop pattern) and segno the QR matrix; this module only draws them with
QPainter, as one filled path per symbol. On raster devices (printers, images)
modules snap to whole device pixels so that bars come out crisp and equal.
"""

from __future__ import annotations

import segno
from barcode.codex import Code128
from barcode.errors import BarcodeError
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath

import desktop.pyside_repairs  # noqa: F401  (a symbol takes hundreds of void Qt calls)

# 0.45 mm modules (in the ticket's design units of 0.1 mm) scan well with cheap
# CCD and laser scanners; Code 128 wants ten modules of quiet zone on each side.
MODULE_WIDTH = 4.5
QUIET_MODULES = 10
QR_QUIET_MODULES = 4
BLACK = QColor("#000000")


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


def _fill_path(painter: QPainter, path: QPainterPath, color: QColor) -> None:
    # One path per symbol: no hairline seams between touching bars or modules.
    path.setFillRule(Qt.FillRule.WindingFill)
    painter.fillPath(path, color)


def barcode_width(code: str) -> float:
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
