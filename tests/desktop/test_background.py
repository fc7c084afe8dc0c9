"""The background-work helper: work off the GUI thread, answers on it."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QThread
from PySide6.QtWidgets import QPushButton

from desktop.background import BackgroundRunner, Cancelled, CancelToken, Task, run_with_progress

TIMEOUT = 120_000  # ms; every wait below ends on a signal or condition, never on time
#: seconds a held worker waits for its event: the event always comes (the test sets it);
#: the bound only stops a broken test from hanging, never decides an outcome
HOLD = 120


@pytest.fixture
def runner(qtbot):
    runner = BackgroundRunner()
    yield runner
    assert runner.shutdown(TIMEOUT)


def on_gui_thread() -> bool:
    return QThread.currentThread() is QCoreApplication.instance().thread()


def test_result_arrives_on_the_gui_thread_and_work_ran_elsewhere(qtbot, runner):
    seen = {}

    def work(progress, a, b, *, times):
        seen["worker_on_gui"] = on_gui_thread()
        return (a + b) * times

    def done(result):
        seen["result"] = result
        seen["callback_on_gui"] = on_gui_thread()

    task = runner.run(work, 2, 3, times=10, on_done=done)
    with qtbot.waitSignal(task.finished, timeout=TIMEOUT):
        pass
    assert seen == {"worker_on_gui": False, "result": 50, "callback_on_gui": True}
    assert task.done and task.result == 50 and task.error is None


def test_errors_are_delivered_with_the_exception_and_traceback(qtbot, runner):
    errors, done = [], []

    def work(progress):
        raise ValueError("the CSV file has no header row")

    task = runner.run(
        work,
        on_done=done.append,
        on_error=lambda e, tb: errors.append((e, tb, on_gui_thread())),
    )
    with qtbot.waitSignal(task.finished, timeout=TIMEOUT):
        pass
    [(error, text, gui)] = errors
    assert isinstance(error, ValueError) and "no header row" in str(error)
    assert "Traceback" in text and "no header row" in text and gui
    assert task.error is error and not done


def test_progress_updates_arrive_in_order_on_the_gui_thread(qtbot, runner):
    updates, threads = [], set()

    def work(progress):
        for i in range(1, 201):
            progress.update(i, 200, f"row {i}")
        progress.update(201)  # total unknown

    def on_progress(done, total, message):
        updates.append((done, total, message))
        threads.add(on_gui_thread())

    task = runner.run(work, on_progress=on_progress)
    with qtbot.waitSignal(task.finished, timeout=TIMEOUT):
        pass
    # Queued from one thread, so every update is delivered before the result.
    assert updates == [(i, 200, f"row {i}") for i in range(1, 201)] + [(201, -1, "")]
    assert threads == {True}


def test_cancel_stops_a_long_loop_and_reports_cancellation_not_error(qtbot, runner):
    started, outcome, rounds = threading.Event(), [], []

    def work(progress):
        while True:  # would run forever without the cancel
            progress.raise_if_cancelled()
            rounds.append(len(rounds))
            started.set()
            progress.token.wait(0.005)  # an Event wait, returns at once on cancel

    task = runner.run(
        work,
        on_done=lambda r: outcome.append("done"),
        on_error=lambda e, t: outcome.append(("error", e)),
        on_cancelled=lambda: outcome.append(("cancelled", on_gui_thread())),
    )
    assert started.wait(HOLD)
    with qtbot.waitSignal(task.finished, timeout=TIMEOUT):
        task.cancel()
    assert outcome == [("cancelled", True)]
    assert task.done and task.cancelled and task.error is None and rounds


def test_work_that_returns_after_a_cancel_counts_as_cancelled(qtbot, runner):
    outcome, release = [], threading.Event()

    def work(progress):
        release.wait(HOLD)
        return "finished anyway" if progress.cancelled else "unexpected"

    task = runner.run(
        work, on_done=outcome.append, on_cancelled=lambda: outcome.append("cancelled")
    )
    task.cancel()
    with qtbot.waitSignal(task.finished, timeout=TIMEOUT):
        release.set()
    assert outcome == ["cancelled"] and task.result is None


def test_work_cancelled_while_queued_never_starts(qtbot, runner):
    release, ran, outcome = threading.Event(), [], []
    blockers = [runner.run(lambda progress: release.wait(HOLD)) for _ in range(2)]  # fill the pool
    queued = runner.run(
        lambda progress: ran.append("ran"), on_cancelled=lambda: outcome.append("cancelled")
    )
    queued.cancel()
    with qtbot.waitSignal(queued.finished, timeout=TIMEOUT):
        release.set()
    qtbot.waitUntil(lambda: all(task.done for task in blockers), timeout=TIMEOUT)
    assert outcome == ["cancelled"] and ran == []


def test_busy_changed_toggles_with_running_work(qtbot, runner):
    states = []
    runner.busy_changed.connect(states.append)
    first, second = threading.Event(), threading.Event()
    a = runner.run(lambda progress: first.wait(HOLD))
    b = runner.run(lambda progress: second.wait(HOLD))
    assert runner.busy and runner.running == 2 and states == [True]
    with qtbot.waitSignal(a.finished, timeout=TIMEOUT):
        first.set()
    assert states == [True] and runner.busy  # one still running
    with qtbot.waitSignal(runner.busy_changed, timeout=TIMEOUT) as idle:
        second.set()
    assert idle.args == [False] and b.done
    assert states == [True, False] and not runner.busy and runner.running == 0


def test_work_started_from_on_done_keeps_the_runner_busy(qtbot, runner):
    states, results = [], []
    runner.busy_changed.connect(states.append)

    def chain(result):
        results.append(result)
        if result < 3:
            runner.run(lambda progress: result + 1, on_done=chain)

    with qtbot.waitSignal(runner.busy_changed, timeout=TIMEOUT, check_params_cb=lambda b: not b):
        runner.run(lambda progress: 1, on_done=chain)
    assert results == [1, 2, 3] and states == [True, False]


def test_a_callback_that_raises_does_not_leave_the_runner_busy(qtbot, runner):
    def broken(result):
        raise RuntimeError("bug in a callback")

    with qtbot.capture_exceptions() as exceptions:
        task = runner.run(lambda progress: 42, on_done=broken)
        with qtbot.waitSignal(runner.busy_changed, timeout=TIMEOUT):
            pass
    assert [str(e[1]) for e in exceptions] == ["bug in a callback"]
    assert task.done and task.result == 42 and not runner.busy


def test_finished_tasks_are_let_go(qtbot, runner):
    tasks = [runner.run(lambda progress, i=i: i) for i in range(20)]
    qtbot.waitUntil(lambda: all(task.done for task in tasks), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: not runner.findChildren(Task), timeout=TIMEOUT)
    assert [task.result for task in tasks] == list(range(20))  # still readable
    tasks[0].cancel()  # harmless on a finished task


def test_run_must_be_called_from_the_gui_thread(runner):
    errors = []

    def elsewhere():
        try:
            runner.run(lambda progress: None)
        except RuntimeError as error:
            errors.append(error)

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join(HOLD)
    assert len(errors) == 1


def test_wait_for_all_waits_for_running_work(qtbot, runner):
    release, finished = threading.Event(), threading.Event()

    def work(progress):
        release.wait(HOLD)
        finished.set()

    runner.run(work)
    assert not runner.wait_for_all(0)
    release.set()
    assert runner.wait_for_all(TIMEOUT) and finished.is_set()


def test_cancel_token():
    token = CancelToken()
    assert not token.cancelled
    token.raise_if_cancelled()
    token.cancel()
    assert token.cancelled and token.wait(0)
    with pytest.raises(Cancelled):
        token.raise_if_cancelled()


# -- the progress dialog ------------------------------------------------------------------


def cancel_button(dialog) -> QPushButton:
    [button] = [b for b in dialog.findChildren(QPushButton) if b.text() == "Cancel"]
    return button


def test_progress_dialog_follows_the_work_and_closes_itself(qtbot, runner):
    counted, go_on, finish, results = threading.Event(), threading.Event(), threading.Event(), []

    def work(progress, rows):
        progress.update(0, None, "Counting rows…")
        counted.set()
        go_on.wait(HOLD)
        progress.update(3, rows, "Row 3 of 10")
        finish.wait(HOLD)
        return rows

    task, dialog = run_with_progress(None, runner, "Importing", work, 10, on_done=results.append)
    qtbot.addWidget(dialog)
    assert dialog.isVisible() and dialog.windowTitle() == "Importing"
    assert not dialog.isModal()
    assert counted.wait(HOLD)
    qtbot.waitUntil(lambda: dialog.labelText() == "Counting rows…", timeout=TIMEOUT)
    assert (dialog.minimum(), dialog.maximum()) == (0, 0)  # busy bar: total unknown
    go_on.set()
    qtbot.waitUntil(lambda: dialog.maximum() == 10, timeout=TIMEOUT)
    assert dialog.value() == 3 and dialog.labelText() == "Row 3 of 10"
    with qtbot.waitSignal(task.finished, timeout=TIMEOUT):
        finish.set()
    assert results == [10] and not dialog.isVisible() and not task.cancelled


def test_progress_dialog_closes_on_error_too(qtbot, runner):
    errors = []

    def work(progress):
        raise OSError("disk full")

    task, dialog = run_with_progress(
        None, runner, "Exporting", work, on_error=lambda e, tb: errors.append(e)
    )
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(task.finished, timeout=TIMEOUT):
        pass
    assert [str(e) for e in errors] == ["disk full"] and not dialog.isVisible()


def test_progress_dialog_cancel_button_cancels_the_task(qtbot, runner):
    started, outcome = threading.Event(), []

    def work(progress):
        progress.update(0, None, "Importing sales…")
        started.set()
        while not progress.token.wait(0.005):  # the long loop, until Cancel
            progress.update(1, None, "Still importing…")
        progress.raise_if_cancelled()

    task, dialog = run_with_progress(
        None,
        runner,
        "Importing",
        work,
        on_cancelled=lambda: outcome.append("cancelled"),
        on_error=lambda e, t: outcome.append("error"),
    )
    qtbot.addWidget(dialog)
    assert started.wait(HOLD)
    with qtbot.waitSignal(task.finished, timeout=TIMEOUT):
        qtbot.mouseClick(cancel_button(dialog), Qt.MouseButton.LeftButton)
        assert dialog.labelText() == "Stopping…"
    assert outcome == ["cancelled"] and task.cancelled
    assert not dialog.isVisible()


#: a runner (or a window owning one) nobody keeps after its work has ended; the finished
#: task's deletion comes after that
DROPPED_RUNNER = """
import sys
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication, QWidget
from desktop.background import BackgroundRunner

app = QApplication([])
CASE = sys.argv[1]

def work(progress):
    if CASE == "failed":
        raise OSError("the network drive went away")
    return 42

class Window(QWidget):  # a window without a parent, its answers wired to itself
    def __init__(self):
        super().__init__()
        self.background = BackgroundRunner(self)
        self.answers = []

    def start(self):
        self.background.run(work, on_done=lambda result: self.answers.append(result))

for n in range(6):
    if CASE == "window":
        owner = Window()
        owner.start()
        answers, runner = owner.answers, owner.background
    else:
        owner = runner = BackgroundRunner()
        answers = []
        runner.run(work, on_done=answers.append, on_error=lambda error, _t: answers.append(error))
    while not answers:
        app.processEvents()
    runner.shutdown()
    del owner, runner  # the last references: only the finished task's wiring is left
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    app.processEvents()
print("all", n + 1, "let go")
"""


@pytest.mark.parametrize("outcome", ["done", "failed", "window"])
def test_a_runner_let_go_after_its_work_ended_is_deleted_once(tmp_path, outcome):
    """A runner without a parent (or a window without one that owns a runner) was kept
    alive only by the callbacks wired to its finished task; deleting the task released
    them, which deleted the runner, which deleted the task a second time (a crash in
    ~QObject, seen in the suite at random places). Run in a child process: a crash here
    must not take the suite with it."""
    import os
    import subprocess
    import sys

    script = tmp_path / "dropped_runner.py"
    script.write_text(DROPPED_RUNNER)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    finished = subprocess.run(
        [sys.executable, "-X", "faulthandler", str(script), outcome],
        capture_output=True,
        text=True,
        env=env,
        timeout=HOLD,
    )
    assert finished.returncode == 0, finished.stderr[-2000:]
    assert finished.stdout.strip() == "all 6 let go"
