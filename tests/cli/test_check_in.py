"""``houselights check-in``: the door's rules from the command line, as JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from desktop.cli import main
from infrastructure.bootstrap import bootstrap
from infrastructure.config import resolve


def test_check_in_admits_once_then_refuses_and_says_why(capsys, tmp_path):
    data = str(tmp_path / "data")
    services = bootstrap(resolve(data))
    app = services.app
    show = app.schedule_performance(
        app.create_production("Aida"), datetime.now(tz=UTC) + timedelta(hours=2), 50, {"Adult": 900}
    )
    rosa = app.register_patron("Rosa", "Silva", tags=["jazz"])
    code = app.sell_tickets(show, {"Adult": 1}, patron_id=rosa).codes[0]
    services.close()

    def check(text: str, door: str = "Side door") -> tuple[int, dict]:
        status = main(
            ["--data", data, "check-in", text, "--performance", show, "--door", door, "--json"]
        )
        return status, json.loads(capsys.readouterr().out)

    status, first = check(code.lower())
    assert status == 0 and first["verdict"] == "admit"
    assert first["patron"]["first_name"] == "Rosa" and first["patron"]["visit"] == 1
    assert first["patron"]["cues"] == ["first_visit"] and first["patron"]["interests"] == ["jazz"]
    status, again = check(code, "Front door")
    assert status == 1 and again["verdict"] == "already_admitted" and again["patron"] is None
    assert again["admitted_door"] == "Side door"
    typo = code[:-1] + ("C" if code[-1] != "C" else "E")
    status, bad = check(typo)
    assert bad["verdict"] == "invalid" and "check the code" in bad["message"]
    status, unknown = check("EB-00000")
    assert unknown["verdict"] == "unknown"
