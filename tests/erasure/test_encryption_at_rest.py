"""Encryption at rest: an encrypted store's file holds no patron names; a plain one does."""

from __future__ import annotations

import json
import logging
import os
import stat

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from desktop.cli import main
from infrastructure.bootstrap import bootstrap
from infrastructure.config import StoreConfigError, resolve
from infrastructure.encryption import KEY_FILE, read_settings
from infrastructure.erasure import erase_patron
from projections import patron_directory
from tests.erasure.conftest import SECRETS, files_containing, register_secret_patron, sell_and_scan


class MemoryKeyring(KeyringBackend):
    """A keyring for tests: never the developer's own."""

    priority = 1

    def __init__(self):
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def set_password(self, service, username, password):
        self.passwords[service, username] = password

    def get_password(self, service, username):
        return self.passwords.get((service, username))

    def delete_password(self, service, username):
        self.passwords.pop((service, username), None)


@pytest.fixture
def test_keyring():
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)


def fill(config) -> str:
    services = bootstrap(config)
    try:
        patron_id = register_secret_patron(services.app)
        sell_and_scan(services.app, patron_id)
        assert patron_directory.get(services.runner.db(), patron_id)["first_name"] == "Zebulonia"
    finally:
        services.close()
    return patron_id


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_an_encrypted_store_holds_no_names_and_a_plain_one_does(
    kind, tmp_path, test_keyring, request
):
    store = request.getfixturevalue("postgres_db") if kind == "postgresql" else None
    plain = resolve(tmp_path / "plain", store=store)
    fill(plain)
    assert not plain.encrypted and "CIPHER_KEY" not in plain.eventsourcing_env()
    if kind == "sqlite":
        assert ("events.sqlite", "first_name") in files_containing(plain.data_dir, SECRETS)
        secret = resolve(tmp_path / "secret", encrypt=True)
    else:
        # The plain PostgreSQL store is not empty: encryption cannot be switched on for it.
        with pytest.raises(StoreConfigError, match="already holds events"):
            resolve(tmp_path / "other", store=store, encrypt=True)
        store = request.getfixturevalue("postgres_url").rsplit("/", 1)[0] + "/" + _new_db(request)
        secret = resolve(tmp_path / "secret", store=store, encrypt=True)
    assert secret.encrypted and len(test_keyring.passwords) == 1
    patron_id = fill(secret)

    raw = _raw_events(secret)
    assert not [name for name, text in SECRETS.items() if text.encode() in raw]
    assert b"Zebulonia" not in raw and len(raw) > 1000

    # Opened again (key from the keyring), everything reads back; erasure re-encrypts.
    again = bootstrap(resolve(secret.data_dir, store=store))
    try:
        assert again.app.get_patron(patron_id).last_name == "Quixwortham"
        result = erase_patron(again.app, again.runner, patron_id)
        assert result.events_redacted >= 4
        assert again.app.get_patron(patron_id).last_name == "[erased]"
    finally:
        again.close()
    assert files_containing(secret.data_dir, SECRETS) == []


def _new_db(request) -> str:
    import uuid

    import psycopg

    url = request.getfixturevalue("postgres_url")
    name = "hl_enc_" + uuid.uuid4().hex[:10]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    request.addfinalizer(lambda: _drop(url, name))
    return name


def _drop(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _raw_events(config) -> bytes:
    if config.kind == "sqlite":
        return b"".join(
            p.read_bytes() for p in config.data_dir.glob("events.sqlite*") if p.is_file()
        )
    import psycopg

    with psycopg.connect(config.store_url) as conn:
        rows = conn.execute("SELECT topic, state FROM houselights_events").fetchall()
    return b"".join(topic.encode() + bytes(state) for topic, state in rows)


def test_an_existing_plain_store_cannot_be_encrypted_later(tmp_path, test_keyring):
    config = resolve(tmp_path / "data")
    fill(config)
    with pytest.raises(StoreConfigError, match="already holds events"):
        resolve(tmp_path / "data", encrypt=True)
    assert not resolve(tmp_path / "data").encrypted and test_keyring.passwords == {}


def test_without_a_keyring_the_key_is_a_private_file_and_the_fallback_is_logged(tmp_path, caplog):
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        with caplog.at_level(logging.WARNING, logger="infrastructure.encryption"):
            config = resolve(tmp_path / "data", encrypt=True)
        fill(config)
    finally:
        keyring.set_keyring(previous)
    key_file = config.data_dir / KEY_FILE
    assert read_settings(config.data_dir)["key_in"] == "file"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert "no usable keyring" in caplog.text
    assert b"Zebulonia" not in (config.data_dir / "events.sqlite").read_bytes()


def test_a_second_workstation_joins_with_the_exported_key(
    tmp_path, test_keyring, capsys, monkeypatch
):
    import io

    config = resolve(tmp_path / "office", encrypt=True)
    patron_id = fill(config)
    assert main(["--data", str(config.data_dir), "encryption", "export-key"]) == 0
    key = capsys.readouterr().out.strip()
    # A workstation without the key gets a plain message, not a crash.
    test_keyring.passwords.clear()
    assert main(["--data", str(config.data_dir), "status"]) == 4  # its own status (issue 19)
    assert "key is not on this computer" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("not a key\n"))
    assert main(["--data", str(config.data_dir), "encryption", "import-key"]) == 1
    monkeypatch.setattr("sys.stdin", io.StringIO(key + "\n"))
    assert main(["--data", str(config.data_dir), "encryption", "import-key"]) == 0
    capsys.readouterr()
    assert main(["--data", str(config.data_dir), "patrons", "--search", "zebul", "--json"]) == 0
    assert [p["id"] for p in json.loads(capsys.readouterr().out)] == [patron_id]
    assert main(["--data", str(config.data_dir), "encryption", "status", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"encrypted": True, "key_in": "keyring"}
