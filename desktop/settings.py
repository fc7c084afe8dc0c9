"""Every setting declared once, with its default, stored in QSettings.

``declare(key, default, type, description)`` adds to ``SETTINGS``; ``Settings``
reads and writes them with their declared types (QSettings' INI files give back
strings: "1000", "true", so ``get`` converts them).
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, fields

from PySide6.QtCore import QByteArray, QObject, QSettings, Signal

from domain.loyalty import LoyaltyThresholds


@dataclass(frozen=True)
class Setting:
    key: str
    default: object
    type: type
    description: str


SETTINGS: dict[str, Setting] = {}


def declare(key: str, default: object, type: type, description: str) -> Setting:
    """Declare a setting once, with its default; the default must have its type."""
    if key in SETTINGS:
        raise ValueError(f"setting {key!r} is declared twice")
    if not _is_a(default, type):
        raise TypeError(f"default of {key} is not a {type.__name__}: {default!r}")
    SETTINGS[key] = Setting(key, default, type, description)
    return SETTINGS[key]


def _is_a(value: object, type_: type) -> bool:
    if type_ is int and isinstance(value, bool):  # bool is an int subclass; not here
        return False
    return isinstance(value, type_)


declare("ui/geometry", b"", bytes, "Main window size and position")
declare("ui/last_area", "patrons", str, "The area shown when the app opens")
declare("door/last_performance", "", str, "The performance last chosen at the door")
declare("projections/poll_interval_ms", 1000, int, "How often to look for events from elsewhere")
declare("workstation/name", socket.gethostname(), str, "This computer's name on every event")
declare("import/timezone", "", str, "Time zone of dates in sales files (empty: this computer's)")
declare("staff/current", "office", str, "The staff member recorded on new events")
declare("organization/name", "Our Theatre", str, "The organization's name printed on tickets")
declare("door/name", "Main door", str, "This door's name, recorded on every scan made here")
declare("door/scanner_gap_ms", 30, int,
        "Keys closer together than this (milliseconds) come from a barcode scanner")  # fmt: skip
declare("door/scanner_min_length", 6, int, "Fewest characters a scanner burst can have")
declare("door/sounds", True, bool, "Play a sound for each verdict at the door")
declare("door/pin_hash", "", str, "Salted hash of the PIN that leaves volunteer door mode")
declare("backups/folder", "", str,
        "Where backups go (empty: the backups folder inside the data folder)")  # fmt: skip
declare("backups/keep", 10, int, "How many automatic backups to keep (the oldest go)")
declare("backups/daily", True, bool, "Back up once a day while Houselights is open")
declare("backups/on_exit", True, bool, "Back up when Houselights is closed")
declare("backups/include_read_models", False, bool,
        "Also copy the read models (they can be rebuilt; a restore then opens faster)")  # fmt: skip

_LOYALTY = {
    "buyer_purchases": "Orders that make a repeat buyer",
    "advocate_purchases": "Orders an advocate has made besides donating or bringing others",
    "advocate_donations": "Donations that, with enough orders, make an advocate",
    "advocate_subscriptions": "Subscriptions bought (renewals) that make an advocate",
    "advocate_group_orders": "Orders for a group that, with enough orders, make an advocate",
    "group_size": "Tickets in one order that count as bringing others",
    "lapsed_months": "Months without activity after which a patron has lapsed",
    "long_absence_months": "Months since the last visit after which the door says welcome back",
}
for _field in fields(LoyaltyThresholds):
    declare(f"loyalty/{_field.name}", _field.default, int, _LOYALTY[_field.name])


def _convert(setting: Setting, value: object) -> object:
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


class Settings(QObject):
    """Typed access to the declared settings; ``changed(key)`` after each set."""

    changed = Signal(str)

    def __init__(self, store: QSettings | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store if store is not None else QSettings("Houselights", "Houselights")

    def get(self, key: str) -> object:
        """The stored value with its declared type; the default if unset or unreadable."""
        setting = SETTINGS[key]
        raw = self.store.value(key, None)
        try:
            return _convert(setting, raw)
        except (TypeError, ValueError):
            return setting.default

    def set(self, key: str, value: object) -> None:
        """Store a value of the declared type (TypeError otherwise); emits ``changed``."""
        setting = SETTINGS[key]
        if setting.type is bytes and isinstance(value, QByteArray | bytearray):
            value = bytes(value.data() if isinstance(value, QByteArray) else value)
        if not _is_a(value, setting.type):
            raise TypeError(f"{key} takes {setting.type.__name__}, not {type(value).__name__}")
        self.store.setValue(key, QByteArray(value) if setting.type is bytes else value)
        self.store.sync()
        self.changed.emit(key)

    def reset(self, key: str) -> None:
        """Back to the declared default; emits ``changed``."""
        SETTINGS[key]  # noqa: B018 - unknown keys raise KeyError
        self.store.remove(key)
        self.store.sync()
        self.changed.emit(key)


def loyalty_thresholds(settings: Settings | None) -> LoyaltyThresholds:
    """The loyalty ladder's thresholds as this office set them (defaults without settings)."""
    if settings is None:
        return LoyaltyThresholds()
    return LoyaltyThresholds(
        **{f.name: settings.get(f"loyalty/{f.name}") for f in fields(LoyaltyThresholds)}
    )


def setting(settings: Settings | None, key: str) -> object:
    """A setting's value, or its declared default when there are no settings (tests)."""
    return SETTINGS[key].default if settings is None else settings.get(key)
