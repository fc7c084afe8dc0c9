"""Read model: the patron directory, with full-text search as you type."""

from __future__ import annotations

import re
import unicodedata

from sqlite_utils import Database

from domain.contact import fold, normalize_phone
from domain.personal_data import ERASED
from projections.base import Event, iso, run_script
from projections.patron_activity import PatronActivity

COLUMNS = (
    "id",
    "first_name",
    "last_name",
    "name",
    "sort_key",
    "email",
    "phone",
    "phone_digits",
    "street",
    "city",
    "region",
    "postal_code",
    "country",
    "email_consent",
    "tags",
    "household",
    "source",
    "registered_at",
    "updated_at",
    "last_activity_at",
    "interactions",
    "merged_into",
)
#: the same, from ``patrons p`` in a query joining it to another table
_JOINED_COLUMNS = ", ".join(f"p.{column}" for column in COLUMNS)

_TOKEN = re.compile(r"\w+", re.UNICODE)
#: a token as the full-text index cuts one (unicode61: letters and digits; "_" separates)
_INDEXED_WORD = re.compile(r"[^\W_]+")
#: a search the full-text index matches for this many patrons or more walks the name
#: order instead of sorting them all (see ``search``)
BROAD = 1_000
#: how many patrons, in name order, such a walk looks through before giving up
WALK_ROWS = 6_000
#: an anchor with words to check on each of its matches (see ``search``) is used up to
#: this many matches; the words typed are then rarely common enough for a walk to
#: fill a page quickly ("eli.g": a few of the "eli" are a "g")
CHECKED_AT_MOST = 5_000


def sort_key(first_name: str, last_name: str) -> str:
    return fold(f"{last_name} {first_name}".strip())


class PatronDirectory(PatronActivity):
    name = "patron_directory"
    #: v2: ``merged_into`` (a record merged into another leaves search and the list)
    #: v3: one- and two-character searches walk the name order
    #: v4: ``words`` and ``patron_marks`` (one to three characters read their own
    #: index; longer searches check the typed words' last, partial token outside it)
    #: v5: last activity follows every interaction (``projections/patron_activity.py``)
    version = 5
    tables = ("patrons_fts", "patron_marks", "patrons", *PatronActivity.activity_tables)
    fts_triggers = {"patrons_fts": ("patrons_ai", "patrons_ad", "patrons_au")}

    def __init__(self) -> None:
        super().__init__()
        self._marks_later = False  # during a rebuild from zero (see ``bulk_begin``)
        self.on("Patron.Registered")(self._registered)
        self.on("Patron.ContactChanged")(self._contact_changed)
        self.on("Patron.TagsChanged")(self._tags_changed)
        self.on("Patron.HouseholdNoteSet")(self._household_set)
        self.on("Patron.NoteAdded")(self._touched)
        self.on("Patron.MergedInto")(self._merged)
        self.on("Patron.Unmerged")(self._unmerged)
        self.on("Patron.Erased")(self._erased)
        self.register_activity()

    def create(self, db: Database) -> None:
        run_script(
            db,
            """
            CREATE TABLE IF NOT EXISTS patrons (
                rowid INTEGER PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                first_name TEXT, last_name TEXT, name TEXT, sort_key TEXT,
                email TEXT, phone TEXT, phone_digits TEXT,
                street TEXT, city TEXT, region TEXT, postal_code TEXT, country TEXT,
                email_consent INTEGER, tags TEXT, household TEXT, source TEXT,
                registered_at TEXT, updated_at TEXT, last_activity_at TEXT,
                own_activity_at TEXT,
                interactions INTEGER NOT NULL DEFAULT 0,
                merged_into TEXT,
                words TEXT NOT NULL DEFAULT ''
            );
            CREATE INDEX IF NOT EXISTS patrons_sort ON patrons (sort_key, id);
            CREATE INDEX IF NOT EXISTS patrons_words
                ON patrons (sort_key, id, words) WHERE merged_into IS NULL;
            CREATE TABLE IF NOT EXISTS patron_marks (
                mark TEXT NOT NULL, sort_key TEXT NOT NULL, id TEXT NOT NULL,
                patron INTEGER NOT NULL,  -- the patron's rowid in patrons
                PRIMARY KEY (mark, sort_key, id)
            ) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS patrons_email ON patrons (email);
            CREATE INDEX IF NOT EXISTS patrons_phone ON patrons (phone_digits);
            CREATE VIRTUAL TABLE IF NOT EXISTS patrons_fts USING fts5(
                name, email, phone, phone_digits, tags,
                content='patrons', content_rowid='rowid',
                tokenize='unicode61 remove_diacritics 2'
            );
            CREATE TRIGGER IF NOT EXISTS patrons_ai AFTER INSERT ON patrons BEGIN
                INSERT INTO patrons_fts (rowid, name, email, phone, phone_digits, tags)
                VALUES (new.rowid, new.name, new.email, new.phone, new.phone_digits, new.tags);
            END;
            CREATE TRIGGER IF NOT EXISTS patrons_ad AFTER DELETE ON patrons BEGIN
                INSERT INTO patrons_fts (patrons_fts, rowid, name, email, phone, phone_digits, tags)
                VALUES ('delete', old.rowid, old.name, old.email, old.phone, old.phone_digits,
                        old.tags);
            END;
            CREATE TRIGGER IF NOT EXISTS patrons_au AFTER UPDATE OF name, email, phone, tags
            ON patrons BEGIN
                INSERT INTO patrons_fts (patrons_fts, rowid, name, email, phone, phone_digits, tags)
                VALUES ('delete', old.rowid, old.name, old.email, old.phone, old.phone_digits,
                        old.tags);
                INSERT INTO patrons_fts (rowid, name, email, phone, phone_digits, tags)
                VALUES (new.rowid, new.name, new.email, new.phone, new.phone_digits, new.tags);
            END;
            """,
        )
        self.create_activity(db)

    def batch_done(self, db: Database, final: bool) -> None:
        self.flush_activity(db)

    # -- handlers ---------------------------------------------------------
    def _registered(self, db: Database, e: Event, position: int) -> None:
        patron_id = str(e.originator_id)
        address = e.address or {}
        when = iso(e.occurred_at)
        name = " ".join(p for p in (e.first_name, e.last_name) if p)
        digits, tags = normalize_phone(e.phone).lstrip("+"), ", ".join(e.tags)
        key = sort_key(e.first_name, e.last_name)
        words = searched_words(name, e.email, e.phone, digits, tags)
        before = self._indexed(db, patron_id)
        cursor = db.conn.execute(
            "INSERT OR REPLACE INTO patrons (id, first_name, last_name, name, sort_key, email,"
            " phone, phone_digits, street, city, region, postal_code, country, email_consent,"
            " tags, household, source, registered_at, updated_at, last_activity_at,"
            " own_activity_at, interactions, words)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1,?)",
            (
                patron_id,
                e.first_name,
                e.last_name,
                name,
                key,
                e.email,
                e.phone,
                digits,
                address.get("street", ""),
                address.get("city", ""),
                address.get("region", ""),
                address.get("postal_code", ""),
                address.get("country", ""),
                int(bool(e.email_consent)),
                tags,
                e.household,
                e.source,
                when,
                when,
                when,
                when,
                words,
            ),
        )
        self._remark(db, patron_id, before, (key, words, None, cursor.lastrowid))

    def _touch_sql(self) -> str:
        return "updated_at = ?"

    def _contact_changed(self, db: Database, e: Event, position: int) -> None:
        row = db.conn.execute(
            "SELECT first_name, last_name FROM patrons WHERE id = ?", (str(e.originator_id),)
        ).fetchone()
        if row is None:
            return
        before = self._indexed(db, str(e.originator_id))
        sets, params = [], []
        changes = dict(e.changes)
        address = changes.pop("address", None)
        if address is not None:
            for key in ("street", "city", "region", "postal_code", "country"):
                sets.append(f"{key} = ?")
                params.append(address.get(key, ""))
        for key, value in changes.items():
            sets.append(f"{key} = ?")
            params.append(int(value) if key == "email_consent" else value)
            if key == "phone":
                sets.append("phone_digits = ?")
                params.append(normalize_phone(value).lstrip("+"))
        first = changes.get("first_name", row[0])
        last = changes.get("last_name", row[1])
        sets += ["name = ?", "sort_key = ?"]
        params += [" ".join(p for p in (first, last) if p), sort_key(first, last)]
        when = iso(e.occurred_at)
        db.conn.execute(
            f"UPDATE patrons SET {', '.join(sets)}, {self._touch_sql()} WHERE id = ?",
            (*params, when, str(e.originator_id)),
        )
        self.active(db, str(e.originator_id), when)
        self._reindex(db, str(e.originator_id), before)

    def _tags_changed(self, db: Database, e: Event, position: int) -> None:
        when, before = iso(e.occurred_at), self._indexed(db, str(e.originator_id))
        db.conn.execute(
            f"UPDATE patrons SET tags = ?, {self._touch_sql()} WHERE id = ?",
            (", ".join(e.tags), when, str(e.originator_id)),
        )
        self.active(db, str(e.originator_id), when)
        self._reindex(db, str(e.originator_id), before)

    def _household_set(self, db: Database, e: Event, position: int) -> None:
        when = iso(e.occurred_at)
        db.conn.execute(
            f"UPDATE patrons SET household = ?, {self._touch_sql()} WHERE id = ?",
            (e.text, when, str(e.originator_id)),
        )
        self.active(db, str(e.originator_id), when)

    def _merged(self, db: Database, e: Event, position: int) -> None:
        # Only the mark: nothing else about either record changes, so an unmerge
        # that clears it leaves the row exactly as it was.
        before = self._indexed(db, str(e.originator_id))
        db.conn.execute(
            "UPDATE patrons SET merged_into = ? WHERE id = ?", (e.survivor_id, str(e.originator_id))
        )
        self.family_activity(db, e.survivor_id)  # the duplicate's activity counts for it
        self._reindex(db, str(e.originator_id), before)

    def _unmerged(self, db: Database, e: Event, position: int) -> None:
        before = self._indexed(db, str(e.originator_id))
        db.conn.execute(
            "UPDATE patrons SET merged_into = NULL WHERE id = ?", (str(e.originator_id),)
        )
        self.family_activity(db, e.survivor_id)  # no longer the duplicate's
        self._reindex(db, str(e.originator_id), before)

    def _erased(self, db: Database, e: Event, position: int) -> None:
        """One marker for the whole name (not "[erased] [erased]"); sorted last."""
        before = self._indexed(db, str(e.originator_id))
        db.conn.execute(
            "UPDATE patrons SET name = ?, sort_key = ? WHERE id = ?",
            (ERASED, "\uffff", str(e.originator_id)),
        )
        self._reindex(db, str(e.originator_id), before)
        self._touched(db, e, position)

    def _touched(self, db: Database, e: Event, position: int) -> None:
        when = iso(e.occurred_at)
        db.conn.execute(
            f"UPDATE patrons SET {self._touch_sql()} WHERE id = ?", (when, str(e.originator_id))
        )
        self.active(db, str(e.originator_id), when)

    # -- what search reads besides the full-text index ----------------------
    def bulk_begin(self, db: Database) -> None:
        """A rebuild from zero: ``patron_marks`` is filled once at the end, in name order
        (a few seconds), instead of a million inserts scattered over the whole table."""
        super().bulk_begin(db)
        self._marks_later = True

    def bulk_end(self, db: Database) -> None:
        super().bulk_end(db)
        self._marks_later = False
        db.conn.execute("DELETE FROM patron_marks")
        rows = db.conn.execute(
            "SELECT sort_key, id, words, rowid FROM patrons INDEXED BY patrons_words"
            " WHERE merged_into IS NULL ORDER BY sort_key, id"
        )
        db.conn.executemany(
            "INSERT INTO patron_marks (mark, sort_key, id, patron) VALUES (?, ?, ?, ?)",
            (
                (mark, key, patron_id, rowid)
                for key, patron_id, words, rowid in rows
                for mark in marks(words)
            ),
        )

    def _indexed(self, db: Database, patron_id: str) -> tuple | None:
        """What search knows of a patron: (sort_key, words, merged_into, rowid); None when
        there is no such patron, or during a rebuild from zero (nothing to compare with)."""
        if self._marks_later:
            return None
        return db.conn.execute(
            "SELECT sort_key, words, merged_into, rowid FROM patrons WHERE id = ?", (patron_id,)
        ).fetchone()

    def _reindex(self, db: Database, patron_id: str, before: tuple | None) -> None:
        """After a change to a patron's searched fields, name or merge: its ``words`` and
        its ``patron_marks`` rows follow; ``before`` is ``_indexed`` from before it."""
        row = db.conn.execute(
            "SELECT name, email, phone, phone_digits, tags, sort_key, merged_into, rowid"
            " FROM patrons WHERE id = ?",
            (patron_id,),
        ).fetchone()
        if row is None:
            return
        words = searched_words(*row[:5])
        if before is None or before[1] != words:
            db.conn.execute("UPDATE patrons SET words = ? WHERE id = ?", (words, patron_id))
        self._remark(db, patron_id, before, (row[5], words, row[6], row[7]))

    def _remark(self, db: Database, patron_id: str, before: tuple | None, after: tuple) -> None:
        """Rewrite what changed of a patron's ``patron_marks`` rows (none while merged)."""
        if self._marks_later:
            return

        def rows(state: tuple | None) -> set[tuple[str, str, str, int]]:
            if state is None or state[2] is not None:
                return set()
            return {(mark, state[0], patron_id, state[3]) for mark in marks(state[1])}

        old, new = rows(before), rows(after)
        if old != new:
            db.conn.executemany(
                "DELETE FROM patron_marks WHERE mark = ? AND sort_key = ? AND id = ?",
                [row[:3] for row in old - new],
            )
            db.conn.executemany(
                "INSERT INTO patron_marks (mark, sort_key, id, patron) VALUES (?, ?, ?, ?)",
                new - old,
            )


def searched_words(name: str, email: str, phone: str, phone_digits: str, tags: str) -> str:
    """A patron's searched fields cut into tokens as the full-text index cuts them (lower
    case, no accents), a space between tokens and " | " between fields:
    ``' ada lovelace | ada lovelace12 example org |  |  | jazz '``.

    ``instr(words, ' ' + phrase)`` then finds a phrase as the index's ``"phrase"*``
    does: its tokens side by side in one field, the last one as a prefix."""
    fields = (name, email, phone, phone_digits, tags)
    return f" {' | '.join(' '.join(_INDEXED_WORD.findall(as_indexed(f or ''))) for f in fields)} "


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


# -- queries used by views and the command line ------------------------------
def _row(cursor, values) -> dict:
    return {d[0]: v for d, v in zip(cursor.description, values, strict=True)}


def as_indexed(text: str) -> str:
    """Lower case without accents, as the FTS tokenizer (unicode61 remove_diacritics 2)
    indexes it. Not ``fold``: casefold and NFKD turn 'Weiß' into 'weiss', which the
    index does not contain."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare)


def _phrases(text: str) -> list[str]:
    """What was typed, as the words of an FTS5 query: one phrase per word typed, its
    tokens joined by spaces ('ada@exa lov' -> ['ada exa', 'lov'])."""
    return [p for p in (" ".join(_TOKEN.findall(w)) for w in as_indexed(text).split()) if p]


def fts_query(text: str) -> str:
    """Turn what someone typed into an FTS5 prefix query ('ada lov' -> ada* AND lov*).

    A word with punctuation inside stays one phrase ('ada@exa' -> "ada exa"*), so an
    email or phone fragment matches those tokens side by side, not anywhere.

    A single character looks at names only ('e' -> name : "e"*): the first key
    pressed would otherwise match nearly everyone (every "example.org" address,
    every phone with a 5) and sorting them all is what makes typing feel slow.
    From the second character on, every field is searched.
    """
    phrases = _phrases(text)
    if len(phrases) == 1 and len(phrases[0]) == 1:
        return f'name : "{phrases[0]}"*'
    return " ".join(f'"{p}"*' for p in phrases)


def search(db: Database, text: str, limit: int = 200) -> list[dict]:
    """Patrons matching every word typed, by name, email, phone or interest, in name
    order: what the full-text index answers for ``fts_query(text)``, found the cheapest
    way. Sorting every match is what makes typing feel slow; so:

    - one to three characters read ``patron_marks``, already in name order; so does a
      longer word that matches thousands, checking each patron in its three letters';
    - otherwise the index is asked only for an *anchor* it answers quickly: every word
      typed but each one's last, partial token when it has several ('eli.jensen@e' ->
      "eli jensen") or is short. Those are checked on each match in ``words``;
    - an anchor matching thousands (``BROAD``; with words to check, ``CHECKED_AT_MOST``)
      walks the name order instead, checking every word, and stops at the page's end
      ('example.o' fills a page within a few hundred rows);
    - when that walk finds too few, the index answers the whole query after all.
    """
    phrases = _phrases(text)
    if not phrases:
        return page(db, limit=limit)
    tokens = [_INDEXED_WORD.findall(phrase) for phrase in phrases]
    if not all(tokens):  # a word of underscores only: what the index makes of it
        return _search_index(db, fts_query(text), limit)
    if len(phrases) == 1 and tokens[0] == [phrases[0]]:
        return _search_word(db, phrases[0], limit)
    anchor, checks = _anchor(tokens)
    matches = _count(db, anchor, CHECKED_AT_MOST) if anchor else CHECKED_AT_MOST
    if matches < (CHECKED_AT_MOST if checks else BROAD):
        return _search_index(db, anchor, limit, checks)
    found = _walk(db, [" ".join(t) for t in tokens], limit)
    if len(found) == limit:
        return found
    return _search_index(db, fts_query(text), limit)


def _search_word(db: Database, word: str, limit: int) -> list[dict]:
    """One token typed (as the index cuts it): up to three characters read their own
    marks; a longer one asks the index when it is rare, else checks the patrons with a
    token starting with its first three characters, in name order, until the page is
    full ("rossi" among the "ros")."""
    if len(word) <= 3:
        return _search_marks(db, f"{word}." if len(word) == 1 else word, limit)
    query = f'"{word}"*'
    if _count(db, query, BROAD) < BROAD:
        return _search_index(db, query, limit)
    found = _search_marks(db, word[:3], limit, check=word)
    if len(found) == limit or _marked(db, word[:3], WALK_ROWS) < WALK_ROWS:
        return found  # a full page, or every patron with those three letters looked at
    return _search_index(db, query, limit)


def _anchor(tokens: list[list[str]]) -> tuple[str, list[str]]:
    """For the tokens of each word typed: (an FTS5 query of whole tokens and prefixes of
    three characters or more, which the index answers without gathering every token
    that starts with a short or partial one, the words to check on each of its
    matches)."""
    parts, checks = [], []
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
    return db.conn.execute(
        "SELECT count(*) FROM (SELECT 1 FROM patrons_fts WHERE patrons_fts MATCH ? LIMIT ?)",
        (query, at_most),
    ).fetchone()[0]


def _search_marks(db: Database, mark: str, limit: int, check: str = "") -> list[dict]:
    """The patrons holding ``mark``, in name order; with ``check``, only those whose
    ``words`` hold it, among the first ``WALK_ROWS`` holding ``mark`` (so maybe fewer)."""
    if not check:
        cur = db.conn.execute(
            f"SELECT {_JOINED_COLUMNS} FROM patron_marks m"
            " JOIN patrons p ON p.rowid = m.patron WHERE m.mark = ?"
            " ORDER BY m.sort_key, m.id LIMIT ?",
            (mark, limit),
        )
        return [_row(cur, r) for r in cur.fetchall()]
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
    return db.conn.execute(
        "SELECT count(*) FROM (SELECT 1 FROM patron_marks WHERE mark = ? LIMIT ?)",
        (mark, at_most),
    ).fetchone()[0]


def _walk(db: Database, words: list[str], limit: int) -> list[dict]:
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


def _rows(db: Database, rowids: list[int]) -> list[dict]:
    """These patrons (rowids in patrons), in name order."""
    cur = db.conn.execute(
        f"SELECT {', '.join(COLUMNS)} FROM patrons WHERE rowid IN"
        f" ({','.join('?' * len(rowids))}) ORDER BY sort_key, id",
        rowids,
    )
    return [_row(cur, r) for r in cur.fetchall()]


def _search_index(db: Database, query: str, limit: int, checks: list[str] = ()) -> list[dict]:
    """The full-text index's matches for an FTS5 ``query`` whose ``words`` also hold each
    of ``checks``, in name order."""
    cur = db.conn.execute(
        f"SELECT {_JOINED_COLUMNS} FROM patrons_fts"
        " JOIN patrons p ON p.rowid = patrons_fts.rowid"
        " WHERE patrons_fts MATCH ? AND p.merged_into IS NULL"
        f"{''.join(' AND instr(p.words, ?)' for _ in checks)}"
        " ORDER BY p.sort_key, p.id LIMIT ?",
        (query, *(f" {c}" for c in checks), limit),
    )
    return [_row(cur, r) for r in cur.fetchall()]


def page(db: Database, after: tuple[str, str] | None = None, limit: int = 200) -> list[dict]:
    """Patrons in name order, ``limit`` at a time after the (sort_key, id) given."""
    where, params = "WHERE merged_into IS NULL", []
    if after is not None:
        where += " AND (sort_key, id) > (?, ?)"
        params = list(after)
    cur = db.conn.execute(
        f"SELECT {', '.join(COLUMNS)} FROM patrons {where} ORDER BY sort_key, id LIMIT ?",
        (*params, limit),
    )
    return [_row(cur, r) for r in cur.fetchall()]


def get(db: Database, patron_id: str) -> dict | None:
    cur = db.conn.execute(f"SELECT {', '.join(COLUMNS)} FROM patrons WHERE id = ?", (patron_id,))
    row = cur.fetchone()
    return _row(cur, row) if row else None


def count(db: Database) -> int:
    try:
        sql = "SELECT count(*) FROM patrons WHERE merged_into IS NULL"
        return db.conn.execute(sql).fetchone()[0]
    except Exception:
        return 0
