"""Erasing a patron's personal data from every file (issue 9): the storage half.

Events are immutable, so Houselights uses a documented in-place redaction:

1. ``Patron.Erased`` is recorded first (who and when, no personal data) and the
   patron's contact keys are released (``ErasureService.record_erasure``).
2. The stored payloads of the patron's events, of events that name the patron,
   and of events of aggregates that belong to the patron are rewritten: those whose
   first event names the patron (a ticket, an order, a call, a follow-up), chats
   last linked to the patron, and chats nobody linked whose visitor email or phone
   the patron ever had. A patron is all their records: the records merged into them
   are erased with them (``ErasureService.erasure_records``). Each such event is
   rewritten: every field that ``domain/personal_data.py::PERSONAL_FIELDS`` lists
   for that event becomes ``[erased]``. The table drives this; nothing here
   names a field. Encrypted stores are decrypted, redacted and encrypted again.
   Snapshots of those aggregates are deleted (they are taken again when needed).
3. The read models are rebuilt from the redacted events (so every projection,
   including the full-text indexes of patrons and chats, forgets the data), then
   compacted.
4. Both SQLite files are compacted so no freed page keeps the old bytes:
   ``secure_delete``, ``VACUUM`` and ``wal_checkpoint(TRUNCATE)``. A shared
   PostgreSQL store gets ``VACUUM FULL`` on the events and snapshots tables.
5. The copies of the store get the same treatment (``clean_store_copies``): every
   Houselights backup in the backup folders (the one chosen in the settings and the
   data folder's own) and every store a restore set aside in the data folder
   (``events.before-restore-….sqlite``, ``events.damaged-….sqlite``) is opened on a
   plain connection, the same events are redacted with the live store's mapper (a
   backup has the store's key), then compacted. Read-model copies beside backups
   and set-aside read models are deleted (they are rebuilt). A copy that is
   damaged, made with another key, or in a folder that is not connected is listed
   in the result's ``backups.not_cleaned`` with the reason; the erasure goes on.

Counts and revenue never live in personal fields, so they stay true. Running an
erasure again for the same patron finishes one that was interrupted.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

from domain.contact_index import contact_keys
from domain.errors import HouselightsError
from domain.patron import patron_uuid
from domain.personal_data import (
    ERASED,
    OWNER_FIELDS,
    VISITOR_CONTACT_FIELDS,
    event_name,
    mentions,
    personal_fields,
    redact_state,
)

ProgressFn = Callable[[int, int], None]
#: stored events read per query while looking for a patron's personal data
PAGE = 2000


# -- payloads ------------------------------------------------------------------
def decode_state(mapper, state: bytes) -> dict:
    if mapper.cipher:
        state = mapper.cipher.decrypt(state)
    if mapper.compressor:
        state = mapper.compressor.decompress(state)
    return mapper.transcoder.decode(state)


def encode_state(mapper, state: dict) -> bytes:
    data = mapper.transcoder.encode(state)
    if mapper.compressor:
        data = mapper.compressor.compress(data)
    if mapper.cipher:
        data = mapper.cipher.encrypt(data)
    return data


# -- the two kinds of store ---------------------------------------------------
class _SQLiteStore:
    """Works through the recorder's own connection pool (its writer lock included)."""

    def __init__(self, app):
        self.datastore = app.recorder.datastore
        self.table = app.recorder.events_table_name
        recorder = app.snapshots.recorder if app.snapshots is not None else None
        self.snapshots = recorder.events_table_name if recorder is not None else None

    @contextmanager
    def _reading(self):
        with self.datastore.transaction(commit=False) as c:
            yield c

    @contextmanager
    def _writing(self):
        with self.datastore.get_connection(commit=True) as conn:
            yield conn._sqlite_conn

    def topics(self) -> list[str]:
        with self._reading() as c:
            c.execute(f"SELECT DISTINCT topic FROM {self.table}")
            return [row[0] for row in c.fetchall()]

    def rows(self, topics: list[str]) -> Iterator[tuple]:
        """The stored events of these topics, a page at a time (memory stays flat)."""
        marks = ",".join("?" * len(topics))
        last = 0
        while True:
            with self._reading() as c:
                c.execute(
                    f"SELECT rowid, originator_id, topic, state FROM {self.table}"
                    f" WHERE rowid > ? AND topic IN ({marks}) ORDER BY rowid LIMIT ?",
                    (last, *topics, PAGE),
                )
                rows = c.fetchall()
            for rowid, originator_id, topic, state in rows:
                yield rowid, str(UUID(str(originator_id))), topic, bytes(state)
            if len(rows) < PAGE:
                return
            last = rows[-1][0]

    def first_event(self, originator_id: str) -> tuple[str, bytes] | None:
        with self._reading() as c:
            c.execute(
                f"SELECT topic, state FROM {self.table} WHERE originator_id = ?"
                " ORDER BY originator_version LIMIT 1",
                (UUID(originator_id).hex,),  # eventsourcing's SQLite stores UUIDs as hex
            )
            row = c.fetchone()
        return (row[0], bytes(row[1])) if row else None

    def rewrite(self, changes: list[tuple[Any, bytes]], originators: set[str]) -> int:
        with self._writing() as raw:
            raw.execute("PRAGMA secure_delete=ON")
            raw.execute("BEGIN IMMEDIATE")
            try:
                raw.executemany(
                    f"UPDATE {self.table} SET state = ? WHERE rowid = ?",
                    [(state, key) for key, state in changes],
                )
                deleted = 0
                if self.snapshots and originators:
                    for originator in originators:
                        deleted += raw.execute(
                            f"DELETE FROM {self.snapshots} WHERE originator_id = ?",
                            (UUID(originator).hex,),
                        ).rowcount
                raw.execute("COMMIT")
            except BaseException:
                raw.execute("ROLLBACK")
                raise
        return deleted

    def compact(self) -> None:
        with self._writing() as raw:
            compact_sqlite(raw)


class _SQLiteFile(_SQLiteStore):
    """A store file no Houselights has open (a backup, a store a restore set aside),
    on one plain connection in autocommit mode; the same queries as the live store."""

    def __init__(self, conn: sqlite3.Connection, table: str, snapshots: str | None):
        self.conn = conn
        self.table = table
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        self.snapshots = snapshots if snapshots in names else None

    @contextmanager
    def _reading(self):
        with closing(self.conn.cursor()) as c:
            yield c

    @contextmanager
    def _writing(self):
        yield self.conn


class _PostgresStore:
    def __init__(self, app):
        self.datastore = app.recorder.datastore
        self.table = f"{self.datastore.schema}.{app.recorder.events_table_name}"
        recorder = app.snapshots.recorder if app.snapshots is not None else None
        self.snapshots = (
            f"{self.datastore.schema}.{recorder.events_table_name}" if recorder else None
        )

    def topics(self) -> list[str]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT DISTINCT topic FROM {self.table}")
            return [row["topic"] for row in c.fetchall()]

    def rows(self, topics: list[str]) -> Iterator[tuple]:
        """The stored events of these topics, a page at a time (memory stays flat)."""
        last = 0
        while True:
            with self.datastore.transaction(commit=False) as c:
                c.execute(
                    f"SELECT notification_id, originator_id, originator_version, topic, state"
                    f" FROM {self.table} WHERE notification_id > %s AND topic = ANY(%s)"
                    " ORDER BY notification_id LIMIT %s",
                    (last, topics, PAGE),
                )
                rows = c.fetchall()
            for row in rows:
                key = (row["originator_id"], row["originator_version"])
                yield key, str(row["originator_id"]), row["topic"], bytes(row["state"])
            if len(rows) < PAGE:
                return
            last = rows[-1]["notification_id"]

    def first_event(self, originator_id: str) -> tuple[str, bytes] | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT topic, state FROM {self.table} WHERE originator_id = %s"
                " ORDER BY originator_version LIMIT 1",
                (originator_id,),
            )
            row = c.fetchone()
        return (row["topic"], bytes(row["state"])) if row else None

    def rewrite(self, changes: list[tuple[Any, bytes]], originators: set[str]) -> int:
        deleted = 0
        with self.datastore.transaction(commit=True) as c:
            for (originator_id, version), state in changes:
                c.execute(
                    f"UPDATE {self.table} SET state = %s"
                    " WHERE originator_id = %s AND originator_version = %s",
                    (state, originator_id, version),
                )
            if self.snapshots and originators:
                c.execute(
                    f"DELETE FROM {self.snapshots} WHERE originator_id = ANY(%s)",
                    ([o for o in originators],),
                )
                deleted = c.rowcount
        return deleted

    def compact(self) -> None:
        """VACUUM FULL writes the tables anew, leaving no dead row versions behind."""
        with self.datastore.get_connection() as conn:
            conn.autocommit = True
            try:
                for table in (self.table, self.snapshots):
                    if table:
                        conn.execute(f"VACUUM FULL {table}")
            finally:
                conn.autocommit = False


def _store(app):
    if hasattr(app.recorder.datastore, "schema"):
        return _PostgresStore(app)
    return _SQLiteStore(app)


def compact_sqlite(conn) -> dict:
    """Rewrite a SQLite file so no freed page keeps old bytes, and empty its WAL."""
    conn.execute("PRAGMA secure_delete=ON")
    conn.execute("VACUUM")
    busy, _log, _done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return {"checkpointed": not busy}


# -- redaction ----------------------------------------------------------------
def claimed_aggregates(
    store, mapper, topics: list[str], pids: set[str], known_keys: set[str]
) -> dict[str, bool]:
    """Aggregates that belong to a patron without their first event saying so.

    A chat is the patron's when the latest event that hands it to someone
    (``OWNER_FIELDS``: ``Chat.Linked``) names one of ``pids``; a chat nobody ever
    linked is the patron's when its visitor email or phone is one the patron ever
    had (``VISITOR_CONTACT_FIELDS``, matched as contact keys). Returns originator id
    -> whether it is the patron's (False for those handed to someone else).
    """
    owner_topics = [t for t in topics if event_name(t) in OWNER_FIELDS]
    last_owner: dict[str, str] = {}
    for _key, originator_id, topic, stored in store.rows(owner_topics) if owner_topics else ():
        state = decode_state(mapper, stored)  # read in stored order: the latest link wins
        last_owner[originator_id] = str(state.get(OWNER_FIELDS[event_name(topic)]) or "")
    claimed = {originator: owner in pids for originator, owner in last_owner.items()}
    contact_topics = [t for t in topics if event_name(t) in VISITOR_CONTACT_FIELDS]
    if known_keys and contact_topics:
        for _key, originator_id, topic, stored in store.rows(contact_topics):
            if originator_id in last_owner:
                continue  # linked: it goes with whoever it is linked to
            email_field, phone_field = VISITOR_CONTACT_FIELDS[event_name(topic)]
            state = decode_state(mapper, stored)
            visitor = contact_keys(state.get(email_field) or "", state.get(phone_field) or "")
            if known_keys.intersection(visitor):
                claimed[originator_id] = True
    return claimed


def redact_stored_events(
    app, patron_ids: str | Iterable[str], known_keys: Iterable[str] = ()
) -> dict:
    """Rewrite the personal fields of every stored event about the patron's records.

    ``patron_ids``: the records erased together (a survivor and the records merged
    into it); ``known_keys``: every email and phone they ever had, as contact keys
    (``ErasureService.known_contact_keys``), to find chats nobody linked to them.
    """
    return redact_events(_store(app), app.mapper, patron_ids, known_keys)


def redact_events(
    store, mapper, patron_ids: str | Iterable[str], known_keys: Iterable[str] = ()
) -> dict:
    """``redact_stored_events`` on any store: the live one, or a backup's file."""
    if isinstance(patron_ids, str):
        patron_ids = [patron_ids]
    pids = {str(patron_uuid(p)) for p in patron_ids}
    every_topic = store.topics()
    topics = [t for t in every_topic if personal_fields(event_name(t))]
    owners: dict[str, bool] = dict.fromkeys(pids, True)
    owners.update(claimed_aggregates(store, mapper, every_topic, pids, set(known_keys)))

    def names_patron(state) -> bool:
        return any(mentions(state, pid) for pid in pids)

    def belongs(originator_id: str) -> bool:
        """Whether an aggregate is the patron's: its first event names the patron."""
        if originator_id not in owners:
            first = store.first_event(originator_id)
            owners[originator_id] = bool(first) and names_patron(decode_state(mapper, first[1]))
        return owners[originator_id]

    changes: list[tuple[Any, bytes]] = []
    originators: set[str] = set()
    for key, originator_id, topic, stored in store.rows(topics) if topics else ():
        state = decode_state(mapper, stored)
        if not (names_patron(state) or belongs(originator_id)):
            continue
        redacted = redact_state(event_name(topic), state)
        if redacted is not None:
            changes.append((key, encode_state(mapper, redacted)))
            originators.add(originator_id)
    snapshots = store.rewrite(changes, originators) if changes else 0
    return {"events_redacted": len(changes), "snapshots_deleted": snapshots}


def store_redacted(app, patron_ids: Iterable[str]) -> bool:
    """Whether the store already holds these patrons' first events redacted.

    A workstation that sees another one's ``Patron.Erased`` waits for this before
    rebuilding its read models, so it never rebuilds from payloads not yet rewritten.
    """
    store = _store(app)
    for patron_id in patron_ids:
        first = store.first_event(str(patron_uuid(patron_id)))
        if first and redact_state(event_name(first[0]), decode_state(app.mapper, first[1])):
            return False
    return True


# -- copies of the store: backups, and stores a restore set aside ----------------
#: a store a restore moved aside: ``events.before-restore-….sqlite``, ``events.damaged-….sqlite``
SET_ASIDE_STORE = re.compile(r"^events\..+\.sqlite$")
#: read models set aside as damaged (``readmodels.damaged-….sqlite``): rebuildable, deleted
SET_ASIDE_READMODELS = re.compile(r"^readmodels(-[0-9a-f]+)?\..+\.sqlite$")


def store_copies(data_dir: Path | None, folders: Iterable[Path]) -> dict:
    """The copies of the store an erasure cleans, found by their Houselights names.

    ``stores``: backups in ``folders`` (and the data folder's own backup folder) and the
    stores a restore set aside in the data folder: their events are redacted.
    ``readmodels``: backups' read-model copies and set-aside read models: deleted
    (they are rebuilt from the events). ``missing``: backup folders that are not
    there (a USB stick not plugged in): nothing in them could be cleaned.
    """
    from infrastructure import backups

    folders = list(folders)
    if data_dir is not None:
        folders.append(Path(data_dir) / backups.BACKUP_FOLDER)
    stores: list[Path] = []
    readmodels: list[Path] = []
    missing: list[Path] = []
    seen: set[Path] = set()
    for folder in folders:
        folder = Path(folder).expanduser()
        if folder.resolve() in seen:
            continue
        seen.add(folder.resolve())
        if not folder.is_dir():
            if data_dir is None or folder != Path(data_dir) / backups.BACKUP_FOLDER:
                missing.append(folder)
            continue
        for path in sorted(folder.iterdir()):
            if not path.is_file():
                continue
            if backups.NAME.match(path.name):
                stores.append(path)
            elif path.name.startswith(backups.PREFIX) and path.name.endswith(
                backups.READMODELS_SUFFIX
            ):
                readmodels.append(path)
    if data_dir is not None and Path(data_dir).is_dir():
        for path in sorted(Path(data_dir).iterdir()):
            if path.is_file() and SET_ASIDE_STORE.match(path.name):
                stores.append(path)
            elif path.is_file() and SET_ASIDE_READMODELS.match(path.name):
                readmodels.append(path)
    return {"stores": stores, "readmodels": readmodels, "missing": missing}


def stored_contact_keys(store, mapper, patron_ids: Iterable[str]) -> set[str]:
    """Every email and phone the patron's records had in this store, as contact keys.

    A store a restore set aside may hold contact changes the live store never had.
    """
    pids = {str(patron_uuid(p)) for p in patron_ids}
    topics = [
        t for t in store.topics() if event_name(t) in ("Patron.Registered", "Patron.ContactChanged")
    ]
    keys: set[str] = set()
    for _key, originator_id, topic, stored in store.rows(topics) if topics else ():
        if originator_id in pids:
            state = decode_state(mapper, stored)
            if event_name(topic) == "Patron.ContactChanged":
                state = state.get("changes") or {}
            keys.update(contact_keys(state.get("email") or "", state.get("phone") or ""))
    return keys - set(contact_keys(ERASED, ERASED))


def _why_not(error: BaseException) -> str:
    if isinstance(error, sqlite3.Error):
        return f"it could not be rewritten ({error})"
    return (
        "its events cannot be read with this store's encryption key (it was made from "
        f"another store, or is damaged: {error})"
    )


def record_erasure_in_copy(path: Path, app, patron_ids: Iterable[str]) -> bool:
    """Record the erasure in the copy too (``Patron.Erased``, contact keys released),
    so a restored backup shows the patron as erased and their old email or phone
    matches nobody. Opens the copy as a Houselights store with the live store's
    settings (its key); False when none of the records is in the copy."""
    keep = ("CIPHER_TOPIC", "CIPHER_KEY", "COMPRESSOR_TOPIC")
    env = {key: value for key, value in app.env.items() if key in keep}
    env.update(
        PERSISTENCE_MODULE="eventsourcing.sqlite", SQLITE_DBNAME=str(path), SQLITE_LOCK_TIMEOUT="30"
    )
    copy = type(app)(env=env, context=app.context)
    recorded = False
    try:
        for patron_id in patron_ids:
            try:
                recorded = copy.record_erasure(patron_id) or recorded
            except HouselightsError:
                continue  # not in this copy (made before they were registered)
    finally:
        copy.close()
    return recorded


def redact_copy(path: Path, app, patron_ids: Iterable[str], known_keys: Iterable[str]) -> dict:
    """Record the erasure in a copy of the store, redact the same events, then compact
    it (no old bytes left) as one self-contained file.

    Uses the live store's mapper (its cipher: a backup has the store's key). Returns
    ``{"events_redacted": n}``, or ``{"error": reason}`` for a file that is damaged,
    not a Houselights store, or written with another key: that file is left as it was.
    """
    from infrastructure.store_check import check_events_file

    damage = check_events_file(path, full=True)
    if damage is not None:
        return {"error": damage.message}
    snapshots = app.snapshots.recorder.events_table_name if app.snapshots is not None else None
    try:
        with closing(sqlite3.connect(path, timeout=30, isolation_level=None)) as conn:
            store = _SQLiteFile(conn, app.recorder.events_table_name, snapshots)
            # Read first: this also finds a copy made with another key before it is written.
            known_keys = set(known_keys) | stored_contact_keys(store, app.mapper, patron_ids)
        recorded = record_erasure_in_copy(path, app, patron_ids)
        with closing(sqlite3.connect(path, timeout=30, isolation_level=None)) as conn:
            store = _SQLiteFile(conn, app.recorder.events_table_name, snapshots)
            done = redact_events(store, app.mapper, patron_ids, known_keys)
            compact_sqlite(conn)
            conn.execute("PRAGMA journal_mode=DELETE")  # one file, no -wal beside it
    except Exception as error:  # noqa: BLE001 - reported per file, the erasure goes on
        return {"error": _why_not(error)}
    return {"events_redacted": done["events_redacted"], "recorded": recorded}


@dataclass(frozen=True, slots=True)
class UncleanedCopy:
    """A copy of the store that still holds the patron's data, and why."""

    path: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"path": self.path, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class CopiesCleaned:
    """What an erasure did to the copies of the store: backups and set-aside stores
    rewritten, read-model copies deleted, and each copy it could not clean."""

    cleaned: tuple[str, ...]
    deleted: tuple[str, ...]
    not_cleaned: tuple[UncleanedCopy, ...]
    events_redacted: int
    seconds: float

    def to_json(self) -> dict[str, Any]:
        return {
            "cleaned": list(self.cleaned),
            "deleted": list(self.deleted),
            "not_cleaned": [item.to_json() for item in self.not_cleaned],
            "events_redacted": self.events_redacted,
            "seconds": self.seconds,
        }


@dataclass(frozen=True, slots=True)
class Erasure:
    """The result of erasing a patron: the records erased together (the survivor
    first), the stored events rewritten, the read models replayed, the copies."""

    patron_id: str
    records: tuple[str, ...]
    recorded: bool
    events_redacted: int
    snapshots_deleted: int
    events_replayed: int
    backups: CopiesCleaned
    seconds: float

    def to_json(self) -> dict[str, Any]:
        return {
            "patron_id": self.patron_id,
            "records": list(self.records),
            "recorded": self.recorded,
            "events_redacted": self.events_redacted,
            "snapshots_deleted": self.snapshots_deleted,
            "events_replayed": self.events_replayed,
            "backups": self.backups.to_json(),
            "seconds": self.seconds,
        }


def clean_store_copies(
    app,
    patron_ids: list[str],
    known_keys: Iterable[str],
    data_dir: Path | None,
    folders: Iterable[Path],
    progress: ProgressFn | None = None,
) -> CopiesCleaned:
    """Redact every backup and set-aside store reachable; delete read-model copies.

    Never raises for one file: what could not be cleaned is listed with the reason.
    """
    from projections.database import remove_database

    started = time.perf_counter()
    found = store_copies(data_dir, folders)
    known_keys = set(known_keys)
    cleaned: list[str] = []
    deleted: list[str] = []
    events_redacted = 0
    not_cleaned = [
        UncleanedCopy(
            str(folder),
            "the backup folder is not there (a USB stick or network folder "
            "not connected?); backups in it still hold the data",
        )
        for folder in found["missing"]
    ]
    total = len(found["stores"]) + len(found["readmodels"])
    for done, path in enumerate(found["readmodels"], start=1):
        try:
            remove_database(path)
            deleted.append(str(path))
        except OSError as error:
            not_cleaned.append(
                UncleanedCopy(str(path), f"it could not be deleted ({error.strerror})")
            )
        if progress is not None:
            progress(done, total)
    for done, path in enumerate(found["stores"], start=len(found["readmodels"]) + 1):
        outcome = redact_copy(path, app, patron_ids, known_keys)
        if "error" in outcome:
            not_cleaned.append(UncleanedCopy(str(path), outcome["error"]))
        else:
            cleaned.append(str(path))
            events_redacted += outcome["events_redacted"]
        if progress is not None:
            progress(done, total)
    return CopiesCleaned(
        cleaned=tuple(cleaned),
        deleted=tuple(deleted),
        not_cleaned=tuple(not_cleaned),
        events_redacted=events_redacted,
        seconds=round(time.perf_counter() - started, 3),
    )


def erase_patron(
    app,
    runner,
    patron_id: str,
    progress: ProgressFn | None = None,
    *,
    data_dir: Path | None = None,
    backup_folders: Iterable[Path] = (),
) -> Erasure:
    """Erase a patron's personal data from the event store, the read models and the copies.

    ``app`` is the Houselights service, ``runner`` this workstation's projection
    runner; ``progress(done, total)`` reports the read-model rebuild (the long part),
    then the copies, one file at a time. ``data_dir`` (its backup folder and the stores
    a restore set aside there) and ``backup_folders`` (the one chosen in the settings)
    say where copies of the store are; the result's ``backups`` lists what was cleaned
    and, in ``not_cleaned``, each file or folder that could not be, with the reason.
    """
    started = time.perf_counter()
    records = app.erasure_records(patron_id)  # the survivor first, then its merged records
    recorded = app.record_erasure(records[0])
    known_keys = app.known_contact_keys(records)  # before the rewrite: emails they had
    redacted = redact_stored_events(app, records, known_keys)
    _store(app).compact()
    replayed = runner.compact_after_erasure(progress=progress)
    backups = clean_store_copies(app, records, known_keys, data_dir, backup_folders, progress)
    return Erasure(
        patron_id=records[0],
        records=tuple(records),
        recorded=bool(recorded),
        events_redacted=redacted["events_redacted"],
        snapshots_deleted=redacted["snapshots_deleted"],
        events_replayed=replayed,
        backups=backups,
        seconds=round(time.perf_counter() - started, 3),
    )
