"""A door workstation that was online before opens its window while the shared server
does not answer (issue 18): the door decides from its own copy and queue, the office
areas say calmly that they need the server, and when the server answers the window
connects in the background and sends the queued scans.

The workstation reaches the real PostgreSQL test server through a loopback proxy
(``tests/door_proxy.py``) that drops its connections.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
from PySide6.QtCore import QSettings, Qt

from desktop.areas import AREAS, DOOR
from desktop.server_connection import offline_words
from desktop.settings import Settings
from desktop.views.staff.sign_in_dialog import SignInDialog
from domain.errors import NotConnected
from domain.ticket_codes import ticket_id
from infrastructure.bootstrap import ConnectingServices, bootstrap, bootstrap_window
from infrastructure.config import resolve
from projections import door as door_model
from tests.desktop.conftest import settle
from tests.door_proxy import DROP, PASS, FlakyProxy


@pytest.fixture
def night(tmp_path, postgres_db):
    """The office on the server sells two tickets; the north door was online before
    (its copy caught up), then closed."""
    parts = urlsplit(postgres_db)
    proxy = FlakyProxy(parts.hostname, parts.port)
    office = bootstrap(
        resolve(tmp_path / "office", store=postgres_db), staff="maria", workstation="box-office"
    )
    app = office.app
    tonight = datetime.now().astimezone().replace(microsecond=0) + timedelta(hours=1)
    show = app.schedule_performance(app.create_production("Tosca"), tonight, 100, {"Adult": 3000})
    ada = app.register_patron("Ada", "Lovelace")
    codes = app.sell_tickets(show, {"Adult": 2}, patron_id=ada).codes
    door_config = resolve(tmp_path / "door", store=proxy.url(postgres_db))
    before = bootstrap(door_config, staff="usher", workstation="north-door")
    before.close()
    opened = []

    def start_door():
        services = bootstrap_window(door_config, staff="usher", workstation="north-door")
        opened.append(services)
        return services

    yield office, show, ada, codes, proxy, start_door
    proxy.set_mode(PASS)
    for services in opened:
        services.close()
    office.close()
    proxy.close()


def scan(qtbot, view, code: str) -> None:
    view.code_field.setFocus()
    qtbot.keyClicks(view.code_field, code)
    qtbot.keyClick(view.code_field, Qt.Key.Key_Return)


def test_the_window_opens_without_the_server_and_connects_when_it_answers(
    open_window, night, qtbot
):
    office, show, ada, (code, second), proxy, start_door = night
    proxy.set_mode(DROP)
    services = start_door()
    assert isinstance(services, ConnectingServices) and not services.connected

    window = open_window(services)
    window.show_area(DOOR)
    view = window.door_view
    qtbot.waitUntil(lambda: view.performance_id() == show)
    # calm, from the start: the door is offline with nothing waiting yet
    assert view.offline_banner.isVisible()
    assert view.offline_banner.text().startswith("Offline — 0 scans waiting.")
    assert window.offline_label.isVisible()
    qtbot.waitUntil(lambda: window.sync_label.text() == "No connection to the server")

    scan(qtbot, view, code)
    qtbot.waitUntil(lambda: getattr(view.last_result, "verdict", None) == "admit")
    assert view.last_result.offline is True and view.panel.title_label.text() == "ADMIT"
    qtbot.waitUntil(lambda: view.offline_banner.text().startswith("Offline — 1 scan waiting."))
    scan(qtbot, view, code)  # the door's own queue knows it went in a moment ago
    qtbot.waitUntil(lambda: getattr(view.last_result, "repeat", False))
    assert view.panel.detail_label.text() == "Same ticket scanned twice: they are in."
    qtbot.waitUntil(lambda: view.offline_banner.text().startswith("Offline — 2 scans waiting."))

    # every office area opens on this computer's copy, none crashes
    for area in AREAS:
        window.show_area(area)
        assert window.current_area() == area
    window.show_area("box_office")
    box = window.box_office
    qtbot.waitUntil(lambda: box.current_performance_id() == show)
    assert not box.sell_button.isEnabled()
    assert offline_words() in box.sell_button.toolTip()
    assert box.sell() is None  # Enter on a performance says so instead
    window.open_patron(ada)
    assert window.patron_page.row["name"] == "Ada Lovelace"  # read from the copy
    assert not window.patron_page.purchases.membership_button.isEnabled()
    with pytest.raises(NotConnected, match="No connection to the server"):
        window.app.register_patron("Walk", "In")
    page = window.patron_page
    page.note_edit.setFocus()
    qtbot.keyClicks(page.note_edit, "Asked about the lift")
    qtbot.keyClick(page.note_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot)
    assert page.note_error.text().startswith("No connection to the server.")
    assert page.note_edit.toPlainText() == "Asked about the lift"  # kept for later
    assert "NotConnected" in window.copy_diagnostics()  # Help works too
    window.show_about().close()

    proxy.set_mode(PASS)  # the background sync opens the store and sends the queue
    qtbot.waitUntil(lambda: services.connected)
    qtbot.waitUntil(view.offline_banner.isHidden)
    assert not window.offline_label.isVisible()
    stored = office.app.store.get(ticket_id(code))
    assert stored.admitted_door == "Main door"
    assert [
        type(e).__name__ for e in office.app.store.repository.event_store.get(ticket_id(code))
    ].count("Admitted") == 1
    # the window catches up and sells again
    late = office.app.sell_tickets(show, {"Adult": 1}).codes[0]
    window.poll()
    qtbot.waitUntil(lambda: door_model.ticket(services.runner.db(), late) is not None)
    qtbot.waitUntil(lambda: window.sync_label.text() == "Up to date")
    window.show_area("box_office")
    qtbot.waitUntil(box.sell_button.isEnabled)
    assert offline_words() not in box.sell_button.toolTip()
    assert window.app.register_patron("Walk", "In")  # the real store now


def test_with_staff_accounts_it_opens_as_a_door_and_sends_after_a_sign_in(
    open_window, night, qtbot
):
    office, show, ada, (code, _), proxy, start_door = night
    office.app.add_staff("Maria Lopez", "manager", password="manager-pass")
    office.app.sign_in("Maria Lopez", password="manager-pass")
    office.app.add_staff("Sam Usher", "door", password="door-pass")
    catch_up = start_door()  # online: the copy learns that accounts exist
    assert not isinstance(catch_up, ConnectingServices)
    catch_up.runner.catch_up()
    catch_up.close()
    proxy.set_mode(DROP)
    services = start_door()
    assert isinstance(services, ConnectingServices)

    window = open_window(services)
    shown = [key for row, key in enumerate(AREAS) if not window.navigation.item(row).isHidden()]
    assert shown == [DOOR]  # nobody's sign-in can be checked: the door only
    view = window.door_view
    qtbot.waitUntil(lambda: view.performance_id() == show)
    dialog = window.switch_user()  # signing in needs the server: said, and the door stays
    dialog.name_field.setText("Sam Usher")
    dialog.secret_field.setText("door-pass")
    dialog.sign_in()
    settle(qtbot)
    assert dialog.error.text().startswith("No connection to the server.")
    dialog.reject()
    assert window.isVisible() and window.current_area() == DOOR
    scan(qtbot, view, code)
    qtbot.waitUntil(lambda: getattr(view.last_result, "verdict", None) == "admit")

    proxy.set_mode(PASS)
    qtbot.waitUntil(lambda: services.connected)
    # the store takes the door's scans from a signed-in person only: still the door
    shown = [key for row, key in enumerate(AREAS) if not window.navigation.item(row).isHidden()]
    assert shown == [DOOR]
    assert services.door().queue.waiting() == 1
    window.app.sign_in("Sam Usher", password="door-pass")
    window.apply_role()
    qtbot.waitUntil(view.offline_banner.isHidden)
    assert office.app.store.get(ticket_id(code)).admitted_door == "Main door"


@pytest.fixture
def accounts_then_offline(night):
    """Staff accounts exist (the door's copy knows), then the server goes away and the
    workstation starts without it."""
    office, show, ada, codes, proxy, start_door = night
    office.app.add_staff("Maria Lopez", "manager", password="manager-pass")
    office.app.sign_in("Maria Lopez", password="manager-pass")
    catch_up = start_door()  # online: the copy learns that accounts exist
    catch_up.runner.catch_up()
    catch_up.close()
    proxy.set_mode(DROP)
    services = start_door()
    assert isinstance(services, ConnectingServices)
    return services, proxy, show


def role_settings(tmp_path, role: str) -> Settings:
    settings = Settings.for_data_folder(
        tmp_path / "door", QSettings(str(tmp_path / f"{role}.ini"), QSettings.Format.IniFormat)
    )
    settings.set("workstation/role", role)
    return settings


def test_an_office_workstation_asks_who_signs_in_once_when_the_server_answers(
    open_window, accounts_then_offline, tmp_path, qtbot
):
    services, proxy, show = accounts_then_offline
    window = open_window(services, role_settings(tmp_path, "office"))
    assert window.sign_in_offered is None  # nothing to sign in against yet

    proxy.set_mode(PASS)
    qtbot.waitUntil(lambda: window.sign_in_offered is not None, timeout=120_000)
    dialog = window.sign_in_offered
    assert isinstance(dialog, SignInDialog) and dialog.isVisible()
    assert dialog.sign_in_button.isEnabled()  # signing in is how the door gets back online
    dialog.name_field.setText("Maria Lopez")
    dialog.secret_field.setText("manager-pass")
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    shown = [key for row, key in enumerate(AREAS) if not window.navigation.item(row).isHidden()]
    assert len(shown) > 1 and "patrons" in shown  # the office areas, for the manager
    qtbot.waitUntil(lambda: window.online, timeout=120_000)

    # the connection comes and goes: nobody is asked again
    window.app.sign_out()
    window.apply_role()
    proxy.set_mode(DROP)
    window.poll()
    qtbot.waitUntil(lambda: not window.online, timeout=30_000)
    proxy.set_mode(PASS)
    qtbot.waitUntil(lambda: window.online, timeout=120_000)
    assert window.sign_in_offered is dialog
    assert [d for d in window.findChildren(SignInDialog) if d.isVisible()] == []


def test_a_door_workstation_just_goes_on_when_the_server_answers(
    open_window, accounts_then_offline, tmp_path, qtbot
):
    services, proxy, show = accounts_then_offline
    window = open_window(services, role_settings(tmp_path, "door"))
    assert window.current_area() == DOOR
    proxy.set_mode(PASS)
    qtbot.waitUntil(lambda: services.connected, timeout=120_000)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Connected"))
    assert window.sign_in_offered is None
    assert [d for d in window.findChildren(SignInDialog) if d.isVisible()] == []
    assert window.current_area() == DOOR
