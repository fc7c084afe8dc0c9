"""The loyalty ladder and the door's greeting cue, told as short stories."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from domain.loyalty import (
    ADVOCATE,
    BUYER,
    FIRST_VISIT,
    LAPSED,
    MEMBER,
    PROSPECT,
    SUBSCRIBER,
    THANK_DONOR,
    TRYER,
    WELCOME_BACK,
    Cue,
    LoyaltyThresholds,
    PatronFacts,
    describe,
    greeting,
    ordinal,
    rung,
)

NOW = datetime(2026, 11, 23, 19, 0, tzinfo=UTC)


def months_ago(months: float) -> datetime:
    return NOW - timedelta(days=30.44 * months)


def test_someone_who_only_signed_up_is_a_prospect_and_a_first_purchase_makes_a_tryer():
    ada = PatronFacts(first_name="Ada")
    assert rung(ada, NOW) == PROSPECT
    ada = replace(ada, purchases=1, productions=1, last_activity=months_ago(1))
    assert rung(ada, NOW) == TRYER


def test_coming_back_subscribing_or_joining_makes_a_buyer():
    tryer = PatronFacts(purchases=1, productions=1, last_activity=months_ago(1))
    assert rung(replace(tryer, purchases=2), NOW) == BUYER  # repeat buyer
    assert rung(replace(tryer, subscriptions=1, subscriber_since=months_ago(2)), NOW) == BUYER
    assert rung(replace(tryer, member_since=months_ago(3)), NOW) == BUYER
    # with a stricter office, two orders are not yet enough, two productions are
    strict = LoyaltyThresholds(buyer_purchases=3)
    assert rung(replace(tryer, purchases=2), NOW, strict) == TRYER
    assert rung(replace(tryer, purchases=2, productions=2), NOW, strict) == BUYER


def test_donating_renewing_or_bringing_others_after_enough_orders_makes_an_advocate():
    buyer = PatronFacts(purchases=3, productions=2, last_activity=months_ago(1))
    assert rung(buyer, NOW) == BUYER
    assert rung(replace(buyer, donations=1), NOW) == ADVOCATE
    assert rung(replace(buyer, purchases=2, donations=1), NOW) == BUYER  # not bought enough
    assert rung(replace(buyer, subscriptions=2, subscriber_since=months_ago(14)), NOW) == ADVOCATE
    assert rung(replace(buyer, group_orders=2), NOW) == ADVOCATE
    generous = LoyaltyThresholds(advocate_purchases=5)
    assert rung(replace(buyer, donations=1), NOW, generous) == BUYER


def test_no_activity_for_long_enough_is_lapsed_whatever_the_rung_was():
    advocate = PatronFacts(purchases=6, donations=2, last_activity=months_ago(19))
    assert rung(advocate, NOW) == LAPSED
    assert rung(replace(advocate, last_activity=months_ago(17)), NOW) == ADVOCATE
    assert rung(advocate, NOW, LoyaltyThresholds(lapsed_months=24)) == ADVOCATE


def test_a_first_visit_is_welcomed_with_name_rung_and_interests():
    rosa = PatronFacts(
        first_name="Rosa", tags=("jazz", "opera"), purchases=1, productions=1, last_activity=NOW
    )
    cue = greeting(rosa, NOW)
    assert (cue.first_name, cue.visit_number, cue.rung) == ("Rosa", 1, TRYER)
    assert cue.cues == (Cue(FIRST_VISIT),)
    assert cue.interests == ("jazz", "opera")
    assert (
        describe(cue) == "Rosa · 1st visit · tryer · first visit: welcome them · likes jazz, opera"
    )


def test_a_regular_back_after_a_long_absence_is_welcomed_back():
    ben = PatronFacts(
        first_name="Ben",
        purchases=4,
        productions=3,
        visits=4,
        last_visit=months_ago(14),
        last_activity=months_ago(0.5),
    )
    cue = greeting(ben, NOW)
    assert cue.visit_number == 5 and cue.rung == BUYER
    assert cue.cues == (Cue(WELCOME_BACK, 14),)
    # a visit this season is nothing to remark on
    assert greeting(replace(ben, last_visit=months_ago(2)), NOW).cues == ()
    assert greeting(ben, NOW, LoyaltyThresholds(long_absence_months=18)).cues == ()


def test_subscribers_members_and_donors_to_thank_get_their_cue_never_an_amount():
    vera = PatronFacts(
        first_name="Vera",
        purchases=8,
        visits=2,
        last_visit=months_ago(1),
        subscriptions=3,
        subscriber_since=datetime(2019, 9, 1, tzinfo=UTC),
        donations=2,
        unthanked_donations=1,
        last_activity=months_ago(1),
    )
    cue = greeting(vera, NOW)
    assert cue.rung == ADVOCATE and cue.visit_number == 3
    assert cue.cues == (Cue(SUBSCRIBER, 2019), Cue(THANK_DONOR))
    assert describe(cue) == (
        "Vera · 3rd visit · advocate · subscriber since 2019 · donor: thank them for their support"
    )
    thanked = replace(
        vera,
        unthanked_donations=0,
        subscriptions=0,
        subscriber_since=None,
        member_since=datetime(2022, 1, 5, tzinfo=UTC),
    )
    assert greeting(thanked, NOW).cues == (Cue(MEMBER, 2022),)


def test_visit_numbers_read_naturally():
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111)] == [
        "1st",
        "2nd",
        "3rd",
        "4th",
        "11th",
        "12th",
        "13th",
        "21st",
        "22nd",
        "23rd",
        "101st",
        "111th",
    ]
