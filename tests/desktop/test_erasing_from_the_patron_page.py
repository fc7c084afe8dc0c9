"""Erasing from the patron page: type the name, press the button, the data is gone."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop.models.timeline import TimelineModel
from desktop.views.patrons.erase_dialog import EraseDialog
from domain.personal_data import ERASED
from projections import patron_search
from tests.erasure.conftest import files_containing


@pytest.fixture
def ada_page(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.patron_list.search_field, "lovelace")
    qtbot.keyClick(window.patron_list.search_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.patrons_area.currentWidget() is window.patron_page)
    return window.patron_page


def test_typing_the_name_unlocks_the_erasure_and_the_page_shows_it(
    ada_page, qtbot, column, services
):
    page = ada_page
    qtbot.mouseClick(page.erase_button, Qt.MouseButton.LeftButton)
    dialog = next(w for w in page.findChildren(EraseDialog) if w.isVisible())
    assert not dialog.erase_button.isEnabled()
    qtbot.keyClicks(dialog.name_edit, "Ada Lovelac")
    assert not dialog.erase_button.isEnabled()
    qtbot.keyClicks(dialog.name_edit, "e")
    assert dialog.erase_button.isEnabled()
    with qtbot.waitSignal(dialog.erased, timeout=30000):
        qtbot.mouseClick(dialog.erase_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: page.card.name_label.text() == ERASED)
    assert page.card.email_label.text() == ERASED
    assert column(page.timeline_table, TimelineModel.SUMMARY)[0].startswith(
        "Personal data erased by maria on "
    )
    assert not page.edit_button.isEnabled() and not page.note_edit.isEnabled()
    assert patron_search.search(services.runner.db(), "lovelace") == []
    secrets = {
        "name": "Lovelace",
        "email": "ada@example.org",
        "street": "12 Mill Lane",
        "household": "needs the lift",
    }
    assert files_containing(services.config.data_dir, secrets) == []
    # The other patrons keep their data.
    assert files_containing(services.config.data_dir, {"other": "Hopper"})


def test_the_dialog_says_that_records_merged_into_the_patron_go_too(services, qtbot):
    from PySide6.QtWidgets import QLabel

    app = services.app
    services.runner.catch_up()
    ada = patron_search.search(services.runner.db(), "lovelace")[0]["id"]
    alone = EraseDialog(app, services.runner, app.get_patron(ada).to_json())
    qtbot.addWidget(alone)
    assert "merged" not in alone.findChild(QLabel, "eraseIntro").text()
    twin = app.register_patron("Ada", "Lovelace", email="ada.2@example.org", allow_duplicate=True)
    app.merge_patrons(twin, ada)
    dialog = EraseDialog(app, services.runner, app.get_patron(ada).to_json())
    qtbot.addWidget(dialog)
    intro = dialog.findChild(QLabel, "eraseIntro").text()
    assert "The record merged into this one is the same person: it is erased too" in intro


def test_backups_are_cleaned_too_and_an_unplugged_backup_folder_is_named(
    open_window, services, qtbot, tmp_path
):
    from PySide6.QtCore import QSettings

    from desktop.settings import Settings
    from infrastructure import backups

    services.runner.catch_up()
    services.app.add_note(
        patron_search.search(services.runner.db(), "lovelace")[0]["id"], "Likes Babbagefrost"
    )
    made = backups.backup(services.config)  # in the data folder's backup folder
    settings = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    usb = tmp_path / "usb-stick"  # chosen in the settings, not plugged in now
    settings.set("backups/folder", str(usb))
    window = open_window(services, settings)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.patron_list.search_field, "lovelace")
    qtbot.keyClick(window.patron_list.search_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.patrons_area.currentWidget() is window.patron_page)
    page = window.patron_page
    qtbot.mouseClick(page.erase_button, Qt.MouseButton.LeftButton)
    dialog = next(w for w in page.findChildren(EraseDialog) if w.isVisible())
    qtbot.keyClicks(dialog.name_edit, "Ada Lovelace")
    with qtbot.waitSignal(dialog.erased, timeout=30000) as erased:
        qtbot.mouseClick(dialog.erase_button, Qt.MouseButton.LeftButton)

    copies = erased.args[0].backups
    assert copies.cleaned == (str(made.path),)
    # The dialog stays open and names the folder it could not reach.
    assert dialog.isVisible() and str(usb) in dialog.error.text()
    assert "could not be cleaned" in dialog.error.text()
    assert f"houselights erase {erased.args[0].patron_id} --yes" in dialog.error.text()
    assert dialog.cancel_button.text() == "Close" and dialog.cancel_button.isEnabled()
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    secrets = {"name": "Lovelace", "email": "ada@example.org", "note": "Babbagefrost"}
    assert files_containing(services.config.data_dir, secrets) == []
