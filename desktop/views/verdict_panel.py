"""The door's verdict panel: one colour per verdict, text readable from two metres.

It only shows what the door view hands it (titles, details, the greeting);
deciding and wording are elsewhere. Each verdict also sets the panel's
accessible name and description, so a screen reader says what the colour says.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from desktop.views.widgets import FlowLayout

IDLE = "idle"

#: verdict -> (background, text, badge glyph)
PALETTE: dict[str, tuple[str, str, str]] = {
    IDLE: ("#ffffff", "#1f2a37", "▸"),
    "admit": ("#1b7a3a", "#ffffff", "✓"),
    "already_admitted": ("#f0891a", "#2a1500", "!"),
    "wrong_performance": ("#2d5bb0", "#ffffff", "⇄"),
    "void": ("#b3261e", "#ffffff", "✕"),
    "unknown": ("#39424f", "#ffffff", "?"),
    "problem": ("#6d4a9e", "#ffffff", "…"),
}


def _label(name: str, parent: QWidget, wrap: bool = True) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setWordWrap(wrap)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class GreetingCard(QFrame):
    """First name, visit and rung, the cue to say, interests to talk about."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("greetingCard")
        self.name_label = _label("greetingName", self)
        self.meta_label = _label("greetingMeta", self)
        self.cue_labels: list[QLabel] = []
        self.cues = QVBoxLayout()
        self.cues.setSpacing(4)
        self.interests_title = _label("greetingInterestsTitle", self, wrap=False)
        self.interests = QWidget(self)
        self.interests_layout = FlowLayout(self.interests, spacing=8)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 20)
        layout.setSpacing(6)
        layout.addWidget(self.name_label)
        layout.addWidget(self.meta_label)
        layout.addSpacing(6)
        layout.addLayout(self.cues)
        layout.addSpacing(6)
        layout.addWidget(self.interests_title)
        layout.addWidget(self.interests)

    def show_greeting(self, name: str, meta: str, cues: list[str], interests_title: str,
                      interests: list[str]) -> None:  # fmt: skip
        self.name_label.setText(name)
        self.meta_label.setText(meta)
        for label in self.cue_labels:
            self.cues.removeWidget(label)
            label.hide()
            label.deleteLater()
        self.cue_labels = []
        for text in cues:
            label = _label("greetingCue", self)
            label.setText(text)
            self.cues.addWidget(label)
            self.cue_labels.append(label)
        while (item := self.interests_layout.takeAt(0)) is not None:
            if item.widget() is not None:
                item.widget().hide()
                item.widget().deleteLater()
        for tag in interests:
            chip = QLabel(tag, self.interests)
            chip.setObjectName("interestChip")
            chip.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            self.interests_layout.addWidget(chip)
        self.interests_title.setText(interests_title)
        self.interests_title.setVisible(bool(interests))
        self.interests.setVisible(bool(interests))


class VerdictPanel(QFrame):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("verdictPanel")
        self.verdict = IDLE
        self.badge = QLabel(self)
        self.badge.setObjectName("verdictBadge")
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.badge.setFixedSize(84, 84)
        self.title_label = _label("verdictTitle", self)
        self.detail_label = _label("verdictDetail", self)
        self.advice_label = _label("verdictAdvice", self)
        self.code_label = _label("verdictCode", self)
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.greeting = GreetingCard(self)
        self.greeting.hide()

        top = QHBoxLayout()
        top.setSpacing(22)
        top.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignTop)
        words = QVBoxLayout()
        words.setSpacing(6)
        words.addWidget(self.title_label)
        words.addWidget(self.detail_label)
        top.addLayout(words, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 24)
        layout.setSpacing(16)
        layout.addLayout(top)
        layout.addWidget(self.greeting)
        layout.addWidget(self.advice_label)
        layout.addStretch(1)
        layout.addWidget(self.code_label)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def show_verdict(self, verdict: str, title: str, detail: str, code_line: str,
                     description: str, advice: str = "") -> None:  # fmt: skip
        self.verdict = verdict
        background, ink, glyph = PALETTE.get(verdict, PALETTE["problem"])
        self.setStyleSheet(
            f"QFrame#verdictPanel {{ background: {background}; border-radius: 18px;"
            f" border: {'1px solid #e3ded6' if verdict == IDLE else 'none'}; }}"
            f" QLabel {{ color: {ink}; background: transparent; }}"
            f" QLabel#verdictTitle {{ font-size: {28 if verdict in (IDLE, 'problem') else 38}pt;"
            f" font-weight: 800; }}"
            f" QLabel#verdictDetail {{ font-size: 20pt; font-weight: 500; }}"
            f" QLabel#verdictCode {{ font-size: 12pt; }}"
            f" QLabel#verdictAdvice {{ font-size: 17pt; padding: 14px 20px;"
            f" background: rgba(255, 255, 255, 0.16); border-radius: 12px; }}"
            f" QLabel#greetingName {{ font-size: 34pt; font-weight: 700; }}"
            f" QLabel#greetingMeta {{ font-size: 18pt; }}"
            f" QLabel#greetingCue {{ font-size: 19pt; font-weight: 600; }}"
            f" QLabel#greetingInterestsTitle {{ font-size: 12pt; }}"
            f" QLabel#verdictBadge {{ background: {ink if verdict != IDLE else '#e6f1f2'};"
            f" color: {background if verdict != IDLE else '#1f6f78'}; border-radius: 42px;"
            f" font-size: 38pt; font-weight: 700; }}"
            f" QFrame#greetingCard {{ background: rgba(255, 255, 255, 0.16);"
            f" border-radius: 14px; }}"
            f" QLabel#interestChip {{ background: rgba(255, 255, 255, 0.22);"
            f" border-radius: 13px; padding: 4px 12px; font-size: 14pt; }}"
        )
        self.badge.setText(glyph)
        self.title_label.setText(title)
        self.detail_label.setText(detail)
        self.detail_label.setVisible(bool(detail))
        self.code_label.setText(code_line)
        self.advice_label.setText(advice)
        self.advice_label.setVisible(bool(advice))
        self.setAccessibleName(title)
        self.setAccessibleDescription(description)
        if verdict != "admit":
            self.greeting.hide()

    def show_greeting(self, name: str, meta: str, cues: list[str], interests_title: str,
                      interests: list[str]) -> None:  # fmt: skip
        self.greeting.show_greeting(name, meta, cues, interests_title, interests)
        self.greeting.show()
        self.greeting.setAccessibleName(name)
        self.greeting.setAccessibleDescription(". ".join([meta, *cues]))
