"""The Settings screen, driven through its real widgets: edit, apply, revert, defaults."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QFileDialog, QLineEdit, QSpinBox

import desktop.settings as settings_module
from desktop.main_window import AREAS
from desktop.main_window import SETTINGS as SETTINGS_AREA
from desktop.settings import SETTINGS, Settings, declare
from desktop.views.system.settings_page import SettingsPage
from infrastructure.config import StoreConfig
from projections import ladder
from tests.desktop.box_office_steps import click
from tests.desktop.test_ladder_dashboard import bar_values, history, open_ladder  # noqa: F401

INTERNAL = (
    "ui/geometry",
    "ui/last_area",
    "door/last_performance",
    "door/pin_hash",
    "door/mode",
    "files/last_folders",
    "organization/setup_done",
)


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(QSettings(str(tmp_path / "hl.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def extra_settings(monkeypatch):
    """Declare test-only settings without touching the real registry."""
    monkeypatch.setattr(settings_module, "SETTINGS", dict(SETTINGS))
    return settings_module.SETTINGS


def open_settings(window, qtbot) -> SettingsPage:
    """Choose "Settings" in the navigation, with the mouse."""
    item = window.navigation.item(AREAS.index(SETTINGS_AREA))
    assert item.data(Qt.ItemDataRole.UserRole) == SETTINGS_AREA
    rect = window.navigation.visualItemRect(item)
    qtbot.mouseClick(window.navigation.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: window.areas.currentWidget() is window.settings_page)
    return window.settings_page


@pytest.fixture
def page(open_window, services, settings, qtbot) -> SettingsPage:
    return open_settings(open_window(services, settings), qtbot)


def type_into(qtbot, editor, text: str) -> None:
    """Select what the field holds and type over it, key by key."""
    target = editor.lineEdit() if isinstance(editor, QSpinBox) else editor
    editor.setFocus()
    qtbot.keyClick(target, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(target, text)
    # typed this fast, keys that could start a ticket code wait a moment in the
    # window's scanner filter before they reach the field
    scanner = getattr(target.window(), "scanner", None)  # a page on its own has none
    if scanner is not None:
        qtbot.waitUntil(lambda: not scanner.holding)


def test_every_setting_but_the_internal_ones_has_an_editor_of_its_type(page):
    assert set(page.fields) == {k for k in SETTINGS if k not in INTERNAL}
    for key in INTERNAL:
        assert key not in page.fields
        assert page.findChild(QLineEdit, f"setting:{key}") is None
    kinds = {bool: QCheckBox, int: QSpinBox, str: QLineEdit}
    for key, field in page.fields.items():
        kind = QComboBox if SETTINGS[key].choices else kinds[SETTINGS[key].type]
        assert isinstance(field.editor, kind), key
        assert field.editor.toolTip() == SETTINGS[key].description
        if SETTINGS[key].type is bool:  # the box says what ticking it does, never "On"
            assert field.editor.text() == SETTINGS[key].description
            assert field.label.isHidden()
        else:
            assert field.label.text() == SETTINGS[key].description
    role = page.fields["workstation/role"].editor
    assert [role.itemData(i) for i in range(role.count())] == ["office", "door"]
    lapsed = page.fields["loyalty/lapsed_months"].editor
    assert (lapsed.minimum(), lapsed.maximum(), lapsed.value()) == (1, 240, 18)
    titles = [label.text() for label in page.group_titles.values()]
    assert titles[:3] == ["Organization", "Loyalty ladder", "Door"]
    assert "Box office: importing online sales" in titles and "This workstation" in titles
    assert not page.apply_button.isEnabled() and not page.revert_button.isEnabled()
    later = [key for key, field in page.fields.items() if not field.note.isHidden()]
    assert later == ["staff/current", "workstation/name"]  # read when the app starts


def test_an_edit_is_saved_by_apply(page, settings, qtbot):
    name = page.fields["organization/name"]
    type_into(qtbot, name.editor, "Riverside Opera")
    assert settings.get("organization/name") == "Our Theatre"  # not before Apply
    assert page.apply_button.isEnabled()
    assert name.label.text().startswith("● ")
    with qtbot.waitSignal(settings.changed) as signal:
        click(qtbot, page.apply_button)
    assert signal.args == ["organization/name"]
    assert settings.get("organization/name") == "Riverside Opera"
    assert page.status.text() == "Saved 1 setting."
    assert page.window().statusBar().currentMessage() == "Saved 1 setting."
    assert not page.apply_button.isEnabled() and not name.label.text().startswith("● ")


def test_enter_in_a_text_field_applies(page, settings, qtbot):
    type_into(qtbot, page.fields["door/name"].editor, "North door")
    qtbot.keyClick(page.fields["door/name"].editor, Qt.Key.Key_Return)
    assert settings.get("door/name") == "North door"


def test_revert_puts_back_what_is_saved(page, settings, qtbot):
    settings.set("door/scanner_gap_ms", 40)
    gap = page.fields["door/scanner_gap_ms"].editor
    assert gap.value() == 40  # saved elsewhere, shown here
    type_into(qtbot, gap, "90")
    click(qtbot, page.fields["door/sounds"].editor)
    assert page.pending() == {"door/scanner_gap_ms": 90, "door/sounds": False}
    click(qtbot, page.revert_button)
    assert gap.value() == 40 and page.fields["door/sounds"].editor.isChecked()
    assert page.pending() == {} and not page.apply_button.isEnabled()
    assert settings.get("door/scanner_gap_ms") == 40 and settings.get("door/sounds") is True


def test_reset_to_default_then_apply_forgets_the_stored_value(page, settings, qtbot):
    settings.set("loyalty/buyer_purchases", 4)
    field = page.fields["loyalty/buyer_purchases"]
    assert field.editor.value() == 4 and field.reset_button.isEnabled()
    assert field.reset_button.toolTip() == "Reset to default: 2"
    click(qtbot, field.reset_button)
    assert field.editor.value() == 2 and not field.reset_button.isEnabled()
    assert settings.get("loyalty/buyer_purchases") == 4  # not before Apply
    click(qtbot, page.apply_button)
    assert settings.get("loyalty/buyer_purchases") == 2
    assert not settings.store.contains("loyalty/buyer_purchases")  # the default again


def test_wrong_values_are_explained_and_nothing_is_saved(page, settings, qtbot):
    workstation = page.fields["workstation/name"]
    zone = page.fields["import/timezone"]
    type_into(qtbot, page.fields["organization/name"].editor, "Riverside Opera")
    workstation.editor.setFocus()
    qtbot.keyClick(workstation.editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(workstation.editor, Qt.Key.Key_Delete)
    type_into(qtbot, zone.editor, "Mars/Olympus")
    click(qtbot, page.apply_button)
    assert workstation.error.isVisible()
    assert workstation.error.text() == "This cannot be left empty."
    assert zone.error.text().startswith("“Mars/Olympus” is not a time zone.")
    assert page.status.text().startswith("Nothing was saved: 2 settings need fixing")
    assert settings.get("organization/name") == "Our Theatre"  # all or nothing
    assert zone.editor.hasFocus()  # the first wrong one on the page
    # a number box takes no number out of its range
    type_into(qtbot, page.fields["loyalty/lapsed_months"].editor, "999")
    assert page.fields["loyalty/lapsed_months"].editor.value() != 999
    # fixed: the message goes and everything is saved
    type_into(qtbot, workstation.editor, "box-office-2")
    assert not workstation.error.isVisible()
    type_into(qtbot, zone.editor, "Europe/London")
    page.fields["loyalty/lapsed_months"].reset_to_default()
    click(qtbot, page.apply_button)
    assert (
        settings.get("workstation/name"),
        settings.get("import/timezone"),
        settings.get("organization/name"),
    ) == ("box-office-2", "Europe/London", "Riverside Opera")


def test_a_newly_declared_setting_appears_without_changing_the_page(
    extra_settings, settings, qtbot, tmp_path, monkeypatch
):
    declare("backup/folder", "", str, "Where backups are written")
    declare("backup/keep_days", 30, int, "Days to keep old backups", minimum=1, maximum=3650)
    declare("backup/automatic", False, bool, "Back up when Houselights closes")
    declare("encryption/key_hash", "", str, "Hash of the encryption key")
    declare("reports/secret_token", "", str, "A token")
    declare("reports/rows", 100, int, "Rows in a printed report")
    page = SettingsPage(settings)
    qtbot.addWidget(page)
    page.show()
    assert {"backup/folder", "backup/keep_days", "backup/automatic", "reports/rows"} <= set(
        page.fields
    )
    assert "encryption/key_hash" not in page.fields and "reports/secret_token" not in page.fields
    assert page.group_titles["backup"].text() == "Backups"
    assert page.group_titles["reports"].text() == "Reports"
    assert page.fields["reports/rows"].editor.maximum() == 1_000_000
    folder = page.fields["backup/folder"]
    assert folder.choose_button is not None
    type_into(qtbot, folder.editor, str(tmp_path / "nowhere"))
    click(qtbot, page.apply_button)
    assert folder.error.text().startswith("There is no folder")
    chosen = tmp_path / "backups"
    chosen.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(chosen))
    click(qtbot, folder.choose_button)
    assert folder.editor.text() == str(chosen) and not folder.error.isVisible()
    type_into(qtbot, page.fields["backup/keep_days"].editor, "60")
    click(qtbot, page.fields["backup/automatic"].editor)
    click(qtbot, page.apply_button)
    assert settings.get("backup/folder") == str(chosen)
    assert settings.get("backup/keep_days") == 60 and settings.get("backup/automatic") is True


@pytest.mark.usefixtures("history")
def test_a_loyalty_rule_changed_here_recomputes_the_ladder(open_window, services, settings, qtbot):
    window = open_window(services, settings)
    view = open_ladder(window, qtbot)
    assert bar_values(view) == [1, 1, 1, 0, 1]  # Adam bought 23 months ago: lapsed
    page = open_settings(window, qtbot)
    type_into(qtbot, page.fields["loyalty/lapsed_months"].editor, "36")
    click(qtbot, page.apply_button)
    assert settings.get("loyalty/lapsed_months") == 36
    qtbot.waitUntil(
        lambda: ladder.thresholds(services.runner.db()).lapsed_months == 36, timeout=10000
    )
    assert ladder.rung_counts(services.runner.db())["lapsed"] == 0
    view = open_ladder(window, qtbot)
    qtbot.waitUntil(lambda: bar_values(view) == [1, 2, 1, 0, 0], timeout=10000)
    assert window.door_view.thresholds.lapsed_months == 36  # the door follows too


def test_where_the_data_lives_on_this_computer(page, services):
    config = services.config
    assert page.data_labels["data"].text() == str(config.data_dir)
    assert page.data_labels["store"].text() == (
        f"On this computer only: the SQLite file {config.events_path}"
    )
    assert page.data_labels["readmodels"].text() == str(config.readmodels_path)
    assert "--store postgresql://" in page.shared_help.text()
    assert "Several workstations, one PostgreSQL server" in page.shared_help.text()


def test_a_shared_server_is_named_without_its_password(qtbot, tmp_path):
    config = StoreConfig(tmp_path, "postgresql://hl:s3cret@db.example:5433/theatre")
    page = SettingsPage(None, config)
    qtbot.addWidget(page)
    store = page.data_labels["store"].text()
    assert store == "Shared PostgreSQL server: hl@db.example:5433, database theatre"
    everything = " ".join(label.text() for label in page.data_labels.values())
    assert "s3cret" not in everything and "s3cret" not in page.shared_help.text()


def test_without_settings_the_page_shows_defaults_and_saves_nothing(window, qtbot):
    page = open_settings(window, qtbot)
    assert page.status.text() == "Settings are not remembered in this session."
    assert not page.fields["door/name"].isEnabled()
    assert page.fields["door/name"].editor.text() == "Main door"
    assert page.apply() is False
