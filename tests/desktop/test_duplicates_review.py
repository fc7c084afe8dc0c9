"""Reviewing likely duplicates side by side, merging them, and undoing a merge."""

from __future__ import annotations

import csv

import pytest
from PySide6.QtCore import QPoint, Qt

from desktop.export import write_csv
from desktop.main_window import DUPLICATES
from desktop.models.duplicate_pairs import DuplicatePairModel as D
from projections import all_projections, duplicates, ladder, patron_search, timeline
from projections import patron_directory as directory
from projections.runner import ReadModelRunner
from tests.desktop.box_office_steps import click, click_row, row_of
from tests.desktop.conftest import schedule


@pytest.fixture
def twin(services) -> dict:
    """Ada registered again from an online sale: the same email, an initial, a ticket."""
    app, db = services.app, services.runner.db()
    [ada] = patron_search.search(db, "lovelace")
    twin = app.register_patron(
        "A.", "Lovelace", email="ADA@example.org", source="import", allow_duplicate=True
    )
    flute = schedule(app, "The Magic Flute", 3)
    app.sell_tickets(flute, {"Adult": 1}, patron_id=twin)
    return {"ada": ada["id"], "twin": twin}


@pytest.fixture
def review(window, qtbot, twin):
    window.show_area(DUPLICATES)
    view = window.duplicates
    qtbot.waitUntil(lambda: view.model.rowCount() == 1 and view.task is None)
    return view


def test_the_pair_is_shown_side_by_side_with_its_reasons(review, twin, column):
    assert column(review.table, D.FIRST) == ["Ada Lovelace"]
    assert column(review.table, D.SECOND) == ["A. Lovelace"]
    assert column(review.table, D.WHY) == ["same email"]
    assert column(review.table, D.SECOND_TICKETS) == ["1"]
    assert review.first.values["email"].text() == "ada@example.org"
    assert review.first.values["phone"].text() == "(555) 123-4567"
    assert review.second.values["name"].text() == "A. Lovelace"
    assert review.second.values["tickets"].text() == "1"
    # The record with more history is the one kept by default.
    assert review.second.keep.isChecked() and not review.first.keep.isChecked()


def test_keep_one_record_and_merge_with_one_confirmation(review, services, twin, qtbot):
    db = services.runner.db()
    click(qtbot, review.first.keep)
    assert review.first.keep.isChecked()
    click(qtbot, review.merge_button)
    dialog = review.dialog
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible())
    assert dialog.text() == "Merge A. Lovelace into Ada Lovelace?"
    assert "can be undone" in dialog.informativeText()
    click(qtbot, dialog.merge_button)

    qtbot.waitUntil(lambda: review.model.rowCount() == 0 and review.task is None)
    assert directory.get(db, twin["twin"])["merged_into"] == twin["ada"]
    assert [p["id"] for p in patron_search.search(db, "lovelace")] == [twin["ada"]]
    kinds = [r["kind"] for r in timeline.rows(db, twin["ada"])]
    assert kinds.count("registered") == 2 and "purchase" in kinds
    assert review.summary.text() == "No likely duplicates. Nothing to review."
    assert review.window().statusBar().currentMessage() == (
        "A. Lovelace was merged into Ada Lovelace."
    )


def test_cancelling_the_merge_changes_nothing(review, services, twin, qtbot):
    events = services.app.event_count()
    click(qtbot, review.merge_button)
    qtbot.waitUntil(lambda: review.dialog is not None and review.dialog.isVisible())
    click(qtbot, review.dialog.keep_button)
    qtbot.waitUntil(lambda: review.dialog is None)
    assert services.app.event_count() == events
    assert review.model.rowCount() == 1


def test_not_the_same_person_takes_the_pair_off_every_list(review, services, twin, qtbot, tmp_path):
    click(qtbot, review.dismiss_button)

    qtbot.waitUntil(lambda: review.model.rowCount() == 0 and review.task is None)
    assert review.window().statusBar().currentMessage() == (
        "Ada Lovelace and A. Lovelace stay two separate patrons."
    )
    assert duplicates.candidates(services.runner.db()) == []
    # Another workstation, with read models of its own, sees the dismissal too.
    app = services.app
    other = ReadModelRunner(app.recorder, app.mapper, tmp_path / "other.db", all_projections())
    try:
        other.catch_up()
        assert len(directory.page(other.db())) == 5
        assert duplicates.candidates(other.db()) == []
    finally:
        other.close()


def test_unmerge_from_the_patron_page_restores_both_records(review, window, services, twin, qtbot):
    db = services.runner.db()
    ada_before = timeline.rows(db, twin["ada"])
    twin_before = timeline.rows(db, twin["twin"])
    services.app.merge_patrons(twin["twin"], twin["ada"])
    window.open_patron(twin["ada"])
    page = window.patron_page
    bar = page.merge_bar
    qtbot.waitUntil(bar.isVisible)
    assert bar.label.text().startswith("Also holds the history of A. Lovelace, merged on ")
    # both records' rows, and the ladder's move worked out from both: the twin's ticket
    # made the survivor a tryer
    moves = ladder.patron_ladder(db, twin["ada"]).moves
    assert [m.to_rung for m in moves] == ["tryer"]
    # both records' rows, the merge itself and the move to tryer
    qtbot.waitUntil(
        lambda: page.timeline_model.rowCount() == len(ada_before) + len(twin_before) + 2
    )

    click(qtbot, bar.unmerge_button)
    dialog = bar.dialog
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible())
    assert dialog.text() == "Unmerge A. Lovelace from Ada Lovelace?"
    click(qtbot, dialog.unmerge_button)

    qtbot.waitUntil(lambda: not bar.isVisible())
    # each record has its own rows again, and the merge and the unmerge stay on both
    merging = {"merge", "unmerge", "merged_into", "unmerged"}
    for patron, before in ((twin["ada"], ada_before), (twin["twin"], twin_before)):
        after = timeline.rows(db, patron)
        assert [r for r in after if r["kind"] not in merging] == before
        assert len([r for r in after if r["kind"] in merging]) == 2
    qtbot.waitUntil(lambda: page.timeline_model.rowCount() == len(ada_before) + 2)
    assert window.statusBar().currentMessage() == "A. Lovelace is a separate patron again."
    window.show_area(DUPLICATES)
    qtbot.waitUntil(lambda: window.duplicates.model.rowCount() == 1)


def test_a_merged_records_page_points_to_the_survivor(window, services, twin, qtbot):
    services.app.merge_patrons(twin["twin"], twin["ada"])
    window.open_patron(twin["twin"])
    page = window.patron_page
    qtbot.waitUntil(page.merge_bar.isVisible)
    assert page.merge_bar.label.text() == (
        "This record was merged into Ada Lovelace: its history shows on Ada Lovelace's page."
    )
    assert not page.note_edit.isEnabled() and not page.edit_button.isEnabled()

    click(qtbot, page.merge_bar.open_button)
    qtbot.waitUntil(lambda: page.patron_id == twin["ada"])
    assert page.note_edit.isEnabled()


def test_the_list_sorts_and_exports(review, services, qtbot, tmp_path, column):
    app = services.app
    app.register_patron("Grace", "Hopper", phone="555-765-4321", allow_duplicate=True)
    qtbot.waitUntil(lambda: review.model.rowCount() == 2 and review.task is None)
    header = review.table.horizontalHeader()
    where = QPoint(header.sectionViewportPosition(D.WHY) + 5, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert column(review.table, D.WHY) == ["same email", "same phone"]
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert column(review.table, D.WHY) == ["same phone", "same email"]
    click_row(qtbot, review.table, row_of(review.table, D.WHY, "same phone"))
    assert review.second.values["name"].text() == "Grace Hopper"

    path = tmp_path / "pairs.csv"
    assert write_csv(review.table, path) == 2
    with path.open(newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    assert rows[0][:3] == ["First record", "Second record", "Why"]
    assert {r[2] for r in rows[1:]} == {"same email", "same phone"}
