"""``houselights report ladder``: the dashboard's figures on the command line."""

from __future__ import annotations

import json

from desktop.cli import main
from infrastructure.bootstrap import bootstrap
from infrastructure.config import resolve
from projections import ladder


def test_report_ladder_prints_patrons_per_rung_as_json_and_as_a_table(capsys, tmp_path):
    data = str(tmp_path / "data")
    assert main(["--data", data, "demo", "--patrons", "60"]) == 0
    capsys.readouterr()
    assert main(["--data", data, "report", "ladder", "--json"]) == 0
    counts = json.loads(capsys.readouterr().out)
    assert list(counts) == ["prospect", "tryer", "buyer", "advocate", "lapsed"]
    services = bootstrap(resolve(data))
    try:
        assert counts == ladder.rung_counts(services.runner.db())
        patrons = services.runner.db().conn.execute("SELECT count(*) FROM patrons").fetchone()[0]
    finally:
        services.close()
    assert sum(counts.values()) == patrons
    assert counts["tryer"] > 0 and counts["buyer"] > 0

    assert main(["--data", data, "report", "ladder"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split()[:2] == ["Tryer", f"{counts['tryer']:,}"]
    assert lines[-1].split() == ["Everyone", f"{patrons:,}"]
