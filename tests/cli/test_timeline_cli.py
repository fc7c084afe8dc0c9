"""``houselights timeline`` and ``patrons --json``'s last activity: what support sees
from the command line after a check-in at the door."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from desktop.cli import main
from infrastructure.bootstrap import bootstrap
from infrastructure.config import resolve


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_a_check_in_is_on_the_timeline_with_its_door_and_is_the_last_activity(capsys, tmp_path):
    data = str(tmp_path / "data")
    services = bootstrap(resolve(data), staff="maria", workstation="box-office-1")
    app = services.app
    show = app.schedule_performance(
        app.create_production("Aida"), datetime.now(tz=UTC) + timedelta(hours=2), 50, {"Adult": 900}
    )
    yesterday = datetime.now(tz=UTC) - timedelta(days=1)
    rosa = app.register_patron("Rosa", "Silva", source="walk-up", occurred_at=yesterday)
    code = app.sell_tickets(
        show, {"Adult": 2}, patron_id=rosa, channel="walk_up", occurred_at=yesterday
    ).codes[0]
    services.close()

    status, out, _ = run(
        capsys,
        "--data",
        data,
        "--staff",
        "jo",
        "check-in",
        code,
        "--performance",
        show,
        "--door",
        "Side door",
        "--json",
    )
    assert status == 0
    admitted_at = json.loads(out)["at"]

    status, out, _ = run(capsys, "--data", data, "timeline", rosa, "--json")
    assert status == 0
    entries = json.loads(out)
    newest = entries[0]
    assert set(newest) == {"at", "kind", "summary", "amount_cents", "by", "workstation"}
    assert newest["kind"] == "admission" and "Side door" in newest["summary"]
    assert newest["summary"].startswith("Admitted to Aida, ")
    assert newest["by"] == "jo" and newest["workstation"]
    assert datetime.fromisoformat(newest["at"]) == datetime.fromisoformat(admitted_at)
    assert datetime.fromisoformat(newest["at"]).utcoffset() is not None
    kinds = [e["kind"] for e in entries]
    assert {"purchase", "registered"} <= set(kinds)
    assert [e["at"] for e in entries] == sorted((e["at"] for e in entries), reverse=True)

    status, out, _ = run(capsys, "--data", data, "timeline", rosa, "--json", "--limit", "1")
    assert json.loads(out) == [newest]

    status, out, _ = run(capsys, "--data", data, "patrons", "--search", "Silva", "--json")
    assert status == 0
    [found] = json.loads(out)
    assert found["id"] == rosa
    assert datetime.fromisoformat(found["last_activity"]) == datetime.fromisoformat(admitted_at)

    status, out, _ = run(capsys, "--data", data, "timeline", rosa)
    assert status == 0 and out.startswith("Rosa Silva\n") and "Side door" in out


def test_timeline_says_clearly_what_is_wrong(capsys, tmp_path):
    data = str(tmp_path / "data")
    bootstrap(resolve(data)).close()
    status, out, err = run(capsys, "--data", data, "timeline", "no-such-patron", "--json")
    assert status == 1 and out == ""
    assert "could not find that patron" in err
    try:
        run(capsys, "--data", data, "timeline", "x", "--limit", "0")
    except SystemExit as stop:
        assert stop.code == 2
    assert "give 1 or more" in capsys.readouterr().err


def test_a_patron_who_never_did_anything_has_a_null_last_activity_never(capsys, tmp_path):
    """Every registered patron has at least their registration: never null for them."""
    data = str(tmp_path / "data")
    services = bootstrap(resolve(data))
    services.app.register_patron("Ada", "Lovelace")
    services.close()
    status, out, _ = run(capsys, "--data", data, "patrons", "--json")
    [ada] = json.loads(out)
    assert datetime.fromisoformat(ada["last_activity"]).utcoffset() is not None
