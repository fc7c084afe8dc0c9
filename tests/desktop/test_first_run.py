"""A new office's first morning (issue 22): a fresh data folder opens on the first-run
assistant, whose answers name the organization on its tickets, set how dates and
amounts are written, and say what this computer is for; ``houselights setup`` does
the same from the command line."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtWidgets import QWizard

from desktop import file_dialogs, formatting
from desktop.app import show_window
from desktop.cli import main
from desktop.main_window import DOOR, PATRONS
from desktop.settings import Settings, needs_setup
from desktop.ticket_design import tickets_from
from desktop.ticket_printing import render_tickets_pdf
from desktop.views.system.setup_assistant import DEMO, EMPTY, IMPORT, SetupAssistant
from infrastructure.bootstrap import bootstrap
from infrastructure.config import resolve
from tests.desktop.conftest import settle
from tests.poppler import needs_poppler, pdf_text

SAMPLE_TICKET = dict(
    code="3E4EEGH663XJ",
    title="The Marriage of Figaro",
    starts_at="2026-11-21T19:30:00+00:00",
    venue="Main Hall",
    price_level="Adult",
    price_cents=4550,
    patron_name="Ada Lovelace",
    order_id="8c1f2a3b-1111-2222-3333-444455556666",
)


@pytest.fixture
def data(tmp_path):
    return tmp_path / "office"


@pytest.fixture
def user_settings(tmp_path):
    """This computer user's settings, in a file of the test's own."""
    return QSettings(str(tmp_path / "user.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def fresh(data, user_settings):
    services = bootstrap(resolve(data), staff="office", workstation="front-desk")
    yield services, Settings.for_data_folder(data, user_settings)
    services.close()


def open_on(services, settings, qtbot):
    window = show_window(services, settings)
    qtbot.addWidget(window)
    qtbot.waitExposed(window)
    return window


def click(qtbot, button) -> None:
    """Click a radio button on its round box (its middle may be empty room right of the text)."""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))


def next_page(assistant: SetupAssistant, qtbot) -> None:
    before = assistant.currentId()
    qtbot.mouseClick(assistant.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert assistant.currentId() != before, "the assistant stayed on its page"


def finish(assistant: SetupAssistant, qtbot) -> None:
    with qtbot.waitSignal(assistant.finished):
        qtbot.mouseClick(
            assistant.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton
        )


def fill_organization(assistant: SetupAssistant, qtbot, name: str, country: str, zone: str):
    page = assistant.organization
    page.name.clear()
    qtbot.keyClicks(page.name, name)
    page.country.setCurrentIndex(page.country.findData(country))
    page.timezone.setCurrentText(zone)


def test_a_fresh_data_folder_opens_on_the_assistant_and_its_answers_are_kept(fresh, qtbot):
    services, settings = fresh
    assert needs_setup(settings)
    window = open_on(services, settings, qtbot)
    assistant = window.setup_assistant
    assert assistant is not None and assistant.isVisible()
    assert assistant.button(QWizard.WizardButton.NextButton).isEnabled() is False  # no name yet

    fill_organization(assistant, qtbot, "Lantern Theatre", "GB", "Europe/London")
    assert assistant.organization.currency.currentText() == "GBP"  # the country's currency
    assert "£1,234.50" in assistant.organization.example.text()
    assert "A4" in assistant.organization.example.text()
    next_page(assistant, qtbot)
    click(qtbot, assistant.workstation.door)
    assistant.workstation.door_name.clear()
    qtbot.keyClicks(assistant.workstation.door_name, "Balcony")
    next_page(assistant, qtbot)
    assert assistant.currentPage() is assistant.manager
    next_page(assistant, qtbot)  # no manager's account: skipped
    assert assistant.start_page.start() == (EMPTY, "")
    finish(assistant, qtbot)

    assert window.setup_assistant is None
    assert settings.get("organization/name") == "Lantern Theatre"
    assert settings.get("organization/country") == "GB"
    assert settings.get("organization/timezone") == "Europe/London"
    assert settings.get("organization/currency") == "GBP"
    assert settings.get("workstation/role") == "door"
    assert settings.get("door/name") == "Balcony"
    assert not needs_setup(settings)
    assert not services.app.accounts_exist()
    assert window.current_area() == DOOR
    assert window.door_view.door_field.text() == "Balcony"
    # the organization's name is kept in the data folder, where every tool reads it
    assert "Lantern Theatre" in (services.config.data_dir / "organization.ini").read_text()
    # amounts, dates and tickets follow at once
    assert formatting.money(123450) == "£1,234.50"
    assert formatting.moment("2026-07-01T18:30:00+00:00") == "Wed 1 Jul 2026, 19:30"
    assert tickets_from([SAMPLE_TICKET])[0].organization == "Lantern Theatre"


def test_the_second_start_goes_straight_to_the_window(fresh, qtbot, user_settings, data):
    services, settings = fresh
    settings.set("organization/name", "Lantern Theatre")
    settings.set("organization/setup_done", True)
    window = open_on(services, Settings.for_data_folder(data, user_settings), qtbot)
    assert window.setup_assistant is None
    assert window.current_area() == PATRONS


def test_an_office_that_named_itself_before_the_assistant_is_not_asked(data, user_settings):
    user_settings.setValue("organization/name", "Riverside Opera")  # kept per user, before
    settings = Settings.for_data_folder(data, user_settings)
    assert not needs_setup(settings)
    assert settings.get("organization/name") == "Riverside Opera"


def test_the_assistant_refuses_what_is_not_a_time_zone_and_saves_nothing(fresh, qtbot):
    services, settings = fresh
    window = open_on(services, settings, qtbot)
    assistant = window.setup_assistant
    fill_organization(assistant, qtbot, "Lantern Theatre", "GB", "Europe/Londn")
    qtbot.mouseClick(assistant.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    assert assistant.currentPage() is assistant.organization
    assert "is not a time zone" in assistant.organization.error.text()
    assert not settings.is_set("organization/name")


def test_a_first_manager_account_is_made_and_signed_in(fresh, qtbot):
    services, settings = fresh
    window = open_on(services, settings, qtbot)
    assistant = window.setup_assistant
    fill_organization(assistant, qtbot, "Lantern Theatre", "US", "America/New_York")
    assert assistant.organization.currency.currentText() == "USD"
    assert "Letter" in assistant.organization.example.text()
    next_page(assistant, qtbot)
    next_page(assistant, qtbot)
    manager = assistant.manager
    qtbot.keyClicks(manager.name, "Dee")
    qtbot.keyClicks(manager.password, "curtain up 7")
    qtbot.keyClicks(manager.repeat, "curtain up 8")
    qtbot.mouseClick(assistant.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    assert assistant.currentPage() is manager
    assert "not the same" in manager.error.text()
    manager.repeat.clear()
    qtbot.keyClicks(manager.repeat, "curtain up 7")
    next_page(assistant, qtbot)
    finish(assistant, qtbot)
    assert services.app.accounts_exist()
    assert services.app.signed_in().name == "Dee"
    assert services.app.current_role() == "manager"
    assert formatting.money(-550) == "-$5.50"
    assert formatting.date("2026-11-21T19:30:00+00:00") == "Nov 21, 2026"


def test_starting_with_a_sales_file_opens_the_import_on_it(fresh, qtbot, tmp_path):
    services, settings = fresh
    sales = tmp_path / "first-sales.csv"
    sales.write_text(
        "order_id,order_date,first_name,last_name,email,event_name,event_date,ticket_type,"
        "price,quantity,barcode\nWEB-1,2026-11-02 18:12,Lena,Okafor,lena@example.com,Gala,"
        "2026-12-19 19:30,Adult,42.00,1,GALA1\n",
        encoding="utf-8",
    )
    window = open_on(services, settings, qtbot)
    assistant = window.setup_assistant
    fill_organization(assistant, qtbot, "Lantern Theatre", "GB", "Europe/London")
    next_page(assistant, qtbot)
    next_page(assistant, qtbot)
    next_page(assistant, qtbot)
    start = assistant.start_page
    click(qtbot, start.sales)
    qtbot.mouseClick(assistant.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    assert "Choose the sales file" in start.error.text()  # no file yet: not finished
    start.file.setText(str(sales))
    assert start.start() == (IMPORT, str(sales))
    finish(assistant, qtbot)
    dialog = window.import_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: not dialog.busy and dialog.sales is not None)
    assert dialog.path_field.text() == str(sales)


def test_the_demo_start_fills_the_organization_in_the_background(fresh, qtbot, monkeypatch):
    from demo import organization as demo

    services, settings = fresh
    made = []
    real = demo.generate
    monkeypatch.setattr(
        demo,
        "generate",
        lambda app, patrons, **kw: made.append((patrons, kw.get("zone"))) or real(app, 12, **kw),
    )
    window = open_on(services, settings, qtbot)
    assistant = window.setup_assistant
    fill_organization(assistant, qtbot, "Lantern Theatre", "GB", "Europe/London")
    for _ in range(3):
        next_page(assistant, qtbot)
    click(qtbot, assistant.start_page.demo)
    assert assistant.start_page.start() == (DEMO, "")
    finish(assistant, qtbot)
    qtbot.waitUntil(lambda: window.patron_list.model.rowCount() >= 12, timeout=30_000)
    assert made == [(400, ZoneInfo("Europe/London"))]  # on the theatre's clock


def test_the_assistant_is_on_the_settings_screen(fresh, qtbot):
    services, settings = fresh
    settings.set("organization/name", "Lantern Theatre")
    window = open_on(services, settings, qtbot)
    assert window.setup_assistant is None
    window.show_area("settings")
    qtbot.mouseClick(window.settings_page.assistant_button, Qt.MouseButton.LeftButton)
    assistant = window.setup_assistant
    assert assistant is not None and assistant.isVisible()
    assert assistant.organization.name.text() == "Lantern Theatre"


# -- the command line ------------------------------------------------------------------
def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@needs_poppler
def test_setup_on_the_command_line_then_status_and_a_ticket_carry_the_name(
    capsys, data, qtbot, user_settings
):
    code, out, err = run(
        capsys,
        "--data",
        str(data),
        "setup",
        "--organization",
        "Lantern Theatre",
        "--timezone",
        "Europe/London",
        "--currency",
        "GBP",
        "--json",
    )
    assert code == 0, err
    made = json.loads(out)
    assert made["organization"] == "Lantern Theatre"
    assert made["country"] == "GB"  # the currency's country, as none was given
    assert made["paper"] == "A4" and made["example_amount"] == "£1,234.50"

    code, out, _ = run(capsys, "--data", str(data), "status", "--json")
    status = json.loads(out)
    assert code == 0 and status["organization"] == "Lantern Theatre"
    assert status["organization_set_up"] is True

    # the window on that folder skips the assistant and prints the name on tickets
    services = bootstrap(resolve(data), staff="office", workstation="front-desk")
    try:
        window = open_on(services, Settings.for_data_folder(data, user_settings), qtbot)
        assert window.setup_assistant is None
        assert tickets_from([SAMPLE_TICKET])[0].organization == "Lantern Theatre"
        # and the printed ticket (the PDF the box office saves) carries it
        pdf = render_tickets_pdf([SAMPLE_TICKET], data / "ticket.pdf", "ticket")
        text = pdf_text(pdf)
        assert "LANTERN THEATRE" in text
        assert "£45.50" in text  # in the organization's currency
        window.close()
    finally:
        services.close()


def test_setup_refuses_bad_answers_with_reasons_and_saves_nothing(capsys, data):
    code, _, err = run(
        capsys,
        "--data",
        str(data),
        "setup",
        "--organization",
        "Lantern",
        "--timezone",
        "Europe/Londn",
        "--currency",
        "GPB",
        "--country",
        "UK",
    )
    assert code == 2
    assert "“Europe/Londn” is not a time zone" in err
    assert "“GPB” is not a currency" in err
    assert "“UK” is not a country" in err
    assert "nothing was saved" in err
    assert not (data / "organization.ini").exists()
    code, out, _ = run(capsys, "--data", str(data), "status", "--json")
    assert json.loads(out)["organization_set_up"] is False


# -- file dialogs -----------------------------------------------------------------------
def test_file_dialogs_open_in_documents_then_in_the_last_folder_used(
    monkeypatch, tmp_path, fresh, qtbot
):
    from PySide6.QtWidgets import QFileDialog

    asked = []

    def fake_open(parent, title, folder, filters):
        asked.append(folder)
        return str(tmp_path / "exports" / "sales.csv"), ""

    (tmp_path / "exports").mkdir()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(fake_open))
    services, settings = fresh
    settings.set("organization/name", "Lantern Theatre")
    window = open_on(services, settings, qtbot)
    dialog = window.import_sales()
    dialog.choose_file()
    assert asked[0] == str(file_dialogs.documents())
    dialog.choose_file()
    assert asked[1] == str(tmp_path / "exports")  # the folder the last sales file came from
    # and it is remembered for the next start
    assert str(tmp_path / "exports") in str(settings.get("files/last_folders"))
