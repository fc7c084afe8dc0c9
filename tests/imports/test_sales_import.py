"""Importing online sales, on the embedded SQLite store and on a shared PostgreSQL store.

The sample exports in tests/fixtures/sales/ hold the same three orders in each
recognised layout: Ada Lovelace buys two Adult tickets (with barcodes) for
Hamlet on 14 March 19:30, Grace Hopper (phone only) one Student ticket without
a barcode for the same performance, Zoë Adams one Adult ticket for the
matinee on 15 March 14:00.
"""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest

from domain.errors import PossibleDuplicate
from domain.ticket_codes import is_own_code
from imports.sales_file import read_sales_file
from imports.sales_import import SELLING, UnreadableSalesFile, import_sales, import_sales_file
from imports.stored_schedule import ScheduleReading

SAMPLES = Path(__file__).parents[1] / "fixtures" / "sales"
LAYOUTS = {  # the samples with the three orders and their barcodes (tests/imports/
    # test_sales_layouts.py imports every layout's sample)
    "eventbrite.csv": "Eventbrite attendee report",
    "eventbrite_uk.csv": "Eventbrite attendee report (UK wording)",
    "brown_paper_tickets.csv": "Brown Paper Tickets sales report",
    "ticketsource.csv": "TicketSource bookings",
    "generic.csv": "Houselights generic layout",
}
NY = ZoneInfo("America/New_York")
HEADER = (
    "order_id,order_date,first_name,last_name,email,phone,postal_code,event_name,"
    "event_date,ticket_type,price,quantity,barcode\n"
)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=NY)


def run(app, path, **options) -> dict:
    return import_sales_file(app, path, timezone="America/New_York", **options)


def write(tmp_path, body: str, name: str = "sales.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes((HEADER + body).encode(encoding))
    return path


def placed_at(app, code: str) -> datetime:
    order_id = app.get_ticket(code).order_id
    return next(iter(app.events.get(UUID(order_id)))).occurred_at


@pytest.mark.parametrize("sample", list(LAYOUTS))
def test_every_recognised_layout_imports_the_three_orders(store, sample):
    sales = read_sales_file(SAMPLES / sample)
    assert sales.layout_name == LAYOUTS[sample]

    report = import_sales(store, sales, timezone="America/New_York")

    # Charles Babbage holds Ada's second ticket in the Eventbrite sample: a patron too.
    holders = 1 if sample == "eventbrite.csv" else 0
    assert (report["imported"], report["created"], report["matched"]) == (3, 3 + holders, 0)
    assert report["rejected"] == []
    assert report["tickets"] == 4 and report["performances_created"] == 2
    # The barcodes from the file are the tickets' codes, so they scan at the door.
    first, second = store.get_ticket("8141001001"), store.get_ticket("8141001002")
    assert first.status == second.status == "valid"
    assert first.order_id == second.order_id
    ada = store.get_patron(first.patron_id)
    assert (ada.name, ada.email, ada.source) == (
        "Ada Lovelace",
        "ada@example.org",
        "import",
    )
    evening = store.get_performance(first.performance_id)
    assert (evening.title, evening.sold) == ("Hamlet", 3)
    assert datetime.fromisoformat(evening.starts_at) == at("2026-03-14 19:30")
    assert first.price_cents == 2500
    zoe = store.get_ticket("8141003001")
    assert store.get_patron(zoe.patron_id).name == "Zoë Adams"
    matinee = store.get_performance(zoe.performance_id)
    assert datetime.fromisoformat(matinee.starts_at) == at("2026-03-15 14:00")
    # The original order dates are the dates of the events recorded.
    assert datetime.fromisoformat(ada.registered_at) == at("2026-02-01 10:15")
    assert placed_at(store, "8141001001") == at("2026-02-01 10:15")
    assert placed_at(store, "8141003001") == at("2026-02-04 18:40")


def test_importing_the_same_file_again_creates_nothing(store):
    first = run(store, SAMPLES / "eventbrite.csv")
    events = store.event_count()

    again = run(store, SAMPLES / "eventbrite.csv")

    assert store.event_count() == events
    assert (again["imported"], again["created"], again["matched"]) == (0, 0, 0)
    assert again["already_imported"] == first["imported"] == 3
    assert again["rejected"] == []


def test_a_dry_run_reports_the_same_as_the_import_and_writes_nothing(store):
    rehearsed = run(store, SAMPLES / "generic.csv", dry_run=True)
    assert store.event_count() == 0

    imported = run(store, SAMPLES / "generic.csv")

    assert {**rehearsed, "dry_run": False} == imported
    assert rehearsed["dry_run"] is True and imported["imported"] == 3


def test_tickets_without_a_barcode_get_houselights_codes(store):
    run(store, SAMPLES / "generic.csv")
    orders = [store.repository.get(UUID(o)) for o in _order_ids(store)]
    assert [o.codes for o in orders if o.reference.startswith("online:generic:G-1001@")] == [
        ["8141001001", "8141001002"]
    ]
    (grace,) = [o for o in orders if o.reference.startswith("online:generic:G-1002@")]
    (code,) = grace.codes
    assert is_own_code(code)
    ticket = store.get_ticket(code)
    assert store.get_patron(ticket.patron_id).phone == "555 765 4321"
    assert (ticket.price_level, ticket.price_cents) == ("Student", 1250)
    assert (grace.channel, grace.payment, grace.total_cents) == ("online", "card", 1250)


def _codes_of_performance(app, performance_id: str) -> list[str]:
    """Every ticket code sold for a performance, read from its orders' events."""
    from eventsourcing.utils import get_topic

    from domain.box_office import Order

    topic = get_topic(Order.Placed)
    codes = []
    for notification in app.recorder.select_notifications(1, 1000, topics=[topic]):
        order = app.repository.get(notification.originator_id)
        if order.performance_id == performance_id:
            codes += order.codes
    return codes


def test_buyers_already_on_file_are_matched_by_email_phone_then_name_and_postal_code(
    store, tmp_path
):
    ada = store.register_patron("Ada", "Lovelace", email="ADA@example.org")
    grace = store.register_patron("Grace", "Hopper", phone="(555) 765-4321")
    zoe = store.register_patron("Zoe", "Adams", address={"postal_code": "sw1a 1aa"})
    path = write(
        tmp_path,
        (
            "1,2026-02-01 10:15,Ada,Lovelace,ada@example.org,,,Hamlet,2026-03-14 19:30,Adult,"
            "25,1,\n"
            "2,2026-02-02 10:15,G.,Hopper,,555.765.4321,,Hamlet,2026-03-14 19:30,Adult,25,1,\n"
            "3,2026-02-03 10:15,Zoë,Adams,new@example.net,,SW1A1AA,Hamlet,2026-03-14 19:30,Adult,"
            "25,1,\n"
            "4,2026-02-04 10:15,Zoë,Adams,,,E1 6AN,Hamlet,2026-03-14 19:30,Adult,25,1,\n"
        ),
    )

    report = run(store, path)

    assert (report["imported"], report["matched"], report["created"]) == (4, 3, 1)
    buyers = [store.repository.get(UUID(o)).patron_id for o in _order_ids(store)]
    assert buyers[:3] == [ada, grace, zoe]
    assert buyers[3] not in (ada, grace, zoe)  # same name, another postal code: a new patron


def _order_ids(app) -> list[str]:
    from eventsourcing.utils import get_topic

    from domain.box_office import Order

    found = app.recorder.select_notifications(1, 1000, topics=[get_topic(Order.Placed)])
    return [str(n.originator_id) for n in found]


def test_a_buyer_with_several_orders_is_registered_once_at_the_first_order(store, tmp_path):
    path = write(
        tmp_path,
        (
            "B,2026-02-05 12:00,Ada,Lovelace,ada@example.org,,,Hamlet,2026-03-14 19:30,Adult,"
            "25,1,\n"
            "A,2026-02-01 09:00,Ada,Lovelace,ada@example.org,,,Hamlet,2026-03-15 14:00,Adult,"
            "25,1,\n"
        ),
    )

    report = run(store, path)

    assert (report["imported"], report["created"], report["matched"]) == (2, 1, 0)
    (patron,) = store.find_contact_matches(email="ada@example.org")
    registered = store.get_patron(patron.id).registered_at
    assert datetime.fromisoformat(registered) == at("2026-02-01 09:00")


def test_the_name_and_postal_code_key_never_raises_a_duplicate_warning(store):
    first = store.register_patron("Sam", "Okafor", address={"postal_code": "N1 9GU"})
    second = store.register_patron("Sam", "Okafor", address={"postal_code": "n19gu"})
    assert {m.id for m in store.find_name_matches("sam", "OKAFOR", "N1 9GU")} == {first, second}
    store.update_contact(second, address={"postal_code": "E1 6AN"})
    assert [m.id for m in store.find_name_matches("Sam", "Okafor", "N19GU")] == [first]
    assert [m.id for m in store.find_name_matches("Sam", "Okafor", "E1 6AN")] == [second]
    with pytest.raises(PossibleDuplicate):  # email and phone still warn
        store.register_patron("Other", email="x@example.org")
        store.register_patron("Another", email="x@example.org")


def test_an_existing_performance_is_found_by_event_name_and_date(store, tmp_path):
    production = store.create_production("Hamlet")
    evening = store.schedule_performance(production, at("2026-03-14 19:30"), 10, {"Adult": 3000})
    path = write(
        tmp_path,
        (
            "1,2026-02-01 10:15,Ada,Lovelace,,,,HAMLET,3/14/2026 7:30 PM,Adult,25.00,2,\n"
            "2,2026-02-02 10:15,Ann,Other,,,,Hamlet,2026-03-14,Online special,$9.99,1,\n"
        ),
    )

    report = run(store, path)

    assert report["performances_created"] == 0 and report["imported"] == 2
    performance = store.get_performance(evening)
    assert performance.sold == 3
    # What was paid online is what the tickets record, also at levels not on the price list.
    tickets = [store.get_ticket(c) for c in _codes_of_performance(store, evening)]
    assert sorted((t.price_level, t.price_cents) for t in tickets) == [
        ("Adult", 2500),
        ("Adult", 2500),
        ("Online special", 999),
    ]


def test_a_full_performance_rejects_only_the_order_that_does_not_fit(store, tmp_path):
    production = store.create_production("Hamlet")
    store.schedule_performance(production, at("2026-03-14 19:30"), 2, {"Adult": 2500})
    path = write(
        tmp_path,
        (
            "1,2026-02-01 10:15,Ada,Lovelace,,,,Hamlet,2026-03-14 19:30,Adult,25,1,\n"
            "2,2026-02-02 10:15,Ann,Other,,,,Hamlet,2026-03-14 19:30,Adult,25,2,\n"
            "3,2026-02-03 10:15,Bo,Third,,,,Hamlet,2026-03-14 19:30,Adult,25,1,\n"
        ),
    )

    report = run(store, path)

    assert report["imported"] == 2
    (rejected,) = report["rejected"]
    assert rejected["row"] == 3
    assert "1 seats left" in rejected["reason"] and "capacity" in rejected["reason"]


def test_new_performances_get_room_for_what_the_file_sold(store, tmp_path):
    rows = "".join(
        f"{n},2026-02-01 10:15,Fan,Number{n},,,,Big Show,2026-05-01 20:00,Adult,10,3,\n"
        for n in range(40)
    )
    report = run(store, write(tmp_path, rows), default_capacity=100)
    assert report["imported"] == 40 and report["rejected"] == []
    order = store.repository.get(UUID(_order_ids(store)[0]))
    assert store.get_performance(order.performance_id).capacity == 120


def test_bad_rows_are_rejected_with_reasons_and_the_rest_is_imported(store, tmp_path):
    path = write(
        tmp_path,
        (
            "1,2026-02-01 10:15,Ada,Lovelace,ada@example.org,,,Hamlet,2026-03-14 19:30,Adult,"
            "25,1,\n"
            "2,someday,Bad,Date,,,,Hamlet,2026-03-14 19:30,Adult,25,1,\n"
            "\n"
            "3,2026-02-01 10:15,Bad,Price,,,,Hamlet,2026-03-14 19:30,Adult,twenty,1,\n"
            "4,2026-02-01 10:15,Bad,Quantity,,,,Hamlet,2026-03-14 19:30,Adult,25,-1,\n"
            "5,2026-02-01 10:15,Bad,Email,ada@,,,Hamlet,2026-03-14 19:30,Adult,25,1,\n"
            "6,2026-02-01 10:15,Good,Row,,,,Hamlet,2026-03-14 19:30,Adult,25,1,\n"
            "6,2026-02-01 10:15,Good,Row,,,,Hamlet,2026-03-32 19:30,Adult,25,1,\n"
            ",2026-02-01 10:15,No,Order,,,,Hamlet,2026-03-14 19:30,Adult,25,1,\n"
            "8,2026-02-01 10:15,,,x@example.org,,,Hamlet,2026-03-14 19:30,Adult,25,1,\n"
            "9,2026-02-01 10:15,Short\n"
            "10,2026-02-01 10:15,Two,Many,,,,Hamlet,2026-03-14 19:30,Adult,25,2,ONLYONE\n"
            "11,2026-02-01 10:15,Dup,Code,,,,Hamlet,2026-03-14 19:30,Adult,25,1,SAME1\n"
            "12,2026-02-01 10:15,Dup,Code,,,,Hamlet,2026-03-14 19:30,Adult,25,1,SAME1\n"
            "13,2026-02-01 10:15,No,Time,,,,Hamlet,2026-03-20,Adult,25,1,\n"
        ),
    )

    report = run(store, path)

    reasons = {r["row"]: r["reason"] for r in report["rejected"]}
    # Row 1 is the header, so the first sale is row 2; the blank line is row 4.
    assert report["imported"] == 2  # orders 1 and 11
    assert set(reasons) == {3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16}
    assert "“someday”" in reasons[3] and "not a date" in reasons[3]
    assert "“twenty”" in reasons[5] and "money" in reasons[5]
    assert "“-1”" in reasons[6] and "number of tickets" in reasons[6]
    assert "ada@" in reasons[7] and "email" in reasons[7]
    assert "row 9 of the same order" in reasons[8]  # its sibling row is wrong
    assert "2026-03-32" in reasons[9]
    assert "order number is empty" in reasons[10]
    assert "name is empty" in reasons[11]
    assert "event name is empty" in reasons[12]  # the short row
    assert "one barcode for 2 tickets" in reasons[13]
    assert "also on row 14" in reasons[15]
    assert "no start time" in reasons[16]
    assert store.get_ticket("SAME1") is not None
    # Nothing is silently dropped: every row with data is imported or explained.
    assert report["rows"] == 14 == len(report["rejected"]) + 2


def test_a_barcode_already_used_in_houselights_rejects_the_order(store, tmp_path):
    write(
        tmp_path,
        "1,2026-02-01 10:15,Ada,L,,,,Hamlet,2026-03-14 19:30,Adult,25,1,CODE1\n",
        name="first.csv",
    )
    run(store, tmp_path / "first.csv")
    path = write(tmp_path, "2,2026-02-02 10:15,Bo,B,,,,Hamlet,2026-03-14 19:30,Adult,25,1,code1\n")

    report = run(store, path)

    assert report["imported"] == 0
    assert report["rejected"] == [
        {"row": 2, "reason": "Barcode CODE1 already belongs to another ticket in Houselights."}
    ]


def test_refunded_rows_are_reported_but_not_imported(store, tmp_path):
    text = (SAMPLES / "eventbrite.csv").read_text(encoding="utf-8-sig")
    text = text.replace("Attending,,,,,,,,Hamlet,880002", "Refunded,,,,,,,,Hamlet,880002")
    refunded = tmp_path / "eventbrite-refunded.csv"
    refunded.write_text(text, encoding="utf-8")

    report = run(store, refunded)

    assert report["imported"] == 2
    (row,) = report["rejected"]
    assert row["row"] == 6 and "Refunded" in row["reason"]
    assert store.get_ticket("8141003001") is None


def test_cancelling_keeps_whole_orders_and_importing_again_finishes(store, tmp_path):
    rows = "".join(
        f"{n},2026-02-01 10:{n:02d},Fan,Number{n},fan{n}@example.org,,,Show,2026-05-01 20:00,"
        "Adult,10,1,\n"
        for n in range(30)
    )
    path = write(tmp_path, rows)
    seen = []

    def progress(done, total, phase):
        if phase == SELLING:
            seen.append((done, total))

    report = run(store, path, progress=progress, cancelled=lambda: len(seen) > 1)

    assert report["cancelled"] is True
    assert 0 < report["imported"] < 30
    assert len(_order_ids(store)) == report["imported"]
    rest = run(store, path)
    assert rest["imported"] == 30 - report["imported"]
    assert rest["already_imported"] == report["imported"]
    assert len(_order_ids(store)) == 30


def test_progress_reaches_the_total(store):
    seen = []
    run(store, SAMPLES / "ticket_tailor.csv", progress=lambda d, t, p: seen.append((d, t, p)))
    selling = [(d, t) for d, t, p in seen if p == SELLING]
    assert selling[0] == (0, 3) and selling[-1] == (3, 3)


def test_another_workstation_selling_during_the_import_loses_nothing(store, open_app, tmp_path):
    production = store.create_production("Hamlet")
    evening = store.schedule_performance(production, at("2026-03-14 19:30"), 50, {"Adult": 2500})
    other, sold_meanwhile = open_app(), []

    def progress(done, total, phase):
        # All orders are done but the import's batch is not saved yet: the box office
        # on another workstation sells a ticket for the same performance meanwhile.
        if phase == SELLING and done == total and not sold_meanwhile:
            sold_meanwhile.append(other.sell_tickets(evening, {"Adult": 1}, payment="cash"))

    report = run(store, SAMPLES / "generic.csv", progress=progress)

    assert report["imported"] == 3 and report["rejected"] == []
    assert store.get_performance(evening).sold == 3 + 1


def test_a_user_mapping_reads_a_file_with_its_own_headers(store, tmp_path):
    path = tmp_path / "custom.csv"
    path.write_text(
        "Ref;When;Who;Mail;Show;Show date;Kind;Paid\n"
        "X1;2026-02-01 10:15;Ada Lovelace;ada@example.org;Hamlet;2026-03-14 19:30;Adult;25,00\n",
        encoding="utf-8",
    )
    sales = read_sales_file(path)
    assert sales.layout is None
    assert "order_id" in sales.missing()
    mapping = sales.with_mapping(
        {
            "order_id": "Ref",
            "order_date": "When",
            "full_name": "Who",
            "email": "Mail",
            "event_name": "Show",
            "event_date": "show date",
            "ticket_type": "Kind",
            "price": "Paid",
        }
    )

    report = import_sales(store, sales, mapping=mapping, timezone="America/New_York")

    assert report["imported"] == 1
    (patron,) = store.find_contact_matches(email="ada@example.org")
    assert patron.name == "Ada Lovelace"


def test_a_ticket_refunded_online_after_its_import_is_pointed_out(store, tmp_path):
    run(store, SAMPLES / "eventbrite.csv")
    text = (SAMPLES / "eventbrite.csv").read_text(encoding="utf-8-sig")
    later = tmp_path / "eventbrite-later.csv"
    later.write_text(
        text.replace("Attending,,,,,,,,Hamlet,880002", "Not Attending,,,,,,,,Hamlet,880002")
    )

    report = run(store, later)

    (row,) = report["rejected"]
    assert row["row"] == 6
    assert "imported earlier" in row["reason"] and "Refund order 1003" in row["reason"]
    assert report["already_imported"] == 2


def test_the_stores_performances_are_read_beside_the_planning_of_the_file(
    store, tmp_path, monkeypatch
):
    """That read goes through every stored event (at the design size most of a second,
    inside SQLite), so it runs in a thread while the file is checked and planned. Here
    the thread is held in its read until the planning has reported its progress: the
    planning goes on meanwhile, and the sale then uses what the thread read."""
    production = store.create_production("Hamlet")
    evening = store.schedule_performance(production, at("2026-03-14 19:30"), 10, {"Adult": 2500})
    path = write(tmp_path, "1,2026-02-01 10:15,Ada,L,,,,Hamlet,2026-03-14 19:30,Adult,25,1,\n")
    began, release = threading.Event(), threading.Event()
    readers: list[str] = []
    select = store.recorder.select_notifications

    def held_read(*args, **kwargs):
        if kwargs.get("topics"):
            readers.append(threading.current_thread().name)
            began.set()
            # (never reached by a read on the main thread: the planning releases it)
            assert release.wait(timeout=120), "the planning never went on beside the read"
        return select(*args, **kwargs)

    monkeypatch.setattr(store.recorder, "select_notifications", held_read)
    planned_beside: list[bool] = []

    def progress(done, total, phase) -> None:
        if not release.is_set():
            planned_beside.append(began.wait(timeout=120))  # the read is under way
            release.set()

    report = run(store, path, progress=progress)

    assert planned_beside == [True]
    assert readers == ["houselights-schedule-reading"]  # one read, in its thread
    assert (report["imported"], report["performances_created"]) == (1, 0)
    assert store.get_performance(evening).sold == 1


@pytest.mark.parametrize("ending", ["refused", "cancelled"])
def test_an_import_that_ends_before_its_sale_ends_its_read_of_the_store_first(
    store, tmp_path, monkeypatch, ending
):
    """The read of the store's performances runs on the store's connection, in its
    thread. An import that ends before its sale (a file refused: its dates Excel stored
    as numbers; or cancelled while its dates are checked) must end that read before it
    returns, because the caller then closes the store: closed under the read, SQLite
    crashed the whole process (seen in the suite: a segmentation fault in that
    thread). The read is held in its first page until the import asks it to stop; that
    page is full, so only the stop ends it there."""
    from tests.imports.test_excel_serial_dates import _serial_workbook

    path = tmp_path / "attendees.xlsx"
    _serial_workbook(path)
    page_read = threading.Event()
    pages: list[str] = []

    def held_read(start, limit, topics=(), **kwargs):
        pages.append(threading.current_thread().name)
        page_read.wait()
        return [SimpleNamespace(id=start + i) for i in range(limit if start == 1 else 0)]

    monkeypatch.setattr(store.recorder, "select_notifications", held_read)
    settle = ScheduleReading.settle

    def asked_to_stop(reading) -> None:
        page_read.set()  # (the page under way comes back, as a real read's would)
        settle(reading)

    monkeypatch.setattr(ScheduleReading, "settle", asked_to_stop)

    try:
        if ending == "refused":
            with pytest.raises(UnreadableSalesFile, match="stored by Excel as numbers"):
                run(store, path)
        else:
            report = run(store, path, excel_serial_dates=True, cancelled=lambda: True)
            assert (report["cancelled"], report["imported"]) == (True, 0)
            assert report["stopped_in"] != SELLING
        readers = [t for t in threading.enumerate() if t.name == "houselights-schedule-reading"]
    finally:
        page_read.set()  # (a read left behind, on a failure, ends: the page comes back)
    assert readers == []  # the read ended before the import returned
    assert pages == ["houselights-schedule-reading"]  # one page: it stopped after it


def test_a_rescheduled_performance_is_found_at_its_new_time(store, tmp_path):
    production = store.create_production("Hamlet")
    evening = store.schedule_performance(production, at("2026-03-13 19:30"), 10, {"Adult": 2500})
    performance = store.repository.get(UUID(evening))
    performance.reschedule(starts_at=at("2026-03-14 19:30"), **store.store.stamp())
    store.save(performance)
    path = write(tmp_path, "1,2026-02-01 10:15,Ada,L,,,,Hamlet,2026-03-14 19:30,Adult,25,1,\n")

    report = run(store, path)

    assert (report["imported"], report["performances_created"]) == (1, 0)
    assert store.get_performance(evening).sold == 1
