"""The house style: calm colours, readable type, generous spacing.

Made for box-office volunteers: large enough text, clear focus, red only for
problems and amber only for warnings.
"""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

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

FONT_FAMILIES = ["Segoe UI", "Helvetica Neue", "Noto Sans", "Cantarell", "DejaVu Sans"]

QSS = f"""
QMainWindow, QDialog, QStackedWidget#areas, QWidget#patronList, QWidget#patronPage,
QWidget#placeholderPage, QScrollArea#cardScroll, QScrollArea#cardScroll > QWidget > QWidget {{
    background: {PAPER};
    color: {INK};
}}
QLabel {{ color: {INK}; }}

/* navigation */
QListWidget#navigation {{
    font-size: 11.5pt;
    background: {SIDEBAR};
    color: #dfe5ec;
    border: none;
    padding-top: 12px;
    outline: 0;
}}
QListWidget#navigation::item {{
    padding: 11px 18px;
    border-left: 4px solid transparent;
    margin: 1px 0;
}}
QListWidget#navigation::item:hover {{ background: #303c4c; }}
QListWidget#navigation::item:selected {{
    background: #354355;
    color: #ffffff;
    border-left: 4px solid {AMBER};
}}
QLabel#brand {{
    background: {SIDEBAR};
    color: {AMBER};
    font-size: 15pt;
    font-weight: 600;
    padding: 18px 18px 6px 22px;
}}

/* headings and text */
QLabel#heading {{ font-size: 20pt; font-weight: 600; }}
QLabel#subheading {{ font-size: 14pt; font-weight: 600; }}
QLabel#patronName {{ font-size: 19pt; font-weight: 600; }}
QLabel#muted, QLabel#countLabel {{ color: {MUTED}; }}
QLabel#fieldLabel {{ color: {MUTED}; font-size: 9.5pt; margin-top: 6px; }}
QLabel#sectionTitle {{
    font-size: 11.5pt; font-weight: 600; color: {ACCENT_DARK};
    padding-top: 10px; padding-bottom: 2px;
}}
QLabel#cardValue {{ font-size: 11pt; }}
QLabel#fieldError {{ color: {ERROR}; font-size: 9.5pt; }}

/* cards and panels */
QFrame#card, QFrame#placeholderCard {{
    background: {CARD};
    border: 1px solid {LINE};
    border-radius: 10px;
}}
QFrame#card QLabel, QFrame#placeholderCard QLabel {{ background: transparent; }}
QLabel#chip {{
    background: #e6f1f2;
    color: {ACCENT_DARK};
    border-radius: 11px;
    padding: 3px 10px;
}}
QFrame#warningPanel {{
    background: #fff6e5;
    border: 1px solid {AMBER};
    border-radius: 8px;
}}
QFrame#warningPanel QLabel {{ background: transparent; }}
QListWidget#duplicateList {{ background: #fffdf8; border: 1px solid #f0d9a8; border-radius: 6px; }}
QListWidget#duplicateList::item {{ padding: 5px 6px; }}
QListWidget#duplicateList::item:selected {{ background: #f7e3b8; color: {INK}; }}
QLabel#soonBadge {{
    background: #fdf0d8; color: #8a5a06; border-radius: 10px; padding: 3px 10px;
    font-size: 9pt; font-weight: 600;
}}
QLabel#placeholderText {{ font-size: 12pt; }}
QLabel#placeholderPoints {{ color: {MUTED}; }}

/* inputs */
QLineEdit, QPlainTextEdit {{
    background: {CARD};
    border: 1px solid #cfc8bd;
    border-radius: 6px;
    padding: 6px 8px;
    selection-background-color: {ACCENT};
}}
QLineEdit:focus, QPlainTextEdit:focus {{ border: 2px solid {ACCENT}; padding: 5px 7px; }}
QLineEdit#searchField {{ font-size: 13pt; padding: 9px 12px; border-radius: 8px; }}
QLineEdit#searchField:focus {{ padding: 8px 11px; }}
QCheckBox {{ spacing: 8px; padding: 4px 0; }}

/* buttons */
QPushButton {{
    background: {CARD};
    border: 1px solid #cfc8bd;
    border-radius: 6px;
    padding: 7px 16px;
    min-height: 20px;
}}
QPushButton:hover {{ background: #f1ede7; }}
QPushButton:focus {{ border: 2px solid {ACCENT}; padding: 6px 15px; }}
QPushButton:disabled {{ color: #a09a92; }}
QPushButton#primaryButton {{
    background: {ACCENT}; color: white; border: 1px solid {ACCENT_DARK}; font-weight: 600;
}}
QPushButton#primaryButton:hover {{ background: {ACCENT_DARK}; }}
QPushButton#primaryButton:focus {{ border: 2px solid {AMBER}; }}
QPushButton#primaryButton:disabled {{ background: #b9cfd1; border: 1px solid #b9cfd1; }}
QPushButton#dangerButton {{
    background: {ERROR}; color: white; border: 1px solid {ERROR}; font-weight: 600;
}}
QPushButton#dangerButton:disabled {{ background: #e2b4b0; border: 1px solid #e2b4b0; }}
QPushButton#flatButton {{
    background: transparent; border: none; color: {ACCENT}; padding: 6px 4px;
}}
QPushButton#flatButton:hover {{ text-decoration: underline; }}

/* tables */
QTableView {{
    background: {CARD};
    alternate-background-color: #f6f3ee;
    border: 1px solid {LINE};
    border-radius: 8px;
    selection-background-color: #cfe6e8;
    selection-color: {INK};
    gridline-color: {LINE};
}}
QTableView::item {{ padding: 0 8px; }}
QHeaderView::section {{
    background: #f1ede7;
    color: {MUTED};
    border: none;
    border-bottom: 1px solid {LINE};
    padding: 7px 8px;
    font-weight: 600;
}}

/* status bar */
QStatusBar {{ background: #f1ede7; color: {MUTED}; border-top: 1px solid {LINE}; }}
QStatusBar QLabel {{ color: {MUTED}; padding: 0 8px; }}
QStatusBar QProgressBar {{
    max-height: 12px; max-width: 160px; border: 1px solid {LINE}; border-radius: 5px;
    background: {CARD}; text-align: center;
}}
QStatusBar QProgressBar::chunk {{ background: {AMBER}; border-radius: 4px; }}
/* box office */
QWidget#boxOffice {{ background: {PAPER}; color: {INK}; }}
QSplitter::handle {{ background: transparent; }}
QSplitter::handle:vertical {{ height: 10px; }}
QComboBox, QSpinBox, QDateTimeEdit, QDateEdit {{ min-height: 26px; }}
QSpinBox {{ font-size: 12pt; }}
QPushButton#segmentButton {{ border-radius: 0; padding: 7px 18px; min-width: 120px; }}
QPushButton#segmentButton:focus {{ padding: 6px 17px; }}
QPushButton#segmentButton:checked {{
    background: {ACCENT}; color: white; border: 1px solid {ACCENT_DARK}; font-weight: 600;
}}
QLabel#seatsLeft {{
    background: #e6f1f2; color: {ACCENT_DARK}; border-radius: 12px; padding: 5px 14px;
    font-weight: 600;
}}
QLabel#seatsLeft[fewLeft="true"] {{ background: #fdf0d8; color: #8a5a06; }}
QLabel#seatsLeft[soldOut="true"] {{ background: #fbe3e1; color: {ERROR}; }}
QFrame#successCard {{ background: #eef7f0; border: 1px solid #b9dcc2; border-radius: 10px; }}
QFrame#successCard QLabel {{ background: transparent; }}
QListWidget#performance_ids {{
    background: {CARD}; border: 1px solid #cfc8bd; border-radius: 6px; padding: 4px;
}}
QListWidget#performance_ids::item {{ padding: 6px 4px; }}
QListWidget#reportList {{
    background: {CARD}; border: 1px solid {LINE}; border-radius: 8px; padding: 6px;
}}
QListWidget#reportList::item {{ padding: 4px 10px; border-radius: 6px; color: {INK}; }}
QListWidget#reportList::item:selected {{ background: {ACCENT}; color: white; }}
QLabel#levelName {{ font-size: 11.5pt; }}
QLabel#totalLabel {{ font-size: 16pt; font-weight: 600; color: {INK}; padding-top: 8px; }}
QLabel#problemBanner {{
    color: {ERROR}; background: #fdecea; border: 1px solid #f3c1bc; border-radius: 6px;
    padding: 8px 12px; font-size: 10.5pt;
}}
QLabel#warningText {{ color: #5c3d00; }}
QLabel#ticketCodes {{
    background: {CARD}; border: 1px solid {LINE}; border-radius: 8px; padding: 12px 16px;
}}
QFrame#statTile {{ background: {CARD}; border: 1px solid {LINE}; border-radius: 10px; }}
QFrame#statTile QLabel {{ background: transparent; }}
QLabel#statCaption {{ color: {MUTED}; font-size: 9.5pt; }}
QLabel#statValue {{ font-size: 15pt; font-weight: 600; color: {ACCENT_DARK}; }}
QLabel#statDetail {{ color: {MUTED}; font-size: 9pt; }}
QLabel#statValue[long="true"] {{ font-size: 12pt; padding: 3px 0; }}
"""


def base_font() -> QFont:
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPointSizeF(10.5)
    return font


def apply_style(app: QApplication) -> None:
    """Give the whole application the house style (safe to call again)."""
    if app.property("houselightsStyled"):
        return
    app.setFont(base_font())
    app.setStyleSheet(QSS)
    app.setProperty("houselightsStyled", True)
