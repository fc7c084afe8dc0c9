"""The live house count: admitted / sold / capacity, per door, and the latest scans."""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from desktop import formatting, style
from desktop.server_connection import waiting_words


def _label(text: str, name: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName(name)
    return label


class HouseCountCard(QFrame):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("card")
        self.title = _label(self.tr("In the house"), "sectionTitle", self)
        self.admitted_label = _label("0", "houseAdmitted", self)
        self.sold_label = _label("", "houseSold", self)
        self.sold_label.setWordWrap(True)
        self.bar = QProgressBar(self)
        self.bar.setObjectName("houseBar")
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(10)
        self.doors_title = _label(self.tr("By door"), "fieldLabel", self)
        self.doors = QGridLayout()
        self.doors.setHorizontalSpacing(12)
        self.doors.setVerticalSpacing(4)
        self._door_labels: list[QLabel] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 14, 20, 18)
        layout.setSpacing(6)
        layout.addWidget(self.title)
        layout.addWidget(self.admitted_label)
        layout.addWidget(self.sold_label)
        layout.addWidget(self.bar)
        layout.addSpacing(6)
        layout.addWidget(self.doors_title)
        layout.addLayout(self.doors)

    def set_compact(self, compact: bool, tiny: bool = False) -> None:
        """Tighter on a small window: less room around, a smaller number, no
        "By door" heading (each door's line says which is this one); on a tiny
        window (a laptop at 150%) a smaller number still."""
        compact = compact or tiny
        layout = cast(QVBoxLayout, self.layout())
        layout.setContentsMargins(
            *((10, 6, 10, 8) if tiny else (14, 8, 14, 10) if compact else (20, 14, 20, 18))
        )
        layout.setSpacing(2 if compact else 6)
        self.doors_title.setVisible(not compact)
        shown = "tiny" if tiny else "true" if compact else "false"
        self.admitted_label.setProperty("compact", shown)
        self.admitted_label.style().unpolish(self.admitted_label)
        self.admitted_label.style().polish(self.admitted_label)

    def show_count(self, count: dict, this_door: str) -> None:
        admitted, sold, capacity = count["admitted"], count["sold"], count["capacity"]
        self.admitted_label.setText(formatting.number(admitted))
        waiting = int(count.get("waiting") or 0)
        words = self.tr("admitted of {sold} sold · {capacity} seats").format(
            sold=formatting.number(sold), capacity=formatting.number(capacity)
        )
        if waiting:  # admitted here while offline: counted, not yet on the server
            words += " · " + waiting_words(waiting)
        self.sold_label.setText(words)
        self.bar.setRange(0, max(1, sold))
        self.bar.setValue(min(admitted, max(1, sold)))
        summary = self.tr("{admitted} admitted of {sold} sold, {capacity} seats").format(
            admitted=admitted, sold=sold, capacity=capacity
        )
        self.setAccessibleName(self.tr("House count"))
        self.setAccessibleDescription(summary)
        doors = dict(count["doors"])
        doors.setdefault(this_door, 0)
        rows = sorted(doors.items(), key=lambda d: (-d[1], d[0]))
        while len(self._door_labels) < 2 * len(rows):  # made once, reused after
            row = len(self._door_labels) // 2
            left, right = _label("", "doorName", self), _label("", "doorCount", self)
            right.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.doors.addWidget(left, row, 0)
            self.doors.addWidget(right, row, 1)
            self._door_labels += [left, right]
        for n, label in enumerate(self._door_labels):
            row = n // 2
            if row < len(rows):
                door, admitted = rows[row]
                if n % 2 == 0:
                    here = door == this_door
                    label.setText(self.tr("{door} (here)").format(door=door) if here else door)
                else:
                    label.setText(formatting.number(admitted))
            label.setVisible(row < len(rows))

    def door_counts(self) -> dict[str, str]:
        """What the per-door rows say (tests, accessibility checks)."""
        texts = [label.text() for label in self._door_labels if not label.isHidden()]
        return dict(zip(texts[::2], texts[1::2], strict=True))


class RecentScans(QFrame):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("card")
        self.title = _label(self.tr("Latest scans at this door"), "sectionTitle", self)
        self.list = QListWidget(self)
        self.list.setMinimumHeight(60)  # room for one scan on a short screen
        self.list.setObjectName("recentScans")
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 14, 20, 14)
        layout.addWidget(self.title)
        layout.addWidget(self.list, 1)

    def show_scans(self, scans: list[dict], names: dict[str, str]) -> None:
        self.list.clear()
        for scan in scans:
            verdict = scan["verdict"]
            when = formatting.time(scan["occurred_at"], seconds=True)
            item = QListWidgetItem(f"{when}  ·  {names.get(verdict, verdict)}\n{scan['code']}")
            # the verdict's colour as text on this scheme's background (AA contrast)
            shown = style.current().verdict_text
            colour = shown.get("admit" if verdict == "repeat" else verdict, shown["unknown"])
            item.setForeground(QColor(colour))
            self.list.addItem(item)
        if not scans:
            self.list.addItem(QListWidgetItem(self.tr("No scans yet")))
