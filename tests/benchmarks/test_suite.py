"""The benchmark suite runs end to end on a tiny organization, so it cannot rot.

No timing is asserted (speed is measured by ``python -m benchmarks``, never by
tests): only that every figure the issue asks for is produced, in the table
and in the JSON.
"""

from __future__ import annotations

import json
import math

from benchmarks import organization, run

FIGURES = (
    "scan_p50_ms",
    "scan_p99_ms",
    "search_p99_ms",
    "timeline_open_ms",
    "timeline_open_max_ms",
    "rebuild_events_per_s",
    "raw_rows_per_s",
    "rebuild_ratio",
    "rebuild_ratio_cpu",
    "append_p50_ms",
    "append_p99_ms",
    "import_rows_per_s",
    "cold_start_s",
    "peak_rss_mb",
)


def test_the_suite_produces_every_figure(tmp_path, monkeypatch, capsys, qapp):
    monkeypatch.setenv("HOUSELIGHTS_BENCH_CACHE", str(tmp_path / "cache"))
    out = tmp_path / "figures.json"

    figures = run.main(["--size", "tiny", "--quick", "--scans", "40", "--json", str(out)])

    written = json.loads(out.read_text())
    assert set(FIGURES) <= set(written["summary"])
    for name in FIGURES:
        value = written["summary"][name]
        assert isinstance(value, (int, float)) and math.isfinite(value) and value > 0, name
    assert written["organization"]["events"] == figures["organization"]["events"] > 2000
    assert written["timeline"]["interactions"] == organization.BUSY_INTERACTIONS
    assert written["door"]["n"] == 40 and "admit" in written["door"]["verdicts"]
    assert written["rebuild"]["rows"] > 0 and written["rebuild"]["events"] > 2000
    assert [g["size"] for g in written["memory_growth"]] == ["tiny", "tiny"]
    assert written["machine"]["sqlite"]
    table = capsys.readouterr().out
    for label in (
        "scan to verdict",
        "search as you type",
        "open a timeline",
        "rebuild vs raw",
        "append one interaction",
        "sales import",
        "cold start",
        "peak resident memory",
        "memory at",
    ):
        assert label in table


def test_the_organization_is_cached_by_seed_and_size(tmp_path, monkeypatch):
    monkeypatch.setenv("HOUSELIGHTS_BENCH_CACHE", str(tmp_path))
    folder, facts = organization.ensure("tiny", seed=3, log=lambda _: None)
    again, same = organization.ensure("tiny", seed=3, log=lambda _: None)
    other, _ = organization.ensure("tiny", seed=4, log=lambda _: None)

    assert again == folder and same == facts  # reused, not generated again
    _, fresh = organization.ensure("tiny", seed=3, force=True, log=lambda _: None)
    assert (fresh["events"], fresh["patrons"], fresh["tickets"], fresh["orders"]) == (
        facts["events"],
        facts["patrons"],
        facts["tickets"],
        facts["orders"],
    )  # the seed decides the organization
    assert other != folder
    assert organization.code_version() in folder.name
    assert facts["events"] > facts["patrons"] > 0 and facts["tickets"] > 0
