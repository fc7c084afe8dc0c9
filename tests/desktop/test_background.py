"""The background-work helper: work off the GUI thread, answers on it."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QThread
from PySide6.QtWidgets import QDialogButtonBox, QPushButton

from desktop.background import BackgroundRunner, run_with_progress


@pytest.fixture
def runner(qtbot):
    runner = BackgroundRunner()
    yield runner
    runner.shutdown(5000)


def on_gui_thread() -> bool:
    return QThread.currentThread() is QCoreApplication.instance().thread()


def test_result_arrives_on_the_gui_thread_and_work_ran_elsewhere(qtbot, runner):
    seen = {}

    def work(progress, a, b):
        seen["worker_on_gui"] = on_gui_thread()
        return a + b

    def done(result):
        seen["result"] = result
        seen["callback_on_gui"] = on_gui_thread()

    task = runner.run(work, 2, 3, on_done=done)
    with qtbot.waitSignal(task.finished, timeout=5000):
        pass
    assert seen == {"worker_on_gui": False, "result": 5, "callback_on_gui": True}
    assert task.done and task.result == 5


def test_errors_are_delivered_with_the_exception(qtbot, runner):
    errors = []

    def work(progress):
        raise ValueError("the CSV file has no header row")

    task = runner.run(work, on_error=lambda e, tb: errors.append((e, tb, on_gui_thread())))
    with qtbot.waitSignal(task.finished, timeout=5000):
        pass
    error, text, gui = errors[0]
    assert isinstance(error, ValueError) and "no header row" in str(error)
    assert "Traceback" in text and gui


def test_progress_updates_arrive_in_order(qtbot, runner):
    updates = []

    def work(progress):
        for i in range(1, 51):
            progress.update(i, 50, f"row {i}")

    task = runner.run(work, on_progress=lambda d, t, m: updates.append((d, t, m)))
    qtbot.waitUntil(lambda: task.done and len(updates) == 50, timeout=5000)
    assert updates == [(i, 50, f"row {i}") for i in range(1, 51)]


def test_cancel_stops_long_work_and_reports_cancellation_not_error(qtbot, runner):
    started, outcome = threading.Event(), []

    def work(progress):
        started.set()
        progress.token.wait(10)  # until the test cancels
        progress.raise_if_cancelled()

    task = runner.run(
        work,
        on_done=lambda r: outcome.append("done"),
        on_error=lambda e, t: outcome.append("error"),
        on_cancelled=lambda: outcome.append("cancelled"),
    )
    assert started.wait(5)
    with qtbot.waitSignal(task.finished, timeout=5000):
        task.cancel()
    assert outcome == ["cancelled"]


def test_busy_changed_toggles_with_running_work(qtbot, runner):
    states = []
    runner.busy_changed.connect(states.append)
    release = threading.Event()
    task = runner.run(lambda progress: release.wait(5))
    assert runner.busy and states == [True]
    with qtbot.waitSignal(task.finished, timeout=5000):
        release.set()
    assert states == [True, False] and not runner.busy


def test_progress_dialog_cancel_button_cancels_the_task(qtbot, runner):
    started, outcome = threading.Event(), []

    def work(progress):
        progress.update(0, None, "Importing sales…")
        started.set()
        progress.token.wait(10)  # until Cancel is clicked
        progress.raise_if_cancelled()

    task, dialog = run_with_progress(
        None, runner, "Importing", work, on_cancelled=lambda: outcome.append("cancelled")
    )
    qtbot.addWidget(dialog)
    assert started.wait(5)
    buttons = [b for b in dialog.findChildren(QPushButton) if b.text() == "Cancel"]
    assert buttons, dialog.findChildren(QDialogButtonBox)
    with qtbot.waitSignal(task.finished, timeout=5000):
        qtbot.mouseClick(buttons[0], Qt.MouseButton.LeftButton)
    assert outcome == ["cancelled"]
    assert not dialog.isVisible()
