"""The projection runner keeps the local read models in step with the event store."""

from __future__ import annotations

import math
from unittest import mock

import pytest

from domain.application import Houselights
from infrastructure.config import resolve
from projections import all_projections
from projections.patron_directory import PatronDirectory
from projections.patron_search import search
from projections.runner import BATCH_SIZE, BULK_BATCH_SIZE, ReadModelRunner
from projections.stored_events import select_batch
from projections.timeline import Timeline


def register_some(app, n: int, prefix: str = "Patron") -> list[str]:
    ids = []
    with app.batch():
        for i in range(n):
            patron = app.register_patron(
                f"{prefix}{i}", "Lovelace", email=f"{prefix}{i}@example.org".lower()
            )
            app.add_note(patron, f"Note for {prefix}{i}")
            ids.append(patron)
    return ids


def notification_count(app) -> int:
    log, count, start = app.notification_log, 0, 1
    while notifications := log.select(start=start, limit=log.section_size):
        count += len(notifications)
        start = notifications[-1].id + 1
    return count


def test_saves_in_this_process_are_applied_at_once(services):
    services.app.register_patron("Ada", "Lovelace")

    head = services.runner.head()
    assert head == services.app.event_count() > 0
    assert services.runner.status() == {
        p.name: {"position": head, "lag": 0} for p in all_projections()
    }


def test_events_from_another_process_show_as_lag_until_polled(services, store_config):
    services.app.register_patron("Ada", "Lovelace")
    position = services.runner.head()
    other_workstation = Houselights(env=store_config.eventsourcing_env())
    try:
        other_workstation.register_patron("Grace", "Hopper", email="grace@example.org")
        head = other_workstation.event_count()
    finally:
        other_workstation.close()

    assert head > position
    assert services.runner.status() == {
        p.name: {"position": position, "lag": head - position} for p in all_projections()
    }
    assert search(services.runner.db(), "grace") == []

    assert services.runner.poll() == head - position
    assert services.runner.lag() == 0
    assert {s["position"] for s in services.runner.status().values()} == {head}
    assert [r["name"] for r in search(services.runner.db(), "grace")] == ["Grace Hopper"]
    assert services.runner.poll() == 0  # nothing new: cheap and harmless


def test_listeners_hear_about_new_rows(services):
    heard: list[int] = []
    services.runner.subscribe(heard.append)

    services.app.register_patron("Ada", "Lovelace")

    assert heard == [services.runner.head()]
    services.runner.poll()
    assert len(heard) == 1  # not told when nothing changed


def test_the_batch_size_is_honoured(start):
    services = start(batch_size=7)
    register_some(services.app, 10)
    n = notification_count(services.app)
    batches: list[int] = []
    services.runner.after_batch = batches.append

    applied = services.runner.rebuild()

    assert applied == n
    assert len(batches) == math.ceil(n / 7)
    assert batches[-1] == services.runner.head()
    assert batches == sorted(batches)


def test_a_bulk_catch_up_applies_bigger_batches_with_the_same_result(start, read_models):
    services = start(batch_size=10)
    register_some(services.app, 40)
    n = notification_count(services.app)
    expected = read_models(services.runner.db())
    batches: list[int] = []
    services.runner.after_batch = batches.append
    services.runner.bulk_batch_size = 35  # more than BULK_AFTER batches of 10: bulk mode

    assert services.runner.rebuild() == n

    assert len(batches) == math.ceil(n / 35) and batches[-1] == services.runner.head()
    assert read_models(services.runner.db()) == expected
    batches.clear()
    services.runner.bulk_batch_size = None  # a batch size chosen (10) stays chosen
    services.runner.rebuild()
    assert len(batches) == math.ceil(n / 10)


def test_a_runner_of_the_default_batch_size_reads_bigger_batches_in_bulk_mode(services):
    runner = services.runner
    register_some(services.app, 3)
    assert runner.batch_size == BATCH_SIZE and runner.bulk_batch_size is None

    def limit(bulk: bool) -> int:
        with mock.patch("projections.runner.select_batch", wraps=select_batch) as read:
            runner._in_bulk = bulk
            try:
                runner._select(runner._plan, 1, runner.head())
            finally:
                runner._in_bulk = False
        return read.call_args.args[3]

    assert (limit(False), limit(True)) == (BATCH_SIZE, BULK_BATCH_SIZE)
    runner.batch_size = 10
    assert (limit(False), limit(True)) == (10, 10)


def test_a_batch_rolled_back_leaves_nothing_waiting_to_be_counted_twice(start, read_models):
    services = start()
    ids = register_some(services.app, 5)
    services.app.unsubscribe(services.runner.notify)  # the next saves wait for a catch-up
    for patron in ids:
        services.app.add_note(patron, "Called back")
    directory = next(p for p in services.runner.projections if isinstance(p, PatronDirectory))
    failures = [RuntimeError("disk full")]

    def fail_once(db, final):
        if failures:
            raise failures.pop()
        PatronDirectory.batch_done(directory, db, final)

    directory.batch_done = fail_once  # type: ignore[method-assign]
    with pytest.raises(RuntimeError, match="disk full"):
        services.runner.catch_up()
    assert not failures and services.runner.lag() > 0
    services.runner.catch_up()  # the same batch again: its activity is counted once
    assert services.runner.lag() == 0
    caught_up = read_models(services.runner.db())
    services.runner.rebuild()
    assert read_models(services.runner.db()) == caught_up


def test_progress_is_reported_and_a_rebuild_can_be_cancelled(start):
    services = start(batch_size=10)
    register_some(services.app, 10)
    n = notification_count(services.app)
    progress: list[tuple[int, int]] = []

    services.runner.rebuild(progress=lambda done, total: progress.append((done, total)))
    assert progress[-1] == (n, n)

    assert services.runner.rebuild(cancelled=lambda: True) == 0
    assert set(services.runner.positions().values()) == {0}
    assert services.runner.catch_up() == n  # carries on where it stopped


def test_a_rebuild_produces_identical_read_models(services, read_models):
    ids = register_some(services.app, 30)
    services.app.update_contact(ids[3], last_name="King", phone="555 123 4567")
    services.app.set_tags(ids[4], ["opera"])
    services.app.set_household(ids[5], "Lives with William")
    before = read_models(services.runner.db())
    positions = services.runner.positions()

    services.runner.rebuild()

    assert read_models(services.runner.db()) == before
    assert services.runner.positions() == positions
    assert len(before["patrons"]) == 30


def test_a_new_projection_version_is_rebuilt_on_next_start(start, read_models):
    services = start()
    ada, *_ = register_some(services.app, 5)
    expected = read_models(services.runner.db())
    head = services.runner.head()
    db = services.runner.db()
    # rows written by the old version of the projection, different from what v2 writes
    db.conn.execute("UPDATE patrons SET name = 'stale'")
    services.close()

    class PatronDirectoryV2(PatronDirectory):
        version = PatronDirectory.version + 1

    restarted = start(projections=[PatronDirectoryV2(), Timeline()], catch_up=False)
    assert restarted.runner.positions() == {"patron_directory": 0, "timeline": head}
    assert restarted.runner.status()["patron_directory"]["lag"] == head

    restarted.runner.catch_up()
    assert read_models(restarted.runner.db()) == expected
    assert search(restarted.runner.db(), "stale") == []


def test_read_models_ahead_of_the_store_are_rebuilt(services, tmp_path):
    register_some(services.app, 5, prefix="Old")
    readmodels = services.config.readmodels_path
    assert services.runner.head() > 0
    # The workstation is pointed at another store (or a restored, older backup).
    other = Houselights(env=resolve(tmp_path / "other", store="sqlite").eventsourcing_env())
    try:
        runner = ReadModelRunner(other.recorder, other.mapper, readmodels, all_projections())
        other.subscribe(runner.notify)

        runner.catch_up()
        assert [r["name"] for r in search(runner.db(), "")] == []
        assert set(runner.positions().values()) == {0}

        other.register_patron("New", "Patron")
        assert [r["name"] for r in search(runner.db(), "")] == ["New Patron"]
        runner.close()
    finally:
        other.close()


def test_a_restored_older_backup_shows_no_stale_rows(services, tmp_path):
    backup = Houselights(env=resolve(tmp_path / "backup", store="sqlite").eventsourcing_env())
    try:
        backup.register_patron("Grace", "Hopper")  # the backup has fewer events
        register_some(services.app, 3, prefix="Lost")
        assert services.runner.head() > backup.event_count()

        runner = ReadModelRunner(
            backup.recorder, backup.mapper, services.config.readmodels_path, all_projections()
        )
        runner.catch_up()

        assert [r["name"] for r in search(runner.db(), "")] == ["Grace Hopper"]
        assert set(runner.positions().values()) == {backup.event_count()}
        runner.close()
    finally:
        backup.close()


def test_a_bulk_rebuild_fills_the_full_text_index_once_and_puts_the_triggers_back(start):
    # 12 batches of 10: more than BULK_AFTER batches, so the rebuild from zero runs in
    # bulk mode, with the full-text triggers dropped and the index filled at the end
    services = start(batch_size=10)
    ids = register_some(services.app, 40)
    services.app.update_contact(ids[3], last_name="Byron")
    db = services.runner.db()
    triggers = "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
    before = db.conn.execute(triggers).fetchall()
    index = "SELECT rowid FROM patrons_fts WHERE patrons_fts MATCH ? ORDER BY rowid"
    found = db.conn.execute(index, ("lovelace",)).fetchall()
    dropped: list[list] = []
    directory = next(p for p in services.runner.projections if isinstance(p, PatronDirectory))
    services.runner.after_batch = lambda _last: dropped.append(db.conn.execute(triggers).fetchall())

    services.runner.rebuild()

    assert all(("patrons_au",) not in names for names in dropped)  # no row-by-row filling
    assert directory.bulk_pending(db) is False
    assert db.conn.execute(triggers).fetchall() == before
    assert len(found) == 39
    assert db.conn.execute(index, ("lovelace",)).fetchall() == found
    assert [p["name"] for p in search(db, "byron")] == ["Patron3 Byron"]
    db.conn.execute("INSERT INTO patrons_fts (patrons_fts) VALUES ('integrity-check')")
    # later saves reach the index through the triggers again
    services.runner.after_batch = None
    services.app.register_patron("Augusta", "Byron")
    assert sorted(p["name"] for p in search(db, "byron")) == ["Augusta Byron", "Patron3 Byron"]


def test_a_rebuild_drops_its_tables_without_overwriting_every_freed_page(start):
    # secure_delete (on in Debian's SQLite) would write every dropped page again; a
    # plain rebuild turns it to FAST for the drop, an erasure keeps it on (and VACUUMs)
    services = start()
    register_some(services.app, 30)
    db = services.runner.db()
    db.conn.execute("PRAGMA secure_delete=ON")
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    try:
        services.runner.rebuild()
        first_drop = next(i for i, s in enumerate(statements) if s.startswith("DROP TABLE"))
        assert "PRAGMA secure_delete=FAST" in statements[:first_drop]
        assert db.conn.execute("PRAGMA secure_delete").fetchone() == (1,)  # put back
        statements.clear()
        services.runner.compact_after_erasure()
        assert any(s.startswith("DROP TABLE") for s in statements)
        assert not any("secure_delete=FAST" in s for s in statements)
        assert db.conn.execute("PRAGMA secure_delete").fetchone() == (1,)
    finally:
        db.conn.set_trace_callback(None)
    assert [r["name"] for r in search(db, "patron29")] == ["Patron29 Lovelace"]
