"""Settings are declared once and come back with their types."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from desktop.settings import SETTINGS, Settings


@pytest.fixture
def ini(tmp_path):
    return str(tmp_path / "houselights.ini")


def settings_on(path: str) -> Settings:
    return Settings(QSettings(path, QSettings.Format.IniFormat))


def test_defaults_come_from_the_declarations(ini):
    settings = settings_on(ini)
    assert settings.get("ui/last_area") == "patrons"
    assert settings.get("projections/poll_interval_ms") == 1000
    assert settings.get("workstation/name") == SETTINGS["workstation/name"].default


def test_values_round_trip_through_the_file_with_their_types(ini):
    first = settings_on(ini)
    first.set("projections/poll_interval_ms", 2500)
    first.set("ui/geometry", b"\x01\x02geometry")
    first.set("staff/current", "maria")
    second = settings_on(ini)
    assert second.get("projections/poll_interval_ms") == 2500
    assert second.get("ui/geometry") == b"\x01\x02geometry"
    assert second.get("staff/current") == "maria"


def test_wrong_types_and_unknown_keys_are_refused(ini):
    settings = settings_on(ini)
    with pytest.raises(TypeError):
        settings.set("projections/poll_interval_ms", "fast")
    with pytest.raises(KeyError):
        settings.get("no/such/setting")


def test_changed_signal_and_reset(qtbot, ini):
    settings = settings_on(ini)
    with qtbot.waitSignal(settings.changed, timeout=1000) as signal:
        settings.set("ui/last_area", "door")
    assert signal.args == ["ui/last_area"]
    settings.reset("ui/last_area")
    assert settings.get("ui/last_area") == "patrons"
