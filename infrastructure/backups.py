"""Backups of the event store, and restoring one. No Qt: the window and the CLI share it.

* A backup is one SQLite file, ``houselights-YYYY-MM-DD-HHMMSS.sqlite``, copied
  with SQLite's online backup API while the app keeps running: the copy holds
  one read snapshot of the store from its first page to its last, so it is
  consistent even while another door is scanning. It is written under a
  temporary name and renamed when complete, so a cancelled or interrupted
  backup never leaves a half file that looks like a backup.
* Only the event store is needed: the read models (patron list, timelines,
  door) are rebuilt from the events. ``include_readmodels`` also copies them,
  as ``houselights-….readmodels.sqlite`` beside it, so a restore opens at once
  instead of rebuilding.
* ``restore`` checks the backup first (every page, and that it is a Houselights
  store), then moves the current store aside (never deletes it) and puts the
  backup in its place. It refuses while Houselights has the store open.
* A backup counts only once the copy itself passes SQLite's integrity_check
  (issue 19): the store is page-checked before it is copied, the copy is checked
  after, and a copy that fails is deleted and the backup reported as failed.
  Each checked backup is noted in ``verified.json`` in its folder.
* Rotation never removes the newest verified-good backups: the last three good
  ones, the newest good one of each of the last seven days and of each of the
  last five weeks stay, whatever ``keep`` says.
* For an encrypted store the read models are never copied into a backup (they
  hold names and contact details in plain text); they are rebuilt on restore.
* A PostgreSQL store is backed up with PostgreSQL's own tools (see README);
  ``backup`` says so instead of copying something else.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from domain.errors import HouselightsError
from domain.wording import counted
from infrastructure.config import StoreConfig, default_data_dir, postgres_env
from infrastructure.encrypted_readmodels import encrypted_path, sealed_position
from infrastructure.store_check import (
    Damage,
    check_events_file,
    check_readmodels_file,
    check_shared_store,
    count_events,
    open_read_only,
    verify_events_file,
)
from projections.database import remove_database

PREFIX = "houselights-"
SUFFIX = ".sqlite"
READMODELS_SUFFIX = ".readmodels.sqlite"
STAMP = "%Y-%m-%d-%H%M%S"
NAME = re.compile(r"^houselights-(\d{4}-\d{2}-\d{2}-\d{6})(?:-(\d+))?\.sqlite$")
DEFAULT_KEEP = 10
BACKUP_FOLDER = "backups"
VERIFIED_FILE = "verified.json"
#: rotation keeps at least this many of the newest verified-good backups...
KEEP_GOOD = 3
#: ... and the newest good one of each of the last days and weeks
KEEP_DAYS = 7
KEEP_WEEKS = 5

#: ``progress(done, total)`` in pages; ``cancelled()`` is asked between steps
Progress = Callable[[int, int], None]
CancelCheck = Callable[[], bool]


class BackupError(HouselightsError):
    """A backup or restore that cannot be done; the message says why and what to do."""


class BackupCancelled(BackupError):
    def __init__(self) -> None:
        super().__init__("The backup was cancelled; nothing was written.")


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created: datetime  # local time, from the file's name
    size: int  # bytes, read models included
    readmodels: Path | None = None

    @property
    def events(self) -> int:
        return count_events(self.path)


@dataclass(frozen=True)
class RestoreResult:
    events: int
    previous_events: int
    moved_aside: list[Path]
    readmodels_restored: bool


def default_folder(config: StoreConfig) -> Path:
    return config.data_dir / BACKUP_FOLDER


def backup_folder(config: StoreConfig, setting: str = "") -> Path:
    """The folder set by the user (a USB stick, a synced folder), else the data folder's."""
    return Path(setting).expanduser() if setting.strip() else default_folder(config)


def backup_name(moment: datetime) -> str:
    return f"{PREFIX}{moment:{STAMP}}{SUFFIX}"


def readmodels_path(backup: Path) -> Path:
    return backup.with_name(backup.name[: -len(SUFFIX)] + READMODELS_SUFFIX)


def postgres_message(config: StoreConfig) -> str:
    return (
        "This workstation uses the shared PostgreSQL store "
        f"({config.describe()}). Back it up on the server with PostgreSQL's own tools, "
        "for example: pg_dump --format=custom --file=houselights.dump houselights "
        "(see “Backups and restore” in the README). Houselights does not copy it itself."
    )


# -- copying ---------------------------------------------------------------------
def copy_database(
    source: Path,
    target: Path,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
    steps: int = 100,
) -> None:
    """Copy a live SQLite database to ``target`` (a new file) with the online backup API.

    The source is opened read-only and one read transaction is held for the
    whole copy, so every page comes from the same moment even while others
    write (WAL mode). ``target`` appears only when complete.
    """
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        with closing(open_read_only(source)) as src, closing(sqlite3.connect(partial)) as dst:
            src.execute("BEGIN")
            total = src.execute("PRAGMA page_count").fetchone()[0]  # starts the snapshot
            pages = max(16, total // max(1, steps))

            def step(_status: int, remaining: int, count: int) -> None:
                if progress is not None:
                    progress(count - remaining, count)
                if cancelled is not None and cancelled():
                    raise BackupCancelled()

            src.backup(dst, pages=pages, progress=step)
            src.execute("ROLLBACK")
            # One self-contained file: no -wal beside it to lose on the way to a USB stick.
            dst.execute("PRAGMA journal_mode=DELETE")
            dst.commit()
        with partial.open("rb+") as file:
            os.fsync(file.fileno())
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _unique(folder: Path, moment: datetime) -> Path:
    path = folder / backup_name(moment)
    n = 1
    while path.exists():
        path = folder / f"{PREFIX}{moment:{STAMP}}-{n}{SUFFIX}"
        n += 1
    return path


def backup(
    config: StoreConfig,
    destination: str | Path | None = None,
    *,
    include_readmodels: bool = False,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
    now: datetime | None = None,
) -> BackupInfo:
    """Back up the event store to ``destination`` (a folder, or a file name).

    Raises ``BackupError`` for a PostgreSQL store, a store that is not there,
    or a destination that cannot be written; ``BackupCancelled`` when cancelled.
    """
    if config.kind != "sqlite":
        raise BackupError(postgres_message(config))
    source = config.events_path
    if not source.exists():
        raise BackupError(f"There is no event store to back up at {source}.")
    moment = now or datetime.now()
    destination = Path(destination) if destination else default_folder(config)
    destination = destination.expanduser()
    if destination.is_dir() or not destination.suffix:
        folder, target = destination, None
    else:
        folder, target = destination.parent, destination
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BackupError(
            f"Cannot create the backup folder {folder}: {error.strerror or error}. "
            "Is the USB stick or network folder connected?"
        ) from None
    if target is None:
        target = _unique(folder, moment)
    elif target.exists():
        raise BackupError(f"{target} already exists; choose a new name or a folder.")
    if target.resolve() == source.resolve():
        raise BackupError("A backup cannot be written over the store it copies.")
    if include_readmodels and config.encrypted:
        raise BackupError(
            "This store is encrypted; its read models hold names and contact details in "
            "plain text, so they are not copied into backups. Back up without "
            "--with-read-models: they are rebuilt from the events after a restore."
        )
    # A damaged store is never copied: its backup would be damaged too, and rotation
    # would then remove the good ones.
    damage = check_events_file(source, full="pages")
    if damage is not None:
        raise BackupError(
            f"{damage.message} A backup of it would be damaged too; nothing was written. "
            "Run houselights check, and restore the latest good backup."
        )
    with_readmodels = include_readmodels and config.readmodels_path.exists()
    events_share = 0.8 if with_readmodels else 1.0

    def events_progress(done: int, total: int) -> None:
        if progress is not None:
            progress(int(done * 1000 * events_share / max(total, 1)), 1000)

    def readmodels_progress(done: int, total: int) -> None:
        if progress is not None:
            progress(800 + int(done * 200 / max(total, 1)), 1000)

    try:
        copy_database(source, target, events_progress, cancelled)
        extra = None
        if with_readmodels:
            extra = readmodels_path(target)
            try:
                copy_database(config.readmodels_path, extra, readmodels_progress, cancelled)
            except BaseException:
                target.unlink(missing_ok=True)
                raise
    except OSError as error:
        raise BackupError(
            f"The backup could not be written to {folder}: {error.strerror or error}. "
            "Is there room on the disk, and is the folder connected?"
        ) from None
    except sqlite3.DatabaseError as error:
        raise BackupError(
            f"The event store could not be read for the backup ({error}). Nothing was changed."
        ) from None
    # The copy counts only once it reads back whole, every page and index.
    copy_damage, _count = verify_events_file(target)
    if copy_damage is not None:
        for path in (target, extra):
            if path is not None:
                path.unlink(missing_ok=True)
        note_verified(folder, target.name, False)
        raise BackupError(
            f"The backup copy did not check out ({copy_damage.detail}), so it was deleted "
            "and does not count. The store itself may be damaged: run houselights check."
        )
    note_verified(folder, target.name, True)
    size = target.stat().st_size + (extra.stat().st_size if extra else 0)
    return BackupInfo(target, moment.replace(microsecond=0), size, extra)


# -- which backups were checked ------------------------------------------------------------
def _verified_path(folder: Path) -> Path:
    return Path(folder) / VERIFIED_FILE


def verified(folder: str | Path) -> dict[str, bool]:
    """Backup file name -> whether its copy passed integrity_check (as noted)."""
    import json

    try:
        data = json.loads(_verified_path(Path(folder)).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): bool(v) for k, v in data.items()} if isinstance(data, dict) else {}


def note_verified(folder: str | Path, name: str, good: bool) -> None:
    """Note the result of a backup's check (kept for files still there)."""
    import json

    folder = Path(folder)
    notes = verified(folder)
    notes[name] = good
    notes = {k: v for k, v in notes.items() if (folder / k).exists() or k == name}
    partial = _verified_path(folder).with_suffix(".partial")
    with contextlib.suppress(OSError):
        partial.write_text(json.dumps(notes, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(partial, _verified_path(folder))


def is_good(info: BackupInfo, check_unknown: bool = True) -> bool:
    """Whether a backup is verified good; one never checked is checked now (and noted)."""
    noted = verified(info.path.parent).get(info.path.name)
    if noted is not None or not check_unknown:
        return bool(noted)
    good = verify_events_file(info.path)[0] is None
    note_verified(info.path.parent, info.path.name, good)
    return good


# -- the rotating set ---------------------------------------------------------------
def list_backups(folder: str | Path) -> list[BackupInfo]:
    """Houselights backups in ``folder``, newest first (other files are ignored)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = NAME.match(path.name)
        if not match or not path.is_file():
            continue
        created = datetime.strptime(match.group(1), STAMP)
        beside = readmodels_path(path)
        extra = beside if beside.is_file() else None
        size = path.stat().st_size + (extra.stat().st_size if extra else 0)
        found.append((created, int(match.group(2) or 0), BackupInfo(path, created, size, extra)))
    found.sort(key=lambda item: item[:2], reverse=True)
    return [info for *_, info in found]


def latest_backup(folder: str | Path) -> BackupInfo | None:
    backups = list_backups(folder)
    return backups[0] if backups else None


def protected(
    backups: list[BackupInfo], good: dict[str, bool], now: datetime | None = None
) -> set[Path]:
    """The backups rotation never removes: the newest ``KEEP_GOOD`` verified-good ones,
    and the newest good one of each of the last ``KEEP_DAYS`` days and ``KEEP_WEEKS`` weeks."""
    now = now or datetime.now()
    kept: set[Path] = set()
    days: set = set()
    weeks: set = set()
    for info in backups:  # newest first
        if not good.get(info.path.name):
            continue
        if len([p for p in kept if good.get(p.name)]) < KEEP_GOOD:
            kept.add(info.path)
        day = info.created.date()
        if (now.date() - day).days < KEEP_DAYS and day not in days:
            days.add(day)
            kept.add(info.path)
        week = day.isocalendar()[:2]
        if (now.date() - day).days < KEEP_WEEKS * 7 and week not in weeks:
            weeks.add(week)
            kept.add(info.path)
    return kept


def rotate(folder: str | Path, keep: int, now: datetime | None = None) -> list[Path]:
    """Delete the oldest backups beyond the newest ``keep``, except the protected good
    ones (``protected``); only Houselights' own files."""
    found = list_backups(folder)
    keep_these = protected(found, verified(folder), now)
    removed = []
    for info in found[max(1, keep) :]:
        if info.path in keep_these:
            continue
        for path in (info.path, info.readmodels):
            if path is not None:
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed


def backup_due(folder: str | Path, now: datetime | None = None, every=timedelta(days=1)) -> bool:
    """Whether the newest backup is older than ``every`` (or there is none)."""
    latest = latest_backup(folder)
    return latest is None or (now or datetime.now()) - latest.created >= every


def automatic_backup(
    config: StoreConfig,
    folder: str | Path,
    keep: int,
    *,
    include_readmodels: bool = False,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
    now: datetime | None = None,
) -> BackupInfo | None:
    """A backup into the rotating set, then the oldest beyond ``keep`` go. None on PostgreSQL."""
    if config.kind != "sqlite" or not config.events_path.exists():
        return None
    info = backup(
        config,
        folder,
        include_readmodels=include_readmodels,
        progress=progress,
        cancelled=cancelled,
        now=now,
    )
    rotate(folder, keep)
    return info


# -- restoring -------------------------------------------------------------------------
def store_in_use(path: Path) -> bool:
    """Whether another program (Houselights on this computer) has the database open.

    Asks SQLite for an exclusive lock without waiting; an open Houselights holds
    a shared lock on the store's WAL index the whole time it runs.
    """
    if not path.exists():
        return False
    conn = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as error:
        return "locked" in str(error) or "busy" in str(error)
    except sqlite3.DatabaseError:
        return False  # a damaged file: nobody can be using it
    finally:
        conn.close()


def verify_backup(path: str | Path) -> int:
    """Check a backup before it is used; its number of events, or ``BackupError``."""
    path = Path(path)
    damage, events = verify_events_file(path)
    if damage is not None:
        raise BackupError(f"This backup cannot be used. {damage.message}")
    return events


def _aside(path: Path, label: str, moment: datetime) -> Path:
    stem = path.name[: -len(path.suffix)] if path.suffix else path.name
    target = path.with_name(f"{stem}.{label}-{moment:{STAMP}}{path.suffix}")
    n = 1
    while target.exists():
        target = path.with_name(f"{stem}.{label}-{moment:{STAMP}}-{n}{path.suffix}")
        n += 1
    return target


def move_aside(path: Path, label: str, now: datetime | None = None) -> list[Path]:
    """Rename a database and its -wal/-shm companions out of the way (nothing is deleted)."""
    moment = now or datetime.now()
    moved = []
    if path.exists():
        target = _aside(path, label, moment)
        os.replace(path, target)
        moved.append(target)
        for companion in ("-wal", "-shm", "-journal"):
            extra = path.with_name(path.name + companion)
            if extra.exists():
                os.replace(extra, target.with_name(target.name + companion))
                moved.append(target.with_name(target.name + companion))
    return moved


def restore(
    config: StoreConfig,
    source: str | Path,
    *,
    label: str = "before-restore",
    check_in_use: bool = True,
    now: datetime | None = None,
) -> RestoreResult:
    """Put the backup ``source`` in place of the store. Call only after the user confirmed.

    The current store is renamed, e.g.
    ``events.before-restore-2026-11-23-101500.sqlite``, not deleted (a damaged
    one ``events.damaged-…``). The current read models are deleted: they were
    built from the old events. Read models that came with the backup are used
    when they check out; otherwise they are rebuilt from the restored events
    when Houselights next opens.
    """
    if config.kind != "sqlite":
        raise BackupError(
            "This workstation uses the shared PostgreSQL store; restore it on the server "
            "with pg_restore (see “Backups and restore” in the README)."
        )
    source = Path(source).expanduser()
    if not source.is_file():
        raise BackupError(f"There is no backup file at {source}.")
    if source.resolve() == config.events_path.resolve():
        raise BackupError("That is the store itself, not a backup of it.")
    events = verify_backup(source)
    # A damaged store is only ever looked at read-only: even asking for a lock
    # could make SQLite write to it.
    damaged = config.events_path.exists() and check_events_file(config.events_path) is not None
    if damaged:
        label = "damaged"
    in_use = [config.readmodels_path] if damaged else [config.events_path, config.readmodels_path]
    if check_in_use and any(store_in_use(path) for path in in_use):
        raise BackupError(
            "Houselights is open on this computer. Close it first, then restore; "
            "or restore from the window (File → Backups…)."
        )
    previous = count_events(config.events_path) if not damaged else 0
    moment = now or datetime.now()
    staged = config.events_path.with_name(config.events_path.name + ".restoring")
    staged.unlink(missing_ok=True)
    shutil.copyfile(source, staged)  # the backup itself stays untouched where it is
    with staged.open("rb+") as file:
        os.fsync(file.fileno())
    moved = move_aside(config.events_path, label, moment)
    remove_database(config.readmodels_path)  # built from the old events: rebuilt
    encrypted_path(config.readmodels_path).unlink(missing_ok=True)  # (an encrypted store's)
    os.replace(staged, config.events_path)
    restored_readmodels = False
    extra = readmodels_path(source)
    plain_allowed = not config.encrypted  # an encrypted store keeps no plain read models
    if plain_allowed and extra.is_file() and check_readmodels_file(extra, full=True) is None:
        shutil.copyfile(extra, config.readmodels_path)
        restored_readmodels = True
    return RestoreResult(events, previous, moved, restored_readmodels)


def _quoted(text: str) -> str:
    return f'"{text}"' if " " in text else text


def restore_command(backup: Path, config: StoreConfig | None = None) -> str:
    """The command a person types to restore ``backup`` (shown in messages)."""
    data = ""
    if config is not None and config.data_dir != default_data_dir().resolve():
        data = f"--data {_quoted(str(config.data_dir))} "
    return f"houselights {data}restore {_quoted(str(backup))}"


def set_damaged_readmodels_aside(config: StoreConfig, now: datetime | None = None) -> Path | None:
    """A damaged read-model file is moved aside and rebuilt; returns where it went."""
    with contextlib.suppress(FileNotFoundError):
        moved = move_aside(config.readmodels_path, "damaged", now)
        return moved[0] if moved else None
    return None


class DamagedStore(BackupError):
    """The event store file is damaged; the message offers the latest good backup."""

    exit_status = 3

    def __init__(
        self,
        damage: Damage,
        latest: BackupInfo | None,
        folders: list[Path],
        config: StoreConfig | None = None,
    ):
        self.damage, self.latest, self.folders = damage, latest, folders
        text = f"{damage.message} Houselights has not changed it and will not write to it."
        if latest is not None:
            text += (
                f" The latest backup is from {latest.created:%d %b %Y %H:%M}. "
                f"To put it in place (the damaged file is kept aside): "
                f"{restore_command(latest.path, config)}"
            )
        else:
            where = " or ".join(str(folder) for folder in folders)
            text += (
                f" There is no backup in {where}. If you keep backups elsewhere (a USB stick), "
                "restore one with: houselights restore FILE"
            )
        super().__init__(text)


def latest_in(folders: list[Path]) -> BackupInfo | None:
    """The newest backup that checks out, in any of ``folders`` (a damaged one is never
    offered: one not checked before is checked now, newest first)."""
    found = [info for folder in folders for info in list_backups(folder)]
    for info in sorted(found, key=lambda info: info.created, reverse=True):
        if is_good(info):
            return info
    return None


class MissingStore(DamagedStore):
    """The event store file is gone, but the data folder shows there was one."""

    def __init__(
        self,
        damage: Damage,
        evidence: list[str],
        latest: BackupInfo | None,
        folders: list[Path],
        config: StoreConfig | None = None,
    ):
        super().__init__(damage, latest, folders, config)
        self.evidence = evidence
        text = (
            f"The event store {damage.path} is not there, but this data folder shows there "
            f"was one ({'; '.join(evidence)}). Houselights has not made a new, empty store "
            "and has changed nothing. If you moved the data folder, start Houselights with "
            "--data pointing at it."
        )
        if latest is not None:
            text += (
                f" The latest backup is from {latest.created:%d %b %Y %H:%M}; to put it in "
                f"place: {restore_command(latest.path, config)}"
            )
        else:
            text += " There is no backup in " + " or ".join(str(f) for f in folders) + "."
        self.args = (text,)

    def __str__(self) -> str:
        return self.args[0]


def signs_of_a_store(config: StoreConfig, folders: list[Path]) -> list[str]:
    """What shows that this data folder had an event store (the store itself missing):
    read models built from events, backups, copies set aside by a restore. (Encryption
    settings alone are not a sign: ``--encrypt`` writes them before the store exists.)"""
    signs = []
    positions = readmodels_seen(config)
    if positions:
        signs.append(f"the read models were built from {positions:,} events")
    count = sum(len(list_backups(folder)) for folder in folders)
    if count:
        signs.append(f"{counted(count, 'backup', 'backups')} of it")
    aside = [p for p in config.data_dir.glob("events.*.sqlite") if p.is_file()]
    if aside:
        signs.append(f"earlier copies set aside, e.g. {aside[0].name}")
    return signs


def readmodels_seen(config: StoreConfig) -> int:
    """How many of the store's events this workstation's read models were built from
    (0 when there are none)."""
    path = config.readmodels_path
    if path.exists() and path.stat().st_size > 0:
        return _read_model_position(path)
    return sealed_position(encrypted_path(path))


def _read_model_position(path: Path) -> int:
    try:
        with closing(open_read_only(path)) as conn:
            row = conn.execute("SELECT max(position) FROM projection_positions").fetchone()
    except sqlite3.Error:
        return 0
    return int(row[0] or 0) if row else 0


def check_before_opening(
    config: StoreConfig, folders: list[Path], full: bool | str = False
) -> list[str]:
    """Look at the store files before Houselights opens them (read-only).

    Raises ``DamagedStore`` for a damaged event store, ``MissingStore`` for one that is
    gone when the folder shows it existed, ``StoreUnusable`` for a read-only folder or
    an encrypted store without its settings or key. ``full``: see ``store_check``.
    A damaged read-model file
    is moved aside (it is rebuilt from the events); the returned notices say so.
    """
    from infrastructure.store_check import check_encryption, check_writable

    sqlite = config.kind == "sqlite"
    check_writable(config.data_dir, config.events_path if sqlite else None, config.readmodels_path)
    key = config.cipher_env().get("CIPHER_KEY")
    if not sqlite:
        damage = None
        # No page check has a meaning on a server; a dropped or emptied store is caught.
        check_shared_store(
            config.describe(), postgres_env(config.store_url), readmodels_seen(config)
        )
    else:
        damage = check_events_file(config.events_path, full=full)
        if damage is not None and damage.kind == "missing":
            signs = signs_of_a_store(config, folders)
            if signs:
                raise MissingStore(damage, signs, latest_in(folders), folders, config)
            damage = None  # a first start: the store is created
        if damage is None:
            check_encryption(config.data_dir, config.events_path, key)
    if damage is not None:
        raise DamagedStore(damage, latest_in(folders), folders, config)
    notices = []
    if key and config.readmodels_path.exists():
        # An encrypted store keeps its read models encrypted (``encrypted_readmodels``): a
        # plain file left by an older version is deleted, never checked or set aside.
        remove_database(config.readmodels_path)
    readmodels_damage = check_readmodels_file(config.readmodels_path, full=full)
    if readmodels_damage is not None:
        set_damaged_readmodels_aside(config)
        notices.append(
            f"{readmodels_damage.message} It only held the lists built from your events, "
            "so it was set aside and is being rebuilt; nothing recorded is lost."
        )
    return notices


def begin_page_check(config: StoreConfig, folders: list[Path], on_done=None):
    """Start the background page check of an SQLite store's file (issue 19), read-only;
    ``start_page_check`` makes an open store's saves wait for it. Returns the
    ``StoreHealth`` (None for PostgreSQL, or when there is no file yet)."""
    from infrastructure.store_check import StoreHealth

    if config.kind != "sqlite" or not config.events_path.exists():
        return None

    def damaged(damage: Damage) -> DamagedStore:
        return damaged_store(config, folders, damage)

    return StoreHealth(config.events_path, damaged, on_done)


def damaged_store(config: StoreConfig, folders: list[Path], damage: Damage) -> DamagedStore:
    """What a save into a store its page check found damaged raises: the damage in
    plain words, with the latest backup to restore."""
    return DamagedStore(damage, latest_in(folders), folders, config)


def start_page_check(services, folders: list[Path], on_done=None, begun=None):
    """Make every save of an open SQLite store wait for its background page check: a
    damaged store refuses every write with the restore offer (``DamagedStore``).
    ``begun``: the check ``begin_page_check`` started for it before it was opened
    (a command's first steps take a while; a big store's check too); otherwise one is
    started now. Returns the ``StoreHealth`` (None for PostgreSQL)."""
    config = services.config
    same = begun is not None and begun.path == config.events_path and on_done is None
    health = begun if same else begin_page_check(config, folders, on_done)
    if health is None:
        return None
    services.app.store.health = health
    services.health = health
    return health


def backup_work(
    progress, config: StoreConfig, folder: Path, keep: int, include_readmodels: bool = False
) -> BackupInfo | None:
    """``Back up now`` and the daily backup, on the background thread pool.

    ``progress`` is desktop.background's Progress (update, cancelled); nothing Qt here.
    """

    def report(done: int, total: int) -> None:
        progress.update(done, total, "")

    return automatic_backup(
        config,
        folder,
        keep,
        include_readmodels=include_readmodels,
        progress=report,
        cancelled=lambda: progress.cancelled,
    )
