"""The window's own reads go through the read service (issue 19): a view asks
``runner.read(permission, reader, ...)``, the application's read service checks the
role in force, and only then does the reader see the read models. A door volunteer's
session cannot read patron data through what a view uses, whatever area is shown."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop.views.door.door_lookup import DoorLookupDialog
from desktop.views.patrons.patron_page import PatronPage
from desktop.views.patrons.patrons import PatronListView
from domain.errors import NotAllowed
from domain.roles import Permission
from projections import all_projections, box_office, patron_directory, patron_search
from projections.runner import ReadModelRunner
from tests.desktop.conftest import schedule


@pytest.fixture
def staffed(services):
    app = services.app
    app.add_staff("Maria", "manager", password="manager-pass")
    app.sign_in("Maria", password="manager-pass")
    app.add_staff("Bob", "box_office", password="box-office-pass")
    app.add_staff("Dee", "door", pin="2468")
    services.runner.catch_up()
    return services


def test_a_door_volunteer_cannot_read_patrons_through_the_views_reads(staffed, qtbot):
    app, runner = staffed.app, staffed.runner
    ada = patron_search.search(runner.db(), "Lovelace")[0]["id"]
    app.sign_in("Dee", pin="2468")

    with pytest.raises(NotAllowed):
        runner.read(Permission.READ_PATRONS, patron_search.search, "Ada")
    patrons = PatronListView(runner)
    qtbot.addWidget(patrons)
    with pytest.raises(NotAllowed):
        patrons.refresh()
    assert patrons.model.rowCount() == 0  # nothing was shown
    page = PatronPage(app, runner)
    qtbot.addWidget(page)
    with pytest.raises(NotAllowed):
        page.show_patron(ada)
    with pytest.raises(NotAllowed):
        runner.read(Permission.READ_TICKETS, box_office.performances)  # a wrong permission too

    # What the door needs still reads: tonight's ticket holders, by name.
    app.sign_in("Maria", password="manager-pass")
    performance = schedule(app, "The Magic Flute", 0.04)
    app.sell_tickets(performance, {"Adult": 1}, patron_id=ada)
    runner.catch_up()
    app.sign_in("Dee", pin="2468")
    lookup = DoorLookupDialog(runner, performance)
    qtbot.addWidget(lookup)
    lookup.search_field.setText("Lovelace")
    lookup.run_search()
    assert lookup.results.count() == 1


def test_the_box_office_reads_patrons_through_the_same_views(staffed, qtbot):
    app, runner = staffed.app, staffed.runner
    app.sign_in("Bob", password="box-office-pass")
    patrons = PatronListView(runner)
    qtbot.addWidget(patrons)
    patrons.refresh()
    assert patrons.model.rowCount() == 4


def test_read_models_without_a_read_service_refuse_every_read(services, tmp_path):
    app = services.app
    bare = ReadModelRunner(app.recorder, app.mapper, tmp_path / "bare.sqlite", all_projections())
    try:
        with pytest.raises(RuntimeError, match="no read service"):
            bare.read(Permission.READ_PATRONS, patron_directory.count)
    finally:
        bare.close()


def test_the_window_of_a_door_volunteer_reads_nothing_it_may_not(open_window, staffed, qtbot):
    from desktop.areas import DOOR, FOLLOW_UPS, PATRONS
    from tests.desktop.test_staff_sign_in import sign_in

    staffed.app.add_duty_slot("Monday", "09:00", "12:00", "phone", name="Bob")
    staffed.runner.catch_up()
    window = open_window(staffed)
    assert window.on_duty.isVisible()  # the manager sees the rota in the status bar
    dialog = sign_in(qtbot, window, "Dee", "2468")
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert window.current_area() == DOOR
    refused = []
    read = staffed.runner.read_service

    def watched(permission, reader, *args):
        try:
            return read(permission, reader, *args)
        except NotAllowed:
            refused.append(permission)
            raise

    staffed.runner.read_service = watched
    window._stale.add(PATRONS)
    window.read_models_changed()  # the status bar, the badge and the area on screen
    # The badge and the hidden areas do not even ask; the rota line asks, is refused by
    # the service, and shows nothing.
    assert refused == [Permission.SEE_STAFF]
    follow_ups = [
        window.navigation.item(i).text()
        for i in range(window.navigation.count())
        if window.navigation.item(i).data(Qt.ItemDataRole.UserRole) == FOLLOW_UPS
    ]
    assert follow_ups and "(" not in follow_ups[0]
    assert not window.on_duty.isVisible()


def test_before_the_shared_store_opens_reads_are_checked_as_for_a_door():
    from domain.recording import RecordingContext
    from infrastructure.late_app import LateApp

    context = RecordingContext(staff="usher", workstation="door-1")
    staffed = LateApp(context, accounts_exist=True)  # nobody's sign-in can be checked yet
    assert staffed.read_models(Permission.SEE_PERFORMANCES, lambda: "shows") == "shows"
    assert staffed.read_models(Permission.DOOR_CHECK, lambda: "holders") == "holders"
    with pytest.raises(NotAllowed, match="Door volunteer"):
        staffed.read_models(Permission.READ_PATRONS, lambda: "patrons")
    open_office = LateApp(context, accounts_exist=False)  # no accounts: a manager, as online
    assert open_office.read_models(Permission.READ_PATRONS, lambda: "patrons") == "patrons"
