"""The patron page's loyalty section: the rung, since when, and why.

Reads ``projections.ladder.patron_ladder`` (the ladder's own rules and facts),
so the page says the same as the ladder dashboard, and lists the facts that put
the patron on the rung, each with its date.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop.formatting import local_date
from desktop.loyalty_labels import fact_text, reason_title, rung_and_kind, rung_label
from domain import loyalty
from domain.loyalty import Placement


class LadderSection(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("ladderSection")
        caption = QLabel(self.tr("Loyalty ladder"), self)
        caption.setObjectName("fieldLabel")
        self.rung_label = QLabel(self)
        self.rung_label.setObjectName("cardValue")
        self.rung_label.setProperty("field", "rung")
        self.since_label = QLabel(self)
        self.since_label.setObjectName("muted")
        self.since_label.setWordWrap(True)  # a narrow side column (a laptop at 150%)
        self.why_label = QLabel(self)
        self.why_label.setObjectName("cardValue")
        self.why_label.setProperty("field", "why")
        self.why_label.setWordWrap(True)
        self.why_label.setTextFormat(Qt.TextFormat.RichText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(caption)
        layout.addWidget(self.rung_label)
        layout.addWidget(self.since_label)
        layout.addWidget(self.why_label)

    def show_placement(self, placement: Placement | None) -> None:
        if placement is None:
            self.rung_label.setText("")
            self.since_label.setText("")
            self.why_label.setText("")
            return
        self.rung_label.setText(rung_and_kind(placement.rung, placement.kind))
        since = local_date(placement.since.isoformat()) if placement.since else ""
        if placement.rung == loyalty.LAPSED and placement.was:
            text = self.tr("Lapsed on {date}, was a {rung}").format(
                date=since, rung=rung_label(placement.was).lower()
            )
        elif since:
            text = self.tr("Since {date}").format(date=since)
        else:
            text = self.tr("No ticket, gift or membership yet")
        self.since_label.setText(text)
        self.why_label.setText(self.why_html(placement))

    def why_html(self, placement: Placement) -> str:
        """The reasons: each rule that holds, with the facts (and their dates) behind it."""
        parts = []
        for reason in placement.reasons:
            facts = "".join(f"<br>· {escape(fact_text(f))}" for f in reason.facts)
            parts.append(f"<b>{escape(reason_title(reason.rule))}</b>{facts}")
        return "<br>".join(parts)

    def why_text(self) -> str:
        """The reasons as plain text (tests, accessibility)."""
        from PySide6.QtGui import QTextDocument

        document = QTextDocument()
        document.setHtml(self.why_label.text())
        return document.toPlainText()
