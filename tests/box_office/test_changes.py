"""Exchanges, walk-up buyers and editing performances, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from domain.application import Houselights
from domain.errors import (
    InvalidInput,
    NotEnoughSeats,
    ProductionNotFound,
    TicketProblem,
)

PRICES = {"Adult": 3200, "Student": 1500}
FRIDAY = datetime(2026, 12, 4, 19, 30, tzinfo=UTC)


def two_nights(app, capacity=(10, 10)) -> tuple[str, str]:
    production = app.create_production("Tosca")
    return tuple(
        app.schedule_performance(production, FRIDAY + timedelta(days=i), seats, PRICES)
        for i, seats in enumerate(capacity)
    )


def test_an_exchange_moves_tickets_to_another_night_at_the_price_paid(app):
    friday, saturday = two_nights(app)
    sale = app.sell_tickets(friday, {"Adult": 1, "Student": 1})
    done = app.exchange_tickets(sale.codes, saturday)

    assert done.replaced == sale.codes and len(done.codes) == 2
    assert {app.get_ticket(c).status for c in sale.codes} == {"exchanged"}
    new = [app.get_ticket(c) for c in done.codes]
    assert [(t.performance_id, t.price_level, t.price_cents, t.status) for t in new] == [
        (saturday, "Adult", 3200, "valid"),
        (saturday, "Student", 1500, "valid"),
    ]
    assert all(t.order_id == sale.order_id for t in new)
    assert app.get_performance(friday).sold == 0
    assert app.get_performance(saturday).sold == 2
    # The old codes no longer work for anything.
    with pytest.raises(TicketProblem, match="already exchanged"):
        app.exchange_tickets(sale.codes[:1], friday)


def test_an_exchange_into_a_full_performance_changes_nothing(app):
    friday, saturday = two_nights(app, capacity=(10, 3))
    sale = app.sell_tickets(friday, {"Adult": 2})
    app.sell_tickets(saturday, {"Adult": 2})
    with pytest.raises(NotEnoughSeats, match="Only 1 seat left for Tosca, Sat 5 Dec"):
        app.exchange_tickets(sale.codes, saturday)
    assert {app.get_ticket(c).status for c in sale.codes} == {"valid"}
    assert (app.get_performance(friday).sold, app.get_performance(saturday).sold) == (2, 2)


def test_exchanges_that_make_no_sense_are_refused_plainly(app):
    friday, saturday = two_nights(app)
    ada = app.register_patron("Ada", "Lovelace", email="ada@example.org")
    mine = app.sell_tickets(friday, {"Adult": 1}, patron_id=ada)
    other = app.sell_tickets(friday, {"Adult": 1})
    with pytest.raises(TicketProblem, match="already for Tosca, Fri 4 Dec"):
        app.exchange_tickets(mine.codes, friday)
    with pytest.raises(TicketProblem, match="different patrons"):
        app.exchange_tickets(mine.codes + other.codes, saturday)
    with pytest.raises(TicketProblem, match="could not find ticket 3467"):
        app.exchange_tickets(["3467"], saturday)
    with pytest.raises(InvalidInput, match="Choose the tickets"):
        app.exchange_tickets([], saturday)
    app.refund_order(mine.order_id)
    with pytest.raises(TicketProblem, match="already refunded"):
        app.exchange_tickets(mine.codes, saturday)


def test_a_refund_after_an_exchange_refunds_the_replacement_where_it_is(app):
    friday, saturday = two_nights(app)
    sale = app.sell_tickets(friday, {"Adult": 2})
    moved = app.exchange_tickets(sale.codes[:1], saturday)
    moved_again = app.exchange_tickets(moved.codes, friday)
    app.exchange_tickets(moved_again.codes, saturday)
    refund = app.refund_order(sale.order_id)
    assert refund.amount_cents == 6400 and len(refund.refunded) == 2
    assert refund.refunded[1] == sale.codes[1]
    assert app.get_ticket(refund.refunded[0]).performance_id == saturday
    assert {app.get_ticket(c).status for c in refund.refunded} == {"refunded"}
    assert app.get_performance(friday).sold == 0
    assert app.get_performance(saturday).sold == 0
    with pytest.raises(TicketProblem, match="already refunded or used"):
        app.refund_order(sale.order_id)


def test_a_walk_up_buyer_becomes_a_patron(app):
    friday, _ = two_nights(app)
    sale = app.sell_to_walk_up(
        friday, {"Adult": 2}, "Grace", "Hopper", phone="555 010 2020", email_consent=True
    )
    assert sale.existing_patron is False
    assert sale.message == "Sold 2 tickets to Grace Hopper, a new patron."
    patron = app.get_patron(sale.patron_id)
    assert (patron.name, patron.source, patron.email_consent) == (
        "Grace Hopper",
        "walk-up",
        True,
    )
    assert app.get_ticket(sale.codes[0]).patron_id == sale.patron_id
    assert sale.total_cents == 6400


def test_a_walk_up_already_on_file_buys_on_their_record(app):
    friday, _ = two_nights(app)
    ada = app.register_patron("Ada", "Lovelace", email="ada@example.org")
    sale = app.sell_to_walk_up(friday, {"Student": 1}, "Ada", "L.", email="ADA@example.org")
    assert sale.existing_patron is True and sale.patron_id == ada
    assert sale.message == (
        "Ada Lovelace is already on file with this email address: sold 1 ticket to their record."
    )
    assert app.get_patron(ada).last_name == "Lovelace"  # their record is not changed


def test_a_different_person_sharing_the_email_can_be_registered_anyway(app):
    friday, _ = two_nights(app)
    ada = app.register_patron("Ada", "Lovelace", email="family@example.org")
    sale = app.sell_to_walk_up(
        friday, {"Adult": 1}, "Byron", email="family@example.org", allow_duplicate=True
    )
    assert sale.existing_patron is False and sale.patron_id != ada
    assert app.get_patron(sale.patron_id).name == "Byron"


def test_a_walk_up_sale_that_cannot_happen_registers_nobody(app):
    friday, _ = two_nights(app, capacity=(1, 1))
    with pytest.raises(InvalidInput, match="email or a phone number"):
        app.sell_to_walk_up(friday, {"Adult": 1}, "Nameless")
    with pytest.raises(NotEnoughSeats):
        app.sell_to_walk_up(friday, {"Adult": 2}, "Too", "Many", email="too@example.org")
    with pytest.raises(InvalidInput) as error:
        app.sell_to_walk_up(friday, {"Adult": 0}, "Too", email="too@example.org", payment="iou")
    assert set(error.value.by_field()) == {"quantities", "payment"}
    with pytest.raises(TicketProblem, match="no price level “Balcony”"):
        app.sell_to_walk_up(friday, {"Balcony": 1}, "Too", email="too@example.org")
    assert app.find_contact_matches(email="too@example.org") == []


def test_editing_a_performance(app):
    friday, _ = two_nights(app, capacity=(4, 4))
    app.sell_tickets(friday, {"Adult": 3})
    assert app.update_performance(friday, capacity=6, venue="Studio") == {
        "capacity": 6,
        "venue": "Studio",
    }
    with pytest.raises(InvalidInput, match="3 seats are already sold"):
        app.update_performance(friday, capacity=2)
    with pytest.raises(InvalidInput, match="time zone"):
        app.update_performance(friday, starts_at=datetime(2026, 12, 4, 20, 0))
    with pytest.raises(InvalidInput, match="price for Adult must be 0 or more"):
        app.update_performance(friday, price_levels={"Adult": -5})
    app.update_performance(friday, price_levels={"Adult": 4000})
    assert app.sell_tickets(friday, {"Adult": 1}).total_cents == 4000
    performance = app.get_performance(friday)
    assert (performance.capacity, performance.venue, performance.sold) == (6, "Studio", 4)


def test_renaming_a_production(app):
    production = app.create_production("Tosca")
    with pytest.raises(InvalidInput, match="give the production a title"):
        app.rename_production(production, "  ")
    with pytest.raises(ProductionNotFound):
        app.rename_production("3f0e1c9a-0000-4000-8000-000000000000", "Aida")
    assert app.rename_production(production, "Tosca (concert version)") is True


def test_an_exchange_and_a_sale_racing_for_the_last_seat_never_oversell(store_env):
    """Two workstations: one exchanges into the last seat while the other sells it."""
    office, door = Houselights(env=store_env), Houselights(env=store_env)
    try:
        for _ in range(10):
            friday, saturday = two_nights(office, capacity=(5, 3))
            held = office.sell_tickets(friday, {"Adult": 1})
            office.sell_tickets(saturday, {"Adult": 2})
            start, outcomes = threading.Barrier(2), []

            def attempt(action, start=start, outcomes=outcomes):
                start.wait()
                try:
                    action()
                    outcomes.append("done")
                except NotEnoughSeats:
                    outcomes.append("refused")

            threads = [
                threading.Thread(
                    target=attempt,
                    args=(lambda h=held, s=saturday: office.exchange_tickets(h.codes, s),),
                ),
                threading.Thread(
                    target=attempt, args=(lambda s=saturday: door.sell_tickets(s, {"Adult": 1}),)
                ),
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
            assert sorted(outcomes) == ["done", "refused"]
            assert door.get_performance(saturday).sold == 3
            left_on_friday = 1 if office.get_ticket(held.codes[0]).status == "valid" else 0
            assert door.get_performance(friday).sold == left_on_friday
    finally:
        office.close()
        door.close()


def test_a_ticket_used_at_the_door_is_neither_refunded_nor_exchanged(app, tmp_path):
    """A ticket admitted at the door was used: refunding its order gives back only the
    unused tickets, an exchange is refused in plain words, and undoing the admission
    (a mistake at the door) makes it refundable again. The read models' admitted figure
    always equals the tickets standing admitted."""
    from projections import all_projections, box_office
    from projections.runner import ReadModelRunner

    friday, saturday = two_nights(app)
    sale = app.sell_tickets(friday, {"Adult": 2})
    used, unused = sale.codes
    assert app.scan(used, friday, "North door").verdict == "admit"

    with pytest.raises(TicketProblem, match=f"{used} was already used at North door"):
        app.exchange_tickets([used], saturday)
    refund = app.refund_order(sale.order_id)
    assert refund.refunded == [unused]
    assert [app.get_ticket(c).status for c in (used, unused)] == ["valid", "refunded"]
    assert app.get_performance(friday).sold == 1
    with pytest.raises(TicketProblem, match="already refunded or used"):
        app.refund_order(sale.order_id)

    runner = ReadModelRunner(app.recorder, app.mapper, tmp_path / "read.sqlite", all_projections())
    try:
        runner.catch_up()
        read = box_office.performance(runner.db(), friday)
        statuses = [t["status"] for t in box_office.tickets(runner.db(), friday)]
        assert (read["sold"], read["admitted"]) == (1, 1)
        assert sorted(statuses) == ["admitted", "refunded"]

        app.undo_admission(used, "Scanned the wrong ticket", "North door")
        assert app.refund_order(sale.order_id).refunded == [used]
        runner.catch_up()
        read = box_office.performance(runner.db(), friday)
        assert (read["sold"], read["admitted"]) == (0, 0)
    finally:
        runner.close()
