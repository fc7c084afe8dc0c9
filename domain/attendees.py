"""Attendees: the people who hold tickets someone else bought.

A ticket's holder may differ from its order's buyer (the buyer keeps the order
and its payment; the holder is greeted at the door and has the ticket on their
timeline). ``holders_for`` turns the names given per ticket at the window into
patrons: found by email or phone when already on file, else registered.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from domain.contact import clean_text
from domain.errors import InvalidInput, PossibleDuplicate, ValidationError

if TYPE_CHECKING:
    from domain.application import Houselights


def holders_for(
    app: Houselights,
    attendees: Sequence[dict[str, Any] | None],
    performance_id: str | None = None,
    source: str = "office",
    occurred_at: datetime | None = None,
) -> list[str | None]:
    """One patron id (or None: the buyer's ticket) per ticket, in the order sold.

    With ``performance_id`` the seats are checked first (``NotEnoughSeats``), so a
    sale refused for seats registers nobody.
    Each entry is ``None`` or ``{"first_name", "last_name", "email", "phone"}``;
    an entry without a name or contact is the buyer's. Raises ``InvalidInput``
    naming the ticket (``ticket:N``, from 1) whose details cannot be used.
    """
    if performance_id is not None:
        app.box_office.performance(performance_id).check_available(len(attendees))
    holders: list[str | None] = []
    for number, person in enumerate(attendees, start=1):
        person = {
            k: clean_text((person or {}).get(k, ""))
            for k in ("first_name", "last_name", "email", "phone")
        }
        if not any(person.values()):
            holders.append(None)
            continue
        if not (person["first_name"] or person["last_name"]):
            raise InvalidInput(
                [
                    ValidationError(
                        f"ticket:{number}",
                        f"Ticket {number}: add the name of the person it is for.",
                    )
                ]
            )
        try:
            holders.append(
                app.register_patron(
                    person["first_name"],
                    person["last_name"],
                    email=person["email"],
                    phone=person["phone"],
                    source=source,
                    occurred_at=occurred_at,
                )
            )
        except PossibleDuplicate as duplicate:
            holders.append(duplicate.matches[0].id)
        except InvalidInput as error:
            raise InvalidInput(
                [
                    ValidationError(f"ticket:{number}", f"Ticket {number}: {problem.message}")
                    for problem in error.errors
                ]
            ) from None
    return holders
