"""How the patron directory cuts text into words: as its full-text index does.

The index (FTS5, ``unicode61 remove_diacritics 2``) lower-cases, drops accents and
cuts at anything that is not a letter or a digit. Search sees the patrons' fields and
what was typed through the same eyes (``as_indexed``): each patron's ``words``
(``searched_words``) and its rows in ``patron_marks`` (``marks``), and the phrases of
what was typed (``typed_phrases``). ``projections/patron_search.py`` plans a search
with them; ``projections/patron_directory.py`` keeps them up to date."""

from __future__ import annotations

import re
import unicodedata

#: a word typed: letters, digits and "_" (what ``\\w`` matches)
_TYPED_TOKEN = re.compile(r"\w+", re.UNICODE)
#: a token as the full-text index cuts one (unicode61: letters and digits; "_" separates)
INDEXED_WORD = re.compile(r"[^\W_]+")


def as_indexed(text: str) -> str:
    """Lower case without accents, as the FTS tokenizer (unicode61 remove_diacritics 2)
    indexes it. Not ``fold``: casefold and NFKD turn 'Weiß' into 'weiss', which the
    index does not contain. (ASCII text has no accents: lower case is all.)"""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFD", text.lower())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare)


def searched_words(
    name: str | None,
    email: str | None,
    phone: str | None,
    phone_digits: str | None,
    tags: str | None,
) -> str:
    """A patron's searched fields cut into tokens as the full-text index cuts them (lower
    case, no accents), a space between tokens and " | " between fields:
    ``' ada lovelace | ada lovelace12 example org |  |  | jazz '``.

    ``instr(words, ' ' + phrase)`` then finds a phrase as the index's ``"phrase"*``
    does: its tokens side by side in one field, the last one as a prefix."""
    fields = (name, email, phone, phone_digits, tags)
    return f" {' | '.join(' '.join(INDEXED_WORD.findall(as_indexed(f or ''))) for f in fields)} "


def marks(words: str) -> set[str]:
    """What ``patron_marks`` holds for a patron, from its ``words``: "x." for the first
    letter of each token of the name (one character searches names only), then the
    first two and the first three characters of every token of every field."""
    found = {token[0] + "." for token in words.split("|", 1)[0].split()}
    for token in words.split():
        if len(token) > 1:
            found.add(token[:2])
            if len(token) > 2:
                found.add(token[:3])
    return found


def typed_phrases(text: str) -> list[str]:
    """What was typed, as the words of an FTS5 query: one phrase per word typed, its
    tokens joined by spaces ('ada@exa lov' -> ['ada exa', 'lov'])."""
    phrases = (" ".join(_TYPED_TOKEN.findall(w)) for w in as_indexed(text).split())
    return [p for p in phrases if p]
