"""F1 on any screen opens the user-guide page for that screen, offline (issue 22)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QDialog, QWizard

import desktop
from desktop import help as guide
from desktop.main_window import AREAS


def dialog_classes() -> set[str]:
    """Every dialog and wizard class the desktop client defines."""
    found = set()
    for module in pkgutil.walk_packages(desktop.__path__, "desktop."):
        if module.name in ("desktop.cli", "desktop.smoke", "desktop.screenshots"):
            continue
        loaded = importlib.import_module(module.name)
        for name, value in vars(loaded).items():
            if (inspect.isclass(value) and value.__module__ == loaded.__name__
                    and issubclass(value, QDialog | QWizard)):  # fmt: skip
                found.add(name)
    return found


def test_every_screen_and_dialog_has_a_page_and_every_page_exists():
    assert set(guide.AREA_PAGES) == set(AREAS)
    dialogs = dialog_classes()
    assert dialogs, "no dialogs found: the search is broken"
    assert dialogs - set(guide.DIALOG_PAGES) == set(), "dialogs without a help page"
    assert set(guide.DIALOG_PAGES) - dialogs == set(), "help pages for dialogs that are gone"
    for page in set(guide.PAGES.values()):
        assert guide.page_path(page).is_file(), page


def test_f1_on_a_screen_opens_its_page(window, qtbot):
    window.show_area("door")
    qtbot.keyClick(window.door_view, Qt.Key.Key_F1)
    helper = guide._window[0]
    qtbot.waitUntil(helper.isVisible)
    assert helper.page == "door"
    assert helper.browser.toPlainText().startswith("At the door")
    assert helper.browser.source().toLocalFile() == str(guide.page_path("door"))

    window.activateWindow()
    window.show_area("ladder")
    qtbot.keyClick(window.ladder_view, Qt.Key.Key_F1)
    assert helper.page == "loyalty-ladder"
    assert "loyalty ladder" in helper.browser.toPlainText().lower()


def test_f1_in_a_modal_dialog_opens_the_dialogs_page(window, qtbot):
    dialog = window.new_patron()
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    focus = dialog.focusWidget() or dialog
    qtbot.keyClick(focus, Qt.Key.Key_F1)
    helper = guide._window[0]
    qtbot.waitUntil(helper.isVisible)
    assert helper.page == "patrons"
    dialog.reject()


def test_links_between_pages_are_followed_inside_the_help_window(window, qtbot):
    helper = window.show_help("index")
    browser = helper.browser
    assert browser.toPlainText().startswith("Houselights user guide")
    # the link to the settings page, clicked as a reader does
    cursor = browser.document().find("Settings")
    assert not cursor.isNull()
    browser.setTextCursor(cursor)
    rect = browser.cursorRect(cursor)
    qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(rect.left() - 4, rect.center().y()))  # fmt: skip
    qtbot.waitUntil(lambda: browser.source().toLocalFile().endswith("settings.md"))
    assert browser.toPlainText().startswith("Settings")
    qtbot.mouseClick(helper.back_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: browser.source().toLocalFile().endswith("index.md"))


def test_the_installer_bundles_the_guide_and_its_pictures():
    spec = (guide.guide_folder().parents[1] / "installer" / "houselights.spec").read_text()
    assert '"docs/guide"' in spec and '"docs/screenshots"' in spec
