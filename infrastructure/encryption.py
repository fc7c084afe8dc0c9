"""Encryption at rest (issue 9): the event store's payloads encrypted with AES-GCM.

A store is encrypted or not from the day it is created (``--encrypt`` on a new
store); an existing store keeps what it was. eventsourcing encrypts every stored
event with ``eventsourcing.cipher:AESCipher`` (``CIPHER_TOPIC`` / ``CIPHER_KEY``,
pycryptodome). The data folder's ``encryption.json`` says whether the store is
encrypted and names its key; the key itself lives in the operating system's
keyring (Windows Credential Locker, macOS Keychain, the Secret Service on Linux).
On a computer without a usable keyring (a server, CI) it falls back, with a
logged warning, to ``encryption.key`` in the data folder, readable by the owner
only (0600) -- which protects far less, since the key then sits beside the data.

The read models are a local cache of the events and are not encrypted: they are
created readable by their owner only (``infrastructure/files.py``) and never copied
into a backup of an encrypted store; protect the data folder with the operating
system's disk encryption as well (docs/guide/encryption.md).
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from pathlib import Path

log = logging.getLogger(__name__)

SETTINGS_FILE = "encryption.json"
KEY_FILE = "encryption.key"
KEYRING_SERVICE = "Houselights event store"
CIPHER_TOPIC = "eventsourcing.cipher:AESCipher"


class EncryptionError(ValueError):
    """The message says in plain words what to do."""


def settings_path(data_dir: Path) -> Path:
    return Path(data_dir) / SETTINGS_FILE


def read_settings(data_dir: Path) -> dict | None:
    path = settings_path(data_dir)
    if not path.exists():
        return None
    try:
        settings = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise EncryptionError(
            f"The encryption settings {path} cannot be read ({error}). Copy encryption.json "
            "from a backup of the data folder, or from another workstation."
        ) from None
    if not isinstance(settings, dict):
        raise EncryptionError(f"The encryption settings {path} are not Houselights' own.")
    return settings


def write_settings(data_dir: Path, settings: dict) -> None:
    settings_path(data_dir).write_text(json.dumps(settings, indent=2), encoding="utf-8")


def new_key() -> str:
    from eventsourcing.cipher import AESCipher

    return AESCipher.create_key(32)


def check_key(key: str) -> str:
    """A key pasted in by hand: 32 bytes in base64, or a clear message."""
    import base64
    import binascii

    key = (key or "").strip()
    try:
        if len(base64.b64decode(key, validate=True)) in (16, 24, 32):
            return key
    except (binascii.Error, ValueError):
        pass
    raise EncryptionError(
        "That is not an encryption key from Houselights. Copy the whole key shown by "
        "“houselights encryption export-key” on a workstation that opens the store."
    )


def _keyring():
    import keyring
    from keyring.errors import KeyringError

    return keyring, KeyringError


def save_key(data_dir: Path, key_id: str, key: str) -> str:
    """Keep the key in the OS keyring, else in a 0600 file; returns where ("keyring"/"file")."""
    keyring, keyring_error = _keyring()
    try:
        keyring.set_password(KEYRING_SERVICE, key_id, key)
        if keyring.get_password(KEYRING_SERVICE, key_id) == key:
            return "keyring"
    except (keyring_error, RuntimeError) as error:
        log.warning("No usable keyring (%s)", error)
    path = Path(data_dir) / KEY_FILE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(key)
    os.chmod(path, 0o600)
    log.warning(
        "This computer has no usable keyring: the event store's key is kept in %s "
        "(readable by this user only). Anyone who can read the data folder can read the "
        "events; use the operating system's disk encryption too.",
        path,
    )
    return "file"


def load_key(data_dir: Path, settings: dict) -> str:
    if settings.get("key_in") == "file":
        path = Path(data_dir) / KEY_FILE
        if path.exists():
            return path.read_text(encoding="utf-8").strip()
    else:
        keyring, keyring_error = _keyring()
        try:
            key = keyring.get_password(KEYRING_SERVICE, settings["key_id"])
        except (keyring_error, RuntimeError):
            key = None
        if key:
            return key
    raise EncryptionError(
        "The event store is encrypted, but its key is not on this computer (it is kept in "
        "the system keyring). On a workstation that opens the store, run "
        "“houselights encryption export-key”, then here “houselights encryption import-key”."
    )


def choose_encryption(data_dir: Path, store_empty: bool) -> dict:
    """Turn encryption on for a store being created; refused for a store with events."""
    settings = read_settings(data_dir)
    if settings and settings.get("encrypted"):
        return settings
    if not store_empty:
        raise EncryptionError(
            "This event store already holds events that are not encrypted. Encryption is "
            "chosen when a store is created: start a new data folder with --encrypt."
        )
    key_id = str(uuid.uuid4())
    key_in = save_key(data_dir, key_id, new_key())
    settings = {"encrypted": True, "cipher": CIPHER_TOPIC, "key_id": key_id, "key_in": key_in}
    write_settings(data_dir, settings)
    return settings


def import_key(data_dir: Path, key: str) -> dict:
    """Join an encrypted (shared) store from this workstation with the key given."""
    key = check_key(key)
    settings = read_settings(data_dir) or {}
    key_id = settings.get("key_id") or str(uuid.uuid4())
    key_in = save_key(data_dir, key_id, key)
    settings = {"encrypted": True, "cipher": CIPHER_TOPIC, "key_id": key_id, "key_in": key_in}
    write_settings(data_dir, settings)
    return settings


def cipher_env(data_dir: Path) -> dict[str, str]:
    """What eventsourcing needs to encrypt and decrypt (empty for a plain store)."""
    settings = read_settings(data_dir)
    if not settings or not settings.get("encrypted"):
        return {}
    return {
        "CIPHER_TOPIC": settings.get("cipher", CIPHER_TOPIC),
        "CIPHER_KEY": load_key(data_dir, settings),
    }
