"""The house style: calm colours, readable type, generous spacing; light and dark.

Made for box-office volunteers: large enough text, clear focus, red only for
problems and amber only for warnings. The colours come in two schemes (``LIGHT``
and ``DARK``); the app follows the system's (Qt 6.5+ ``QStyleHints.colorScheme``,
with the Fusion style, on Windows, macOS and Linux) and changes with it. The
style sheet takes its surfaces and text from the palette roles (``palette(window)``,
``palette(base)``, ``palette(text)``) that ``palette_for`` sets for the scheme,
and everything else from the scheme. The door's verdict colours keep WCAG AA
contrast in both schemes (``tests/desktop/test_style.py`` computes the ratios).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

# The light scheme's colours by name: printed tickets and reports (paper) use these.
INK = "#1f2a37"
MUTED = "#5b6675"
PAPER = "#faf8f5"
CARD = "#ffffff"
LINE = "#e3ded6"
ACCENT = "#1f6f78"  # deep teal
ACCENT_DARK = "#17565d"
AMBER = "#e9a53a"  # house lights
SIDEBAR = "#26303d"
ERROR = "#b3261e"

#: verdict -> (panel background, text on it): the door's verdict panel, in both schemes
VERDICT_PANEL: dict[str, tuple[str, str]] = {
    "admit": ("#1b7a3a", "#ffffff"),
    "already_admitted": ("#f0891a", "#2a1500"),
    "wrong_performance": ("#2d5bb0", "#ffffff"),
    "void": ("#b3261e", "#ffffff"),
    "unknown": ("#39424f", "#ffffff"),
    "problem": ("#6d4a9e", "#ffffff"),
}


@dataclass(frozen=True)
class Scheme:
    name: str
    ink: str
    muted: str
    paper: str
    card: str
    line: str
    input_line: str
    header: str
    alt_row: str
    selection: str
    accent: str
    #: the accent as text (headings, chips) on paper and cards
    accent_ink: str
    #: a pressed or hovered accent button (white text on it)
    accent_hover: str
    #: a button that erases or deletes (white text on it)
    danger_button: str
    amber: str
    error: str
    sidebar: str
    sidebar_ink: str
    sidebar_hover: str
    sidebar_selected: str
    chip: str
    warning_bg: str
    warning_line: str
    warning_ink: str
    duplicate_bg: str
    duplicate_selected: str
    soon_bg: str
    soon_ink: str
    danger_bg: str
    danger_line: str
    danger_disabled: str
    success_bg: str
    success_line: str
    disabled_ink: str
    primary_disabled: str
    #: verdict -> its colour as text on paper and cards (the house count, the scans)
    verdict_text: dict[str, str] = field(default_factory=dict)


LIGHT = Scheme(
    name="light",
    ink=INK,
    muted=MUTED,
    paper=PAPER,
    card=CARD,
    line=LINE,
    input_line="#cfc8bd",
    header="#f1ede7",
    alt_row="#f6f3ee",
    selection="#cfe6e8",
    accent=ACCENT,
    accent_ink=ACCENT_DARK,
    accent_hover=ACCENT_DARK,
    danger_button=ERROR,
    amber=AMBER,
    error=ERROR,
    sidebar=SIDEBAR,
    sidebar_ink="#dfe5ec",
    sidebar_hover="#303c4c",
    sidebar_selected="#354355",
    chip="#e6f1f2",
    warning_bg="#fff6e5",
    warning_line="#f0d9a8",
    warning_ink="#5c3d00",
    duplicate_bg="#fffdf8",
    duplicate_selected="#f7e3b8",
    soon_bg="#fdf0d8",
    soon_ink="#8a5a06",
    danger_bg="#fdecea",
    danger_line="#f3c1bc",
    danger_disabled="#e2b4b0",
    success_bg="#eef7f0",
    success_line="#b9dcc2",
    disabled_ink="#8f8980",
    primary_disabled="#b9cfd1",
    verdict_text={
        "admit": "#1b7a3a",
        "already_admitted": "#a65800",
        "wrong_performance": "#2d5bb0",
        "void": "#b3261e",
        "unknown": "#39424f",
        "problem": "#6d4a9e",
    },
)
DARK = Scheme(
    name="dark",
    ink="#e8ebef",
    muted="#a9b3bf",
    paper="#1b1f24",
    card="#242a31",
    line="#3a424c",
    input_line="#4a535e",
    header="#2c333b",
    alt_row="#2a3038",
    selection="#2f5a60",
    accent="#1f6f78",
    accent_ink="#7cc7cf",
    accent_hover="#17565d",
    danger_button=ERROR,
    amber=AMBER,
    error="#f4847a",
    sidebar="#14181d",
    sidebar_ink="#d5dce4",
    sidebar_hover="#222a33",
    sidebar_selected="#2a3440",
    chip="#21464b",
    warning_bg="#3a2f1c",
    warning_line="#7a5a24",
    warning_ink="#f3d39a",
    duplicate_bg="#2b2720",
    duplicate_selected="#4d3f22",
    soon_bg="#3d3220",
    soon_ink="#f0c27a",
    danger_bg="#3d2220",
    danger_line="#7a3a34",
    danger_disabled="#6b3d3a",
    success_bg="#1f3326",
    success_line="#3b6b48",
    disabled_ink="#7d8794",
    primary_disabled="#2f4a4d",
    verdict_text={
        "admit": "#6fcf8f",
        "already_admitted": "#f5a55a",
        "wrong_performance": "#9dbcf5",
        "void": "#f28b82",
        "unknown": "#c5ccd6",
        "problem": "#c8b0ee",
    },
)

FONT_FAMILIES = ["Segoe UI", "Helvetica Neue", "Noto Sans", "Cantarell", "DejaVu Sans"]


def stylesheet(c: Scheme) -> str:
    """The application's style sheet in a scheme (surfaces and text: palette roles)."""
    return f"""
QMainWindow, QDialog, QStackedWidget#areas, QWidget#patronList, QWidget#patronPage,
QWidget#placeholderPage, QScrollArea#cardScroll, QScrollArea#cardScroll > QWidget > QWidget {{
    background: palette(window);
    color: palette(text);
}}
QLabel {{ color: palette(text); }}

/* navigation */
QListWidget#navigation {{
    font-size: 11.5pt;
    background: {c.sidebar};
    color: {c.sidebar_ink};
    border: none;
    padding-top: 12px;
    outline: 0;
}}
QListWidget#navigation::item {{
    padding: 11px 18px;
    border-left: 4px solid transparent;
    margin: 1px 0;
}}
QListWidget#navigation::item:hover {{ background: {c.sidebar_hover}; }}
QListWidget#navigation::item:selected {{
    background: {c.sidebar_selected};
    color: #ffffff;
    border-left: 4px solid {c.amber};
}}
QLabel#brand {{
    background: {c.sidebar};
    color: {c.amber};
    font-size: 15pt;
    font-weight: 600;
    padding: 18px 18px 6px 22px;
}}

/* headings and text */
QLabel#heading {{ font-size: 20pt; font-weight: 600; }}
QLabel#subheading {{ font-size: 14pt; font-weight: 600; }}
QLabel#patronName {{ font-size: 19pt; font-weight: 600; }}
QLabel#muted, QLabel#countLabel {{ color: {c.muted}; }}
QLabel#fieldLabel {{ color: {c.muted}; font-size: 9.5pt; margin-top: 6px; }}
QLabel#sectionTitle {{
    font-size: 11.5pt; font-weight: 600; color: {c.accent_ink};
    padding-top: 10px; padding-bottom: 2px;
}}
QLabel#cardValue {{ font-size: 11pt; }}
QLabel#fieldError {{ color: {c.error}; font-size: 9.5pt; }}

/* cards and panels */
QFrame#card, QFrame#placeholderCard {{
    background: palette(base);
    border: 1px solid {c.line};
    border-radius: 10px;
}}
QFrame#card QLabel, QFrame#placeholderCard QLabel {{ background: transparent; }}
QLabel#chip {{
    background: {c.chip};
    color: {c.accent_ink};
    border-radius: 11px;
    padding: 3px 10px;
}}
QFrame#warningPanel {{
    background: {c.warning_bg};
    border: 1px solid {c.amber};
    border-radius: 8px;
}}
QFrame#warningPanel QLabel {{ background: transparent; }}
QListWidget#duplicateList {{
    background: {c.duplicate_bg}; border: 1px solid {c.warning_line}; border-radius: 6px;
}}
QListWidget#duplicateList::item {{ padding: 5px 6px; }}
QListWidget#duplicateList::item:selected {{
    background: {c.duplicate_selected}; color: palette(text);
}}
QLabel#soonBadge {{
    background: {c.soon_bg}; color: {c.soon_ink}; border-radius: 10px; padding: 3px 10px;
    font-size: 9pt; font-weight: 600;
}}
QLabel#placeholderText {{ font-size: 12pt; }}
QLabel#placeholderPoints {{ color: {c.muted}; }}

/* inputs */
QLineEdit, QPlainTextEdit {{
    background: palette(base);
    border: 1px solid {c.input_line};
    border-radius: 6px;
    padding: 6px 8px;
    selection-background-color: {c.accent};
}}
QLineEdit:focus, QPlainTextEdit:focus {{ border: 2px solid {c.accent}; padding: 5px 7px; }}
QLineEdit#searchField {{ font-size: 13pt; padding: 9px 12px; border-radius: 8px; }}
QLineEdit#searchField:focus {{ padding: 8px 11px; }}
QCheckBox {{ spacing: 8px; padding: 4px 0; }}

/* buttons */
QPushButton {{
    background: palette(base);
    border: 1px solid {c.input_line};
    border-radius: 6px;
    padding: 7px 16px;
    min-height: 20px;
}}
QPushButton:hover {{ background: {c.header}; }}
QPushButton:focus {{ border: 2px solid {c.accent}; padding: 6px 15px; }}
QPushButton:disabled {{ color: {c.disabled_ink}; }}
QPushButton#primaryButton {{
    background: {c.accent}; color: white; border: 1px solid {c.accent_hover}; font-weight: 600;
}}
QPushButton#primaryButton:hover {{ background: {c.accent_hover}; }}
QPushButton#primaryButton:focus {{ border: 2px solid {c.amber}; }}
QPushButton#primaryButton:disabled {{
    background: {c.primary_disabled}; border: 1px solid {c.primary_disabled};
}}
QPushButton#dangerButton {{
    background: {c.danger_button}; color: white; border: 1px solid {c.danger_button};
    font-weight: 600;
}}
QPushButton#dangerButton:disabled {{
    background: {c.danger_disabled}; border: 1px solid {c.danger_disabled};
}}
QPushButton#flatButton {{
    background: transparent; border: none; color: {c.accent}; padding: 6px 4px;
}}
QPushButton#flatButton:hover {{ text-decoration: underline; }}
QPushButton#flatButton:disabled {{ color: {c.disabled_ink}; text-decoration: none; }}

/* tables */
QTableView {{
    background: palette(base);
    alternate-background-color: {c.alt_row};
    border: 1px solid {c.line};
    border-radius: 8px;
    selection-background-color: {c.selection};
    selection-color: palette(text);
    gridline-color: {c.line};
}}
QTableView::item {{ padding: 0 8px; }}
QHeaderView::section {{
    background: {c.header};
    color: {c.muted};
    border: none;
    border-bottom: 1px solid {c.line};
    padding: 7px 8px;
    font-weight: 600;
}}

/* status bar */
QStatusBar {{ background: {c.header}; color: {c.muted}; border-top: 1px solid {c.line}; }}
QStatusBar QLabel {{ color: {c.muted}; padding: 0 8px; }}
QStatusBar QProgressBar {{
    max-height: 12px; max-width: 160px; border: 1px solid {c.line}; border-radius: 5px;
    background: palette(base); text-align: center;
}}
QStatusBar QProgressBar::chunk {{ background: {c.amber}; border-radius: 4px; }}
/* box office */
QWidget#boxOffice {{ background: palette(window); color: palette(text); }}
QSplitter::handle {{ background: transparent; }}
QSplitter::handle:vertical {{ height: 10px; }}
QComboBox, QSpinBox, QDateTimeEdit, QDateEdit {{ min-height: 26px; }}
QSpinBox {{ font-size: 12pt; }}
QPushButton#segmentButton {{ border-radius: 0; padding: 7px 18px; min-width: 120px; }}
QPushButton#segmentButton:focus {{ padding: 6px 17px; }}
QPushButton#segmentButton:checked {{
    background: {c.accent}; color: white; border: 1px solid {c.accent_hover}; font-weight: 600;
}}
QLabel#seatsLeft {{
    background: {c.chip}; color: {c.accent_ink}; border-radius: 12px; padding: 5px 14px;
    font-weight: 600;
}}
QLabel#seatsLeft[fewLeft="true"] {{ background: {c.soon_bg}; color: {c.soon_ink}; }}
QLabel#seatsLeft[soldOut="true"] {{ background: {c.danger_bg}; color: {c.error}; }}
QFrame#successCard {{
    background: {c.success_bg}; border: 1px solid {c.success_line}; border-radius: 10px;
}}
QFrame#successCard QLabel {{ background: transparent; }}
QListWidget#performance_ids {{
    background: palette(base); border: 1px solid {c.input_line}; border-radius: 6px; padding: 4px;
}}
QListWidget#performance_ids::item {{ padding: 6px 4px; }}
QListWidget#reportList {{
    background: palette(base); border: 1px solid {c.line}; border-radius: 8px; padding: 6px;
}}
QListWidget#reportList::item {{ padding: 4px 10px; border-radius: 6px; color: palette(text); }}
QListWidget#reportList::item:selected {{ background: {c.accent}; color: white; }}
QLabel#levelName {{ font-size: 11.5pt; }}
QLabel#totalLabel {{ font-size: 16pt; font-weight: 600; color: palette(text); padding-top: 8px; }}
QLabel#problemBanner {{
    color: {c.error}; background: {c.danger_bg}; border: 1px solid {c.danger_line};
    border-radius: 6px; padding: 8px 12px; font-size: 10.5pt;
}}
QLabel#warningText {{ color: {c.warning_ink}; }}
QLabel#ticketCodes {{
    background: palette(base); border: 1px solid {c.line}; border-radius: 8px; padding: 12px 16px;
}}
QFrame#statTile {{ background: palette(base); border: 1px solid {c.line}; border-radius: 10px; }}
QFrame#statTile QLabel {{ background: transparent; }}
QLabel#statCaption {{ color: {c.muted}; font-size: 9.5pt; }}
QLabel#statValue {{ font-size: 15pt; font-weight: 600; color: {c.accent_ink}; }}
QLabel#statDetail {{ color: {c.muted}; font-size: 9pt; }}
QLabel#statValue[long="true"] {{ font-size: 12pt; padding: 3px 0; }}
"""


_current: list[Scheme] = [LIGHT]
_followers: list[Callable[[Scheme], None]] = []


def current() -> Scheme:
    """The scheme on screen."""
    return _current[0]


def follow(callback: Callable[[Scheme], None]) -> None:
    """Call ``callback(scheme)`` whenever the scheme changes (views with their own colours)."""
    _followers.append(callback)


def palette_for(c: Scheme) -> QPalette:
    """The Qt palette of a scheme: what ``palette(...)`` in the style sheet reads."""
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: c.paper,
        QPalette.ColorRole.WindowText: c.ink,
        QPalette.ColorRole.Base: c.card,
        QPalette.ColorRole.AlternateBase: c.alt_row,
        QPalette.ColorRole.Text: c.ink,
        QPalette.ColorRole.Button: c.card,
        QPalette.ColorRole.ButtonText: c.ink,
        QPalette.ColorRole.Highlight: c.accent,
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: c.card,
        QPalette.ColorRole.ToolTipText: c.ink,
        QPalette.ColorRole.PlaceholderText: c.muted,
        QPalette.ColorRole.Mid: c.line,
        QPalette.ColorRole.Link: c.accent_ink,
        QPalette.ColorRole.BrightText: "#ffffff",
    }
    for role, colour in roles.items():
        palette.setColor(role, QColor(colour))
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(c.disabled_ink))
    return palette


def system_scheme(app: QApplication) -> Scheme:
    """DARK when the system asks for dark colours (Windows, macOS, GNOME), else LIGHT."""
    hints = app.styleHints()
    scheme = getattr(hints, "colorScheme", None)
    return DARK if scheme is not None and scheme() == Qt.ColorScheme.Dark else LIGHT


def use_scheme(app: QApplication, scheme: Scheme) -> None:
    """Put a scheme on screen: palette, style sheet, and the views that follow it."""
    _current[0] = scheme
    app.setPalette(palette_for(scheme))
    app.setStyleSheet(stylesheet(scheme))
    app.setProperty("houselightsScheme", scheme.name)
    for callback in list(_followers):
        try:
            callback(scheme)
        except RuntimeError:  # the view is gone
            _followers.remove(callback)


def base_font() -> QFont:
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPointSizeF(10.5)
    return font


def apply_style(app: QApplication) -> None:
    """Give the whole application the house style in the system's scheme, and follow
    the system when it changes (safe to call again)."""
    if app.property("houselightsStyled"):
        return
    app.setStyle("Fusion")  # the style that draws Qt's palette the same everywhere
    app.setFont(base_font())
    use_scheme(app, system_scheme(app))
    hints = app.styleHints()
    if hasattr(hints, "colorSchemeChanged"):
        hints.colorSchemeChanged.connect(lambda _scheme: use_scheme(app, system_scheme(app)))
    app.setProperty("houselightsStyled", True)


def contrast(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21; AA asks 4.5 for text)."""

    def luminance(colour: str) -> float:
        q = QColor(colour)
        parts = []
        for value in (q.redF(), q.greenF(), q.blueF()):
            parts.append(value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4)
        return 0.2126 * parts[0] + 0.7152 * parts[1] + 0.0722 * parts[2]

    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
