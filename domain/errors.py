"""Domain errors, each with a message a box-office volunteer understands."""

from __future__ import annotations


class HouselightsError(Exception):
    """Base class: ``str(error)`` is a plain-language message for the user."""


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

    def __init__(self, matches: list[dict]):
        self.matches = matches
        names = ", ".join(m["name"] for m in matches)
        super().__init__(
            f"This looks like a patron we already have: {names}. "
            "Open the existing record, or save anyway if it is a different person."
        )


class PatronNotFound(HouselightsError):
    def __init__(self, patron_id: str):
        super().__init__("We could not find that patron. They may have been merged or removed.")
        self.patron_id = patron_id
