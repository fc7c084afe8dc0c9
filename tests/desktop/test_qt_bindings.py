"""The Qt bindings must not leak or lose references: Python 3.11 aborts when they do.

PySide6 6.12.0 dropped a reference to ``None`` on every call returning nothing
(``setMaximum``, ``setText``...) and to ``True`` on every ``emit()``; after a few
thousand calls the interpreter aborted with "none_dealloc". pyproject.toml keeps
PySide6 below 6.12; these tests fail if an upgrade brings such a bug back.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QProgressBar

CALLS = 500


def test_calls_returning_nothing_keep_their_reference_to_none(qtbot):
    bar = QProgressBar()
    qtbot.addWidget(bar)
    before = sys.getrefcount(None)
    for n in range(CALLS):
        bar.setMaximum(n + 1)
    assert before - sys.getrefcount(None) < CALLS // 10


def test_emitting_a_signal_keeps_its_reference_to_true(qtbot):
    class Probe(QObject):
        ping = Signal()

    probe = Probe()
    before = sys.getrefcount(True)
    for _ in range(CALLS):
        probe.ping.emit()
    assert before - sys.getrefcount(True) < CALLS // 10
