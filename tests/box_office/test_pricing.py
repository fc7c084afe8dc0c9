"""Pricing an order is one rule: the sale and the selling form's total agree."""

from __future__ import annotations

from domain.box_office import order_total, ticket_price

PRICES = {"Adult": 2500, "Concession": 1800}


def test_an_order_costs_each_ticket_at_its_level():
    assert order_total(PRICES, {"Adult": 2, "Concession": 1}, "card") == 6800
    assert order_total(PRICES, {"Adult": 0, "Concession": 3}, "cash") == 5400


def test_complimentary_tickets_cost_nothing():
    assert order_total(PRICES, {"Adult": 4}, "complimentary") == 0
    assert ticket_price(PRICES, "Adult", "complimentary", {"Adult": 999}) == 0


def test_what_was_paid_elsewhere_wins_over_the_price_list():
    assert ticket_price(PRICES, "Adult", "card", {"Adult": 2200}) == 2200
    assert order_total(PRICES, {"Adult": 1, "Concession": 1}, "card", {"Adult": 2200}) == 4000


def test_the_sale_charges_what_the_form_showed(app):
    from datetime import UTC, datetime

    tosca = app.create_production("Tosca")
    night = app.schedule_performance(tosca, datetime(2027, 5, 1, 19, 30, tzinfo=UTC), 50, PRICES)
    quantities = {"Adult": 2, "Concession": 3}
    shown = order_total(app.get_performance(night).price_levels, quantities, "card")
    assert app.sell_tickets(night, quantities, payment="card").total_cents == shown == 10400
