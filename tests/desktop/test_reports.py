"""The manager's contact-capture report: who we know, who walked up, who we lost."""

from __future__ import annotations

import csv

from PySide6.QtCore import QPoint, Qt

from desktop.export import export_csv
from desktop.main_window import REPORTS
from desktop.models.contact_capture_table import ContactCaptureModel
from tests.desktop.conftest import schedule


def test_lost_contacts_are_counted_per_performance(window, services, qtbot, column, tmp_path):
    app = services.app
    flute = schedule(app, "The Magic Flute", 3, capacity=20)
    tosca = schedule(app, "Tosca", 5, capacity=20)
    ada = app.register_patron("Ada", "Moreau", email="ada.m@example.org")
    app.sell_tickets(flute, {"Adult": 2}, patron_id=ada)
    app.sell_to_walk_up(flute, {"Concession": 1}, "Bea", phone="555-010-2020")
    app.sell_tickets(flute, {"Adult": 1}, payment="cash")
    app.sell_tickets(tosca, {"Adult": 1})
    app.sell_tickets(tosca, {"Adult": 1})

    window.show_area(REPORTS)
    reports = window.reports
    table = reports.table
    qtbot.waitUntil(lambda: sorted(column(table, ContactCaptureModel.TITLE)) == [
        "The Magic Flute", "Tosca"])  # fmt: skip
    assert reports.summary.text() == (
        "5 orders: 40% of buyers known, 1 walk-ups captured, 3 lost contacts."
    )

    # a click on the header sorts by lost contacts, a second click turns the order round
    header = table.horizontalHeader()
    where = QPoint(header.sectionViewportPosition(ContactCaptureModel.LOST) + 5, 5)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert column(table, ContactCaptureModel.LOST) == ["1", "2"]
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert column(table, ContactCaptureModel.TITLE) == ["Tosca", "The Magic Flute"]
    assert column(table, ContactCaptureModel.LOST) == ["2", "1"]
    assert column(table, ContactCaptureModel.SHARE) == ["0%", "67%"]

    path = export_csv(table, tmp_path / "capture.csv")
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][-4:] == ["Known buyers", "Walk-ups", "Lost", "Share known"]
    assert [r[0] for r in rows[1:]] == ["Tosca", "The Magic Flute"]


def test_a_sale_elsewhere_updates_the_report(window, services, qtbot):
    app = services.app
    flute = schedule(app, "The Magic Flute", 3, capacity=20)
    window.show_area(REPORTS)
    assert window.reports.summary.text() == "No sales yet."
    app.sell_tickets(flute, {"Adult": 1})
    qtbot.waitUntil(lambda: "1 lost contacts" in window.reports.summary.text())
