"""An import records one seat event per performance per chunk of orders
(``Performance.SeatsTakenTogether``) instead of one ``SeatsTaken`` per order, and a
new buyer's contact key in one event (``ContactKey.Opened`` for them) instead of two
(issue 16's speed), and every read model comes out exactly as the older events made it.

The reference is the same import recording what every store written before holds:
one ``Performance.SeatsTaken`` per order, a key opened and then claimed. Both runs
make the same ids (a seeded ``uuid4``) and the same times (a fixed clock), so every
read-model table can be compared row by row; positions (notification ids) are
compared by their rank among the events both stores hold (the seat events are the
only ones that differ).
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from eventsourcing.utils import get_topic

from domain.box_office import Performance
from domain.contact_index import ContactKey
from imports import sales_import
from imports.sales_import import import_sales_file
from infrastructure.bootstrap import bootstrap
from infrastructure.config import resolve
from tests.domain.test_new_ids import seeded_new_ids
from tests.imports.test_sales_trust import NY, sale, write

NOW = datetime(2026, 2, 20, 12, 0, tzinfo=UTC)
SEAT_EVENTS = {
    get_topic(Performance.SeatsTaken),  # type: ignore[attr-defined]
    get_topic(Performance.SeatsTakenTogether),  # type: ignore[attr-defined]
}
#: events that only some of the two runs hold (neither is read by any read model)
INDEX_EVENTS = {get_topic(ContactKey.Claimed)}  # type: ignore[attr-defined]
SHOWS = [
    ("Hamlet", "2026-03-14 19:30"),
    ("Hamlet", "2026-03-15 14:00"),
    ("Lear", "2026-04-02 19:30"),
]


def _rows(seed: int = 5, orders: int = 40) -> list[dict]:
    """Orders of one to three tickets at one to three performances, some tickets with
    their own attendee, and one order whose second barcode is used twice (rejected:
    it takes no seats)."""
    rng = random.Random(seed)
    rows = []
    for n in range(orders):
        buyer = rng.randrange(12)
        for show, when in rng.sample(SHOWS, rng.randint(1, 3)):
            for seat in range(rng.randint(1, 3)):
                row = sale(
                    f"O{n}",
                    show,
                    when,
                    first_name=f"Fan{buyer}",
                    email=f"fan{buyer}@example.org",
                    price=rng.choice(("25.00", "12.50", "0")),
                    order_date=f"2026-02-{1 + n % 28:02d} 10:{n % 60:02d}",
                    barcode=f"B{n}-{show[0]}{when[8:10]}-{seat}",
                )
                if rng.random() < 0.3:
                    row["attendee_first_name"] = rng.choice(("Cy", "Di", "Ed"))
                    row["attendee_last_name"] = "Guest"
                    row["attendee_email"] = f"{row['attendee_first_name'].lower()}@example.net"
                rows.append(row)
    rows.append(sale("DOUBLE", barcode="DOUBLE-1", email="dd@example.org", first_name="Dee"))
    rows.append(sale("DOUBLE", barcode=rows[0]["barcode"], email="dd@example.org"))
    return rows


def _seeded_ids(monkeypatch) -> None:
    """Every new aggregate id (patrons, productions, performances) from one seeded
    sequence, so two runs of the same work make the same ids."""
    rng = random.Random(2026)
    monkeypatch.setattr(
        "eventsourcing.domain.uuid4", lambda: uuid.UUID(int=rng.getrandbits(128), version=4)
    )
    seeded_new_ids(monkeypatch, 2026)  # patrons' ids (domain/new_ids.py)


def _import_and_use(config, tmp_path: Path, monkeypatch, *, compact: bool, chunk: int) -> dict:
    """Import the file (in chunks of ``chunk`` orders), then use the imported tickets
    at the door and the box office; returns the facts to compare."""
    _seeded_ids(monkeypatch)
    monkeypatch.setattr(sales_import, "CHUNK_ORDERS", chunk)
    if not compact:
        # as older stores hold them: a seat event per order, a contact key opened
        # for nobody and then claimed
        monkeypatch.setattr(Performance, "compact_pending_events", lambda self: None)
        opened = ContactKey.open

        def open_then_claim(key, stamp, patron_id=None):
            index = opened(key, stamp)
            if patron_id:
                index.claim(patron_id, stamp)
            return index

        monkeypatch.setattr(ContactKey, "open", staticmethod(open_then_claim))
    services = bootstrap(config, staff="maria", workstation="box-office-1")
    try:
        app = services.app
        app.store.context.clock = lambda: NOW
        report = import_sales_file(app, write(tmp_path, _rows()), timezone=NY)
        # the door and the box office on imported tickets
        codes = [r["barcode"].replace("-", "") for r in _rows()[:-2]]
        first = app.get_ticket(codes[0])
        verdicts = [app.scan(codes[0], first.performance_id, "Main door").verdict]
        verdicts.append(app.scan(codes[0], first.performance_id, "Main door").verdict)
        other = next(c for c in codes if app.get_ticket(c).order_id != first.order_id)
        verdicts.append(app.scan(other, first.performance_id, "Main door").verdict)
        refunded = app.refund_order(app.get_ticket(codes[-1]).order_id, occurred_at=NOW)
        services.runner.catch_up()
        tables = _tables(services, app)
        seat_events = _seat_events(app)
        tickets = {
            c: (t.status, t.performance_id, t.patron_id, t.order_id, t.price_cents)
            for c in codes
            if (t := app.get_ticket(c)) is not None
        }
        aggregates = {c: _state(ticket) for c in codes[:25] for ticket in app.current_tickets([c])}
        performances = {
            pid: app.get_performance(pid).sold for pid in {t[1] for t in tickets.values()}
        }
        services.runner.rebuild()
        rebuilt = _tables(services, app)
        return {
            "report": {k: report[k] for k in ("imported", "tickets", "created", "rejected")},
            "verdicts": verdicts,
            "refunded": refunded,
            "tickets": tickets,
            "aggregates": aggregates,
            "sold": performances,
            "tables": tables,
            "rebuilt": rebuilt,
            "seat_events": seat_events,
            "claims": len(app.recorder.select_notifications(1, 100_000, topics=list(INDEX_EVENTS))),
        }
    finally:
        services.close()


def _state(ticket) -> dict:
    return {k: v for k, v in vars(ticket).items() if k not in {"_created_on", "_modified_on"}}


def _seat_events(app) -> list[tuple[str, int]]:
    found = []
    for notification in app.recorder.select_notifications(1, 100_000, topics=list(SEAT_EVENTS)):
        event = app.mapper.to_domain_event(notification)
        found.append((type(event).__qualname__, event.quantity))
    return found


def _ranks(app) -> dict[int, int]:
    """Each notification id -> how many events other than seat events and contact-key
    claims came up to it."""
    ranks, rank = {0: 0}, 0
    for notification in app.recorder.select_notifications(1, 1_000_000):
        if notification.topic not in SEAT_EVENTS | INDEX_EVENTS:
            rank += 1
        ranks[notification.id] = rank
    return ranks


def _tables(services, app) -> dict[str, list[tuple]]:
    """Every read-model table, its positions given as ranks (see ``_ranks``)."""
    ranks = _ranks(app)
    db = services.runner.db()
    names = [
        name
        for (name,) in db.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        )
        if "_fts" not in name  # the full-text index's own pages: compared through its rows
    ]
    tables = {}
    for name in names:
        columns = [row[1] for row in db.conn.execute(f"PRAGMA table_info('{name}')")]
        rows = []
        for row in db.conn.execute(f'SELECT * FROM "{name}"'):
            rows.append(
                tuple(
                    ranks[value] if "position" in column and isinstance(value, int) else value
                    for column, value in zip(columns, row, strict=True)
                )
            )
        tables[name] = sorted(rows, key=repr)
    for fts in ("patrons_fts", "chats_fts"):
        tables[fts] = db.conn.execute(f"SELECT rowid, * FROM {fts} ORDER BY rowid").fetchall()
    return tables


@pytest.mark.parametrize("chunk", [2000, 7])
def test_the_read_models_are_those_of_one_seat_event_per_order(
    store_config, tmp_path, monkeypatch, chunk
):
    """The same import, per-order seat events (as every older store holds) against
    one seat event per performance per chunk: every read-model table, the door's and
    the box office's answers, every imported Ticket aggregate, a rebuild."""
    with monkeypatch.context() as m:
        per_order = _import_and_use(
            resolve(tmp_path / "per-order", store="sqlite"),
            tmp_path,
            m,
            compact=False,
            chunk=chunk,
        )
    together = _import_and_use(store_config, tmp_path, monkeypatch, compact=True, chunk=chunk)

    assert together["report"]["imported"] == 40 and len(together["report"]["rejected"]) == 2
    # the reference really is one seat event per order; the import now one per
    # performance and chunk (an order at three performances takes seats at each)
    assert {name for name, _ in per_order["seat_events"]} == {"Performance.SeatsTaken"}
    assert len(per_order["seat_events"]) > 60
    assert {name for name, _ in together["seat_events"]} == {"Performance.SeatsTakenTogether"}
    chunks = -(-40 // chunk)
    assert len(together["seat_events"]) <= 3 * chunks
    assert sum(q for _, q in together["seat_events"]) == sum(q for _, q in per_order["seat_events"])
    assert per_order["claims"] > 0 and together["claims"] == 0
    for key in ("report", "verdicts", "refunded", "tickets", "aggregates", "sold"):
        assert together[key] == per_order[key], key
    assert together["tables"].keys() == per_order["tables"].keys()
    for name, rows in per_order["tables"].items():
        assert together["tables"][name] == rows, name
    assert together["rebuilt"] == together["tables"]
    assert per_order["rebuilt"] == per_order["tables"]


def test_an_import_saves_one_seat_event_per_performance_per_chunk(start, tmp_path):
    """40 orders at three performances in one chunk: three seat events, not one per
    order (before: one ``Performance.SeatsTaken`` per order and performance)."""
    services = start()
    app = services.app
    report = import_sales_file(app, write(tmp_path, _rows()), timezone=NY)

    seat_events = _seat_events(app)
    assert report["imported"] == 40
    assert [name for name, _ in seat_events] == ["Performance.SeatsTakenTogether"] * 3
    assert sum(q for _, q in seat_events) == report["tickets"]
    services.runner.catch_up()
    sold = services.runner.db().conn.execute("SELECT SUM(sold) FROM door_performances")
    assert sold.fetchone()[0] == report["tickets"]


def test_a_chunks_new_productions_and_performances_are_saved_together(start, tmp_path):
    """The file's three performances (of two productions) are new: they are saved in one
    transaction before the chunk's orders, not one each (a disk flush each)."""
    services = start()
    app = services.app
    saves: list[set[str]] = []
    save = app.store._save

    def counted(objs, kwargs, recordings):
        saves.append({type(o).__name__ for o in objs if o is not None})
        return save(objs, kwargs, recordings)

    app.store._save = counted
    report = import_sales_file(app, write(tmp_path, _rows()), timezone=NY)

    assert report["imported"] == 40 and report["performances_created"] == 3
    scheduling = [kinds for kinds in saves if "Order" not in kinds]
    assert scheduling == [{"Production", "Performance"}]  # was five saves of one each
    assert len(saves) == 2
