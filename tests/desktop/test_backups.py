"""Backups and restore (infrastructure/backups.py), on real store files, no window.

The stories: a backup taken while another process keeps recording is a whole,
consistent store; a cancelled backup leaves nothing; the rotating set keeps
the newest; a restore checks the backup first, refuses while Houselights is
open, and moves the current store aside instead of deleting it.
"""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from infrastructure import backups
from infrastructure.backups import BackupCancelled, BackupError
from infrastructure.bootstrap import bootstrap
from infrastructure.config import resolve
from infrastructure.store_check import count_events
from projections import all_projections
from projections.runner import ReadModelRunner

REPO_ROOT = Path(__file__).resolve().parents[2]

WRITER = r"""
import sys
from infrastructure.config import resolve
from domain.application import Houselights

app = Houselights(env=resolve(sys.argv[1], store="sqlite").eventsourcing_env())
i = 0
while True:
    app.register_patron(f"Writer{i}", "Busy", email=f"w{i}@example.org")
    i += 1
    if i == 5:
        print("writing", flush=True)
"""


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fill(config, patrons: int) -> int:
    services = bootstrap(config, projections=[])
    with services.app.batch(size=500):
        for i in range(patrons):
            services.app.register_patron(f"Pat{i}", f"Ron{i}", email=f"p{i}@example.org")
    count = services.app.event_count()
    services.close()
    return count


@pytest.fixture
def config(tmp_path):
    return resolve(tmp_path / "data", store="sqlite")


@pytest.fixture
def stocked(config):
    """A store with 300 patrons (900 events), closed."""
    fill(config, 300)
    return config


def test_a_backup_taken_while_another_process_records_is_whole_and_restores(stocked, tmp_path):
    before = count_events(stocked.events_path)
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(stocked.data_dir)],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen = []
    try:
        assert writer.stdout.readline().strip() == "writing", writer.stderr.read()
        # Many small steps, so the writer commits between them.
        info = backups.backup(
            stocked, tmp_path / "usb", progress=lambda done, total: seen.append((done, total))
        )
    finally:
        writer.kill()
        writer.wait()
        writer.stdout.close()
        writer.stderr.close()
    after = count_events(stocked.events_path)

    assert info.path.parent == tmp_path / "usb"
    assert backups.NAME.match(info.path.name)
    events = backups.verify_backup(info.path)  # every page checks out
    assert before < events <= after
    assert seen[-1] == (1000, 1000)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    # a single self-contained file, nothing beside it
    assert sorted(p.name for p in info.path.parent.iterdir()) == sorted(
        [info.path.name, backups.VERIFIED_FILE]
    )

    # The backup opens as a store: its events decode and project like the original's.
    other = resolve(tmp_path / "elsewhere", store="sqlite")
    result = backups.restore(other, info.path)
    assert result.events == events and result.previous_events == 0
    services = bootstrap(other)
    try:
        assert services.app.event_count() == events
        assert services.runner.lag() == 0
    finally:
        services.close()


def test_a_cancelled_backup_leaves_no_file(stocked, tmp_path):
    steps = []

    def cancelled() -> bool:
        steps.append(1)
        return len(steps) > 3

    with pytest.raises(BackupCancelled):
        backups.backup(stocked, tmp_path / "usb", cancelled=cancelled)
    assert len(steps) == 4
    assert list((tmp_path / "usb").iterdir()) == []


def test_backup_to_a_file_name_and_never_over_an_existing_file(stocked, tmp_path):
    target = tmp_path / "friday.sqlite"
    info = backups.backup(stocked, target)
    assert info.path == target and count_events(target) == count_events(stocked.events_path)
    with pytest.raises(BackupError, match="already exists"):
        backups.backup(stocked, target)


def test_backup_without_a_store_or_on_postgresql_says_what_to_do(tmp_path):
    with pytest.raises(BackupError, match="no event store"):
        backups.backup(resolve(tmp_path / "empty", store="sqlite"), tmp_path / "out")
    shared = resolve(tmp_path / "ws", store="postgresql://hl:secret@office/houselights")
    with pytest.raises(BackupError) as error:
        backups.backup(shared, tmp_path / "out")
    assert "pg_dump" in str(error.value) and "secret" not in str(error.value)
    assert backups.automatic_backup(shared, tmp_path / "out", keep=3) is None
    assert not (tmp_path / "out").exists()


def test_the_rotating_set_keeps_the_newest_and_only_touches_its_own_files(stocked):
    folder = backups.default_folder(stocked)
    start = datetime(2026, 11, 1, 23, 0, 0)
    for day in range(5):
        moment = start + timedelta(days=day)
        backups.automatic_backup(
            stocked, folder, keep=3, include_readmodels=day in (0, 4), now=moment
        )
    (folder / "my-notes.txt").write_text("keep me")
    (folder / "houselights-old-style.sqlite").write_text("not ours")
    kept = backups.list_backups(folder)
    assert [b.created.day for b in kept] == [5, 4, 3]
    assert kept[0].readmodels is not None and kept[1].readmodels is None
    # the oldest went with its read models: only the newest's remain
    assert len(list(folder.glob("*.readmodels.sqlite"))) == 1
    assert (folder / "my-notes.txt").exists() and (folder / "houselights-old-style.sqlite").exists()
    assert not backups.backup_due(folder, now=start + timedelta(days=4, hours=23))
    assert backups.backup_due(folder, now=start + timedelta(days=5, minutes=1))
    # two in the same second get distinct names
    backups.automatic_backup(stocked, folder, keep=10, now=start + timedelta(days=4))
    assert len(backups.list_backups(folder)) == 4


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda p: p.write_bytes(b"PK\x03\x04 a zip, not a store" * 99), id="zip"),
        pytest.param(lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]), id="cut"),
        pytest.param(
            lambda p: p.write_bytes(p.read_bytes()[:8192] + bytes(4096) + p.read_bytes()[12288:]),
            id="zeroed-page",
        ),
        pytest.param(
            lambda p: sqlite3.connect(p).executescript(
                "DROP TABLE stored_events; CREATE TABLE notes(x);"
            ),
            id="other-database",
        ),
    ],
)
def test_restore_refuses_a_damaged_or_foreign_backup_and_changes_nothing(stocked, spoil, tmp_path):
    info = backups.backup(stocked, tmp_path / "usb")
    spoil(info.path)
    store = sha(stocked.events_path)
    with pytest.raises(BackupError, match="cannot be used"):
        backups.restore(stocked, info.path)
    assert sha(stocked.events_path) == store
    assert sorted(p.name for p in stocked.data_dir.iterdir() if "before" in p.name) == []


def test_restore_refuses_while_houselights_has_the_store_open(stocked, tmp_path):
    info = backups.backup(stocked, tmp_path / "usb")
    services = bootstrap(stocked)
    try:
        with pytest.raises(BackupError, match="is open on this computer"):
            backups.restore(stocked, info.path)
    finally:
        services.close()
    assert backups.store_in_use(stocked.events_path) is False


def test_restore_moves_the_current_store_aside_and_the_app_opens_on_the_backup(stocked, tmp_path):
    services = bootstrap(stocked)
    services.close()  # read models built
    info = backups.backup(stocked, tmp_path / "usb", include_readmodels=True)
    assert info.readmodels is not None
    backed_up = count_events(info.path)
    more = bootstrap(stocked)
    more.app.register_patron("After", "Backup", email="after@example.org")
    now_events = more.app.event_count()
    more.close()
    current = sha(stocked.events_path)

    result = backups.restore(stocked, info.path, now=datetime(2026, 11, 23, 10, 15))
    assert (result.events, result.previous_events) == (backed_up, now_events)
    assert result.readmodels_restored
    aside = stocked.data_dir / "events.before-restore-2026-11-23-101500.sqlite"
    assert aside in result.moved_aside and sha(aside) == current  # kept, byte for byte
    assert not list(stocked.data_dir.glob("readmodels.*-*"))  # rebuildable: not kept

    services = bootstrap(stocked)
    fresh = ReadModelRunner(
        services.app.recorder, services.app.mapper, tmp_path / "fresh.sqlite", all_projections()
    )
    try:
        assert services.app.event_count() == backed_up
        fresh.catch_up()
        assert services.runner.positions() == fresh.positions()
        with closing(sqlite3.connect(services.config.readmodels_path)) as conn:
            names = {r[0] for r in conn.execute("SELECT name FROM patrons")}
        assert "After Backup" not in names and "Pat0 Ron0" in names
    finally:
        fresh.close()
        services.close()


def test_restore_without_read_models_rebuilds_them(stocked, tmp_path):
    bootstrap(stocked).close()
    info = backups.backup(stocked, tmp_path / "usb")
    backups.restore(stocked, info.path)
    assert not stocked.readmodels_path.exists()
    services = bootstrap(stocked)
    try:
        assert services.runner.lag() == 0
        assert set(services.runner.positions().values()) == {count_events(info.path)}
    finally:
        services.close()
