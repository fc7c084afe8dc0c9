"""A calm page for an area that is still being built, saying what will come."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget


class PlaceholderPage(QWidget):
    def __init__(self, title: str, promise: str, points: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("placeholderPage")
        card = QFrame(self)
        card.setObjectName("placeholderCard")
        card.setMaximumWidth(640)
        title_label = QLabel(title, card)
        title_label.setObjectName("heading")
        promise_label = QLabel(promise, card)
        promise_label.setObjectName("placeholderText")
        promise_label.setWordWrap(True)
        soon = QLabel(self.tr("Coming soon"), card)
        soon.setObjectName("soonBadge")
        points_label = QLabel("".join(f"<p>•&nbsp;&nbsp;{p}</p>" for p in points), card)
        points_label.setObjectName("placeholderPoints")
        points_label.setWordWrap(True)
        points_label.setTextFormat(Qt.TextFormat.RichText)

        inner = QVBoxLayout(card)
        inner.setContentsMargins(32, 28, 32, 28)
        inner.setSpacing(12)
        inner.addWidget(soon, 0, Qt.AlignmentFlag.AlignLeft)
        inner.addWidget(title_label)
        inner.addWidget(promise_label)
        inner.addWidget(points_label)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 48, 28, 28)
        layout.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        layout.addStretch(1)
        self.title = title
        self.promise = promise
