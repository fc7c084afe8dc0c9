"""The window opens before history is read, catches up in the background, and rebuilds."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton

from infrastructure.bootstrap import bootstrap
from infrastructure.config import resolve
from projections import patron_directory


@pytest.fixture
def unread_history(tmp_path):
    """A store with 300 patrons whose read models this workstation has not built yet."""
    config = resolve(tmp_path / "data")
    writer = bootstrap(config, catch_up=False, projections=[])
    with writer.app.batch():
        for n in range(300):
            writer.app.register_patron(f"Guest{n:03d}", "Waiting", email=f"g{n}@example.org")
    writer.close()
    services = bootstrap(config, catch_up=False, batch_size=50)
    yield services
    services.close()


def test_the_window_opens_at_once_and_catches_up_in_the_background(
    unread_history, open_window, qtbot
):
    window = open_window(unread_history)
    assert window.patron_list.model.rowCount() == 0  # nothing read yet: the window did not wait
    window.start_catch_up()
    qtbot.waitUntil(lambda: window.sync_label.text() == "Up to date")
    qtbot.waitUntil(lambda: window.patron_list.count_label.text() == "300 patrons")
    assert not window.catch_up_progress.isVisible()
    assert unread_history.runner.lag() == 0


def test_a_rebuild_shows_progress_and_ends_with_the_same_read_models(
    unread_history, open_window, qtbot
):
    unread_history.runner.catch_up()
    before = patron_directory.page(unread_history.runner.db(), limit=1000)
    window = open_window(unread_history)
    seen = []
    unread_history.runner.after_batch = seen.append
    task = window.rebuild_read_models()
    assert window.rebuild_dialog is not None and window.rebuild_dialog.isVisible()
    with qtbot.waitSignal(task.finished, timeout=20000):
        pass
    events = unread_history.app.event_count()  # each patron: registration + its email key
    assert events == 600
    assert task.result["applied"] == events
    assert len(seen) == events // 50  # a batch of 50 events per transaction
    assert window.rebuild_dialog is None
    assert patron_directory.page(unread_history.runner.db(), limit=1000) == before
    assert window.statusBar().currentMessage() == "Rebuilt from 600 events."


def test_a_cancelled_rebuild_stops_and_the_rest_is_caught_up_later(
    unread_history, open_window, qtbot
):
    unread_history.runner.catch_up()
    window = open_window(unread_history)
    window.poll_timer.stop()
    first_batch_done, go_on = threading.Event(), threading.Event()

    def hold_after_first_batch(position):
        if position == 50:
            first_batch_done.set()
            go_on.wait(120)  # the test sets it; the bound only ends a broken test

    unread_history.runner.after_batch = hold_after_first_batch
    task = window.rebuild_read_models()
    dialog = window.rebuild_dialog
    qtbot.waitUntil(first_batch_done.is_set)
    cancel = dialog.findChild(QPushButton)
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert dialog.labelText() == "Stopping…"
    go_on.set()
    with qtbot.waitSignal(task.finished, timeout=20000):
        pass
    assert task.cancelled
    assert "Rebuild cancelled" in window.statusBar().currentMessage()
    assert 0 < unread_history.runner.lag() < unread_history.app.event_count()
    qtbot.waitUntil(lambda: window.poll_timer.isActive())
    window.poll_timer.setInterval(20)
    qtbot.waitUntil(lambda: unread_history.runner.lag() == 0, timeout=10000)
    qtbot.waitUntil(lambda: window.patron_list.count_label.text() == "300 patrons")


def test_the_rebuild_menu_asks_first(window, qtbot, monkeypatch):
    asked = []

    def answer(*args, **kwargs):
        asked.append(args[1])
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", answer)
    window.rebuild_action.trigger()
    assert asked == ["Rebuild read models"]
    assert window._rebuild_task is None
    assert window.patron_list.table.model().rowCount() == 4
    assert window.navigation.currentItem().data(Qt.ItemDataRole.UserRole) == "patrons"
