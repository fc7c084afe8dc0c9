"""Normalising and checking contact details (names, email addresses, phones)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from domain.errors import InvalidInput, ValidationError

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
_PHONE_CHARS = re.compile(r"^\+?[\d\s().\-/]+$")


def clean_text(value: str | None) -> str:
    """Trim and collapse inner runs of white space."""
    return " ".join((value or "").split())


def normalize_email(value: str | None) -> str:
    return clean_text(value).lower()


def normalize_phone(value: str | None) -> str:
    """Digits only (a leading + kept), so '(555) 123-4567' and '555.123.4567' match."""
    value = clean_text(value)
    if not value:
        return ""
    digits = re.sub(r"\D", "", value)
    return ("+" + digits) if value.startswith("+") else digits


def check_name(first_name: str, last_name: str) -> list[ValidationError]:
    if not clean_text(first_name) and not clean_text(last_name):
        return [ValidationError("name", "Please enter the patron's name.")]
    return []


def check_email(email: str) -> list[ValidationError]:
    email = clean_text(email)
    if email and not _EMAIL.match(email):
        return [
            ValidationError(
                "email",
                f"“{email}” is not a complete email address. It should look like name@example.org.",
            )
        ]
    return []


def check_phone(phone: str) -> list[ValidationError]:
    phone = clean_text(phone)
    if not phone:
        return []
    digits = re.sub(r"\D", "", phone)
    if not _PHONE_CHARS.match(phone) or not 6 <= len(digits) <= 15:
        return [
            ValidationError(
                "phone",
                f"“{phone}” does not look like a phone number. "
                "Use digits, spaces, dashes or brackets, e.g. 555-123-4567.",
            )
        ]
    return []


def raise_if_invalid(errors: list[ValidationError]) -> None:
    if errors:
        raise InvalidInput(errors)


def clean_tags(tags: Iterable[object] | None) -> list[str]:
    """Lower-case, trimmed, de-duplicated tags in their given order."""
    seen: dict[str, None] = {}
    for tag in tags or ():
        tag = clean_text(str(tag)).lower()
        if tag:
            seen.setdefault(tag, None)
    return list(seen)


def fold(text: str) -> str:
    """Accent- and case-insensitive form for comparing names."""
    if text.isascii():  # no accents, and NFKD leaves ASCII as it is
        return text.casefold()
    nfkd = unicodedata.normalize("NFKD", text)
    return "".join(c for c in nfkd if not unicodedata.combining(c)).casefold()
