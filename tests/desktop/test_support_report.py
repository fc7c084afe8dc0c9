"""Reports → Patron support: the hand-computed week (tests/domain/support_example.py) as
a heatmap, a table by hour of the day, a summary with the gaps in the rota, and exports."""

from __future__ import annotations

import csv
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from PySide6.QtCharts import QScatterSeries
from PySide6.QtCore import Qt

from desktop.main_window import REPORTS
from desktop.report_catalog import REPORTS as DEFINITIONS
from desktop.report_support import cell_text
from tests.domain.support_example import CALLS, CHATS, STARTED
from tests.poppler import needs_poppler, pdf_text

JULY = (date(2026, 7, 1), date(2026, 7, 31))


@pytest.fixture(autouse=True)
def london(computer_clock):
    computer_clock("Europe/London")


@pytest.fixture
def week(services):
    app = services.app
    ada = app.register_patron("Ada", "King", email="ada.k@example.org")
    for key, messages in CHATS.items():
        app.record_chat(
            "Crisp",
            key,
            messages,
            visitor_email="ada.k@example.org",
            occurred_at=datetime.fromisoformat(STARTED[key]),
        )
    for at, direction, reason in CALLS:
        app.log_call(ada, direction, reason, "answered", occurred_at=datetime.fromisoformat(at))
    app.add_duty_slot("Monday", "09:00", "12:00", "phone", name="Maria")
    app.add_duty_slot("Monday", "09:30", "12:00", "chat", name="Jo")
    return services


@pytest.fixture
def support(window, qtbot, week):
    window.show_area(REPORTS)
    view = window.reports
    row = [d.key for d in DEFINITIONS].index("support")
    rect = view.report_list.visualItemRect(view.report_list.item(row))
    qtbot.mouseClick(view.report_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: view.definition.key == "support")
    view.set_period(*JULY)
    qtbot.waitUntil(lambda: "8 inquiries" in view.summary.text())
    return view


def row_of(view, hour: int) -> dict[str, str]:
    model = view.table.model()
    keys = [c.key for c in view.definition.columns]
    for r in range(model.rowCount()):
        if model.index(r, 0).data() == f"{hour:02d}:00–{hour + 1:02d}:00":
            return {k: model.index(r, c).data() for c, k in enumerate(keys)}
    raise AssertionError(f"no row for {hour}")


def test_the_table_by_hour_of_day(support):
    evening = row_of(support, 19)
    assert (evening["d1"], evening["inquiries"], evening["chats"], evening["calls"]) == (
        "3",
        "3",
        "2",
        "1",
    )
    assert (evening["median_seconds"], evening["p90_seconds"]) == ("6 min", "10 min")
    assert (evening["outside"], evening["nobody"]) == ("3", "Tue")
    late = row_of(support, 23)
    assert (late["d6"], late["d0"], late["median_seconds"]) == ("1", "0", "5 min")
    morning = row_of(support, 9)
    assert (morning["d0"], morning["median_seconds"], morning["nobody"]) == ("3", "30 s", "Mon")
    assert support.table.model().rowCount() == 24


def test_the_summary_names_reply_times_the_gaps_and_the_reasons(support):
    text = support.summary.text() + "\n" + support.details.text()
    assert (
        "8 inquiries (6 chats, 2 calls). First reply: median 3 min 30 s, 90% "
        "within 10 min. 1 chats never answered. 62% arrived while nobody was on duty. "
        "1 chats have no times: counted, but left out of the reply times."
    ) in text
    assert (
        "Most demand: Tuesday 19:00–20:00: 38% of inquiries, nobody on duty; Monday "
        "09:00–10:00: 12% of inquiries, nobody on duty; Sunday 23:00–24:00: 12%"
    ) in text
    assert "Reasons: Parking (1), Tickets (1). Quick answers used: –." in text


def test_the_heatmap_shades_demand_and_outlines_the_hours_nobody_covered(support):
    series = support.chart_view.chart().series()
    assert all(isinstance(s, QScatterSeries) for s in series)
    cells = {(p.x(), p.y()) for s in series[:-1] for p in s.points()}
    # x = hour, y = 6 - weekday (Monday on top)
    assert cells == {(9, 6), (10, 6), (19, 5), (23, 0)}
    gaps = series[-1]
    assert gaps.name() == "Nobody on duty"
    assert {(p.x(), p.y()) for p in gaps.points()} == {(9, 6), (19, 5), (23, 0)}
    darkest = series[-2]
    assert {(p.x(), p.y()) for p in darkest.points()} == {(9, 6), (19, 5)}  # 3, the peak
    assert cell_text(support.rows, 1, 19) == (
        "Tuesday 19:00–20:00: 3 inquiries, 3 while nobody was on duty"
    )
    assert cell_text(support.rows, 0, 10) == "Monday 10:00–11:00: 1 inquiry"


def test_a_new_duty_slot_shows_at_once(support, week, qtbot):
    week.app.add_duty_slot("Tuesday", "18:00", "22:00", "both", name="Sam")
    qtbot.waitUntil(lambda: "25% arrived while nobody was on duty" in support.summary.text())
    assert row_of(support, 19)["outside"] == "0"


def test_exports_keep_seconds_as_numbers(support, tmp_path):
    book = load_workbook(support.export(tmp_path / "support.xlsx"))
    values = list(book["Patron support"].values)
    header = list(values[0])
    evening = next(v for v in values[1:] if v[0] == "19:00–20:00")
    assert evening[header.index("Median first reply")] == 360
    assert evening[header.index("Tue")] == 3
    with open(support.export(tmp_path / "support.csv"), encoding="utf-8-sig") as handle:
        lines = list(csv.reader(handle))
    assert lines[0][:3] == ["Hour", "Mon", "Tue"] and len(lines) == 25


@needs_poppler
def test_the_pdf_has_the_summary_and_the_table(support, tmp_path):
    text = pdf_text(support.save_pdf(tmp_path / "support.pdf"))
    assert "Patron support" in text and "nobody on duty" in text and "19:00–20:00" in text


def test_a_role_that_may_not_see_it_gets_the_reason_not_the_figures(week, qtbot):
    from desktop.views.reports.reports import ReportsView

    app = week.app
    app.add_staff("Tom", "manager", password="manager-pass")
    app.sign_in("Tom", password="manager-pass")
    app.add_staff("Dee", "door", pin="4321")
    app.sign_in("Dee", pin="4321")
    view = ReportsView(week.runner, app=app)
    qtbot.addWidget(view)
    view.show_report("support")
    assert "cannot do this (see the patron support report)" in view.summary.text()
    assert view.model.rowCount() == 0
