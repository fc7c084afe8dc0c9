"""Finding a patron at the box office: type, look, press Enter."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from desktop.main_window import DOOR, PATRONS
from desktop.models.patron_table import PatronTableModel
from infrastructure.bootstrap import bootstrap
from infrastructure.config import resolve


def test_the_list_starts_with_everyone_in_surname_order(window, column):
    table = window.patron_list.table
    assert column(table) == ["Zoë Adams", "Grace Hopper", "Ada Lovelace", "Adam Zimmer"]
    assert window.patron_list.count_label.text() == "4 patrons"


def test_search_as_you_type_narrows_the_table(window, qtbot, column):
    patrons = window.patron_list
    qtbot.keyClicks(patrons.search_field, "ada")
    qtbot.waitUntil(lambda: column(patrons.table) == ["Zoë Adams", "Ada Lovelace", "Adam Zimmer"])
    qtbot.keyClicks(patrons.search_field, " lov")
    qtbot.waitUntil(lambda: column(patrons.table) == ["Ada Lovelace"])
    assert "1 patron matches" in patrons.count_label.text()


def test_search_finds_phone_digits_and_interests(window, qtbot, column):
    patrons = window.patron_list
    qtbot.keyClicks(patrons.search_field, "5551234")
    qtbot.waitUntil(lambda: column(patrons.table) == ["Ada Lovelace"])
    patrons.search_field.clear()
    qtbot.keyClicks(patrons.search_field, "opera")
    qtbot.waitUntil(lambda: column(patrons.table) == ["Ada Lovelace", "Adam Zimmer"])


def test_nothing_found_says_what_to_do(window, qtbot, column):
    patrons = window.patron_list
    qtbot.keyClicks(patrons.search_field, "nobody")
    qtbot.waitUntil(lambda: column(patrons.table) == [])
    assert "No patron matches “nobody”" in patrons.count_label.text()
    assert "Ctrl+N" in patrons.count_label.text()


def test_ctrl_f_focuses_the_search_from_another_area(window, qtbot):
    window.show_area(DOOR)
    assert window.current_area() == DOOR
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window.patron_list.search_field.hasFocus)
    assert window.current_area() == PATRONS


def test_enter_in_the_search_opens_the_first_match(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.patron_list.search_field, "grace")
    qtbot.keyClick(window.patron_list.search_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.patrons_area.currentWidget() is window.patron_page)
    assert window.patron_page.card.name_label.text() == "Grace Hopper"


def test_down_then_enter_in_the_table_opens_that_patron(window, qtbot):
    patrons = window.patron_list
    qtbot.keyClicks(patrons.search_field, "ada")
    qtbot.waitUntil(lambda: patrons.proxy.rowCount() == 3)
    qtbot.keyClick(patrons.search_field, Qt.Key.Key_Down)
    assert patrons.table.hasFocus()
    qtbot.keyClick(patrons.table, Qt.Key.Key_Down)
    qtbot.keyClick(patrons.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.patrons_area.currentWidget() is window.patron_page)
    assert window.patron_page.card.name_label.text() == "Ada Lovelace"


def test_sorting_by_a_column(window, qtbot, column):
    table = window.patron_list.table
    header = table.horizontalHeader()
    email = PatronTableModel.EMAIL
    x = header.sectionViewportPosition(email) + header.sectionSize(email) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 10))
    expected = sorted(column(table, email))
    qtbot.waitUntil(lambda: column(table, email) == expected)
    assert column(table, email) == [
        "ada@example.org",
        "az@example.org",
        "grace@navy.example",
        "zoe@example.net",
    ]
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 10))
    qtbot.waitUntil(lambda: column(table, email) == list(reversed(expected)))
    # interests take the room left (held at their title's width on a narrow window)
    assert PatronTableModel.INTERESTS in table.stretching_columns()


def test_names_sort_by_surname(window, qtbot, column):
    table = window.patron_list.table
    table.sortByColumn(PatronTableModel.NAME, Qt.SortOrder.DescendingOrder)
    assert column(table) == ["Adam Zimmer", "Ada Lovelace", "Grace Hopper", "Zoë Adams"]


@pytest.fixture
def directory_of_600(tmp_path):
    services = bootstrap(resolve(tmp_path / "big"), staff="maria", workstation="box-office-1")
    with services.app.batch():
        for n in range(600):
            services.app.register_patron(f"Patron{n:03d}", "Lazy", email=f"p{n}@example.org")
    yield services
    services.close()


def test_lazy_loading_fetches_more_as_you_scroll(directory_of_600, open_window, qtbot):
    window = open_window(directory_of_600)
    patrons = window.patron_list
    assert patrons.model.rowCount() == 200
    assert patrons.count_label.text() == "600 patrons"
    patrons.table.setFocus()
    qtbot.keyClick(patrons.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: patrons.model.rowCount() > 200)
    while patrons.model.rowCount() < 600:
        count = patrons.model.rowCount()
        qtbot.keyClick(patrons.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda count=count: patrons.model.rowCount() > count)
    assert patrons.model.rowCount() == 600
    names = [patrons.model.row_data(r)["first_name"] for r in range(600)]
    assert names == sorted(names)  # each page continues exactly where the last one ended


def test_a_refresh_keeps_the_rows_already_loaded(directory_of_600, open_window, qtbot):
    window = open_window(directory_of_600)
    patrons = window.patron_list
    patrons.table.setFocus()
    qtbot.keyClick(patrons.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: patrons.model.rowCount() == 400)
    directory_of_600.app.register_patron("Aaron", "Aardvark")
    qtbot.waitUntil(lambda: patrons.count_label.text() == "601 patrons")
    assert patrons.model.rowCount() == 400
    assert patrons.model.row_data(0)["name"] == "Aaron Aardvark"
