"""Read model: the patron directory, with full-text search as you type."""

from __future__ import annotations

import re
import unicodedata

from sqlite_utils import Database

from domain.contact import fold, normalize_phone
from domain.personal_data import ERASED
from projections.base import Projection, iso, run_script

COLUMNS = (
    "id", "first_name", "last_name", "name", "sort_key", "email", "phone", "phone_digits",
    "street", "city", "region", "postal_code", "country", "email_consent", "tags",
    "household", "source", "registered_at", "updated_at", "last_activity_at", "interactions",
    "merged_into",
)  # fmt: skip

_TOKEN = re.compile(r"\w+", re.UNICODE)
#: a token as the full-text index cuts one (unicode61: letters and digits; "_" separates)
_INDEXED_WORD = re.compile(r"[^\W_]+")
#: how many patrons, in name order, a one- or two-character search looks through
#: before it asks the full-text index instead (see ``search``). One character: far,
#: because the index is slow then (a name-only prefix still reads every word with that
#: letter, "org" of every address for "o"); two: less far, the index is quicker.
WALK_ROWS = {1: 20_000, 2: 5_000}


def sort_key(first_name: str, last_name: str) -> str:
    return fold(f"{last_name} {first_name}".strip())


class PatronDirectory(Projection):
    name = "patron_directory"
    #: v2: ``merged_into`` (a record merged into another leaves search and the list)
    #: v3: ``short_prefixes`` (one- and two-character searches walk the name order)
    version = 3
    tables = ("patrons_fts", "patrons")
    fts_triggers = {"patrons_fts": ("patrons_ai", "patrons_ad", "patrons_au")}

    def __init__(self) -> None:
        super().__init__()
        self.on("Patron.Registered")(self._registered)
        self.on("Patron.ContactChanged")(self._contact_changed)
        self.on("Patron.TagsChanged")(self._tags_changed)
        self.on("Patron.HouseholdNoteSet")(self._household_set)
        self.on("Patron.NoteAdded")(self._touched)
        self.on("Patron.MergedInto")(self._merged)
        self.on("Patron.Unmerged")(self._unmerged)
        self.on("Patron.Erased")(self._erased)

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
                interactions INTEGER NOT NULL DEFAULT 0,
                merged_into TEXT,
                short_prefixes TEXT NOT NULL DEFAULT ''
            );
            CREATE INDEX IF NOT EXISTS patrons_sort ON patrons (sort_key, id);
            CREATE INDEX IF NOT EXISTS patrons_short
                ON patrons (sort_key, id, short_prefixes) WHERE merged_into IS NULL;
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

    # -- handlers ---------------------------------------------------------
    def _registered(self, db: Database, e, position: int) -> None:
        address = e.address or {}
        when = iso(e.occurred_at)
        name = " ".join(p for p in (e.first_name, e.last_name) if p)
        digits, tags = normalize_phone(e.phone).lstrip("+"), ", ".join(e.tags)
        db.conn.execute(
            "INSERT OR REPLACE INTO patrons (id, first_name, last_name, name, sort_key, email,"
            " phone, phone_digits, street, city, region, postal_code, country, email_consent,"
            " tags, household, source, registered_at, updated_at, last_activity_at, interactions,"
            " short_prefixes) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1,?)",
            (
                str(e.originator_id), e.first_name, e.last_name, name,
                sort_key(e.first_name, e.last_name), e.email, e.phone, digits,
                address.get("street", ""), address.get("city", ""), address.get("region", ""),
                address.get("postal_code", ""), address.get("country", ""),
                int(bool(e.email_consent)), tags, e.household, e.source,
                when, when, when, short_prefixes(name, e.email, e.phone, digits, tags),
            ),
        )  # fmt: skip

    def _touch_sql(self) -> str:
        return (
            "updated_at = ?, interactions = interactions + 1,"
            " last_activity_at = max(coalesce(last_activity_at, ''), ?)"
        )

    def _contact_changed(self, db: Database, e, position: int) -> None:
        row = db.conn.execute(
            "SELECT first_name, last_name FROM patrons WHERE id = ?", (str(e.originator_id),)
        ).fetchone()
        if row is None:
            return
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
            (*params, when, when, str(e.originator_id)),
        )
        _refresh_short_prefixes(db, str(e.originator_id))

    def _tags_changed(self, db: Database, e, position: int) -> None:
        when = iso(e.occurred_at)
        db.conn.execute(
            f"UPDATE patrons SET tags = ?, {self._touch_sql()} WHERE id = ?",
            (", ".join(e.tags), when, when, str(e.originator_id)),
        )
        _refresh_short_prefixes(db, str(e.originator_id))

    def _household_set(self, db: Database, e, position: int) -> None:
        when = iso(e.occurred_at)
        db.conn.execute(
            f"UPDATE patrons SET household = ?, {self._touch_sql()} WHERE id = ?",
            (e.text, when, when, str(e.originator_id)),
        )

    def _merged(self, db: Database, e, position: int) -> None:
        # Only the mark: nothing else about either record changes, so an unmerge
        # that clears it leaves the row exactly as it was.
        db.conn.execute("UPDATE patrons SET merged_into = ? WHERE id = ?",
                        (e.survivor_id, str(e.originator_id)))  # fmt: skip

    def _unmerged(self, db: Database, e, position: int) -> None:
        db.conn.execute("UPDATE patrons SET merged_into = NULL WHERE id = ?",
                        (str(e.originator_id),))  # fmt: skip

    def _erased(self, db: Database, e, position: int) -> None:
        """One marker for the whole name (not "[erased] [erased]"); sorted last."""
        db.conn.execute(
            "UPDATE patrons SET name = ?, sort_key = ? WHERE id = ?",
            (ERASED, "\uffff", str(e.originator_id)),
        )
        _refresh_short_prefixes(db, str(e.originator_id))
        self._touched(db, e, position)

    def _touched(self, db: Database, e, position: int) -> None:
        when = iso(e.occurred_at)
        db.conn.execute(
            f"UPDATE patrons SET {self._touch_sql()} WHERE id = ?",
            (when, when, str(e.originator_id)),
        )


def short_prefixes(name: str, email: str, phone: str, phone_digits: str, tags: str) -> str:
    """What one- and two-character searches look for, as text: " x. " for each first
    letter of a word of the name (a single character searches names only), " xy " for
    the first two of every word of every searched field; words cut and written as the
    full-text index has them."""
    marks = {word[0] + "." for word in _INDEXED_WORD.findall(as_indexed(name or ""))}
    for text in (name, email, phone, phone_digits, tags):
        marks.update(w[:2] for w in _INDEXED_WORD.findall(as_indexed(text or "")) if len(w) > 1)
    return f" {' '.join(sorted(marks))} " if marks else ""


def _refresh_short_prefixes(db: Database, patron_id: str) -> None:
    row = db.conn.execute("SELECT name, email, phone, phone_digits, tags FROM patrons"
                          " WHERE id = ?", (patron_id,)).fetchone()  # fmt: skip
    if row is not None:
        db.conn.execute("UPDATE patrons SET short_prefixes = ? WHERE id = ?",
                        (short_prefixes(*row), patron_id))  # fmt: skip


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
    """Patrons matching every word typed, by name, email, phone or interest."""
    query = fts_query(text)
    if not query:
        return page(db, limit=limit)
    word = _short_word(text)
    if word:
        # One or two characters match thousands of patrons; the full-text index would
        # hand them all over to be sorted. Walking the name order instead (an index that
        # holds each patron's short prefixes) finds the first ``limit`` within a few
        # hundred rows -- unless the prefix is rare, and then the index is quick.
        found = [row[0] for row in db.conn.execute(
            "SELECT rowid FROM (SELECT rowid, sort_key, id, short_prefixes FROM patrons"
            " INDEXED BY patrons_short WHERE merged_into IS NULL ORDER BY sort_key, id LIMIT ?)"
            " WHERE instr(short_prefixes, ?) LIMIT ?",
            (WALK_ROWS[len(word)], f" {word}. " if len(word) == 1 else f" {word} ", limit),
        )]  # fmt: skip
        if len(found) == limit:
            cur = db.conn.execute(
                f"SELECT {', '.join(COLUMNS)} FROM patrons WHERE rowid IN"
                f" ({','.join('?' * len(found))}) ORDER BY sort_key, id", found)  # fmt: skip
            return [_row(cur, r) for r in cur.fetchall()]
    return _search_index(db, query, limit)


def _short_word(text: str) -> str:
    """The word typed when the query is one token of one or two characters (as
    ``short_prefixes`` holds them), else ""."""
    phrases = _phrases(text)
    if len(phrases) != 1 or len(phrases[0]) > 2 or not _INDEXED_WORD.fullmatch(phrases[0]):
        return ""
    return phrases[0]


def _search_index(db: Database, query: str, limit: int) -> list[dict]:
    """The full-text index's matches for an FTS5 ``query``, in name order."""
    cur = db.conn.execute(
        f"SELECT {', '.join('p.' + c for c in COLUMNS)} FROM patrons_fts"
        " JOIN patrons p ON p.rowid = patrons_fts.rowid"
        " WHERE patrons_fts MATCH ? AND p.merged_into IS NULL ORDER BY p.sort_key, p.id LIMIT ?",
        (query, limit),
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
