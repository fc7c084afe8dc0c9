"""A patron's page: purchases, lifetime spend, visits and status, and selling from there."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt

from desktop import formatting
from desktop.models.order_table import OrderTableModel as O
from desktop.models.timeline import TimelineModel
from desktop.views.box_office.sell_dialog import FIND
from tests.desktop.box_office_steps import click, set_quantity, type_into
from tests.desktop.conftest import schedule


@pytest.fixture
def ada_id(services) -> str:
    [ada] = [r for r in read_model_directory(services) if r["name"] == "Ada Lovelace"]
    return ada["id"]


def read_model_directory(services) -> list[dict]:
    from projections import patron_directory

    return patron_directory.page(services.runner.db())


def open_page(window, qtbot):
    """Ctrl+F, type, Enter: the way a volunteer opens Ada's page."""
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.patron_list.search_field, "lovelace")
    qtbot.keyClick(window.patron_list.search_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.patrons_area.currentWidget() is window.patron_page)
    return window.patron_page


def test_the_page_shows_purchases_lifetime_spend_and_visits(
    services, flute, ada_id, window, qtbot, column
):
    app = services.app
    hamlet = schedule(app, "Hamlet", 6, venue="Studio")
    sale = app.sell_tickets(flute, {"Adult": 2}, patron_id=ada_id)
    refunded = app.sell_tickets(hamlet, {"Concession": 1}, patron_id=ada_id, payment="cash")
    app.refund_order(refunded.order_id)
    assert app.scan(sale.codes[0], flute, "Main door").verdict == "admit"  # one came in

    page = open_page(window, qtbot)
    stats = page.purchases.stats
    assert stats.spend.value.text() == "$50.00"
    assert stats.visits.value.text() == "1"
    assert stats.tickets.value.text() == "2"
    assert stats.tickets.detail.text() == "2 orders"
    # the ladder does not count a refunded order: one order, one production, a tryer
    assert stats.status.value.text() == "Tryer"
    table = page.purchases.table
    assert sorted(column(table, O.PERFORMANCE)) == ["Hamlet", "The Magic Flute"]
    by_title = dict(zip(column(table, O.PERFORMANCE), range(2), strict=True))
    flute_row, hamlet_row = by_title["The Magic Flute"], by_title["Hamlet"]
    assert column(table, O.TICKETS)[flute_row] == "2"
    assert column(table, O.TOTAL)[flute_row] == "$50.00"
    assert column(table, O.STATUS)[flute_row] == "Paid"
    assert column(table, O.STATUS)[hamlet_row] == "Refunded"
    assert column(table, O.PAYMENT)[hamlet_row] == "Cash"
    assert page.purchases.count.text() == "2 orders"


@pytest.mark.parametrize("days_after_its_end", [0, 1])
def test_a_membership_lasts_to_the_end_of_its_last_day_at_the_organization(
    services, ada_id, window, qtbot, monkeypatch, days_after_its_end
):
    """Its last day is the organization's calendar day, whatever day it already is
    in UTC (a New York office at 8 pm, or an Auckland one in the morning)."""
    last_day = date(2020, 6, 30)  # long past in UTC, wherever the suite runs
    services.app.start_membership(ada_id, "Friend", date(2019, 7, 1), last_day, 6000)
    monkeypatch.setattr(
        "desktop.views.patrons.patron_purchases.today",
        lambda: last_day + timedelta(days=days_after_its_end),
    )
    # (an organization west of this computer: its last day is still written as itself)
    formatting.configure(timezone="Pacific/Pago_Pago")
    status = open_page(window, qtbot).purchases.stats.status
    if days_after_its_end == 0:
        qtbot.waitUntil(lambda: status.value.text().endswith("Member"))
        assert status.detail.text() == f"member until {formatting.day(last_day)}"
    else:
        qtbot.waitUntil(lambda: status.value.text() != "")
        assert "Member" not in status.value.text() and status.detail.text() == ""


def test_selling_from_the_patrons_page(services, flute, ada_id, window, qtbot, column):
    page = open_page(window, qtbot)
    assert page.purchases.stats.status.value.text() == "New patron"
    click(qtbot, page.purchases.sell_button)
    dialog = page.purchases.dialog
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible())
    assert dialog.mode == FIND
    assert dialog.finder.chosen()["id"] == ada_id
    assert dialog.performance.id == flute
    set_quantity(qtbot, dialog, "Adult", 1)
    click(qtbot, dialog.sell_button)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1)
    click(qtbot, dialog.close_button)
    qtbot.waitUntil(lambda: column(page.purchases.table, O.PERFORMANCE) == ["The Magic Flute"])
    assert page.purchases.stats.spend.value.text() == "$25.00"
    assert page.purchases.stats.status.value.text() == "Tryer"
    summaries = column(page.timeline_table, TimelineModel.SUMMARY)
    assert summaries[0].startswith("Bought 1 ticket for The Magic Flute")


def test_donation_membership_and_subscription_from_the_page(
    services, flute, ada_id, window, qtbot, column
):
    hamlet = schedule(services.app, "Hamlet", 6, venue="Studio")
    page = open_page(window, qtbot)
    purchases = page.purchases

    click(qtbot, purchases.donation_button)
    dialog = purchases.dialog
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible())
    qtbot.keyClicks(dialog.amount, "fifty")
    click(qtbot, dialog.save_button)
    assert dialog.error_text("amount_cents") == "Write the amount as a number, like 50 or 120.00."
    assert dialog.amount.text() == "fifty"
    type_into(qtbot, dialog.amount, "50")
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: purchases.stats.spend.detail.text() == "plus $50.00 given")
    assert column(page.timeline_table, TimelineModel.SUMMARY)[0] == (
        "Donated $50.00 to General fund"
    )
    assert purchases.stats.status.value.text() == "Tryer"  # a first gift is a first step

    click(qtbot, purchases.membership_button)
    dialog = purchases.dialog
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible())
    type_into(qtbot, dialog.fee, "60")
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: purchases.stats.status.value.text() == "Buyer · Member")
    assert purchases.stats.status.detail.text().startswith("member until ")

    click(qtbot, purchases.subscription_button)
    dialog = purchases.dialog
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible())
    type_into(qtbot, dialog.package, "Autumn season")
    type_into(qtbot, dialog.price, "80")
    click(qtbot, dialog.save_button)
    assert dialog.error_text("performance_ids") == "Choose the performances in this package."
    dialog.check(flute)
    dialog.check(hamlet)
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: purchases.stats.status.value.text() == "Buyer · Subscriber · Member")
    assert purchases.stats.spend.value.text() == "$140.00"  # membership 60 + package 80
    assert services.app.get_performance(hamlet).sold == 1
