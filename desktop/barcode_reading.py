"""Reading ticket barcodes from pictures and camera frames with zbar (pyzbar).

Everything here may run on a worker thread (``desktop.background``): it works
on ``QImage`` values only, never on widgets. Without the zbar library the
door still works with USB scanners and typed codes; ``zbar_problem()`` says
what to install.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QImage

PICTURES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff")


def _tr(text: str) -> str:
    return QCoreApplication.translate("barcode_reading", text)


class BarcodeReadingProblem(Exception):
    """A picture that cannot be read; the message says what to do instead."""


def zbar_problem() -> str | None:
    """None when barcodes can be read here, else what to install (plain words)."""
    try:
        from pyzbar import pyzbar  # noqa: F401
    except (ImportError, OSError):
        return _tr(
            "Reading barcodes from pictures and cameras needs the zbar library. "
            "On Linux install libzbar0 (sudo apt-get install libzbar0), on macOS "
            "brew install zbar; on Windows it comes with Houselights. USB scanners "
            "and typed codes work without it."
        )
    return None


def decode(image: QImage) -> list[str]:
    """Every barcode text zbar finds in the picture, in reading order, once each."""
    problem = zbar_problem()
    if problem:
        raise BarcodeReadingProblem(problem)
    from pyzbar import pyzbar

    gray = image.convertToFormat(QImage.Format.Format_Grayscale8)
    width, height, stride = gray.width(), gray.height(), gray.bytesPerLine()
    if width == 0 or height == 0:
        return []
    raw = bytes(gray.constBits())
    pixels = (
        raw
        if stride == width
        else b"".join(raw[row * stride : row * stride + width] for row in range(height))
    )
    found: list[str] = []
    for symbol in sorted(
        pyzbar.decode((pixels, width, height)), key=lambda s: (s.rect.top, s.rect.left)
    ):
        text = symbol.data.decode("utf-8", errors="replace")
        if text not in found:
            found.append(text)
    return found


def _pdf_pages(path: Path) -> list[QImage]:
    try:
        from PySide6.QtCore import QSize
        from PySide6.QtPdf import QPdfDocument
    except ImportError:
        raise BarcodeReadingProblem(
            _tr(
                "PDF files cannot be opened on this computer (Qt PDF is missing). Take a "
                "screenshot of the ticket and scan that picture instead."
            )
        ) from None
    document = QPdfDocument()
    if document.load(str(path)) != QPdfDocument.Error.None_:
        raise BarcodeReadingProblem(_tr("This PDF file could not be opened."))
    pages = []
    for page in range(min(document.pageCount(), 20)):
        size = document.pagePointSize(page)
        scale = 200 / 72  # 200 dots per inch: enough for printed barcodes
        pages.append(
            document.render(page, QSize(int(size.width() * scale), int(size.height() * scale)))
        )
    return pages


def codes_in_file(progress, path: str) -> list[str]:
    """Background work: the barcode texts in a picture or PDF of a ticket."""
    file = Path(path)
    if file.suffix.lower() == ".pdf":
        images = _pdf_pages(file)
    else:
        image = QImage(str(file))
        if image.isNull():
            raise BarcodeReadingProblem(
                _tr(
                    "This file is not a picture Houselights can open. Use a PNG or JPEG "
                    "screenshot of the ticket."
                )
            )
        images = [image]
    found: list[str] = []
    for number, image in enumerate(images, start=1):
        progress.update(number, len(images), "")
        found += [code for code in decode(image) if code not in found]
    return found


def codes_in_frame(progress, image: QImage) -> list[str]:
    """Background work: the barcode texts in one camera frame."""
    return decode(image)
