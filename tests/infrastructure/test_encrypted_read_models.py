"""Encrypted means encrypted (issue 19): an encrypted store's read models never sit on
disk in plain text: not while Houselights runs, not after it closes, not in a backup,
not in a door's offline copy; and they rebuild and reopen from their encrypted copy."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing

import pytest

from infrastructure import backups
from infrastructure.bootstrap import OfflineServices, bootstrap
from infrastructure.config import resolve
from infrastructure.encrypted_readmodels import (
    EncryptedReadModels,
    ReadModelsUndecryptable,
    encrypted_path,
    open_sealed,
    seal,
)
from infrastructure.encryption import new_key
from projections import door, patron_directory
from tests.erasure.conftest import SECRETS, files_containing, register_secret_patron, sell_and_scan
from tests.erasure.test_encryption_at_rest import test_keyring  # noqa: F401 - a fixture
from tests.safety_helpers import a_ticket, run


def names_and_emails(capsys, *store: str) -> dict[str, str]:
    """Every patron's name and email, as the command line shows them."""
    code, out, err = run(capsys, *store, "patrons", "--json", "--limit", "1000")
    assert code == 0, err
    found = {}
    for row in json.loads(out):
        found[f"{row['id']}:name"] = row["name"]
        last = row["name"].split()[-1]
        if len(last) >= 6:  # shorter ones turn up inside other words ("Ueda", "Issued")
            found[f"{row['id']}:last_name"] = last
        if row.get("email"):
            found[f"{row['id']}:email"] = row["email"]
    return found


@pytest.mark.usefixtures("test_keyring")
def test_an_encrypted_stores_read_models_hold_no_name_on_disk(tmp_path, capsys):
    data = tmp_path / "office"
    store = ["--data", str(data)]
    assert run(capsys, *store, "--encrypt", "demo", "--patrons", "15")[0] == 0
    config = resolve(data)
    assert config.encrypted
    secrets = names_and_emails(capsys, *store)
    assert len(secrets) > 30
    sealed = encrypted_path(config.readmodels_path)
    assert sealed.is_file() and not config.readmodels_path.exists()
    assert sealed.read_bytes().startswith(b"HLRM")
    assert files_containing(data, secrets) == []

    # While it runs too: the read models are in memory, the folder has no plain copy.
    services = bootstrap(config)
    try:
        patron_id = register_secret_patron(services.app)
        sell_and_scan(services.app, patron_id)
        row = patron_directory.get(services.runner.db(), patron_id)
        assert row["first_name"] == SECRETS["first_name"]
        assert files_containing(data, SECRETS) == []
    finally:
        services.close()
    assert files_containing(data, {**secrets, **SECRETS}) == []

    # Reopened from the encrypted copy (nothing to catch up), and rebuilt.
    assert backups.readmodels_seen(config) > 100
    again = bootstrap(config, catch_up=False)
    try:
        assert (
            patron_directory.get(again.runner.db(), patron_id)["last_name"] == SECRETS["last_name"]
        )
        assert again.runner.lag() == 0
    finally:
        again.close()
    listed = names_and_emails(capsys, *store)
    assert listed[f"{patron_id}:last_name"] == SECRETS["last_name"]
    assert run(capsys, *store, "rebuild")[0] == 0
    assert names_and_emails(capsys, *store) == listed
    assert files_containing(data, {**secrets, **SECRETS}) == []

    # A backup of it holds none either, and with read models is refused.
    code, _, err = run(capsys, *store, "backup")
    assert code == 0, err
    assert list((data / "backups").glob("*.sqlite"))
    assert files_containing(data, {**secrets, **SECRETS}) == []
    code, _, err = run(capsys, *store, "backup", "--with-read-models")
    assert code != 0 and "encrypted" in err


@pytest.mark.usefixtures("test_keyring")
def test_a_plain_read_model_file_left_by_an_older_version_is_deleted(tmp_path, capsys):
    data = tmp_path / "office"
    assert run(capsys, "--data", str(data), "--encrypt", "demo", "--patrons", "5")[0] == 0
    config = resolve(data)
    old = config.readmodels_path
    with closing(sqlite3.connect(old)) as conn, conn:
        conn.execute("CREATE TABLE patrons (last_name TEXT)")
        conn.execute("INSERT INTO patrons VALUES ('Quixwortham')")
    assert run(capsys, "--data", str(data), "status")[0] == 0
    assert not old.exists()
    assert files_containing(data, {"name": "Quixwortham"}) == []


def test_a_copy_sealed_with_another_key_is_set_aside_and_rebuilt(tmp_path):
    key, other = new_key(), new_key()
    sealed = seal(b"SQLite format 3\x00", 42, key)
    assert open_sealed(sealed, key) == b"SQLite format 3\x00"
    with pytest.raises(ReadModelsUndecryptable):
        open_sealed(sealed, other)
    tampered = bytearray(sealed)
    tampered[6] ^= 1  # the position is authenticated too
    with pytest.raises(ReadModelsUndecryptable):
        open_sealed(bytes(tampered), key)

    path = tmp_path / "readmodels.sqlite"
    encrypted_path(path).write_bytes(sealed)
    storage = EncryptedReadModels(path, other)
    db = storage.connect()
    assert db.table_names() == []  # empty: rebuilt from the events
    db.conn.close()
    storage.close()
    assert [p.name for p in tmp_path.iterdir() if ".unreadable-" in p.name]


@pytest.mark.usefixtures("test_keyring")
def test_an_encrypted_shared_stores_offline_door_decides_from_its_encrypted_copy(tmp_path, request):
    from tests.erasure.test_encryption_at_rest import _new_db

    url = request.getfixturevalue("postgres_url").rsplit("/", 1)[0] + "/" + _new_db(request)
    config = resolve(tmp_path / "door", store=url, encrypt=True)
    services = bootstrap(config, staff="usher", workstation="door-1")
    try:
        patron_id = register_secret_patron(services.app)
        sold = sell_and_scan(services.app, patron_id)
        fresh = services.app.sell_tickets(sold["performance"], {"Adult": 1}, patron_id=patron_id)
        services.runner.catch_up()
    finally:
        services.close()
    assert files_containing(config.data_dir, SECRETS) == []

    offline = OfflineServices(config, "usher", "door-1")  # the server gone: no app at all
    try:
        assert offline.app is None
        first = offline.door().scan(fresh.codes[0], sold["performance"], "Main door")
        assert first.offline is True and first.verdict == "admit"
        again = offline.door().scan(sold["order"].codes[0], sold["performance"], "Main door")
        assert again.repeat is True and again.admitted_door == "Main door"  # known
        ticket = door.ticket(offline.door().db(), fresh.codes[0])
        assert ticket is not None
        assert files_containing(config.data_dir, SECRETS) == []
    finally:
        offline.close()
    assert files_containing(config.data_dir, SECRETS) == []


@pytest.mark.usefixtures("test_keyring")
def test_the_copy_is_written_again_only_when_the_read_models_changed(tmp_path, capsys):
    data = tmp_path / "office"
    assert run(capsys, "--data", str(data), "--encrypt", "demo", "--patrons", "5")[0] == 0
    sealed = encrypted_path(resolve(data).readmodels_path)
    before = sealed.read_bytes()
    assert run(capsys, "--data", str(data), "patrons")[0] == 0  # reads only
    assert sealed.read_bytes() == before  # (a new copy would have a new nonce)
    ticket, performance = a_ticket(capsys, data)
    before = sealed.read_bytes()  # (a_ticket only read)
    code, _, err = run(
        capsys, "--data", str(data), "check-in", ticket, "--performance", performance
    )
    assert code == 0, err
    assert sealed.read_bytes() != before  # the admission is in the new copy
    code, out, _ = run(
        capsys, "--data", str(data), "tickets", "--performance", performance, "--json"
    )
    assert {"code": ticket, "status": "admitted"}.items() <= next(
        t for t in json.loads(out) if t["code"] == ticket
    ).items() or next(t for t in json.loads(out) if t["code"] == ticket)["admitted_at"]


def test_the_read_model_key_is_derived_with_hkdf_as_rfc_5869_says():
    from infrastructure.encrypted_readmodels import hkdf_sha256

    okm = hkdf_sha256(bytes([0x0B] * 22), b"", 42)  # RFC 5869, test case 3
    assert okm.hex() == (
        "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"
    )
