"""Ticket codes: short, unguessable, and typed correctly on any keyboard.

Alphabet: digits and uppercase letters, minus

* characters people and scanners confuse: 0/O/D/Q, 1/I/L, 2/Z, 5/S, 8/B, U/V;
* letters that sit elsewhere on AZERTY or QWERTZ keyboards (A, Q, W, Z, Y, M),
  so a USB scanner set to another layout cannot turn one code into another.

That leaves 17 symbols. A code is 11 random symbols from ``secrets`` (about
45 bits: guessing one of 250,000 valid tickets takes ~10^8 tries) and one
check symbol: the weighted sum of all twelve symbols (weights 1..12) is 0
modulo 17, a prime, so every single wrong symbol and every swap of two
symbols is recognised as invalid instead of finding somebody else's ticket.

Codes from other ticketing services (online sales imports) keep their own
format: they are accepted as ``external`` codes and only normalised.
"""

from __future__ import annotations

import secrets
from functools import lru_cache
from uuid import NAMESPACE_URL, UUID, uuid5

from domain.natural_ids import name_uuid

ALPHABET = "34679CEFGHJKNPRTX"
BASE = len(ALPHABET)  # 17, prime
RANDOM_LENGTH = 11
CODE_LENGTH = RANDOM_LENGTH + 1
MAX_EXTERNAL_LENGTH = 64
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_NAMESPACE = uuid5(NAMESPACE_URL, "https://houselights.app/ticket")


def _check_symbol(body: str) -> str:
    total = sum((i + 1) * _VALUE[c] for i, c in enumerate(body)) % BASE
    weight = len(body) + 1
    # value * weight ≡ -total (mod 17)
    value = (-total * pow(weight, -1, BASE)) % BASE
    return ALPHABET[value]


def new_code() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return body + _check_symbol(body)


def normalize_code(text: str) -> str:
    """Upper case, with spaces and hyphens (as printed in groups) removed."""
    return (text or "").strip().upper().replace(" ", "").replace("-", "").replace("\t", "")


def is_own_code(code: str) -> bool:
    """A well-formed Houselights code (right length, alphabet and check symbol)."""
    return (
        len(code) == CODE_LENGTH
        and all(c in _VALUE for c in code)
        and _check_symbol(code[:-1]) == code[-1]
    )


def is_acceptable_external(code: str) -> bool:
    """A code from another service: printable, no spaces, at most 64 characters."""
    return 0 < len(code) <= MAX_EXTERNAL_LENGTH and code.isprintable() and " " not in code


def ticket_id(code: str) -> UUID:
    """The Ticket aggregate's id: uuid5 of the normalised code (natural key)."""
    return _ticket_uuid(normalize_code(code))


@lru_cache(maxsize=65536)  # asked several times per ticket by a sale or an import
def _ticket_uuid(code: str) -> UUID:
    return name_uuid(_NAMESPACE, code)


def grouped(code: str) -> str:
    """Printed form, easier to read aloud: 4-4-4."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
