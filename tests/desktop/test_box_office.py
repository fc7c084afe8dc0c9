"""The Box office area: the performance list, new productions and performances, edits."""

from __future__ import annotations

from datetime import UTC, date, datetime

from PySide6.QtCore import QDate, QDateTime, QPoint, Qt, QTime

from desktop.export import write_csv
from desktop.models.performance_table import PerformanceTableModel as P
from desktop.models.price_levels import PriceLevelModel
from desktop.views.box_office.performance_dialog import PerformanceDialog
from desktop.views.box_office.sell_dialog import SellDialog
from projections import box_office as read_model
from tests.desktop.box_office_steps import click, click_row, open_sell_dialog, row_of, type_into
from tests.desktop.conftest import closed, schedule, settle


def test_the_list_shows_upcoming_performances_first_with_sold_and_revenue(
    services, flute, box_office, qtbot, column
):
    app = services.app
    hamlet = schedule(app, "Hamlet", 10, capacity=90, venue="Studio")
    schedule(app, "Last week's Hamlet", -7, venue="Studio")
    app.sell_tickets(flute, {"Adult": 2, "Concession": 1}, payment="cash")
    app.sell_tickets(hamlet, {"Adult": 1}, payment="complimentary")
    table = box_office.table
    qtbot.waitUntil(lambda: column(table, P.SOLD) == ["3 / 5", "1 / 90"])
    assert column(table, P.TITLE) == ["The Magic Flute", "Hamlet"]
    assert column(table, P.VENUE) == ["Main stage", "Studio"]
    assert column(table, P.LEFT) == ["2", "89"]
    assert column(table, P.REVENUE) == ["$68.00", "$0.00"]
    starts = datetime.fromisoformat(app.get_performance(flute).starts_at).astimezone()
    assert column(table, P.WHEN)[0] == starts.strftime("%a %-d %b %Y, %H:%M")
    assert box_office.count_label.text() == "2 performances"

    click(qtbot, box_office.show_past)
    qtbot.waitUntil(lambda: len(column(table, P.TITLE)) == 3)
    assert column(table, P.TITLE)[2] == "Last week's Hamlet"

    header = table.horizontalHeader()  # sorting: click the Revenue header
    spot = QPoint(header.sectionViewportPosition(P.REVENUE) + 10, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=spot)
    assert column(table, P.REVENUE) == ["$0.00", "$0.00", "$68.00"]
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=spot)
    assert column(table, P.TITLE)[0] == "The Magic Flute"


def test_the_performance_list_exports_what_it_shows(services, flute, box_office, qtbot, tmp_path):
    qtbot.waitUntil(lambda: box_office.model.rowCount() == 1)
    path = tmp_path / "performances.csv"
    assert write_csv(box_office.table, path) == 1
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "Performance,Date and time,Venue,Sold / capacity,Seats left,Revenue"
    assert lines[1].startswith("The Magic Flute,") and lines[1].endswith(",0 / 5,5,$0.00")


def _type_price(qtbot, dialog: PerformanceDialog, row: int, column: int, text: str) -> None:
    """Click a cell of the price levels, press F2 and type."""
    table = dialog.levels_table
    if dialog.levels_model.rowCount() <= row:
        click(qtbot, dialog.add_level_button)  # opens the new row's name for typing
        qtbot.waitUntil(lambda: dialog.focusWidget() is not table)
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Escape)
    click_row(qtbot, table, row, column)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: dialog.focusWidget() is not table)
    editor = dialog.focusWidget()
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Tab)


def test_a_new_production_is_scheduled_from_the_dialog(services, box_office, qtbot, column):
    click(qtbot, box_office.new_production_button)
    dialog = box_office.dialog
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible())
    qtbot.waitUntil(dialog.title_edit.hasFocus)
    qtbot.keyClicks(dialog.title_edit, "The Magic Flute")
    # 14 March next year: on 14 March 2027 itself the day was over, and the box office
    # no longer listed the new performance, from that night on
    day = date(QDate.currentDate().year() + 1, 3, 14)
    moment = QDateTime(QDate(day.year, day.month, day.day), QTime(19, 30))
    dialog.starts_edit.setDateTime(moment)
    type_into(qtbot, dialog.venue_edit, "Main stage")
    type_into(qtbot, dialog.capacity_spin, "120")
    _type_price(qtbot, dialog, 1, PriceLevelModel.PRICE, "eighteen")
    _type_price(qtbot, dialog, 2, PriceLevelModel.NAME, "Student")
    _type_price(qtbot, dialog, 2, PriceLevelModel.PRICE, "12.5")

    click(qtbot, dialog.save_button)
    assert dialog.isVisible()
    assert dialog.error_text("price_levels") == (
        "Write the price for Concession as a number, like 25 or 12.50."
    )
    assert read_model.performances(services.runner.db()) == []
    assert dialog.title_edit.text() == "The Magic Flute"  # nothing typed is lost
    assert dialog.venue_edit.text() == "Main stage"

    _type_price(qtbot, dialog, 1, PriceLevelModel.PRICE, "18")
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: column(box_office.table, P.TITLE) == ["The Magic Flute"])
    assert column(box_office.table, P.SOLD) == ["0 / 120"]
    assert column(box_office.table, P.WHEN) == [f"{day:%a} 14 Mar {day.year}, 19:30"]
    [row] = read_model.performances(services.runner.db())
    assert row["price_levels"] == {"Adult": 2500, "Concession": 1800, "Student": 1250}
    assert row["venue"] == "Main stage"
    assert datetime.fromisoformat(row["starts_at"]) == datetime.fromtimestamp(
        moment.toSecsSinceEpoch(), tz=UTC
    )


def test_the_domain_refusal_shows_under_the_field_and_keeps_the_rest(services, box_office, qtbot):
    click(qtbot, box_office.new_production_button)
    dialog = box_office.dialog
    qtbot.waitUntil(dialog.isVisible)
    qtbot.keyClicks(dialog.title_edit, "Hamlet")
    type_into(qtbot, dialog.venue_edit, "Studio")
    type_into(qtbot, dialog.capacity_spin, "0")
    qtbot.keyClick(dialog.capacity_spin, Qt.Key.Key_Return)
    settle(qtbot)
    assert dialog.isVisible()
    assert dialog.error_text("capacity") == "Capacity must be a number above 0."
    qtbot.waitUntil(dialog.capacity_spin.hasFocus)
    assert (dialog.title_edit.text(), dialog.venue_edit.text()) == ("Hamlet", "Studio")

    type_into(qtbot, dialog.capacity_spin, "80")
    qtbot.keyClick(dialog.capacity_spin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: closed(dialog))
    # the production made on the first try is reused: one production, one performance
    [row] = read_model.performances(services.runner.db())
    assert (row["title"], row["capacity"]) == ("Hamlet", 80)


def test_another_performance_and_an_edit(services, flute, box_office, qtbot, column):
    services.app.sell_tickets(flute, {"Adult": 3})
    qtbot.waitUntil(lambda: column(box_office.table, P.SOLD) == ["3 / 5"])
    click_row(qtbot, box_office.table, 0)
    click(qtbot, box_office.new_performance_button)
    dialog = box_office.dialog
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.production_combo.currentText() == "The Magic Flute"
    assert dialog.venue_edit.text() == "Main stage"  # taken from the selected one
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: column(box_office.table, P.TITLE) == ["The Magic Flute"] * 2)
    first, second = read_model.performances(services.runner.db())
    assert (
        datetime.fromisoformat(second["starts_at"]) - datetime.fromisoformat(first["starts_at"])
    ).days == 7

    click_row(qtbot, box_office.table, 0)
    click(qtbot, box_office.edit_button)
    dialog = box_office.dialog
    qtbot.waitUntil(dialog.isVisible)
    type_into(qtbot, dialog.capacity_spin, "2")
    click(qtbot, dialog.save_button)
    assert dialog.error_text("capacity") == (
        "3 seats are already sold; capacity cannot go below that."
    )
    type_into(qtbot, dialog.capacity_spin, "8")
    type_into(qtbot, dialog.venue_edit, "Garden stage")
    type_into(qtbot, dialog.title_edit, "The Magic Flute, new staging")
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: "3 / 8" in column(box_office.table, P.SOLD))
    row = row_of(box_office.table, P.SOLD, "3 / 8")
    assert column(box_office.table, P.VENUE)[row] == "Garden stage"
    assert column(box_office.table, P.TITLE)[row] == "The Magic Flute, new staging"


def test_enter_on_a_performance_opens_the_sale_with_the_walk_up_form_ready(
    flute, box_office, qtbot
):
    dialog = open_sell_dialog(qtbot, box_office)
    assert isinstance(dialog, SellDialog)
    assert dialog.performance.id == flute
    assert dialog.seats_label.text() == "5 seats left of 5"
    assert dialog.walk_up_button.isChecked()
    qtbot.waitUntil(lambda: dialog.walk_up.fields["first_name"].hasFocus())
    assert [dialog.spins[level].value() for level in ("Adult", "Concession")] == [0, 0]
    dialog.reject()
