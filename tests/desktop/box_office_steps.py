"""What a volunteer does in the box office, as small steps the tests share."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.models.performance_table import PerformanceTableModel
from tests.desktop.conftest import settle

LEFT = Qt.MouseButton.LeftButton


def click(qtbot, widget) -> None:
    """Click, and wait for the command it may have handed to the writer to be answered."""
    qtbot.mouseClick(widget, LEFT)
    settle(qtbot)


def type_into(qtbot, widget, text: str) -> None:
    """Click into a field, select what is there and type over it."""
    widget.setFocus(Qt.FocusReason.MouseFocusReason)
    widget.selectAll()
    qtbot.keyClicks(widget, text)


def click_row(qtbot, table, row: int, column: int = 0) -> None:
    rect = table.visualRect(table.model().index(row, column))
    qtbot.mouseClick(table.viewport(), LEFT, pos=rect.center())


def row_of(table, column: int, text: str) -> int:
    model = table.model()
    for row in range(model.rowCount()):
        if model.index(row, column).data() == text:
            return row
    raise AssertionError(f"{text!r} is not in the table")


def open_sell_dialog(qtbot, box, title: str = "The Magic Flute"):
    """Click the performance in the list and press Enter."""
    qtbot.waitUntil(lambda: title in _titles(box))
    click_row(qtbot, box.table, row_of(box.table, PerformanceTableModel.TITLE, title))
    qtbot.keyClick(box.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: box.dialog is not None and box.dialog.isVisible())
    return box.dialog


def set_quantity(qtbot, dialog, level: str, count: int) -> None:
    spin = dialog.spins[level]
    spin.setFocus(Qt.FocusReason.MouseFocusReason)
    spin.selectAll()
    qtbot.keyClicks(spin, str(count))
    assert spin.value() == count


def _titles(box) -> list[str]:
    model = box.table.model()
    return [model.index(r, PerformanceTableModel.TITLE).data() for r in range(model.rowCount())]
