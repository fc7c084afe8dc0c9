"""Every table exports to CSV: the visible columns, in the order shown."""

from __future__ import annotations

import csv

from PySide6.QtCore import Qt

from desktop.export import export_csv, safe_cell
from desktop.models.patron_table import PatronTableModel
from desktop.models.timeline import TimelineModel


def read(path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return list(csv.reader(handle))


def test_exporting_the_patron_list(window, tmp_path):
    path = export_csv(window.patron_list.table, tmp_path / "patrons.csv")
    rows = read(path)
    assert rows[0] == ["Name", "Email", "Phone", "City", "Interests", "Last activity"]
    assert [r[0] for r in rows[1:]] == ["Zoë Adams", "Grace Hopper", "Ada Lovelace", "Adam Zimmer"]
    ada = rows[3]
    assert ada[1:5] == ["ada@example.org", "(555) 123-4567", "London", "opera, chamber music"]
    assert rows[1][2] == "+44 20 7946 0958"  # a phone number stays a phone number


def test_export_writes_what_the_table_shows(window, qtbot, tmp_path):
    table = window.patron_list.table
    qtbot.keyClicks(window.patron_list.search_field, "opera")
    qtbot.waitUntil(lambda: window.patron_list.proxy.rowCount() == 2)
    table.setColumnHidden(PatronTableModel.PHONE, True)
    table.sortByColumn(PatronTableModel.NAME, Qt.SortOrder.DescendingOrder)
    rows = read(export_csv(table, tmp_path / "opera.csv"))
    assert rows == [
        ["Name", "Email", "City", "Interests", "Last activity"],
        ["Adam Zimmer", "az@example.org", "Carlton", "opera", rows[1][4]],
        ["Ada Lovelace", "ada@example.org", "London", "opera, chamber music", rows[2][4]],
    ]


def test_exporting_a_timeline(window, qtbot, tmp_path):
    page = window.patron_page
    window.open_patron(window.patron_list.proxy.row_id(0))
    qtbot.keyClicks(page.note_edit, '=HYPERLINK("http://evil")')
    qtbot.keyClick(page.note_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.timeline_model.rowCount() == 2)
    rows = read(export_csv(page.timeline_table, tmp_path / "timeline.csv"))
    assert rows[0] == ["When", "What", "Summary", "By", "Workstation"]
    assert rows[1][1:] == ["Note", '\'=HYPERLINK("http://evil")', "maria", "box-office-1"]
    assert rows[2][1] == "Registered"
    assert TimelineModel.SUMMARY == 2


def test_the_export_button_and_context_action(window):
    patrons = window.patron_list
    assert patrons.export_action in patrons.table.actions()
    assert patrons.export_action.text() == "Export…"
    assert patrons.table.contextMenuPolicy() == Qt.ContextMenuPolicy.ActionsContextMenu


def test_cells_that_would_run_as_formulas_are_made_text():
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("-42") == "-42"  # a plain negative number is left alone
    assert safe_cell("-2+3") == "'-2+3"
    assert safe_cell("-cmd|' /C calc'!A0") == "'-cmd|' /C calc'!A0"
    assert safe_cell("+44 20 7946 0958") == "+44 20 7946 0958"
    assert safe_cell(None) == ""


def test_every_table_also_exports_to_excel(window, qtbot, tmp_path):
    """The same columns as the CSV file; whole numbers become numbers, and text that
    looks like a formula stays text."""
    from openpyxl import load_workbook

    from desktop.export import write_rows_xlsx

    path = export_csv(window.patron_list.table, tmp_path / "patrons.xlsx")
    sheet = load_workbook(path).active
    rows = list(sheet.values)
    assert list(rows[0]) == read(export_csv(window.patron_list.table, tmp_path / "p.csv"))[0]
    assert sheet["A1"].font.b
    assert [r[0] for r in rows[1:]] == ["Zoë Adams", "Grace Hopper", "Ada Lovelace", "Adam Zimmer"]
    assert rows[1][2] == "+44 20 7946 0958"

    write_rows_xlsx(
        tmp_path / "mixed.xlsx",
        ["a", "b", "c"],
        [["=1+2", "42", 3.5], ["007", None, "-12"]],
        sheet="Odd/name:[x]",
    )
    book = load_workbook(tmp_path / "mixed.xlsx")
    mixed = book.active
    assert mixed.title == "Odd name  x "
    assert mixed["A2"].value == "=1+2" and mixed["A2"].data_type == "s"
    assert (mixed["B2"].value, mixed["C2"].value, mixed["C3"].value) == (42, 3.5, -12)
    assert mixed["A3"].value == "007"  # a leading zero is kept
