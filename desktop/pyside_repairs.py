"""Keep None, True and False alive under a PySide6 that drops their references.

PySide6 6.12.0 on Python 3.11 returns ``None`` from every void C++ method
(``QLabel.setText``, ``QWidget.setVisible``, ``repaint`` ...) without giving the
caller a reference, so each call takes one reference away from ``None``. A
window that updates a few dozen labels per door scan uses up ``None``'s
references within a few thousand scans and the interpreter aborts
("none_dealloc: deallocating None"). Python 3.12 made these objects immortal;
on 3.11 this gives them so many references that they can never run out.

Checked at run time: nothing happens on a Python or PySide without the bug.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject

#: far more references than a process can ever take away
_PLENTY = 1 << 40


def _void_call_drops_a_reference(calls: int = 32) -> bool:
    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(calls):
        probe.setObjectName("probe")
    return sys.getrefcount(None) <= before - calls // 2


def keep_singletons_alive() -> bool:
    """Returns whether the repair was needed (and is now in place)."""
    if sys.version_info >= (3, 12) or getattr(sys, "_houselights_singletons_kept", False):
        return getattr(sys, "_houselights_singletons_kept", False)
    if not _void_call_drops_a_reference():
        return False
    for singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(singleton)).value += _PLENTY
    sys._houselights_singletons_kept = True
    return True
