"""The bundle carries the guide's screenshots small enough for the size budget."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "installer"))

from guide_images import WIDTH, shown_in_guide, write_small_screenshots  # noqa: E402


def test_every_screenshot_the_guide_shows_is_bundled_small(tmp_path, qapp):
    out = write_small_screenshots(ROOT / "docs", tmp_path / "shots")
    shown = shown_in_guide(ROOT / "docs" / "guide")
    assert shown and sorted(p.name for p in out.iterdir()) == shown
    for name in shown:
        image = QImage(str(out / name))
        assert not image.isNull() and image.width() <= WIDTH
    bundled = sum(p.stat().st_size for p in out.iterdir())
    original = sum((ROOT / "docs" / "screenshots" / n).stat().st_size for n in shown)
    assert bundled < original / 4 and bundled < 1_000_000
