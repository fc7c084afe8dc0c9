"""The "Loyalty movements" report: every change of rung in a chosen period."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from PySide6.QtCharts import QStackedBarSeries
from PySide6.QtCore import Qt

from desktop.main_window import REPORTS
from desktop.report_catalog import REPORTS as DEFINITIONS
from desktop.report_catalog import moves_per_month, report
from projections import ladder
from tests.conftest import clear_of_midnight
from tests.poppler import needs_poppler, pdf_text

#: now and this computer's today, as each test begins (``_now``)
NOW = datetime.now(UTC)
TODAY = date.today()


@pytest.fixture(autouse=True)
def _now() -> None:
    """Now is when the test runs, well inside this computer's day (the report reads its
    "today" again when it opens). Taken when the module was imported, it was the day
    before for a test reached after midnight by a run begun before it."""
    global NOW, TODAY
    clear_of_midnight(datetime.now().astimezone().tzinfo or UTC)
    NOW = datetime.now(UTC)
    TODAY = NOW.astimezone().date()


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


@pytest.fixture
def history(services):
    """Adam bought two years ago (a tryer), lapsed and came back ten days ago; Ada
    bought twice lately (a tryer, then a buyer); Zoë once (a tryer); Grace never."""
    from projections import patron_directory

    app = services.app
    ids = {r["first_name"]: r["id"] for r in patron_directory.page(services.runner.db())}
    production = app.create_production("Hamlet", occurred_at=ago(900))
    shows = [
        app.schedule_performance(production, ago(days), 50, {"Adult": 3000}, occurred_at=ago(900))
        for days in (700, 60, 20)
    ]
    app.sell_tickets(shows[0], {"Adult": 1}, patron_id=ids["Adam"], occurred_at=ago(710))
    app.sell_tickets(shows[1], {"Adult": 2}, patron_id=ids["Ada"], occurred_at=ago(70))
    app.sell_tickets(shows[2], {"Adult": 1}, patron_id=ids["Ada"], occurred_at=ago(30))
    app.sell_tickets(shows[1], {"Adult": 1}, patron_id=ids["Zoë"], occurred_at=ago(65))
    app.sell_tickets(shows[2], {"Adult": 1}, patron_id=ids["Adam"], occurred_at=ago(10))
    return ids


def open_report(window, qtbot):
    window.show_area(REPORTS)
    view = window.reports
    row = [d.key for d in DEFINITIONS].index("loyalty_movements")
    rect = view.report_list.visualItemRect(view.report_list.item(row))
    qtbot.mouseClick(view.report_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: view.definition.key == "loyalty_movements")
    return view


def table(view, *keys: str) -> list[tuple]:
    model = view.table.model()
    columns = [view.model.column_of(k) for k in keys]
    return [tuple(model.index(r, c).data() for c in columns) for r in range(model.rowCount())]


def day(moment: datetime) -> str:
    return moment.astimezone().strftime("%-d %b %Y")


def test_the_last_90_days_list_every_change_of_rung(window, history, qtbot):
    view = open_report(window, qtbot)
    assert view.period_bar.isVisible() and view.preset.currentText() == "Last 90 days"
    assert table(view, "moved_at", "name", "change", "from_label", "to_label") == [
        (day(ago(70)), "Ada Lovelace", "Moved up", "New patron", "Tryer"),
        (day(ago(65)), "Zoë Adams", "Moved up", "New patron", "Tryer"),
        (day(ago(30)), "Ada Lovelace", "Moved up", "Tryer", "Buyer (repeat buyer)"),
        (day(ago(10)), "Adam Zimmer", "Came back", "Lapsed", "Buyer (repeat buyer)"),
    ]
    assert view.summary.text().endswith(
        "4 changes of rung by 3 patrons: 3 moved up, 0 lapsed, 1 came back."
    )
    # calendar days: 89 times 24 hours before 23:30 in winter is 00:30 on the day after in
    # summer time (the report's period began on 3 October, 89 days before 31 December)
    first, last = (d.strftime("%-d %b %Y") for d in (TODAY - timedelta(days=89), TODAY))
    assert view.summary.text().startswith(f"From {first} to {last}.")
    # the same moves the ladder dashboard counts
    counted = ladder.movement_counts(window.runner.db(), TODAY - timedelta(days=89), TODAY)
    assert counted == {"up": 2, "lapsed": 0, "back": 1}  # patrons, not moves


def test_the_chart_stacks_moves_per_month(window, history, qtbot):
    view = open_report(window, qtbot)
    series = view.chart_view.chart().series()[0]
    assert isinstance(series, QStackedBarSeries)
    assert [s.label() for s in series.barSets()] == ["Moved up", "Lapsed", "Came back"]
    months = moves_per_month(view.rows)
    assert sum(m["up"] for m in months) == 3 and sum(m["back"] for m in months) == 1
    up = series.barSets()[0]
    assert [up.at(i) for i in range(up.count())] == [m["up"] for m in months]


def test_a_longer_period_from_the_keyboard_and_chosen_dates(window, history, qtbot):
    view = open_report(window, qtbot)
    view.preset.setFocus()
    qtbot.keyClick(view.preset, Qt.Key.Key_Down)  # Last 365 days
    qtbot.waitUntil(lambda: len(view.rows) == 5)
    assert view.preset.currentText() == "Last 365 days"
    lapsed = [r for r in view.rows if r["movement"] == "lapsed"]
    assert [(r["name"], r["from_rung"]) for r in lapsed] == [("Adam Zimmer", "tryer")]
    # the chart covers every month from the lapse to now, quiet months included
    assert len(moves_per_month(view.rows)) >= 5

    start = (ago(35)).astimezone().date()
    view.start_edit.setDate(view.start_edit.date().fromString(start.isoformat(), "yyyy-MM-dd"))
    assert view.preset.currentText() == "Chosen dates"
    assert [r[0] for r in table(view, "name")] == ["Ada Lovelace", "Adam Zimmer"]
    # the end can not come before the start
    view.end_edit.setDate(view.start_edit.date().addDays(-5))
    assert view.period()[0] == view.period()[1]


def test_other_reports_have_no_period(window, history, qtbot):
    view = open_report(window, qtbot)
    view.show_report("attendance")
    assert not view.period_bar.isVisible()
    assert not view.summary.text().startswith("From")


def test_double_click_opens_the_patron(window, history, qtbot):
    view = open_report(window, qtbot)
    model = view.table.model()
    column = view.model.column_of("name")
    row = next(r for r in range(model.rowCount()) if model.index(r, column).data() == "Zoë Adams")
    rect = view.table.visualRect(model.index(row, column))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: window.patron_page.patron_id == history["Zoë"])


def test_exports(window, history, qtbot, tmp_path):
    view = open_report(window, qtbot)
    path = view.export(tmp_path / "moves.csv")
    with open(path, encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    assert lines[0] == ["Date", "Patron", "Email", "Change", "From", "To"]
    assert [line[1] for line in lines[1:]] == [
        "Ada Lovelace",
        "Zoë Adams",
        "Ada Lovelace",
        "Adam Zimmer",
    ]
    book = load_workbook(view.export(tmp_path / "moves.xlsx"))
    values = list(book["Loyalty movements"].values)
    assert values[0] == ("Date", "Patron", "Email", "Change", "From", "To")
    assert values[4] == (
        day(ago(10)),
        "Adam Zimmer",
        "az@example.org",
        "Came back",
        "Lapsed",
        "Buyer (repeat buyer)",
    )


@needs_poppler
def test_saved_as_pdf(window, history, qtbot, tmp_path):
    view = open_report(window, qtbot)
    text = " ".join(pdf_text(view.save_pdf(tmp_path / "moves.pdf")).split())
    assert "Loyalty movements" in text and "1 came back" in text
    assert "Zoë Adams" in text and "Buyer (repeat buyer)" in text


def test_the_definition_needs_a_period(services):
    with pytest.raises(ValueError):
        report("loyalty_movements").read(services.runner.db())
    assert report("loyalty_movements").read(services.runner.db(), (TODAY, TODAY)) == []


def test_moves_per_month_keeps_quiet_months():
    rows = [
        {"month": "2026-11", "movement": "up"},
        {"month": "2027-02", "movement": "lapsed"},
        {"month": "2027-02", "movement": "back"},
    ]
    assert moves_per_month(rows) == [
        {"month": "2026-11", "up": 1, "lapsed": 0, "back": 0},
        {"month": "2026-12", "up": 0, "lapsed": 0, "back": 0},
        {"month": "2027-01", "up": 0, "lapsed": 0, "back": 0},
        {"month": "2027-02", "up": 0, "lapsed": 1, "back": 1},
    ]


def test_the_periods_days_are_the_organizations_not_the_computers(services, computer_clock, qtbot):
    """An organization in London, this computer's clock in Dubai: a move at 22:30 on a
    London day is in the report of that day (in Dubai it is already the next)."""
    from zoneinfo import ZoneInfo

    from desktop import formatting
    from desktop.report_catalog import loyalty_rows
    from projections import patron_directory

    london = ZoneInfo("Europe/London")
    computer_clock("Asia/Dubai")
    formatting.configure("GB", "GBP", "Europe/London")
    app = services.app
    ids = {r["first_name"]: r["id"] for r in patron_directory.page(services.runner.db())}
    production = app.create_production("Hamlet", occurred_at=ago(900))
    show = app.schedule_performance(production, ago(60), 50, {"Adult": 3000}, occurred_at=ago(900))
    late = datetime(2025, 12, 10, 22, 30, tzinfo=london)  # 02:30 on the 11th in Dubai
    app.sell_tickets(show, {"Adult": 1}, patron_id=ids["Ada"], occurred_at=late)
    services.runner.catch_up()
    rows = loyalty_rows(services.runner.db(), late.date(), late.date())
    assert [(r["from_rung"], r["to_rung"]) for r in rows] == [("prospect", "tryer")]
