"""Export any table to CSV or XLSX: the columns the user can see, in the order
shown (plus hidden columns a screen marks with the ``EXPORT_HIDDEN`` view property).

``export_csv(view, path)`` writes straight to ``path`` (tests, scripts), as an
Excel workbook when the name ends in ``.xlsx``; without a path it asks where to
save (CSV or Excel). ``add_export(view, button)`` gives a table its "Export…"
button and context-menu action. ``write_rows_csv`` / ``write_rows_xlsx`` write
plain header + rows lists (reports, mail-merge files) the same safe way.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from PySide6.QtCore import QAbstractItemModel, QCoreApplication, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractItemView, QMessageBox, QTableView, QWidget

from desktop.file_dialogs import save_file_name

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


def table_cells(view: QAbstractItemView | QAbstractItemModel) -> tuple[list, list[list]]:
    """The headers and the displayed text of the table's visible columns, row by row."""
    model = view if isinstance(view, QAbstractItemModel) else view.model()
    columns = visible_columns(view)
    display = Qt.ItemDataRole.DisplayRole
    headers = [model.headerData(c, Qt.Orientation.Horizontal, display) for c in columns]
    rows = [[model.index(r, c).data(display) for c in columns] for r in range(model.rowCount())]
    return headers, rows


def write_rows_csv(path: str | Path, headers: Sequence, rows: Iterable[Sequence]) -> int:
    """A CSV file a spreadsheet opens with accents intact and no formulas; returns rows."""
    written = 0
    # utf-8 with a byte-order mark, so spreadsheet programs read accents correctly
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow([safe_cell(h) for h in headers])
        for row in rows:
            writer.writerow([safe_cell(v) for v in row])
            written += 1
    return written


_WHOLE_NUMBER = re.compile(r"^-?(0|[1-9]\d{0,14})$")  # "007" and "0123" stay text


def write_rows_xlsx(
    path: str | Path, headers: Sequence, rows: Iterable[Sequence], sheet: str = "Houselights"
) -> int:
    """An Excel workbook (one sheet, bold header row). Numbers stay numbers (also whole
    numbers given as text); any text, even one starting with "=", stays text."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    # sheet names: at most 31 characters, none of []:*?/\
    ws = book.create_sheet(re.sub(r"[\[\]:*?/\\]", " ", sheet)[:31] or "Sheet")
    bold = Font(bold=True)

    def cell(value, header: bool = False) -> WriteOnlyCell:
        if isinstance(value, str) and _WHOLE_NUMBER.match(value) and not header:
            value = int(value)
        made = WriteOnlyCell(ws, value=value)
        if isinstance(value, str):
            made.data_type = "s"  # never a formula
        if header:
            made.font = bold
        return made

    ws.append([cell("" if h is None else str(h), header=True) for h in headers])
    written = 0
    for row in rows:
        ws.append([cell(v) for v in row])
        written += 1
    book.save(str(path))
    return written


def write_csv(view: QAbstractItemView | QAbstractItemModel, path: str | Path) -> int:
    """Write the table's visible columns and rows to ``path``; returns the row count."""
    headers, rows = table_cells(view)
    return write_rows_csv(path, headers, rows)


def write_xlsx(
    view: QAbstractItemView | QAbstractItemModel, path: str | Path, sheet: str = "Houselights"
) -> int:
    """Write the table's visible columns and rows to an Excel workbook at ``path``."""
    headers, rows = table_cells(view)
    return write_rows_xlsx(path, headers, rows, sheet)


def write_table(view: QAbstractItemView | QAbstractItemModel, path: str | Path) -> int:
    """CSV or Excel, by the file name's ending."""
    if str(path).lower().endswith(".xlsx"):
        return write_xlsx(view, path)
    return write_csv(view, path)


def ask_save_path(
    parent: QWidget | None, title: str, suggested_name: str, xlsx_first: bool = False
) -> Path | None:
    """Where to save a table: CSV or Excel, in the user's documents folder."""
    filters = [_tr("CSV files (*.csv)"), _tr("Excel workbooks (*.xlsx)")]
    if xlsx_first:
        filters.reverse()
    chosen, chosen_filter = save_file_name(
        parent, "export", title, suggested_name, ";;".join(filters)
    )
    if not chosen:
        return None
    path = Path(chosen)
    if path.suffix.lower() not in (".csv", ".xlsx"):
        path = path.with_name(path.name + (".xlsx" if "xlsx" in chosen_filter else ".csv"))
    return path


def tell_write_failed(parent: QWidget | None, error: OSError) -> None:
    QMessageBox.warning(
        parent,
        _tr("Export failed"),
        _tr("The file could not be written: {error}").format(error=error.strerror or error),
    )


def export_csv(
    view: QAbstractItemView,
    path: str | Path | None = None,
    parent: QWidget | None = None,
    suggested_name: str = "houselights.csv",
) -> Path | None:
    """Export ``view`` to CSV (or XLSX, by the name's ending); asks for a file name
    when no ``path`` is given.

    Returns the file written, or None when the user cancelled or writing failed
    (the user has then been told why).
    """
    parent = parent or view.window()
    if path is None:
        path = ask_save_path(parent, _tr("Export to a spreadsheet file"), suggested_name)
        if path is None:
            return None
    path = Path(path)
    try:
        write_table(view, path)
    except OSError as error:
        tell_write_failed(parent, error)
        return None
    return path


def add_export(
    view: QAbstractItemView, button=None, suggested_name: str = "houselights.csv", on_done=None
) -> QAction:
    """Give ``view`` an "Export…" context-menu action (and wire ``button`` to it).

    ``on_done(path)`` is called after a successful export (to say so in the status bar).
    """
    action = QAction(_tr("Export…"), view)
    action.setToolTip(_tr("Save this table as a CSV or Excel file for a spreadsheet"))

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
