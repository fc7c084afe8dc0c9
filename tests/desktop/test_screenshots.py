"""One command renders every screen with demo data to PNG files."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QImage

from desktop.screenshots import PROBLEMS, SIZE, render_all


def test_every_screen_is_rendered_to_a_png(qtbot, tmp_path):
    written = render_all(tmp_path / "shots", patrons=60)
    names = {p.stem for p in written}
    assert {
        "patrons",
        "search",
        "patron",
        "new-patron-validation",
        "new-patron-duplicate",
        "ticket",
        "sell-tickets",
        "new-performance",
        "import-preview",
        "import-dry-run",
        "ladder",
        "duplicates",
        "merge-confirm",
        "patron-merged",
        "about",
        "settings",
        "settings-data",
    } <= names
    assert {f"area-{a}" for a in ("box-office", "door", "thank-yous", "reports")} <= names
    assert {"thank-yous", "report-attendance", "report-channels", "report-revenue-month"} <= names
    assert {"report-support", "duty-rota"} <= names
    verdicts = ("admit", "already-admitted", "wrong-performance", "refunded", "unknown")
    assert {f"door-{v}" for v in verdicts} | {"door-ready", "door-find-by-name"} <= names
    assert {"setup-organization", "setup-workstation", "setup-manager", "setup-start"} <= names
    assert "help" in names
    # every dialog, checked like the screens (nothing cut off, no raw id) with demo data
    dialogs = (
        "donation",
        "subscription",
        "membership",
        "edit-patron",
        "refund",
        "exchange",
        "edit-performance",
        "new-production",
        "import-chats",
        "link-chat",
        "licences",
        "unmerge",
        "restore",
    )
    assert {f"dialog-{d}" for d in dialogs} | {"erase-patron", "sign-in", "staff-accounts"} <= names
    assert SIZE == (1366, 768)  # a common laptop screen
    window_shot = QImage(str(tmp_path / "shots" / "patrons.png"))
    assert (window_shot.width(), window_shot.height()) == SIZE
    # no column header, label or button on any screen is cut off at that size
    assert PROBLEMS == []
    # Not blank: a screen with text has many distinct colours.
    colours = {window_shot.pixel(x, y) for x in range(0, SIZE[0], 7) for y in range(0, SIZE[1], 7)}
    assert len(colours) > 20


def test_what_does_not_fit_is_found(qtbot):
    """The check the screenshots make: a column narrower than its title, a label
    narrower than its words."""
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QLabel, QTableView, QVBoxLayout, QWidget

    from desktop.screenshots import cut_off

    page = QWidget()
    qtbot.addWidget(page)
    table = QTableView(page)
    model = QStandardItemModel(1, 1)
    model.setHorizontalHeaderLabels(["Second's tickets"])
    model.setItem(0, 0, QStandardItem("3"))
    table.setModel(model)
    table.setColumnWidth(0, 40)
    label = QLabel("Twelfth Night at the Lantern Theatre", page)
    layout = QVBoxLayout(page)
    layout.addWidget(table)
    layout.addWidget(label)
    page.resize(400, 300)
    page.show()
    label.setFixedWidth(60)
    found = cut_off(page)
    assert any("Second's tickets" in problem for problem in found)
    assert any("Twelfth Night" in problem for problem in found)


@pytest.mark.parametrize("scale", ["1.25", "1.5"])
def test_the_screenshots_command_renders_at_a_size_and_a_scaling(tmp_path, scale):
    """houselights screenshots --size 1366x768 --scale 1.25 or 1.5, in its own process (the
    scaling is chosen before Qt starts): every window picture is the screen's size,
    and the command passes its own checks: nothing cut off, no area scrolling
    sideways (or up and down, but for the pages made to), no raw id on any screen."""
    import os
    import subprocess
    import sys

    out = tmp_path / "shots"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "desktop.cli",
            "screenshots",
            "--out",
            str(out),
            "--size",
            "1366x768",
            "--scale",
            scale,
            "--patrons",
            "40",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    for name in ("patrons", "patron", "area-box-office", "door-admit", "report-attendance"):
        shot = QImage(str(out / f"{name}.png"))
        assert abs(shot.width() - 1366) <= 2 and abs(shot.height() - 768) <= 2, name


def test_a_bad_size_is_refused_with_a_reason(capsys):
    from desktop.cli import main

    assert main(["screenshots", "--size", "wide"]) == 2
    assert "like 1366x768" in capsys.readouterr().err


def test_raw_ids_on_a_screen_are_found_but_not_in_tooltips(qtbot):
    """The check every rendered screen passes (issue 22): no internal id (a UUID) in a
    label, a button, a choice list or a table cell; a tooltip may carry one."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import (
        QComboBox,
        QLabel,
        QListWidget,
        QTableView,
        QVBoxLayout,
        QWidget,
    )

    from desktop.screenshots import raw_ids

    record = "8c1f2a3b-1111-2222-3333-444455556666"
    page = QWidget()
    qtbot.addWidget(page)
    table = QTableView(page)
    model = QStandardItemModel(2, 2)
    model.setHorizontalHeaderLabels(["Record", "Name"])
    named = QStandardItem("Patron: Ada Lovelace")
    named.setData(record, Qt.ItemDataRole.ToolTipRole)
    model.setItem(0, 0, named)
    model.setItem(1, 0, QStandardItem("Patron: Grace Hopper"))
    table.setModel(model)
    label = QLabel("Order placed", page)
    choices = QComboBox(page)
    choices.addItem("Tosca — Sat 21 Nov", record)  # an id as the item's data: fine
    scans = QListWidget(page)  # a list model, read as well
    scans.addItem("19:02 · Admitted 6RRE-3K43-9KGX")
    layout = QVBoxLayout(page)
    for widget in (table, label, choices, scans):
        layout.addWidget(widget)
    page.show()
    assert raw_ids(page) == []

    model.setItem(1, 1, QStandardItem(f"Patron {record}"))
    label.setText(f"Order {record[:8]}… placed")  # a shortened id is no id
    choices.addItem(f"Performance {record}")
    scans.addItem(f"Scanned for {record}")
    found = raw_ids(page)
    assert len(found) == 3
    assert any("Name column" in problem for problem in found)
    assert any("a choice" in problem for problem in found)
    table.setColumnHidden(1, True)  # hidden columns are exported, not shown
    assert len(raw_ids(page)) == 2


class _Measured(Exception):
    """Stops the screenshots once the screen measured is taken."""


def test_the_patron_screenshot_gives_the_timeline_the_room_a_person_sees(qtbot, tmp_path):
    """At 1366×768 the patron page opened by hand gives the timeline about five rows and
    the purchases two and a half (``PatronPage.share_room``); the screenshot of it is the
    same, not the purchases as tall as all their orders and the timeline two rows."""
    measured: dict[str, int] = {}

    def measure(name: str, widget) -> None:
        if name != "patron":
            return
        page = widget.patron_page
        rows = page.timeline_table.verticalHeader().defaultSectionSize()
        measured["rows"] = rows
        measured["timeline"] = page.timeline_table.viewport().height()
        measured["purchases"] = page.purchases.table.viewport().height()
        measured["orders"] = page.purchases.proxy.rowCount()
        raise _Measured

    with pytest.raises(_Measured):
        render_all(tmp_path / "shots", size=(1366, 768), on_shot=measure)  # the README's

    assert measured["orders"] > 3  # more orders than the purchases show without scrolling
    assert measured["timeline"] > measured["purchases"]
    assert measured["timeline"] >= 4 * measured["rows"]
    assert measured["purchases"] <= 3 * measured["rows"]
