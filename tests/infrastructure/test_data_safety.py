"""Data safety, second round (issue 19): damage is caught before it spreads into
backups, a missing store is never replaced, and what is really wrong is said."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from infrastructure import backups, store_check
from infrastructure.bootstrap import bootstrap
from infrastructure.config import resolve
from infrastructure.logs import configure_logging
from tests.erasure.test_encryption_at_rest import test_keyring  # noqa: F401 - a fixture
from tests.safety_helpers import a_ticket, copy_store, noise, run, sha

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A small demo store with its read models, made once for the module."""
    from desktop.cli import main

    folder = tmp_path_factory.mktemp("template") / "data"
    assert main(["--data", str(folder), "demo", "--patrons", "25"]) == 0
    return folder


@pytest.fixture
def data(template, tmp_path) -> Path:
    return copy_store(template, tmp_path / "data")


def patron_rows(data: Path) -> int:
    with closing(store_check.open_read_only(data / "readmodels.sqlite")) as conn:
        return conn.execute("SELECT count(*) FROM patrons").fetchone()[0]


# -- 1. damage in a big store ----------------------------------------------------------------
def test_damage_in_a_big_store_stops_writes_and_never_reaches_the_backups(
    data, capsys, monkeypatch
):
    # As in a 41 MB store: the first look at start-up does not read every page.
    monkeypatch.setattr(store_check, "QUICK_FULL_CHECK_BYTES", 0)
    code, ticket = a_ticket(capsys, data)[0], a_ticket(capsys, data)
    assert run(capsys, "--data", str(data), "backup")[0] == 0
    (good,) = backups.list_backups(data / "backups")
    events = data / "events.sqlite"
    noise(events)
    damaged = sha(events)

    status, _, err = run(capsys, "--data", str(data), "status")
    assert status == 3 and "damaged" in err and good.path.name in err

    exit_code, out, err = run(
        capsys, "--data", str(data), "check-in", code, "--performance", ticket[1]
    )
    assert exit_code == 3 and "ADMIT" not in out and "will not write to it" in err
    assert sha(events) == damaged  # not a byte written into the damaged file

    exit_code, _, err = run(capsys, "--data", str(data), "backup")
    assert exit_code == 1 and "nothing was written" in err
    config = resolve(data)
    for day in range(10):  # ten automatic backups later, the good one is still there
        with pytest.raises(backups.BackupError):
            backups.automatic_backup(
                config, data / "backups", keep=1, now=datetime.now() + timedelta(days=day + 1)
            )
    assert [b.path for b in backups.list_backups(data / "backups")] == [good.path]

    # A damaged copy made by an older version, newer than the good one, is never offered.
    later = data / "backups" / backups.backup_name(datetime.now() + timedelta(days=30))
    shutil.copyfile(events, later)
    exit_code, out, _ = run(capsys, "--data", str(data), "check")
    assert exit_code == 3 and good.path.name in out and later.name not in out
    assert backups.latest_in([data / "backups"]).path == good.path
    assert backups.verified(data / "backups")[later.name] is False


def test_a_write_waits_for_the_page_check_and_is_refused_on_damage(data, monkeypatch):
    monkeypatch.setattr(store_check, "QUICK_FULL_CHECK_BYTES", 0)
    noise(data / "events.sqlite")
    damaged = sha(data / "events.sqlite")
    config = resolve(data)
    services = bootstrap(config, catch_up=False)
    try:
        health = backups.start_page_check(services, [data / "backups"])
        with pytest.raises(backups.DamagedStore, match="will not write"):
            services.app.register_patron("Ada", "Lovelace", email="ada@example.org")
        assert health.done and health.damage is not None and health.seconds >= 0
    finally:
        services.close()
    assert sha(data / "events.sqlite") == damaged


def test_an_import_refused_by_the_page_check_it_began_before_reading(data, capsys, monkeypatch):
    # the command line begins the page check before it reads the file (issue 16's
    # speed): the check it began, not one made later, still refuses every write
    monkeypatch.setattr(store_check, "QUICK_FULL_CHECK_BYTES", 0)
    assert run(capsys, "--data", str(data), "backup")[0] == 0
    (good,) = backups.list_backups(data / "backups")
    noise(data / "events.sqlite")
    damaged = sha(data / "events.sqlite")
    made: list[store_check.StoreHealth] = []
    begin = store_check.StoreHealth.__init__

    def counted(self, *args, **kwargs):
        made.append(self)
        begin(self, *args, **kwargs)

    monkeypatch.setattr(store_check.StoreHealth, "__init__", counted)
    sales = Path(__file__).parents[1] / "fixtures" / "sales" / "generic.csv"
    code, _, err = run(capsys, "--data", str(data), "import", "sales", str(sales))
    assert code == 3 and "will not write" in err and good.path.name in err
    assert len(made) == 1 and made[0].damage is not None
    assert sha(data / "events.sqlite") == damaged


def test_a_page_check_begun_by_a_command_that_stopped_is_never_used_by_another(
    data, capsys, monkeypatch, tmp_path
):
    # an import whose file cannot be read begins the check and stops before the store
    # is opened; a later command in the same process checks the store as it is then
    monkeypatch.setattr(store_check, "QUICK_FULL_CHECK_BYTES", 0)
    assert run(capsys, "--data", str(data), "import", "sales", str(tmp_path / "no.csv"))[0] != 0
    noise(data / "events.sqlite")
    status, _, err = run(capsys, "--data", str(data), "status")
    assert status == 3 and "damaged" in err


def test_a_backup_counts_only_once_the_copy_passes_integrity_check(data, monkeypatch):
    config = resolve(data)
    real_copy = backups.copy_database

    def copy_then_spoil(source, target, *args, **kwargs):
        real_copy(source, target, *args, **kwargs)
        if target.name.endswith(backups.SUFFIX) and "readmodels" not in target.name:
            noise(target)  # the USB stick wrote it wrong

    monkeypatch.setattr(backups, "copy_database", copy_then_spoil)
    with pytest.raises(backups.BackupError, match="did not check out"):
        backups.backup(config)
    assert backups.list_backups(data / "backups") == []
    assert list(backups.verified(data / "backups").values()) == [False]
    monkeypatch.setattr(backups, "copy_database", real_copy)
    made = backups.backup(config)
    assert backups.verified(data / "backups") == {made.path.name: True}


def test_rotation_never_removes_the_newest_good_backups(data):
    config = resolve(data)
    folder = data / "backups"
    start = datetime(2026, 11, 1, 22, 0)
    for day in range(12):
        backups.backup(config, folder, now=start + timedelta(days=day))
    made = backups.list_backups(folder)  # newest first
    # The nine newest were made from a damaged store by an older version: noted bad.
    for info in made[:9]:
        backups.note_verified(folder, info.path.name, False)
    backups.rotate(folder, keep=3, now=start + timedelta(days=12))
    left = backups.list_backups(folder)
    good = [i for i in left if backups.verified(folder).get(i.path.name)]
    assert [i.created.day for i in good] == [3, 2, 1]  # the last three good ones stay
    assert [i.path for i in left[:3]] == [i.path for i in made[:3]]  # and the newest three

    # All good, one a day: the newest of each of the last seven days and five weeks stay.
    shutil.rmtree(folder)
    for day in range(40):
        backups.backup(config, folder, now=start + timedelta(days=day))
    backups.rotate(folder, keep=2, now=start + timedelta(days=39, hours=1))
    left = backups.list_backups(folder)
    days = {i.created.date() for i in left}
    last_day = (start + timedelta(days=39)).date()
    assert {last_day - timedelta(days=n) for n in range(7)} <= days
    weeks = {d.isocalendar()[:2] for d in days}
    assert len(weeks) >= 5 and len(left) < 40


# -- 2. a missing store ------------------------------------------------------------------------
def test_a_deleted_store_is_an_error_not_a_fresh_start(data, capsys):
    assert run(capsys, "--data", str(data), "backup")[0] == 0
    patrons = patron_rows(data)
    assert patrons > 20
    for name in ("events.sqlite", "events.sqlite-wal", "events.sqlite-shm"):
        (data / name).unlink(missing_ok=True)
    for command in (["status"], ["patrons"], ["demo", "--patrons", "5"], ["rebuild"]):
        code, _, err = run(capsys, "--data", str(data), *command)
        assert code == 3, command
        assert "is not there" in err and "has not made a new, empty store" in err
        assert "houselights" in err and "restore" in err  # the backup is offered
    code, out, _ = run(capsys, "--data", str(data), "check")
    assert code == 3 and "is not there" in out and "check out" not in out
    assert not (data / "events.sqlite").exists()
    assert patron_rows(data) == patrons  # the read models are untouched


def test_a_new_data_folder_still_starts_empty(tmp_path, capsys):
    code, out, _ = run(capsys, "--data", str(tmp_path / "new"), "status")
    assert code == 0 and "Events: 0" in out


# -- 3. a read-only data folder ------------------------------------------------------------------
def without_root_powers() -> list[str]:
    """Run as root without the power to ignore file permissions (as a normal user)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: file permissions cannot be tried")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner"]


def test_a_read_only_data_folder_is_said_plainly_not_called_damaged(data):
    for path in [*data.rglob("*"), data]:
        path.chmod(stat.S_IMODE(path.stat().st_mode) & ~0o222)
    try:
        done = subprocess.run(
            [
                *without_root_powers(),
                sys.executable,
                "-m",
                "desktop.cli",
                "--data",
                str(data),
                "status",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        for path in [data, *data.rglob("*")]:
            path.chmod(stat.S_IMODE(path.stat().st_mode) | 0o200)
    assert done.returncode == 4, done.stderr
    assert "cannot write" in done.stderr and "not damaged" in done.stderr
    assert "Traceback" not in done.stderr and "restore" not in done.stderr


def test_a_log_that_cannot_be_written_does_not_stop_the_window(tmp_path, monkeypatch):
    import logging

    monkeypatch.setattr(logging.getLogger(), "handlers", [])
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    assert configure_logging(blocked / "data") is None  # no PermissionError traceback


# -- 4. an encrypted store without its settings ----------------------------------------------------
@pytest.fixture
def encrypted_data(tmp_path, capsys, request):
    request.getfixturevalue("test_keyring")
    folder = tmp_path / "office"
    assert run(capsys, "--data", str(folder), "--encrypt", "demo", "--patrons", "10")[0] == 0
    return folder


def test_an_encrypted_store_without_its_settings_is_said_plainly(encrypted_data, tmp_path, capsys):
    moved = tmp_path / "restored"
    moved.mkdir()
    for name in ("events.sqlite", "readmodels.encrypted"):  # (its read models: encrypted)
        shutil.copyfile(encrypted_data / name, moved / name)
    before = sha(moved / "readmodels.encrypted")
    for command in (["status"], ["patrons"], ["rebuild"]):
        code, _, err = run(capsys, "--data", str(moved), *command)
        assert code == 4 and "no encryption.json" in err and "import-key" in err, command
        assert "Traceback" not in err and "Mapper" not in err
    assert sha(moved / "readmodels.encrypted") == before  # the rebuild emptied nothing


def test_a_rebuild_that_cannot_read_the_events_empties_nothing(encrypted_data, tmp_path):
    moved = tmp_path / "restored"
    moved.mkdir()
    for name in ("events.sqlite", "readmodels.encrypted"):
        shutil.copyfile(encrypted_data / name, moved / name)
    before = sha(moved / "readmodels.encrypted")
    services = bootstrap(resolve(moved), catch_up=False)  # past the checks, on purpose
    try:
        with pytest.raises(Exception):  # noqa: B017, PT011 - whatever the mapper raises
            services.runner.rebuild()
    finally:
        services.close()
    assert sha(moved / "readmodels.encrypted") == before


# -- 8. owner-only files --------------------------------------------------------------------
@pytest.mark.skipif(os.name != "posix", reason="Linux and macOS file modes")
def test_data_files_are_readable_by_their_owner_only(tmp_path, capsys):
    data = tmp_path / "data"
    assert run(capsys, "--data", str(data), "demo", "--patrons", "5")[0] == 0
    assert run(capsys, "--data", str(data), "backup", "--with-read-models")[0] == 0
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    files = [p for p in data.rglob("*") if p.is_file()]
    assert {"events.sqlite", "readmodels.sqlite"} <= {p.name for p in files}
    assert any(p.name.endswith(".readmodels.sqlite") for p in files)
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path
    # A folder made by an older version is tightened when it is next opened.
    old = tmp_path / "old"
    shutil.copytree(data, old)
    old.chmod(0o755)
    (old / "readmodels.sqlite").chmod(0o644)
    assert run(capsys, "--data", str(old), "status")[0] == 0
    assert stat.S_IMODE(old.stat().st_mode) == 0o700
    assert stat.S_IMODE((old / "readmodels.sqlite").stat().st_mode) == 0o600


# -- 2b. a shared store dropped or emptied on the server ----------------------------------------
def shared_tables(url: str) -> list[str]:
    import psycopg

    with psycopg.connect(url) as conn:
        return [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]


@pytest.mark.parametrize("how", ["dropped", "emptied"])
def test_a_dropped_or_emptied_shared_store_stops_every_write(postgres_db, tmp_path, capsys, how):
    import psycopg

    data = tmp_path / "office"
    shared = ["--data", str(data), "--store", postgres_db]
    assert run(capsys, *shared, "demo", "--patrons", "8")[0] == 0
    code, _, err = run(capsys, *shared, "status")
    assert code == 0, err
    readmodels = resolve(data, store=postgres_db).readmodels_path
    seen = backups.readmodels_seen(resolve(data, store=postgres_db))
    assert seen > 50
    before = sha(readmodels)
    with psycopg.connect(postgres_db, autocommit=True) as conn:
        if how == "dropped":
            for table in shared_tables(postgres_db):
                conn.execute(f'DROP TABLE "{table}"')
        else:
            conn.execute("DELETE FROM houselights_events WHERE notification_id > 3")
    left = shared_tables(postgres_db)
    commands = (
        ["status"],
        ["patrons"],
        ["demo", "--patrons", "3"],
        ["rebuild"],
        ["check-in", "ABCDEFGHJKMN", "--performance", "tonight"],
    )
    for command in commands:
        code, out, err = run(capsys, *shared, *command)
        assert code == 3, (command, out, err)
        assert f"already seen {seen:,} events" in err, err
        assert "has not made a new, empty store" in err and "Traceback" not in err
        if how == "dropped":
            assert "no events table" in err
        else:
            assert "holds only 3 events" in err
    assert shared_tables(postgres_db) == left  # no table made again
    assert sha(readmodels) == before  # the read models are untouched


def test_a_new_shared_store_still_starts_empty(postgres_db, tmp_path, capsys):
    code, out, err = run(capsys, "--data", str(tmp_path / "new"), "--store", postgres_db, "status")
    assert code == 0 and "Events: 0" in out, err
