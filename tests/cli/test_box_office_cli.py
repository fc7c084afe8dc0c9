"""``houselights performances`` and ``houselights tickets``, and the demo box office."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime

import pytest

from desktop.cli import main
from infrastructure.bootstrap import bootstrap
from infrastructure.config import resolve
from projections import box_office, timeline


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory) -> tuple[str, dict]:
    """One demo organization for the module (read-only tests)."""
    data = str(tmp_path_factory.mktemp("demo") / "data")
    code = main(["--data", data, "demo", "--patrons", "200", "--json"])
    assert code == 0
    services = bootstrap(resolve(data))
    try:
        made = {"lost": box_office.lost_contacts(services.runner.db())}
    finally:
        services.close()
    return data, made


def test_performances_json_lists_every_performance_in_time_order(capsys, demo_data):
    data, _ = demo_data
    code, out, _ = run(capsys, "--data", data, "performances", "--json")
    assert code == 0
    listed = json.loads(out)
    assert listed and all(
        set(p) == {"id", "title", "starts_at", "capacity", "sold", "admitted"} for p in listed
    )
    assert [p["starts_at"] for p in listed] == sorted(p["starts_at"] for p in listed)
    now = datetime.now(tz=UTC).isoformat()
    assert any(p["starts_at"] < now for p in listed) and any(p["starts_at"] > now for p in listed)
    assert all(0 <= p["sold"] <= p["capacity"] for p in listed)
    assert sum(p["sold"] for p in listed) > 0

    _, out, _ = run(capsys, "--data", data, "performances", "--upcoming", "--json")
    current = (datetime.now(tz=UTC) - box_office.STILL_CURRENT).isoformat()
    upcoming = [p["id"] for p in listed if p["starts_at"] >= current]
    assert [p["id"] for p in json.loads(out)] == upcoming and len(upcoming) < len(listed)


def test_tickets_json_lists_codes_patrons_and_statuses(capsys, demo_data):
    data, _ = demo_data
    _, out, _ = run(capsys, "--data", data, "performances", "--json")
    for performance in json.loads(out):
        code, out, _ = run(
            capsys, "--data", data, "tickets", "--performance", performance["id"], "--json"
        )
        assert code == 0
        tickets = json.loads(out)
        assert all(set(t) == {"code", "patron_id", "status"} for t in tickets)
        statuses = Counter(t["status"] for t in tickets)
        assert set(statuses) <= {"valid", "refunded", "exchanged", "admitted"}
        # Seats sold are exactly the tickets that still let someone in.
        assert statuses["valid"] + statuses["admitted"] == performance["sold"]
        assert len({t["code"] for t in tickets}) == len(tickets)


def test_readable_tables_without_json(capsys, demo_data):
    data, _ = demo_data
    _, out, _ = run(capsys, "--data", data, "performances")
    assert "Hamlet" in out and "performances" in out.splitlines()[-1]
    first_id = out.splitlines()[1].split()[-1]
    _, listing, _ = run(capsys, "--data", data, "performances", "--json")
    first = json.loads(listing)[0]  # the demo's earlier season comes first
    assert first["id"] == first_id
    code, out, _ = run(capsys, "--data", data, "tickets", "--performance", first_id)
    assert code == 0
    assert out.startswith(f"{first['title']}, ") and out.splitlines()[-1].endswith("tickets")


def test_an_unknown_performance_gets_a_plain_message(capsys, demo_data):
    data, _ = demo_data
    code, out, err = run(capsys, "--data", data, "tickets", "--performance", "no-such-show")
    assert code == 1 and out == ""
    assert "could not find that performance" in err


def test_the_demo_has_a_believable_box_office(demo_data):
    data, made = demo_data
    services = bootstrap(resolve(data))
    try:
        db = services.runner.db()
        counts = dict(
            db.conn.execute(
                "SELECT 'subscriptions', count(*) FROM bo_subscriptions UNION ALL"
                " SELECT 'memberships', count(*) FROM bo_memberships UNION ALL"
                " SELECT 'donations', count(*) FROM bo_donations UNION ALL"
                " SELECT 'thanked', count(acknowledged_how) FROM bo_donations UNION ALL"
                " SELECT 'refunded', count(*) FROM bo_orders WHERE refunded_cents > 0"
            ).fetchall()
        )
        assert made["lost"] > 0
        assert all(n > 0 for n in counts.values()), counts
        assert counts["thanked"] < counts["donations"]
        buyer = db.conn.execute(
            "SELECT patron_id FROM bo_orders WHERE patron_id IS NOT NULL LIMIT 1"
        ).fetchone()[0]
        kinds = {row["kind"] for row in timeline.rows(db, buyer)}
        assert "purchase" in kinds
        assert box_office.patron_stats(db, buyer)["lifetime_spend_cents"] >= 0
    finally:
        services.close()


def test_the_demo_is_the_same_for_the_same_seed(capsys, tmp_path):
    def performances(folder: str) -> list:
        run(capsys, "--data", folder, "demo", "--patrons", "60", "--seed", "7")
        _, out, _ = run(capsys, "--data", folder, "performances", "--json")
        return [(p["title"], p["capacity"], p["sold"]) for p in json.loads(out)]

    assert performances(str(tmp_path / "a")) == performances(str(tmp_path / "b"))
