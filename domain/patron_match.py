"""A patron already on file who may be the person being entered (issue 21: results are
frozen dataclasses). Its own module, so that ``domain/errors.py`` (``PossibleDuplicate``)
can name it without importing the patron service."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PatronMatch:
    """A patron already on file who may be the person being entered, and why:
    ``reason`` is ``email``, ``phone`` or ``name`` (the same name at the postal code)."""

    id: str
    name: str
    email: str
    phone: str
    reason: str
