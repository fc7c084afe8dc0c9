"""Search as you type in the patron directory: the plan that finds the patrons matching
what was typed the cheapest way.

What a search finds is defined once: what the full-text index answers for
``fts_query(text)`` (``search_index``), in name order. Sorting every match is what
makes typing feel slow, so ``search`` takes one of five ways to the same answer:

1. one to three characters of one word read ``patron_marks``, already in name order;
2. a longer word that matches thousands is checked among the patrons holding its first
   three characters, in name order; a rare one asks the index;
3. otherwise the index is asked only for an *anchor* it answers quickly: every word
   typed but each one's last, partial token when it has several ('eli.jensen@e' ->
   "eli jensen") or is short. Those are checked on each match in ``words``;
4. an anchor matching thousands (``BROAD``; with words to check, ``CHECKED_AT_MOST``)
   walks the name order instead, checking every word, and stops at the page's end
   ('example.o' fills a page within a few hundred rows);
5. when that walk finds too few, the index answers the whole query after all.

The tables are the directory's (``projections/patron_directory.py``); the words are
cut as the index cuts them (``projections/patron_words.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlite_utils import Database

from projections.patron_directory import COLUMNS, JOINED_COLUMNS, as_row, page
from projections.patron_words import INDEXED_WORD, typed_phrases

#: a search the full-text index matches for this many patrons or more walks the name
#: order instead of sorting them all (see ``search``)
BROAD = 1_000
#: how many patrons, in name order, such a walk looks through before giving up
WALK_ROWS = 6_000
#: an anchor with words to check on each of its matches (see ``search``) is used up to
#: this many matches; the words typed are then rarely common enough for a walk to
#: fill a page quickly ("eli.g": a few of the "eli" are a "g")
CHECKED_AT_MOST = 5_000


def fts_query(text: str) -> str:
    """Turn what someone typed into an FTS5 prefix query ('ada lov' -> ada* AND lov*).

    A word with punctuation inside stays one phrase ('ada@exa' -> "ada exa"*), so an
    email or phone fragment matches those tokens side by side, not anywhere.

    A single character looks at names only ('e' -> name : "e"*): the first key
    pressed would otherwise match nearly everyone (every "example.org" address,
    every phone with a 5) and sorting them all is what makes typing feel slow.
    From the second character on, every field is searched.
    """
    phrases = typed_phrases(text)
    if len(phrases) == 1 and len(phrases[0]) == 1:
        return f'name : "{phrases[0]}"*'
    return " ".join(f'"{p}"*' for p in phrases)


def search(db: Database, text: str, limit: int = 200) -> list[dict[str, Any]]:
    """Patrons matching every word typed, by name, email, phone or interest, in name
    order: what the full-text index answers for ``fts_query(text)``, found the cheapest
    way (the five ways are in this module's docstring). Nothing typed: the first page
    of the directory."""
    phrases = typed_phrases(text)
    if not phrases:
        return page(db, limit=limit)
    tokens = [INDEXED_WORD.findall(phrase) for phrase in phrases]
    if not all(tokens):  # a word of underscores only: what the index makes of it
        return search_index(db, fts_query(text), limit)
    if len(phrases) == 1 and tokens[0] == [phrases[0]]:
        return _search_word(db, phrases[0], limit)
    anchor, checks = _anchor(tokens)
    matches = _count(db, anchor, CHECKED_AT_MOST) if anchor else CHECKED_AT_MOST
    if matches < (CHECKED_AT_MOST if checks else BROAD):
        return search_index(db, anchor, limit, checks)
    found = _walk(db, [" ".join(t) for t in tokens], limit)
    if len(found) == limit:
        return found
    return search_index(db, fts_query(text), limit)


def search_index(
    db: Database, query: str, limit: int, checks: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """The full-text index's matches for an FTS5 ``query`` whose ``words`` also hold each
    of ``checks``, in name order: what every way of ``search`` must find."""
    cur = db.conn.execute(
        f"SELECT {JOINED_COLUMNS} FROM patrons_fts"
        " JOIN patrons p ON p.rowid = patrons_fts.rowid"
        " WHERE patrons_fts MATCH ? AND p.merged_into IS NULL"
        f"{''.join(' AND instr(p.words, ?)' for _ in checks)}"
        " ORDER BY p.sort_key, p.id LIMIT ?",
        (query, *(f" {c}" for c in checks), limit),
    )
    return [as_row(cur, r) for r in cur.fetchall()]


def _search_word(db: Database, word: str, limit: int) -> list[dict[str, Any]]:
    """One token typed (as the index cuts it): up to three characters read their own
    marks; a longer one asks the index when it is rare, else checks the patrons with a
    token starting with its first three characters, in name order, until the page is
    full ("rossi" among the "ros")."""
    if len(word) <= 3:
        return _search_marks(db, f"{word}." if len(word) == 1 else word, limit)
    query = f'"{word}"*'
    if _count(db, query, BROAD) < BROAD:
        return search_index(db, query, limit)
    found = _search_marks(db, word[:3], limit, check=word)
    if len(found) == limit or _marked(db, word[:3], WALK_ROWS) < WALK_ROWS:
        return found  # a full page, or every patron with those three letters looked at
    return search_index(db, query, limit)


def _anchor(tokens: list[list[str]]) -> tuple[str, list[str]]:
    """For the tokens of each word typed: (an FTS5 query of whole tokens and prefixes of
    three characters or more, which the index answers without gathering every token
    that starts with a short or partial one, the words to check on each of its
    matches)."""
    parts: list[str] = []
    checks: list[str] = []
    for word in tokens:
        if len(word) > 1:
            parts.append(f'"{" ".join(word[:-1])}"')
            checks.append(" ".join(word))
        elif len(word[0]) > 2:
            parts.append(f'"{word[0]}"*')
        else:
            checks.append(word[0])
    return " ".join(parts), checks


def _count(db: Database, query: str, at_most: int) -> int:
    """How many patrons the index matches for ``query``, counting no further than
    ``at_most`` (no patron row is read: about a millisecond at the design size even
    for a prefix such as "ros"*, which the index still has to expand)."""
    row = db.conn.execute(
        "SELECT count(*) FROM (SELECT 1 FROM patrons_fts WHERE patrons_fts MATCH ? LIMIT ?)",
        (query, at_most),
    ).fetchone()
    return int(row[0])


def _search_marks(db: Database, mark: str, limit: int, check: str = "") -> list[dict[str, Any]]:
    """The patrons holding ``mark``, in name order; with ``check``, only those whose
    ``words`` hold it, among the first ``WALK_ROWS`` holding ``mark`` (so maybe fewer)."""
    if not check:
        cur = db.conn.execute(
            f"SELECT {JOINED_COLUMNS} FROM patron_marks m"
            " JOIN patrons p ON p.rowid = m.patron WHERE m.mark = ?"
            " ORDER BY m.sort_key, m.id LIMIT ?",
            (mark, limit),
        )
        return [as_row(cur, r) for r in cur.fetchall()]
    found = [
        row[0]
        for row in db.conn.execute(
            "SELECT patron FROM (SELECT sort_key, id, patron FROM patron_marks WHERE mark = ?"
            " ORDER BY sort_key, id LIMIT ?) m"
            " WHERE instr((SELECT words FROM patrons WHERE rowid = m.patron), ?) LIMIT ?",
            (mark, WALK_ROWS, f" {check}", limit),
        )
    ]
    return _rows(db, found)


def _marked(db: Database, mark: str, at_most: int) -> int:
    """How many patrons hold ``mark``, counting no further than ``at_most``."""
    row = db.conn.execute(
        "SELECT count(*) FROM (SELECT 1 FROM patron_marks WHERE mark = ? LIMIT ?)",
        (mark, at_most),
    ).fetchone()
    return int(row[0])


def _walk(db: Database, words: list[str], limit: int) -> list[dict[str, Any]]:
    """The first ``limit`` patrons in name order whose ``words`` hold every word typed,
    looking through ``WALK_ROWS`` at most (so it may return fewer)."""
    checks = " AND ".join("instr(words, ?)" for _ in words)
    found = [
        row[0]
        for row in db.conn.execute(
            "SELECT rowid FROM (SELECT rowid, sort_key, id, words FROM patrons"
            " INDEXED BY patrons_words WHERE merged_into IS NULL ORDER BY sort_key, id LIMIT ?)"
            f" WHERE {checks} LIMIT ?",
            (WALK_ROWS, *(f" {w}" for w in words), limit),
        )
    ]
    return _rows(db, found)


def _rows(db: Database, rowids: list[int]) -> list[dict[str, Any]]:
    """These patrons (rowids in patrons), in name order."""
    cur = db.conn.execute(
        f"SELECT {', '.join(COLUMNS)} FROM patrons WHERE rowid IN"
        f" ({','.join('?' * len(rowids))}) ORDER BY sort_key, id",
        rowids,
    )
    return [as_row(cur, r) for r in cur.fetchall()]
