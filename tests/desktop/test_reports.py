"""The manager's reports: each a table and a chart, exported, printed and saved as PDF."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from PySide6.QtCharts import QBarSeries, QPieSeries, QStackedBarSeries
from PySide6.QtCore import QPoint, Qt
from PySide6.QtPrintSupport import QPrinter

from desktop.main_window import REPORTS
from desktop.report_catalog import REPORTS as DEFINITIONS
from desktop.report_catalog import Column, ReportDefinition, register, report
from desktop.report_printing import paint_report
from tests.desktop.conftest import schedule
from tests.poppler import needs_poppler, pdf_text


@pytest.fixture
def season(services):
    """Two past performances and one to come, sold through every channel."""
    app = services.app
    ada = app.register_patron("Ada", "Moreau", email="ada.m@example.org")
    flute = schedule(app, "The Magic Flute", -3, capacity=20)
    tosca = schedule(app, "Tosca", -1, capacity=20)
    later = schedule(app, "Carmen", 5, capacity=20)
    sale = app.sell_tickets(flute, {"Adult": 2}, patron_id=ada)  # 2 × $25
    app.sell_to_walk_up(flute, {"Concession": 1}, "Bea", phone="555-010-2020")  # $18
    app.sell_tickets(flute, {"Adult": 1}, payment="cash")  # lost contact
    app.sell_tickets(tosca, {"Adult": 1}, channel="online", patron_id=ada)
    app.sell_tickets(tosca, {"Adult": 1})
    app.sell_tickets(later, {"Concession": 2}, patron_id=ada, channel="phone")
    for code in sale.codes:
        app.scan(code, flute, "North", occurred_at=datetime.now(UTC) - timedelta(days=3))
    app.record_donation(ada, 10000)
    return {"flute": flute, "tosca": tosca, "later": later}


@pytest.fixture
def reports(window, qtbot, season):
    window.show_area(REPORTS)
    view = window.reports
    qtbot.waitUntil(lambda: view.model.rowCount() > 0)
    return view


def choose(view, qtbot, key: str) -> None:
    """Click the report's name in the list."""
    row = [d.key for d in DEFINITIONS].index(key)
    rect = view.report_list.visualItemRect(view.report_list.item(row))
    qtbot.mouseClick(view.report_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: view.definition.key == key)


def table(view, *keys: str) -> list[tuple]:
    model = view.table.model()
    columns = [view.model.column_of(k) for k in keys]
    return [tuple(model.index(r, c).data() for c in columns) for r in range(model.rowCount())]


def test_attendance_per_performance(reports, qtbot):
    choose(reports, qtbot, "attendance")
    assert table(reports, "title", "sold", "admitted", "no_shows", "no_show_rate") == [
        ("The Magic Flute", "4", "2", "2", "50%"),
        ("Tosca", "2", "0", "2", "100%"),
    ]  # Carmen has not started: not in the report
    assert reports.summary.text() == "2 performances: 2 of 6 tickets used, 67% no-shows."
    series = reports.chart_view.chart().series()
    assert isinstance(series[0], QBarSeries)
    assert [s.label() for s in series[0].barSets()] == ["Sold", "Admitted"]
    assert [series[0].barSets()[0].at(i) for i in range(2)] == [4, 2]


def test_sales_channels_with_lost_contacts(reports, qtbot):
    choose(reports, qtbot, "sales_channels")
    assert table(reports, "label", "orders", "tickets", "revenue_cents", "lost") == [
        ("Online (imported)", "1", "1", "$25.00", "0"),
        ("Box office", "3", "4", "$100.00", "2"),
        ("Phone", "1", "2", "$36.00", "0"),
        ("Walk-up", "1", "1", "$18.00", "0"),
    ]
    assert reports.summary.text() == "6 orders; most tickets through box office; 2 lost contacts."
    assert isinstance(reports.chart_view.chart().series()[0], QPieSeries)


def test_revenue_by_performance_and_by_month(reports, qtbot):
    choose(reports, qtbot, "revenue_performance")
    assert table(reports, "title", "revenue_cents") == [
        ("The Magic Flute", "$93.00"),
        ("Tosca", "$50.00"),
        ("Carmen", "$36.00"),
    ]
    assert reports.summary.text() == "$179.00 from 8 tickets."
    choose(reports, qtbot, "revenue_month")
    rows = reports.rows
    assert sum(r["tickets_cents"] for r in rows) == 17900
    assert sum(r["donations_cents"] for r in rows) == 10000
    assert all(
        r["total_cents"]
        == r["tickets_cents"]
        + r["subscriptions_cents"]
        + r["memberships_cents"]
        + r["donations_cents"]
        for r in rows
    )
    assert isinstance(reports.chart_view.chart().series()[0], QStackedBarSeries)


def test_contact_capture_sorts_by_clicking_the_header(reports, qtbot):
    choose(reports, qtbot, "contact_capture")
    assert reports.summary.text() == (
        "6 orders: 67% of buyers known, 1 walk-ups captured, 2 lost contacts."
    )
    header = reports.table.horizontalHeader()
    lost = reports.model.column_of("lost")
    where = QPoint(header.sectionViewportPosition(lost) + 5, 5)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert [r[0] for r in table(reports, "lost")] == ["0", "1", "1"]
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert [r[0] for r in table(reports, "lost")] == ["1", "1", "0"]


def test_exports_csv_and_xlsx(reports, qtbot, tmp_path):
    choose(reports, qtbot, "attendance")
    path = reports.export(tmp_path / "attendance.csv")
    with open(path, encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    assert lines[0] == [
        "Performance",
        "Date and time",
        "Capacity",
        "Sold",
        "Admitted",
        "No-shows",
        "No-show rate",
    ]
    assert [line[0] for line in lines[1:]] == ["The Magic Flute", "Tosca"]

    choose(reports, qtbot, "sales_channels")
    book = load_workbook(reports.export(tmp_path / "channels.xlsx"))
    values = list(book["Sales channels"].values)
    assert values[0][:3] == ("Channel", "Orders", "Tickets")
    assert values[2] == ("Box office", 3, 4, 100.0, 1, 0, 2)  # numbers stay numbers


@needs_poppler
def test_save_as_pdf_has_the_title_the_summary_and_every_row(reports, qtbot, tmp_path):
    choose(reports, qtbot, "attendance")
    path = reports.save_pdf(tmp_path / "attendance.pdf")
    assert path.stat().st_size > 2000
    text = pdf_text(path)
    assert "Attendance" in text and "67% no-shows" in text
    assert "The Magic Flute" in text and "Tosca" in text and "No-show rate" in text


@needs_poppler
def test_a_long_report_prints_over_several_pages(services, tmp_path):
    rows = [{"name": f"Row {i:03d}", "n": i} for i in range(200)]
    long = ReportDefinition(
        "long",
        "A long report",
        "Two hundred rows.",
        (Column("name", "Name"), Column("n", "Number", "int")),
        rows=lambda db: rows,
    )
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "long.pdf"))
    pages = paint_report(printer, long, rows)
    del printer
    text = pdf_text(tmp_path / "long.pdf")
    assert pages > 2 and f"page {pages}" in text
    assert "Row 000" in text and "Row 199" in text


def test_a_new_report_needs_only_a_definition(window, qtbot):
    movements = ReportDefinition(
        key="loyalty_test",
        title="Loyalty movements",
        description="Who moved.",
        columns=(Column("rung", "Rung"), Column("moved_up", "Moved up", "int")),
        rows=lambda db: [{"rung": "buyer", "moved_up": 3}],
    )
    register(movements)
    try:
        from desktop.views.reports.reports import ReportsView

        view = ReportsView(window.runner)
        qtbot.addWidget(view)
        view.show_report("loyalty_test")
        assert table(view, "rung", "moved_up") == [("buyer", "3")]
        assert report("loyalty_test") is movements
    finally:
        DEFINITIONS.remove(movements)


def test_a_sale_elsewhere_updates_the_report(window, services, qtbot):
    window.show_area(REPORTS)
    window.reports.show_report("contact_capture")
    assert window.reports.summary.text() == "No sales yet."
    flute = schedule(services.app, "The Magic Flute", 3, capacity=20)
    services.app.sell_tickets(flute, {"Adult": 1})
    qtbot.waitUntil(lambda: "1 lost contacts" in window.reports.summary.text())


@needs_poppler
def test_print_goes_through_the_print_dialog(reports, qtbot, tmp_path):
    from PySide6.QtCore import QTimer
    from PySide6.QtPrintSupport import QPrintDialog
    from PySide6.QtWidgets import QApplication

    choose(reports, qtbot, "sales_channels")
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)  # "print to file": no printer here
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    seen = []

    def press_print() -> None:
        dialog = QApplication.activeModalWidget()
        seen.append(type(dialog))
        dialog.accept()

    QTimer.singleShot(0, press_print)
    assert reports.print_(printer) is True
    assert seen == [QPrintDialog]
    text = pdf_text(tmp_path / "printed.pdf")
    assert "Sales channels" in text and "Walk-up" in text

    QTimer.singleShot(0, lambda: QApplication.activeModalWidget().reject())
    assert reports.print_(printer) is False  # cancelled: nothing printed
