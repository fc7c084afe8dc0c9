"""Erasing a patron cleans the copies of the store too: backups made before the
erasure (in the data folder and in a backup folder chosen elsewhere), their
read-model copies, and the stores a restore set aside. Restoring such a backup
later does not bring the data back."""

from __future__ import annotations

import pytest

from domain.errors import PatronErased
from domain.personal_data import ERASED
from infrastructure import backups
from infrastructure.bootstrap import bootstrap
from infrastructure.config import resolve
from infrastructure.erasure import erase_patron
from projections import conversations, patron_directory, patron_search
from tests.erasure.conftest import (
    CONVERSATION_SECRETS,
    KEPT,
    SECRETS,
    converse,
    files_containing,
    register_secret_patron,
    sell_and_scan,
)
from tests.erasure.test_encryption_at_rest import test_keyring  # noqa: F401 - a fixture

EVERYTHING = {**SECRETS, **CONVERSATION_SECRETS}


@pytest.fixture
def start():
    """Start Houselights on a given data folder (SQLite only: backups are of SQLite stores)."""
    started = []

    def start_(config):
        started.append(bootstrap(config, staff="maria", workstation="box-office-1"))
        return started[-1]

    yield start_
    for services in reversed(started):
        services.close()


def fill(start, config, tmp_path) -> str:
    services = start(config)
    patron_id = register_secret_patron(services.app)
    sell_and_scan(services.app, patron_id)
    converse(services.app, patron_id, tmp_path)
    services.runner.catch_up()
    services.close()
    return patron_id


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_backups_and_set_aside_stores_are_cleaned_and_restoring_one_brings_nothing_back(
    start, tmp_path, encrypted, request
):
    if encrypted:
        request.getfixturevalue("test_keyring")
    config = resolve(tmp_path / "data", store="sqlite", encrypt=encrypted)
    assert config.encrypted == encrypted
    patron_id = fill(start, config, tmp_path)
    # A backup in the data folder's own backup folder, with its read models; one on
    # "a USB stick" (a folder outside the data folder, chosen in the settings).
    # (An encrypted store's read models are plain text: never copied into a backup.)
    if encrypted:
        with pytest.raises(backups.BackupError, match="not copied into backups"):
            backups.backup(config, include_readmodels=True)
    inside = backups.backup(config, include_readmodels=not encrypted)
    assert inside.path.parent == config.data_dir / "backups"
    assert bool(inside.readmodels) != encrypted
    usb = tmp_path / "usb"
    outside = backups.backup(config, usb)
    # Restoring the backup sets the current store aside in the data folder.
    restored = backups.restore(config, inside.path)
    (aside,) = [p for p in restored.moved_aside if p.name.endswith(".sqlite")]
    assert aside.name.startswith("events.before-restore-")
    if not encrypted:  # the check can fail: every copy holds the secrets
        found = {name for name, _ in files_containing(config.data_dir, EVERYTHING)}
        assert {inside.path.name, inside.readmodels and inside.readmodels.name, aside.name} <= found
        assert {name for name, _ in files_containing(usb, EVERYTHING)} == {outside.path.name}

    services = start(config)
    assert services.app.get_patron(patron_id).first_name == "Zebulonia"
    progress: list[tuple[int, int]] = []
    result = erase_patron(
        services.app,
        services.runner,
        patron_id,
        lambda d, t: progress.append((d, t)),
        data_dir=config.data_dir,
        backup_folders=[usb],
    )
    copies = result.backups
    assert copies.not_cleaned == ()
    assert set(copies.cleaned) == {str(inside.path), str(outside.path), str(aside)}
    assert copies.deleted == (() if encrypted else (str(inside.readmodels),))
    assert copies.events_redacted >= 3 * 12  # the same events in each copy
    # three copies (and a read-model copy), one at a time
    assert progress[-1] == ((3, 3) if encrypted else (4, 4))
    assert services.app.get_patron(patron_id).first_name == ERASED
    services.close()

    for folder in (config.data_dir, usb):
        assert files_containing(folder, EVERYTHING) == []
    # The check sees what is there: other people's data stays in each copy.
    if not encrypted:
        assert {n for n, k in files_containing(usb, KEPT) if k == "other_chat"} == {
            outside.path.name
        }
        kept = {n for n, k in files_containing(config.data_dir, KEPT) if k == "other_chat"}
        assert {inside.path.name, aside.name, "events.sqlite"} <= kept

    # The backup from the USB stick, restored, still holds every sale and chat but
    # none of the patron's personal data.
    assert backups.list_backups(usb)[0].path == outside.path
    backups.restore(config, outside.path)
    again = start(config)
    db = again.runner.db()
    assert patron_search.search(db, "Zebulonia") == []
    # The erasure was recorded in the backup too: the patron shows as erased, can no
    # longer be changed, and their old email or phone matches nobody.
    assert patron_directory.get(db, patron_id)["name"] == ERASED
    with pytest.raises(PatronErased):
        again.app.add_note(patron_id, "Back again?")
    assert again.app.find_contact_matches(email=SECRETS["new_email"]) == []
    assert again.app.find_contact_matches(email=SECRETS["email"]) == []
    assert again.app.get_patron(patron_id).email == ERASED
    assert conversations.search_chats(db, "Tobiasquin") == []
    assert len(conversations.search_chats(db, "Periwinkle")) == 1
    again.close()
    for folder in (config.data_dir, usb):
        assert files_containing(folder, EVERYTHING) == []


def test_copies_that_cannot_be_cleaned_are_listed_and_the_erasure_goes_on(start, tmp_path):
    config = resolve(tmp_path / "data", store="sqlite")
    patron_id = fill(start, config, tmp_path)
    good = backups.backup(config)
    folder = config.data_dir / "backups"
    # A damaged backup (a failing disk), and a file with a backup's name that is no database.
    spoiled = folder / "houselights-2026-01-01-000000.sqlite"
    raw = bytearray(good.path.read_bytes())
    raw[8192:16384] = b"\x5a" * 8192
    spoiled.write_bytes(bytes(raw))
    (folder / "houselights-2026-01-02-000000.sqlite").write_text("not a database")
    unplugged = tmp_path / "usb-not-plugged-in"

    services = start(config)
    result = erase_patron(
        services.app,
        services.runner,
        patron_id,
        data_dir=config.data_dir,
        backup_folders=[unplugged],
    )
    services.close()
    copies = result.backups
    assert copies.cleaned == (str(good.path),)
    missed = {item.path: item.reason for item in copies.not_cleaned}
    assert set(missed) == {
        str(unplugged),
        str(spoiled),
        str(folder / "houselights-2026-01-02-000000.sqlite"),
    }
    assert "not connected" in missed[str(unplugged)]
    assert "damaged" in missed[str(spoiled)]
    assert (
        "not a Houselights database" in missed[str(folder / "houselights-2026-01-02-000000.sqlite")]
    )
    # The store, the read models and the good backup are clean; the damaged copy is
    # the only file left holding the data, and the result says so.
    left = {name for name, _ in files_containing(config.data_dir, SECRETS)}
    assert left == {spoiled.name}


def test_a_backup_made_with_another_key_is_reported_not_cleaned(start, tmp_path, test_keyring):  # noqa: F811
    plain = resolve(tmp_path / "plain", store="sqlite")
    fill(start, plain, tmp_path)
    foreign = backups.backup(plain, tmp_path / "elsewhere")
    secret = resolve(tmp_path / "secret", store="sqlite", encrypt=True)
    patron_id = fill(start, secret, tmp_path)
    services = start(secret)
    result = erase_patron(
        services.app,
        services.runner,
        patron_id,
        data_dir=secret.data_dir,
        backup_folders=[foreign.path.parent],
    )
    services.close()
    (item,) = result.backups.not_cleaned
    assert item.path == str(foreign.path) and "encryption key" in item.reason
    assert files_containing(secret.data_dir, SECRETS) == []
