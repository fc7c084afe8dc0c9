"""A patron's last activity: the newest interaction of any kind, the records merged
into theirs included, the same after a rebuild, and never older than what the
loyalty ladder counts as activity."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from projections import ladder, patron_search, timeline
from projections import patron_directory as directory
from projections.patron_activity import ACTIVITY, LADDER_ACTIVITY, LOOKUPS
from projections.patron_directory import PatronDirectory
from projections.timeline import Timeline
from tests.projections.test_merged_patrons import NOW, show, two_histories

LONG_AGO = NOW - timedelta(days=900)


def last_activity(services, patron_id: str) -> str:
    return directory.get(services.runner.db(), patron_id)["last_activity_at"]


def at(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


@pytest.fixture
def old_patron(services):
    """Registered 900 days ago and nothing since; a performance tonight."""
    ada = services.app.register_patron("Ada", "Lovelace", occurred_at=LONG_AGO)
    return ada, show(services.app, "Tosca", 0)


def test_a_walk_up_who_bought_and_came_in_shows_the_admission(services):
    app = services.app
    tonight = show(app, "Tosca", 0)
    wally = app.register_patron(
        "Wally", "Walker", source="walk-up", occurred_at=NOW - timedelta(hours=1)
    )
    sale = app.sell_tickets(
        tonight,
        {"Adult": 2},
        patron_id=wally,
        channel="walk_up",
        occurred_at=NOW - timedelta(hours=1),
    )
    app.scan(sale.codes[0], tonight, "North door", occurred_at=NOW - timedelta(minutes=5))

    assert last_activity(services, wally) == at(NOW - timedelta(minutes=5))
    assert [r["kind"] for r in timeline.rows(services.runner.db(), wally)][0] == "admission"
    found = patron_search.search(services.runner.db(), "walker")
    assert [r["last_activity_at"] for r in found] == [at(NOW - timedelta(minutes=5))]


# Each kind of interaction, done a day ago by a patron last seen 900 days ago.
INTERACTIONS = {
    "purchase": lambda app, p, show_: app.sell_tickets(
        show_, {"Adult": 1}, patron_id=p, occurred_at=NOW - timedelta(days=1)
    ),
    "call": lambda app, p, show_: app.log_call(
        p, "incoming", "Seats", "answered", occurred_at=NOW - timedelta(days=1)
    ),
    "donation": lambda app, p, show_: app.record_donation(
        p, 2500, "Annual fund", "card", occurred_at=NOW - timedelta(days=1)
    ),
    "membership": lambda app, p, show_: app.start_membership(
        p,
        "Friend",
        (NOW - timedelta(days=1)).date().isoformat(),
        (NOW + timedelta(days=364)).date().isoformat(),
        4000,
        occurred_at=NOW - timedelta(days=1),
    ),
    "subscription": lambda app, p, show_: app.sell_subscription(
        p, "Season", [show_], 2000, occurred_at=NOW - timedelta(days=1)
    ),
    "note": lambda app, p, show_: app.add_note(
        p, "Asked about parking.", occurred_at=NOW - timedelta(days=1)
    ),
    "follow-up": lambda app, p, show_: app.schedule_follow_up(
        p, NOW.date(), "Send the brochure", occurred_at=NOW - timedelta(days=1)
    ),
    "interests": lambda app, p, show_: app.set_tags(
        p, ["jazz"], occurred_at=NOW - timedelta(days=1)
    ),
}


@pytest.mark.parametrize("kind", sorted(INTERACTIONS))
def test_every_kind_of_interaction_moves_last_activity(services, old_patron, kind):
    ada, tonight = old_patron
    assert last_activity(services, ada) == at(LONG_AGO)
    INTERACTIONS[kind](services.app, ada, tonight)
    assert last_activity(services, ada) == at(NOW - timedelta(days=1))


def test_door_refunds_thanks_and_chats_move_last_activity(services, old_patron):
    app = services.app
    ada, tonight = old_patron
    sale = app.sell_tickets(tonight, {"Adult": 2}, patron_id=ada, occurred_at=LONG_AGO)
    steps = [
        lambda t: app.scan(sale.codes[0], tonight, "North", occurred_at=t),
        lambda t: app.undo_admission(sale.codes[0], "Wrong ticket", "North", occurred_at=t),
        lambda t: app.refund_order(sale.order_id, occurred_at=t),
        lambda t: app.scan(sale.codes[1], tonight, "North", occurred_at=t),  # refused: void
        lambda t: app.thank_patron(ada, "letter", "attendance", tonight, occurred_at=t),
    ]
    for days, step in zip(range(len(steps) + 1, 1, -1), steps, strict=False):
        step(NOW - timedelta(days=days))
        assert last_activity(services, ada) == at(NOW - timedelta(days=days))
    chat = [
        {
            "at": (NOW - timedelta(hours=3)).isoformat(),
            "sender": "visitor",
            "name": "Ada",
            "text": "Hello",
        }
    ]
    app.update_contact(ada, email="ada@example.org", occurred_at=NOW - timedelta(days=1))
    app.record_chat("tawk.to", "c-9", chat, visitor_email="ada@example.org")
    assert last_activity(services, ada) == at(NOW - timedelta(hours=3))


def test_a_merged_records_activity_counts_for_the_survivor_until_an_unmerge(services):
    app, runner = services.app, services.runner
    ada, twin, tonight = two_histories(app)
    own = last_activity(services, ada)
    app.merge_patrons(twin, ada)
    assert last_activity(services, ada) == last_activity(services, twin) > own
    twins = last_activity(services, twin)
    before = directory.get(runner.db(), ada)
    runner.rebuild()
    assert directory.get(runner.db(), ada) == before
    app.unmerge_patron(twin)
    assert last_activity(services, ada) == own
    assert last_activity(services, twin) == twins
    # the twin's ticket admitted while merged (an old ticket at the door) counts for Ada
    app.merge_patrons(twin, ada)
    code = app.sell_tickets(
        tonight, {"Adult": 1}, patron_id=twin, occurred_at=NOW - timedelta(days=3)
    ).codes[0]
    app.scan(code, tonight, "North", occurred_at=NOW)
    assert last_activity(services, ada) == at(NOW)


def test_last_activity_is_the_newest_timeline_entry_and_never_older_than_the_ladders(
    services,
):
    app, db = services.app, services.runner.db()
    ada, twin, tonight = two_histories(app)
    app.merge_patrons(twin, ada)
    merges = ("merge", "merged_into", "unmerge", "unmerged")
    newest = max(
        r["occurred_at"] for r in timeline.rows(db, ada, limit=1000) if r["kind"] not in merges
    )
    assert last_activity(services, ada) == newest
    rung = db.conn.execute(
        "SELECT last_activity FROM ladder_rungs WHERE patron_id = ?", (ada,)
    ).fetchone()[0]
    assert rung and last_activity(services, ada) >= rung
    assert ladder.patron_ladder(db, ada, NOW).placement is not None


def test_activity_follows_every_event_that_puts_a_row_on_the_timeline():
    handled = set(PatronDirectory().handlers)
    assert set(ACTIVITY) <= handled
    on_the_timeline = set(Timeline().handlers)
    lookups_and_merges = {
        "Production.Created",
        "Production.Renamed",
        "Performance.Scheduled",
        "Performance.Rescheduled",
        "Patron.MergedInto",
        "Patron.Absorbed",
        "Patron.Unmerged",
        "Patron.Separated",
        *LOOKUPS,
    }
    assert sorted(on_the_timeline - set(ACTIVITY) - lookups_and_merges) == []
    ladder_counts = set(ladder.Ladder().handlers)
    assert set(LADDER_ACTIVITY) <= ladder_counts
