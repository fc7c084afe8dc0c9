"""Where Houselights keeps its data and which event store it uses.

The local default is one SQLite event store in the platform's user-data folder
(platformdirs). ``--data DIR`` or ``HOUSELIGHTS_DATA`` chooses another folder.
``--store postgresql://user@host/db`` or ``HOUSELIGHTS_STORE`` points the
workstation at a shared PostgreSQL store instead; read models always stay in a
local SQLite file in the data folder. Only settings change, never code.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from platformdirs import user_data_dir

APP_NAME = "Houselights"
EVENTS_FILE = "events.sqlite"


class StoreConfigError(ValueError):
    """A store setting that cannot be used; the message says how to fix it."""

    exit_status = 2


class DataFolderUnusable(StoreConfigError):
    exit_status = 4


class EncryptionKeyMissing(StoreConfigError):
    """An encrypted store whose settings or key are not on this computer."""

    exit_status = 4


@dataclass(frozen=True)
class StoreConfig:
    data_dir: Path
    store_url: str = ""  # "" = the local SQLite store

    @property
    def kind(self) -> str:
        return "postgresql" if self.store_url else "sqlite"

    @property
    def events_path(self) -> Path:
        return self.data_dir / EVENTS_FILE

    @property
    def readmodels_path(self) -> Path:
        if not self.store_url:
            return self.data_dir / "readmodels.sqlite"
        digest = hashlib.sha1(redacted(self.store_url).encode()).hexdigest()[:10]
        return self.data_dir / f"readmodels-{digest}.sqlite"

    @property
    def door_queue_path(self) -> Path:
        """Scans an offline door decided, waiting for this store (``door_queue``)."""
        if not self.store_url:
            return self.data_dir / "door-queue.sqlite"
        digest = hashlib.sha1(redacted(self.store_url).encode()).hexdigest()[:10]
        return self.data_dir / f"door-queue-{digest}.sqlite"

    def describe(self) -> str:
        return redacted(self.store_url) if self.store_url else str(self.events_path)

    @property
    def encrypted(self) -> bool:
        """Whether the events are encrypted at rest (chosen when the store was created)."""
        from infrastructure.encryption import read_settings

        return bool((read_settings(self.data_dir) or {}).get("encrypted"))

    def eventsourcing_env(self) -> dict[str, str]:
        if not self.store_url:
            env = {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": str(self.events_path),
                "SQLITE_LOCK_TIMEOUT": "30",
            }
        else:
            env = postgres_env(self.store_url)
        return {**env, **self.cipher_env()}

    def cipher_env(self) -> dict[str, str]:
        from infrastructure.encryption import EncryptionError, cipher_env

        try:
            return cipher_env(self.data_dir)
        except EncryptionError as error:
            raise EncryptionKeyMissing(str(error)) from None

    def store_is_empty(self) -> bool:
        """Whether the event store holds no events yet (or does not exist)."""
        if not self.store_url:
            if not self.events_path.exists():
                return True
            import sqlite3

            with sqlite3.connect(self.events_path) as conn:
                try:
                    return conn.execute("SELECT 1 FROM stored_events LIMIT 1").fetchone() is None
                except sqlite3.OperationalError:  # no table yet
                    return True
        from infrastructure.store_check import shared_events_head

        return shared_events_head(postgres_env(self.store_url)) in (None, 0)


def postgres_env(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    if parts.scheme not in ("postgresql", "postgres"):
        raise StoreConfigError(
            f"The shared store address must start with postgresql:// (got “{redacted(url)}”)."
        )
    dbname = unquote(parts.path.lstrip("/"))
    if not parts.hostname or not dbname:
        raise StoreConfigError(
            "The shared store address needs a server and a database name, "
            "for example postgresql://houselights@office-server/houselights."
        )
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": dbname,
        "POSTGRES_HOST": parts.hostname,
        "POSTGRES_PORT": str(parts.port or 5432),
        "POSTGRES_USER": unquote(parts.username or "houselights"),
        "POSTGRES_PASSWORD": unquote(parts.password or os.environ.get("PGPASSWORD", "")),
        "POSTGRES_CONNECT_TIMEOUT": "10",
        "POSTGRES_LOCK_TIMEOUT": "10",
    }


def redacted(url: str) -> str:
    """The store address without its password, safe to show and log."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url


def default_data_dir() -> Path:
    return Path(user_data_dir(APP_NAME, APP_NAME))


def _chosen(data_dir: str | os.PathLike | None, store: str | None) -> tuple[Path, str]:
    """(the data folder, the shared store's address or "") that ``resolve`` uses."""
    data = data_dir or os.environ.get("HOUSELIGHTS_DATA") or default_data_dir()
    url = store if store is not None else os.environ.get("HOUSELIGHTS_STORE", "")
    url = (url or "").strip()
    if url in ("sqlite", "local"):
        url = ""
    return Path(data).expanduser().resolve(), url


def existing_local_store(
    data_dir: str | os.PathLike | None = None, store: str | None = None
) -> StoreConfig | None:
    """What ``resolve`` will give when it names a store in a file on this computer that
    exists already; None otherwise. Creates and changes nothing (a command looks at its
    input before anything is created)."""
    path, url = _chosen(data_dir, store)
    if url or not path.is_dir():
        return None
    config = StoreConfig(data_dir=path, store_url="")
    return config if config.events_path.exists() else None


def resolve(
    data_dir: str | os.PathLike | None = None, store: str | None = None, encrypt: bool = False
) -> StoreConfig:
    """Command-line values win over environment variables, which win over defaults.

    ``encrypt=True`` (or ``HOUSELIGHTS_ENCRYPT=1``) turns encryption at rest on for a
    store being created; an existing store keeps what it was.
    """
    path, url = _chosen(data_dir, store)
    if url:
        postgres_env(url)  # validate early, with a readable message
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DataFolderUnusable(
            f"Houselights cannot create its data folder {path} "
            f"({error.strerror or error}). Choose a folder you can write with --data."
        ) from None
    from infrastructure.files import make_private

    make_private(path)
    config = StoreConfig(data_dir=path, store_url=url)
    if encrypt or os.environ.get("HOUSELIGHTS_ENCRYPT", "") in ("1", "yes", "true"):
        from infrastructure.encryption import EncryptionError, choose_encryption

        if not config.encrypted:
            try:
                choose_encryption(path, config.store_is_empty())
            except EncryptionError as error:
                raise StoreConfigError(str(error)) from None
    return config
