"""The first-run assistant: what a new office is asked once, one step at a time.

A fresh data folder opens on it (``needs_setup`` in ``desktop/settings.py``); it is
also on the Settings screen. It asks for the organization's name, its country
(which sets the paper size and how dates and amounts are written), time zone and
currency; what this computer is for (the office, or a door and the door's name);
an optional first manager account; and how to start: empty, with the demo
organization, or with a first online-sales file. The answers are stored as
settings; the start is done by the main window (``chosen_start``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import available_timezones

from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from desktop import formatting
from desktop.file_dialogs import open_file_name
from desktop.server_connection import needs_server, refused_offline
from desktop.settings import SETTINGS, Settings
from desktop.views.forms import submit_action
from desktop.views.widgets import error_label, show_error

EMPTY, DEMO, IMPORT = "empty", "demo", "import"
OFFICE, DOOR = "office", "door"
SAMPLE_MOMENT = datetime(2026, 11, 21, 19, 30, tzinfo=UTC)


def countries() -> list[tuple[str, str]]:
    """(name, two-letter code) of every country Qt knows, by name."""
    found: dict[str, str] = {}
    for each in QLocale.matchingLocales(
        QLocale.Language.AnyLanguage, QLocale.Script.AnyScript, QLocale.Country.AnyTerritory
    ):
        code = QLocale.territoryToCode(each.territory())
        if len(code) == 2 and code.isalpha() and code not in found.values():
            found[QLocale.territoryToString(each.territory())] = code
    return sorted(found.items())


def local_zone_name() -> str:
    """This computer's zone: the assistant's suggestion until the organization says its own
    (truly about this computer; every later "today" follows the organization's answer)."""
    zone = datetime.now().astimezone().tzinfo
    key = getattr(zone, "key", "")
    if key:
        return key
    from PySide6.QtCore import QTimeZone

    return bytes(QTimeZone.systemTimeZoneId().data()).decode() or "UTC"


class OrganizationPage(QWizardPage):
    def __init__(self, settings: Settings, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(self.tr("Your organization"))
        self.setSubTitle(
            self.tr(
                "The name goes on every ticket. The country sets the paper size and how dates "
                "and amounts are written."
            )
        )
        self.name = QLineEdit(self)
        self.name.setObjectName("organizationName")
        self.name.setPlaceholderText(self.tr("e.g. Lantern Theatre"))
        if settings.is_set("organization/name"):
            self.name.setText(str(settings.get("organization/name")))
        self.country = QComboBox(self)
        self.country.setObjectName("country")
        for name, code in countries():
            self.country.addItem(f"{name} ({code})", code)
        chosen = str(settings.get("organization/country")) or formatting.country_code()
        self.country.setCurrentIndex(max(0, self.country.findData(chosen)))
        self.timezone = QComboBox(self)
        self.timezone.setObjectName("timezone")
        self.timezone.setEditable(True)
        self.timezone.addItems(sorted(available_timezones()))
        zone = str(settings.get("organization/timezone")) or local_zone_name()
        self.timezone.setCurrentText(zone)
        self.currency = QComboBox(self)
        self.currency.setObjectName("currency")
        self.currency.setEditable(True)
        self.currency.addItems(sorted(formatting._currency_symbols()))
        self.currency.setCurrentText(
            str(settings.get("organization/currency")) or self._country_currency()
        )
        self.example = QLabel(self)
        self.example.setObjectName("muted")
        self.example.setWordWrap(True)
        self.error = error_label(self)
        form = QFormLayout(self)
        form.addRow(self.tr("Organization's name"), self.name)
        form.addRow(self.tr("Country"), self.country)
        form.addRow(self.tr("Time zone"), self.timezone)
        form.addRow(self.tr("Currency"), self.currency)
        form.addRow("", self.example)
        form.addRow("", self.error)
        self.country.currentIndexChanged.connect(self._country_changed)
        self.currency.currentTextChanged.connect(self._show_example)
        self.timezone.currentTextChanged.connect(self._show_example)
        self.name.textChanged.connect(self.completeChanged)
        self._show_example()

    def _country_currency(self) -> str:
        place = formatting.territory(self.country.currentData() or "")
        if place is None:
            return formatting.currency_code()
        return QLocale(QLocale.Language.AnyLanguage, place).currencySymbol(
            QLocale.CurrencySymbolFormat.CurrencyIsoCode
        )

    def _country_changed(self) -> None:
        self.currency.setCurrentText(self._country_currency())
        self._show_example()

    def answers(self) -> dict[str, str]:
        return {
            "organization/name": self.name.text().strip(),
            "organization/country": self.country.currentData() or "",
            "organization/timezone": self.timezone.currentText().strip(),
            "organization/currency": self.currency.currentText().strip().upper(),
        }

    def problems(self) -> list[str]:
        return [
            text for key, value in self.answers().items() if (text := SETTINGS[key].problem(value))
        ]

    def _show_example(self) -> None:
        answers = self.answers()
        saved = formatting.conventions()
        if not self.problems():
            formatting.configure(
                answers["organization/country"],
                answers["organization/currency"],
                answers["organization/timezone"],
            )
            self.example.setText(
                self.tr(
                    "Dates and amounts will look like this: {moment} · {amount} · {paper} paper"
                ).format(
                    moment=formatting.moment(SAMPLE_MOMENT),
                    amount=formatting.money(123450),
                    paper=formatting.paper_size(),
                )
            )
            formatting.configure(saved.country, saved.currency, saved.timezone)
        show_error(self.error, "")

    def isComplete(self) -> bool:
        return bool(self.name.text().strip())

    def validatePage(self) -> bool:
        problems = self.problems()
        show_error(self.error, "\n".join(problems))
        return not problems


class WorkstationPage(QWizardPage):
    def __init__(self, settings: Settings, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(self.tr("This computer"))
        self.setSubTitle(
            self.tr(
                "A computer at a door opens on the door check; one in the office on the patrons."
            )
        )
        self.office = QRadioButton(self.tr("The office: box office, patrons, reports"), self)
        self.door = QRadioButton(self.tr("A door: checking tickets in with a scanner"), self)
        self.group = QButtonGroup(self)
        self.group.addButton(self.office)
        self.group.addButton(self.door)
        (self.door if settings.get("workstation/role") == DOOR else self.office).setChecked(True)
        self.door_name = QLineEdit(str(settings.get("door/name")), self)
        self.door_name.setObjectName("doorName")
        self.door_label = QLabel(self.tr("Name of this door"), self)
        self.door_label.setBuddy(self.door_name)
        self.error = error_label(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.office)
        layout.addWidget(self.door)
        row = QHBoxLayout()
        row.addSpacing(24)
        row.addWidget(self.door_label)
        row.addWidget(self.door_name, 1)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.door.toggled.connect(self._role_changed)
        self._role_changed()

    def role(self) -> str:
        return DOOR if self.door.isChecked() else OFFICE

    def _role_changed(self) -> None:
        self.door_name.setEnabled(self.door.isChecked())
        self.door_label.setEnabled(self.door.isChecked())

    def validatePage(self) -> bool:
        if self.role() == DOOR and not self.door_name.text().strip():
            show_error(self.error, self.tr("Give this door a name, like Main door or Balcony."))
            return False
        show_error(self.error, "")
        return True


class ManagerPage(QWizardPage):
    """An optional first manager account (only while the store has no accounts)."""

    def __init__(self, app, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.setTitle(self.tr("A manager's account (you can skip this)"))
        self.setSubTitle(
            self.tr(
                "Without accounts everyone using this computer may do everything. With a "
                "manager's account, people sign in and a door volunteer sees only the door."
            )
        )
        self.name = QLineEdit(self)
        self.name.setObjectName("managerName")
        self.name.setPlaceholderText(self.tr("Leave empty to skip"))
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit(self)
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = error_label(self)
        form = QFormLayout(self)
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Password"), self.password)
        form.addRow(self.tr("Password again"), self.repeat)
        form.addRow("", self.error)
        self.created = ""

    def validatePage(self) -> bool:
        name = self.name.text().strip()
        if not name or self.created:
            return True
        if self.password.text() != self.repeat.text():
            show_error(self.error, self.tr("The two passwords are not the same."))
            return False
        if not self.password.text():
            show_error(self.error, self.tr("A manager's account needs a password."))
            return False
        # The account is made on the writer worker (hashing a password takes a moment);
        # the assistant goes on to the next page once it is recorded.
        app, password = self.app, self.password.text()

        def create() -> str:
            app.add_staff(name, "manager", password=password)
            app.sign_in(name, password=password)
            return name

        wizard = self.wizard()
        submit_action(
            wizard or self,
            create,
            self._created,
            self.error,  # a name or password the service refuses
            busy=[wizard.button(QWizard.WizardButton.NextButton)] if wizard else [],
            busy_text=self.tr("Creating…"),
        )
        return False

    def _created(self, name: str) -> None:
        self.created = name
        show_error(self.error, "")
        if self.wizard() is not None:
            self.wizard().next()


class StartPage(QWizardPage):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(self.tr("How to start"))
        self.setSubTitle(self.tr("You can import sales or add patrons at any time later."))
        self.empty = QRadioButton(self.tr("With an empty organization"), self)
        self.demo = QRadioButton(
            self.tr("With the demo organization, to try things out (made-up patrons and shows)"),
            self,
        )
        self.sales = QRadioButton(self.tr("By importing a first online-sales file"), self)
        self.empty.setChecked(True)
        self.file = QLineEdit(self)
        self.file.setObjectName("salesFile")
        self.file.setPlaceholderText(self.tr("No file chosen"))
        self.choose = QPushButton(self.tr("Choose…"), self)
        self.choose.clicked.connect(self.choose_file)
        self.error = error_label(self)
        layout = QVBoxLayout(self)
        for button in (self.empty, self.demo, self.sales):
            layout.addWidget(button)
        row = QHBoxLayout()
        row.addSpacing(24)
        row.addWidget(self.file, 1)
        row.addWidget(self.choose)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addStretch(1)

    def choose_file(self) -> None:
        path = open_file_name(
            self,
            "sales",
            self.tr("Choose an online-sales file"),
            self.tr("Sales files (*.csv *.txt *.xlsx);;All files (*)"),
        )
        if path:
            self.file.setText(path)
            self.sales.setChecked(True)

    def start(self) -> tuple[str, str]:
        if self.demo.isChecked():
            return DEMO, ""
        if self.sales.isChecked():
            return IMPORT, self.file.text().strip()
        return EMPTY, ""

    def validatePage(self) -> bool:
        kind, path = self.start()
        if kind == IMPORT and not Path(path).is_file():
            show_error(self.error, self.tr("Choose the sales file to import (Choose…)."))
            return False
        show_error(self.error, "")
        return True


class SetupAssistant(QWizard):
    """Ask, then ``save()`` on Finish; ``chosen_start`` says how to begin."""

    def __init__(self, app, settings: Settings, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("setupAssistant")
        self.app = app
        self.settings = settings
        self.setWindowTitle(self.tr("Welcome to Houselights"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.organization = OrganizationPage(settings, self)
        self.workstation = WorkstationPage(settings, self)
        self.manager = ManagerPage(app, self)
        self.start_page = StartPage(self)
        self.addPage(self.organization)
        self.addPage(self.workstation)
        if not app.accounts_exist():
            self.addPage(self.manager)
        self.addPage(self.start_page)
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("Start"))
        # Start saves the organization's answers on the server: an assistant left open
        # when the network goes waits for it (Cancel still closes it; nothing is lost)
        needs_server(self.button(QWizard.WizardButton.FinishButton))
        self.chosen_start: tuple[str, str] = (EMPTY, "")
        self.resize(720, 520)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)

    def accept(self) -> None:
        if refused_offline(self.start_page.setSubTitle):  # saved only when it answers
            return
        self.save()
        super().accept()

    def save(self) -> None:
        with self.settings.answering():  # recorded in the store once, all together
            for key, value in self.organization.answers().items():
                self.settings.set(key, value)
        self.settings.set("workstation/role", self.workstation.role())
        if self.workstation.role() == DOOR:
            self.settings.set("door/name", self.workstation.door_name.text().strip())
        self.settings.set("organization/setup_done", True)
        self.chosen_start = self.start_page.start()
