"""Thank-yous: after each performance everyone admitted at the door, and every
donor not yet acknowledged, is waiting for a thank-you (a letter, an email or
a call). A thank-you is a ``Patron.Thanked`` event: the channel, the reason
(``attendance`` of a performance or a ``donation``) and the id of that
performance or donation. No personal data lives in it.

Thanking a donor for a donation also acknowledges the donation
(``Donation.Acknowledged``), in the same transaction, so the donation's own
record, the door's "thank them" cue and the queue all agree.
"""

from __future__ import annotations

from domain.errors import InvalidInput, ThankYouProblem, ValidationError
from domain.memberships import ACKNOWLEDGMENTS

ATTENDANCE, DONATION = "attendance", "donation"
REASONS = (ATTENDANCE, DONATION)
CHANNELS = ACKNOWLEDGMENTS  # letter, email, call
#: the share of thank-yous sent within this many days is what the manager watches
PROMPT_DAYS = 7


def check_thanks(channel: str, reason: str, reference_id: str, given: dict[str, str]) -> None:
    errors = []
    if channel not in CHANNELS:
        errors.append(
            ValidationError("channel", "Say how the patron was thanked: letter, email or call.")
        )
    if reason not in REASONS:
        errors.append(
            ValidationError(
                "reason", "Say what the thank-you is for: coming to a performance or a donation."
            )
        )
    if not str(reference_id or "").strip():
        errors.append(ValidationError("reference_id", "Choose the performance or donation."))
    if errors:
        raise InvalidInput(errors)
    already = given.get(f"{reason}:{reference_id}")
    if already is not None:
        what = "coming to this performance" if reason == ATTENDANCE else "this donation"
        raise ThankYouProblem(f"This patron was already thanked by {already} for {what}.")
