"""Money in the organization's currency everywhere (issue 22): the timeline's texts
come from the read model with the amount beside them, and the screens, the command
line and the printed ticket write it in the organization's currency."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from desktop import formatting
from desktop.cli import main
from desktop.models.timeline import TimelineModel
from desktop.settings import Settings, organization_store
from desktop.ticket_printing import render_tickets_pdf
from infrastructure.bootstrap import bootstrap
from infrastructure.config import resolve
from projections import patron_directory, timeline
from tests.desktop.conftest import schedule
from tests.poppler import needs_poppler, pdf_text

#: (country, currency, symbol, how 50.00 is written there)
CURRENCIES = [
    ("FR", "EUR", "€", "50,00\xa0€"),
    ("IE", "EUR", "€", "€50.00"),
    ("GB", "GBP", "£", "£50.00"),
]


def _a_year_with_ada(app, ada: str) -> dict:
    """Tickets, a refund, a subscription, a membership and a thanked donation."""
    flute = schedule(app, "The Magic Flute", 3)
    tosca = schedule(app, "Tosca", 5)
    sale = app.sell_tickets(flute, {"Adult": 2}, patron_id=ada)
    refunded = app.sell_tickets(tosca, {"Adult": 1}, patron_id=ada)
    app.refund_order(refunded.order_id)
    app.sell_subscription(ada, "Autumn season", [flute, tosca], 8000)
    today = date.today()
    app.start_membership(ada, "Friend", today, today + timedelta(days=365), 6000)
    gift = app.record_donation(ada, 5000, fund="Youth theatre")
    app.acknowledge_donation(gift, "letter")
    return {"flute": flute, "sale": sale}


def _ada(services) -> str:
    [ada] = [r for r in patron_directory.page(services.runner.db()) if r["name"] == "Ada Lovelace"]
    return ada["id"]


@pytest.mark.parametrize(("country", "currency", "symbol", "fifty"), CURRENCIES)
def test_the_timeline_and_the_patron_page_write_the_organizations_currency(
    services, window, qtbot, column, country, currency, symbol, fifty
):
    formatting.configure(country, currency, "Europe/London")
    ada = _ada(services)
    _a_year_with_ada(services.app, ada)
    services.runner.catch_up()

    # the read model keeps the amount beside the words, never a symbol
    stored = timeline.rows(services.runner.db(), ada)
    assert not any(s in r["summary"] for r in stored for s in "$€£")
    assert {r["kind"]: r["amount_cents"] for r in stored if r["kind"] == "donation"} == {
        "donation": 5000
    }

    window.open_patron(ada)
    page = window.patron_page
    qtbot.waitUntil(lambda: page.timeline_model.rowCount() >= 8)
    summaries = column(page.timeline_table, TimelineModel.SUMMARY)
    assert f"Donated {fifty} to Youth theatre" in summaries
    assert f"Thanked by letter for the {fifty} donation to Youth theatre" in summaries
    money_rows = [s for s in summaries if any(w in s for w in ("Bought", "Refunded", "Subscribed"))]
    money_rows += [s for s in summaries if s.startswith("Became a member")]
    assert len(money_rows) == 5  # bought twice, refunded once, subscribed, became a member
    for text in money_rows:
        assert symbol in text and "$" not in text and "{amount}" not in text
    assert not any("$" in s or "{amount}" in s for s in summaries)
    stats = page.purchases.stats
    assert symbol in stats.spend.value.text() and "$" not in stats.spend.value.text()
    assert stats.spend.detail.text() == f"plus {fifty} given"


@pytest.mark.parametrize(("country", "currency", "symbol", "fifty"), CURRENCIES[1:])
def test_reports_write_the_organizations_currency(
    services, window, qtbot, country, currency, symbol, fifty
):
    from desktop.main_window import REPORTS

    formatting.configure(country, currency, "Europe/London")
    app = services.app
    flute = schedule(app, "The Magic Flute", -2)
    app.sell_tickets(flute, {"Adult": 2}, patron_id=_ada(services))
    services.runner.catch_up()
    window.show_area(REPORTS)
    view = window.reports
    qtbot.waitUntil(lambda: view.model.rowCount() > 0)
    from tests.desktop.test_reports import choose, table

    choose(view, qtbot, "revenue_performance")
    assert table(view, "title", "revenue_cents") == [("The Magic Flute", fifty)]
    assert view.summary.text() == f"{fifty} from 2 tickets."


@needs_poppler
@pytest.mark.parametrize(("country", "currency", "symbol", "fifty"), CURRENCIES[1:])
def test_the_printed_ticket_carries_the_organizations_currency(
    qapp, tmp_path, country, currency, symbol, fifty
):
    formatting.configure(country, currency, "Europe/London")
    ticket = dict(
        code="3E4EEGH663XJ",
        title="The Marriage of Figaro",
        starts_at="2026-11-21T19:30:00+00:00",
        venue="Main Hall",
        price_level="Adult",
        price_cents=5000,
        patron_name="Ada Lovelace",
        order_id="8c1f2a3b-1111-2222-3333-444455556666",
        organization="Riverside Opera",
    )
    text = pdf_text(render_tickets_pdf([ticket], tmp_path / "t.pdf", "A4"))
    assert fifty in text and "$" not in text


@pytest.mark.parametrize(("country", "currency", "symbol", "fifty"), CURRENCIES[1:])
def test_the_command_line_timeline_writes_the_organizations_currency(
    capsys, tmp_path, country, currency, symbol, fifty
):
    data = tmp_path / "data"
    services = bootstrap(resolve(data), staff="maria", workstation="box-office-1")
    ada = services.app.register_patron("Ada", "Lovelace", email="ada@example.org")
    _a_year_with_ada(services.app, ada)
    services.close()
    organization = Settings(organization_store(data), organization=organization_store(data))
    organization.set("organization/country", country)
    organization.set("organization/currency", currency)

    assert main(["--data", str(data), "timeline", ada, "--json"]) == 0
    entries = json.loads(capsys.readouterr().out)
    donation = next(e for e in entries if e["kind"] == "donation")
    assert donation["summary"] == f"Donated {fifty} to Youth theatre"
    assert donation["amount_cents"] == 5000
    assert not any("$" in e["summary"] or "{amount}" in e["summary"] for e in entries)

    assert main(["--data", str(data), "performances"]) == 0
    out = capsys.readouterr().out
    assert symbol in out and "$" not in out
