"""The user guide's screenshots as the installed app carries them.

Help (F1) shows the guide offline from the bundle. The screenshots in
``docs/screenshots`` are full 1366x768 captures (about 5 MB together), which
would take the bundle past its 150 MB budget; the help window scales them down
to its width anyway. So the bundle carries only the pictures the guide shows,
scaled to ``WIDTH`` pixels and kept as 256-colour PNGs: well under a megabyte.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

#: how wide a bundled screenshot is at most (the help window's usual width)
WIDTH = 640
SHOWN = re.compile(r"\.\./screenshots/([\w.-]+\.png)")


def shown_in_guide(guide: Path) -> list[str]:
    """The screenshot file names the guide's pages show."""
    names = set()
    for page in guide.glob("*.md"):
        names.update(SHOWN.findall(page.read_text(encoding="utf-8")))
    return sorted(names)


def write_small_screenshots(docs: Path, out: Path, width: int = WIDTH) -> Path:
    """Each screenshot the guide shows, at most ``width`` wide in 256 colours, in
    ``out`` (emptied first); returns ``out``."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage

    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for name in shown_in_guide(docs / "guide"):
        image = QImage(str(docs / "screenshots" / name))
        if image.isNull():
            raise SystemExit(f"the guide shows {name}, which docs/screenshots does not have")
        if image.width() > width:
            image = image.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)
        # no dithering: flat screen colours stay flat and compress well
        flat = Qt.ImageConversionFlag.ThresholdDither | Qt.ImageConversionFlag.AvoidDither
        image = image.convertToFormat(QImage.Format.Format_Indexed8, flat)
        if not image.save(str(out / name), "PNG", 9):
            raise SystemExit(f"could not write the bundled copy of {name}")
    return out
