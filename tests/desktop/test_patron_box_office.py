"""What a patron bought, gave and attended shows on their page, as it happens."""

from __future__ import annotations

import csv
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt

from desktop.export import write_csv
from desktop.models.orders import OrdersModel
from desktop.models.timeline import TimelineModel


@pytest.fixture
def ada_page(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.patron_list.search_field, "lovelace")
    qtbot.keyClick(window.patron_list.search_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.patrons_area.currentWidget() is window.patron_page)
    return window.patron_page


@pytest.fixture
def ada(services):
    return services.app.find_contact_matches(email="ada@example.org")[0]["id"]


@pytest.fixture
def hamlet(services):
    app = services.app
    production = app.create_production("Hamlet")
    return [app.schedule_performance(production, datetime(2027, 3, day, 19, 30, tzinfo=UTC),
                                     100, {"Adult": 3000, "Student": 1500})
            for day in (13, 20)]  # fmt: skip


def test_a_sale_and_a_donation_appear_on_the_open_patron_page(ada_page, services, ada, hamlet,
                                                              qtbot, column):  # fmt: skip
    app, table = services.app, ada_page.timeline_table
    assert ada_page.box_office.orders_title.text() == "No ticket orders yet"
    assert ada_page.box_office.orders_table.isHidden()

    app.sell_tickets(hamlet[0], {"Adult": 2}, patron_id=ada)
    app.record_donation(ada, 5000, fund="Youth theatre")

    qtbot.waitUntil(lambda: len(column(table, TimelineModel.WHAT)) == 3)
    assert column(table, TimelineModel.WHAT)[:2] == ["Donation", "Tickets"]
    assert column(table, TimelineModel.SUMMARY)[:2] == [
        "Donated $50.00 to Youth theatre",
        "Bought 2 tickets for Hamlet, Sat 13 Mar 19:30 — $60.00",
    ]
    panel = ada_page.box_office
    assert panel.spend.value.text() == "$60.00"
    assert panel.donations.value.text() == "$50.00"
    assert panel.tickets.value.text() == "2"
    assert panel.visits.value.text() == "0"
    assert panel.orders_title.text() == "1 ticket order"
    assert not panel.orders_table.isHidden()


def test_orders_badges_sorting_and_export(ada_page, services, ada, hamlet, qtbot, column,
                                          tmp_path):  # fmt: skip
    app, panel = services.app, ada_page.box_office
    first = app.sell_tickets(hamlet[0], {"Adult": 2}, patron_id=ada, payment="cash")
    app.sell_tickets(hamlet[1], {"Student": 1}, patron_id=ada, channel="phone")
    app.refund_order(first["order_id"])
    app.sell_subscription(ada, "Spring pair", hamlet, 4000)
    app.start_membership(ada, "Friend", "2026-01-01", "2099-12-31", 6000)
    app.record_donation(ada, 2500)

    qtbot.waitUntil(lambda: panel.orders_title.text() == "2 ticket orders")
    table = panel.orders_table
    assert column(table, OrdersModel.TOTAL) == ["$15.00", "$60.00"]  # newest first
    assert column(table, OrdersModel.REFUNDED) == ["", "$60.00"]
    assert column(table, OrdersModel.PAID) == ["Card, on the phone", "Cash, at the box office"]
    assert panel.spend.value.text() == "$115.00"  # 15 + 40 subscription + 60 membership
    assert panel.tickets.value.text() == "3"  # one Student ticket and two subscription tickets
    assert [panel.badges_layout.itemAt(i).widget().text()
            for i in range(panel.badges_layout.count())] == [
        f"Subscriber since {datetime.now(tz=UTC).year}",
        "Member until 31 Dec 2099",
        "1 donation not yet thanked",
    ]  # fmt: skip

    table.horizontalHeader().setSortIndicator(OrdersModel.TOTAL, Qt.SortOrder.DescendingOrder)
    assert column(table, OrdersModel.TOTAL) == ["$60.00", "$15.00"]

    path = tmp_path / "orders.csv"
    assert write_csv(table, path) == 2
    with open(path, encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:4] == ["Performance", "Starts", "Tickets", "Total"]
    assert [r[3] for r in rows[1:]] == ["$60.00", "$15.00"]
