"""The door's verdict panel: one colour per verdict, text readable from two metres.

It only shows what the door view hands it (titles, details, the greeting);
deciding and wording are elsewhere. Each verdict also sets the panel's
accessible name and description, so a screen reader says what the colour says.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from desktop import style

IDLE = "idle"
#: a verdict not painted within this long (a minimised window): what waits for its
#: paint runs anyway
PAINT_WAIT_MS = 250

GLYPHS = {
    IDLE: "▸",
    "admit": "✓",
    "already_admitted": "!",
    "wrong_performance": "⇄",
    "void": "✕",
    "unknown": "?",
    "problem": "…",
}


def palette(scheme: style.Scheme | None = None) -> dict[str, tuple[str, str, str]]:
    """verdict -> (background, text, badge glyph) in a colour scheme: the verdicts' own
    colours in both (``style.VERDICT_PANEL``), the waiting panel the scheme's card."""
    scheme = scheme or style.current()
    found = {IDLE: (scheme.card, scheme.ink, GLYPHS[IDLE])}
    for verdict, (background, ink) in style.VERDICT_PANEL.items():
        found[verdict] = (background, ink, GLYPHS[verdict])
    return found


#: verdict -> (background, text, badge glyph), light scheme (kept for callers)
PALETTE = palette(style.LIGHT)


def _label(name: str, parent: QWidget, wrap: bool = True) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setWordWrap(wrap)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def _panel_style(scheme: style.Scheme | None = None) -> str:
    """One style sheet for the panel and its pages: each page wears its verdict's colours
    for good (its ``verdict`` property is set once, when it is made), so showing a
    verdict never re-polishes a widget; the window's size picks the type
    (``compact``, ``tiny``: properties of the panel, changed only on a resize)."""
    page = "QFrame#verdictPage"
    rules = [
        f"{page} {{ border-radius: 18px; border: none; }}",
        f"{page} QLabel {{ background: transparent; }}",
        "QLabel#verdictTitle { font-size: 38pt; font-weight: 800; }",
        f"{page}[verdict='idle'] QLabel#verdictTitle,"
        f" {page}[verdict='problem'] QLabel#verdictTitle {{ font-size: 28pt; }}",
        "QLabel#verdictDetail { font-size: 20pt; font-weight: 500; }",
        "QLabel#verdictCode { font-size: 12pt; }",
        "QFrame#verdictPanel QLabel#verdictAdvice { font-size: 17pt; padding: 14px 20px;"
        " background: rgba(255, 255, 255, 0.16); border-radius: 12px; }",
        "QLabel#greetingName { font-size: 34pt; font-weight: 700; }",
        "QLabel#greetingMeta { font-size: 18pt; }",
        "QLabel#greetingCue { font-size: 19pt; font-weight: 600; }",
        "QLabel#greetingInterestsTitle { font-size: 12pt; }",
        "QFrame#greetingCard { background: rgba(255, 255, 255, 0.16); border-radius: 14px; }",
        "QFrame#verdictPanel QLabel#interestChip { background: rgba(255, 255, 255, 0.22);"
        " border-radius: 13px; padding: 4px 12px; font-size: 14pt; }",
        "QLabel#verdictBadge { border-radius: 42px; font-size: 38pt; font-weight: 700; }",
    ]
    # a small window (a laptop at 125% or 150%): the same verdict in smaller type
    small = "QFrame#verdictPanel[compact='true']"
    rules += [
        f"{small} QLabel#verdictTitle {{ font-size: 26pt; }}",
        f"{small} {page}[verdict='idle'] QLabel#verdictTitle,"
        f" {small} {page}[verdict='problem'] QLabel#verdictTitle {{ font-size: 20pt; }}",
        f"{small} QLabel#verdictDetail {{ font-size: 14pt; }}",
        f"{small} QLabel#verdictAdvice {{ font-size: 12pt; padding: 8px 12px; }}",
        f"{small} QLabel#greetingName {{ font-size: 22pt; }}",
        f"{small} QLabel#greetingMeta {{ font-size: 13pt; }}",
        f"{small} QLabel#greetingCue {{ font-size: 13pt; }}",
        f"{small} QLabel#greetingInterestsTitle {{ font-size: 10pt; }}",
        f"{small} QLabel#interestChip {{ font-size: 11pt; padding: 2px 8px; }}",
        f"{small} QLabel#verdictBadge {{ border-radius: 28px; font-size: 24pt; }}",
        f"{small} QLabel#verdictCode {{ font-size: 10pt; }}",
    ]
    # a tiny window (a 1366×768 laptop at 150% is 910×512): smaller still, so the
    # verdict and the whole greeting are read without scrolling
    tiny = "QFrame#verdictPanel[tiny='true']"
    rules += [
        f"{tiny} QLabel#verdictTitle {{ font-size: 22pt; }}",
        f"{tiny} {page}[verdict='idle'] QLabel#verdictTitle,"
        f" {tiny} {page}[verdict='problem'] QLabel#verdictTitle {{ font-size: 16pt; }}",
        f"{tiny} QLabel#verdictDetail {{ font-size: 12pt; }}",
        f"{tiny} QLabel#verdictAdvice {{ font-size: 11pt; padding: 6px 10px; }}",
        f"{tiny} QLabel#greetingName {{ font-size: 20pt; }}",
        f"{tiny} QLabel#greetingMeta {{ font-size: 11pt; }}",
        f"{tiny} QLabel#greetingCue {{ font-size: 11pt; }}",
        f"{tiny} QLabel#greetingInterestsTitle {{ font-size: 9pt; }}",
        f"{tiny} QLabel#interestChip {{ font-size: 10pt; padding: 1px 7px; border-radius: 9px; }}",
        f"{tiny} QLabel#verdictBadge {{ border-radius: 20px; font-size: 18pt; }}",
        f"{tiny} QLabel#verdictCode {{ font-size: 9pt; }}",
    ]
    scheme = scheme or style.current()
    rules.append(f"{page}[verdict='idle'] {{ border: 1px solid {scheme.line}; }}")
    for verdict, (background, ink, _glyph) in palette(scheme).items():
        badge, mark = (ink, background) if verdict != IDLE else (scheme.chip, scheme.accent_ink)
        on = f"{page}[verdict='{verdict}']"
        rules += [
            f"{on} {{ background: {background}; }}",
            f"{on} QLabel {{ color: {ink}; }}",
            f"{on} QLabel#verdictBadge {{ background: {badge}; color: {mark}; }}",
        ]
    return "\n".join(rules)


class GreetingCard(QFrame):
    """First name, visit and rung, the cue to say, interests to talk about."""

    MAX_CUES, MAX_INTERESTS = 5, 8

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("greetingCard")
        self.name_label = _label("greetingName", self)
        self.meta_label = _label("greetingMeta", self)
        # A few labels made once and reused: new widgets per scan cost time.
        self.cue_pool = [_label("greetingCue", self) for _ in range(self.MAX_CUES)]
        self.interests_title = _label("greetingInterestsTitle", self, wrap=False)
        # Two plain rows, not a flow layout: a Python layout's itemAt() is called on
        # every relayout, far too often for a screen that changes with each scan.
        self.interests = QWidget(self)
        rows = QVBoxLayout(self.interests)
        rows.setContentsMargins(0, 0, 0, 0)
        rows.setSpacing(8)
        self.chip_pool = []
        self.chip_rows: list[QHBoxLayout] = []
        for _ in range(2):
            row = QHBoxLayout()
            self.chip_rows.append(row)
            row.setSpacing(8)
            for _ in range(self.MAX_INTERESTS // 2):
                chip = QLabel(self.interests)
                chip.setObjectName("interestChip")
                chip.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
                row.addWidget(chip)
                self.chip_pool.append(chip)
            row.addStretch(1)
            rows.addLayout(row)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 20)
        layout.setSpacing(6)
        layout.addWidget(self.name_label)
        layout.addWidget(self.meta_label)
        layout.addSpacing(6)
        for label in self.cue_pool:
            layout.addWidget(label)
        layout.addSpacing(6)
        layout.addWidget(self.interests_title)
        layout.addWidget(self.interests)

    def set_tiny(self, tiny: bool) -> None:
        """Less room around the greeting on a tiny window."""
        layout = cast(QVBoxLayout, self.layout())
        layout.setContentsMargins(*((12, 8, 12, 10) if tiny else (24, 18, 24, 20)))
        layout.setSpacing(2 if tiny else 6)
        rows = cast(QVBoxLayout, self.interests.layout())
        rows.setSpacing(4 if tiny else 8)
        for row in self.chip_rows:
            row.setSpacing(4 if tiny else 8)

    @property
    def cue_labels(self) -> list[QLabel]:
        return [label for label in self.cue_pool if not label.isHidden()]

    def chips(self) -> list[str]:
        return [chip.text() for chip in self.chip_pool if not chip.isHidden()]

    def show_greeting(
        self, name: str, meta: str, cues: list[str], interests_title: str, interests: list[str]
    ) -> None:
        self.name_label.setText(name)
        self.meta_label.setText(meta)
        for label, text in zip(self.cue_pool, [*cues, *[""] * self.MAX_CUES], strict=False):
            label.setText(text)
            label.setVisible(bool(text))
        shown = interests[: self.MAX_INTERESTS]
        for chip, text in zip(self.chip_pool, [*shown, *[""] * self.MAX_INTERESTS], strict=False):
            chip.setText(text)
            chip.setVisible(bool(text))
        self.interests_title.setText(interests_title)
        self.interests_title.setVisible(bool(shown))
        self.interests.setVisible(bool(shown))


class VerdictPage(QFrame):
    """One verdict's page: its colours are fixed when it is made, its words change."""

    def __init__(self, verdict: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("verdictPage")
        self.verdict = verdict
        self.setProperty("verdict", verdict)
        self.badge = QLabel(GLYPHS[verdict], self)
        self.badge.setObjectName("verdictBadge")
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.badge.setFixedSize(84, 84)
        self.title_label = _label("verdictTitle", self)
        self.detail_label = _label("verdictDetail", self)
        self.advice_label = _label("verdictAdvice", self)
        self.code_label = _label("verdictCode", self)
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        #: only ADMIT greets
        self.greeting: GreetingCard | None = None
        top = QHBoxLayout()
        top.setSpacing(22)
        top.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignTop)
        words = QVBoxLayout()
        words.setSpacing(6)
        words.addWidget(self.title_label)
        words.addWidget(self.detail_label)
        top.addLayout(words, 1)
        self._top = top
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 24)
        layout.setSpacing(16)
        layout.addLayout(top)
        if verdict == "admit":
            self.greeting = GreetingCard(self)
            self.greeting.hide()
            layout.addWidget(self.greeting)
        layout.addWidget(self.advice_label)
        layout.addStretch(1)
        layout.addWidget(self.code_label)
        #: called after each paint of this page (the panel's ``after_paint``)
        self.on_paint: Callable[[], None] | None = None

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().paintEvent(event)
        if self.on_paint is not None:
            self.on_paint()

    def set_compact(self, compact: bool, tiny: bool) -> None:
        self.badge.setFixedSize(*((40, 40) if tiny else (56, 56) if compact else (84, 84)))
        layout = cast(QVBoxLayout, self.layout())
        layout.setContentsMargins(
            *((12, 10, 12, 8) if tiny else (18, 14, 18, 12) if compact else (32, 28, 32, 24))
        )
        layout.setSpacing(6 if tiny else 8 if compact else 16)
        self._top.setSpacing(10 if tiny else 14 if compact else 22)
        if self.greeting is not None:
            self.greeting.set_tiny(tiny)


class VerdictPanel(QFrame):
    """The verdict, in its colour, filling the door.

    Speed (the door's target is a painted verdict within 20 ms of the scan): each
    verdict has its own page, styled once when it is made, so a new verdict only
    sets words and shows its page; nothing is re-polished (re-polishing the panel's
    style sheet for a change of colour took 5 ms of CPU). The panel has no layout:
    its pages fill it, so a verdict lays out its own page and never the window
    (the window is laid out again only when a verdict needs more room than any
    before it, see ``_make_room``)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("verdictPanel")
        self.verdict = IDLE
        self.setProperty("verdict", IDLE)
        self.setStyleSheet(_panel_style())
        style.follow(lambda scheme: self.setStyleSheet(_panel_style(scheme)))
        self.pages = {verdict: VerdictPage(verdict, self) for verdict in GLYPHS}
        for verdict, page in self.pages.items():
            page.setVisible(verdict == IDLE)
            page.on_paint = self._page_painted
        self._after_paint: list[Callable[[], None]] = []
        self._after_paint_posted = False
        #: a panel that is not painted (a minimised window) runs them after this long
        self._paint_wait = QTimer(self)
        self._paint_wait.setSingleShot(True)
        self._paint_wait.setInterval(PAINT_WAIT_MS)
        self._paint_wait.timeout.connect(self._run_after_paint)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._room = QSize(0, 0)
        self._make_room(reset=True)

    compact = False
    tiny = False

    # -- the page on screen: what callers read ------------------------------------------
    @property
    def page(self) -> VerdictPage:
        return self.pages[self.verdict]

    @property
    def badge(self) -> QLabel:
        return self.page.badge

    @property
    def title_label(self) -> QLabel:
        return self.page.title_label

    @property
    def detail_label(self) -> QLabel:
        return self.page.detail_label

    @property
    def advice_label(self) -> QLabel:
        return self.page.advice_label

    @property
    def code_label(self) -> QLabel:
        return self.page.code_label

    @property
    def greeting(self) -> GreetingCard:
        card = self.pages["admit"].greeting
        assert card is not None  # the ADMIT page has one
        return card

    # -- size ---------------------------------------------------------------------------
    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        for page in self.pages.values():
            page.setGeometry(self.rect())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return self._room

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return self._room

    def _make_room(self, reset: bool = False) -> None:
        """The panel asks the window for as much room as the most any page has needed:
        the window is laid out again only when a verdict needs more than before."""
        need = self.page.minimumSizeHint()
        if reset:
            for page in self.pages.values():
                need = need.expandedTo(page.minimumSizeHint())
        elif need.width() <= self._room.width() and need.height() <= self._room.height():
            return
        self._room = need if reset else self._room.expandedTo(need)
        self.updateGeometry()

    def set_compact(self, compact: bool, tiny: bool = False) -> None:
        """Smaller type and margins for a small window (the door's ``fit``); smaller
        still for a tiny one (a laptop at 150%)."""
        compact = compact or tiny
        if (compact, tiny) == (self.compact, self.tiny):
            return
        self.compact, self.tiny = compact, tiny
        self.setProperty("compact", "true" if compact else "false")
        self.setProperty("tiny", "true" if tiny else "false")
        for page in self.pages.values():
            page.set_compact(compact, tiny)
        for widget in (self, *self.findChildren(QWidget)):
            widget.style().unpolish(widget)
            widget.style().polish(widget)
        self._make_room(reset=True)

    # -- after the paint ----------------------------------------------------------------
    def after_paint(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once what the panel shows now has been painted (right after
        the paint, on the GUI thread), or after ``PAINT_WAIT_MS`` when the panel is not
        painted (a minimised window), at once when it is not on screen at all. The door
        hands the read models' catch-up over to the writer only then, so that work never
        competes with the verdict's paint."""
        self._after_paint.append(callback)
        self._paint_wait.start(PAINT_WAIT_MS if self.isVisible() else 0)

    @property
    def paint_awaited(self) -> bool:
        return bool(self._after_paint)

    def _page_painted(self) -> None:
        if self._after_paint and not self._after_paint_posted:
            self._after_paint_posted = True  # the labels paint after the page: then
            QTimer.singleShot(0, self._run_after_paint)

    def run_after_paint_now(self) -> None:
        """What waits for the paint runs now (the window is closing)."""
        self._run_after_paint()

    def _run_after_paint(self) -> None:
        self._paint_wait.stop()
        self._after_paint_posted = False
        callbacks, self._after_paint = self._after_paint, []
        for callback in callbacks:
            callback()

    # -- showing ------------------------------------------------------------------------
    def show_verdict(
        self,
        verdict: str,
        title: str,
        detail: str,
        code_line: str,
        description: str,
        advice: str = "",
    ) -> None:
        if verdict not in self.pages:
            verdict = "problem"
        page = self.pages[verdict]
        page.title_label.setText(title)
        page.detail_label.setText(detail)
        page.detail_label.setVisible(bool(detail))
        page.code_label.setText(code_line)
        page.advice_label.setText(advice)
        page.advice_label.setVisible(bool(advice))
        if page.greeting is not None:
            page.greeting.hide()  # until ``show_greeting``
        if verdict != self.verdict:
            before, self.verdict = self.pages[self.verdict], verdict
            self.setProperty("verdict", verdict)  # read by tests and tools, styles nothing
            page.show()
            page.raise_()
            before.hide()
        self.setAccessibleName(title)
        self.setAccessibleDescription(description)
        self._make_room()

    def show_greeting(
        self, name: str, meta: str, cues: list[str], interests_title: str, interests: list[str]
    ) -> None:
        self.greeting.show_greeting(name, meta, cues, interests_title, interests)
        self.greeting.show()
        self.greeting.setAccessibleName(name)
        self.greeting.setAccessibleDescription(". ".join([meta, *cues]))
        self._make_room()
