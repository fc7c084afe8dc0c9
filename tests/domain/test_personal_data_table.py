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
        created = getattr(aggregate, "_created_event_class", None)
        for value in vars(aggregate).values():
            if (
                isinstance(value, type)
                and issubclass(value, Aggregate.Event)
                and value.__qualname__.startswith(f"{aggregate.__name__}.")
                and value is not aggregate.Event
                # the library's unused default "Created" class, when __init__ is named otherwise
                and not (value.__name__ == "Created" and created is not value)
            ):
                names.add(value.__qualname__)
    return names


def test_every_event_is_listed_with_its_personal_fields():
    events = recorded_events()
    assert "Donation.Acknowledged" in events and "Patron.Registered" in events
    assert sorted(events - set(PERSONAL_FIELDS)) == []
