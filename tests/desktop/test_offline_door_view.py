"""The door view on a shared store whose network goes away: it goes on deciding, says
so calmly ("Offline — N scans waiting"), and sends the scans when the store is back.

The workstation reaches the real PostgreSQL test server through a loopback proxy
(``tests/door_proxy.py``) that drops its connections.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.server_connection import offline_words
from domain.ticket_codes import ticket_id
from infrastructure.bootstrap import bootstrap
from infrastructure.config import resolve
from tests.door_proxy import DROP, PASS, FlakyProxy

#: qtbot's own wait, before this folder's conftest widens every wait to 120 s
_wait_until = QtBot.waitUntil


def hang_guard(qtbot, condition) -> None:
    """Wait for ``condition``: the window hears that the server is gone or back within
    seconds (a quick look, ``infrastructure.server_probe``), so 30 s only guards against
    a hang; before the look it took the pool's waits and reconnection delays (about
    40 s to find it gone, up to about 100 s to find it back)."""
    _wait_until(qtbot, condition, timeout=30_000)


@pytest.fixture
def shared(tmp_path, postgres_db):
    parts = urlsplit(postgres_db)
    proxy = FlakyProxy(parts.hostname, parts.port)
    office = bootstrap(
        resolve(tmp_path / "office", store=postgres_db), staff="maria", workstation="box-office"
    )
    door_ws = bootstrap(
        resolve(tmp_path / "door", store=proxy.url(postgres_db)),
        staff="usher",
        workstation="north-door",
    )
    yield office, door_ws, proxy
    proxy.set_mode(PASS)
    door_ws.close()
    office.close()
    proxy.close()


def test_the_door_view_goes_on_offline_and_says_so_calmly(open_window, shared, qtbot):
    office, door_ws, proxy = shared
    app = office.app
    tonight = datetime.now().astimezone().replace(microsecond=0) + timedelta(hours=1)
    show = app.schedule_performance(app.create_production("Tosca"), tonight, 100, {"Adult": 3000})
    ada = app.register_patron("Ada", "Lovelace")
    code = app.sell_tickets(show, {"Adult": 1}, patron_id=ada).codes[0]
    door_ws.runner.catch_up()
    window = open_window(door_ws)
    window.show_area("door")
    view = window.door_view
    qtbot.waitUntil(lambda: view.performance_id() == show)
    assert view.offline_banner.isHidden()

    proxy.set_mode(DROP)
    late = app.sell_tickets(show, {"Adult": 1}).codes[0]  # this door cannot know it
    view.code_field.setFocus()
    qtbot.keyClicks(view.code_field, code)
    qtbot.keyClick(view.code_field, Qt.Key.Key_Return)
    # the writer worker hands the verdict back: wait for it, never for a time
    qtbot.waitUntil(lambda: getattr(view.last_result, "verdict", None) == "admit", timeout=30_000)
    assert view.panel.verdict == "admit" and view.panel.title_label.text() == "ADMIT"
    assert view.last_result.offline is True
    qtbot.waitUntil(view.offline_banner.isVisible)
    assert view.offline_banner.text().startswith("Offline — 1 scan waiting.")
    # the house count and the latest scans count the unsent admission
    qtbot.waitUntil(lambda: view.house.admitted_label.text() == "1")
    assert view.house.door_counts() == {"Main door (here)": "1"}
    said = view.offline_banner.text()  # what still works here, and what waits
    assert "The door goes on: scans, undos and the house count work" in said
    assert "Saving anything else (sales, refunds, notes, patrons" in said and "off" in said
    assert window.offline_label.isVisible()

    qtbot.keyClicks(view.code_field, late)
    qtbot.keyClick(view.code_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.panel.title_label.text() == "NOT KNOWN HERE YET", timeout=30_000)
    assert "check by name or ID" in view.panel.detail_label.text()
    qtbot.waitUntil(lambda: view.offline_banner.text().startswith("Offline — 2 scans waiting."))

    proxy.set_mode(PASS)  # the background sync sends both, in order
    hang_guard(qtbot, view.offline_banner.isHidden)
    assert not window.offline_label.isVisible()
    assert app.store.get(ticket_id(code)).admitted_door == "Main door"


def test_selling_refunds_exchanges_and_memberships_wait_for_the_server(open_window, shared, qtbot):
    office, door_ws, proxy = shared
    app = office.app
    tonight = datetime.now().astimezone().replace(microsecond=0) + timedelta(hours=1)
    show = app.schedule_performance(app.create_production("Tosca"), tonight, 100, {"Adult": 3000})
    ada = app.register_patron("Ada", "Lovelace")
    app.sell_tickets(show, {"Adult": 1}, patron_id=ada)
    door_ws.runner.catch_up()
    window = open_window(door_ws)
    window.show_area("box_office")
    box = window.box_office
    qtbot.waitUntil(lambda: box.current_performance_id() == show)
    assert box.sell_button.isEnabled()
    online_tip = box.sell_button.toolTip()
    dialog = box.sell()  # a sale being typed when the network goes
    assert dialog is not None and dialog.commit_button.isEnabled()
    purchases = window.patron_page.purchases
    purchases.show_patron({"id": ada, "name": "Ada Lovelace"})
    purchases.table.selectRow(0)
    assert purchases.membership_button.isEnabled() and purchases.refund_button.isEnabled()

    proxy.set_mode(DROP)
    window.poll()  # the next look for other workstations' events finds no server
    # it does not come back soon: a quick look at the server says it is gone (the
    # pool's own waits and retries took about 40 s)
    hang_guard(qtbot, lambda: not box.sell_button.isEnabled())
    words = offline_words()
    assert words in box.sell_button.toolTip()
    assert not dialog.commit_button.isEnabled() and words in dialog.commit_button.toolTip()
    for button in (
        purchases.sell_button,
        purchases.subscription_button,
        purchases.membership_button,
        purchases.refund_button,
        purchases.exchange_button,
    ):
        assert not button.isEnabled() and words in button.toolTip()
    assert purchases.print_button.isEnabled()  # printing needs no server
    assert window.offline_label.isVisible()
    dialog.reject()
    qtbot.waitUntil(lambda: box.dialog is None)
    box.table.setFocus()
    qtbot.keyClick(box.table, Qt.Key.Key_Return)  # Enter on a performance: said, not opened
    assert box.dialog is None
    assert window.statusBar().currentMessage() == words
    assert purchases.start_membership() is None

    proxy.set_mode(PASS)  # the background sync finds the server again
    hang_guard(qtbot, box.sell_button.isEnabled)
    assert box.sell_button.toolTip() == online_tip
    assert purchases.membership_button.isEnabled() and purchases.refund_button.isEnabled()
    assert not window.offline_label.isVisible()
