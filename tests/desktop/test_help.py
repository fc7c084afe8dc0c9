"""F1 on any screen opens the user-guide page for that screen, offline (issue 22)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from PySide6.QtCore import QPoint, QSize, Qt, QUrl
from PySide6.QtGui import QImage
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
            if (
                inspect.isclass(value)
                and value.__module__ == loaded.__name__
                and issubclass(value, QDialog | QWizard)
            ):
                found.add(name)
    return found


def test_every_screen_and_dialog_has_a_page_and_every_page_exists():
    assert set(guide.AREA_PAGES) == set(AREAS)
    dialogs = dialog_classes()
    assert dialogs, "no dialogs found: the search is broken"
    assert dialogs - set(guide.DIALOG_PAGES) - guide.ASKS_FOR_ITS_PARENT == set(), (
        "dialogs without a help page"
    )
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


def test_the_f1_filter_watches_only_while_a_window_without_its_own_f1_is_active(window, qtbot):
    """Every event of the application passes through a filter on it: while the main
    window is active (its Help action answers F1) there is none."""
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    assert not guide.f1_watching()
    dialog = window.new_patron()
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    assert guide.f1_watching()
    dialog.reject()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    assert not guide.f1_watching()
    qtbot.keyClick(window.patron_list, Qt.Key.Key_F1)  # the window's own shortcut
    qtbot.waitUntil(lambda: guide._window and guide._window[0].isVisible())
    assert guide._window[0].page == "patrons"


def test_links_between_pages_are_followed_inside_the_help_window(window, qtbot):
    helper = window.show_help("index")
    browser = helper.browser
    assert browser.toPlainText().startswith("Houselights user guide")
    # the link to the settings page, clicked as a reader does
    cursor = browser.document().find("Settings")
    assert not cursor.isNull()
    browser.setTextCursor(cursor)
    rect = browser.cursorRect(cursor)
    qtbot.mouseClick(
        browser.viewport(),
        Qt.MouseButton.LeftButton,
        pos=QPoint(rect.left() - 4, rect.center().y()),
    )
    qtbot.waitUntil(lambda: browser.source().toLocalFile().endswith("settings.md"))
    assert browser.toPlainText().startswith("Settings")
    qtbot.mouseClick(helper.back_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: browser.source().toLocalFile().endswith("index.md"))


def test_the_installer_bundles_the_guide():
    spec = (guide.guide_folder().parents[1] / "installer" / "houselights.spec").read_text()
    assert '"docs/guide"' in spec


def test_a_page_whose_pictures_are_not_installed_reads_as_text(qtbot, tmp_path, monkeypatch):
    """The installed app carries the guide's pages, not its screenshots."""
    import shutil

    pages = tmp_path / "docs" / "guide"
    shutil.copytree(guide.guide_folder(), pages)  # no docs/screenshots beside it
    monkeypatch.setattr(guide, "guide_folder", lambda: pages)
    helper = guide.HelpWindow()
    qtbot.addWidget(helper)
    helper.show_page("door")
    qtbot.waitUntil(lambda: helper.browser.source().toLocalFile().endswith("door.md"))
    assert "ADMIT" in helper.browser.toPlainText()
    missing = helper.browser.loadResource(2, QUrl("../screenshots/door-admit.png"))
    assert missing.size() == QSize(1, 1)  # takes no room, no broken-picture icon
    monkeypatch.undo()
    shown = guide.HelpWindow()
    qtbot.addWidget(shown)
    shown.show_page("door")  # from the source tree, where the screenshots are
    qtbot.waitUntil(lambda: shown.browser.source().toLocalFile().endswith("door.md"))
    picture = shown.browser.loadResource(2, QUrl("../screenshots/door-admit.png"))
    assert not (isinstance(picture, QImage) and picture.size() == QSize(1, 1))


def test_a_question_asked_for_a_dialog_opens_that_dialogs_page(qtbot):
    """A confirmation box (refund this order? merge these two?) has no page of its own:
    F1 on it opens the page of the dialog that asked."""
    from desktop.views.forms import ConfirmBox

    merge = type("MergeDialog", (QDialog,), {})()
    qtbot.addWidget(merge)
    question = ConfirmBox(merge)
    assert "ConfirmBox" in guide.ASKS_FOR_ITS_PARENT
    assert guide.page_for(question) == "duplicates"
