"""Read model: the patron directory, with what search as you type reads (a full-text
index, each patron's ``words`` and ``patron_marks``).

The words are cut in ``projections/patron_words.py``; a search is planned in
``projections/patron_search.py``."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from sqlite_utils import Database

from domain.contact import fold, normalize_phone
from domain.personal_data import ERASED
from projections.base import Event, iso, run_script
from projections.patron_activity import PatronActivity
from projections.patron_words import marks, searched_words

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
JOINED_COLUMNS = ", ".join(f"p.{column}" for column in COLUMNS)


#: what search knows of a patron: (sort_key, words, merged_into, rowid in patrons)
Indexed = tuple[str, str, str | None, int]


def sort_key(first_name: str, last_name: str) -> str:
    return fold(f"{last_name} {first_name}".strip())


class PatronDirectory(PatronActivity):
    name = "patron_directory"
    waiting = (*PatronActivity.waiting, "_new_marks", "_new_indexed")
    #: v2: ``merged_into`` (a record merged into another leaves search and the list)
    #: v3: one- and two-character searches walk the name order
    #: v4: ``words`` and ``patron_marks`` (one to three characters read their own
    #: index; longer searches check the typed words' last, partial token outside it)
    #: v5: last activity follows every interaction (``projections/patron_activity.py``)
    version = 5
    tables = ("patrons_fts", "patron_marks", "patrons", *PatronActivity.activity_tables)
    #: A new patron reaches the full-text index at the end of its batch, all of the
    #: batch's new patrons in one statement (``_flush_indexed``), not through a trigger
    #: per row: FTS5 writes its pending terms out at the end of every statement that
    #: changed it, so 10,000 patrons registered one statement each took 0.34 s more.
    #: (Stores made before had a ``patrons_ai`` trigger; ``create`` drops it.)
    fts_triggers = {"patrons_fts": ("patrons_ad", "patrons_au")}

    def __init__(self) -> None:
        super().__init__()
        self._marks_later = False  # during a rebuild from zero (see ``bulk_begin``)
        #: ``patron_marks`` rows of patrons that had none (new ones), written in key order
        #: at the end of the batch, or before another change to the marks
        self._new_marks: list[tuple[str, str, str, int]] = []
        #: rowids in ``patrons`` of patrons registered in this batch, not yet in the
        #: full-text index (see ``fts_triggers``)
        self._new_indexed: list[int] = []
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
            DROP TRIGGER IF EXISTS patrons_ai;
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
        self._flush_indexed(db)
        self._flush_marks(db)

    def _flush_indexed(self, db: Database) -> None:
        """Put the batch's new patrons into the full-text index, in one statement: before
        the end of the batch, or before a change to the indexed fields of a patron, which
        the index's triggers take out of it with the values it holds."""
        if self._new_indexed:
            rowids, self._new_indexed = self._new_indexed, []
            db.conn.execute(
                "INSERT INTO patrons_fts (rowid, name, email, phone, phone_digits, tags)"
                " SELECT rowid, name, email, phone, phone_digits, tags FROM patrons"
                " WHERE rowid IN (SELECT value FROM json_each(?)) ORDER BY rowid",
                (json.dumps(rowids),),
            )

    def _flush_marks(self, db: Database) -> None:
        if self._new_marks:
            rows, self._new_marks = sorted(self._new_marks), []
            db.conn.executemany(
                "INSERT INTO patron_marks (mark, sort_key, id, patron) VALUES (?, ?, ?, ?)", rows
            )

    # -- handlers ---------------------------------------------------------
    def _registered(self, db: Database, e: Event, position: int) -> None:
        patron_id = str(e.originator_id)
        if patron_id in self._active:  # registered again: its row is written anew below
            self.flush_active(db)
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
        rowid = cursor.lastrowid
        assert rowid is not None  # set by every INSERT
        if not self._marks_later:  # a rebuild from zero fills the index at its end
            self._new_indexed.append(rowid)
        self._remark(db, patron_id, before, (key, words, None, rowid))

    def _touch_sql(self) -> str:
        return "updated_at = ?"

    def _contact_changed(self, db: Database, e: Event, position: int) -> None:
        self._flush_indexed(db)
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
        self._flush_indexed(db)
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
        self.flush_active(db)  # activity so far counts for whom it counted for
        before = self._indexed(db, str(e.originator_id))
        db.conn.execute(
            "UPDATE patrons SET merged_into = ? WHERE id = ?", (e.survivor_id, str(e.originator_id))
        )
        self.family_activity(db, e.survivor_id)  # the duplicate's activity counts for it
        self._reindex(db, str(e.originator_id), before)

    def _unmerged(self, db: Database, e: Event, position: int) -> None:
        self.flush_active(db)
        before = self._indexed(db, str(e.originator_id))
        db.conn.execute(
            "UPDATE patrons SET merged_into = NULL WHERE id = ?", (str(e.originator_id),)
        )
        self.family_activity(db, e.survivor_id)  # no longer the duplicate's
        self._reindex(db, str(e.originator_id), before)

    def _erased(self, db: Database, e: Event, position: int) -> None:
        """One marker for the whole name (not "[erased] [erased]"); sorted last."""
        self._flush_indexed(db)
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

    def _indexed(self, db: Database, patron_id: str) -> Indexed | None:
        """What search knows of a patron: (sort_key, words, merged_into, rowid); None when
        there is no such patron, or during a rebuild from zero (nothing to compare with)."""
        if self._marks_later:
            return None
        found: Indexed | None = db.conn.execute(
            "SELECT sort_key, words, merged_into, rowid FROM patrons WHERE id = ?", (patron_id,)
        ).fetchone()
        return found

    def _reindex(self, db: Database, patron_id: str, before: Indexed | None) -> None:
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

    def _remark(self, db: Database, patron_id: str, before: Indexed | None, after: Indexed) -> None:
        """Rewrite what changed of a patron's ``patron_marks`` rows (none while merged)."""
        if self._marks_later:
            return

        def rows(state: Indexed | None) -> set[tuple[str, str, str, int]]:
            if state is None or state[2] is not None:
                return set()
            return {(mark, state[0], patron_id, state[3]) for mark in marks(state[1])}

        old, new = rows(before), rows(after)
        if not old:  # nothing to take away: the new rows wait for the end of the batch
            self._new_marks += new
        elif old != new:
            self._flush_marks(db)
            db.conn.executemany(
                "DELETE FROM patron_marks WHERE mark = ? AND sort_key = ? AND id = ?",
                [row[:3] for row in old - new],
            )
            db.conn.executemany(
                "INSERT INTO patron_marks (mark, sort_key, id, patron) VALUES (?, ?, ?, ?)",
                new - old,
            )


# -- queries used by views and the command line ------------------------------
def as_row(cursor: sqlite3.Cursor, values: tuple[Any, ...]) -> dict[str, Any]:
    """A row of a query as {column: value}."""
    return {d[0]: v for d, v in zip(cursor.description, values, strict=True)}


def page(
    db: Database, after: tuple[str, str] | None = None, limit: int = 200
) -> list[dict[str, Any]]:
    """Patrons in name order, ``limit`` at a time after the (sort_key, id) given."""
    where, params = "WHERE merged_into IS NULL", []
    if after is not None:
        where += " AND (sort_key, id) > (?, ?)"
        params = list(after)
    cur = db.conn.execute(
        f"SELECT {', '.join(COLUMNS)} FROM patrons {where} ORDER BY sort_key, id LIMIT ?",
        (*params, limit),
    )
    return [as_row(cur, r) for r in cur.fetchall()]


def get(db: Database, patron_id: str) -> dict[str, Any] | None:
    cur = db.conn.execute(f"SELECT {', '.join(COLUMNS)} FROM patrons WHERE id = ?", (patron_id,))
    row = cur.fetchone()
    return as_row(cur, row) if row else None


def count(db: Database) -> int:
    try:
        sql = "SELECT count(*) FROM patrons WHERE merged_into IS NULL"
        return int(db.conn.execute(sql).fetchone()[0])
    except Exception:
        return 0
