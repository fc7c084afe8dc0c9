"""Dark mode follows the system, and every colour that carries meaning stays readable
(WCAG AA: 4.5 for text) in both schemes (issue 22)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from desktop import style
from desktop.style import DARK, LIGHT, VERDICT_PANEL, contrast

AA = 4.5


def test_contrast_is_computed_as_wcag_says():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the known AA grey


def test_the_verdict_panels_are_readable_in_both_schemes():
    for verdict, (background, ink) in VERDICT_PANEL.items():
        assert contrast(ink, background) >= AA, verdict


@pytest.mark.parametrize("scheme", [LIGHT, DARK], ids=["light", "dark"])
def test_verdict_words_on_the_page_keep_their_contrast(scheme):
    assert set(scheme.verdict_text) == set(VERDICT_PANEL)
    for verdict, colour in scheme.verdict_text.items():
        for surface in (scheme.paper, scheme.card):
            assert contrast(colour, surface) >= AA, (scheme.name, verdict, surface)


@pytest.mark.parametrize("scheme", [LIGHT, DARK], ids=["light", "dark"])
def test_text_headings_and_buttons_are_readable(scheme):
    for text in (scheme.ink, scheme.muted, scheme.accent_ink, scheme.error):
        for surface in (scheme.paper, scheme.card, scheme.header, scheme.alt_row):
            assert contrast(text, surface) >= AA, (scheme.name, text, surface)
    assert contrast(scheme.ink, scheme.selection) >= AA
    for button in (scheme.accent, scheme.accent_hover, scheme.danger_button):
        assert contrast("#ffffff", button) >= AA, (scheme.name, button)
    assert contrast(scheme.sidebar_ink, scheme.sidebar) >= AA
    assert contrast(scheme.amber, scheme.sidebar) >= AA  # the brand and the chosen area
    assert contrast(scheme.warning_ink, scheme.warning_bg) >= AA
    assert contrast(scheme.soon_ink, scheme.soon_bg) >= AA
    assert contrast(scheme.accent_ink, scheme.chip) >= AA


def test_the_style_sheet_takes_surfaces_from_the_palette_not_fixed_light_colours():
    sheet = style.stylesheet(DARK)
    assert "palette(window)" in sheet and "palette(base)" in sheet and "palette(text)" in sheet
    for light_only in (LIGHT.paper, LIGHT.header, LIGHT.alt_row, LIGHT.line, LIGHT.input_line):
        assert light_only not in sheet, light_only
    assert "background: #ffffff" not in sheet and "background: white" not in sheet


def test_the_window_follows_the_system_into_dark_mode_and_back(window, qtbot, monkeypatch):
    app = QApplication.instance()
    chosen = [DARK]
    monkeypatch.setattr(style, "system_scheme", lambda _app: chosen[0])
    try:
        app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
        assert style.current() is DARK
        assert app.palette().color(QPalette.ColorRole.Window).name() == DARK.paper
        assert app.palette().color(QPalette.ColorRole.Base).name() == DARK.card
        window.show_area("door")
        panel = window.door_view.panel
        image = panel.grab().toImage()
        middle = image.pixelColor(image.width() // 2, image.height() // 2).name()
        assert middle == DARK.card  # the waiting panel is a dark card, not a white one
        assert DARK.verdict_text["admit"] in window.door_view.styleSheet()
    finally:
        chosen[0] = LIGHT
        app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert style.current() is LIGHT
    assert app.palette().color(QPalette.ColorRole.Window).name() == LIGHT.paper
