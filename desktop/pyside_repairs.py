"""Keep ``None`` alive under a PySide6 that drops references to it.

PySide6 6.12.0 on Python 3.11 returns ``None`` from every void C++ method
(``QLabel.setText``, ``QWidget.setVisible``, ``repaint`` ...) without giving the
caller a reference, so each call takes one reference away from ``None``. The
door updates a few dozen labels per scan; within a few thousand scans the
interpreter aborts ("none_dealloc: deallocating None"). Python 3.12 made
``None`` immortal; on 3.11 this gives it so many references that they cannot
run out. Checked at run time: nothing happens where the bug is absent.

(The ticket-printing branch needs the same repair under the same name;
``desktop.background`` repairs the ``True`` that ``Signal.emit`` drops.)
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject

#: far more references than a process can ever take away
RESERVE = 1 << 40
_repaired = False


def none_references_dropped(calls: int = 32) -> int:
    """How many references to None ``calls`` void Qt calls lose (0 when healthy)."""
    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(calls):
        probe.setObjectName("probe")
    return max(0, before - sys.getrefcount(None))


def repair_none_refcount() -> bool:
    """Give ``None`` a reserve of references if void Qt calls lose them; True if repaired."""
    global _repaired
    if _repaired:
        return True
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    if none_references_dropped() == 0:
        return False
    ctypes.c_ssize_t.from_address(id(None)).value += RESERVE  # ob_refcnt leads every object
    _repaired = True
    return True
