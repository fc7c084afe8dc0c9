"""``houselights import chats``: transcripts from live-chat exports, linked by email or phone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.cli import main

SAMPLES = Path(__file__).parents[1] / "fixtures" / "chats"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def data(tmp_path, capsys) -> str:
    """A data folder with Ada on file (so her chats link)."""
    from infrastructure.bootstrap import bootstrap
    from infrastructure.config import resolve

    folder = tmp_path / "data"
    services = bootstrap(resolve(folder))
    services.app.register_patron("Ada", "Lovelace", email="ada@example.org")
    services.app.register_patron("Grace", "Hopper", phone="555 765 4321")
    services.close()
    return str(folder)


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        ("tawk_to.json", {"imported": 2, "linked": 1, "unmatched": 1, "rejected": []}),
        ("zendesk_chat.json", {"imported": 2, "linked": 1, "unmatched": 1, "rejected": []}),
        ("intercom.json", {"imported": 1, "linked": 0, "unmatched": 1, "rejected": []}),
        ("crisp.json", {"imported": 1, "linked": 1, "unmatched": 0, "rejected": []}),
        ("livechat.json", {"imported": 1, "linked": 0, "unmatched": 1, "rejected": []}),
        ("generic.json", {"imported": 1, "linked": 0, "unmatched": 1, "rejected": []}),
        ("pasted.txt", {"imported": 2, "linked": 0, "unmatched": 2, "rejected": []}),
    ],
)
def test_each_format_reports_exactly_and_a_second_import_adds_nothing(
    capsys, data, sample, expected
):
    args = ("--data", data, "import", "chats", str(SAMPLES / sample), "--json", "--timezone", "UTC")

    code, out, _ = run(capsys, *args)
    assert (code, json.loads(out)) == (0, expected)
    _, out, _ = run(capsys, "--data", data, "status", "--json")
    events = json.loads(out)["events"]

    code, out, _ = run(capsys, *args)
    assert (code, json.loads(out)) == (
        0,
        {"imported": 0, "linked": 0, "unmatched": 0, "rejected": []},
    )
    _, out, _ = run(capsys, "--data", data, "status", "--json")
    assert json.loads(out)["events"] == events


def test_rejected_items_have_their_number_and_reason(capsys, data):
    code, out, _ = run(
        capsys,
        "--data",
        data,
        "import",
        "chats",
        str(SAMPLES / "messages.csv"),
        "--json",
        "--timezone",
        "UTC",
    )
    report = json.loads(out)
    assert code == 1  # something was refused (issue 19)
    assert list(report) == ["imported", "linked", "unmatched", "rejected"]
    assert (report["imported"], report["linked"], report["unmatched"]) == (2, 1, 1)
    assert report["rejected"] == [
        {
            "item": 6,
            "reason": (
                "Row 6: “not a time” is not a date and time we can read. Use a form like "
                "2026-11-20 14:05. (the conversation C-102 was left out)."
            ),
        }
    ]

    code, out, _ = run(capsys, "--data", data, "import", "chats", str(SAMPLES / "broken.json"))
    assert code == 1  # five items refused: not all done (issue 19)
    assert "Imported 1 chat: 1 on a patron's timeline, 0 waiting" in out
    assert "Not imported: 5 items." in out
    assert "  item 2: This entry is not a conversation" in out


def test_an_unreadable_file_changes_nothing(capsys, data, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{not json", encoding="utf-8")
    code, _, err = run(capsys, "--data", data, "import", "chats", str(path), "--json")
    assert code == 1
    assert err.startswith("houselights: This file is not valid JSON")


def test_times_without_a_zone_are_the_organizations_not_the_computers(
    capsys, tmp_path, monkeypatch, computer_clock
):
    """A pasted transcript's [12:01] is 12:01 in the organization's zone (London), not on
    this computer's clock (Dubai), when no --timezone and no import setting say otherwise."""

    from desktop.cli import organization_settings
    from infrastructure.bootstrap import bootstrap
    from infrastructure.config import resolve

    folder = tmp_path / "data"
    services = bootstrap(resolve(folder))
    grace = services.app.register_patron("Grace", "Hopper", email="grace@navy.example")
    services.close()
    organization_settings(folder).set("organization/timezone", "Europe/London")
    settings = tmp_path / "houselights.ini"
    settings.write_text("[import]\n", encoding="utf-8")
    monkeypatch.setenv("HOUSELIGHTS_SETTINGS", str(settings))
    computer_clock("Asia/Dubai")
    data = str(folder)
    code, out, _ = run(capsys, "--data", data, "import", "chats", str(SAMPLES / "pasted.txt"))
    assert code == 0
    code, out, _ = run(capsys, "--data", data, "timeline", grace, "--json")
    chat = [e for e in json.loads(out) if e["kind"] == "chat"]
    assert chat and chat[0]["at"].startswith("2026-11-22T12:01:00")  # London is on UTC
    assert chat[0]["at"].endswith("+00:00")
