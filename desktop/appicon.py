"""The Houselights icon for windows, the task bar and dialogs (``desktop/icons``)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QIcon

ICONS = Path(__file__).resolve().parent / "icons"
SIZES = (16, 32, 48, 64, 128, 256, 512)

_icon: QIcon | None = None


def app_icon() -> QIcon:
    """The app icon from its PNG renderings (no SVG plugin needed); made once."""
    global _icon
    if _icon is None:
        icon = QIcon()
        for size in SIZES:
            path = ICONS / f"houselights-{size}.png"
            if path.exists():
                icon.addFile(str(path))
        _icon = icon
    return _icon
