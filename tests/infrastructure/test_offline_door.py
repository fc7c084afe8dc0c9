"""A door on a shared PostgreSQL store goes on deciding when the network does not.

Each door workstation reaches the real test server through its own small TCP proxy
on the loopback interface (``tests/door_proxy.py``) that can drop or stall its
connections, as a weak Wi-Fi would.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest

from domain.box_office import Ticket
from domain.ticket_codes import ticket_id
from infrastructure.bootstrap import bootstrap
from infrastructure.config import resolve
from infrastructure.offline_door import DoorState, SyncResult, WaitingVisit
from projections import door, timeline
from tests.door_proxy import CUT, DROP, PASS, STALL, FlakyProxy

TONIGHT = datetime.now(tz=UTC).replace(microsecond=0) + timedelta(hours=1)


@pytest.fixture
def proxies(postgres_db):
    made: list[FlakyProxy] = []

    def make() -> FlakyProxy:
        parts = urlsplit(postgres_db)
        proxy = FlakyProxy(parts.hostname, parts.port)
        made.append(proxy)
        return proxy

    yield make
    for proxy in made:
        proxy.close()


@pytest.fixture
def office(tmp_path, postgres_db):
    """The box office, straight on the server: it schedules and sells."""
    services = bootstrap(
        resolve(tmp_path / "office", store=postgres_db), staff="maria", workstation="box-office"
    )
    yield services
    services.close()


@pytest.fixture
def workstation(tmp_path, postgres_db):
    opened = []

    def open_(name: str, proxy: FlakyProxy):
        config = resolve(tmp_path / name, store=proxy.url(postgres_db))
        services = bootstrap(config, staff="usher", workstation=name)
        opened.append(services)
        return services

    yield open_
    for services in opened:
        services.door().close()  # a door whose store hangs is not waited for


def evening(office, tickets: int = 1):
    app = office.app
    show = app.schedule_performance(app.create_production("Tosca"), TONIGHT, 80, {"Adult": 1500})
    ada = app.register_patron("Ada", "Lovelace")
    codes = app.sell_tickets(show, {"Adult": tickets}, patron_id=ada).codes
    return show, ada, codes


def stored_events(app, code: str) -> list[str]:
    return [type(e).__name__ for e in app.store.repository.event_store.get(ticket_id(code))]


def test_two_offline_doors_admitting_one_ticket_make_one_admission_and_a_double_entry(
    office, workstation, proxies
):
    show, ada, (code,) = evening(office)
    north_net, south_net = proxies(), proxies()
    north = workstation("north-door", north_net)
    south = workstation("south-door", south_net)
    north_net.set_mode(DROP)
    south_net.set_mode(DROP)

    first = north.door().scan(code, show, "North door", occurred_at=TONIGHT)
    second = south.door().scan(
        code, show, "South door", occurred_at=TONIGHT + timedelta(seconds=40)
    )
    assert (first.verdict, first.offline, first.queued) == ("admit", True, 1)
    assert (second.verdict, second.offline) == ("admit", True)
    assert north.door().state() == DoorState(True, 1)

    # the later door syncs first: its admission is stored, then the earlier one meets it
    south_net.set_mode(PASS)
    assert south.door().sync() == SyncResult(1, 0, 0)
    north_net.set_mode(PASS)
    assert north.door().sync() == SyncResult(1, 1, 0)
    assert north.door().state() == DoorState(False, 0)

    ticket = office.app.store.get(ticket_id(code))
    assert isinstance(ticket, Ticket)
    assert (ticket.admitted_door, ticket.admitted_at) == ("North door", TONIGHT)  # earliest
    assert stored_events(office.app, code) == ["Issued", "Admitted", "DoubleEntryRecorded"]

    office.runner.catch_up()
    db = office.runner.db()
    assert door.house_count(db, show)["admitted"] == 1  # counted once
    [entry] = door.double_entries(db, show)
    assert (entry["first_door"], entry["second_door"]) == ("North door", "South door")
    assert entry["first_workstation"] == "north-door"
    assert entry["second_workstation"] == "south-door"
    assert datetime.fromisoformat(entry["second_at"]) == TONIGHT + timedelta(seconds=40)
    rows = [r for r in timeline.rows(db, ada) if r["kind"] == "double_entry"]
    assert len(rows) == 1 and "North door" in rows[0]["detail"]
    assert "South door" in rows[0]["detail"]

    # a second sync sends nothing
    assert north.door().sync() == SyncResult(0, 0, 0)
    assert south.door().sync() == SyncResult(0, 0, 0)
    assert stored_events(office.app, code) == ["Issued", "Admitted", "DoubleEntryRecorded"]


def test_admitted_offline_here_and_online_elsewhere_the_earliest_stands(
    office, workstation, proxies
):
    show, _ada, (code,) = evening(office)
    net = proxies()
    side = workstation("side-door", net)
    net.set_mode(DROP)
    assert side.door().scan(code, show, "Side door", occurred_at=TONIGHT).offline is True
    later = office.app.scan(code, show, "Main door", TONIGHT + timedelta(minutes=2))
    assert later.verdict == "admit"  # the server did not know of the side door yet
    net.set_mode(PASS)
    assert side.door().sync() == SyncResult(1, 1, 0)
    ticket = office.app.store.get(ticket_id(code))
    assert (ticket.admitted_door, ticket.admitted_at) == ("Side door", TONIGHT)


def test_offline_door_decides_with_its_own_queue_refusals_and_undos_included(
    office, workstation, proxies
):
    show, _ada, (code, other) = evening(office, tickets=2)
    net = proxies()
    north = workstation("north-door", net)
    net.set_mode(DROP)
    front = north.door()
    assert front.scan(code, show, "North door", occurred_at=TONIGHT).verdict == "admit"
    again = front.scan(code, show, "North door", occurred_at=TONIGHT + timedelta(minutes=1))
    assert again.verdict == "already_admitted" and again.admitted_door == "North door"
    undone = front.undo_admission(
        code, "scanned the wrong ticket", "North door", occurred_at=TONIGHT + timedelta(minutes=2)
    )
    assert undone.offline is True
    back = front.scan(code, show, "North door", occurred_at=TONIGHT + timedelta(minutes=3))
    assert back.verdict == "admit"
    unreadable = front.scan("%%%", show, "North door", occurred_at=TONIGHT)
    assert unreadable.verdict == "unknown" and unreadable.offline is True
    assert front.state() == DoorState(True, 5)

    net.set_mode(PASS)
    assert front.sync() == SyncResult(5, 0, 0)
    names = stored_events(office.app, code)
    assert names == ["Issued", "Admitted", "AdmissionUndone", "Admitted"]
    ticket = office.app.store.get(ticket_id(code))
    assert ticket.admitted_at == TONIGHT + timedelta(minutes=3)
    office.runner.catch_up()
    verdicts = [s["verdict"] for s in door.recent_scans(office.runner.db(), show, limit=20)]
    assert sorted(verdicts) == sorted(["admit", "already_admitted", "undone", "admit", "unknown"])
    assert office.app.store.get(ticket_id(other)).admitted_at is None


def test_a_ticket_sold_after_the_door_went_offline_is_not_known_here_yet(
    office, workstation, proxies
):
    show, _ada, _codes = evening(office)
    net = proxies()
    door_ws = workstation("north-door", net)
    net.set_mode(DROP)
    late = office.app.sell_tickets(show, {"Adult": 1}).codes[0]
    result = door_ws.door().scan(late, show, "North door")
    assert (result.verdict, result.problem, result.offline) == (
        "unknown",
        "not_known_here",
        True,
    )
    net.set_mode(PASS)
    assert door_ws.door().sync().sent == 1  # the refusal is recorded, not lost


def test_a_scan_the_store_got_late_is_recorded_once(office, workstation, proxies):
    """The network stalls: the door stops waiting after 300 ms and decides. When the
    stalled call gets through later it saves nothing (the door has decided), and the
    queued copy is sent: one admission."""
    show, _ada, (code,) = evening(office)
    net = proxies()
    door_ws = workstation("north-door", net)
    net.set_mode(STALL)
    result = door_ws.door().scan(code, show, "North door", occurred_at=TONIGHT)
    assert (result.verdict, result.offline) == ("admit", True)
    net.set_mode(PASS)  # the stalled call goes through now, then the queue is sent
    assert door_ws.door().sync() == SyncResult(1, 0, 0)
    assert door_ws.door().sync() == SyncResult(0, 0, 0)
    assert stored_events(office.app, code) == ["Issued", "Admitted"]


def test_the_queue_drains_by_itself_when_the_store_answers_again(office, workstation, proxies):
    import threading

    show, _ada, codes = evening(office, tickets=3)
    net = proxies()
    door_ws = workstation("north-door", net)
    net.set_mode(DROP)
    front = door_ws.door()
    for code in codes:
        assert front.scan(code, show, "North door").offline is True
    drained = threading.Event()
    results: list[SyncResult] = []

    def heard(result: SyncResult) -> None:
        results.append(result)
        if result.left == 0:
            drained.set()

    front.after_sync = heard
    front.start_syncing(interval=0.05)
    net.set_mode(PASS)
    assert drained.wait(120)
    assert sum(r.sent for r in results) == 3
    assert front.state() == DoorState(False, 0)
    assert all(office.app.store.get(ticket_id(c)).admitted for c in codes)


def drains_by_itself(front):
    """Start the background sync; an Event set when it has sent the whole queue."""
    import threading

    drained = threading.Event()

    def heard(result: SyncResult) -> None:
        if result.left == 0:
            drained.set()

    front.after_sync = heard
    front.start_syncing(interval=0.05)
    return drained


def test_a_door_comes_back_when_the_network_changed_under_its_connections(
    office, workstation, proxies
):
    """The Wi-Fi changed: every connection the door had (and every one tried while it
    was away) stays open but dead for good; new ones work once it is back. A quick look
    at the server (a fresh connection, ``SELECT 1``) sees it back; the store call hanging
    on a dead connection and the pool's dead connections are given up, and the queue is
    sent at once (not after the 15 s a call is trusted, nor the 60 s a sync waits)."""
    show, _ada, (code, other) = evening(office, tickets=2)
    net = proxies()
    door_ws = workstation("north-door", net)
    front = door_ws.door()
    assert front.scan(code, show, "North door").offline is False  # the pool's connections
    net.set_mode(CUT)
    result = front.scan(other, show, "North door")  # hangs on a dead connection: decided here
    assert (result.verdict, result.offline) == ("admit", True)
    drained = drains_by_itself(front)
    net.set_mode(PASS)
    assert drained.wait(30)  # a hang guard, not a measure
    assert front.state() == DoorState(False, 0)
    assert stored_events(office.app, other) == ["Issued", "Admitted"]
    office.runner.catch_up()
    assert door.house_count(office.runner.db(), show)["admitted"] == 2


def test_the_servers_quick_look_never_hangs_on_a_stalled_network(postgres_db, proxies):
    from infrastructure.config import postgres_env
    from infrastructure.server_probe import ServerProbe

    net = proxies()
    probe = ServerProbe(postgres_env(net.url(postgres_db)))
    assert probe.answers() is True
    net.set_mode(STALL)  # the connection is taken, nothing comes back
    assert probe.answers() is False
    net.set_mode(CUT)
    assert probe.answers() is False
    net.set_mode(DROP)
    assert probe.answers() is False
    net.set_mode(PASS)
    assert probe.answers() is True


def test_a_queued_scan_sent_again_after_a_crash_is_recognised(office, workstation, proxies):
    """The store took the scans but the door died before noting it: sending them again
    (an admission, a refusal, the scanner firing twice) records nothing twice."""
    show, _ada, (code, other) = evening(office, tickets=2)
    order = office.app.sell_tickets(show, {"Adult": 1})
    net = proxies()
    door_ws = workstation("north-door", net)  # its copy holds all three tickets
    net.set_mode(DROP)
    office.app.refund_order(order.order_id)  # refunded while the door is offline
    front = door_ws.door()
    front.scan(order.codes[0], show, "North door", occurred_at=TONIGHT)
    front.scan(code, show, "North door", occurred_at=TONIGHT)
    front.scan(code, show, "North door", occurred_at=TONIGHT + timedelta(seconds=1))  # repeat
    front.scan(code, show, "North door", occurred_at=TONIGHT + timedelta(minutes=1))  # refused
    front.scan(other, show, "North door", occurred_at=TONIGHT)
    scans = front.queue.pending(100)
    assert [s["kind"] for s in scans] == ["admit", "admit", "refuse", "refuse", "admit"]
    assert [s["verdict"] for s in scans] == [
        "admit",
        "admit",
        "repeat",
        "already_admitted",
        "admit",
    ]
    net.set_mode(PASS)
    # the refunded ticket's admission meets the refund: a conflict, recorded as refused
    assert front.sync() == SyncResult(5, 1, 0)
    door_app = door_ws.app
    assert [door_app.door.send_queued(s) for s in scans] == ["already"] * 5
    assert stored_events(office.app, code) == ["Issued", "Admitted"]
    assert stored_events(office.app, other) == ["Issued", "Admitted"]


def test_a_window_opens_on_its_copy_only_if_it_was_online_before(
    tmp_path, office, proxies, postgres_db
):
    from infrastructure.bootstrap import ConnectingServices, Services, bootstrap_window
    from infrastructure.shared_store import ServerProblem

    show, ada, (code,) = evening(office)
    proxy = proxies()
    online = bootstrap_window(resolve(tmp_path / "door", store=proxy.url(postgres_db)))
    assert isinstance(online, Services)
    online.runner.catch_up()
    online.close()
    proxy.set_mode(DROP)
    never = resolve(tmp_path / "new-laptop", store=proxy.url(postgres_db))
    with pytest.raises(ServerProblem, match="Cannot reach the server"):
        bootstrap_window(never)
    assert not never.readmodels_path.exists()

    started = bootstrap_window(resolve(tmp_path / "door", store=proxy.url(postgres_db)))
    try:
        assert isinstance(started, ConnectingServices) and not started.runner.connected
        assert started.app.current_role() == "manager"  # no staff accounts on this store
        assert started.door().state() == DoorState(True, 0)
        result = started.door().scan(code, show, "Main door")
        assert (result.verdict, result.offline) == ("admit", True)
        proxy.set_mode(PASS)
        assert started.door().sync() == SyncResult(1, 0, 0)
        assert started.connected and started.runner.connected
        started.runner.catch_up()
        assert door.ticket(started.runner.db(), code)["admitted_door"] == "Main door"
    finally:
        started.close()


def test_a_window_starting_on_a_stalled_network_opens_on_its_copy_in_time(
    tmp_path, office, proxies, postgres_db
):
    from infrastructure.bootstrap import ConnectingServices, bootstrap_window

    show, ada, (code,) = evening(office)
    proxy = proxies()
    config = resolve(tmp_path / "door", store=proxy.url(postgres_db))
    first = bootstrap_window(config)
    first.runner.catch_up()
    first.close()
    proxy.set_mode(STALL)  # connections open but nothing comes back
    started = bootstrap_window(config, budget=0.5)
    try:
        assert isinstance(started, ConnectingServices)
        assert started.door().scan(code, show, "Main door").offline is True
        proxy.set_mode(PASS)
        # the stalled opening is given up; the door's sync opens the store afresh
        assert started.door().sync().left == 0
        assert started.connected
        assert office.app.store.get(ticket_id(code)).admitted_door == "Main door"
    finally:
        started.close()


def test_what_waits_to_be_sent_counts_in_the_house_and_says_so(office, workstation, proxies):
    show, ada, (first, second, third) = evening(office, tickets=3)
    office.app.scan(third, show, "Main door", occurred_at=TONIGHT)  # admitted online
    net = proxies()
    here = workstation("north-door", net)
    here.runner.catch_up()
    front, db = here.door(), here.runner.db()
    assert front.house_count(db, show)["waiting"] == 0
    net.set_mode(DROP)

    front.scan(first, show, "North door", occurred_at=TONIGHT + timedelta(minutes=1))
    front.scan(second, show, "North door", occurred_at=TONIGHT + timedelta(minutes=2))
    front.undo_admission(third, "Wrong person", "North door", TONIGHT + timedelta(minutes=3))
    front.scan(second, show, "North door", occurred_at=TONIGHT + timedelta(minutes=4))  # again
    assert front.waiting_admissions(db, show) == {first: True, second: True, third: False}
    count = front.house_count(db, show)
    assert (count["admitted"], count["waiting"]) == (2, 2)
    assert count["doors"] == {"North door": 2}

    net.set_mode(PASS)
    assert front.sync().left == 0
    here.runner.catch_up()
    assert front.waiting_admissions(db, show) == {}
    count = front.house_count(db, show)
    assert (count["admitted"], count["waiting"]) == (2, 0)  # the same figure, sent


def test_an_undo_queued_offline_of_an_admission_the_server_has_lowers_visits_and_count(
    office, workstation, proxies
):
    """Admitted online, undone while offline, then sent: the Ticket's admission is taken
    back in the store, and the visits, the house count and the timeline agree, at the
    office and at the door, before sending (the door's overlay) and after."""
    from projections import box_office

    show, ada, (code,) = evening(office)
    net = proxies()
    here = workstation("north-door", net)
    front = here.door()
    assert front.scan(code, show, "North door", occurred_at=TONIGHT).offline is False
    here.runner.catch_up()
    db = here.runner.db()
    assert box_office.patron_stats(db, ada)["visits"] == 1
    net.set_mode(DROP)
    undone = front.undo_admission(
        code, "Scanned the wrong ticket", "North door", TONIGHT + timedelta(minutes=1)
    )
    assert undone.offline is True
    assert front.waiting_admissions(db, show) == {code: False}
    assert front.house_count(db, show)["admitted"] == 0
    (waiting,) = front.waiting_visits(db, ada)
    assert (waiting.code, waiting.undone, waiting.new_visit) == (code, True, True)
    assert waiting.at == (TONIGHT + timedelta(minutes=1)).isoformat()
    assert WaitingVisit.visits_change([waiting]) == -1  # the patron page: 1 - 1 visits

    net.set_mode(PASS)
    assert front.sync() == SyncResult(1, 0, 0)
    assert stored_events(office.app, code) == ["Issued", "Admitted", "AdmissionUndone"]
    assert not office.app.store.get(ticket_id(code)).admitted
    for services in (office, here):
        services.runner.catch_up()
        db = services.runner.db()
        assert box_office.patron_stats(db, ada)["visits"] == 0
        assert door.house_count(db, show)["admitted"] == 0
        assert door.ticket(db, code)["admitted_at"] in (None, "")
        kinds = [row["kind"] for row in timeline.rows(db, ada)]
        assert kinds.index("admission_undone") < kinds.index("admission")  # newest first
    assert front.waiting_admissions(here.runner.db(), show) == {}
    assert front.waiting_visits(here.runner.db(), ada) == []
