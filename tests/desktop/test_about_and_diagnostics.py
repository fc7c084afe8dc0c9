"""Help → About and Copy diagnostics, as support asks for them: real buttons, real clipboard."""

from __future__ import annotations

import logging
import platform

import pytest
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication

from desktop.diagnostics import app_version, diagnostics_text, scrub
from infrastructure.config import StoreConfig
from infrastructure.logs import configure_logging


class FileManager(QObject):
    """Stands in for Explorer/Finder: receives what QDesktopServices would open."""

    def __init__(self):
        super().__init__()
        self.opened: list[QUrl] = []

    @Slot(QUrl)
    def open_url(self, url: QUrl) -> None:
        self.opened.append(url)


@pytest.fixture
def file_manager():
    manager = FileManager()
    QDesktopServices.setUrlHandler("file", manager, "open_url")
    yield manager
    QDesktopServices.unsetUrlHandler("file")


@pytest.fixture
def about(window, qtbot):
    dialog = window.show_about()
    qtbot.waitExposed(dialog)
    yield dialog
    dialog.close()


def test_about_shows_the_version_and_the_data_folder(about, services):
    assert app_version() in about.title_label.text()
    assert about.data_label.text() == str(services.config.data_dir)
    assert about.store_label.text() == str(services.config.events_path)


def test_open_data_folder_hands_the_folder_to_the_file_manager(
    about, services, qtbot, file_manager
):
    qtbot.mouseClick(about.open_folder_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(file_manager.opened) == 1)
    assert file_manager.opened[0].toLocalFile() == str(services.config.data_dir)


def test_copy_diagnostics_in_the_dialog_fills_the_clipboard(about, services, qtbot):
    QApplication.clipboard().clear()
    with qtbot.waitSignal(about.diagnostics_copied) as copied:
        qtbot.mouseClick(about.copy_button, Qt.MouseButton.LeftButton)
    text = QApplication.clipboard().text()
    assert text == copied.args[0]
    assert text.startswith(f"Houselights {app_version()}\n")
    assert f"Events: {services.app.event_count():,}" in text
    assert "Diagnostics copied" in about.status_label.text()


def test_help_menu_copies_diagnostics_too(window, services):
    QApplication.clipboard().clear()
    window.diagnostics_action.trigger()
    text = QApplication.clipboard().text()
    assert "Store: SQLite (this computer): " + str(services.config.events_path) in text
    assert window.diagnostics_action in window.menuBar().actions()[-1].menu().actions()


def test_diagnostics_name_version_platform_python_qt_store_events_and_the_log(services):
    handler = configure_logging(services.config.data_dir)
    try:
        logging.getLogger("houselights").info("a line support needs to see")
        text = diagnostics_text(services)
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
    assert f"Platform: {platform.platform()}" in text
    assert "Python: " in text and "Qt: 6." in text and "PySide6 6." in text
    assert f"Data folder: {services.config.data_dir}" in text
    assert f"Events: {services.app.event_count():,}\n" in text
    assert text.rstrip().endswith("a line support needs to see")


class _ServicesOnPostgres:
    """The diagnostics of a workstation on a shared store whose address has a password."""

    def __init__(self, data_dir, app):
        self.config = StoreConfig(
            data_dir=data_dir, store_url="postgresql://box:s3cret-pw@office-server:5433/hl"
        )
        self.app = app


def test_diagnostics_never_contain_a_postgres_password(services):
    handler = configure_logging(services.config.data_dir)
    try:
        # even when an address with a password reached the log, it is scrubbed
        logging.getLogger("houselights").error(
            "cannot connect to postgresql://box:s3cret-pw@office-server:5433/hl"
        )
        text = diagnostics_text(_ServicesOnPostgres(services.config.data_dir, services.app))
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
    assert "s3cret-pw" not in text
    assert "Store: PostgreSQL (shared): postgresql://box:***@office-server:5433/hl" in text
    assert "cannot connect to postgresql://box:***@office-server:5433/hl" in text


def test_scrub_leaves_addresses_without_password_alone():
    assert scrub("postgresql://box@server/hl and https://a:b@c/d") == (
        "postgresql://box@server/hl and https://a:***@c/d"
    )


def test_the_window_and_the_app_carry_the_houselights_icon(window):
    assert not QApplication.windowIcon().isNull()
    assert not window.windowIcon().isNull()
    assert QApplication.windowIcon().availableSizes()[0].width() == 16


def test_about_lists_the_third_party_licences_with_their_texts(about, qtbot):
    qtbot.mouseClick(about.licences_button, Qt.MouseButton.LeftButton)
    licences = about.licences_dialog
    qtbot.waitExposed(licences)
    rows = [licences.list.item(i).text() for i in range(licences.list.count())]
    for component in (
        "Python",
        "Qt",
        "PySide6 and Shiboken6",
        "FFmpeg",
        "ZBar",
        "pyzbar",
        "eventsourcing",
        "PySide6_Essentials",
    ):
        assert any(row.startswith(f"{component} ") for row in rows), component
    zbar = next(i for i, row in enumerate(rows) if row.startswith("ZBar "))
    assert "LGPL-2.1-or-later" in rows[zbar]
    licences.list.setFocus()
    qtbot.keyClick(licences.list, Qt.Key.Key_Home)
    for _ in range(zbar):
        qtbot.keyClick(licences.list, Qt.Key.Key_Down)
    text = licences.text.toPlainText()
    assert text.startswith("ZBar ")
    assert "Jeff Brown" in text and "GNU LESSER GENERAL PUBLIC LICENSE" in text
    assert "Version 2.1, February 1999" in text
    qt = next(i for i, row in enumerate(rows) if row.startswith("Qt "))
    licences.list.setCurrentRow(qt)
    assert "Version 3, 29 June 2007" in licences.text.toPlainText()  # LGPLv3 and GPLv3
    pyzbar = next(i for i, row in enumerate(rows) if row.startswith("pyzbar "))
    licences.list.setCurrentRow(pyzbar)
    assert "MIT" in rows[pyzbar] and "Permission is hereby granted" in licences.text.toPlainText()
