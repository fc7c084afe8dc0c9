"""Work around PySide6 6.12.0 dropping a reference to ``None`` on Python 3.11.

Every call of a Qt method that returns nothing (``QPainterPath.addRect``,
``QPainter.setPen``, ``QLabel.setText``, ...) gives back ``None`` without the
reference it owes. ``None`` starts with a few thousand references, so after a
few thousand such calls (one page of tickets paints several hundred bars and
QR modules) the interpreter aborts with "none_dealloc: deallocating None".

On Python 3.12 and newer ``None`` is immortal and nothing happens. Where the
loss is measured, ``repair_none_refcount`` gives ``None`` a reserve of 2**40
references, which is what immortality means in practice: no program runs that
many calls. Checked at run time, so it does nothing where the bug is absent.
Idempotent. ``desktop.background`` repairs the same bug for ``True`` from
``Signal.emit``.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QRectF

RESERVE = 1 << 40
_repaired = False


def none_references_dropped(calls: int = 16) -> int:
    """How many references to None ``calls`` void Qt calls lose (0 when healthy)."""
    probe = QRectF()
    before = sys.getrefcount(None)
    for _ in range(calls):
        probe.setWidth(1.0)
    return max(0, before - sys.getrefcount(None))


def repair_none_refcount() -> bool:
    """Give ``None`` a reserve of references if void Qt calls lose them; True if repaired."""
    global _repaired
    if _repaired:
        return True
    if none_references_dropped() == 0:
        return False
    if sys.implementation.name != "cpython":
        return False
    refcount = ctypes.c_ssize_t.from_address(id(None))  # ob_refcnt leads every PyObject
    refcount.value += RESERVE
    _repaired = True
    return True


repair_none_refcount()
