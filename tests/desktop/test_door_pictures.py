"""Tickets read from a picture (a phone screenshot) or a camera, decoded off the GUI thread."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtGui import QColor, QImage

import desktop.views.door.camera_panel as camera_panel
import desktop.views.door.door as door_module
from tests.desktop import ean13

EXTERNAL = "400638133393"
EXTERNAL += ean13.check_digit(EXTERNAL)  # an online shop's EAN-13 ticket code


@pytest.fixture
def door(window, services, qtbot):
    app = services.app
    starts = datetime.now().astimezone().replace(hour=20, minute=0, second=0, microsecond=0)
    show = app.schedule_performance(app.create_production("Aida"), starts, 100, {"Adult": 2000})
    app.sell_tickets(show, {"Adult": 1}, channel="online", codes=[EXTERNAL], reference="EB-7")
    window.show_area("door")
    view = window.door_view
    qtbot.waitUntil(lambda: view.performance_id() == show)
    return view


def test_a_ticket_screenshot_is_read_in_the_background_and_checked_in(door, tmp_path, qtbot):
    picture = tmp_path / "ticket.png"
    assert ean13.image(EXTERNAL).save(str(picture))
    task = door.scan_picture(str(picture))
    assert door.scanner_hint.text() == "● Reading ticket.png…"
    with qtbot.waitSignal(task.finished, timeout=10000):
        pass
    qtbot.waitUntil(lambda: door.panel.verdict == "admit")  # checked on the writer worker
    assert door.last_result.code == EXTERNAL
    assert door.scanner_hint.text().startswith("● Scanner ready")
    qtbot.waitUntil(lambda: door.house.admitted_label.text() == "1")


def test_a_picture_without_a_barcode_or_a_file_that_is_no_picture_is_explained(
    door, tmp_path, qtbot
):
    blank = tmp_path / "blank.png"
    image = QImage(200, 100, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    image.save(str(blank))
    with qtbot.waitSignal(door.scan_picture(str(blank)).finished, timeout=10000):
        pass
    assert door.panel.title_label.text() == "Not checked"
    assert "No barcode was found" in door.panel.detail_label.text()
    assert "blank.png" in door.panel.code_label.text()

    notes = tmp_path / "notes.txt"
    notes.write_text("not a picture")
    with qtbot.waitSignal(door.scan_picture(str(notes)).finished, timeout=10000):
        pass
    assert "not a picture Houselights can open" in door.panel.detail_label.text()


def test_without_zbar_the_door_says_what_to_install_and_still_checks_codes(
    door, monkeypatch, qtbot
):
    missing = "Reading barcodes from pictures and cameras needs the zbar library."
    monkeypatch.setattr(door_module, "zbar_problem", lambda: missing)
    monkeypatch.setattr(camera_panel, "zbar_problem", lambda: missing)
    assert door.scan_picture("/nowhere/ticket.png") is None
    assert door.panel.detail_label.text() == missing
    dialog = door.open_camera()
    assert dialog.isVisible() and dialog.message.text() == missing
    dialog.close()
    door.check(EXTERNAL)
    qtbot.waitUntil(lambda: door.panel.verdict == "admit")


def test_the_camera_window_says_why_it_cannot_film_or_reads_each_ticket_once(door, qtbot):
    dialog = door.open_camera()
    if dialog.problem:  # no Qt Multimedia, no camera or no zbar on this computer
        assert dialog.message.text() == dialog.problem
    seen = []
    dialog.code_seen.connect(seen.append)
    dialog._decoded([EXTERNAL])
    dialog._decoded([EXTERNAL])  # still held up to the camera: the same scan
    assert seen == [EXTERNAL]
    qtbot.waitUntil(lambda: door.panel.verdict == "admit")
    dialog.close()
