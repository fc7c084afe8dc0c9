"""An encrypted store's read models: held in memory, saved only encrypted (issue 19).

The read models of a plain store are a SQLite file beside it. For an encrypted
store they would be the one place where names and contact details sit in plain
text, so they never touch the disk unencrypted:

* while Houselights runs they live in an in-memory SQLite database, shared by the
  threads of this process (SQLite's ``memdb`` VFS with a ``/name``: each thread has
  its own connection, writers and readers take turns through SQLite's own locks);
* on disk there is only ``readmodels.encrypted`` (``readmodels-<store>.encrypted``
  for a shared store): the whole database, compressed and encrypted with AES-GCM
  under a key derived from the store's own key (HKDF-SHA256), so the store's key
  opens it and nothing else does. It is written atomically, owner-only, when
  Houselights closes, after a rebuild or an erasure, and at most once a minute while
  the read models change, so a door that loses its server (or a crash) starts from a
  recent copy and catches up from the events;
* the number of events it was built from is stored beside the ciphertext (it is
  authenticated, and it names no one): what shows that a store existed
  (``backups.readmodels_seen``) without the key.

A copy that does not decrypt (another key, damage) is set aside unread and the read
models are rebuilt from the events. A plain ``readmodels.sqlite`` left by an older
version is deleted when the encrypted store is opened.

SQLCipher would encrypt the file page by page instead, but its wheels (9 MB unpacked
on Linux for ``sqlcipher3-binary``, which has no Windows or macOS wheels; 21 MB for
``sqlcipher3-wheels``) do not fit the installer's limit (docs/guide/encryption.md).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import sqlite3
import struct
import threading
import time
import uuid
import zlib
from pathlib import Path

from sqlite_utils import Database

from projections.database import ReadModelFile, open_readmodels, remove_database

log = logging.getLogger(__name__)

MAGIC = b"HLRM\x01"
HEADER = struct.Struct(">5sQ")  # magic, events the read models were built from
NONCE_BYTES = 12
TAG_BYTES = 16
#: while read models change, their encrypted copy is written at most this often
SAVE_EVERY_SECONDS = 60.0


class ReadModelsUndecryptable(ValueError):
    """The encrypted copy is damaged or was written with another key."""


def encrypted_path(readmodels_path: Path) -> Path:
    """``readmodels.sqlite`` -> ``readmodels.encrypted`` (the same name for a store)."""
    return Path(readmodels_path).with_suffix(".encrypted")


def hkdf_sha256(key: bytes, info: bytes, length: int = 32) -> bytes:
    """HKDF (RFC 5869) with SHA-256 and no salt, from the standard library: the
    installer keeps only the native parts of pycryptodome that AES-GCM needs."""
    prk = hmac.new(b"\x00" * 32, key, hashlib.sha256).digest()
    out, block, counter = b"", b"", 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        out, counter = out + block, counter + 1
    return out[:length]


def _subkey(store_key: str) -> bytes:
    return hkdf_sha256(base64.b64decode(store_key), b"houselights read models")


def seal(data: bytes, position: int, store_key: str) -> bytes:
    """The encrypted form of a serialized database (``open_sealed`` reverses it)."""
    from Crypto.Cipher import AES

    header = HEADER.pack(MAGIC, position)
    nonce = os.urandom(NONCE_BYTES)
    cipher = AES.new(_subkey(store_key), AES.MODE_GCM, nonce=nonce)
    cipher.update(header)
    body, tag = cipher.encrypt_and_digest(zlib.compress(data, 1))
    return header + nonce + tag + body


def open_sealed(raw: bytes, store_key: str) -> bytes:
    from Crypto.Cipher import AES

    if len(raw) < HEADER.size + NONCE_BYTES + TAG_BYTES or not raw.startswith(MAGIC):
        raise ReadModelsUndecryptable("not an encrypted read-model file")
    header = raw[: HEADER.size]
    nonce = raw[HEADER.size : HEADER.size + NONCE_BYTES]
    tag = raw[HEADER.size + NONCE_BYTES : HEADER.size + NONCE_BYTES + TAG_BYTES]
    body = raw[HEADER.size + NONCE_BYTES + TAG_BYTES :]
    cipher = AES.new(_subkey(store_key), AES.MODE_GCM, nonce=nonce)
    cipher.update(header)
    try:
        return zlib.decompress(cipher.decrypt_and_verify(body, tag))
    except (ValueError, zlib.error) as error:
        raise ReadModelsUndecryptable(str(error)) from None


def sealed_position(path: Path) -> int:
    """How many events the encrypted copy was built from (0 if none or unreadable);
    no key needed."""
    try:
        with open(path, "rb") as file:
            head = file.read(HEADER.size)
    except OSError:
        return 0
    if len(head) < HEADER.size or not head.startswith(MAGIC):
        return 0
    return HEADER.unpack(head)[1]


class EncryptedReadModels(ReadModelFile):
    """The read models of an encrypted store (see the module's note)."""

    in_memory = True

    def __init__(
        self, readmodels_path: Path, store_key: str, save_every: float = SAVE_EVERY_SECONDS
    ) -> None:
        super().__init__(encrypted_path(readmodels_path))
        self.plain_path = Path(readmodels_path)
        self._key = store_key
        self.save_every = save_every
        self._uri = f"file:/houselights-readmodels-{uuid.uuid4().hex}?vfs=memdb"
        self._anchor: sqlite3.Connection | None = None
        self._lock = threading.RLock()
        self._saved_at = 0.0
        #: SQLite's data_version when the copy was last written (every write is made
        #: by another connection than the anchor, so any write changes it)
        self._saved_version: int | None = None

    # -- opening ----------------------------------------------------------------------
    def connect(self) -> Database:
        with self._lock:
            if self._anchor is None:
                self._anchor = self._load()
                self._saved_version = _data_version(self._anchor)
        return open_readmodels(self._uri, uri=True)

    def exists(self) -> bool:
        return self.path.exists()

    def _load(self) -> sqlite3.Connection:
        """The in-memory database, filled from the encrypted copy if there is one."""
        if self.plain_path.exists():  # left by an older version: plain text, gone
            log.warning(
                "Deleting the plain read-model file %s of an encrypted store", self.plain_path
            )
            remove_database(self.plain_path)
        anchor = sqlite3.connect(self._uri, uri=True, check_same_thread=False, isolation_level=None)
        if not self.path.exists():
            return anchor
        try:
            data = open_sealed(self.path.read_bytes(), self._key)
        except (OSError, ReadModelsUndecryptable) as error:
            aside = self.path.with_name(f"{self.path.name}.unreadable-{int(time.time())}")
            log.warning(
                "The read-model copy %s cannot be read (%s): set aside as %s, "
                "rebuilt from the events",
                self.path,
                error,
                aside.name,
            )
            os.replace(self.path, aside)
            return anchor
        loaded = sqlite3.connect(":memory:")
        try:
            loaded.deserialize(data)
            loaded.backup(anchor)
        finally:
            loaded.close()
        self._saved_at = time.monotonic()
        return anchor

    # -- saving -------------------------------------------------------------------------
    def changed(self, force: bool = False) -> None:
        if force or time.monotonic() - self._saved_at >= self.save_every:
            self.save()

    def save(self) -> None:
        """Write the encrypted copy now (atomically: the old one stays until it is done)."""
        with self._lock:
            anchor = self._anchor
            if anchor is None or _data_version(anchor) == self._saved_version:
                return  # nothing written since the copy was made
            anchor.execute("BEGIN")  # a read transaction: a consistent picture
            try:
                version = _data_version(anchor)
                try:
                    row = anchor.execute("SELECT max(position) FROM projection_positions")
                    position = int(row.fetchone()[0] or 0)
                except sqlite3.OperationalError:  # nothing built yet
                    position = 0
                data = anchor.serialize()
            finally:
                anchor.execute("COMMIT")
            sealed = seal(data, position, self._key)
            partial = self.path.with_name(self.path.name + ".partial")
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as file:
                file.write(sealed)
                file.flush()
                os.fsync(file.fileno())
            os.replace(partial, self.path)
            self._saved_at = time.monotonic()
            self._saved_version = version

    def close(self) -> None:
        with self._lock:
            self.save()
            if self._anchor is not None:
                self._anchor.close()
                self._anchor = None

    def remove(self) -> None:
        """Forget the encrypted copy (a restore: rebuilt from the restored events)."""
        self.path.unlink(missing_ok=True)


def _data_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA data_version").fetchone()[0])


def readmodel_storage(config) -> ReadModelFile:
    """Where ``config``'s read models live: encrypted in memory for an encrypted store."""
    key = config.cipher_env().get("CIPHER_KEY")
    if key:
        return EncryptedReadModels(config.readmodels_path, key)
    return ReadModelFile(config.readmodels_path)


def readmodels_present(config) -> bool:
    """Whether this workstation has read models of ``config``'s store (plain or sealed)."""
    return config.readmodels_path.exists() or encrypted_path(config.readmodels_path).exists()
