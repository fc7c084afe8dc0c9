"""Likely duplicate patrons, read from the patron directory (no tables of its own).

``candidates(db)`` pairs records that share an email, a phone number, or a
similar name at one postal code (rules in ``domain/duplicates.py``), leaving
out records merged into another and pairs dismissed as two people
(``projections/patron_merges.py``). Names are compared only within one postal
code and one surname initial, so the work grows with the size of those blocks,
not with the square of the patron list.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from itertools import combinations
from typing import Any

from sqlite_utils import Database

from domain.contact import fold
from domain.duplicates import REASONS, folded_name, postal_block, similar_folded
from projections import box_office
from projections import patron_directory as directory
from projections.patron_merges import dismissed_pairs

_FIELDS = ("id", "first_name", "last_name", "name", "email", "phone_digits", "postal_code")

CancelFn = Callable[[], bool]
#: a patron as ``_patrons`` reads it
Row = dict[str, Any]
#: a pair found so far: (the earlier record, the later one, the reasons)
Found = tuple[Row, Row, set[str]]


def _patrons(db: Database) -> list[dict[str, Any]]:
    cursor = db.conn.execute(
        f"SELECT {', '.join(_FIELDS)} FROM patrons WHERE merged_into IS NULL"
        " ORDER BY registered_at, id"
    )
    return [dict(zip(_FIELDS, row, strict=True)) for row in cursor]


def _pairs_within(
    groups: dict[str, list[Row]], reason: str, found: dict[tuple[str, str], Found]
) -> None:
    for members in groups.values():
        for a, b in combinations(members, 2):
            found.setdefault((a["id"], b["id"]), (a, b, set()))[2].add(reason)


def candidates(db: Database, cancelled: CancelFn | None = None) -> list[dict[str, Any]]:
    """Likely duplicate pairs, strongest reasons first.

    Each: ``a``, ``b`` (ids; ``a`` registered first), ``a_name``, ``b_name``,
    ``reasons`` (some of "email", "phone", "name").
    """
    patrons = _patrons(db)  # oldest first, so ``a`` is the earlier record
    found: dict[tuple[str, str], Found] = {}
    emails: dict[str, list[Row]] = defaultdict(list)
    phones: dict[str, list[Row]] = defaultdict(list)
    blocks: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for p in patrons:
        if p["email"]:
            emails[p["email"].casefold()].append(p)
        if p["phone_digits"]:
            phones[p["phone_digits"]].append(p)
        postal = postal_block(p["postal_code"])
        if postal:
            p["_folded"] = folded = folded_name(p["first_name"], p["last_name"])
            if folded[1]:
                blocks[(postal, folded[1][0])].append(p)
    _pairs_within(emails, "email", found)
    _pairs_within(phones, "phone", found)
    for members in blocks.values():
        if cancelled is not None and cancelled():
            return []
        for a, b in combinations(members, 2):
            if similar_folded(a["_folded"], b["_folded"]):
                found.setdefault((a["id"], b["id"]), (a, b, set()))[2].add("name")
    dismissed = dismissed_pairs(db)
    pairs = []
    for (a_id, b_id), (a, b, reasons) in found.items():
        if tuple(sorted((a_id, b_id))) in dismissed:
            continue
        pairs.append(
            {
                "a": a_id,
                "b": b_id,
                "a_name": a["name"],
                "b_name": b["name"],
                "reasons": [r for r in REASONS if r in reasons],
            }
        )
    pairs.sort(
        key=lambda p: (
            -len(p["reasons"]),
            REASONS.index(p["reasons"][0]),
            fold(p["a_name"] or ""),
            p["a"],
            p["b"],
        )
    )
    return pairs


def review_rows(db: Database, cancelled: CancelFn | None = None) -> list[dict[str, Any]]:
    """``candidates()`` with what the review shows of each side: the directory row
    (``a_patron``, ``b_patron``) and ``a_stats``/``b_stats`` from ``patron_stats``
    (tickets, visits, orders, spend; merged records counted with their survivor)."""
    rows = candidates(db, cancelled)
    stats: dict[str, dict[str, Any]] = {}
    for pair in rows:
        if cancelled is not None and cancelled():
            return []
        for side in ("a", "b"):
            pid = pair[side]
            if pid not in stats:
                stats[pid] = box_office.patron_stats(db, pid)
            pair[f"{side}_stats"] = stats[pid]
            pair[f"{side}_patron"] = directory.get(db, pid) or {}
        pair["id"] = f"{pair['a']}|{pair['b']}"
    return rows
