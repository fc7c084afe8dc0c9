"""The door's queue file: durable, and small over a season (issue 18)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from infrastructure.door_queue import KEEP_SENT_DAYS, DoorQueue


def test_scans_the_store_took_long_ago_are_forgotten_waiting_ones_never(tmp_path):
    path = tmp_path / "door-queue.sqlite"
    queue = DoorQueue(path)
    long_ago = datetime.now(tz=UTC) - timedelta(days=KEEP_SENT_DAYS + 30)
    old_sent = queue.add("admit", "AAA111", "show-1", "Main door", long_ago.isoformat())
    old_waiting = queue.add("admit", "BBB222", "show-1", "Main door", long_ago.isoformat())
    recent = queue.add("admit", "CCC333", "show-2", "Main door", datetime.now(tz=UTC).isoformat())
    queue.mark_sent([(old_sent, "sent")], (long_ago + timedelta(minutes=5)).isoformat())
    queue.mark_sent([(recent, "sent")], datetime.now(tz=UTC).isoformat())
    queue.close()

    queue = DoorQueue(path)  # the next start
    try:
        assert [s["id"] for s in queue.pending()] == [old_waiting]
        assert queue.outcomes() == {"sent": 1}  # the recent one, kept for the door's record
    finally:
        queue.close()


def test_a_scan_is_in_the_file_when_add_returns_and_no_scan_checkpoints(tmp_path):
    path = tmp_path / "door-queue.sqlite"
    queue = DoorQueue(path)
    for n in range(300):  # more than SQLite's automatic checkpoint would let pass
        queue.add("admit", f"CODE{n:04}", "show-1", "Main door", "2026-12-06T19:00:00+00:00")
    other = sqlite3.connect(path)  # another process sees every scan already
    assert other.execute("SELECT count(*) FROM queued_scans").fetchone()[0] == 300
    other.close()
    wal = path.with_name(path.name + "-wal")
    grown = wal.stat().st_size
    log_frames, copied = queue.checkpoint()  # the background sync's work
    # every scan's pages were still in the log: no scan paid for a checkpoint (SQLite's
    # automatic one would have started the log again after 1,000 pages)
    assert log_frames > 1000 and copied == log_frames
    queue.add("admit", "LAST", "show-1", "Main door", "2026-12-06T19:00:00+00:00")
    assert wal.stat().st_size == grown  # the log starts again from its beginning
    assert queue.waiting() == 301
    queue.close()
