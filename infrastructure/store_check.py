"""Is this file a healthy Houselights database? Checked read-only, never written.

``check_events_file(path)`` and ``check_readmodels_file(path)`` open a file
read-only (SQLite's ``mode=ro``: nothing is ever written to the file being
checked) and return ``None`` when it is fine, or a ``Damage`` whose
``message`` says in plain words what is wrong.

Three depths (issue 19): the first look (the file's header, its table list, the
last event: instant at any size), the page check (``PRAGMA quick_check``: every
page of every table read once, run in the background after the window opens, by
the command line before a command that opens the store, and before every backup;
measured in docs/guide/backups.md) and the full check (``PRAGMA integrity_check``:
also every index against its table; run on every new backup copy before it
counts, before a backup is restored, and after the database reported an error).

``StoreHealth`` is the page check of an open store, run on a thread of its own:
every save waits for it and is refused, with the restore offer, when it found
damage, so the damaged file is never written to.

``check_writable`` and ``check_encryption`` say what else is wrong before anything
opens the store: a read-only data folder, an encrypted store without its settings
or key. Each has its own plain message and exit status; nothing is created or
emptied.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from domain.errors import HouselightsError
from infrastructure.files import file_writable, folder_writable

SQLITE_HEADER = b"SQLite format 3\x00"
#: the tables eventsourcing's SQLite recorder keeps events in
EVENT_TABLE = "stored_events"
EVENT_COLUMNS = {"originator_id", "originator_version", "topic", "state"}
#: below this size the start-up check reads every page too (about 0.1 s at most)
QUICK_FULL_CHECK_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Damage:
    """What is wrong with a database file, in words a box-office volunteer understands."""

    path: Path
    kind: str  # "missing", "not_sqlite", "malformed", "not_houselights", "unreadable"
    detail: str

    @property
    def message(self) -> str:
        name = self.path.name
        if self.kind == "missing":
            return f"The file {name} is not there."
        if self.kind == "not_sqlite":
            return (
                f"The file {name} is not a Houselights database any more: its contents "
                "were overwritten or it is another kind of file."
            )
        if self.kind == "not_houselights":
            return f"The file {name} is a database, but not one Houselights made ({self.detail})."
        if self.kind == "unreadable":
            return f"The file {name} cannot be opened ({self.detail})."
        return (
            f"The file {name} is damaged: parts of it cannot be read ({self.detail}). "
            "This happens when a disk fails, a computer loses power while writing, or "
            "the file was copied while in use."
        )


def open_read_only(path: str | Path) -> sqlite3.Connection:
    """A connection that can never write to ``path`` (nor create it)."""
    uri = "file:" + quote(str(Path(path).resolve())) + "?mode=ro"
    return sqlite3.connect(uri, uri=True, timeout=10, check_same_thread=False)


def _header(path: Path) -> bytes:
    with path.open("rb") as file:
        return file.read(len(SQLITE_HEADER))


def _integrity(conn: sqlite3.Connection, pragma: str = "integrity_check") -> str | None:
    """None when every page checks out, else SQLite's first complaint."""
    rows = conn.execute(f"PRAGMA {pragma}(5)").fetchall()
    problems = [row[0] for row in rows if row[0] != "ok"]
    return "; ".join(problems)[:300] if problems else None


def _tables(conn: sqlite3.Connection) -> dict[str, set[str]]:
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {name: {r[1] for r in conn.execute(f"PRAGMA table_info([{name}])")} for name in names}


def _check(path: Path, full: bool | str, events: bool) -> tuple[Damage | None, int]:
    """(damage or None, number of events) for a store (``events``) or read-model file.

    ``full``: False for the first look (a small file gets the page check too),
    "pages" for the page check (quick_check), True for the full integrity_check."""
    path = Path(path)
    if not path.exists():
        return Damage(path, "missing", "no such file"), 0
    try:
        if path.stat().st_size == 0:
            return None, 0  # a brand-new store: SQLite fills it on first use
        if _header(path) != SQLITE_HEADER:
            return Damage(path, "not_sqlite", "no SQLite header"), 0
    except OSError as error:
        return Damage(path, "unreadable", error.strerror or str(error)), 0
    if not full and path.stat().st_size <= QUICK_FULL_CHECK_BYTES:
        full = True
    pragma = "integrity_check" if full is True else "quick_check"
    try:
        with closing(open_read_only(path)) as conn:
            tables = _tables(conn)
            count = 0
            if events:
                if EVENT_TABLE not in tables:
                    return Damage(path, "not_houselights", "it has no recorded events"), 0
                if not tables[EVENT_TABLE] >= EVENT_COLUMNS:
                    return Damage(path, "not_houselights", "its events table is different"), 0
                row = conn.execute(f"SELECT max(rowid) FROM {EVENT_TABLE}").fetchone()
                count = row[0] or 0
                if count:  # the newest event can be read to its end
                    conn.execute(
                        f"SELECT length(state), topic FROM {EVENT_TABLE} WHERE rowid = ?", (count,)
                    ).fetchone()
            if full and (problem := _integrity(conn, pragma)):
                return Damage(path, "malformed", problem), count
            return None, count
    except sqlite3.DatabaseError as error:
        text = str(error)
        kind = "not_sqlite" if "not a database" in text else "malformed"
        if "unable to open" in text:
            kind = "unreadable"
        return Damage(path, kind, text), 0


def check_events_file(path: str | Path, full: bool | str = False) -> Damage | None:
    """None when ``path`` is a readable Houselights event store (read-only check);
    ``full="pages"`` reads every page (quick_check), ``full=True`` every index too."""
    return _check(Path(path), full, events=True)[0]


def count_events(path: str | Path) -> int:
    """How many events a store or backup holds (its newest event's number); 0 when
    unreadable. Cheap: one index lookup, no page check (lists call it per backup)."""
    try:
        with closing(open_read_only(path)) as conn:
            return conn.execute(f"SELECT max(rowid) FROM {EVENT_TABLE}").fetchone()[0] or 0
    except sqlite3.Error:
        return 0


def verify_events_file(path: str | Path) -> tuple[Damage | None, int]:
    """The full check of a backup before it is used: (damage or None, event count)."""
    return _check(Path(path), True, events=True)


def check_readmodels_file(path: str | Path, full: bool | str = False) -> Damage | None:
    """None when ``path`` is a readable SQLite file (or not there yet: it is rebuilt)."""
    path = Path(path)
    if not path.exists():
        return None
    return _check(path, full, events=False)[0]


def is_damage_error(error: BaseException | None) -> bool:
    """Whether a database error means a file is damaged (not merely busy or locked).

    eventsourcing wraps SQLite's errors in its own classes, so the message and
    the chain of causes are looked at, not only the class.
    """
    seen = 0
    while error is not None and seen < 5:
        text = str(error).lower()
        if "malformed" in text or "not a database" in text or "corrupt" in text:
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


# -- what else stops a store from being used (issue 19) ----------------------------------
class StoreUnusable(HouselightsError):
    """Why the store cannot be used, in plain words; ``exit_status`` for the command line."""

    exit_status = 4


class DataFolderReadOnly(StoreUnusable):
    def __init__(self, folder: Path, reason: str, what: str = "its data folder"):
        super().__init__(
            f"Houselights cannot write in {what} {folder} ({reason}). The data is not "
            "damaged: the folder is read-only, on a disk that is write-protected, or belongs "
            "to another user. Fix its permissions, or copy the folder somewhere you can write "
            "and start Houselights with --data pointing at the copy. Nothing was changed."
        )
        self.folder = folder


class EncryptionSettingsMissing(StoreUnusable):
    def __init__(self, folder: Path):
        super().__init__(
            f"The event store in {folder} is encrypted, but the folder has no "
            "encryption.json (the store was probably copied or restored without it). "
            "Copy encryption.json from the old data folder into this one, or give this "
            "folder the key: on a computer that opens the store run “houselights "
            "encryption export-key”, then here “houselights --data "
            f"{folder} encryption import-key”. Nothing was changed."
        )


class WrongKey(StoreUnusable):
    def __init__(self, folder: Path):
        super().__init__(
            f"The event store in {folder} is encrypted with a different key from the one "
            "this computer has for it. Import the right key (“houselights encryption "
            "import-key”, from a computer that opens the store). Nothing was changed."
        )


class ServerUnreachable(StoreUnusable):
    exit_status = 5

    def __init__(self, where: str, reason: str):
        super().__init__(
            f"Houselights cannot reach the shared store at {where} ({reason}). Check that "
            "the office server is on and this computer is on the office network, then try "
            "again. Nothing was changed."
        )


class SharedStoreEmptied(StoreUnusable):
    """A shared (PostgreSQL) store that answers with no events table, or with fewer
    events than this workstation's read models have already seen: dropped, emptied or
    replaced on the server. Never taken for a fresh start."""

    exit_status = 3

    def __init__(self, where: str, seen: int, found: int | None):
        now = (
            "has no events table at all"
            if found is None
            else f"holds only {found:,} event{'s' if found != 1 else ''}"
        )
        super().__init__(
            f"The shared store at {where} {now}, but this workstation has already seen "
            f"{seen:,} events from it. Its tables were dropped or emptied, or the address "
            "now points at another database. Houselights has not made a new, empty store "
            "and will not write to it. Ask whoever looks after the office server to "
            "restore the database from its backup (pg_dump) or to correct the address. "
            "Nothing was changed."
        )
        self.seen, self.found = seen, found


def shared_events_head(env: dict[str, str]) -> int | None:
    """The highest event number in a shared store (0 for an empty table), or None when
    it has no events table. Connection errors are raised (said by the caller)."""
    from infrastructure.shared_store import connect

    with connect(env, connect_timeout=10) as conn:
        # eventsourcing names the table after the application: houselights_events
        table = conn.execute("SELECT to_regclass('houselights_events')").fetchone()
        if table is None or table[0] is None:
            return None
        row = conn.execute("SELECT max(notification_id) FROM houselights_events").fetchone()
        return int(row[0] or 0) if row is not None else 0


def check_shared_store(where: str, env: dict[str, str], seen: int) -> None:
    """Raise ``SharedStoreEmptied`` when the shared store has fewer events than ``seen``
    (what this workstation's read models were built from). A server that does not
    answer is left to the opening that follows, which names the problem (a door then
    goes on from its own copy)."""
    if seen <= 0:
        return
    try:
        head = shared_events_head(env)
    except Exception:  # noqa: BLE001 - unreachable: said by the opening that follows
        return
    if head is None or head < seen:
        raise SharedStoreEmptied(where, seen, head)


def first_state(path: Path) -> bytes | None:
    """The stored payload of the first event (None for an empty or unreadable store)."""
    try:
        with closing(open_read_only(path)) as conn:
            row = conn.execute(f"SELECT state FROM {EVENT_TABLE} ORDER BY rowid LIMIT 1").fetchone()
    except sqlite3.Error:
        return None
    return bytes(row[0]) if row and row[0] is not None else None


def looks_encrypted(state: bytes) -> bool:
    """Plain events are stored as JSON (``{...}``); AES-GCM output is random bytes."""
    return state.lstrip()[:1] != b"{"


def check_writable(data_dir: Path, *files: Path | None) -> None:
    """Raise ``DataFolderReadOnly`` when the data folder, or one of ``files`` that
    exists, cannot be written (checked first: a store in a read-only folder cannot even
    be read by SQLite in WAL mode, which is not damage)."""
    reason = folder_writable(data_dir)
    if reason is not None:
        raise DataFolderReadOnly(data_dir, reason)
    for path in files:
        if path is not None and path.exists() and (reason := file_writable(path)):
            raise DataFolderReadOnly(path, reason, what="the file")


def check_encryption(data_dir: Path, events_path: Path | None, cipher_key: str | None) -> None:
    """Raise ``EncryptionSettingsMissing`` or ``WrongKey`` when the store's first event
    cannot be read with what this folder says (read-only: changes nothing)."""
    if events_path is None or not events_path.exists():
        return
    state = first_state(events_path)
    if state is None:
        return
    if cipher_key is None:
        if looks_encrypted(state):
            raise EncryptionSettingsMissing(data_dir)
        return
    from eventsourcing.cipher import AESCipher
    from eventsourcing.utils import Environment

    try:
        AESCipher(Environment(env={"CIPHER_KEY": cipher_key})).decrypt(state)
    except Exception:  # noqa: BLE001 - pycryptodome's "MAC check failed" and the like
        raise WrongKey(data_dir) from None


class StoreHealth:
    """The page check of an open store, on a thread of its own (issue 19).

    ``check_writable()`` is called before every save (``Store.health``): it waits
    for the check to finish and raises ``damaged(damage)`` when it found damage, so
    nothing is ever written into a damaged file. ``on_done(damage_or_None)`` is
    called on the checking thread when the check ends (the window shows the
    damaged-store dialog). ``seconds`` is how long the check took.
    """

    def __init__(
        self,
        path: Path,
        damaged: Callable[[Damage], Exception],
        on_done: Callable[[Damage | None], None] | None = None,
        start: bool = True,
    ) -> None:
        self.path = Path(path)
        self.damaged = damaged
        self.on_done = on_done
        self.damage: Damage | None = None
        self.seconds = 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="store-check", daemon=True)
        if start:
            self._thread.start()

    def _run(self) -> None:
        began = time.monotonic()
        try:
            self.damage = check_events_file(self.path, full="pages")
        except Exception as error:  # noqa: BLE001 - any failure to read is damage here
            self.damage = Damage(self.path, "unreadable", str(error))
        self.seconds = time.monotonic() - began
        self._done.set()
        if self.on_done is not None:
            self.on_done(self.damage)

    def wait(self, timeout: float | None = None) -> Damage | None:
        self._done.wait(timeout)
        return self.damage

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def check_writable(self) -> None:
        self._done.wait()
        if self.damage is not None:
            raise self.damaged(self.damage)
