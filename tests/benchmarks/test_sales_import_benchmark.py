"""The online-sales benchmark runs end to end on a small file, so it cannot rot; its
page count (``--pages``) counts what changed. No timing is asserted."""

from __future__ import annotations

import re
import sys

from benchmarks import bench_sales_import
from benchmarks.bench_sales_import import changed_pages


def test_changed_pages_counts_changed_and_added_pages(tmp_path):
    size = 512
    before, after = tmp_path / "before", tmp_path / "after"
    pages = [bytes([n]) * size for n in range(3)]
    before.write_bytes(b"".join(pages))
    after.write_bytes(pages[0] + b"x" * size + pages[2] + b"y" * size + b"z" * size)

    assert changed_pages(before, after, size) == (1, 2, 5)


def test_the_benchmark_counts_the_read_model_pages_an_import_changed(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(
        sys,
        "argv",
        ["bench", "--rows", "300", "--patrons", "0", "--no-dry-run", "--pages"],
    )
    monkeypatch.setattr(bench_sales_import.tempfile, "tempdir", str(tmp_path))

    bench_sales_import.main()

    out = capsys.readouterr().out
    found = re.search(r"read-model pages: ([\d,]+) changed and ([\d,]+) added", out)
    assert found, out
    changed, added = (int(n.replace(",", "")) for n in found.groups())
    assert changed + added > 0
    assert "300 tickets" in out
