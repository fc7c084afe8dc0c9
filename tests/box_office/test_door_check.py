"""The door check: the Ticket aggregate decides every scan, and every scan is an event."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from desktop import formatting
from desktop.door_check import verdict_words
from domain.application import Houselights
from domain.box_office import Ticket
from domain.door import DoorScan, read_scan
from domain.errors import InvalidInput, PerformanceNotFound, TicketProblem
from domain.personal_data import PERSONAL_FIELDS
from domain.recording import RecordingContext
from domain.ticket_codes import grouped, new_code, ticket_id
from infrastructure.config import resolve

PRICES = {"Adult": 3200}
EVENING = datetime(2026, 12, 5, 19, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_env(request, tmp_path) -> dict:
    if request.param == "postgresql":
        return resolve(tmp_path, store=request.getfixturevalue("postgres_db")).eventsourcing_env()
    return resolve(tmp_path).eventsourcing_env()


@pytest.fixture
def clock() -> Clock:
    return Clock(EVENING)


@pytest.fixture
def app(store_env, clock):
    app = Houselights(env=store_env, context=RecordingContext("jo.door", "door-pc", clock))
    yield app
    app.close()


@pytest.fixture
def tosca(app) -> dict:
    """Two performances of Tosca; Ada holds two tickets for Saturday."""
    production = app.create_production("Tosca")
    saturday = app.schedule_performance(production, EVENING + timedelta(minutes=30), 100, PRICES)
    sunday = app.schedule_performance(production, EVENING + timedelta(days=1), 100, PRICES)
    ada = app.register_patron("Ada", "Lovelace", email="ada@example.org")
    sale = app.sell_tickets(saturday, {"Adult": 2}, patron_id=ada)
    return {
        "saturday": saturday,
        "sunday": sunday,
        "ada": ada,
        "codes": sale.codes,
        "order": sale.order_id,
    }


def door_events(app) -> list[tuple[str, dict]]:
    names = []
    for notification in app.recorder.select_notifications(start=1, limit=10_000):
        event = app.mapper.to_domain_event(notification)
        if type(event).__qualname__.startswith(("Ticket.Admitted", "DoorScan.")):
            names.append((type(event).__qualname__, event.__dict__))
    return names


def test_a_valid_ticket_is_admitted_once_and_the_second_scan_says_when_and_where(app, tosca, clock):
    code = tosca["codes"][0]
    first = app.scan(code, tosca["saturday"], "North door")
    assert first.verdict == "admit" and first.patron_id == tosca["ada"]
    assert not first.repeat
    clock.advance(90)
    again = app.scan(code, tosca["saturday"], "South door")
    assert again.verdict == "already_admitted"
    assert again.admitted_door == "North door"
    assert datetime.fromisoformat(again.admitted_at) == EVENING
    formatting.configure("GB", "", "Europe/London")  # not this computer's zone: 19:00 there
    assert "Already admitted at 19:00 (North door)" in verdict_words(again)
    ticket = app.repository.get(ticket_id(code))
    assert ticket.admitted_door == "North door" and ticket.admitted_by == "jo.door"
    # the second ticket of the order is still to come
    assert app.scan(tosca["codes"][1], tosca["saturday"], "South door").verdict == "admit"


def test_a_ticket_for_another_night_names_the_right_performance(app, tosca):
    result = app.scan(tosca["codes"][0], tosca["sunday"], "North door")
    assert result.verdict == "wrong_performance"
    right = result.right_performance
    assert right.id == tosca["saturday"] and right.title == "Tosca"
    assert datetime.fromisoformat(right.starts_at) == EVENING + timedelta(minutes=30)
    # the domain keeps the start as a mark; the words write it the organization's way
    assert right.label == "Tosca, {moment:2026-12-05T19:30:00+00:00}"
    formatting.configure("GB", "", "Europe/London")
    assert verdict_words(result) == "This ticket is for Tosca, Sat 5 Dec 2026, 19:30."
    formatting.configure("US", "", "America/New_York")
    us = verdict_words(result).replace("\u202f", " ")  # (Qt may write a narrow space)
    assert us == "This ticket is for Tosca, Sat, Dec 5, 2026, 2:30 PM."
    # refused: the ticket can still be used on the right night
    assert app.scan(tosca["codes"][0], tosca["saturday"], "North door").verdict == "admit"


def test_refunded_and_exchanged_tickets_are_void(app, tosca):
    app.refund_order(tosca["order"])
    refunded = app.scan(tosca["codes"][0], tosca["saturday"], "North door")
    assert (refunded.verdict, refunded.status) == ("void", "refunded")

    other = app.sell_tickets(tosca["saturday"], {"Adult": 1}).codes[0]
    ticket = app.repository.get(ticket_id(other))
    ticket.exchange(new_code(), app.store.stamp())
    app.save(ticket)
    exchanged = app.scan(other, tosca["saturday"], "North door")
    assert (exchanged.verdict, exchanged.status) == ("void", "exchanged")


def test_unknown_and_garbled_codes_are_unknown_and_say_what_was_read(app, tosca):
    unknown = app.scan(new_code(), tosca["saturday"], "North door")
    assert unknown.verdict == "unknown" and unknown.problem == "not_found"
    assert "no ticket with this code" in verdict_words(unknown)

    code = tosca["codes"][0]
    wrong_symbol = code[:5] + next(c for c in "CEFGH" if c != code[5]) + code[6:]
    typo = app.scan(wrong_symbol, tosca["saturday"], "North door")
    assert typo.verdict == "unknown" and "check the code" in typo.hint
    assert typo.scanned == wrong_symbol

    noise = app.scan("\x02héllo wörld\x03", tosca["saturday"], "North door")
    assert noise.verdict == "unknown" and noise.scanned == "\\x02héllo wörld\\x03"
    assert "unreadable characters" in noise.hint
    nothing = app.scan("  \r\n", tosca["saturday"], "North door")
    assert nothing.verdict == "unknown" and "Nothing was read" in nothing.hint


@pytest.mark.parametrize(
    "garble",
    [
        lambda c: c.lower(),
        lambda c: grouped(c) + "  \t",
        lambda c: c + c,  # the code twice in one burst
        lambda c: c.translate(str.maketrans("34679", "\"'-èç")),  # AZERTY digit row
    ],
    ids=["lowercase", "grouped-with-trailing-space", "doubled", "azerty"],
)
def test_garbled_scans_of_a_real_code_are_repaired(garble):
    code = new_code()
    assert read_scan(garble(code)).code == code


def test_every_attempt_is_an_event_refused_ones_as_door_scans(app, tosca, clock):
    code = tosca["codes"][0]
    app.scan(code, tosca["saturday"], "North door")
    clock.advance(60)
    app.scan(code, tosca["saturday"], "North door")
    app.scan(code, tosca["sunday"], "North door")
    app.scan("nonsense-123", tosca["saturday"], "North door")
    events = door_events(app)
    assert [name for name, _ in events] == ["Ticket.Admitted"] + ["DoorScan.Recorded"] * 3
    refused = [
        (e["code"], e["verdict"], e["performance_id"], e["door"])
        for name, e in events
        if name == "DoorScan.Recorded"
    ]
    assert refused == [
        (code, "already_admitted", tosca["saturday"], "North door"),
        (code, "wrong_performance", tosca["sunday"], "North door"),
        ("NONSENSE123", "unknown", tosca["saturday"], "North door"),
    ]
    admitted = events[0][1]
    assert (admitted["performance_id"], admitted["door"]) == (tosca["saturday"], "North door")
    assert (admitted["recorded_by"], admitted["workstation"]) == ("jo.door", "door-pc")
    record = app.repository.get(events[1][1]["originator_id"])
    assert isinstance(record, DoorScan) and record.verdict == "already_admitted"
    for name, _ in events:
        assert name in PERSONAL_FIELDS


def test_a_scanner_triggering_twice_does_not_turn_admit_into_already_admitted(app, tosca, clock):
    code = tosca["codes"][0]
    assert app.scan(code, tosca["saturday"], "North door").verdict == "admit"
    clock.advance(0.4)
    twice = app.scan(code, tosca["saturday"], "North door")
    assert twice.verdict == "admit" and twice.repeat
    name, repeated = door_events(app)[-1]
    assert (name, repeated["verdict"], repeated["code"]) == ("DoorScan.Recorded", "repeat", code)
    clock.advance(0.4)  # the same moment at another door is a second person
    assert app.scan(code, tosca["saturday"], "South door").verdict == "already_admitted"
    clock.advance(5)
    assert app.scan(code, tosca["saturday"], "North door").verdict == "already_admitted"


def test_scanning_for_a_performance_that_does_not_exist_is_an_error(app, tosca):
    with pytest.raises(PerformanceNotFound):
        app.scan(tosca["codes"][0], "not-a-performance", "North door")


def test_an_admitted_ticket_cannot_be_admitted_again_by_the_aggregate(app, tosca):
    ticket = app.repository.get(ticket_id(tosca["codes"][0]))
    ticket.admit(tosca["saturday"], "North door", app.store.stamp())
    with pytest.raises(Exception, match="already admitted at North door"):
        ticket.admit(tosca["saturday"], "South door", app.store.stamp())
    assert ticket.status == Ticket.VALID


def test_two_doors_scanning_one_ticket_at_the_same_moment_admit_exactly_once(store_env):
    """Two workstations on one store; each round both scan the same fresh ticket."""
    north, south = Houselights(env=store_env), Houselights(env=store_env)
    try:
        production = north.create_production("Nabucco")
        show = north.schedule_performance(production, EVENING, 500, PRICES)
        for _ in range(25):
            code = north.sell_tickets(show, {"Adult": 1}).codes[0]
            start, outcomes = threading.Barrier(2), {}

            def scan(app, door, code=code, start=start, outcomes=outcomes):
                start.wait()
                outcomes[door] = app.scan(code, show, door)

            threads = [
                threading.Thread(target=scan, args=(a, d))
                for a, d in ((north, "North door"), (south, "South door"))
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
            verdicts = sorted(r.verdict for r in outcomes.values())
            assert verdicts == ["admit", "already_admitted"]
            winner = next(d for d, r in outcomes.items() if r.verdict == "admit")
            loser = next(r for r in outcomes.values() if r.verdict != "admit")
            assert loser.admitted_door == winner
            assert south.repository.get(ticket_id(code)).admitted_door == winner
    finally:
        north.close()
        south.close()


def test_an_admission_made_by_mistake_is_undone_with_a_reason_and_can_be_scanned_again(
    app, tosca, clock
):
    code = tosca["codes"][0]
    app.scan(code, tosca["saturday"], "North door")
    with pytest.raises(InvalidInput, match="Say why"):
        app.undo_admission(code, "  ", "North door")
    undone = app.undo_admission(code, "Scanned the wrong ticket", "North door")
    assert undone.reason == "Scanned the wrong ticket"
    assert not app.repository.get(ticket_id(code)).admitted
    with pytest.raises(TicketProblem, match="nothing to undo"):
        app.undo_admission(code, "again", "North door")
    clock.advance(10)
    assert app.scan(code, tosca["saturday"], "South door").verdict == "admit"
    assert PERSONAL_FIELDS["Ticket.AdmissionUndone"] == ("reason",)


def test_the_ticket_alone_decides_the_verdict(app, tosca):
    """``Ticket.verdict`` is the door's one rule; the service only records it."""
    ticket = app.repository.get(ticket_id(tosca["codes"][0]))
    assert ticket.verdict(tosca["saturday"], "North door", EVENING) == ("admit", False)
    assert ticket.verdict(tosca["sunday"], "North door", EVENING) == ("wrong_performance", False)
    ticket.admit(tosca["saturday"], "North door", app.store.stamp(EVENING))
    assert ticket.verdict(tosca["saturday"], "North door", EVENING + timedelta(seconds=1)) == (
        "admit",
        True,
    )  # the scanner firing twice
    assert ticket.verdict(tosca["saturday"], "South door", EVENING + timedelta(seconds=1)) == (
        "already_admitted",
        False,
    )
    assert ticket.verdict(tosca["saturday"], "North door", EVENING + timedelta(seconds=5)) == (
        "already_admitted",
        False,
    )
