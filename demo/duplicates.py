"""The demo organization's duplicate records, as every patron list has them.

A few patrons are on file twice: once from the office, and again from an online
sale or a walk-up at the window, spelled a little differently. One shares the
email (with a nickname), one the phone (without the accents), one is a typing
slip in the surname at the same postal code. Each duplicate has some history of
its own (a note, a donation), so merging shows both histories on one record.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from domain.application import Houselights
from domain.duplicates import NICKNAMES

DUPLICATE_NOTES = (
    "Bought online; said they had been before but could not remember the email they used.",
    "Walked up at the window on the night; gave a phone number for the receipt.",
    "Phoned to check their booking; spelled the surname for us.",
)


def _nickname(first: str) -> str:
    folded = first.casefold()
    for group in NICKNAMES:
        if folded == group[0]:
            return group[1].capitalize()
    return first[:1] + "."  # an initial, as online forms often get


def _without_accents(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)) or text


def _slip(last: str, rng: random.Random) -> str:
    """One typing slip: two neighbouring letters swapped, or a letter doubled."""
    if len(last) < 4:
        return last + last[-1]
    i = rng.randrange(1, len(last) - 2)
    if last[i] != last[i + 1]:
        return last[:i] + last[i + 1] + last[i] + last[i + 2 :]
    return last[:i] + last[i] + last[i:]


def generate_duplicates(
    app: Houselights, registered: list[tuple[str, datetime]], seed: int, now: datetime
) -> dict:
    """Register a second record for a few patrons; returns ``{"duplicates": n}``."""
    rng = random.Random(seed * 17 + 3)
    wanted = min(5, len(registered) // 8)
    made = 0
    for pid, joined in rng.sample(registered, len(registered)):
        if made == wanted:
            break
        original = app.get_patron(pid)
        kind = made % 3
        if kind == 0 and not original.email:
            continue
        if kind == 1 and not original.phone:
            continue
        if not original.address.get("postal_code"):
            continue
        first, last = original.first_name, original.last_name
        values: dict = {"address": dict(original.address)}
        if kind == 0:  # the same email, a nickname
            values.update(first_name=_nickname(first), last_name=last, email=original.email)
        elif kind == 1:  # the same phone, typed without accents (or capitals)
            plain = _without_accents(f"{first}|{last}")
            if plain == f"{first}|{last}":
                plain = plain.lower()
            plain_first, plain_last = plain.split("|")
            values.update(first_name=plain_first, last_name=plain_last, phone=original.phone)
        else:  # a typing slip in the surname, at the same postal code
            values.update(first_name=first, last_name=_slip(last, rng))
        when = min(now - timedelta(days=2), joined + timedelta(days=rng.uniform(60, 500)))
        twin = app.register_patron(
            **values,
            source=rng.choice(("import", "walk-up")),
            occurred_at=when,
            allow_duplicate=True,
        )
        app.add_note(twin, DUPLICATE_NOTES[kind], occurred_at=when + timedelta(hours=1))
        if made % 2 == 0:
            app.record_donation(
                twin,
                rng.choice((2500, 5000, 10000)),
                "Annual fund",
                occurred_at=when + timedelta(days=1),
            )
        made += 1
    return {"duplicates": made}
