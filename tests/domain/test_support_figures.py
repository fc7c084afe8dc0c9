"""The support figures against a hand-computed week (tests/domain/support_example.py)."""

from __future__ import annotations

from datetime import datetime

from domain.support import (
    first_reply,
    median,
    percentile,
    quick_answers_used,
    support_figures,
)
from tests.domain.support_example import (
    CALLS,
    CHATS,
    EXPECTED,
    EXPECTED_UNCOVERED,
    LONDON,
    ROTA,
    STARTED,
)


def example_inquiries() -> list[dict]:
    chats = [
        {"kind": "chat", "started_at": STARTED[key], **first_reply(messages)}
        for key, messages in CHATS.items()
    ]
    calls = [
        {"kind": "call", "started_at": at, "reason": reason}
        for at, direction, reason in CALLS
        if direction == "incoming"
    ]
    return chats + calls


def test_the_first_reply_is_the_first_staff_message_after_the_visitors_first():
    assert first_reply(CHATS["A"]) == {
        "question": True,
        "replied": True,
        "seconds": 120.0,
        "timed": True,
    }
    assert first_reply(CHATS["B"])["seconds"] == 600.0  # the bot's message is not a reply
    assert first_reply(CHATS["C"])["seconds"] == 300.0  # across midnight
    # staff writing first (a greeting) does not answer the question asked after it
    greeting = [CHATS["F"][1] | {"at": "2026-07-06T08:49:00+00:00"}, *CHATS["F"]]
    assert first_reply(greeting)["seconds"] == 30.0


def test_a_chat_nobody_answered_and_one_without_times():
    assert first_reply(CHATS["D"]) == {
        "question": True,
        "replied": False,
        "seconds": None,
        "timed": True,
    }
    assert first_reply(CHATS["E"]) == {
        "question": True,
        "replied": True,
        "seconds": None,
        "timed": False,
    }
    only_staff = [CHATS["A"][1]]
    assert first_reply(only_staff)["question"] is False


def test_median_and_nearest_rank_percentile():
    assert median([30, 120, 300, 600]) == 210.0
    assert median([5, 1, 3]) == 3.0
    assert percentile([30, 120, 300, 600], 0.9) == 600.0
    assert percentile(list(range(1, 11)), 0.9) == 9.0  # of 10, the 9th fastest
    assert median([]) is None and percentile([], 0.9) is None


def test_the_week_by_weekday_and_hour_in_local_time():
    figures = support_figures(example_inquiries(), ROTA, LONDON)

    assert {k: figures[k] for k in EXPECTED} == EXPECTED


def test_reply_times_by_hour_of_day():
    hours = support_figures(example_inquiries(), ROTA, LONDON)["hours"]

    evening = hours[19]
    assert (evening["inquiries"], evening["chats"], evening["calls"], evening["d1"]) == (3, 2, 1, 3)
    assert (evening["median_seconds"], evening["p90_seconds"]) == (360.0, 600.0)
    assert (evening["outside"], evening["u1"]) == (3, 3)  # nobody on duty on Tuesday evening
    assert (hours[9]["outside"], hours[9]["u0"]) == (1, 1)  # D came before chat duty began
    assert (hours[23]["d6"], hours[23]["median_seconds"]) == (1, 300.0)  # Sunday, not Monday
    assert (hours[9]["inquiries"], hours[9]["replied"], hours[9]["median_seconds"]) == (3, 1, 30.0)
    assert hours[3]["inquiries"] == 0 and hours[3]["median_seconds"] is None


def test_uncovered_hours_with_the_most_demand_first():
    uncovered = support_figures(example_inquiries(), ROTA, LONDON)["uncovered"]

    assert [
        (r["day_name"], r["from"], r["to"], r["inquiries"], r["chats"], r["calls"], r["share"])
        for r in uncovered
    ] == EXPECTED_UNCOVERED


def test_consecutive_uncovered_hours_make_one_range():
    evening = [
        {
            "kind": "chat",
            "started_at": datetime(2026, 7, 7, h, 15, tzinfo=LONDON),
            "question": True,
            "replied": True,
            "seconds": 60.0,
        }
        for h in (19, 20, 22)
    ]
    ranges = support_figures(evening, [], LONDON)["uncovered"]
    assert [(r["from"], r["to"], r["inquiries"]) for r in ranges] == [(19, 21, 2), (22, 23, 1)]


def test_reasons_and_quick_answers_used_most_first():
    inquiries = example_inquiries() + [
        {"kind": "call", "started_at": STARTED["A"], "reason": "Parking", "answers": ["Parking"]},
        {"kind": "chat", "started_at": STARTED["A"], "answers": ["Parking", "Start times"]},
    ]
    figures = support_figures(inquiries, ROTA, LONDON)
    assert figures["reasons"] == [["Parking", 2], ["Tickets", 1]]
    assert figures["quick_answers"] == [["Parking", 2], ["Start times", 1]]


def test_no_inquiries_no_figures():
    figures = support_figures([], ROTA, LONDON)
    assert figures["inquiries"] == 0 and figures["by_hour"] == []
    assert figures["first_reply_seconds"] == {"median": None, "p90": None, "chats": 0}
    assert figures["outside_staffed_hours"] is None and figures["uncovered"] == []


def test_a_quick_answer_counts_where_its_whole_text_was_kept():
    answers = [("Parking", "The car park is free\nafter 6 pm."), ("Refunds", "Refunds…")]
    assert quick_answers_used("Asked.  the CAR park is free after 6 pm. Thanks", answers) == [
        "Parking"
    ]
    assert quick_answers_used("The car park is free", answers) == []
