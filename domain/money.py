"""Money: always integer cents, in the organization's one currency.

The domain and the read models never write an amount as text: how an amount is
written (symbol, decimal mark, grouping) is the organization's locale, known to
the views (``desktop/formatting.py``). A text built here that names an amount
holds ``AMOUNT`` where it goes and carries the cents beside it; the view fills it in
(``desktop.formatting.with_amount``).
"""

from __future__ import annotations

#: where an amount goes in a text built by the domain or a read model
AMOUNT = "{amount}"


def split_evenly(cents: int, parts: int) -> list[int]:
    """Share an amount over ``parts`` items so the shares add up exactly."""
    base, rest = divmod(cents, parts)
    return [base + (1 if i < rest else 0) for i in range(parts)]
