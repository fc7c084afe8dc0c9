"""The organization's own answers, shared by every workstation (issue 22).

One ``Organization`` per store (a fixed id, like the duty rota): its name (printed
on tickets), its country (two letters: paper size, how dates and amounts are
written), the time zone its performances are shown in, and its currency (three
letters). They are events like everything else, so on a shared PostgreSQL store
the second workstation sees what the first one answered. What belongs to one
computer (whether it is the office or a door, the door's name) stays in that
computer's settings.

The rules here are the shape of each answer; whether a country, a time zone or a
currency exists is checked by the caller against Qt's and the system's lists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from uuid import NAMESPACE_URL, uuid5

from eventsourcing.domain import Aggregate, event

from domain.contact import clean_text
from domain.errors import InvalidInput, ValidationError
from domain.organization_time import zone_named
from domain.recording import Stamp

_NAMESPACE = uuid5(NAMESPACE_URL, "https://houselights.app/organization")

#: the answers, in the order the first-run assistant asks them
ANSWERS = ("name", "country", "timezone", "currency")


@dataclass(frozen=True, slots=True)
class OrganizationAnswers:
    """The organization's answers as the service gives them: ``name``, ``country`` (two
    letters or ""), ``timezone`` (e.g. Europe/London, or "") and ``currency`` (three
    letters or "")."""

    name: str
    country: str = ""
    timezone: str = ""
    currency: str = ""

    def to_json(self) -> dict[str, str]:
        """``{"name", "country", "timezone", "currency"}``, in that order."""
        return {key: getattr(self, key) for key in ANSWERS}


def clean_answers(name: str, country: str, timezone: str, currency: str) -> dict[str, str]:
    """The answers tidied (codes in capitals), or ``InvalidInput`` naming each wrong one."""
    answers = {
        "name": clean_text(name or ""),
        "country": (country or "").strip().upper(),
        "timezone": (timezone or "").strip(),
        "currency": (currency or "").strip().upper(),
    }
    errors = []
    if not answers["name"]:
        errors.append(
            ValidationError("name", "Give the organization's name, e.g. Lantern Theatre.")
        )
    if answers["country"] and not re.fullmatch(r"[A-Z]{2}", answers["country"]):
        errors.append(
            ValidationError("country", "Write the country as two letters, e.g. GB, US or IE.")
        )
    if answers["currency"] and not re.fullmatch(r"[A-Z]{3}", answers["currency"]):
        errors.append(
            ValidationError("currency", "Write the currency as three letters, e.g. GBP or EUR.")
        )
    if answers["timezone"] and zone_named(answers["timezone"]) is None:
        errors.append(
            ValidationError(
                "timezone",
                f"“{answers['timezone']}” is not a time zone. Write it like Europe/London.",
            )
        )
    if errors:
        raise InvalidInput(errors)
    return answers


class Organization(Aggregate):
    """The organization's name, country, time zone and currency."""

    ID = uuid5(_NAMESPACE, "organization")

    class Event(Aggregate.Event):
        occurred_at: datetime
        recorded_by: str
        workstation: str

    @event("Configured")
    def __init__(
        self,
        name: str,
        country: str,
        timezone: str,
        currency: str,
        occurred_at: datetime,
        recorded_by: str,
        workstation: str,
    ):
        self._apply(name, country, timezone, currency)

    def _apply(self, name: str, country: str, timezone: str, currency: str) -> None:
        self.name, self.country, self.timezone, self.currency = name, country, timezone, currency

    @classmethod
    def configure(cls, answers: dict[str, str], stamp: Stamp) -> Organization:
        return cls._create(cls.Configured, id=cls.ID, **answers, **stamp)  # type: ignore[attr-defined]  # made by @event("Configured")

    def answers(self) -> dict[str, str]:
        return {key: getattr(self, key) for key in ANSWERS}

    def change(self, answers: dict[str, str], stamp: Stamp) -> bool:
        """Record new answers; False (nothing recorded) when they are the same."""
        if answers == self.answers():
            return False
        self._changed(
            name=answers["name"],
            country=answers["country"],
            timezone=answers["timezone"],
            currency=answers["currency"],
            **stamp,
        )
        return True

    @event("Changed")
    def _changed(
        self,
        name: str,
        country: str,
        timezone: str,
        currency: str,
        occurred_at: datetime,
        recorded_by: str,
        workstation: str,
    ) -> None:
        self._apply(name, country, timezone, currency)
