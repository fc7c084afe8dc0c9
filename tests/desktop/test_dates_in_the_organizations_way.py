"""Dates inside the timeline's texts in the organization's way (issue 22): the read
model keeps the facts (ISO moments and days, as ``domain.wording`` marks) and the
patron page, the command line and the errors write them through
``desktop/formatting.py`` in the organization's country and time zone."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from desktop import formatting
from desktop.cli import main
from desktop.models.timeline import TimelineModel
from desktop.settings import Settings, organization_store
from domain.errors import NotEnoughSeats
from infrastructure.bootstrap import bootstrap
from infrastructure.config import resolve
from projections import patron_directory, timeline
from tests.desktop.conftest import FLUTE_PRICES

#: 18:30 UTC: 19:30 in London, 14:30 in New York, 20:30 in Paris
HAMLET = datetime(2027, 9, 8, 18, 30, tzinfo=UTC)
#: the call that asks for the follow-up on 10 September: logged on a fixed day before it
#: (logged "now", its follow-up day was in the past from 11 September 2027 on)
CALLED = datetime(2027, 9, 6, 10, 0, tzinfo=UTC)

#: (country, zone, the performance, the membership's days, the follow-up day, £/$/€ 50)
WAYS = [
    (
        "GB",
        "Europe/London",
        "Hamlet, Wed 8 Sept 2027, 19:30",
        "8 Sept 2027 to 7 Sept 2028",
        "10 Sept 2027",
        "£50.00",
    ),
    (
        "US",
        "America/New_York",
        "Hamlet, Wed, Sep 8, 2027, 2:30 PM",
        "Sep 8, 2027 to Sep 7, 2028",
        "Sep 10, 2027",
        "$50.00",
    ),
    (
        "FR",
        "Europe/Paris",
        "Hamlet, mer. 8 sept. 2027, 20:30",
        "8 sept. 2027 to 7 sept. 2028",
        "10 sept. 2027",
        "50,00 €",
    ),
]


def plain(text: str) -> str:
    """Qt writes a narrow or no-break space in some countries' times and amounts."""
    return (text or "").replace("\u202f", " ").replace("\xa0", " ")


def _ada(services) -> str:
    [ada] = [r for r in patron_directory.page(services.runner.db()) if r["name"] == "Ada Lovelace"]
    return ada["id"]


def _autumn_with_ada(app, ada: str) -> str:
    production = app.create_production("Hamlet")
    hamlet = app.schedule_performance(production, HAMLET, 5, FLUTE_PRICES)
    app.sell_tickets(hamlet, {"Adult": 2}, patron_id=ada)
    app.start_membership(ada, "Friend", date(2027, 9, 8), date(2028, 9, 7), 5000)
    app.log_call(
        ada,
        "incoming",
        "Parking",
        "call_back",
        "Asked.",
        follow_up_on="2027-09-10",
        occurred_at=CALLED,
    )
    return hamlet


@pytest.mark.parametrize(("country", "zone", "show", "membership", "follow_up", "fifty"), WAYS)
def test_the_patron_page_writes_the_timelines_dates_in_the_organizations_way(
    services, window, qtbot, column, country, zone, show, membership, follow_up, fifty
):
    formatting.configure(country, "", zone)
    ada = _ada(services)
    _autumn_with_ada(services.app, ada)
    services.runner.catch_up()

    # the read model keeps the facts, not words of one country
    stored = " ".join(r["summary"] for r in timeline.rows(services.runner.db(), ada))
    assert "{moment:2027-09-08T18:30:00+00:00}" in stored
    assert "{date:2027-09-08} to {date:2028-09-07}" in stored

    window.open_patron(ada)
    page = window.patron_page
    qtbot.waitUntil(lambda: page.timeline_model.rowCount() >= 4)
    summaries = [plain(s) for s in column(page.timeline_table, TimelineModel.SUMMARY)]
    assert f"Bought 2 tickets for {plain(show)} — {plain(fifty)}" in summaries  # 2 x 25.00
    assert f"Became a member (Friend), {membership} — {plain(fifty)}" in summaries
    assert any(s.endswith(f" · follow up by {follow_up}") for s in summaries)
    assert not any("{" in s for s in summaries)  # no mark left unwritten


@pytest.mark.parametrize(("country", "zone", "show", "membership", "follow_up", "fifty"), WAYS)
def test_the_command_line_writes_the_timelines_dates_in_the_organizations_way(
    capsys, tmp_path, country, zone, show, membership, follow_up, fifty
):
    data = tmp_path / "data"
    services = bootstrap(resolve(data), staff="maria", workstation="box-office-1")
    ada = services.app.register_patron("Ada", "Lovelace", email="ada@example.org")
    _autumn_with_ada(services.app, ada)
    services.close()
    organization = Settings(organization_store(data), organization=organization_store(data))
    organization.set("organization/country", country)
    organization.set("organization/timezone", zone)

    assert main(["--data", str(data), "timeline", ada, "--json"]) == 0
    entries = json.loads(capsys.readouterr().out)
    summaries = [plain(e["summary"]) for e in entries]
    assert f"Bought 2 tickets for {plain(show)} — {plain(fifty)}" in summaries
    assert f"Became a member (Friend), {membership} — {plain(fifty)}" in summaries
    [call] = [e for e in entries if e["kind"] == "call"]
    assert datetime.fromisoformat(call["at"]) == CALLED  # the JSON keeps the fact (ISO)

    assert main(["--data", str(data), "timeline", ada]) == 0
    out = plain(capsys.readouterr().out)
    assert f"Bought 2 tickets for {plain(show)}" in out
    assert "{" not in out

    assert main(["--data", str(data), "performances"]) == 0
    out = plain(capsys.readouterr().out)
    assert plain(show.removeprefix("Hamlet, ")) in out


@pytest.mark.parametrize(("country", "zone", "show", "membership", "follow_up", "fifty"), WAYS)
def test_an_error_names_the_performance_in_the_organizations_way(
    services, country, zone, show, membership, follow_up, fifty
):
    formatting.configure(country, "", zone)
    production = services.app.create_production("Hamlet")
    hamlet = services.app.schedule_performance(production, HAMLET, 5, FLUTE_PRICES)
    with pytest.raises(NotEnoughSeats) as refused:
        services.app.sell_tickets(hamlet, {"Adult": 6})
    assert plain(str(refused.value)) == f"Only 5 seats left for {plain(show)}; you asked for 6."


def test_a_store_written_with_the_old_fixed_dates_shows_them_in_the_organizations_way(tmp_path):
    """A read model built before the marks (timeline v8, "Hamlet, Wed 8 Sep 19:30"
    in its texts) is rebuilt when it opens and then shows the organization's way."""
    data = tmp_path / "data"
    services = bootstrap(resolve(data), staff="maria", workstation="box-office-1")
    ada = services.app.register_patron("Ada", "Lovelace", email="ada@example.org")
    _autumn_with_ada(services.app, ada)
    services.runner.catch_up()
    db = services.runner.db()
    with db.atomic():  # as the version before wrote it
        db.conn.execute(
            "UPDATE timeline SET summary = 'Bought 2 tickets for Hamlet, Wed 08 Sep 19:30'"
            " WHERE kind = 'purchase'"
        )
        db.conn.execute("UPDATE projection_positions SET version = 8 WHERE name = 'timeline'")
    services.close()

    formatting.configure("FR", "", "Europe/Paris")
    services = bootstrap(resolve(data), staff="maria", workstation="box-office-1")
    try:
        services.runner.catch_up()
        [bought] = [r for r in timeline.rows(services.runner.db(), ada) if r["kind"] == "purchase"]
        written = plain(formatting.words(bought["summary"], bought["amount_cents"]))
        assert written == "Bought 2 tickets for Hamlet, mer. 8 sept. 2027, 20:30 — 50,00 €"
    finally:
        services.close()


@pytest.mark.parametrize("zone", ["Pacific/Pago_Pago", "Pacific/Kiritimati"])
def test_a_calendar_day_is_written_as_that_day_whatever_the_time_zone(zone):
    """A membership's last day or a report's first day is a day, not a moment: it is
    never moved to the organization's clock. It was read as midnight on this computer
    and moved, so west of the computer it came out as the day before (a membership
    ending on 6 December said "member until Dec 5")."""
    formatting.configure(country="US", currency="USD", timezone=zone)
    assert formatting.local_date("2027-12-06") == "Dec 6, 2027"
    assert formatting.date(date(2027, 12, 6), weekday=True) == "Mon, Dec 6, 2027"
    assert formatting.long_date("2027-12-06") == "Monday, December 6, 2027"
    # a moment still is moved: 02:00 UTC on 7 December is the 6th in Pago Pago (UTC-11)
    # and the 7th in Kiritimati (UTC+14)
    shown = formatting.local_date("2027-12-07T02:00:00+00:00")
    assert shown == ("Dec 6, 2027" if zone == "Pacific/Pago_Pago" else "Dec 7, 2027")
