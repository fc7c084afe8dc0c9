"""Settings are declared once and come back with their types."""

from __future__ import annotations

import socket
from dataclasses import fields

import pytest
from PySide6.QtCore import QByteArray, QSettings

import desktop.settings as settings_module
from desktop.settings import SETTINGS, Setting, Settings, declare, loyalty_thresholds
from domain.loyalty import LoyaltyThresholds


@pytest.fixture
def ini(tmp_path):
    return str(tmp_path / "houselights.ini")


@pytest.fixture
def extra_settings(monkeypatch):
    """Declare test-only settings without touching the real registry."""
    monkeypatch.setattr(settings_module, "SETTINGS", dict(SETTINGS))
    return settings_module.SETTINGS


def settings_on(path: str) -> Settings:
    return Settings(QSettings(path, QSettings.Format.IniFormat))


def test_every_setting_is_declared_once_with_a_default_of_its_type():
    expected = {
        "ui/geometry": (b"", bytes),
        "ui/last_area": ("patrons", str),
        "door/last_performance": ("", str),
        "projections/poll_interval_ms": (1000, int),
        "workstation/name": (socket.gethostname(), str),
        "staff/current": ("office", str),
        "organization/name": ("Our Theatre", str),
        "organization/country": ("", str),
        "organization/timezone": ("", str),
        "organization/currency": ("", str),
        "organization/setup_done": (False, bool),
        "workstation/role": ("office", str),
        "files/last_folders": ("", str),
        "import/timezone": ("", str),
        "import/date_order": (settings_module._system_date_order(), str),
        "door/name": ("Main door", str),
        "door/scanner_gap_ms": (30, int),
        "door/scanner_min_length": (6, int),
        "door/sounds": (True, bool),
        "door/pin_hash": ("", str),
        "door/mode": (False, bool),
        "door/verdict_seconds": (6, int),
        "door/follow_hours": (4, int),
        "backups/folder": ("", str),
        "backups/keep": (10, int),
        "backups/daily": (True, bool),
        "backups/on_exit": (True, bool),
        "backups/include_read_models": (False, bool),
        **{f"loyalty/{f.name}": (f.default, int) for f in fields(LoyaltyThresholds)},
    }
    assert {key: (s.default, s.type) for key, s in SETTINGS.items()} == expected
    for key, setting in SETTINGS.items():
        assert isinstance(setting, Setting) and setting.key == key and setting.description


def test_defaults_come_from_the_declarations(ini):
    settings = settings_on(ini)
    for key, setting in SETTINGS.items():
        assert settings.get(key) == setting.default
    assert settings.get("workstation/name") == socket.gethostname()


def test_values_round_trip_through_the_file_with_their_types(ini):
    first = settings_on(ini)
    first.set("projections/poll_interval_ms", 2500)
    first.set("ui/geometry", b"\x00\x01\xffgeometry")
    first.set("staff/current", "Smith, Maria")
    first.set("door/last_performance", "")
    second = settings_on(ini)
    assert second.get("projections/poll_interval_ms") == 2500
    assert second.get("ui/geometry") == b"\x00\x01\xffgeometry"
    assert second.get("staff/current") == "Smith, Maria"
    assert second.get("door/last_performance") == ""


def test_strings_in_the_ini_file_come_back_typed(tmp_path, extra_settings):
    # What another process, an older version or a person with a text editor left.
    declare("ui/show_tips", True, bool, "Show tips")
    declare("ui/compact", False, bool, "Compact rows")
    path = tmp_path / "written.ini"
    path.write_text(
        "[projections]\npoll_interval_ms=2500\n"
        "[ui]\nshow_tips=false\ncompact=true\ngeometry=@ByteArray(\\0\\x1\\xffgeo)\n"
        "[staff]\ncurrent=Smith, Maria\n"
    )
    settings = settings_on(str(path))
    assert settings.get("projections/poll_interval_ms") == 2500
    assert settings.get("ui/show_tips") is False
    assert settings.get("ui/compact") is True
    assert settings.get("ui/geometry") == b"\x00\x01\xffgeo"
    assert settings.get("staff/current") == "Smith, Maria"


def test_unreadable_values_fall_back_to_the_default(tmp_path, extra_settings):
    declare("ui/show_tips", True, bool, "Show tips")
    path = tmp_path / "damaged.ini"
    path.write_text("[projections]\npoll_interval_ms=fast\n[ui]\nshow_tips=maybe\ngeometry=abc\n")
    settings = settings_on(str(path))
    assert settings.get("projections/poll_interval_ms") == 1000
    assert settings.get("ui/show_tips") is True
    assert settings.get("ui/geometry") == b""


def test_bools_round_trip(ini, extra_settings):
    declare("ui/show_tips", True, bool, "Show tips")
    settings_on(ini).set("ui/show_tips", False)
    assert settings_on(ini).get("ui/show_tips") is False


def test_wrong_types_are_refused(ini):
    settings = settings_on(ini)
    for key, value in [
        ("projections/poll_interval_ms", "fast"),
        ("projections/poll_interval_ms", True),
        ("projections/poll_interval_ms", 2.5),
        ("ui/last_area", 3),
        ("ui/geometry", "not bytes"),
    ]:
        with pytest.raises(TypeError):
            settings.set(key, value)
    assert settings.get("projections/poll_interval_ms") == 1000


def test_qt_byte_arrays_are_taken_for_bytes(ini):
    settings = settings_on(ini)
    settings.set("ui/geometry", QByteArray(b"\x01\x02"))  # what saveGeometry() gives
    assert settings_on(ini).get("ui/geometry") == b"\x01\x02"


def test_unknown_keys_are_refused(ini):
    settings = settings_on(ini)
    with pytest.raises(KeyError):
        settings.get("no/such/setting")
    with pytest.raises(KeyError):
        settings.set("no/such/setting", "x")
    with pytest.raises(KeyError):
        settings.reset("no/such/setting")


def test_declare_refuses_twice_and_a_default_of_the_wrong_type(extra_settings):
    setting = declare("export/folder", "", type=str, description="Where exports go")
    assert extra_settings["export/folder"] is setting
    with pytest.raises(ValueError):
        declare("export/folder", "", str, "again")
    with pytest.raises(TypeError):
        declare("export/rows", "100", int, "Rows per page")
    assert "export/rows" not in extra_settings


def test_changed_signal_on_set_and_reset(qtbot, ini):
    settings = settings_on(ini)
    with qtbot.waitSignal(settings.changed) as signal:
        settings.set("ui/last_area", "door")
    assert signal.args == ["ui/last_area"]
    assert settings_on(ini).get("ui/last_area") == "door"
    with qtbot.waitSignal(settings.changed) as signal:
        settings.reset("ui/last_area")
    assert signal.args == ["ui/last_area"]
    assert settings.get("ui/last_area") == "patrons"
    assert settings_on(ini).get("ui/last_area") == "patrons"


def test_a_refused_value_emits_nothing(qtbot, ini):
    settings = settings_on(ini)
    with qtbot.assertNotEmitted(settings.changed), pytest.raises(TypeError):
        settings.set("ui/last_area", None)


def test_the_default_store_is_the_houselights_one():
    store = Settings().store
    assert (store.organizationName(), store.applicationName()) == ("Houselights", "Houselights")


def test_the_loyalty_thresholds_come_from_the_settings(ini):
    settings = settings_on(ini)
    assert loyalty_thresholds(settings) == LoyaltyThresholds()
    settings.set("loyalty/lapsed_months", 24)
    settings.set("loyalty/buyer_purchases", 3)
    assert loyalty_thresholds(settings_on(ini)) == LoyaltyThresholds(
        lapsed_months=24, buyer_purchases=3
    )


def test_internal_settings_are_marked_and_kept_off_the_screen(extra_settings):
    from desktop.settings import shown_settings

    internal = {
        "ui/geometry",
        "ui/last_area",
        "door/last_performance",
        "door/pin_hash",
        "door/mode",
        "files/last_folders",
        "organization/setup_done",
    }
    assert {s.key for s in SETTINGS.values() if s.internal} == internal
    declare("encryption/key_hash", "", str, "Hash of the key")  # not marked: its name says so
    declare("backup/password", "", str, "Password of the backup drive")
    declare("backup/folder", "", str, "Where backups go")
    shown = {s.key for s in shown_settings()}
    assert not shown & (internal | {"encryption/key_hash", "backup/password"})
    assert "backup/folder" in shown and "loyalty/lapsed_months" in shown


def test_what_makes_a_value_wrong_is_said_in_words(tmp_path, extra_settings):
    lapsed = SETTINGS["loyalty/lapsed_months"]
    assert lapsed.problem(18) == ""
    assert lapsed.problem(0) == "Choose a number from 1 to 240."
    assert lapsed.problem("18") == "This needs to be a whole number."
    assert SETTINGS["workstation/name"].problem("  ") == "This cannot be left empty."
    assert SETTINGS["import/timezone"].problem("") == ""
    assert SETTINGS["import/timezone"].problem("Europe/Vienna") == ""
    assert "is not a time zone" in SETTINGS["import/timezone"].problem("Vienna/Europe")
    folder = declare("backup/folder", "", str, "Where backups go")
    other = declare("export/target_dir", "", str, "Where exports go")
    assert folder.is_folder and other.is_folder and not SETTINGS["door/name"].is_folder
    assert folder.problem("") == "" and folder.problem(str(tmp_path)) == ""
    assert folder.problem(str(tmp_path / "gone")).startswith("There is no folder")
    capitals = "Start each word with a capital."
    checked = declare(
        "reports/title", "Report", str, "Title", check=lambda v: "" if v.istitle() else capitals
    )
    assert checked.problem("box office") == capitals
