"""Where a patron stands on the loyalty ladder, why, and since when, as short stories."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from domain.loyalty import (
    ADVOCATE,
    BRINGS_OTHERS,
    BUYER,
    DONATION,
    DONOR,
    FIRST_TRANSACTION,
    LAPSED,
    MEMBER_BUYER,
    MEMBERSHIP,
    MULTI_BUYER,
    NO_ACTIVITY,
    ORDER,
    PROSPECT,
    RENEWS,
    REPEAT_BUYER,
    SUBSCRIBER_BUYER,
    SUBSCRIPTION,
    TRYER,
    VISIT,
    Fact,
    LoyaltyThresholds,
    Move,
    assess,
    lapse_moment,
)

NOW = datetime(2026, 11, 23, 19, 0, tzinfo=UTC)


def day(n: int) -> datetime:
    """``n`` days before NOW."""
    return NOW - timedelta(days=n)


def order(ref: str, days_ago: int, production: str = "hamlet", tickets: int = 2) -> Fact:
    return Fact(
        ORDER, day(days_ago), ref, production=production, tickets=tickets, label=production.title()
    )


def test_nobody_who_only_signed_up_moves():
    judged = assess([], NOW)
    assert judged.placement.rung == PROSPECT
    assert judged.moves == ()
    assert judged.placement.since is None


def test_a_first_order_makes_a_tryer_and_says_which_order():
    first = order("o1", 30)
    judged = assess([first], NOW)
    assert judged.placement.rung == TRYER
    assert [(r.rule, r.facts) for r in judged.placement.reasons] == [(FIRST_TRANSACTION, (first,))]
    assert judged.moves == (Move(day(30), PROSPECT, TRYER),)
    assert judged.placement.since == day(30)


def test_a_second_order_makes_a_repeat_buyer_on_that_day():
    first, second = order("o1", 60), order("o2", 20)
    judged = assess([second, first], NOW)  # any order: facts are replayed by date
    p = judged.placement
    assert (p.rung, p.kind, p.since) == (BUYER, REPEAT_BUYER, day(20))
    assert p.reasons[0].rule == REPEAT_BUYER
    assert p.reasons[0].facts == (first, second)
    assert judged.moves[-1] == Move(day(20), TRYER, BUYER, REPEAT_BUYER)


def test_the_buyer_kind_is_the_strongest_commitment_and_every_kind_gives_its_reasons():
    a, b = order("o1", 90, "hamlet"), order("o2", 50, "swan lake")
    joined = Fact(MEMBERSHIP, day(40), "m1", label="Friend")
    season = Fact(SUBSCRIPTION, day(10), "s1", label="Spring season pass")
    p = assess([a, b, joined, season], NOW).placement
    assert p.rung == BUYER
    assert p.kinds == (SUBSCRIBER_BUYER, MEMBER_BUYER, MULTI_BUYER, REPEAT_BUYER)
    assert p.kind == SUBSCRIBER_BUYER
    reasons = {r.rule: r.facts for r in p.reasons}
    assert reasons[SUBSCRIBER_BUYER] == (season,)
    assert reasons[MEMBER_BUYER] == (joined,)
    assert reasons[MULTI_BUYER] == (a, b)
    # a stricter office: two productions are no longer enough for a multi-buyer
    strict = LoyaltyThresholds(buyer_purchases=3, multi_buyer_productions=3)
    assert assess([a, b], NOW, strict).placement.rung == TRYER


def test_a_member_is_a_buyer_after_one_transaction():
    joined = Fact(MEMBERSHIP, day(5), "m1", label="Friend")
    judged = assess([joined], NOW)
    assert (judged.placement.rung, judged.placement.kind) == (BUYER, MEMBER_BUYER)
    assert judged.moves == (Move(day(5), PROSPECT, BUYER, MEMBER_BUYER),)


def test_donating_after_enough_orders_makes_an_advocate_with_the_gift_and_the_orders_as_reasons():
    orders = [order(f"o{i}", 200 - i * 30) for i in range(3)]
    gift = Fact(DONATION, day(10), "d1", label="General fund")
    judged = assess([*orders, gift], NOW)
    p = judged.placement
    assert (p.rung, p.kind, p.since) == (ADVOCATE, DONOR, day(10))
    assert p.reasons == (p.reasons[0],)
    assert p.reasons[0].rule == DONOR
    assert p.reasons[0].facts == (*orders, gift)
    assert [m.to_rung for m in judged.moves] == [TRYER, BUYER, ADVOCATE]


def test_renewing_a_subscription_or_bringing_groups_makes_an_advocate():
    subs = [Fact(SUBSCRIPTION, day(400), "s1"), Fact(SUBSCRIPTION, day(30), "s2")]
    assert assess(subs, NOW).placement.kind == RENEWS
    groups = [order("o1", 100, tickets=4), order("o2", 60, tickets=5), order("o3", 10)]
    p = assess(groups, NOW).placement
    assert (p.rung, p.kind) == (ADVOCATE, BRINGS_OTHERS)
    # an office that counts five tickets as a group: only one group order
    assert assess(groups, NOW, LoyaltyThresholds(group_size=5)).placement.rung == BUYER


def test_a_patron_lapses_the_day_the_threshold_is_crossed_and_comes_back_with_the_next_order():
    rules = LoyaltyThresholds(lapsed_months=12)
    first, second = order("o1", 800), order("o2", 700)
    lapsed_on = lapse_moment(day(700), rules)
    judged = assess([first, second], NOW, rules)
    p = judged.placement
    assert (p.rung, p.was, p.since) == (LAPSED, BUYER, lapsed_on)
    assert p.reasons[0].rule == NO_ACTIVITY
    assert p.reasons[0].facts == (second,)
    assert judged.moves[-1] == Move(lapsed_on, BUYER, LAPSED)
    back = order("o3", 3)
    judged = assess([first, second, back], NOW, rules)
    assert [m.to_rung for m in judged.moves] == [TRYER, BUYER, LAPSED, BUYER]
    assert judged.placement.rung == BUYER
    # an office that waits two years saw nobody lapse: the history changes with the rule
    patient = LoyaltyThresholds(lapsed_months=24)
    assert LAPSED not in [m.to_rung for m in assess([first, second, back], NOW, patient).moves]


def test_attending_keeps_a_patron_active_but_is_no_transaction():
    rules = LoyaltyThresholds(lapsed_months=12)
    bought = order("o1", 500)
    went = Fact(VISIT, day(200), "performance-1")
    assert assess([bought, went], NOW, rules).placement.rung == TRYER
    assert assess([bought], NOW, rules).placement.rung == LAPSED
    assert assess([went], NOW, rules).placement.rung == PROSPECT


def test_the_lapse_date_is_where_the_patron_stands_until_then():
    p = assess([order("o1", 10)], NOW).placement
    assert p.lapses_at == lapse_moment(day(10), LoyaltyThresholds())
    assert assess([order("o1", 10)], p.lapses_at).placement.rung == LAPSED
    assert assess([order("o1", 10)], p.lapses_at - timedelta(seconds=1)).placement.rung == TRYER


def test_an_assessment_without_reasons_places_and_moves_the_same():
    orders = [order(f"o{n}", 600 - 30 * n, f"show{n % 2}", 1 + n) for n in range(4)]
    gift = Fact(DONATION, day(400), "d1")
    for facts in ([], orders[:1], orders, [*orders, gift]):
        for now in (NOW, NOW + timedelta(days=800)):
            explained, bare = assess(facts, now), assess(facts, now, explain=False)
            assert bare.moves == explained.moves
            assert bare.placement == replace(explained.placement, reasons=())
