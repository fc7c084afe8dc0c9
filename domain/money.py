"""Money: always integer cents; one place says how amounts are shown."""

from __future__ import annotations

#: the organization's currency symbol, shown before amounts ("$60.00")
CURRENCY_SYMBOL = "$"


def format_cents(cents: int, symbol: str = CURRENCY_SYMBOL) -> str:
    """``6000`` -> ``"$60.00"``; ``-550`` -> ``"-$5.50"``; thousands get commas."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(int(cents)), 100)
    return f"{sign}{symbol}{whole:,}.{part:02d}"


def split_evenly(cents: int, parts: int) -> list[int]:
    """Share an amount over ``parts`` items so the shares add up exactly."""
    base, rest = divmod(cents, parts)
    return [base + (1 if i < rest else 0) for i in range(parts)]
