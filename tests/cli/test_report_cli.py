"""``houselights report attendance`` and ``houselights report thank-yous``: the same
figures as the Reports and Thank-yous screens."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from desktop.cli import main
from desktop.report_catalog import report
from infrastructure.bootstrap import bootstrap
from infrastructure.config import resolve
from projections import thank_yous


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


@pytest.fixture
def data(tmp_path):
    """Hamlet last week: three tickets sold, two people came; one thanked in time."""
    data = str(tmp_path / "data")
    services = bootstrap(resolve(data))
    app = services.app
    now = datetime.now(UTC)
    hamlet = app.schedule_performance(
        app.create_production("Hamlet"), now - timedelta(days=8), 30, {"Adult": 2000}
    )
    ada = app.register_patron("Ada", "Lovelace", email="ada@example.org")
    zoe = app.register_patron("Zoë", "Adams")
    for patron in (ada, zoe):
        code = app.sell_tickets(hamlet, {"Adult": 1}, patron_id=patron).codes[0]
        app.scan(code, hamlet, "North", occurred_at=now - timedelta(days=8))
    app.sell_tickets(hamlet, {"Adult": 1})  # nobody came with this one
    app.thank_patron(ada, "email", "attendance", hamlet, occurred_at=now - timedelta(days=6))
    app.record_donation(zoe, 5000, occurred_at=now - timedelta(days=1))
    services.close()
    return data


def test_report_attendance_json(capsys, data):
    code, out = run(capsys, "--data", data, "report", "attendance", "--json")
    assert code == 0
    [hamlet] = json.loads(out)
    assert {k: hamlet[k] for k in ("title", "sold", "admitted", "no_shows", "no_show_rate")} == {
        "title": "Hamlet",
        "sold": 3,
        "admitted": 2,
        "no_shows": 1,
        "no_show_rate": 0.3333,
    }
    assert set(hamlet) == {
        "id",
        "title",
        "starts_at",
        "capacity",
        "sold",
        "admitted",
        "no_shows",
        "no_show_rate",
    }
    # the screen's rows are the same figures
    services = bootstrap(resolve(data))
    try:
        assert report("attendance").rows(services.runner.db()) == json.loads(out)
    finally:
        services.close()

    code, out = run(capsys, "--data", data, "report", "attendance")
    assert "Hamlet" in out and "33%" in out and "1 performances" in out


def test_report_thank_yous_json(capsys, data):
    code, out = run(capsys, "--data", data, "report", "thank-yous", "--json")
    assert code == 0
    figures = json.loads(out)
    assert figures == {
        "attendees": {
            "waiting": 1,
            "thanked": 1,
            "week_over": 2,
            "thanked_within_7_days": 1,
            "share_within_7_days": 0.5,
        },
        "donors": {
            "waiting": 1,
            "thanked": 0,
            "week_over": 0,
            "thanked_within_7_days": 0,
            "share_within_7_days": None,
        },
    }
    services = bootstrap(resolve(data))
    try:
        assert thank_yous.promptness(services.runner.db()) == figures
    finally:
        services.close()

    code, out = run(capsys, "--data", data, "report", "thank-yous")
    assert out.splitlines() == [
        "Attendees: 1 waiting, 1 thanked; 50% of 2 thanked within 7 days",
        "Donors: 1 waiting, 0 thanked; no week over yet",
    ]


def test_report_needs_a_report_name(capsys, data):
    with pytest.raises(SystemExit) as stop:
        main(["--data", data, "report"])
    assert stop.value.code == 2
    assert "attendance" in capsys.readouterr().err


def test_report_shares_are_written_the_organizations_way(capsys, data):
    """A French organization reads "33 %" (a narrow no-break space before the sign, as
    French writes it), as on its screens; Python's own "33%" was printed before."""
    setup = ["setup", "--organization", "Théâtre du Pont", "--timezone", "Europe/Paris"]
    code, _ = run(capsys, "--data", data, *setup, "--currency", "EUR", "--country", "FR")
    assert code == 0
    code, out = run(capsys, "--data", data, "report", "attendance")
    assert code == 0
    assert "33\u202f%" in out and "33%" not in out
    code, out = run(capsys, "--data", data, "report", "thank-yous")
    assert code == 0
    assert "50\u202f% of 2 thanked within 7 days" in out
