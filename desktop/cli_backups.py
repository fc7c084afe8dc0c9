"""The command line's backup commands, and its check of the store before opening it.

    houselights backup [DEST] [--with-read-models] [--json]
    houselights restore SRC [--yes] [--json]
    houselights backups [--json]          the backups in the backup folder
    houselights check [--json]            read every page of the store (read-only)

Kept out of cli.py so the commands stay together; cli.py calls
``add_commands(sub)`` and merges ``COMMANDS``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from domain.errors import HouselightsError
from infrastructure.config import StoreConfig, resolve


def configured_folder() -> str:
    """The backup folder chosen in the window (Qt's settings file); "" for the default."""
    try:
        from PySide6.QtCore import QSettings  # only on the backup paths: tools start fast
    except ImportError:  # pragma: no cover - PySide6 is a dependency
        return ""
    value = QSettings("Houselights", "Houselights").value("backups/folder", "")
    return value if isinstance(value, str) else ""


def backup_folders(config: StoreConfig) -> list[Path]:
    """Where backups are looked for: the chosen folder, and the data folder's own."""
    from infrastructure import backups

    folders = [backups.backup_folder(config, configured_folder()), backups.default_folder(config)]
    return list(dict.fromkeys(folders))


def check_before_opening(config: StoreConfig) -> None:
    """Raise ``DamagedStore`` (plain words + the restore command) before touching a
    damaged store, ``MissingStore`` or a ``StoreUnusable``; set a damaged read-model
    file aside and say so on stderr. Every page is read by the background check that
    ``_services`` starts (``backups.start_page_check``)."""
    from infrastructure import backups

    for notice in backups.check_before_opening(config, backup_folders(config)):
        print(f"houselights: {notice}", file=sys.stderr)


def explain_store_error(args, error: BaseException) -> HouselightsError:
    """After a database error: what is really wrong, as an error with its exit status."""
    from infrastructure import backups
    from infrastructure.store_check import ServerUnreachable, is_damage_error

    try:
        config = resolve(args.data, args.store)
        if config.kind != "sqlite":
            reason = unreachable_reason(error)
            if reason:
                return ServerUnreachable(config.describe(), reason)
        backups.check_before_opening(config, backup_folders(config), full=True)
    except HouselightsError as explained:
        return explained
    except Exception:  # noqa: BLE001 - the original error is reported instead
        pass
    text = str(error)
    if "MAC check" in text or (error.__cause__ and "MAC check" in str(error.__cause__)):
        from infrastructure.store_check import WrongKey

        return WrongKey(Path(args.data or "."))
    unusable = HouselightsError(
        f"the database could not be read ({text}). Nothing was changed. "
        "Run houselights check to see whether a file is damaged."
    )
    unusable.exit_status = 3 if is_damage_error(error) else 1  # type: ignore[attr-defined]
    return unusable


def unreachable_reason(error: BaseException) -> str | None:
    """The server's connection failure in a database error's chain, in short, or None."""
    seen = 0
    current: BaseException | None = error
    while current is not None and seen < 5:
        text = str(current).strip()
        lowered = text.lower()
        if any(
            words in lowered
            for words in (
                "connection",
                "could not connect",
                "timeout",
                "timed out",
                "refused",
                "resolve host",
            )
        ):
            return text.splitlines()[0][:160]
        current = current.__cause__ or current.__context__
        seen += 1
    return None


def read_only_message(error: PermissionError) -> str:
    where = f" {error.filename}" if error.filename else ""
    return (
        f"Houselights may not write{where} ({error.strerror or error}). The data is not "
        "damaged: fix the folder's permissions, or use a folder you can write (--data)."
    )


def log_unexpected(args, error: BaseException) -> str:
    """Write the traceback to the log file (never the screen); says where it went."""
    import logging

    from infrastructure.logs import configure_logging, log_path

    try:
        config = resolve(args.data, args.store)
        configure_logging(config.data_dir)
        logging.getLogger("houselights").error("Unexpected error", exc_info=error)
        return f"Details are in {log_path(config.data_dir)}."
    except Exception:  # noqa: BLE001 - a log that cannot be written is not another error
        return "Nothing more could be logged."


def sign_in_secret() -> dict:
    """The password of ``--as``: HOUSELIGHTS_PASSWORD, else asked on the terminal."""
    import os

    secret = os.environ.get("HOUSELIGHTS_PASSWORD")
    if secret is None and sys.stdin and sys.stdin.isatty():
        import getpass

        secret = getpass.getpass("Password (or door PIN): ")
    secret = secret or ""
    return {"password": secret, "pin": secret}


def authorize(args, config: StoreConfig, events_path: Path | None = None) -> None:
    """Check the permission the command needs (``args.permission``) in the service,
    for the person of ``--as`` (or nobody), on the store -- or on ``events_path`` (a
    copy of a backup, when the store itself is damaged or missing)."""
    permission = getattr(args, "permission", None)
    if permission is None:
        return
    from domain.application import Houselights

    env = config.eventsourcing_env()
    if events_path is not None:
        env = {**env, "SQLITE_DBNAME": str(events_path)}
    app = Houselights(env=env)
    try:
        if getattr(args, "as_staff", None):
            app.sign_in(args.as_staff, **sign_in_secret())
        app.reads.require(permission)
    finally:
        app.close()


def _authorize_restore(args, config: StoreConfig, source: Path, store_usable: bool) -> None:
    """A restore needs a manager. With the store damaged or missing its accounts cannot
    be read, so the manager is one of the backup's (checked on a copy: the backup
    itself is never opened for writing)."""
    if store_usable:
        authorize(args, config)
        return
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory(prefix="houselights-restore-check-") as folder:
        copy = Path(folder) / "events.sqlite"
        shutil.copyfile(source, copy)
        authorize(args, config, events_path=copy)


def add_commands(sub) -> None:
    backup = sub.add_parser(
        "backup", help="copy the event store to a backup file (safe while the app runs)"
    )
    backup.add_argument(
        "dest",
        nargs="?",
        default="",
        metavar="DEST",
        help="a folder (a dated file is made in it) or a file name; default: the backup folder",
    )
    backup.add_argument(
        "--with-read-models",
        action="store_true",
        help="also copy the read models (they can be rebuilt; this makes a restore open faster)",
    )
    backup.add_argument("--json", action="store_true")

    restore = sub.add_parser(
        "restore", help="put a backup in place of the event store (the current one is kept aside)"
    )
    restore.add_argument("src", metavar="SRC", help="the backup file")
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    restore.add_argument("--json", action="store_true")

    listing = sub.add_parser("backups", help="list the backups in the backup folder")
    listing.add_argument("--json", action="store_true")

    check = sub.add_parser("check", help="check every page of the store files (read-only)")
    check.add_argument("--json", action="store_true")


def _size(size: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024
    return ""  # pragma: no cover


def _progress(done: int, total: int) -> None:
    if sys.stderr.isatty():
        print(f"\rBacking up: {done * 100 // max(total, 1)} %", end="", file=sys.stderr, flush=True)


def cmd_backup(args) -> int:
    from infrastructure import backups

    config = resolve(args.data, args.store)
    if config.kind != "sqlite":
        raise backups.BackupError(backups.postgres_message(config))
    check_before_opening(config)  # damaged, missing or read-only: said plainly first
    authorize(args, config)
    destination = args.dest or backups.backup_folder(config, configured_folder())
    info = backups.backup(
        config, destination, include_readmodels=args.with_read_models, progress=_progress
    )
    if sys.stderr.isatty():
        print(file=sys.stderr)
    result = {
        "path": str(info.path),
        "events": info.events,
        "size": info.size,
        "read_models": str(info.readmodels) if info.readmodels else None,
        "created": info.created.isoformat(),
    }
    if args.json:
        print(json.dumps(result))
    else:
        extra = " with the read models" if info.readmodels else ""
        print(f"Backed up {result['events']:,} events{extra} to {info.path} ({_size(info.size)}).")
    return 0


def cmd_restore(args) -> int:
    from infrastructure import backups
    from infrastructure.store_check import check_events_file, count_events

    config = resolve(args.data, args.store)
    source = Path(args.src).expanduser()
    events = backups.verify_backup(source) if source.is_file() else None
    if events is None:
        raise backups.BackupError(f"There is no backup file at {source}.")
    damaged = config.events_path.exists() and check_events_file(config.events_path) is not None
    current = 0 if damaged or not config.events_path.exists() else count_events(config.events_path)
    _authorize_restore(args, config, source, config.events_path.exists() and not damaged)
    if not args.yes:
        what = "the damaged store" if damaged else f"the current store ({current:,} events)"
        question = (
            f"The backup {source.name} checks out: {events:,} events.\n"
            f"Put it in place of {what}? The current file is kept beside it, renamed, "
            "not deleted. [y/N] "
        )
        if not sys.stdin or not sys.stdin.isatty():
            print(
                f"houselights: {question.splitlines()[0]}\nhouselights: nothing was changed; "
                "add --yes to restore without being asked.",
                file=sys.stderr,
            )
            return 1
        if input(question).strip().lower() not in ("y", "yes"):
            print("Nothing was changed.")
            return 1
    result = backups.restore(config, source)
    out = {
        "events": result.events,
        "previous_events": result.previous_events,
        "moved_aside": [str(p) for p in result.moved_aside],
        "read_models_restored": result.readmodels_restored,
    }
    if args.json:
        print(json.dumps(out))
    else:
        print(f"Restored {result.events:,} events from {source}.")
        if result.moved_aside:
            print(f"The previous store is kept as {result.moved_aside[0]}.")
        if not result.readmodels_restored:
            print("The lists are rebuilt from the events the next time Houselights opens.")
    return 0


def cmd_backups(args) -> int:
    from infrastructure import backups

    config = resolve(args.data, args.store)
    if config.kind == "sqlite" and config.events_path.exists():
        authorize(args, config)  # damaged or missing: the files are all there is to ask
    found = sorted(
        (info for folder in backup_folders(config) for info in backups.list_backups(folder)),
        key=lambda info: info.created,
        reverse=True,
    )
    rows = [
        {
            "path": str(i.path),
            "created": i.created.isoformat(),
            "size": i.size,
            "events": i.events,
            "read_models": i.readmodels is not None,
        }
        for i in found
    ]
    if args.json:
        print(json.dumps(rows))
        return 0
    from desktop import formatting

    for info, row in zip(found, rows, strict=True):
        print(
            f"{formatting.moment(info.created):<27}  {row['events']:>10,} events  "
            f"{_size(info.size):>10}  {info.path}"
        )
    where = ", ".join(str(f) for f in backup_folders(config))
    print(f"{len(rows)} backups in {where}")
    return 0


def cmd_check(args) -> int:
    from infrastructure import backups
    from infrastructure.store_check import check_events_file, check_readmodels_file

    config = resolve(args.data, args.store)
    problems = {}
    if config.kind == "sqlite" and not config.events_path.exists():
        folders = backup_folders(config)
        signs = backups.signs_of_a_store(config, folders)
        if signs:
            missing = backups.Damage(config.events_path, "missing", "no such file")
            problems["events"] = str(
                backups.MissingStore(missing, signs, backups.latest_in(folders), folders, config)
            )
    if config.kind == "sqlite" and config.events_path.exists():
        damage = check_events_file(config.events_path, full=True)
        if damage is not None:
            latest = backups.latest_in(backup_folders(config))
            problems["events"] = str(
                backups.DamagedStore(damage, latest, backup_folders(config), config)
            )
    damage = check_readmodels_file(config.readmodels_path, full=True)
    if damage is not None:
        problems["read_models"] = (
            f"{damage.message} Run houselights rebuild, or just open Houselights: "
            "it sets the file aside and rebuilds it."
        )
    if args.json:
        print(json.dumps({"ok": not problems, "problems": problems}))
    elif problems:
        for text in problems.values():
            print(text)
    else:
        print("The store and the read models check out: every page reads back.")
    return 0 if not problems else 3


COMMANDS = {
    "backup": cmd_backup,
    "restore": cmd_restore,
    "backups": cmd_backups,
    "check": cmd_check,
}
