"""An import holds the cyclic garbage collector back while it runs (issue 16's speed:
a sixth of its CPU went to full collections walking the whole application) and
puts it back as it was afterwards, also when the import fails or two overlap."""

from __future__ import annotations

import gc
import threading

import pytest

from domain import collector
from domain.collector import BULK_GC_THRESHOLD, fewer_collections
from domain.errors import UnreadableSalesFile
from imports.sales_import import import_sales_file
from tests.imports.test_sales_trust import NY, sale, write


def test_an_import_runs_with_fewer_collections_and_restores_the_collector(store, tmp_path):
    before = gc.get_threshold(), gc.get_freeze_count()
    seen: list[tuple[int, bool]] = []

    def progress(done, total, phase):
        seen.append((gc.get_threshold()[0], gc.get_freeze_count() > 0))

    rows = [sale(f"O{n}", barcode=f"BC{n}", email=f"fan{n}@example.org") for n in range(5)]
    report = import_sales_file(store, write(tmp_path, rows), timezone=NY, progress=progress)

    assert report["imported"] == 5
    assert seen and set(seen) == {(BULK_GC_THRESHOLD, True)}
    assert (gc.get_threshold(), gc.get_freeze_count()) == before


def test_a_failed_import_restores_the_collector(store, tmp_path):
    before = gc.get_threshold(), gc.get_freeze_count()
    # no event column: refused before anything is imported
    path = tmp_path / "sales.csv"
    path.write_text("order_id,email\nO1,a@example.org\n", encoding="utf-8")
    with pytest.raises(UnreadableSalesFile):
        import_sales_file(store, path, timezone=NY)
    assert (gc.get_threshold(), gc.get_freeze_count()) == before


def test_overlapping_imports_restore_the_collector_when_the_last_ends():
    before = gc.get_threshold()
    inside, leave = threading.Event(), threading.Event()

    def other_import():
        with fewer_collections():
            inside.set()
            leave.wait()

    worker = threading.Thread(target=other_import)
    with fewer_collections():
        worker.start()
        inside.wait()
    # the first one left; the other still runs, held back
    assert gc.get_threshold()[0] == BULK_GC_THRESHOLD
    assert gc.get_freeze_count() > 0
    leave.set()
    worker.join()
    assert gc.get_threshold() == before
    assert collector._collections_held == 0
