"""The manager's ladder dashboard, the patron page's rung and why, and new rules."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtCore import QPointF, QSettings, Qt

from desktop.export import export_csv
from desktop.main_window import AREAS, LADDER
from desktop.models.ladder_table import LadderPatronModel
from desktop.settings import Settings
from projections import ladder
from tests.desktop.box_office_steps import click

NOW = datetime.now(UTC)


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


@pytest.fixture
def history(services):
    """Ada bought twice (a buyer), Zoë once (a tryer), Adam once two years ago (lapsed);
    Grace never bought (a prospect)."""
    app = services.app
    ids = {row["first_name"]: row["id"] for row in _patrons(services)}
    production = app.create_production("Hamlet", occurred_at=ago(900))
    shows = [
        app.schedule_performance(production, ago(days), 50, {"Adult": 3000}, occurred_at=ago(900))
        for days in (700, 60, 20)
    ]
    app.sell_tickets(shows[0], {"Adult": 1}, patron_id=ids["Adam"], occurred_at=ago(710))
    app.sell_tickets(shows[1], {"Adult": 2}, patron_id=ids["Ada"], occurred_at=ago(70))
    app.sell_tickets(shows[2], {"Adult": 1}, patron_id=ids["Ada"], occurred_at=ago(30))
    app.sell_tickets(shows[1], {"Adult": 1}, patron_id=ids["Zoë"], occurred_at=ago(65))
    return ids


def _patrons(services) -> list[dict]:
    from projections import patron_directory

    return patron_directory.page(services.runner.db())


def open_ladder(window, qtbot):
    """Choose "Loyalty ladder" in the navigation, with the mouse."""
    item = window.navigation.item(AREAS.index(LADDER))
    assert item.data(Qt.ItemDataRole.UserRole) == LADDER
    rect = window.navigation.visualItemRect(item)
    qtbot.mouseClick(window.navigation.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: window.areas.currentWidget() is window.ladder_view)
    return window.ladder_view


def bar_values(view) -> list[int]:
    return [int(view.bars.at(i)) for i in range(view.bars.count())]


def click_bar(qtbot, view, index: int) -> None:
    """A real click in the middle of a bar of the chart."""
    value = view.bars.at(index)
    inside = view.chart.mapToPosition(QPointF(index, value / 2), view.series)
    point = view.chart_view.mapFromScene(view.chart.mapToScene(inside))
    qtbot.mouseClick(view.chart_view.viewport(), Qt.MouseButton.LeftButton, pos=point)


def names(view) -> list[str]:
    model = view.table.model()
    return sorted(model.index(r, LadderPatronModel.NAME).data() for r in range(model.rowCount()))


def test_the_chart_counts_patrons_per_rung_and_a_bar_lists_them(window, history, qtbot):
    view = open_ladder(window, qtbot)
    assert bar_values(view) == [1, 1, 1, 0, 1]  # prospect, tryer, buyer, advocate, lapsed
    assert bar_values(view) == list(ladder.rung_counts(window.runner.db()).values())
    assert view.rung_buttons["buyer"].text().startswith("1\n")
    click_bar(qtbot, view, 2)
    qtbot.waitUntil(lambda: names(view) == ["Ada Lovelace"])
    assert view.drill_title.text() == "Buyer: 1"
    assert view.table.model().index(0, LadderPatronModel.RUNG).data() == "Buyer (repeat buyer)"
    click_bar(qtbot, view, 4)
    qtbot.waitUntil(lambda: names(view) == ["Adam Zimmer"])
    click(qtbot, view.rung_buttons["prospect"])
    assert names(view) == ["Grace Hopper"]


def test_double_clicking_a_patron_opens_their_page_with_rung_and_reasons(window, history, qtbot):
    view = open_ladder(window, qtbot)
    click(qtbot, view.rung_buttons["buyer"])
    rect = view.table.visualRect(view.table.model().index(0, 0))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    page = window.patron_page
    qtbot.waitUntil(lambda: window.patrons_area.currentWidget() is page)
    assert page.patron_id == history["Ada"]
    section = page.card.ladder
    assert section.rung_label.text() == "Buyer (repeat buyer)"
    assert section.since_label.text().startswith("Since ")
    why = section.why_text()
    assert "Repeat buyer: bought again" in why
    assert why.count("Tickets for Hamlet") == 2
    summaries = [r["summary"] for r in page.timeline_model.rows]
    assert "Became a buyer (repeat buyer)" in summaries
    assert "Became a tryer" in summaries
    # the move sits just under the order that caused it
    became = summaries.index("Became a buyer (repeat buyer)")
    assert summaries[became - 1].startswith("Bought 1 ticket for Hamlet")


def test_movement_over_a_period_drills_down_to_who_moved(window, history, qtbot, tmp_path):
    view = open_ladder(window, qtbot)
    view.set_period(ago(40).date(), date.today())
    assert view.moved_up.text() == "1 moved up"  # Ada became a buyer 30 days ago
    view.set_period(ago(75).date(), date.today())
    assert view.moved_up.text() == "2 moved up"  # ... and Zoë and Ada became tryers
    click(qtbot, view.moved_up)
    assert names(view) == ["Ada Lovelace", "Ada Lovelace", "Zoë Adams"]
    view.set_period(ago(400).date(), ago(100).date())
    assert view.lapsed.text() == "1 lapsed"
    click(qtbot, view.lapsed)
    assert names(view) == ["Adam Zimmer"]
    written = export_csv(view.table, tmp_path / "lapsed.csv")
    with open(written, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["Patron", "Rung", "Moved on", "Details", "Email"]
    assert rows[1][0] == "Adam Zimmer" and rows[1][3] == "from tryer"


def test_the_second_visit_rate_counts_first_timers_who_came_back(window, history, qtbot):
    view = open_ladder(window, qtbot)
    view.set_period(ago(90).date(), date.today())
    # Ada and Zoë first came 60 days ago; Ada came back 20 days ago.
    assert view.first_timers.text() == "2 first-timers"
    assert view.returned.text() == "50% came back (1)"
    click(qtbot, view.returned)
    assert names(view) == ["Ada Lovelace"]
    click(qtbot, view.not_back)
    assert names(view) == ["Zoë Adams"]
    view.table.sortByColumn(LadderPatronModel.NAME, Qt.SortOrder.DescendingOrder)
    click(qtbot, view.first_timers)
    model = view.table.model()
    assert [model.index(r, 0).data() for r in range(2)] == ["Zoë Adams", "Ada Lovelace"]


def test_changing_a_loyalty_setting_recomputes_the_ladder(
    open_window, services, history, qtbot, tmp_path
):
    settings = Settings(QSettings(str(tmp_path / "hl.ini"), QSettings.Format.IniFormat))
    window = open_window(services, settings)
    view = open_ladder(window, qtbot)
    assert bar_values(view) == [1, 1, 1, 0, 1]
    settings.set("loyalty/buyer_purchases", 3)  # Ada's two orders are no longer enough
    qtbot.waitUntil(lambda: bar_values(view) == [1, 2, 0, 0, 1], timeout=10000)
    assert ladder.thresholds(services.runner.db()).buyer_purchases == 3
    settings.set("loyalty/lapsed_months", 36)  # nobody has lapsed after all
    qtbot.waitUntil(lambda: bar_values(view) == [1, 3, 0, 0, 0], timeout=10000)
    settings.set("loyalty/long_absence_months", 6)  # the door's cue only: nothing to redo
    assert not window.ladder_upkeep.needed()
    assert window.ladder_upkeep.check() is None  # no recompute started


def test_enter_opens_the_chosen_patron(window, history, qtbot):
    view = open_ladder(window, qtbot)
    click(qtbot, view.rung_buttons["tryer"])
    view.table.setFocus()
    view.table.selectRow(0)
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.patrons_area.currentWidget() is window.patron_page)
    assert window.patron_page.patron_id == history["Zoë"]
