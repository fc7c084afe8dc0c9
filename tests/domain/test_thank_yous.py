"""Thank-yous are events on the patron: how, and what for."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import DonationProblem, InvalidInput, PerformanceNotFound, ThankYouProblem
from domain.patron import Patron


@pytest.fixture
def ada(store) -> str:
    return store.register_patron("Ada", "Lovelace", email="ada@example.org")


@pytest.fixture
def hamlet(store) -> str:
    production = store.create_production("Hamlet")
    starts = datetime(2026, 3, 14, 19, 30, tzinfo=UTC)
    return store.schedule_performance(production, starts, 50, {"Adult": 2500})


def events_of(store, aggregate_id: str) -> list:
    from uuid import UUID

    return list(store.repository.event_store.get(UUID(aggregate_id)))


def test_thanking_for_a_performance_is_an_event_with_channel_and_reason(store, ada, hamlet):
    store.context.staff = "jo"
    when = datetime(2026, 3, 16, 10, tzinfo=UTC)

    store.thank_patron(ada, "letter", "attendance", hamlet, occurred_at=when)

    thanked = events_of(store, ada)[-1]
    assert type(thanked) is Patron.Thanked
    assert (thanked.channel, thanked.reason, thanked.reference_id) == (
        "letter",
        "attendance",
        hamlet,
    )
    assert (thanked.occurred_at, thanked.recorded_by) == (when, "jo")


def test_a_patron_is_thanked_once_for_the_same_performance(store, ada, hamlet):
    store.thank_patron(ada, "email", "attendance", hamlet)
    with pytest.raises(ThankYouProblem, match="already thanked by email"):
        store.thank_patron(ada, "call", "attendance", hamlet)
    assert sum(type(e) is Patron.Thanked for e in events_of(store, ada)) == 1


def test_thanking_a_donor_acknowledges_the_donation_in_the_same_save(store, ada):
    gift = store.record_donation(ada, 5000)

    store.thank_patron(ada, "call", "donation", gift)

    assert store.get_donation(gift).acknowledged == "call"
    assert type(events_of(store, ada)[-1]) is Patron.Thanked
    # the same donation cannot be thanked again, by either command
    with pytest.raises(ThankYouProblem):
        store.thank_patron(ada, "letter", "donation", gift)
    with pytest.raises(DonationProblem):
        store.acknowledge_donation(gift, "letter")


def test_a_donation_acknowledged_already_is_not_thanked_twice(store, ada):
    gift = store.record_donation(ada, 5000)
    store.acknowledge_donation(gift, "letter")
    with pytest.raises(DonationProblem, match="already thanked by letter"):
        store.thank_patron(ada, "email", "donation", gift)
    assert not any(type(e) is Patron.Thanked for e in events_of(store, ada))


def test_someone_else_s_donation_is_refused(store, ada):
    grace = store.register_patron("Grace", "Hopper")
    gift = store.record_donation(grace, 5000)
    with pytest.raises(ThankYouProblem, match="someone else"):
        store.thank_patron(ada, "email", "donation", gift)
    assert store.get_donation(gift).acknowledged is None


def test_bad_channel_reason_or_performance_are_refused_in_plain_words(store, ada, hamlet):
    with pytest.raises(InvalidInput) as refused:
        store.thank_patron(ada, "pigeon", "gossip", "")
    assert set(refused.value.by_field()) == {"channel", "reason", "reference_id"}
    assert "letter, email or call" in refused.value.by_field()["channel"]
    with pytest.raises(PerformanceNotFound):
        store.thank_patron(ada, "email", "attendance", "not-a-performance")


def test_thanking_many_reports_those_that_could_not_be_thanked(store, ada, hamlet):
    grace = store.register_patron("Grace", "Hopper")
    store.thank_patron(grace, "call", "attendance", hamlet)
    gift = store.record_donation(ada, 2000)
    seen = []

    result = store.thank_many(
        [
            {"patron_id": ada, "reason": "attendance", "reference_id": hamlet},
            {"patron_id": grace, "reason": "attendance", "reference_id": hamlet},
            {"patron_id": ada, "reason": "donation", "reference_id": gift},
        ],
        "email",
        occurred_at=datetime.now(UTC) - timedelta(hours=1),
        progress=lambda done, total: seen.append((done, total)),
    )

    assert result.thanked == 2
    assert [p.patron_id for p in result.problems] == [grace]
    assert "already thanked by call" in result.problems[0].message
    assert store.get_donation(gift).acknowledged == "email"
    assert seen[-1] == (3, 3)
