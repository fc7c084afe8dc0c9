"""The office imports an online-sales export through File > Import online sales…"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from benchmarks.bench_sales_import import export
from desktop.export import write_csv
from desktop.models.sales_import import RejectedTableModel
from domain.box_office_service import TicketInfo
from imports import sales_import
from imports.sales_file import SpooledRows
from projections import patron_search

SAMPLES = Path(__file__).parents[1] / "fixtures" / "sales"
TIMEOUT = 10000


def open_dialog(window, qtbot):
    window.import_sales_action.trigger()
    dialog = window.import_dialog
    qtbot.waitExposed(dialog)
    return dialog


def choose(dialog, qtbot, path) -> None:
    dialog.choose_file(str(path))
    qtbot.waitUntil(lambda: dialog.task is None, timeout=TIMEOUT)


def click(qtbot, button) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def wait_for_report(dialog, qtbot) -> dict:
    qtbot.waitUntil(lambda: dialog.task is None and dialog.report is not None, timeout=TIMEOUT)
    return dialog.report


def test_dry_run_then_import_from_the_file_menu(window, services, qtbot, column):
    dialog = open_dialog(window, qtbot)
    assert not dialog.import_button.isEnabled()  # nothing chosen yet
    choose(dialog, qtbot, SAMPLES / "eventbrite.csv")
    assert "Eventbrite attendee report" in dialog.layout_label.text()
    # spreadsheet row numbers: line 1 of the sample says where its shape comes from
    assert column(dialog.preview_table, 0) == ["3", "4", "5", "6"]
    assert dialog.field_boxes["order_id"].currentText() == "Order #"
    dialog.timezone.setCurrentText("America/New_York")
    events = services.app.event_count()

    click(qtbot, dialog.dry_run_button)
    rehearsed = wait_for_report(dialog, qtbot)

    assert rehearsed["dry_run"] and services.app.event_count() == events
    assert "Dry run: nothing was saved." in dialog.summary.text()
    # Ada, Grace and Zoë are already patrons of the test organization; Charles
    # Babbage, who holds Ada's second ticket, is new.
    assert (rehearsed["imported"], rehearsed["matched"], rehearsed["created"]) == (3, 3, 1)

    with qtbot.waitSignal(dialog.imported, timeout=TIMEOUT) as done:
        click(qtbot, dialog.import_button)
    report = done.args[0]
    assert {**report, "dry_run": True} == rehearsed
    assert "Import finished." in dialog.summary.text()
    ticket = services.app.get_ticket("8141001001")
    assert services.app.get_patron(ticket.patron_id).email == "ada@example.org"
    assert "3 online orders" in window.statusBar().currentMessage()


def test_rejected_rows_are_listed_sortable_and_exportable(window, qtbot, tmp_path, column):
    path = tmp_path / "orders.csv"
    path.write_text(
        "order_id,order_date,first_name,event_name,event_date,price\n"
        "1,2026-02-01 10:00,Ada,Hamlet,2026-03-14 19:30,25.00\n"
        "2,2026-02-01 10:00,Bo,Hamlet,2026-03-14 19:30,lots\n"
        "3,someday,Cy,Hamlet,2026-03-14 19:30,25.00\n",
        encoding="utf-8",
    )
    dialog = open_dialog(window, qtbot)
    choose(dialog, qtbot, path)

    click(qtbot, dialog.import_button)
    report = wait_for_report(dialog, qtbot)

    assert report["imported"] == 1
    assert dialog.tabs.currentWidget() is dialog.report_tab
    table = dialog.rejected_table
    assert column(table, RejectedTableModel.ROW) == ["3", "4"]
    table.sortByColumn(RejectedTableModel.ROW, Qt.SortOrder.DescendingOrder)
    assert column(table, RejectedTableModel.ROW) == ["4", "3"]
    assert "someday" in column(table, RejectedTableModel.REASON)[0]
    exported = tmp_path / "not-imported.csv"
    assert write_csv(table, exported) == 2
    lines = exported.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "Row,Why it was not imported"
    assert lines[1].startswith("4,") and "someday" in lines[1]


def test_every_row_not_imported_is_saved_to_correct_and_import_again(
    window, services, qtbot, tmp_path, monkeypatch, column
):
    """The report's table lists the first rows not imported; "Save all rows not
    imported…" saves every one, with the file's own columns, to import corrected."""
    monkeypatch.setattr(sales_import, "LISTED_PROBLEMS", 2)
    path = tmp_path / "orders.csv"
    header = "order_id,order_date,first_name,event_name,event_date,price"
    rows = [f"{n},2026-02-01 10:00,Fan{n},Hamlet,2026-03-14 19:30,lots" for n in range(5)]
    path.write_text(
        "\n".join([header, "9,2026-02-01 10:00,Ada,Hamlet,2026-03-14 19:30,25.00"] + rows) + "\n",
        encoding="utf-8",
    )
    saved = tmp_path / "chosen" / "to fix"
    saved.parent.mkdir()
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: (str(saved), ""))
    )
    dialog = open_dialog(window, qtbot)
    choose(dialog, qtbot, path)
    assert not dialog.rejected_save.isEnabled()

    click(qtbot, dialog.import_button)
    report = wait_for_report(dialog, qtbot)
    assert (report["imported"], report["rejected_count"]) == (1, 5)
    assert column(dialog.rejected_table, RejectedTableModel.ROW) == ["3", "4"]
    assert "Save all rows not imported" in dialog.summary.text()
    click(qtbot, dialog.rejected_save)

    written = Path(f"{saved}.csv").read_text(encoding="utf-8-sig").splitlines()
    assert written[0] == header + ",Row in the imported file,Why it was not imported"
    assert [line.split(",")[:6] for line in written[1:]] == [r.split(",") for r in rows]
    assert [line.split(",")[6] for line in written[1:]] == ["3", "4", "5", "6", "7"]

    # corrected and imported: the five orders come in
    Path(f"{saved}.csv").write_text("\n".join(written).replace(",lots,", ",25.00,"), "utf-8")
    choose(dialog, qtbot, f"{saved}.csv")
    assert not dialog.rejected_save.isEnabled()
    click(qtbot, dialog.import_button)
    again = wait_for_report(dialog, qtbot)
    assert (again["imported"], again["rejected_count"]) == (5, 0)
    assert not dialog.rejected_save.isEnabled()
    dialog.close()
    assert dialog._rejected_dir is None  # the rows' temporary file is gone


def test_dates_excel_stored_as_numbers_are_shown_before_the_import_and_confirmed(
    window, services, qtbot, tmp_path
):
    from tests.imports.test_excel_serial_dates import _serial_workbook

    path = tmp_path / "attendees.xlsx"
    _serial_workbook(path, order_dates_too=False)
    dialog = open_dialog(window, qtbot)
    assert not dialog.excel_dates_note.isVisible()
    choose(dialog, qtbot, path)
    dialog.timezone.setCurrentText("America/New_York")

    # shown as soon as the file is read, before any import
    assert dialog.excel_dates_note.isVisible() and dialog.confirm_excel_dates.isVisible()
    assert (
        "Dates in the column “Event Start Date” were stored by Excel as numbers, not as dates "
        "(4 cells): 46095.8125 is 2026-03-14 19:30." in dialog.excel_dates_note.text()
    )
    assert not dialog.import_button.isEnabled()
    assert "Read them as dates" in dialog.import_button.toolTip()
    events = services.app.event_count()

    click(qtbot, dialog.dry_run_button)
    rehearsed = wait_for_report(dialog, qtbot)
    assert (rehearsed["imported"], rehearsed["excel_dates_confirmed"]) == (3, False)
    assert "read as dates" in dialog.summary.text()
    assert "Check those dates" in dialog.summary.text()
    assert services.app.event_count() == events and not dialog.import_button.isEnabled()

    dialog.confirm_excel_dates.setFocus()
    qtbot.keyClick(dialog.confirm_excel_dates, Qt.Key.Key_Space)
    qtbot.waitUntil(dialog.confirm_excel_dates.isChecked)  # the scanner filter hands keys on
    with qtbot.waitSignal(dialog.imported, timeout=TIMEOUT) as done:
        click(qtbot, dialog.import_button)
    report = done.args[0]
    assert (report["imported"], report["tickets"], report["excel_dates_confirmed"]) == (3, 4, True)
    assert "Check those dates" not in dialog.summary.text()

    choose(dialog, qtbot, SAMPLES / "eventbrite.csv")  # a file without them
    assert not dialog.excel_dates_note.isVisible() and not dialog.confirm_excel_dates.isChecked()


def test_a_modelled_layout_says_so_and_shows_the_columns_no_field_reads(window, qtbot):
    dialog = open_dialog(window, qtbot)
    choose(dialog, qtbot, SAMPLES / "ticketsource.csv")

    assert "TicketSource bookings" in dialog.layout_label.text()
    assert dialog.layout_note.isVisible()
    assert "modelled on the service's own terms, not confirmed from a real export" in (
        dialog.layout_note.text()
    )
    assert (
        dialog.unused_label.text() == "Columns of the file no field reads: “Booking Fee”, “Title”."
    )
    dialog.set_column("fees", "Booking Fee")
    assert dialog.unused_label.text() == "Columns of the file no field reads: “Title”."

    click(qtbot, dialog.dry_run_button)
    wait_for_report(dialog, qtbot)
    assert "This layout is modelled" in dialog.summary.text()
    assert "Columns of the file not read: “Title”." in dialog.summary.text()

    choose(dialog, qtbot, SAMPLES / "eventbrite.csv")
    assert not dialog.layout_note.isVisible()
    assert "Home City" in dialog.unused_label.text()


def test_an_unrecognised_layout_is_mapped_column_by_column(window, services, qtbot, tmp_path):
    path = tmp_path / "custom.csv"
    path.write_text(
        "Ref;When;Who;Show;Show date\n1;2026-02-01 10:00;Ada Byron;Hamlet;2026-03-14 19:30\n",
        encoding="utf-8",
    )
    dialog = open_dialog(window, qtbot)
    choose(dialog, qtbot, path)
    assert "not recognised" in dialog.layout_label.text()
    assert "Order number" in dialog.mapping_error.text()
    assert not dialog.import_button.isEnabled() and not dialog.dry_run_button.isEnabled()

    for field, header in (
        ("order_id", "Ref"),
        ("order_date", "When"),
        ("full_name", "Who"),
        ("event_name", "Show"),
        ("event_date", "Show date"),
    ):
        box = dialog.field_boxes[field]
        box.setCurrentIndex(box.findText(header))
    assert dialog.mapping_error.isHidden()
    # Issue 16: an unrecognised layout is imported only once the columns are confirmed.
    assert dialog.dry_run_button.isEnabled() and not dialog.import_button.isEnabled()
    dialog.tabs.setCurrentIndex(1)
    dialog.confirm_mapping.setFocus()
    qtbot.keyClick(dialog.confirm_mapping, Qt.Key.Key_Space)
    qtbot.waitUntil(dialog.confirm_mapping.isChecked)  # the scanner filter hands keys on

    click(qtbot, dialog.import_button)
    report = wait_for_report(dialog, qtbot)
    assert (report["imported"], report["created"]) == (1, 1)
    # The new patron (first and last name split from "Who") is in the patron list.
    qtbot.waitUntil(
        lambda: (
            [r["name"] for r in patron_search.search(services.runner.db(), "byron")]
            == ["Ada Byron"]
        ),
        timeout=TIMEOUT,
    )


def test_an_unreadable_file_is_explained_and_nothing_can_be_imported(window, qtbot, tmp_path):
    path = tmp_path / "sales.xlsx"
    path.write_bytes(b"PK\x03\x04\x00\x00 a spreadsheet, not CSV")
    dialog = open_dialog(window, qtbot)

    choose(dialog, qtbot, path)

    assert "not a CSV text file" in dialog.error.text()
    assert not dialog.error.isHidden()
    assert not dialog.import_button.isEnabled()
    assert dialog.path_field.text() == str(path)  # what the user chose stays visible


def test_cancel_stops_after_whole_orders_and_importing_again_finishes(
    window, services, qtbot, tmp_path, monkeypatch
):
    rows = "".join(f"{n},2026-02-01 10:00,Fan{n},Show,2026-05-01 20:00,10\n" for n in range(40))
    path = tmp_path / "many.csv"
    path.write_text("order_id,order_date,first_name,event_name,event_date,price\n" + rows)
    box_office = services.app.box_office
    sold, gate = [], threading.Event()

    def then_wait(original):
        def sell(*args, **kwargs):
            result = original(*args, **kwargs)
            sold.append(result)
            if len(sold) == 5:
                gate.wait(TIMEOUT / 1000)  # hold the import here until Cancel was clicked
            return result

        return sell

    # new orders go through the bulk path, a chunk redone after a conflict one by one
    for name in ("sell_imported", "sell_tickets"):
        monkeypatch.setattr(box_office, name, then_wait(getattr(box_office, name)))
    dialog = open_dialog(window, qtbot)
    choose(dialog, qtbot, path)

    click(qtbot, dialog.import_button)
    qtbot.waitUntil(lambda: len(sold) == 5, timeout=TIMEOUT)
    assert dialog.progress.isVisible() and not dialog.import_button.isEnabled()
    dialog.close()  # refused while the import runs
    assert dialog.isVisible()
    click(qtbot, dialog.cancel_button)
    gate.set()
    report = wait_for_report(dialog, qtbot)

    assert report["cancelled"] is True and report["imported"] == 5
    assert "Stopped." in dialog.summary.text()
    click(qtbot, dialog.import_button)
    qtbot.waitUntil(lambda: dialog.task is None and not dialog.report["cancelled"], timeout=TIMEOUT)
    assert dialog.report["imported"] == 35 and dialog.report["already_imported"] == 5


def test_the_time_zone_chosen_for_an_import_is_remembered(services, qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from desktop.background import BackgroundRunner
    from desktop.settings import Settings
    from desktop.views.imports.import_dialog import ImportSalesDialog

    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    background = BackgroundRunner()
    dialog = ImportSalesDialog(services.app, background, settings)
    qtbot.addWidget(dialog)
    choose(dialog, qtbot, SAMPLES / "universe.csv")
    dialog.timezone.setCurrentText("Europe/Berlin")
    click(qtbot, dialog.import_button)
    assert wait_for_report(dialog, qtbot)["imported"] == 3
    assert settings.get("import/timezone") == "Europe/Berlin"

    again = ImportSalesDialog(services.app, background, settings)
    qtbot.addWidget(again)
    assert again.timezone.currentText() == "Europe/Berlin"
    assert background.shutdown(TIMEOUT)


def test_an_unrecognised_layout_waits_for_the_columns_to_be_confirmed(
    window, services, qtbot, tmp_path
):
    """Issue 16, finding 3: a 'Not recognised' file was imported with guessed columns."""
    path = tmp_path / "odd.csv"
    path.write_text(
        "Order Number,Purchase Date,Name,Email,Event Title,Event Date\n"
        "X1,2026-02-01 10:15,Ada Byron,ada.b@example.org,Hamlet,2026-03-14 19:30\n",
        encoding="utf-8",
    )
    dialog = open_dialog(window, qtbot)
    choose(dialog, qtbot, path)
    assert "check them on the Columns tab" in dialog.layout_label.text()
    assert dialog.dry_run_button.isEnabled() and not dialog.import_button.isEnabled()
    events = services.app.event_count()

    click(qtbot, dialog.dry_run_button)
    rehearsed = wait_for_report(dialog, qtbot)
    assert rehearsed["imported"] == 1 and services.app.event_count() == events
    assert "Columns used: Order number = “Order Number”" in dialog.summary.text()
    assert "This layout is not recognised." in dialog.summary.text()

    dialog.tabs.setCurrentIndex(1)
    dialog.confirm_mapping.setFocus()
    qtbot.keyClick(dialog.confirm_mapping, Qt.Key.Key_Space)
    qtbot.waitUntil(dialog.import_button.isEnabled)  # the scanner filter hands keys on
    with qtbot.waitSignal(dialog.imported, timeout=TIMEOUT) as done:
        click(qtbot, dialog.import_button)
    assert done.args[0]["imported"] == 1


def test_the_date_order_is_chosen_in_the_dialog_and_the_report_says_how_dates_were_read(
    window, services, qtbot, tmp_path
):
    """Issue 16, finding 2: 12/11/2026 from a UK export was read as 11 December, silently."""
    path = tmp_path / "uk.csv"
    path.write_text(
        "order_id,order_date,first_name,last_name,event_name,event_date\n"
        "U1,01/10/2026 09:00,Ada,Byron,Hamlet,12/11/2026 19:30\n",
        encoding="utf-8",
    )
    dialog = open_dialog(window, qtbot)
    choose(dialog, qtbot, path)
    dialog.timezone.setCurrentText("Europe/London")
    dialog.date_order.setFocus()
    qtbot.keyClick(dialog.date_order, Qt.Key.Key_Down)  # day first
    assert dialog.date_order.currentData() == "dmy"

    with qtbot.waitSignal(dialog.imported, timeout=TIMEOUT) as done:
        click(qtbot, dialog.import_button)
    assert done.args[0]["date_order_source"] == "choice"
    ticket = next(iter(_tickets(services.app)))
    show = services.app.get_performance(ticket.performance_id)
    assert show.starts_at.startswith("2026-11-12T19:30")


def test_an_ambiguous_file_follows_the_setting_and_the_dry_run_says_so(services, qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from desktop.background import BackgroundRunner
    from desktop.settings import Settings
    from desktop.views.imports.import_dialog import ImportSalesDialog

    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    settings.set("import/date_order", "dmy")
    path = tmp_path / "uk.csv"
    path.write_text(
        "order_id,order_date,first_name,event_name,event_date\n"
        "U1,01/10/2026 09:00,Ada,Hamlet,12/11/2026 19:30\n",
        encoding="utf-8",
    )
    background = BackgroundRunner()
    dialog = ImportSalesDialog(services.app, background, settings)
    qtbot.addWidget(dialog)
    choose(dialog, qtbot, path)
    click(qtbot, dialog.dry_run_button)
    report = wait_for_report(dialog, qtbot)
    assert (report["date_order"], report["date_order_source"]) == ("dmy", "setting")
    assert "your date-order setting decided" in dialog.summary.text()
    assert "Day first: 12/11/2026 is 12 November" in dialog.summary.text()
    assert background.shutdown(TIMEOUT)


def _tickets(app) -> list[TicketInfo]:
    from eventsourcing.utils import get_topic

    from domain.box_office import Ticket

    found = app.recorder.select_notifications(1, 1000, topics=[get_topic(Ticket.Issued)])
    return [app.get_ticket(app.mapper.to_domain_event(n).code) for n in found]


def test_a_workbook_with_a_totals_row_is_imported_and_the_report_says_it_was_left_out(
    services, qtbot, tmp_path
):
    """An Excel workbook export (first sheet), ending in a totals row: its sales come
    in, and the report names the totals row as left out, not as a row in trouble."""
    from html import unescape

    from openpyxl import Workbook
    from PySide6.QtCore import QSettings

    from desktop.background import BackgroundRunner
    from desktop.settings import Settings
    from desktop.views.imports.import_dialog import ImportSalesDialog

    book = Workbook()
    sheet = book.active
    sheet.append(["order_id", "order_date", "first_name", "event_name", "event_date", "price"])
    sheet.append(["W1", "2026-02-01 10:15", "Ada", "Hamlet", "2026-03-14 19:30", 25.0])
    sheet.append(["Total", None, None, None, None, 25.0])
    path = tmp_path / "sales.xlsx"
    book.save(path)
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    background = BackgroundRunner()
    dialog = ImportSalesDialog(services.app, background, settings)
    qtbot.addWidget(dialog)
    choose(dialog, qtbot, path)
    dialog.confirm_mapping.setChecked(True)

    click(qtbot, dialog.import_button)
    report = wait_for_report(dialog, qtbot)

    assert (report["imported"], report["rejected"]) == (1, [])
    assert "Row 3: This is the file's totals row, not a sale: it is left out." in unescape(
        dialog.summary.text()
    )
    assert "Every row could be read." in dialog.summary.text()
    assert background.shutdown(TIMEOUT)


def test_reading_a_big_file_shows_the_rows_read_and_cancel_stops_it(
    window, services, qtbot, tmp_path, monkeypatch
):
    """Issue 16: nothing moved on screen while a big file was read."""
    path = tmp_path / "season.csv"
    export(path, 7000)
    gate = threading.Event()
    extend = SpooledRows.extend

    def extend_then_wait(rows_kept, rows):
        extend(rows_kept, rows)
        if len(rows_kept) == 4000:  # the second batch: hold the reader here
            gate.wait(TIMEOUT / 1000)

    monkeypatch.setattr(SpooledRows, "extend", extend_then_wait)
    dialog = open_dialog(window, qtbot)
    dialog.choose_file(str(path))

    qtbot.waitUntil(lambda: dialog.phase.text() == "Reading the file: 2,000 rows", timeout=TIMEOUT)
    assert dialog.phase.isVisible() and dialog.progress.isVisible()
    assert not dialog.dry_run_button.isEnabled()
    click(qtbot, dialog.cancel_button)
    gate.set()
    qtbot.waitUntil(lambda: dialog.task is None, timeout=TIMEOUT)

    assert dialog.sales is None and "Reading stopped" in dialog.layout_label.text()
    assert not dialog.phase.isVisible()
    assert not dialog.import_button.isEnabled() and dialog.choose_button.isEnabled()
    choose(dialog, qtbot, path)  # read again, to the end
    assert "rows: 7,000" in dialog.layout_label.text()


def test_planning_a_big_file_shows_the_orders_planned_and_cancel_imports_nothing(
    window, services, qtbot, tmp_path, monkeypatch
):
    monkeypatch.setattr(sales_import, "CHUNK_ORDERS", 50)
    path = tmp_path / "season.csv"
    export(path, 400)
    planned, gate = [], threading.Event()
    plan_order = sales_import.plan_order

    def plan_then_wait(*args):
        planned.append(args[0])
        if len(planned) == 60:  # in the second chunk of orders: hold the planner here
            gate.wait(TIMEOUT / 1000)
        return plan_order(*args)

    monkeypatch.setattr(sales_import, "plan_order", plan_then_wait)
    dialog = open_dialog(window, qtbot)
    choose(dialog, qtbot, path)
    events = services.app.event_count()

    click(qtbot, dialog.import_button)
    qtbot.waitUntil(lambda: len(planned) == 60, timeout=TIMEOUT)
    qtbot.waitUntil(
        lambda: dialog.phase.text().startswith("Planning the orders: 50 of "), timeout=TIMEOUT
    )
    assert dialog.phase.isVisible() and dialog.progress.value() == 50
    click(qtbot, dialog.cancel_button)
    gate.set()
    report = wait_for_report(dialog, qtbot)

    assert report["cancelled"] is True and report["imported"] == 0
    assert services.app.event_count() == events
    assert "before any order: nothing was imported" in dialog.summary.text()


def test_a_dry_run_of_a_file_with_many_problems_shows_the_first_and_counts_all(
    window, qtbot, tmp_path, monkeypatch, column
):
    monkeypatch.setattr(sales_import, "LISTED_PROBLEMS", 3)
    path = tmp_path / "orders.csv"
    path.write_text(
        "order_id,order_date,first_name,event_name,event_date,price\n"
        + "".join(f"{n},2026-02-01 10:00,Fan{n},Hamlet,2026-03-14 19:30,lots\n" for n in range(8)),
        encoding="utf-8",
    )
    dialog = open_dialog(window, qtbot)
    choose(dialog, qtbot, path)

    click(qtbot, dialog.dry_run_button)
    wait_for_report(dialog, qtbot)

    assert column(dialog.rejected_table, RejectedTableModel.ROW) == ["2", "3", "4"]
    assert "Rows not imported: 8. The table shows the first 3" in dialog.summary.text()


def test_a_long_import_in_the_window_has_its_read_models_applied_alongside(
    window, services, qtbot, tmp_path, monkeypatch
):
    """Issue 16's speed, in the window: a second process applies each saved chunk while
    the next is imported, and the window's views are told as it goes."""
    monkeypatch.setattr(sales_import, "ALONGSIDE_ROWS", 100)
    monkeypatch.setattr(sales_import, "CHUNK_ORDERS", 50)
    rows = "".join(f"{n},2026-02-01 10:00,Fan{n},Show,2026-05-01 20:00,10\n" for n in range(1, 101))
    path = tmp_path / "long.csv"
    path.write_text("order_id,order_date,first_name,event_name,event_date,price\n" + rows)
    runner, box_office = services.runner, services.app.box_office
    # the second process commits each step (it holds them up to 10 s by default: the
    # views are then told every 10 s of a long import)
    runner.alongside_hold_s = 0
    sold: list = []
    told: list[int] = []  # orders sold when the window's listeners were told
    runner.subscribe(lambda _position: told.append(len(sold)))
    original = box_office.sell_imported

    def sell(*args, **kwargs):
        if len(sold) == 60:  # the first chunk of 50 is saved: wait until it is applied
            saved, waited, pause = runner.head(), 0.0, threading.Event()
            while min(runner.positions().values()) < saved and waited < TIMEOUT / 1000:
                pause.wait(0.05)  # (a hang guard: it goes on as soon as they are)
                waited += 0.05
        sold.append(original(*args, **kwargs))
        return sold[-1]

    monkeypatch.setattr(box_office, "sell_imported", sell)
    by_the_second: list[int] = []
    finish = type(runner).finish_alongside

    def finish_and_note(self, second, **options):
        applied = finish(self, second, **options)
        by_the_second.append(second.applied)
        return applied

    monkeypatch.setattr(type(runner), "finish_alongside", finish_and_note)
    before = runner.head()
    dialog = open_dialog(window, qtbot)
    choose(dialog, qtbot, path)
    click(qtbot, dialog.import_button)
    report = wait_for_report(dialog, qtbot)

    assert report["imported"] == 100 and not report["rejected"]
    assert by_the_second == [runner.head() - before]  # every event of the import
    assert any(count < 100 for count in told), told  # told while the import still ran
    assert runner.lag() == 0
    assert patron_search.search(runner.db(), "Fan77")  # applied by the second process


def test_a_long_file_read_in_the_window_has_its_second_process_started_ahead(
    window, services, qtbot, tmp_path, monkeypatch
):
    """The second process imports the read models (about half a second of CPU) while
    the file is looked at, as the command line's does while it opens the store: started
    when Import was clicked, it was still importing them when the first chunk was
    saved. The process started once the file was read is the one that applies the
    import (after a dry run, which leaves it waiting); another file, or closing the
    dialog, ends one that was not used."""
    from desktop.views.imports import import_dialog

    monkeypatch.setattr(sales_import, "ALONGSIDE_ROWS", 100)
    path = tmp_path / "long.csv"
    export(path, 300)
    runner = services.runner
    steps: list[str] = []
    prepared, started = [], []
    prepare, start = type(runner).prepare_alongside, type(runner).start_alongside
    imported = import_dialog.import_sales

    def prepare_and_note(self):
        steps.append("second process")
        prepared.append(prepare(self))
        return prepared[-1]

    def start_and_note(self, *args):
        started.append(start(self, *args))
        return started[-1]

    def import_and_note(*args, **kwargs):
        steps.append("dry run" if kwargs["dry_run"] else "import")
        return imported(*args, **kwargs)

    monkeypatch.setattr(type(runner), "prepare_alongside", prepare_and_note)
    monkeypatch.setattr(type(runner), "start_alongside", start_and_note)
    monkeypatch.setattr(import_dialog, "import_sales", import_and_note)
    dialog = open_dialog(window, qtbot)
    choose(dialog, qtbot, path)
    click(qtbot, dialog.dry_run_button)
    wait_for_report(dialog, qtbot)
    assert steps == ["second process", "dry run"] and not started
    assert prepared[0].process.is_alive()  # still waiting for its import

    click(qtbot, dialog.import_button)
    report = wait_for_report(dialog, qtbot)

    assert report["tickets"] == 300 and not report["rejected"]
    assert steps == ["second process", "dry run", "import"]
    [second] = started
    assert second is not None and second._process is prepared[0].process
    assert second.error == "" and second._process.exitcode == 0
    assert runner.lag() == 0

    # a file read again, then another: the first one's process ends; so does the
    # second's when the dialog is closed
    choose(dialog, qtbot, path)
    choose(dialog, qtbot, path)
    dialog.reject()
    assert len(prepared) == 3
    for ahead in prepared[1:]:
        ahead.process.join(TIMEOUT / 1000)
        assert ahead.process.exitcode == 0
    assert len(started) == 1


def test_cancel_while_the_last_chunks_are_applied_leaves_them_to_the_windows_polls(
    window, services, qtbot, tmp_path, monkeypatch
):
    """Cancel during *Bringing the patron list and timelines up to date* stops that wait;
    the import is saved whole, and the window's polls apply what was left."""
    monkeypatch.setattr(sales_import, "ALONGSIDE_ROWS", 100)
    monkeypatch.setattr(sales_import, "CHUNK_ORDERS", 50)
    path = tmp_path / "long.csv"
    export(path, 300)
    runner = services.runner
    dialog = open_dialog(window, qtbot)
    asked: list[bool] = []
    finish = type(runner).finish_alongside

    def cancel_then_finish(self, second, **options):
        dialog.task.token.cancel()  # as Cancel clicked once the last chunk is saved
        asked.append(options["cancelled"]())
        return finish(self, second, **options)

    monkeypatch.setattr(type(runner), "finish_alongside", cancel_then_finish)
    choose(dialog, qtbot, path)
    click(qtbot, dialog.import_button)
    report = wait_for_report(dialog, qtbot)

    assert asked == [True]
    assert not report["cancelled"] and report["tickets"] == 300  # the import was done

    def all_applied() -> bool:  # the events, and the ladder's rungs of their patrons
        dirty = runner.db().conn.execute("SELECT count(*) FROM ladder_dirty").fetchone()[0]
        return runner.lag() == 0 and dirty == 0

    qtbot.waitUntil(all_applied, timeout=TIMEOUT)  # by the window's polls
