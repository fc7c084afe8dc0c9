"""``check-in`` when the shared store does not answer, ``sync`` and ``status``'s queue.

The door workstation reaches the real PostgreSQL test server through a loopback proxy
(``tests/door_proxy.py``) that drops its connections, as a weak Wi-Fi would.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest

from desktop.cli import main
from domain.ticket_codes import ticket_id
from infrastructure.bootstrap import bootstrap
from infrastructure.config import resolve
from tests.door_proxy import DROP, PASS, FlakyProxy


@pytest.fixture
def night(tmp_path, postgres_db):
    office = bootstrap(
        resolve(tmp_path / "office", store=postgres_db), staff="maria", workstation="box-office"
    )
    app = office.app
    show = app.schedule_performance(
        app.create_production("Aida"), datetime.now(tz=UTC) + timedelta(hours=2), 50, {"Adult": 900}
    )
    rosa = app.register_patron("Rosa", "Silva", tags=["jazz"])
    code = app.sell_tickets(show, {"Adult": 1}, patron_id=rosa).codes[0]
    parts = urlsplit(postgres_db)
    proxy = FlakyProxy(parts.hostname, parts.port)
    yield office, show, code, proxy, proxy.url(postgres_db)
    proxy.close()
    office.close()


def run(capsys, *argv: str) -> tuple[int, dict]:
    status = main(list(argv))
    out = capsys.readouterr()
    assert out.out, out.err
    return status, json.loads(out.out)


def test_check_in_with_the_store_gone_answers_from_the_door_and_sync_sends_it(
    capsys, tmp_path, night
):
    office, show, code, proxy, url = night
    data = str(tmp_path / "door")
    door = ["--data", data, "--store", url]
    status, result = run(capsys, *door, "status", "--json")
    assert status == 0 and result["queued"] == 0
    status, shows = run(capsys, *door, "performances", "--json")  # online minutes before
    assert [s["id"] for s in shows] == [show]
    proxy.set_mode(DROP)

    status, admitted = run(
        capsys, *door, "check-in", code, "--performance", show, "--door", "Side door", "--json"
    )
    assert status == 0
    assert (admitted["verdict"], admitted["offline"], admitted["queued"]) == ("admit", True, 1)
    assert admitted["patron"]["first_name"] == "Rosa"
    status, again = run(capsys, *door, "check-in", code, "--performance", show, "--json")
    assert status == 1 and again["verdict"] == "already_admitted"
    assert again["admitted_door"] == "Side door" and again["queued"] == 2

    late = office.app.sell_tickets(show, {"Adult": 1}).codes[0]  # sold meanwhile
    status, unknown = run(capsys, *door, "check-in", late, "--performance", show, "--json")
    assert status == 1 and unknown["verdict"] == "unknown"
    assert unknown["problem"] == "not_known_here"
    assert "Not known here yet — may have been sold while offline" in unknown["message"]

    status, failed = run(capsys, *door, "sync", "--json")  # still gone: nothing lost
    assert status == 1 and failed["left"] == 3 and failed["sent"] == 0
    assert main([*door, "status"]) == 5  # a server problem: its own exit status (issue 19)
    said = capsys.readouterr().err
    assert "Cannot reach the server at" in said and "could not be read" not in said
    assert "check-in" in said and "sync" in said

    proxy.set_mode(PASS)
    status, result = run(capsys, *door, "status", "--json")
    assert result["queued"] == 3
    assert run(capsys, *door, "sync", "--json") == (0, {"sent": 3, "conflicts": 0, "left": 0})
    assert run(capsys, *door, "sync", "--json") == (0, {"sent": 0, "conflicts": 0, "left": 0})
    status, result = run(capsys, *door, "status", "--json")
    assert result["queued"] == 0
    ticket = office.app.store.get(ticket_id(code))
    assert ticket.admitted_door == "Side door"


def test_a_door_that_was_never_online_says_so(capsys, tmp_path, night):
    _office, show, code, proxy, url = night
    proxy.set_mode(DROP)
    status = main(
        [
            "--data",
            str(tmp_path / "new"),
            "--store",
            url,
            "check-in",
            code,
            "--performance",
            show,
            "--json",
        ]
    )
    assert status == 5  # the server is named, with why this door cannot go on alone
    said = capsys.readouterr().err
    assert "no copy of the tickets yet" in said and "Cannot reach the server" in said
