"""A long import's read models brought up to date by a second process while it runs.

Real processes (spawned, as in the app), real SQLite read-model files, the real
import of a generated export, on SQLite and on the real PostgreSQL server: the
second process applies each saved chunk while the next is being saved, and the
read models it leaves are those a rebuild from the first event makes.
"""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from benchmarks.bench_sales_import import export
from demo import organization as demo
from domain.collector import BULK_GC_THRESHOLD
from imports import sales_import
from imports.sales_file import read_sales_file
from infrastructure.bootstrap import open_store
from projections import all_projections
from projections import ladder as ladder_module
from projections.alongside import HELD_CACHE_KIB, CatchUpAlongside
from projections.base import iso
from projections.database import HeldWrites, open_readmodels
from projections.runner import ReadModelRunner
from tests.crash.test_killed_mid_work import table_rows

#: how long a test waits for the second process before calling it hung (a guard, not a
#: measure: every wait ends as soon as what it waits for has happened)
HANG_S = 120


def wait_until(reached: Callable[[], bool]) -> None:
    """Wait until ``reached()`` (``HANG_S`` is a hang guard: it goes on as soon as it is)."""
    pause, waited = threading.Event(), 0.0
    while not reached() and waited < HANG_S:
        pause.wait(0.05)
        waited += 0.05


def broken_store(env: dict[str, str]):
    raise RuntimeError("the second process could not open the store")


@pytest.fixture
def organization(start):
    """A small demo organization, its read models up to date, not catching up after
    saves (as the command line imports)."""
    services = start(batch_size=100)
    demo.generate(services.app, 30, seed=5)
    services.runner.catch_up()
    services.app.unsubscribe(services.runner.notify)
    yield services
    services.app.subscribe(services.runner.notify)


def a_season(tmp_path: Path, rows: int = 600):
    path = tmp_path / "season.csv"
    export(path, rows)
    return read_sales_file(path)


def assert_alike_a_rebuild(services, tmp_path: Path) -> None:
    """Every read-model row equals what a rebuild from the first event makes."""
    fresh = ReadModelRunner(
        services.app.recorder, services.app.mapper, tmp_path / "fresh.sqlite", all_projections()
    )
    try:
        fresh.rebuild()
        assert table_rows(services.runner.db()) == table_rows(fresh.db())
    finally:
        fresh.close()


def unranked_buyers(runner: ReadModelRunner) -> int:
    """Patrons with an order whose rung the ladder has not worked out yet."""
    return (
        runner.db()
        .conn.execute(
            "SELECT count(DISTINCT f.patron_id) FROM ladder_facts f"
            " JOIN ladder_rungs r ON r.patron_id = f.patron_id WHERE r.rung = 'prospect'"
        )
        .fetchone()[0]
    )


def test_the_second_process_applies_each_chunk_while_the_next_is_saved(
    organization, tmp_path, monkeypatch
):
    monkeypatch.setattr(sales_import, "CHUNK_ORDERS", 60)
    runner = organization.runner
    runner.alongside_hold_s = 0  # each step committed: this process reads what it did
    before = runner.head()
    second = runner.start_alongside()
    assert second is not None
    caught_up_during_the_import: list[int] = []
    ranked_during_the_import: list[int] = []

    def progress(done: int, total: int, phase: str = "") -> None:
        # After the first chunk is saved (and before the next one is), wait until the
        # second process has applied it: the import goes on only once it has.
        if not caught_up_during_the_import and runner.head() > before + 200:
            saved = runner.head()
            wait_until(lambda: second.position() >= saved)
            caught_up_during_the_import.append(second.position() - saved)
            # waiting for the next chunk, it works the ladder out ahead of the end
            wait_until(lambda: not unranked_buyers(runner))
            ranked_during_the_import.append(unranked_buyers(runner))

    report = sales_import.import_sales(
        organization.app, a_season(tmp_path), timezone="Europe/London", progress=progress
    )
    head = runner.head()
    applied = runner.finish_alongside(second)

    assert report["imported"] > 120 and not report["rejected"]
    assert caught_up_during_the_import == [0]  # it had applied the first chunk, exactly
    assert ranked_during_the_import == [0]
    assert second.error == ""
    assert (second.applied, applied) == (head - before, head - before)
    assert runner.positions() == dict.fromkeys(runner.positions(), head)
    assert_alike_a_rebuild(organization, tmp_path)


def test_the_second_process_holds_its_writes_and_commits_them_once(
    organization, tmp_path, monkeypatch
):
    """Its steps are one transaction, committed at the end (or after ``alongside_hold_s``):
    while it applies chunk after chunk, others reading the read models see them as they
    were, and its progress still counts what it has applied."""
    monkeypatch.setattr(sales_import, "CHUNK_ORDERS", 60)
    runner = organization.runner
    runner.alongside_hold_s = 3600  # (never reached here: only the end commits)
    before = runner.head()
    second = runner.start_alongside()
    assert second is not None
    seen: list[tuple[int, int, dict[str, int]]] = []

    def progress(done: int, total: int, phase: str = "") -> None:
        # once two chunks are saved, wait until the second process has applied them
        if not seen and runner.head() > before + 400:
            saved = runner.head()
            wait_until(lambda: second.applied_to() >= saved)
            seen.append((second.applied_to() - saved, second.position(), runner.positions()))

    sales_import.import_sales(
        organization.app, a_season(tmp_path), timezone="Europe/London", progress=progress
    )
    head = runner.head()
    runner.finish_alongside(second)

    [(applied_beyond, committed, read_here)] = seen
    assert applied_beyond == 0  # applied both chunks, exactly ...
    assert committed == before  # ... and committed none of them
    assert read_here == dict.fromkeys(read_here, before)
    assert second.error == "" and second.applied == head - before
    assert second.position() == head
    assert runner.positions() == dict.fromkeys(runner.positions(), head)
    assert_alike_a_rebuild(organization, tmp_path)


def test_held_writes_apply_batch_after_batch_with_no_savepoint(organization, tmp_path):
    """In a held transaction a catch-up's batches open no savepoint of their own (one in a
    long transaction copies every page it first changes aside: steps twice as slow);
    nothing is seen elsewhere before the commit; a failing batch rolls back all of it."""
    services = organization
    sales_import.import_sales(services.app, a_season(tmp_path, 300), timezone="Europe/London")
    runner = services.runner
    before, head = min(runner.positions().values()), runner.head()
    db = runner.db()
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    try:
        with HeldWrites(db, hold_s=3600) as held:
            held.begin()
            runner.catch_up(until=head - 300)
            runner.catch_up()
            assert not held.due()
            elsewhere = open_readmodels(runner.path)
            assert {r[1] for r in elsewhere.conn.execute("SELECT * FROM projection_positions")} == {
                before
            }
            elsewhere.conn.close()
    finally:
        db.conn.set_trace_callback(None)
    words = [s.split()[0].upper() for s in statements if s.strip()]
    assert "SAVEPOINT" not in words and words.count("COMMIT") == 1
    assert words.count("INSERT") + words.count("UPDATE") > 100  # (the batches ran in it)
    assert runner.positions() == dict.fromkeys(runner.positions(), head)
    assert_alike_a_rebuild(services, tmp_path)


def test_a_failing_batch_rolls_back_everything_held(organization, tmp_path):
    services = organization
    sales_import.import_sales(services.app, a_season(tmp_path, 300), timezone="Europe/London")
    runner = services.runner
    before, head = runner.positions(), runner.head()
    batches: list[int] = []

    def fail_on_the_third(last: int) -> None:
        batches.append(last)
        if len(batches) == 3:
            raise RuntimeError("the disk is full")

    runner.after_batch = fail_on_the_third
    db = runner.db()
    with pytest.raises(RuntimeError, match="disk is full"), HeldWrites(db, 3600) as held:
        held.begin()
        runner.catch_up()
    assert not db.conn.in_transaction and len(batches) == 3
    assert runner.positions() == before  # the first two batches are gone too
    # (a runner whose held writes were rolled back is not used again: the second
    # process ends, and the first one catches up with a runner of its own)
    again = ReadModelRunner(
        services.app.recorder, services.app.mapper, runner.path, all_projections()
    )
    try:
        again.catch_up()
        assert again.positions() == dict.fromkeys(again.positions(), head)
        assert_alike_a_rebuild(services, tmp_path)
    finally:
        again.close()


class NotingRunner(ReadModelRunner):
    """A runner that notes, at each catch-up, its process, how the garbage collector is
    set and its page cache (KiB), in the file named by ``HOUSELIGHTS_TEST_NOTES``."""

    def catch_up(self, *args, **kwargs):
        size = self.db().conn.execute("PRAGMA cache_size").fetchone()[0]
        frozen = gc.get_freeze_count() > 0
        with open(os.environ["HOUSELIGHTS_TEST_NOTES"], "a", encoding="utf-8") as notes:
            notes.write(f"{os.getpid()} {gc.get_threshold()[0]} {frozen} {-size}\n")
        return super().catch_up(*args, **kwargs)


def noted_in_the_second_process(notes: Path) -> list[tuple[int, bool, int]]:
    """(collector threshold, objects frozen, page cache) at each of its catch-ups."""
    rows = [line.split() for line in notes.read_text().splitlines()]
    return [
        (int(threshold), frozen == "True", int(cache))
        for pid, threshold, frozen, cache in rows
        if int(pid) != os.getpid()
    ]


def test_the_second_process_holds_the_garbage_collector_back(organization, tmp_path, monkeypatch):
    """Decoding and applying tens of thousands of events, it ran the collector hundreds
    of times over all of its objects; it now does as the import does
    (``fewer_collections``)."""
    notes = tmp_path / "notes.txt"
    monkeypatch.setenv("HOUSELIGHTS_TEST_NOTES", str(notes))
    runner = organization.runner
    before = runner.head()
    opener, env = runner.side_store
    second = CatchUpAlongside.start(
        NotingRunner, opener, env, runner.projections, str(runner.path), 20_000, before
    )
    assert second is not None
    sales_import.import_sales(organization.app, a_season(tmp_path), timezone="Europe/London")
    runner.finish_alongside(second)

    assert second.error == "" and second.applied == runner.head() - before
    noted = noted_in_the_second_process(notes)
    assert noted and {(threshold, frozen) for threshold, frozen, _ in noted} == {
        (BULK_GC_THRESHOLD, True)
    }
    assert_alike_a_rebuild(organization, tmp_path)


@pytest.mark.parametrize("asked", [None, 32_000])
def test_the_second_process_uses_the_page_cache_it_is_given(
    organization, tmp_path, monkeypatch, asked
):
    """A big file's import gives it a smaller one (memory: ``beside_cache_kib``)."""
    notes = tmp_path / "notes.txt"
    monkeypatch.setenv("HOUSELIGHTS_TEST_NOTES", str(notes))
    runner = organization.runner
    monkeypatch.setattr(runner, "__class__", NotingRunner)  # what it starts
    before = runner.head()
    second = runner.start_alongside(asked)
    assert second is not None
    sales_import.import_sales(organization.app, a_season(tmp_path), timezone="Europe/London")
    runner.finish_alongside(second)

    assert second.error == "" and second.applied == runner.head() - before
    in_second = {cache for _, _, cache in noted_in_the_second_process(notes)}
    assert in_second == {HELD_CACHE_KIB if asked is None else asked}


def test_a_failed_second_process_leaves_its_work_to_this_one(organization, tmp_path):
    runner = organization.runner
    before = runner.head()
    runner.side_store = (broken_store, runner.side_store[1])
    second = runner.start_alongside()
    assert second is not None

    sales_import.import_sales(organization.app, a_season(tmp_path), timezone="Europe/London")
    applied = runner.finish_alongside(second)

    assert "could not open the store" in second.error
    assert applied == runner.head() - before  # this process applied them all
    assert_alike_a_rebuild(organization, tmp_path)


def test_a_second_process_started_ahead_is_the_one_that_applies_the_import(organization, tmp_path):
    """Started before the store is open (``prepare``), it has imported what it needs when
    it is handed its work: the same process applies every chunk."""
    runner = organization.runner
    before = runner.head()
    prepared = CatchUpAlongside.prepare(("infrastructure.bootstrap",))
    assert prepared is not None
    second = runner.start_alongside(None, prepared)
    assert second is not None and second._process is prepared.process
    sales_import.import_sales(organization.app, a_season(tmp_path), timezone="Europe/London")
    applied = runner.finish_alongside(second)

    assert second.error == "" and second.applied == applied == runner.head() - before
    assert prepared.process.exitcode == 0
    assert_alike_a_rebuild(organization, tmp_path)


def test_a_second_process_started_ahead_and_not_needed_ends(organization):
    """Released without work (the import needs none: read models kept in memory), it
    ends; so does one this process never hands anything, when this process ends."""
    prepared = CatchUpAlongside.prepare()
    assert prepared is not None
    runner = organization.runner
    runner.storage.in_memory = True  # (an encrypted store's read models)
    assert runner.start_alongside(None, prepared) is None
    prepared.process.join(HANG_S)
    assert prepared.process.exitcode == 0


def test_a_second_process_started_ahead_that_failed_is_replaced(organization, tmp_path):
    """One that could not import what it needs has ended when its work comes: a new one
    is started and applies the import."""
    prepared = CatchUpAlongside.prepare(("no_such_module_of_houselights",))
    assert prepared is not None
    prepared.process.join(HANG_S)
    assert "no_such_module_of_houselights" in prepared.result.recv()[1]
    runner = organization.runner
    before = runner.head()
    second = runner.start_alongside(None, prepared)
    assert second is not None and second._process is not prepared.process
    sales_import.import_sales(organization.app, a_season(tmp_path), timezone="Europe/London")
    runner.finish_alongside(second)

    assert second.error == "" and second.applied == runner.head() - before
    assert_alike_a_rebuild(organization, tmp_path)


def test_no_second_process_for_read_models_kept_in_memory(organization):
    runner = organization.runner
    runner.storage.in_memory = True  # (an encrypted store's read models)
    assert runner.start_alongside() is None
    runner.side_store = None
    runner.storage.in_memory = False
    assert runner.start_alongside() is None


def test_the_app_wires_what_the_second_process_opens(organization):
    opener, env = organization.runner.side_store
    assert opener is open_store and env


def test_two_runners_on_one_file_never_apply_a_batch_twice(organization, tmp_path):
    """The window beside a command-line import (or an import's second process) catches
    up the same read-model file: a batch another runner applied between this one's
    reading of the positions and its writing is not applied again."""
    services = organization
    services.app.subscribe(services.runner.notify)  # (the fixture's import mode is not wanted)
    sales_import.import_sales(services.app, a_season(tmp_path, 300), timezone="Europe/London")
    services.app.unsubscribe(services.runner.notify)
    head = services.runner.head()
    # Make the read models behind again, as if the import had not been applied yet.
    fresh_path = tmp_path / "shared.sqlite"
    first = ReadModelRunner(
        services.app.recorder, services.app.mapper, fresh_path, all_projections(), batch_size=100
    )
    first.catch_up(until=head - 250)
    other = ReadModelRunner(
        services.app.recorder, services.app.mapper, fresh_path, all_projections(), batch_size=100
    )
    select = first._select
    overtaken = []

    def select_then_let_the_other_catch_up(plan, start, stop):
        selected = select(plan, start, stop)
        if not overtaken:  # the other runner applies everything before this one writes
            overtaken.append(other.catch_up())
        return selected

    first._select = select_then_let_the_other_catch_up
    try:
        first.catch_up()
        assert overtaken == [250]
        assert first.positions() == dict.fromkeys(first.positions(), head)
        reference = ReadModelRunner(
            services.app.recorder, services.app.mapper, tmp_path / "ref.sqlite", all_projections()
        )
        reference.rebuild()
        assert table_rows(first.db()) == table_rows(reference.db())
        reference.close()
    finally:
        first.close()
        other.close()


def test_catch_ups_in_steps_leave_the_ladders_sums_to_the_end(organization, tmp_path):
    """As the second process follows an import: each step leaves the rungs of the
    patrons it touched to be worked out once, at the end; until then they wait in the
    read models (a stop in between loses none of them)."""
    services = organization
    report = sales_import.import_sales(
        services.app, a_season(tmp_path, 300), timezone="Europe/London"
    )
    runner = services.runner
    runner.sums_deferred = True
    head = runner.head()
    runner.catch_up(until=head - 200)
    runner.catch_up()
    waiting = runner.db().conn.execute("SELECT count(*) FROM ladder_dirty").fetchone()[0]
    assert waiting >= report["created"] > 0  # the import's new buyers, not worked out yet

    runner.sums_deferred = False
    runner.sum_up()

    assert runner.db().conn.execute("SELECT count(*) FROM ladder_dirty").fetchone()[0] == 0
    assert_alike_a_rebuild(services, tmp_path)


def test_the_ladders_sums_worked_out_ahead_end_as_a_rebuild(organization, tmp_path, monkeypatch):
    """The second process works the touched patrons' rungs out whenever it waits for the
    next chunk (``sums_ahead``); the end's work-out then does only those touched again
    since, or whose lapse moment has come in between, and the ladder equals a rebuild's
    at the end's clock."""
    services = organization
    sales_import.import_sales(services.app, a_season(tmp_path, 300), timezone="Europe/London")
    head = services.runner.head()
    runner = ReadModelRunner(
        services.app.recorder, services.app.mapper, tmp_path / "steps.sqlite", all_projections()
    )
    ladder = next(p for p in runner.projections if isinstance(p, ladder_module.Ladder))
    ladder.clock = lambda: datetime(2020, 1, 1, tzinfo=UTC)  # before anyone's lapse
    runner.sums_deferred = True
    try:
        runner.catch_up(until=head - 200)
        runner.sums_ahead()
        worked_ahead = set(ladder._ahead)
        runner.catch_up()
        ahead = dict(ladder._ahead)
        touched_again = worked_ahead - set(ahead)
        waiting = {r[0] for r in runner.db().conn.execute("SELECT patron_id FROM ladder_dirty")}
        # the end's clock: half of those worked out ahead have lapsed by then
        lapses = sorted(moment for moment in ahead.values() if moment)
        end = datetime.fromisoformat(lapses[len(lapses) // 2])
        ladder.clock = lambda: end
        lapsed_since = {pid for pid, moment in ahead.items() if moment and moment <= iso(end)}
        worked: list[str] = []
        work_out = ladder_module.work_out

        def counted(db, ids, *rest):
            ids = list(ids)
            worked.extend(ids)
            return work_out(db, ids, *rest)

        monkeypatch.setattr(ladder_module, "work_out", counted)
        runner.sum_up()
        worked_at_the_end = set(worked)

        reference = ReadModelRunner(
            services.app.recorder, services.app.mapper, tmp_path / "ref.sqlite", all_projections()
        )
        next(p for p in reference.projections if isinstance(p, ladder_module.Ladder)).clock = (
            lambda: end
        )
        reference.rebuild()
        assert table_rows(runner.db()) == table_rows(reference.db())
        reference.close()
        assert touched_again and lapsed_since  # (what the test is about happened)
        assert worked_at_the_end == (waiting - set(ahead)) | lapsed_since
        assert touched_again <= worked_at_the_end and len(worked_at_the_end) < len(waiting)
        assert runner.db().conn.execute("SELECT count(*) FROM ladder_dirty").fetchone()[0] == 0
    finally:
        runner.close()


def test_working_the_ladder_out_ahead_stops_when_asked(organization, tmp_path, monkeypatch):
    """``sums_ahead`` works out a part at a time and stops when asked (the next chunk has
    been saved); what it did not do, the end does."""
    monkeypatch.setattr(ladder_module, "CHUNK", 10)
    services = organization
    sales_import.import_sales(services.app, a_season(tmp_path, 300), timezone="Europe/London")
    runner = services.runner
    ladder = next(p for p in runner.projections if isinstance(p, ladder_module.Ladder))
    runner.sums_deferred = True
    runner.catch_up()
    waiting = runner.db().conn.execute("SELECT count(*) FROM ladder_dirty").fetchone()[0]
    asked: list[int] = []

    def stop() -> bool:
        asked.append(len(ladder._ahead))
        return len(asked) > 1

    runner.sums_ahead(stop)
    assert waiting > 30 and asked == [10, 20] and len(ladder._ahead) == 20
    runner.sums_deferred = False
    runner.sum_up()
    assert_alike_a_rebuild(services, tmp_path)
