"""Every setting declared once, with its default, stored in QSettings.

``declare(key, default, type, description)`` adds to ``SETTINGS``; ``Settings``
reads and writes them with their declared types (QSettings' INI files give back
strings: "1000", "true", so ``get`` converts them).

The Settings screen (``desktop/views/system/settings_page.py``) shows every declared
setting that is not internal, with an editor for its type, so a new setting
needs only its ``declare`` line. Optional arguments: ``hidden=True`` for what
the app keeps for itself (window geometry, hashes; keys holding a hash, a
password, a secret, a salt or a geometry are internal whatever they say),
``minimum``/``maximum`` for a number's range, ``check`` (a value -> a message
saying what is wrong, or "") and ``required`` (a text that must not be empty),
``restart=True`` for what is read only when the app starts, ``choices`` for
a text picked from a list (value -> words shown).
A key whose last part ends in ``folder`` or ``_dir`` gets a folder picker.

Where they are kept: the ``organization/`` settings (name, country, time zone,
currency, whether the first-run assistant was completed) belong to the
organization's data and live in ``organization.ini`` in the data folder, so a
fresh data folder opens on the assistant and ``houselights setup --data DIR``
and the window agree; the name, country, time zone and currency
(``SHARED_ANSWERS``) are also recorded in the store, so every workstation on it
shares them (``desktop/organization_sync.py``); everything else belongs to this
computer's user (QSettings' usual place).
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import tzinfo
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QCoreApplication, QObject, QSettings, Signal

from domain import organization_time
from domain.loyalty import LoyaltyThresholds

#: words in a key that mark what the app keeps for itself, never shown on the screen
INTERNAL_WORDS = ("hash", "password", "secret", "salt", "geometry")
#: the range of a number setting declared without one
DEFAULT_RANGE = (0, 1_000_000)
#: groups kept with the organization's data (the data folder), not per computer user
ORGANIZATION_GROUPS = ("organization",)
#: the file in the data folder holding them
ORGANIZATION_FILE = "organization.ini"


@dataclass(frozen=True)
class Setting:
    key: str
    default: object
    type: type
    description: str
    #: kept by the app for itself (not on the Settings screen)
    hidden: bool = False
    #: a number's smallest and largest value (``DEFAULT_RANGE`` when None)
    minimum: int | None = None
    maximum: int | None = None
    #: a text that must not be left empty
    required: bool = False
    #: value -> what is wrong with it in words (translated), or "" when it is fine
    check: Callable[[object], str] | None = field(default=None, compare=False)
    #: read when Houselights starts: a change takes effect at the next start
    restart: bool = False
    #: the values a text may take, in order, each with a function giving its words
    choices: tuple[tuple[str, Callable[[], str]], ...] = field(default=(), compare=False)

    @property
    def group(self) -> str:
        """The key's first part: ``loyalty`` for ``loyalty/lapsed_months``."""
        return self.key.split("/", 1)[0] if "/" in self.key else ""

    @property
    def internal(self) -> bool:
        """Not for the Settings screen: hidden, bytes, or a key naming a hash or the like."""
        key = self.key.lower()
        return self.hidden or self.type is bytes or any(w in key for w in INTERNAL_WORDS)

    @property
    def is_folder(self) -> bool:
        name = self.key.rsplit("/", 1)[-1].lower()
        return self.type is str and (
            name.endswith("folder") or name.endswith("_dir") or name in ("dir", "directory")
        )

    @property
    def range(self) -> tuple[int, int]:
        low = DEFAULT_RANGE[0] if self.minimum is None else self.minimum
        high = DEFAULT_RANGE[1] if self.maximum is None else self.maximum
        return low, high

    def problem(self, value: Any) -> str:
        """What is wrong with this value for this setting, in words; "" if nothing
        (``value`` may be of any type: one not the setting's is a problem too)."""
        if not _is_a(value, self.type):
            kinds = {int: _tr("a whole number"), bool: _tr("on or off"), str: _tr("text")}
            return _tr("This needs to be {kind}.").format(
                kind=kinds.get(self.type, self.type.__name__)
            )
        if self.type is int:
            low, high = self.range
            if not low <= value <= high:
                return _tr("Choose a number from {low} to {high}.").format(low=low, high=high)
        if self.type is str and self.required and not value.strip():
            return _tr("This cannot be left empty.")
        if self.type is str and self.choices and value not in dict(self.choices):
            return _tr("Choose one of the list.")
        if self.type is str and self.is_folder and value.strip() and not Path(value).is_dir():
            return _tr("There is no folder “{path}”. Choose one with Choose…").format(path=value)
        return self.check(value) if self.check is not None else ""


SETTINGS: dict[str, Setting] = {}


def _tr(text: str) -> str:
    return QCoreApplication.translate("Settings", text)


def declare(
    key: str,
    default: object,
    type: type,
    description: str,
    *,
    hidden: bool = False,
    minimum: int | None = None,
    maximum: int | None = None,
    required: bool = False,
    check: Callable[[object], str] | None = None,
    restart: bool = False,
    choices: tuple = (),
) -> Setting:
    """Declare a setting once, with its default; the default must have its type."""
    if key in SETTINGS:
        raise ValueError(f"setting {key!r} is declared twice")
    if not _is_a(default, type):
        raise TypeError(f"default of {key} is not a {type.__name__}: {default!r}")
    SETTINGS[key] = Setting(
        key,
        default,
        type,
        description,
        hidden,
        minimum,
        maximum,
        required,
        check,
        restart,
        tuple(choices),
    )
    return SETTINGS[key]


def shown_settings() -> list[Setting]:
    """The settings the Settings screen shows, in the order they were declared."""
    return [s for s in SETTINGS.values() if not s.internal]


def time_zone_problem(value: object) -> str:
    """A time zone name such as Europe/London, or empty for this computer's."""
    text = str(value).strip()
    if not text or organization_time.zone_named(text) is not None:
        return ""
    return _tr(
        "“{zone}” is not a time zone. Write it like Europe/London or "
        "America/New_York, or leave it empty for this computer's."
    ).format(zone=text)


def date_order_problem(value: object) -> str:
    """dmy, mdy or ymd."""
    if str(value).strip() in ("dmy", "mdy", "ymd"):
        return ""
    return _tr("Write dmy (day first), mdy (month first) or ymd (year first).")


def _system_date_order() -> str:
    """The order of day and month in this computer's short date format."""
    from PySide6.QtCore import QLocale

    form = QLocale.system().dateFormat(QLocale.FormatType.ShortFormat).lower()
    places = {part: form.find(part) for part in ("d", "m", "y")}
    if min(places.values()) < 0:
        return "mdy"
    order = "".join(sorted(places, key=lambda part: places[part]))
    return order if order in ("dmy", "mdy", "ymd") else "mdy"


def country_problem(value: object) -> str:
    """Two letters naming a country (GB, US, DE), or empty for this computer's."""
    from desktop.formatting import territory

    text = str(value).strip()
    if not text or territory(text) is not None:
        return ""
    return _tr(
        "“{code}” is not a country. Write its two letters, like GB, US or DE, "
        "or leave it empty for this computer's."
    ).format(code=text)


def currency_problem(value: object) -> str:
    """Three letters naming a currency (GBP, USD, EUR), or empty for the country's."""
    from desktop.formatting import known_currency

    text = str(value).strip()
    if not text or known_currency(text):
        return ""
    return _tr(
        "“{code}” is not a currency. Write its three letters, like GBP, USD or EUR, "
        "or leave it empty for the country's."
    ).format(code=text)


def _is_a(value: object, type_: type) -> bool:
    if type_ is int and isinstance(value, bool):  # bool is an int subclass; not here
        return False
    return isinstance(value, type_)


declare("ui/geometry", b"", bytes, "Main window size and position", hidden=True)
declare("ui/last_area", "patrons", str, "The area shown when the app opens", hidden=True)
declare(
    "files/last_folders", "", str, "The folder last used for each kind of file (JSON)", hidden=True
)
declare("door/last_performance", "", str, "The performance last chosen at the door", hidden=True)
declare(
    "projections/poll_interval_ms",
    1000,
    int,
    "How often to look for events from other workstations (milliseconds)",
    minimum=200,
    maximum=60_000,
)
declare(
    "workstation/name",
    socket.gethostname(),
    str,
    "This computer's name on every event",
    required=True,
    restart=True,
)
declare(
    "import/timezone",
    "",
    str,
    "Time zone of dates in sales files (empty: this computer's)",
    check=time_zone_problem,
)
declare(
    "import/date_order",
    _system_date_order(),
    str,
    "How dates like 12/11/2026 are read when a sales file does not show it: dmy (day "
    "first, 12 November), mdy (month first, December 11) or ymd",
    check=date_order_problem,
)
declare(
    "staff/current",
    "office",
    str,
    "The staff member recorded on new events",
    required=True,
    restart=True,
)
declare(
    "organization/name",
    "Our Theatre",
    str,
    "The organization's name printed on tickets",
    required=True,
)
declare(
    "organization/country",
    "",
    str,
    "Country (two letters, e.g. GB): paper size, how dates and amounts are written "
    "(empty: this computer's)",
    check=country_problem,
)
declare(
    "organization/timezone",
    "",
    str,
    "Time zone of the performances (empty: this computer's)",
    check=time_zone_problem,
)
declare(
    "organization/currency",
    "",
    str,
    "Currency (three letters, e.g. GBP; empty: the country's)",
    check=currency_problem,
)
declare(
    "organization/setup_done", False, bool, "The first-run assistant was completed", hidden=True
)
declare(
    "workstation/role",
    "office",
    str,
    "What this computer is for",
    choices=(
        ("office", lambda: _tr("The office (box office, patrons, reports)")),
        ("door", lambda: _tr("A door (checking tickets in)")),
    ),
)
declare(
    "door/name",
    "Main door",
    str,
    "This door's name, recorded on every scan made here",
    required=True,
)
declare(
    "door/scanner_gap_ms",
    30,
    int,
    "Keys closer together than this (milliseconds) come from a barcode scanner",
    minimum=5,
    maximum=500,
)
declare(
    "door/scanner_min_length",
    6,
    int,
    "Fewest characters a scanner burst can have",
    minimum=2,
    maximum=64,
)
declare("door/sounds", True, bool, "Play a sound for each verdict at the door")
declare(
    "door/pin_hash", "", str, "Salted hash of the PIN that leaves volunteer door mode", hidden=True
)
declare(
    "door/mode",
    False,
    bool,
    "Volunteer door mode is on at this workstation (kept across quitting and restarts)",
    hidden=True,
)
declare(
    "door/verdict_seconds",
    6,
    int,
    "Seconds a verdict stays on the door screen before it says Ready to scan again "
    "(0: until the next scan)",
    minimum=0,
    maximum=600,
)
declare(
    "door/follow_hours",
    4,
    int,
    "The door switches to a performance starting within this many hours",
    minimum=0,
    maximum=24,
)
declare(
    "backups/folder", "", str, "Where backups go (empty: the backups folder inside the data folder)"
)
declare("backups/keep", 10, int, "How many automatic backups to keep (the oldest go)")
declare("backups/daily", True, bool, "Back up once a day while Houselights is open")
declare("backups/on_exit", True, bool, "Back up when Houselights is closed")
declare(
    "backups/include_read_models",
    False,
    bool,
    "Also copy the read models (they can be rebuilt; a restore then opens faster)",
)

_LOYALTY = {
    "buyer_purchases": "Orders that make a repeat buyer",
    "multi_buyer_productions": "Different productions bought that make a multi-buyer",
    "advocate_purchases": "Orders an advocate has made besides donating or bringing others",
    "advocate_donations": "Donations that, with enough orders, make an advocate",
    "advocate_subscriptions": "Subscriptions bought (renewals) that make an advocate",
    "advocate_group_orders": "Orders for a group that, with enough orders, make an advocate",
    "group_size": "Tickets in one order that count as bringing others",
    "lapsed_months": "Months without activity after which a patron has lapsed",
    "long_absence_months": "Months since the last visit after which the door says welcome back",
}
_MONTHS = {"lapsed_months", "long_absence_months"}
for _field in fields(LoyaltyThresholds):
    declare(
        f"loyalty/{_field.name}",
        _field.default,
        int,
        _LOYALTY[_field.name],
        minimum=1,
        maximum=240 if _field.name in _MONTHS else 100,
    )


def _convert(setting: Setting, value: Any) -> object:
    if value is None:
        return setting.default
    if setting.type is bool:
        if isinstance(value, str):
            text = value.strip().lower()
            if text in ("true", "1", "yes", "on"):
                return True
            if text in ("false", "0", "no", "off", ""):
                return False
            raise ValueError(value)
        return bool(value)
    if setting.type is int:
        if isinstance(value, float) and not value.is_integer():
            raise ValueError(value)
        return int(value)
    if setting.type is bytes:
        if isinstance(value, QByteArray):
            return bytes(value.data())
        if isinstance(value, bytes | bytearray):
            return bytes(value)
        raise TypeError(value)
    if setting.type is str and isinstance(value, list):  # an unquoted comma in the file
        return ", ".join(str(part) for part in value)
    return setting.type(value)


#: the organization's answers that every workstation on a store shares: setting -> the
#: answer's name in the store (``domain/organization.py``); the rest stays per computer
SHARED_ANSWERS = {
    "organization/name": "name",
    "organization/country": "country",
    "organization/timezone": "timezone",
    "organization/currency": "currency",
}


class Settings(QObject):
    """Typed access to the declared settings; ``changed(key)`` after each set.

    ``organization`` (a QSettings, usually ``organization.ini`` in the data folder:
    see ``for_data_folder``) keeps the ``organization/`` settings; without it they
    live with the rest.

    The organization's answers (``SHARED_ANSWERS``) are the store's: set here, they
    are kept in this computer's copy and handed to ``record_organization`` (all four
    at once, the main window records them in the store); the store's answers come back
    with ``take_shared`` (``desktop/organization_sync.py``).
    """

    changed = Signal(str)
    #: ``(answers) -> None``: records the organization's answers in the store
    record_organization: Callable[[dict[str, str]], None] | None = None

    def __init__(
        self,
        store: QSettings | None = None,
        parent: QObject | None = None,
        organization: QSettings | None = None,
    ):
        super().__init__(parent)
        self.store = store if store is not None else QSettings("Houselights", "Houselights")
        self.organization = organization

    @classmethod
    def for_data_folder(
        cls, data_dir: str | Path, store: QSettings | None = None, parent: QObject | None = None
    ) -> Settings:
        """This user's settings, with the organization's kept in the data folder."""
        return cls(store, parent, organization_store(data_dir))

    def _store_for(self, key: str) -> QSettings:
        if self.organization is not None and SETTINGS[key].group in ORGANIZATION_GROUPS:
            return self.organization
        return self.store

    def is_set(self, key: str) -> bool:
        """Whether a value was ever stored (rather than the default being read)."""
        SETTINGS[key]  # noqa: B018 - unknown keys raise KeyError
        return self._store_for(key).contains(key) or self.store.contains(key)

    def get(self, key: str) -> Any:
        """The stored value with its declared type; the default if unset or unreadable.

        Typed ``Any`` because the type is the key's (``SETTINGS[key].type``), checked
        here when read and by ``set`` when written."""
        setting = SETTINGS[key]
        store = self._store_for(key)
        raw = store.value(key, None)
        if raw is None and store is not self.store:
            raw = self.store.value(key, None)  # kept per user before it moved to the data folder
        try:
            return _convert(setting, raw)
        except (TypeError, ValueError):
            return setting.default

    def set(self, key: str, value: Any) -> None:
        """Store a value of the declared type (TypeError otherwise); emits ``changed``."""
        setting = SETTINGS[key]
        if setting.type is bytes and isinstance(value, QByteArray | bytearray):
            value = bytes(value.data() if isinstance(value, QByteArray) else value)
        if not _is_a(value, setting.type):
            raise TypeError(f"{key} takes {setting.type.__name__}, not {type(value).__name__}")
        store = self._store_for(key)
        store.setValue(key, QByteArray(value) if setting.type is bytes else value)
        store.sync()
        self.changed.emit(key)
        if key in SHARED_ANSWERS:
            self._answered()

    def shared_answers(self) -> dict[str, str]:
        """The organization's answers as this computer has them."""
        return {answer: str(self.get(key)) for key, answer in SHARED_ANSWERS.items()}

    @contextmanager
    def answering(self):
        """Set several of the organization's answers, recorded in the store once at the end."""
        self._answering = getattr(self, "_answering", 0) + 1
        try:
            yield
        finally:
            self._answering -= 1
            if getattr(self, "_unrecorded", False) and not self._answering:
                self._answered()

    def _answered(self) -> None:
        if self.record_organization is None or getattr(self, "_taking", False):
            return
        if getattr(self, "_answering", 0):
            self._unrecorded = True
            return
        self._unrecorded = False
        self.record_organization(self.shared_answers())

    def take_shared(self, answers: dict[str, str]) -> list[str]:
        """The store's answers into this computer's copy (nothing recorded back);
        ``changed`` for each that differs. Returns the keys that changed."""
        changed = []
        self._taking = True
        try:
            for key, answer in SHARED_ANSWERS.items():
                value = str(answers.get(answer) or "")
                if key == "organization/name" and not value:
                    continue
                if value != str(self.get(key)) or (value and not self.is_set(key)):
                    self.set(key, value)
                    changed.append(key)
        finally:
            self._taking = False
        return changed

    def reset(self, key: str) -> None:
        """Back to the declared default; emits ``changed``."""
        SETTINGS[key]  # noqa: B018 - unknown keys raise KeyError
        store = self._store_for(key)
        store.remove(key)
        store.sync()
        self.changed.emit(key)


_active: list[Settings] = []


def use(settings: Settings | None) -> None:
    """Make these the settings read where no settings object is handed down (the ticket's
    organization name); the main window calls it with the data folder's settings."""
    _active[:] = [settings] if settings is not None else []


def active() -> Settings:
    """The settings in use (``use``), else this user's."""
    return _active[0] if _active else Settings()


def organization_store(data_dir: str | Path) -> QSettings:
    """The organization's settings file in a data folder (INI, readable in any editor)."""
    path = Path(data_dir) / ORGANIZATION_FILE
    return QSettings(str(path), QSettings.Format.IniFormat)


def needs_setup(settings: Settings) -> bool:
    """Whether this data folder opens on the first-run assistant: it was never completed
    and nobody named the organization yet (an office that did so before the assistant
    existed is not asked again)."""
    return not settings.get("organization/setup_done") and not settings.is_set("organization/name")


def loyalty_thresholds(settings: Settings | None) -> LoyaltyThresholds:
    """The loyalty ladder's thresholds as this office set them (defaults without settings)."""
    if settings is None:
        return LoyaltyThresholds()
    return LoyaltyThresholds(
        **{f.name: settings.get(f"loyalty/{f.name}") for f in fields(LoyaltyThresholds)}
    )


def setting(settings: Settings | None, key: str) -> Any:
    """A setting's value, or its declared default when there are no settings (tests)."""
    return SETTINGS[key].default if settings is None else settings.get(key)


def organization_zone(settings) -> tzinfo | None:
    """The organization's time zone (``organization/timezone``), or None for this
    computer's: the rota and the support report count hours in it."""
    return organization_time.zone_named(str(settings.get("organization/timezone") or ""))
