"""Export any table to CSV: the columns the user can see, in the order shown
(plus hidden columns a screen marks with the ``EXPORT_HIDDEN`` view property).

``export_csv(view, path)`` writes straight to ``path`` (tests, scripts);
without a path it asks where to save. ``add_export(view, button)`` gives a
table its "Export…" button and context-menu action.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from PySide6.QtCore import QAbstractItemModel, QCoreApplication, QStandardPaths, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractItemView, QFileDialog, QMessageBox, QTableView, QWidget

_PHONE_LIKE = re.compile(r"^[+\-][\d\s().\-/]*$")

#: view property: hidden columns (a list of ints) that the export still writes
EXPORT_HIDDEN = "exportHiddenColumns"


def _tr(text: str) -> str:
    return QCoreApplication.translate("Export", text)


def safe_cell(value) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula.

    Text starting with = + - @ (or a tab/carriage return) is prefixed with an
    apostrophe, except phone numbers such as "+44 20 7946 0958".
    """
    text = "" if value is None else str(value)
    if text[:1] in ("=", "@", "\t", "\r") or (
        text[:1] in ("+", "-") and not _PHONE_LIKE.match(text)
    ):
        return "'" + text
    return text


def visible_columns(view: QAbstractItemView | QAbstractItemModel) -> list[int]:
    if isinstance(view, QAbstractItemModel):
        return list(range(view.columnCount()))
    model = view.model()
    columns = range(model.columnCount())
    if isinstance(view, QTableView):
        header = view.horizontalHeader()
        ordered = sorted(columns, key=header.visualIndex)
        kept = set(view.property(EXPORT_HIDDEN) or ())
        return [c for c in ordered if not view.isColumnHidden(c) or c in kept]
    return list(columns)


def write_csv(view: QAbstractItemView | QAbstractItemModel, path: str | Path) -> int:
    """Write the table's visible columns and rows to ``path``; returns the row count."""
    model = view if isinstance(view, QAbstractItemModel) else view.model()
    columns = visible_columns(view)
    display = Qt.ItemDataRole.DisplayRole
    # utf-8 with a byte-order mark, so spreadsheet programs read accents correctly
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [safe_cell(model.headerData(c, Qt.Orientation.Horizontal, display)) for c in columns]
        )
        rows = model.rowCount()
        for r in range(rows):
            writer.writerow([safe_cell(model.index(r, c).data(display)) for c in columns])
    return rows


def export_csv(
    view: QAbstractItemView,
    path: str | Path | None = None,
    parent: QWidget | None = None,
    suggested_name: str = "houselights.csv",
) -> Path | None:
    """Export ``view`` to CSV; asks for a file name when no ``path`` is given.

    Returns the file written, or None when the user cancelled or writing failed
    (the user has then been told why).
    """
    parent = parent or view.window()
    if path is None:
        folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        )
        chosen, _ = QFileDialog.getSaveFileName(
            parent,
            _tr("Export to a spreadsheet file"),
            str(Path(folder) / suggested_name),
            _tr("CSV files (*.csv)"),
        )
        if not chosen:
            return None
        path = chosen
    path = Path(path)
    try:
        write_csv(view, path)
    except OSError as error:
        QMessageBox.warning(
            parent,
            _tr("Export failed"),
            _tr("The file could not be written: {error}").format(error=error.strerror or error),
        )
        return None
    return path


def add_export(
    view: QAbstractItemView, button=None, suggested_name: str = "houselights.csv", on_done=None
) -> QAction:
    """Give ``view`` an "Export…" context-menu action (and wire ``button`` to it).

    ``on_done(path)`` is called after a successful export (to say so in the status bar).
    """
    action = QAction(_tr("Export…"), view)
    action.setToolTip(_tr("Save this table as a CSV file for a spreadsheet"))

    def run() -> None:
        path = export_csv(view, suggested_name=suggested_name)
        if path is not None and on_done is not None:
            on_done(path)

    action.triggered.connect(run)
    view.addAction(action)
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
    if button is not None:
        button.clicked.connect(action.trigger)
        button.setToolTip(action.toolTip())
    return action
