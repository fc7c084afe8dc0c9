"""The organization's answers shared through the store (issue 22): two workstations on
one PostgreSQL store see the same name, country, time zone and currency; what each
computer is for stays its own; an ``organization.ini`` from before is migrated once."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QSettings

from desktop import formatting
from desktop.app import show_window
from desktop.cli import main
from desktop.settings import Settings, needs_setup
from desktop.ticket_design import tickets_from
from domain.errors import InvalidInput, NotAllowed
from domain.organization import OrganizationAnswers
from infrastructure.bootstrap import bootstrap
from infrastructure.config import resolve
from projections import organization

TICKET = dict(
    code="3E4EEGH663XJ",
    title="Tosca",
    starts_at="2026-11-21T19:30:00+00:00",
    venue="Main Hall",
    price_level="Adult",
    price_cents=4550,
    patron_name="",
    order_id="",
)


def organization_events(services) -> list[str]:
    from domain.organization import Organization

    if services.app.organization.organization_answers() is None:
        return []
    return [type(e).__qualname__ for e in services.app.store.events.get(Organization.ID)]


@pytest.fixture
def user_settings(tmp_path):
    def make(name: str) -> QSettings:
        return QSettings(str(tmp_path / f"{name}-user.ini"), QSettings.Format.IniFormat)

    return make


def open_window(services, settings, qtbot):
    window = show_window(services, settings)
    qtbot.addWidget(window)
    qtbot.waitExposed(window)
    return window


# -- the rules ----------------------------------------------------------------------------
def test_the_answers_are_recorded_once_and_again_only_when_they_change(tmp_path):
    services = bootstrap(resolve(tmp_path / "data"), staff="maria", workstation="office-1")
    try:
        app = services.app
        assert app.organization.organization_answers() is None
        answers = app.organization.configure_organization(
            " Lantern  Theatre ", "ie", "Europe/Dublin", "eur"
        )
        assert answers == OrganizationAnswers("Lantern Theatre", "IE", "Europe/Dublin", "EUR")
        assert list(answers.to_json().items()) == [
            ("name", "Lantern Theatre"),
            ("country", "IE"),
            ("timezone", "Europe/Dublin"),
            ("currency", "EUR"),
        ]
        app.organization.configure_organization("Lantern Theatre", "IE", "Europe/Dublin", "EUR")
        app.organization.configure_organization("Lantern Theatre", "IE", "Europe/Dublin", "GBP")
        assert organization_events(services) == [
            "Organization.Configured",
            "Organization.Changed",
        ]  # the same answers again recorded nothing
        services.runner.catch_up()
        profile = organization.profile(services.runner.db())
        assert profile["currency"] == "GBP" and profile["recorded_by"] == "maria"
        with pytest.raises(InvalidInput) as refused:
            app.organization.configure_organization("", "Ireland", "Mars/Base", "euro")
        assert set(refused.value.by_field()) == {"name", "country", "timezone", "currency"}
        # a store with answers keeps them: an older workstation's file does not win
        assert app.organization.adopt_organization("Old name", "GB", "", "GBP") is False
        assert app.organization.organization_answers().name == "Lantern Theatre"
    finally:
        services.close()


def test_only_a_manager_changes_the_organizations_answers(tmp_path):
    services = bootstrap(resolve(tmp_path / "data"), staff="maria", workstation="office-1")
    try:
        app = services.app
        app.add_staff("Maria", "manager", password="correct horse 1")
        app.sign_in("Maria", password="correct horse 1")
        app.add_staff("Dee", "door", pin="4821")
        app.sign_in("Dee", pin="4821")
        with pytest.raises(NotAllowed):
            app.organization.configure_organization("Lantern Theatre", "GB", "", "GBP")
        assert app.organization.organization_answers() is None
    finally:
        services.close()


# -- two workstations on one PostgreSQL store -------------------------------------------------
def test_a_second_workstation_sees_the_first_ones_answers(
    postgres_db, tmp_path, capsys, qtbot, user_settings
):
    first, second = tmp_path / "office", tmp_path / "door"
    assert (
        main(
            [
                "--data",
                str(first),
                "--store",
                postgres_db,
                "setup",
                "--organization",
                "Lantern Theatre",
                "--timezone",
                "Europe/Dublin",
                "--currency",
                "EUR",
                "--country",
                "IE",
            ]
        )
        == 0
    )
    capsys.readouterr()

    # the other computer's command line knows the name without ever being set up
    assert needs_setup(Settings.for_data_folder(second, user_settings("door")))
    assert main(["--data", str(second), "--store", postgres_db, "status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["organization"] == "Lantern Theatre"
    assert main(["--data", str(second), "--store", postgres_db, "performances"]) == 0
    capsys.readouterr()

    # its window does not ask again, prints the name, writes euros; it is a door
    door = bootstrap(resolve(second, store=postgres_db), staff="dee", workstation="door-1")
    office = bootstrap(resolve(first, store=postgres_db), staff="maria", workstation="office-1")
    try:
        door_settings = Settings.for_data_folder(second, user_settings("door"))
        door_settings.set("workstation/role", "door")
        door_settings.set("door/name", "Balcony")
        door_window = open_window(door, door_settings, qtbot)
        assert door_window.setup_assistant is None
        assert door_settings.get("organization/currency") == "EUR"
        assert tickets_from([TICKET])[0].organization == "Lantern Theatre"
        assert formatting.money(4550) == "€45.50"

        # the office changes the currency on its Settings screen: the door follows
        office_settings = Settings.for_data_folder(first, user_settings("office"))
        office_window = open_window(office, office_settings, qtbot)
        office_settings.set("organization/currency", "GBP")
        qtbot.waitUntil(lambda: office_window.writer.pending == 0)
        assert office.app.organization.organization_answers().currency == "GBP"
        door_window.poll()
        qtbot.waitUntil(lambda: door_settings.get("organization/currency") == "GBP")
        # what each computer is for stays its own
        assert door_settings.get("workstation/role") == "door"
        assert door_settings.get("door/name") == "Balcony"
        assert office_settings.get("workstation/role") == "office"
        door_window.close()
        office_window.close()
    finally:
        door.close()
        office.close()


def test_an_organization_ini_from_before_is_migrated_once(
    postgres_db, tmp_path, qtbot, user_settings
):
    data = tmp_path / "office"
    config = resolve(data, store=postgres_db)
    services = bootstrap(config, staff="maria", workstation="office-1")
    try:
        before = Settings.for_data_folder(data, user_settings("office"))
        with before.answering():  # an organization.ini of a version that kept it locally
            for key, value in (
                ("organization/name", "Riverside Opera"),
                ("organization/country", "GB"),
                ("organization/timezone", "Europe/London"),
                ("organization/currency", "GBP"),
            ):
                before.set(key, value)
        assert services.app.organization.organization_answers() is None

        window = open_window(services, Settings.for_data_folder(data, user_settings("o")), qtbot)
        assert services.app.organization.organization_answers() == OrganizationAnswers(
            "Riverside Opera", "GB", "Europe/London", "GBP"
        )
        window.close()
        window = open_window(services, Settings.for_data_folder(data, user_settings("o")), qtbot)
        window.close()
        assert organization_events(services) == ["Organization.Configured"]  # once
    finally:
        services.close()
    # a second workstation on the store takes them, its own older file notwithstanding
    other = tmp_path / "door"
    stale = Settings.for_data_folder(other, user_settings("door"))
    stale.set("organization/name", "Our Theatre Company")
    services = bootstrap(resolve(other, store=postgres_db), staff="dee", workstation="door-1")
    try:
        window = open_window(services, stale, qtbot)
        assert stale.get("organization/name") == "Riverside Opera"
        window.close()
        assert organization_events(services) == ["Organization.Configured"]
    finally:
        services.close()
