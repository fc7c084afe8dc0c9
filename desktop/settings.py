"""Every setting declared once, with its default, stored in QSettings."""

from __future__ import annotations

import socket
from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QObject, QSettings, Signal


@dataclass(frozen=True)
class Setting:
    key: str
    default: object
    type: type
    description: str


SETTINGS: dict[str, Setting] = {}


def declare(key: str, default: object, type_: type, description: str) -> Setting:
    if key in SETTINGS:
        raise ValueError(f"setting {key!r} is declared twice")
    SETTINGS[key] = Setting(key, default, type_, description)
    return SETTINGS[key]


declare("ui/geometry", b"", bytes, "Main window size and position")
declare("ui/last_area", "patrons", str, "The area shown when the app opens")
declare("door/last_performance", "", str, "The performance last chosen at the door")
declare("projections/poll_interval_ms", 1000, int, "How often to look for events from elsewhere")
declare("workstation/name", socket.gethostname(), str, "This computer's name on every event")
declare("staff/current", "office", str, "The staff member recorded on new events")


def _convert(setting: Setting, value: object) -> object:
    if value is None:
        return setting.default
    if setting.type is bool:
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1", "yes")
        return bool(value)
    if setting.type is int:
        return int(value)
    if setting.type is bytes:
        return bytes(value.data() if isinstance(value, QByteArray) else value)
    return setting.type(value)


class Settings(QObject):
    """Typed access to the declared settings; ``changed(key)`` after each set."""

    changed = Signal(str)

    def __init__(self, store: QSettings | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store if store is not None else QSettings("Houselights", "Houselights")

    def get(self, key: str) -> object:
        setting = SETTINGS[key]
        raw = self.store.value(key, None)
        try:
            return _convert(setting, raw)
        except (TypeError, ValueError):
            return setting.default

    def set(self, key: str, value: object) -> None:
        setting = SETTINGS[key]
        if setting.type is bytes and isinstance(value, QByteArray):
            value = bytes(value.data())
        if not isinstance(value, setting.type) or (
            setting.type is int and isinstance(value, bool)
        ):
            raise TypeError(f"{key} takes {setting.type.__name__}, not {type(value).__name__}")
        self.store.setValue(key, QByteArray(value) if setting.type is bytes else value)
        self.store.sync()
        self.changed.emit(key)

    def reset(self, key: str) -> None:
        SETTINGS[key]  # noqa: B018 - unknown keys raise KeyError
        self.store.remove(key)
        self.store.sync()
        self.changed.emit(key)
