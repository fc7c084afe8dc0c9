"""``erase --json`` pinned key by key: the erasure's result keeps its shape whatever
type carries it inside (issue 21: results cross the service boundary as dataclasses)."""

from __future__ import annotations

import json

from tests.cli.test_erase_cli import make_patron, make_patron_named, run


def test_erase_json_keeps_its_keys_order_and_values(capsys, monkeypatch, tmp_path):
    data = tmp_path / "data"
    patron_id = make_patron(data)
    assert run(capsys, "--data", str(data), "backup")[0] == 0
    other = make_patron_named(data, "Ottilie", "Fernwhistle")
    gone = tmp_path / "gone"
    monkeypatch.setattr("desktop.cli_backups.configured_folder", lambda: str(gone))

    code, out, _ = run(capsys, "--data", str(data), "erase", other, "--yes", "--json")

    assert code == 1  # the unplugged folder still holds the data
    result = json.loads(out)
    assert list(result) == [
        "patron_id",
        "records",
        "recorded",
        "events_redacted",
        "snapshots_deleted",
        "events_replayed",
        "backups",
        "seconds",
    ]
    assert result["patron_id"] == other and result["records"] == [other]
    assert result["recorded"] is True
    assert result["events_redacted"] >= 1 and result["snapshots_deleted"] >= 0
    assert isinstance(result["events_replayed"], int) and result["events_replayed"] > 0
    assert isinstance(result["seconds"], float)
    backups = result["backups"]
    assert list(backups) == ["cleaned", "deleted", "not_cleaned", "events_redacted", "seconds"]
    made = next((data / "backups").glob("houselights-*.sqlite"))
    assert backups["cleaned"] == [str(made)] and backups["deleted"] == []
    assert backups["not_cleaned"] == [
        {
            "path": str(gone),
            "reason": "the backup folder is not there (a USB stick or network folder "
            "not connected?); backups in it still hold the data",
        }
    ]
    assert backups["events_redacted"] == 0  # the backup was made before Ottilie came
    assert isinstance(backups["seconds"], float)
    # the patron erased first is untouched by this second erasure's result
    assert patron_id not in result["records"]
