"""The door's results, pinned: ``check-in --json`` byte for byte, and the plain values of
``scan``, ``undo_admission``, ``decide_offline`` and the offline door's front.

Written while the door's results were plain dicts, before they became frozen
dataclasses (issue 21), so that the change is shown to change nothing a script reads.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest

from desktop.cli import main
from domain.application import Houselights
from domain.door import read_scan
from domain.door_offline import decide_offline
from domain.door_service import PerformanceFacts
from domain.recording import RecordingContext
from domain.ticket_codes import ticket_id
from infrastructure.bootstrap import bootstrap
from infrastructure.config import resolve
from tests.door_proxy import DROP, PASS, FlakyProxy

EVENING = datetime(2026, 12, 5, 19, 0, tzinfo=UTC)
LATER_SHOW = datetime(2030, 1, 5, 19, 30, tzinfo=UTC)
GREETING = "Rosa \u00b7 1st visit \u00b7 tryer \u00b7 first visit: welcome them \u00b7 likes jazz"


def plain(result) -> dict:
    """A door result as the plain values a script or the JSON output sees."""
    return result.to_json()


def same_in_order(result, expected: dict) -> None:
    """``result``'s plain values are ``expected``, key by key in the same order."""
    assert list(plain(result).items()) == list(expected.items())


def stamped_now(text: str) -> str:
    """``text`` is a moment of now, with its time zone (the check-in's own clock)."""
    assert datetime.fromisoformat(text).tzinfo is not None
    return text


@pytest.fixture
def night(tmp_path, computer_clock):
    """Tonight's Aida (Rosa holds a ticket), a later Aida, and a refunded ticket. The
    organization has not said its zone, so the words are on this computer's clock: UTC
    here, whatever the machine's (the pinned times are UTC's)."""
    computer_clock("UTC")
    data = str(tmp_path / "data")
    services = bootstrap(resolve(data))
    app = services.app
    aida = app.create_production("Aida")
    show = app.schedule_performance(
        aida, datetime.now(tz=UTC) + timedelta(hours=2), 50, {"Adult": 900}
    )
    later = app.schedule_performance(aida, LATER_SHOW, 50, {"Adult": 900})
    rosa = app.register_patron("Rosa", "Silva", tags=["jazz"])
    code = app.sell_tickets(show, {"Adult": 1}, patron_id=rosa).codes[0]
    wrong = app.sell_tickets(later, {"Adult": 1}).codes[0]
    refunded = app.sell_tickets(show, {"Adult": 1})
    app.refund_order(refunded.order_id)
    services.close()
    return {
        "data": data,
        "show": show,
        "later": later,
        "rosa": rosa,
        "code": code,
        "wrong": wrong,
        "refunded": refunded.codes[0],
    }


def test_check_in_json_is_pinned_byte_for_byte(capsys, night):
    show = night["show"]

    def check(text: str, door: str) -> tuple[int, str, dict]:
        status = main(
            ["--data", night["data"], "check-in", text, "--performance", show]
            + ["--door", door, "--json"]
        )
        out = capsys.readouterr().out
        return status, out, json.loads(out)

    status, out, admit = check(night["code"], "Side door")
    assert status == 0
    expected = {
        "verdict": "admit",
        "patron": {
            "id": night["rosa"],
            "first_name": "Rosa",
            "visit": 1,
            "rung": "tryer",
            "cues": ["first_visit"],
            "interests": ["jazz"],
            "greeting": GREETING,
        },
        "message": "Admit.",
        "offline": False,
        "queued": 0,
        "code": night["code"],
        "door": "Side door",
        "performance_id": show,
        "at": stamped_now(admit["at"]),
    }
    assert out == json.dumps(expected) + "\n"

    status, out, again = check(night["code"], "Front door")
    assert status == 1
    expected = {
        "verdict": "already_admitted",
        "patron": None,
        "message": f"Already admitted at {datetime.fromisoformat(admit['at']):%H:%M} (Side door).",
        "offline": False,
        "queued": 0,
        "code": night["code"],
        "door": "Front door",
        "performance_id": show,
        "at": stamped_now(again["at"]),
        "admitted_at": admit["at"],
        "admitted_door": "Side door",
    }
    assert out == json.dumps(expected) + "\n"

    status, out, wrong = check(night["wrong"], "Side door")
    assert status == 1
    expected = {
        "verdict": "wrong_performance",
        "patron": None,
        "message": "This ticket is for Aida, Sat 5 Jan 2030, 19:30.",
        "offline": False,
        "queued": 0,
        "code": night["wrong"],
        "door": "Side door",
        "performance_id": show,
        "at": stamped_now(wrong["at"]),
        "right_performance": {
            "id": night["later"],
            "title": "Aida",
            "starts_at": "2030-01-05T19:30:00+00:00",
            "label": "Aida, Sat 5 Jan 2030, 19:30",  # issue 22: the year, the office's way
        },
    }
    assert out == json.dumps(expected) + "\n"

    status, out, void = check(night["refunded"], "Side door")
    assert status == 1
    expected = {
        "verdict": "void",
        "patron": None,
        "message": f"Ticket {night['refunded']} was refunded: not valid.",
        "offline": False,
        "queued": 0,
        "code": night["refunded"],
        "door": "Side door",
        "performance_id": show,
        "at": stamped_now(void["at"]),
        "status": "refunded",
    }
    assert out == json.dumps(expected) + "\n"

    status, out, unknown = check("EB-00000", "Side door")
    assert status == 1
    expected = {
        "verdict": "unknown",
        "patron": None,
        "message": "Unknown code EB-00000. We have no ticket with this code. Check the code.",
        "offline": False,
        "queued": 0,
        "code": "EB00000",
        "door": "Side door",
        "performance_id": show,
        "at": stamped_now(unknown["at"]),
        "problem": "not_found",
    }
    assert out == json.dumps(expected) + "\n"

    typo = night["code"][:-1] + ("Z" if night["code"][-1] != "Z" else "Y")
    status, out, invalid = check(typo, "Side door")
    assert status == 1
    expected = {
        "verdict": "invalid",
        "patron": None,
        "message": "This looks like one of our codes, but a character is wrong: check the "
        f"code (scan again, or type it from the ticket). (read: {typo})",
        "offline": False,
        "queued": 0,
        "door": "Side door",
        "performance_id": show,
        "at": stamped_now(invalid["at"]),
        "problem": "check_code",
    }
    assert out == json.dumps(expected) + "\n"


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def test_scan_and_undo_results_are_pinned(tmp_path):
    clock = Clock(EVENING)
    app = Houselights(
        env=resolve(tmp_path).eventsourcing_env(),
        context=RecordingContext("jo.door", "door-pc", clock),
    )
    try:
        aida = app.create_production("Aida")
        show = app.schedule_performance(aida, EVENING + timedelta(minutes=30), 50, {"Adult": 900})
        later = app.schedule_performance(aida, LATER_SHOW, 50, {"Adult": 900})
        rosa = app.register_patron("Rosa", "Silva")
        code = app.sell_tickets(show, {"Adult": 1}, patron_id=rosa).codes[0]
        wrong = app.sell_tickets(later, {"Adult": 1}).codes[0]
        at = EVENING.isoformat()
        base = {"door": "Side door", "performance_id": show, "hint": "", "problem": "", "at": at}
        ticket = {"ticket_id": str(ticket_id(code)), "patron_id": rosa, "price_level": "Adult"}

        admit = app.scan(code.lower(), show, "Side door")
        same_in_order(
            admit,
            {
                "scanned": code.lower(),
                "code": code,
                **base,
                **ticket,
                "verdict": "admit",
                "repeat": False,
            },
        )
        repeat = app.scan(code, show, "Side door")
        same_in_order(
            repeat,
            {
                "scanned": code,
                "code": code,
                **base,
                **ticket,
                "admitted_at": at,
                "admitted_door": "Side door",
                "verdict": "admit",
                "repeat": True,
            },
        )
        clock.now = EVENING + timedelta(minutes=5)
        later_at = clock.now.isoformat()
        refused = app.scan(code, show, "Front door")
        same_in_order(
            refused,
            {
                "scanned": code,
                "code": code,
                **base,
                "door": "Front door",
                "at": later_at,
                **ticket,
                "admitted_at": at,
                "admitted_door": "Side door",
                "verdict": "already_admitted",
                "repeat": False,
            },
        )
        elsewhere = app.scan(wrong, show, "Side door")
        same_in_order(
            elsewhere,
            {
                "scanned": wrong,
                "code": wrong,
                **base,
                "at": later_at,
                "ticket_id": str(ticket_id(wrong)),
                "patron_id": None,
                "price_level": "Adult",
                "verdict": "wrong_performance",
                "right_performance": {
                    "id": later,
                    "title": "Aida",
                    "starts_at": "2030-01-05T19:30:00+00:00",
                    "label": "Aida, {moment:2030-01-05T19:30:00+00:00}",  # the view writes it,
                },
            },
        )
        unknown = app.scan("EB-00000", show, "Side door")
        same_in_order(
            unknown,
            {
                "scanned": "EB-00000",
                "code": "EB00000",
                **base,
                "problem": "not_found",
                "at": later_at,
                "verdict": "unknown",
            },
        )
        undone = app.undo_admission(code, "  scanned by mistake ", "Side door")
        same_in_order(
            undone,
            {
                "code": code,
                "performance_id": show,
                "door": "Side door",
                "reason": "scanned by mistake",
            },
        )
    finally:
        app.close()


def test_decide_offline_results_are_pinned():
    show, other = "show-1", "show-2"
    ticket = {
        "id": "t-1",
        "code": "ABCDEFGHJKLM",
        "patron_id": "p-1",
        "price_level": "Adult",
        "status": "valid",
        "performance_id": show,
        "admitted_at": None,
        "admitted_door": "",
    }
    facts = {"id": other, "title": "Aida", "starts_at": "2030-01-05T19:30:00+00:00"}
    facts["label"] = "Aida, Sat 5 Jan 19:30"
    reading = read_scan("abcdefghjklm")
    at = EVENING.isoformat()
    base = {
        "scanned": "abcdefghjklm",
        "code": "ABCDEFGHJKLM",
        "door": "North door",
        "performance_id": show,
        "hint": "",
        "problem": "",
        "at": at,
        "offline": True,
        "ticket_id": "t-1",
        "patron_id": "p-1",
        "price_level": "Adult",
    }

    def decide(ticket, queued=(), performance_id=show):
        return decide_offline(
            reading,
            ticket,
            list(queued),
            performance_id,
            "North door",
            EVENING,
            lambda _: PerformanceFacts(**facts),
        )

    result, scan = decide(ticket)
    assert plain(result) == {**base, "verdict": "admit", "repeat": False}
    assert scan == {"kind": "admit", "verdict": "admit", "code": "ABCDEFGHJKLM"}
    queued = [{"kind": "admit", "occurred_at": "2026-12-05T18:50:00+00:00", "door": "Side door"}]
    result, scan = decide(ticket, queued)
    assert plain(result) == {
        **base,
        "admitted_at": "2026-12-05T18:50:00+00:00",
        "admitted_door": "Side door",
        "verdict": "already_admitted",
        "repeat": False,
    }
    assert scan == {"kind": "refuse", "verdict": "already_admitted", "code": "ABCDEFGHJKLM"}
    result, scan = decide({**ticket, "performance_id": other})
    assert plain(result) == {
        **base,
        "performance_id": show,
        "verdict": "wrong_performance",
        "right_performance": facts,
    }
    result, scan = decide({**ticket, "status": "exchanged"})
    assert plain(result) == {**base, "verdict": "void", "status": "exchanged"}
    result, scan = decide(None)
    assert plain(result) == {
        key: value
        for key, value in {**base, "problem": "not_known_here", "verdict": "unknown"}.items()
        if key not in ("ticket_id", "patron_id", "price_level")
    }
    assert scan == {"kind": "refuse", "verdict": "unknown", "code": "ABCDEFGHJKLM"}


def test_the_offline_door_front_on_this_computer_is_pinned(tmp_path):
    """On an embedded store the front is the service, plus ``offline`` and ``queued``."""
    services = bootstrap(resolve(tmp_path / "data"))
    try:
        app = services.app
        show = app.schedule_performance(
            app.create_production("Aida"), EVENING + timedelta(minutes=30), 50, {"Adult": 900}
        )
        code = app.sell_tickets(show, {"Adult": 1}).codes[0]
        front = services.door()
        result = front.scan(code, show, "Side door", occurred_at=EVENING)
        same_in_order(
            result,
            {
                "scanned": code,
                "code": code,
                "door": "Side door",
                "performance_id": show,
                "hint": "",
                "problem": "",
                "at": EVENING.isoformat(),
                "ticket_id": str(ticket_id(code)),
                "patron_id": None,
                "price_level": "Adult",
                "verdict": "admit",
                "repeat": False,
                "offline": False,
                "queued": 0,
            },
        )
        undone = front.undo_admission(code, "by mistake", "Side door")
        same_in_order(
            undone,
            {
                "code": code,
                "performance_id": show,
                "door": "Side door",
                "reason": "by mistake",
                "offline": False,
            },
        )
    finally:
        services.close()


def test_offline_check_in_json_and_the_offline_front_are_pinned(capsys, tmp_path, postgres_db):
    office = bootstrap(
        resolve(tmp_path / "office", store=postgres_db), staff="maria", workstation="box-office"
    )
    parts = urlsplit(postgres_db)
    proxy = FlakyProxy(parts.hostname, parts.port)
    try:
        app = office.app
        show = app.schedule_performance(
            app.create_production("Aida"),
            datetime.now(tz=UTC) + timedelta(hours=2),
            50,
            {"Adult": 900},
        )
        rosa = app.register_patron("Rosa", "Silva", tags=["jazz"])
        code, second = app.sell_tickets(show, {"Adult": 2}, patron_id=rosa).codes
        door = ["--data", str(tmp_path / "door"), "--store", proxy.url(postgres_db)]
        assert main([*door, "performances", "--json"]) == 0  # online once: a copy to use
        capsys.readouterr()
        proxy.set_mode(DROP)

        status = main([*door, "check-in", code, "--performance", show, "--json"])
        out = capsys.readouterr().out
        admitted = json.loads(out)
        assert status == 0
        expected = {
            "verdict": "admit",
            "patron": {
                "id": rosa,
                "first_name": "Rosa",
                "visit": 1,
                "rung": "tryer",
                "cues": ["first_visit"],
                "interests": ["jazz"],
                "greeting": GREETING,
            },
            "message": "Admit.",
            "offline": True,
            "queued": 1,
            "code": code,
            "door": "Main door",
            "performance_id": show,
            "at": stamped_now(admitted["at"]),
        }
        assert out == json.dumps(expected) + "\n"

        proxy.set_mode(PASS)
        services = bootstrap(
            resolve(tmp_path / "north", store=proxy.url(postgres_db)), workstation="north"
        )
        front = services.door()
        try:
            proxy.set_mode(DROP)
            scanned = front.scan(second, show, "North door", occurred_at=EVENING)
            assert plain(scanned) == {
                "scanned": second,
                "code": second,
                "door": "North door",
                "performance_id": show,
                "hint": "",
                "problem": "",
                "at": EVENING.isoformat(),
                "offline": True,
                "ticket_id": str(ticket_id(second)),
                "patron_id": rosa,
                "price_level": "Adult",
                "verdict": "admit",
                "repeat": False,
                "queued": 1,
                "scan_id": scanned_id(scanned),
            }
            undone = front.undo_admission(second, "wrong person", "North door")
            same_in_order(
                undone,
                {
                    "code": second,
                    "performance_id": show,
                    "door": "North door",
                    "reason": "wrong person",
                    "offline": True,
                },
            )
        finally:
            front.close()
    finally:
        proxy.close()
        office.close()


def scanned_id(result) -> str:
    """The id the offline door gave its scan (a fresh uuid4 each time)."""
    value = plain(result)["scan_id"]
    assert len(value) == 36 and value.count("-") == 4
    return value
