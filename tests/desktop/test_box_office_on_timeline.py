"""What a patron bought and gave shows on their page, as it happens."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt

from desktop.models.timeline import TimelineModel


def test_a_sale_and_a_donation_appear_on_the_open_patron_page(window, services, qtbot, column):
    app = services.app
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.patron_list.search_field, "lovelace")
    qtbot.keyClick(window.patron_list.search_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.patrons_area.currentWidget() is window.patron_page)
    table = window.patron_page.timeline_table

    ada = app.find_contact_matches(email="ada@example.org")[0]["id"]
    production = app.create_production("Hamlet")
    show = app.schedule_performance(production, datetime(2027, 3, 13, 19, 30, tzinfo=UTC), 100,
                                    {"Adult": 3000})  # fmt: skip
    app.sell_tickets(show, {"Adult": 2}, patron_id=ada)
    app.record_donation(ada, 5000, fund="Youth theatre")

    qtbot.waitUntil(lambda: len(column(table, TimelineModel.WHAT)) == 3)
    assert column(table, TimelineModel.WHAT)[:2] == ["Donation", "Tickets"]
    assert column(table, TimelineModel.SUMMARY)[:2] == [
        "Donated $50.00 to Youth theatre",
        "Bought 2 tickets for Hamlet, Sat 13 Mar 19:30 — $60.00",
    ]
