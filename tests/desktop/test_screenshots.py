"""One command renders every screen with demo data to PNG files."""

from __future__ import annotations

from PySide6.QtGui import QImage

from desktop.screenshots import SIZE, render_all


def test_every_screen_is_rendered_to_a_png(qtbot, tmp_path):
    written = render_all(tmp_path / "shots", patrons=60)
    names = {p.stem for p in written}
    assert {"patrons", "search", "patron", "new-patron-validation",
            "new-patron-duplicate", "ticket", "sell-tickets", "new-performance",
            "import-preview", "import-dry-run", "ladder", "duplicates", "merge-confirm",
            "patron-merged", "about", "settings", "settings-data"} <= names  # fmt: skip
    assert {f"area-{a}" for a in ("box-office", "door", "thank-yous", "reports")} <= names
    assert {"thank-yous", "report-attendance", "report-channels", "report-revenue-month"} <= names
    assert {"report-support", "duty-rota"} <= names
    verdicts = ("admit", "already-admitted", "wrong-performance", "refunded", "unknown")
    assert {f"door-{v}" for v in verdicts} | {"door-ready", "door-find-by-name"} <= names
    window_shot = QImage(str(tmp_path / "shots" / "patrons.png"))
    assert (window_shot.width(), window_shot.height()) == SIZE
    # Not blank: a screen with text has many distinct colours.
    colours = {window_shot.pixel(x, y) for x in range(0, SIZE[0], 7) for y in range(0, SIZE[1], 7)}
    assert len(colours) > 20
