"""The rule that keeps the timeline complete: every event class the domain can record
is either handled by the timeline or listed, with its reason, in ``NOT_ON_TIMELINE``.

A new event class (a new kind of door scan, say) fails this test until someone
decides where it shows; it cannot be forgotten."""

from __future__ import annotations

from projections.timeline import NOT_ON_TIMELINE, Timeline
from tests.domain.test_personal_data_table import recorded_events


def test_every_event_class_is_on_the_timeline_or_listed_with_a_reason():
    events = recorded_events()
    handled = set(Timeline().handlers)
    assert {
        "Ticket.Admitted",
        "Ticket.AdmissionUndone",
        "DoorScan.Recorded",
        "Patron.Absorbed",
        "Patron.Erased",
        "Exchange.Made",
    } <= handled
    forgotten = sorted(events - handled - set(NOT_ON_TIMELINE))
    assert forgotten == [], f"decide where these show on the timeline: {forgotten}"
    assert sorted(handled & set(NOT_ON_TIMELINE)) == []
    assert sorted(set(NOT_ON_TIMELINE) - events) == []  # no stale entry
    assert sorted(set(handled) - events) == []  # no handler for an event that does not exist
    assert all(len(reason) > 20 for reason in NOT_ON_TIMELINE.values())


def test_the_rule_catches_a_new_event_class(monkeypatch):
    from eventsourcing.domain import event

    from domain.box_office import Ticket

    @event("HandedToAFriend")
    def _handed_on(self, door: str) -> None:
        pass

    monkeypatch.setattr(Ticket, "_handed_on", _handed_on, raising=False)
    monkeypatch.setattr(
        Ticket,
        "HandedToAFriend",
        type("HandedToAFriend", (Ticket.Event,), {"__qualname__": "Ticket.HandedToAFriend"}),
        raising=False,
    )
    missing = recorded_events() - set(Timeline().handlers) - set(NOT_ON_TIMELINE)
    assert missing == {"Ticket.HandedToAFriend"}
