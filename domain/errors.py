"""Domain errors, each with a message a box-office volunteer understands."""

from __future__ import annotations

from domain.patron_match import PatronMatch
from domain.wording import written


class HouselightsError(Exception):
    """Base class: ``str(error)`` is a plain-language message for the user.

    A date in the message is a ``domain.wording`` mark, written out in the
    organization's way when the message is shown."""

    def __str__(self) -> str:
        return written(super().__str__())


class ValidationError(HouselightsError):
    """Input that cannot be accepted; ``field`` names the offending input."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class InvalidInput(HouselightsError):
    """Several fields at once were not acceptable."""

    def __init__(self, errors: list[ValidationError]):
        self.errors = errors
        super().__init__(" ".join(e.message for e in errors))

    def by_field(self) -> dict[str, str]:
        return {e.field: e.message for e in self.errors}


class PossibleDuplicate(HouselightsError):
    """A patron with the same email or phone number is already on file."""

    def __init__(self, matches: list[PatronMatch]):
        self.matches = matches
        names = ", ".join(m.name for m in matches)
        super().__init__(
            f"This looks like a patron we already have: {names}. "
            "Open the existing record, or save anyway if it is a different person."
        )


class PatronNotFound(HouselightsError):
    def __init__(self, patron_id: str):
        super().__init__("We could not find that patron. They may have been merged or removed.")
        self.patron_id = patron_id


class NotAllowed(HouselightsError):
    """The signed-in staff member's role does not allow this."""


class SignInFailed(HouselightsError):
    """Wrong name, password or PIN (never says which, on purpose)."""

    def __init__(
        self,
        message: str = "That name and password (or PIN) do not match an "
        "account. Check them and try again.",
    ):
        super().__init__(message)


class SignInThrottled(SignInFailed):
    """Too many wrong tries: wait, or (locked) ask a manager."""


class PatronErased(HouselightsError):
    def __init__(self, patron_id: str):
        super().__init__(
            "This patron's personal data was erased. Their record can no longer be changed; "
            "register them again if they come back."
        )
        self.patron_id = patron_id


class NotEnoughSeats(HouselightsError):
    def __init__(self, title: str, wanted: int, left: int):
        self.wanted, self.left = wanted, left
        if left <= 0:
            message = f"{title} is sold out."
        else:
            seats = "seat" if left == 1 else "seats"
            message = f"Only {left} {seats} left for {title}; you asked for {wanted}."
        super().__init__(message)


class PerformanceNotFound(HouselightsError):
    def __init__(self, performance_id: str):
        super().__init__("We could not find that performance. It may have been removed.")
        self.performance_id = performance_id


class TicketProblem(HouselightsError):
    """A ticket that cannot be sold, refunded or exchanged as asked."""


class UnreadableSalesFile(HouselightsError):
    """A sales export that cannot be used at all (missing, not CSV, no needed columns)."""


class DonationProblem(HouselightsError):
    """A donation that cannot be recorded or thanked as asked."""


class ProductionNotFound(HouselightsError):
    def __init__(self, production_id: str):
        super().__init__("We could not find that production. It may have been removed.")
        self.production_id = production_id


class MergeProblem(HouselightsError):
    """Two patron records that cannot be merged (or unmerged) as asked."""


class ThankYouProblem(HouselightsError):
    """A thank-you that cannot be recorded as asked (given already, say)."""


class ConversationNotFound(HouselightsError):
    """A call, chat, follow-up or quick answer that is not (or no longer) on file."""

    def __init__(self, what: str, record_id: str):
        super().__init__(f"We could not find that {what}. It may have been removed.")
        self.record_id = record_id


class NotConnected(HouselightsError):
    """The shared store has not been reached since this workstation started: what is
    shown is this computer's own copy, and nothing can be saved until the server answers."""

    def __init__(self, what: str = "") -> None:
        super().__init__(
            "No connection to the server. This computer shows its own copy of the lists and "
            "keeps checking tickets in at the door; "
            + (f"{what} needs" if what else "saving needs")
            + " the server. Houselights connects by itself when the network is back."
        )
