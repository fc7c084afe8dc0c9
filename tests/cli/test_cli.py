"""The houselights command, as an office manager or a support person uses it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from desktop.cli import main
from projections import all_projections


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def data(tmp_path):
    return str(tmp_path / "data")


def test_version_is_printed(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.startswith("houselights ")


def test_demo_then_status_counts_events_patrons_and_positions(capsys, data):
    code, out, _ = run(capsys, "--data", data, "demo", "--patrons", "40", "--json")
    assert code == 0
    made = json.loads(out)
    # captured walk-ups are patrons too, and so are the demo's duplicate records
    assert made["patrons"] == 40 + made["walk_ups"] + made["duplicates"]

    code, out, _ = run(capsys, "--data", data, "status", "--json")
    status = json.loads(out)
    assert code == 0
    assert status["patrons"] == made["patrons"]
    assert status["events"] == made["events"] > 40
    assert set(status["projections"]) == {p.name for p in all_projections()}
    for projection in status["projections"].values():
        assert projection == {"position": status["events"], "lag": 0}


def test_status_reports_lag_for_events_not_yet_projected(capsys, data, tmp_path):
    from infrastructure.bootstrap import bootstrap
    from infrastructure.config import resolve

    run(capsys, "--data", data, "demo", "--patrons", "5")
    # Another workstation (no projections here) appends two events.
    other = bootstrap(resolve(data), projections=[], catch_up=False)
    other.app.register_patron("Late", "Arrival", email="late@example.org")
    other.close()
    _, out, _ = run(capsys, "--data", data, "status", "--json")
    status = json.loads(out)
    # Registered, plus the email index entry opened for the new patron: two events.
    assert status["projections"]["timeline"]["lag"] == 2
    assert status["projections"]["timeline"]["position"] == status["events"] - 2


def test_patrons_search_prints_id_name_email_and_last_activity(capsys, data):
    from infrastructure.bootstrap import bootstrap
    from infrastructure.config import resolve

    services = bootstrap(resolve(data))
    ada = services.app.register_patron("Ada", "Lovelace", email="ada@example.org")
    services.app.register_patron("Grace", "Hopper", email="grace@example.org")
    services.close()

    code, out, _ = run(capsys, "--data", data, "patrons", "--search", "lovel", "--json")
    assert code == 0
    [found] = json.loads(out)
    assert found == {
        "id": ada,
        "name": "Ada Lovelace",
        "email": "ada@example.org",
        "last_activity": found["last_activity"],
    }
    assert found["last_activity"].endswith("+00:00")  # ISO 8601 with its offset
    _, out, _ = run(capsys, "--data", data, "patrons", "--json")
    assert [p["name"] for p in json.loads(out)] == ["Grace Hopper", "Ada Lovelace"]


def test_rebuild_gives_the_same_answers(capsys, data):
    run(capsys, "--data", data, "demo", "--patrons", "30")
    _, before, _ = run(capsys, "--data", data, "patrons", "--limit", "100", "--json")
    code, out, _ = run(capsys, "--data", data, "rebuild", "--json")
    assert code == 0
    assert json.loads(out)["applied"] > 30
    _, after, _ = run(capsys, "--data", data, "patrons", "--limit", "100", "--json")
    assert json.loads(after) == json.loads(before)


def test_bad_store_address_gets_a_plain_message(capsys, data):
    code, _, err = run(capsys, "--data", data, "--store", "mysql://db/x", "status")
    assert code == 2
    assert "must start with postgresql://" in err


def test_damaged_event_store_is_reported_and_left_untouched(capsys, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    garbage = bytes(range(256)) * 40
    (data / "events.sqlite").write_bytes(garbage)
    code, _, err = run(capsys, "--data", str(data), "status")
    assert code == 3
    assert "is not a Houselights database" in err and "has not changed it" in err
    assert (data / "events.sqlite").read_bytes() == garbage


def test_environment_variable_chooses_the_data_folder(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("HOUSELIGHTS_DATA", str(tmp_path / "from-env"))
    run(capsys, "demo", "--patrons", "3")
    assert (tmp_path / "from-env" / "events.sqlite").exists()
    assert (tmp_path / "from-env" / "readmodels.sqlite").exists()


def test_console_script_runs_in_a_fresh_process(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "desktop.cli", "--data", str(tmp_path), "status", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["events"] == 0
