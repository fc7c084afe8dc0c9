"""A long rebuild shared with a second process gives the very rows one process makes.

Real processes (spawned, as in the app), real SQLite files, and the real
PostgreSQL server for the shared store; the demo organization with merged
patrons and the office's own ladder rules, read with small batches so that a
few thousand events take the long-rebuild path.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from demo import organization as demo
from domain.loyalty import LoyaltyThresholds
from infrastructure.bootstrap import bootstrap
from projections import all_projections
from projections.ladder import recompute, rung_counts
from projections.runner import ReadModelRunner
from projections.side_process import side_path
from tests.crash.test_killed_mid_work import table_rows

BATCH = 100
RULES = LoyaltyThresholds(buyer_purchases=4, advocate_purchases=5)
SIDE = {"door", "ladder", "patron_merges", "thank_yous"}


def broken_store(env: dict[str, str]):
    raise RuntimeError("the second process could not open the store")


@pytest.fixture
def organization(start):
    """The demo organization with two merges, its read models using the office's rules."""
    services = start(batch_size=BATCH)
    demo.generate(services.app, 50, seed=11)
    services.runner.catch_up()
    ids = [
        row[0]
        for row in services.runner.db().conn.execute("SELECT id FROM patrons ORDER BY id LIMIT 4")
    ]
    services.app.merge_patrons(ids[0], ids[1])
    services.app.merge_patrons(ids[2], ids[3])
    recompute(services.runner.db(), RULES)
    services.runner.side_after = 0  # a small store: take the long-rebuild path anyway
    return services


def made_alone(services, path: Path, rules: LoyaltyThresholds | None = RULES) -> ReadModelRunner:
    """The same read models rebuilt by this process alone (no second process)."""
    alone = ReadModelRunner(
        services.app.recorder, services.app.mapper, path, all_projections(), batch_size=BATCH
    )
    if rules is not None:
        recompute(alone.db(), rules)
    alone.rebuild()
    return alone


def assert_alike_made_alone(services, tmp_path: Path) -> None:
    """Every read-model row equals what this process rebuilds alone."""
    alone = made_alone(services, tmp_path / "alone.sqlite")
    try:
        assert table_rows(services.runner.db()) == table_rows(alone.db())
    finally:
        alone.close()


def test_a_rebuild_shared_with_a_second_process_makes_the_same_rows(organization, tmp_path):
    runner = organization.runner
    head = runner.head()
    assert head > 10 * BATCH

    assert runner.rebuild() == head

    assert runner.side_error == ""
    assert runner.side_copied == dict.fromkeys(SIDE, head)  # the second process did these
    assert set(runner.positions().values()) == {head}
    assert not side_path(runner.path).exists()
    alone = made_alone(organization, tmp_path / "alone.sqlite")
    default = made_alone(organization, tmp_path / "default.sqlite", rules=None)
    try:
        assert table_rows(runner.db()) == table_rows(alone.db())
        # the second process used the office's rules, not the defaults
        assert rung_counts(alone.db()) != rung_counts(default.db())
        assert rung_counts(runner.db()) == rung_counts(alone.db())
        assert runner.db().conn.execute("SELECT count(*) FROM patron_aliases").fetchone()[0] == 2
    finally:
        alone.close()
        default.close()


@pytest.mark.parametrize("store_config", ["sqlite"], indirect=True)
def test_a_failed_second_process_is_reported_and_its_work_done_here(organization, tmp_path):
    runner = organization.runner
    runner.side_store = (broken_store, {})

    assert runner.rebuild() > 0

    assert "could not open the store" in runner.side_error
    assert runner.side_copied == {}
    assert set(runner.positions().values()) == {runner.head()}
    assert not side_path(runner.path).exists()
    assert_alike_made_alone(organization, tmp_path)


@pytest.mark.parametrize("store_config", ["sqlite"], indirect=True)
def test_a_cancelled_shared_rebuild_keeps_what_both_did_and_resumes(organization, tmp_path):
    runner = organization.runner
    runner.batch_size = 10  # many batches: the second process is cancelled on its way
    runner.side_hold_after = 1  # it commits one batch, then waits for the cancel
    head = runner.head()
    batches = []
    runner.after_batch = batches.append

    def side_position() -> int:  # what the second process has committed so far
        try:
            with closing(
                sqlite3.connect(f"file:{side_path(runner.path)}?mode=ro", uri=True)
            ) as conn:
                found = conn.execute("SELECT min(position) FROM projection_positions").fetchone()
            return found[0] or 0
        except sqlite3.Error:
            return 0

    runner.rebuild(cancelled=lambda: len(batches) >= 3 and side_position() > 0)

    positions = runner.positions()
    assert min(positions.values()) < head  # stopped early...
    assert runner.side_error == "" and set(runner.side_copied) == SIDE  # ...and handed over
    assert all(positions[name] == runner.side_copied[name] for name in SIDE)
    runner.after_batch = None
    runner.catch_up()  # resumes from each projection's own position
    assert set(runner.positions().values()) == {head}
    assert_alike_made_alone(organization, tmp_path)


@pytest.mark.parametrize("store_config", ["sqlite"], indirect=True)
def test_a_side_file_left_by_a_crash_is_replaced(organization):
    runner = organization.runner
    left = side_path(runner.path)
    left.write_bytes(b"not a database: what a killed rebuild might leave")

    runner.rebuild()

    assert runner.side_error == "" and set(runner.side_copied) == SIDE
    assert not left.exists()


def test_the_app_wires_the_second_process(store_config):
    services = bootstrap(store_config, catch_up=False)
    try:
        services.app.register_patron(first_name="Ada", last_name="Byron")
        opener, env = services.runner.side_store
        expected = store_config.eventsourcing_env()
        if store_config.kind == "postgresql":  # the schema is there: it creates nothing
            expected = {**expected, "CREATE_TABLE": "false"}
        assert env == expected
        store = opener(env)
        try:
            assert store.recorder.max_notification_id() == services.runner.head() > 0
        finally:
            store.close()
    finally:
        services.close()
