"""Every event the domain can record is listed in the personal-data table, so
erasure knows exactly which fields to rewrite."""

from __future__ import annotations

from eventsourcing.domain import Aggregate

import domain.application  # noqa: F401  (imports every aggregate of the app)
from domain.personal_data import PERSONAL_FIELDS


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def recorded_events() -> set[str]:
    names = set()
    for aggregate in _subclasses(Aggregate):
        if not aggregate.__module__.startswith("domain."):
            continue
        own = [
            value
            for value in vars(aggregate).values()
            if isinstance(value, type)
            and issubclass(value, Aggregate.Event)
            and value.__qualname__.startswith(f"{aggregate.__name__}.")
            and value is not aggregate.Event
        ]
        # the library's default "Created" class is unused when __init__ is named otherwise
        # ("Registered", "Logged"): another class of the aggregate is then its creation
        named_creation = any(
            issubclass(value, Aggregate.Created) and value.__name__ != "Created" for value in own
        )
        names.update(
            value.__qualname__
            for value in own
            if not (value.__name__ == "Created" and named_creation)
        )
    return names


def test_every_event_is_listed_with_its_personal_fields():
    events = recorded_events()
    assert "Donation.Acknowledged" in events and "Patron.Registered" in events
    assert sorted(events - set(PERSONAL_FIELDS)) == []
