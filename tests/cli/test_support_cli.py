"""``houselights report support`` and ``houselights rota``: the hand-computed week
(tests/domain/support_example.py) from the command line, in London time."""

from __future__ import annotations

import json
import os
from datetime import datetime

import pytest

from desktop.cli import main
from infrastructure.bootstrap import bootstrap
from infrastructure.config import resolve
from tests.domain.support_example import CALLS, CHATS, EXPECTED, STARTED


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


#: Sunday 5 July 2026 alone: the chat that crossed midnight, answered after 5 minutes
SUNDAY = (1, [[6, 23, 1]], {"median": 300.0, "p90": 300.0})


def sunday_alone(capsys, data) -> tuple:
    """``report support --json`` for that Sunday: (inquiries, by_hour, first_reply_seconds)."""
    code, out, _ = run(
        capsys,
        "--data",
        data,
        "report",
        "support",
        "--from",
        "2026-07-05",
        "--to",
        "2026-07-05",
        "--json",
    )
    assert code == 0
    sunday = json.loads(out)
    return (sunday["inquiries"], sunday["by_hour"], sunday["first_reply_seconds"])


@pytest.fixture
def london(computer_clock):
    """This computer's clock in London (the report is in the organization's local time)."""
    computer_clock("Europe/London")


@pytest.fixture
def data(tmp_path, london):
    data = str(tmp_path / "data")
    services = bootstrap(resolve(data))
    app = services.app
    ada = app.register_patron("Ada", "Lovelace", email="ada@example.org")
    for key, messages in CHATS.items():
        app.record_chat(
            "Crisp",
            key,
            messages,
            visitor_email="ada@example.org",
            occurred_at=datetime.fromisoformat(STARTED[key]),
        )
    for at, direction, reason in CALLS:
        app.log_call(ada, direction, reason, "answered", occurred_at=datetime.fromisoformat(at))
    services.close()
    return data


def test_the_rota_and_the_report_from_the_command_line(capsys, data):
    assert run(capsys, "--data", data, "rota")[1].strip() == "Nobody is on the rota yet."
    code, out, _ = run(
        capsys,
        "--data",
        data,
        "rota",
        "add",
        "mon",
        "09:00",
        "12:00",
        "--duty",
        "phone",
        "--name",
        "Maria",
        "--json",
    )
    assert code == 0 and json.loads(out)["name"] == "Maria"
    assert (
        run(capsys, "--data", data, "rota", "add", "Monday", "9:30", "12", "--name", "Jo")[0] == 0
    )

    code, out, _ = run(capsys, "--data", data, "rota", "--json")
    slots = json.loads(out)
    assert [(s["weekday"], s["starts"], s["ends"], s["duty"], s["name"]) for s in slots] == [
        (0, "09:00", "12:00", "phone", "Maria"),
        (0, "09:30", "12:00", "chat", "Jo"),
    ]

    code, out, _ = run(capsys, "--data", data, "report", "support", "--json")
    figures = json.loads(out)
    assert code == 0
    assert {
        k: figures[k]
        for k in ("inquiries", "by_hour", "unanswered", "without_times", "outside_staffed_hours")
    } == {
        k: EXPECTED[k]
        for k in ("inquiries", "by_hour", "unanswered", "without_times", "outside_staffed_hours")
    }
    assert figures["first_reply_seconds"] == {"median": 210.0, "p90": 600.0}
    assert figures["uncovered"][0] == {
        "weekday": 1,
        "from": 19,
        "to": 20,
        "inquiries": 3,
        "chats": 2,
        "calls": 1,
        "share": 0.375,
    }

    text = run(capsys, "--data", data, "report", "support")[1]
    assert "First reply: median 3 min 30 s, 90% within 10 min" in text
    assert "Tuesday   19:00–20:00   38% of inquiries (2 chats, 1 call)" in text
    assert "Without times (counted, left out of reply times): 1 chat" in text

    # Sunday alone: the chat that crossed midnight, answered after 5 minutes
    assert sunday_alone(capsys, data) == SUNDAY

    # a period with nothing in it
    code, out, _ = run(
        capsys, "--data", data, "report", "support", "--from", "2027-01-01", "--json"
    )
    empty = json.loads(out)
    assert (empty["inquiries"], empty["first_reply_seconds"]) == (0, {"median": None, "p90": None})

    maria = slots[0]["id"]
    assert run(capsys, "--data", data, "rota", "remove", maria)[0] == 0
    assert [s["name"] for s in json.loads(run(capsys, "--data", data, "rota", "--json")[1])] == [
        "Jo"
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ("rota", "add", "Tuesday", "21:00", "19:00", "--name", "Jo"),
            "The duty ends (19:00) before it starts (21:00)",
        ),
        (
            ("rota", "add", "Tuesday", "19:00", "21:00", "--staff", "Nobody"),
            "There is no staff account called “Nobody”",
        ),
        (
            ("rota", "add", "Tuesday", "20:00", "22:00", "--name", "JO", "--duty", "phone"),
            "Jo is already on duty on Tuesday from 19:00 to 21:00",
        ),
        (
            ("rota", "add", "Tuesday", "19:00", "21:00", "--name", "Sam", "--duty", "email"),
            "Choose the duty: chat, phone or both.",
        ),
        (("report", "support", "--from", "30/11/2026"), "“30/11/2026” is not a date"),
        (
            ("report", "support", "--from", "2026-12-01", "--to", "2026-11-01"),
            "The last day (--to) is before the first (--from).",
        ),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(capsys, data, argv, message):
    assert (
        run(capsys, "--data", data, "rota", "add", "Tuesday", "19:00", "21:00", "--name", "Jo")[0]
        == 0
    )

    code, out, err = run(capsys, "--data", data, *argv)

    assert code == 1 and message in err
    assert len(json.loads(run(capsys, "--data", data, "rota", "--json")[1])) == 1


def test_a_door_volunteer_can_neither_read_the_report_nor_change_the_rota(capsys, data):
    services = bootstrap(resolve(data))
    services.app.add_staff("Tom", "manager", password="manager-pass")
    services.app.sign_in("Tom", password="manager-pass")
    services.app.add_staff("Dee", "door", pin="4321")
    services.close()
    os.environ["HOUSELIGHTS_PASSWORD"] = "4321"
    try:
        code, _, err = run(capsys, "--data", data, "--as", "Dee", "report", "support")
        assert code == 1 and "cannot do this (see the patron support report)" in err
        code, _, err = run(
            capsys,
            "--data",
            data,
            "--as",
            "Dee",
            "rota",
            "add",
            "Monday",
            "09:00",
            "10:00",
            "--name",
            "Dee",
        )
        assert code == 1 and "cannot do this (change the duty rota)" in err
    finally:
        del os.environ["HOUSELIGHTS_PASSWORD"]


def test_the_report_counts_hours_in_the_organizations_time_zone_not_the_computers(
    capsys, tmp_path, computer_clock
):
    """A computer in UTC, an organization in Auckland: a chat at 02:30 UTC on a Monday
    came in at 15:30 on Monday in Auckland (NZDT, +13), and is counted there."""
    computer_clock("UTC")
    data = str(tmp_path / "data")
    services = bootstrap(resolve(data))
    services.app.record_chat(
        "Crisp",
        "auckland-1",
        [
            {
                "at": "2026-12-07T02:30:00+00:00",
                "sender": "visitor",
                "name": "Ada",
                "text": "Is there parking?",
            }
        ],
        occurred_at=datetime.fromisoformat("2026-12-07T02:30:00+00:00"),
    )
    services.close()
    assert (
        run(
            capsys,
            "--data",
            data,
            "setup",
            "--organization",
            "Harbour Theatre",
            "--timezone",
            "Pacific/Auckland",
            "--currency",
            "NZD",
        )[0]
        == 0
    )
    code, out, _ = run(capsys, "--data", data, "report", "support", "--json")
    assert code == 0
    assert json.loads(out)["by_hour"] == [[0, 15, 1]]


def test_the_days_of_a_period_are_the_organizations_not_the_computers(capsys, data, computer_clock):
    """The organization is in London, this computer's clock in Dubai (three hours ahead
    in summer): Sunday is London's Sunday, with the chat of 23:10 that night."""
    from desktop.settings import Settings, organization_store

    organization = Settings(organization_store(data), organization=organization_store(data))
    organization.set("organization/timezone", "Europe/London")
    computer_clock("Asia/Dubai")
    assert sunday_alone(capsys, data) == SUNDAY
