"""Refunds and exchanges in a few clicks, from the performance's tickets or an order."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

from desktop.models.order_table import OrderTableModel as O
from desktop.models.ticket_table import TicketTableModel as T
from projections import box_office as read_model
from projections import patron_search, timeline
from tests.desktop.box_office_steps import click, click_row, row_of
from tests.desktop.conftest import schedule


@pytest.fixture
def ada_order(services, flute) -> dict:
    """Ada bought two Adult tickets for The Magic Flute."""
    db = services.runner.db()
    [ada] = patron_search.search(db, "lovelace")
    sale = services.app.sell_tickets(flute, {"Adult": 2}, patron_id=ada["id"])
    return {"patron_id": ada["id"], **asdict(sale)}


def _select_ticket(qtbot, box, code: str) -> None:
    qtbot.waitUntil(lambda: box.ticket_model.row_of(code) >= 0)
    click_row(qtbot, box.ticket_table, row_of(box.ticket_table, T.CODE, code))
    qtbot.waitUntil(box.refund_button.isEnabled)


def test_refund_an_order_from_the_performances_tickets(
    services, flute, ada_order, box_office, qtbot, column
):
    _select_ticket(qtbot, box_office, ada_order["codes"][0])
    assert column(box_office.ticket_table, T.BUYER) == ["Ada Lovelace"] * 2
    click(qtbot, box_office.refund_button)
    dialog = box_office.dialog
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible())
    assert dialog.text().startswith("Refund 2 tickets for The Magic Flute")
    assert dialog.informativeText().startswith("$50.00 goes back to Ada Lovelace.")
    click(qtbot, dialog.refund_button)

    table = box_office.ticket_table
    qtbot.waitUntil(lambda: column(table, T.STATUS) == ["Refunded", "Refunded"])
    assert box_office.model.rows[0]["sold"] == 0
    assert not box_office.refund_button.isEnabled()  # nothing left to refund
    assert box_office.window().statusBar().currentMessage() == "Refunded 2 tickets, $50.00."
    kinds = [r["kind"] for r in timeline.rows(services.runner.db(), ada_order["patron_id"])]
    assert kinds[0] == "refund"


def test_keeping_the_order_changes_nothing(services, flute, ada_order, box_office, qtbot):
    _select_ticket(qtbot, box_office, ada_order["codes"][1])
    click(qtbot, box_office.refund_button)
    dialog = box_office.dialog
    qtbot.waitUntil(dialog.isVisible)
    click(qtbot, dialog.keep_button)
    qtbot.waitUntil(lambda: box_office.dialog is None)
    assert services.app.get_performance(flute).sold == 2


def test_exchange_to_another_date_with_seats(services, flute, ada_order, box_office, qtbot, column):
    app = services.app
    later = schedule(app, "The Magic Flute", 10)
    full = schedule(app, "Hamlet", 5, capacity=1)
    app.sell_tickets(full, {"Adult": 1})
    qtbot.waitUntil(lambda: box_office.model.rowCount() == 3)
    box_office.select_performance(flute)
    _select_ticket(qtbot, box_office, ada_order["codes"][0])
    click(qtbot, box_office.exchange_button)
    dialog = box_office.dialog
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible())
    assert dialog.codes == [ada_order["codes"][0]]  # the ticket chosen, not the whole order
    assert [r["id"] for r in dialog.model.rows] == [later]  # Hamlet has no seat left
    click_row(qtbot, dialog.table, 0)
    click(qtbot, dialog.exchange_button)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1)
    [new_code] = dialog.tickets_ready.codes()
    assert dialog.tickets_ready.tickets[0]["patron_name"] == "Ada Lovelace"

    db = services.runner.db()
    statuses = {t["code"]: t["status"] for t in read_model.tickets(db, flute)}
    assert statuses == {ada_order["codes"][0]: "exchanged", ada_order["codes"][1]: "valid"}
    assert [(t["code"], t["patron_id"]) for t in read_model.tickets(db, later)] == [
        (new_code, ada_order["patron_id"])
    ]
    click(qtbot, dialog.close_button)
    qtbot.waitUntil(lambda: column(box_office.ticket_table, T.STATUS).count("Exchanged") == 1)
    kinds = [r["kind"] for r in timeline.rows(db, ada_order["patron_id"])]
    assert kinds[0] == "exchange"


def test_refund_from_the_patrons_purchases(services, flute, ada_order, window, qtbot, column):
    window.open_patron(ada_order["patron_id"])
    purchases = window.patron_page.purchases
    qtbot.waitUntil(lambda: column(purchases.table, O.TOTAL) == ["$50.00"])
    assert column(purchases.table, O.STATUS) == ["Paid"]
    click_row(qtbot, purchases.table, 0)
    click(qtbot, purchases.refund_button)
    dialog = purchases.dialog
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible())
    click(qtbot, dialog.refund_button)
    qtbot.waitUntil(lambda: column(purchases.table, O.STATUS) == ["Refunded"])
    assert purchases.stats.spend.value.text() == "$0.00"


def test_tickets_are_saved_as_pdf_after_a_sale(
    services, flute, ada_order, box_office, qtbot, tmp_path, monkeypatch
):
    target = tmp_path / "flute.pdf"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *args, **kwargs: (str(target), ""))
    )
    _select_ticket(qtbot, box_office, ada_order["codes"][0])
    box_office.ticket_table.selectAll()
    click(qtbot, box_office.pdf_button)
    qtbot.waitUntil(lambda: target.exists() and target.stat().st_size > 0, timeout=10000)
    assert Path(target).read_bytes().startswith(b"%PDF")


def test_a_subscription_ticket_refunds_its_subscription_from_the_box_office(
    services, flute, box_office, qtbot, column
):
    """A subscriber's ticket chosen in the box office: the refund names the subscription,
    its tickets not yet used and their amount (it said "Refund 0 tickets, $0.00"
    and then could not find the order), and refunds them all."""
    app = services.app
    tosca = schedule(app, "Tosca", 6)
    [ada] = patron_search.search(services.runner.db(), "lovelace")
    season = app.sell_subscription(ada["id"], "Autumn pair", [flute, tosca], 4000)
    services.runner.catch_up()
    box_office.refresh()
    box_office.select_performance(flute)
    _select_ticket(qtbot, box_office, season.codes[0])
    click(qtbot, box_office.refund_button)
    dialog = box_office.dialog
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible())
    assert dialog.text() == "Refund the subscription “Autumn pair”?"
    assert dialog.informativeText().startswith("2 tickets not yet used: $40.00 goes back to Ada")
    click(qtbot, dialog.refund_button)
    table = box_office.ticket_table
    qtbot.waitUntil(lambda: column(table, T.STATUS) == ["Refunded"])
    statuses = {t["status"] for t in read_model.tickets(services.runner.db(), tosca)}
    assert statuses == {"refunded"}
    kinds = [r["kind"] for r in timeline.rows(services.runner.db(), ada["id"])]
    assert kinds[0] == "refund"
