"""The cyclic garbage collector held back during bulk work (``fewer_collections``)."""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

#: during bulk work the cyclic garbage collector runs its young collections this many
#: allocations apart (Python's default: 700)
BULK_GC_THRESHOLD = 100_000
_collections_lock = threading.Lock()
_collections_held = 0
_collections_saved: tuple[int, ...] = ()


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Spend less of bulk work on the cyclic garbage collector: an import (a sixth of
    its CPU) and the read models applied beside it (``projections/alongside.py``:
    0.1–0.15 s, 452 collections, of a 20,000-row import's 3 s).

    Such work allocates hundreds of thousands of objects (aggregates and their
    events, decoded events and rows), so the collector runs often, and each full
    collection walks every object of the process: the application's own (its modules,
    the read models' caches) as well. Inside the block those existing objects are set
    aside from collection (``gc.freeze``) and the young collections run further
    apart; the collector still runs, less often (this work makes few cycles: an
    import's memory is measured by ``tests/imports/test_big_sales_files.py``). The
    first to enter sets this up, the last to leave puts the collector back as it was
    (imports may overlap on two threads)."""
    global _collections_held, _collections_saved
    with _collections_lock:
        _collections_held += 1
        if _collections_held == 1:
            _collections_saved = gc.get_threshold()
            gc.freeze()
            gc.set_threshold(BULK_GC_THRESHOLD, *_collections_saved[1:])
    try:
        yield
    finally:
        with _collections_lock:
            _collections_held -= 1
            if _collections_held == 0:
                gc.set_threshold(*_collections_saved)
                gc.unfreeze()
