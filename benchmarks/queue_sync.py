"""Ways to make one queued door scan durable, side by side on this disk. Prints
figures; asserts nothing.

    uv run python benchmarks/queue_sync.py [--writes 500] [--folder DIR]

Every offline scan waits for its queue row to reach the disk (``fdatasync``) before
the verdict shows. This compares, interleaved write by write (so each sees the same
disk at the same moment), one small record made durable by:

- ``sqlite now``: ``infrastructure.door_queue.DoorQueue.add`` as the door does it (WAL,
  ``synchronous=FULL``, no checkpoint on the scan's path; a checkpoint every 2 s beside
  it, as the window's background sync does, so the log is started again from its
  beginning and written over in place);
- ``sqlite warmed log``: the same, but the log is first filled once to 4 MB with real
  blocks (one big transaction, deleted and checkpointed), so no scan ever makes it grow;
- ``raw pwrite in place``: a file of 4 MB of zeros written and synced once, each record
  ``os.pwrite`` into the next 512-byte slot, then ``os.fdatasync`` (the file never
  grows: no metadata to commit);
- ``raw pwrite O_DSYNC``: the same file opened with ``O_DSYNC`` (write and sync in one
  call);
- ``raw append``: ``os.write`` at the end of a growing file, then ``os.fdatasync``
  (the file's size changes with each record: a journal commit each time).

Then the same again beside a CPU hog (``python -c 'while 1: pass'``, nice 0).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from infrastructure.door_queue import DoorQueue  # noqa: E402

SIZE = 4 * 1024 * 1024
SLOT = 512


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def record(n: int) -> bytes:
    line = f"{uuid.uuid4()}\tadmission\tHL-{n:08d}\tperf\tMain door\t2026-12-06T19:30:00\n"
    return line.encode().ljust(SLOT, b" ")


class SqliteNow:
    name = "sqlite now"

    def __init__(self, folder: Path, warm: bool = False) -> None:
        self.queue = DoorQueue(folder / f"queue-{'warm' if warm else 'now'}.sqlite")
        if warm:
            conn = self.queue._conn
            conn.execute("CREATE TABLE IF NOT EXISTS warm (b BLOB)")
            conn.execute("BEGIN")
            conn.executemany("INSERT INTO warm VALUES (?)", [(b"\0" * 4000,)] * 1000)
            conn.execute("COMMIT")
            conn.execute("DROP TABLE warm")
            self.queue.checkpoint()
        self.n = 0

    def write(self) -> None:
        self.n += 1
        self.queue.add(
            "admission",
            f"HL-{self.n:08d}",
            "perf",
            "Main door",
            "2026-12-06T19:30:00",
            verdict="admit",
        )

    def close(self) -> None:
        self.queue.close()


class SqliteWarm(SqliteNow):
    name = "sqlite warmed log"

    def __init__(self, folder: Path) -> None:
        super().__init__(folder, warm=True)


class RawInPlace:
    name = "raw pwrite in place"
    flags = 0

    def __init__(self, folder: Path) -> None:
        path = folder / f"{self.name.replace(' ', '-')}.queue"
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        os.write(fd, b"\0" * SIZE)  # real blocks, not a hole or unwritten extents
        os.fsync(fd)
        os.close(fd)
        self.fd = os.open(path, os.O_RDWR | self.flags)
        self.n = 0

    def write(self) -> None:
        os.pwrite(self.fd, record(self.n), (self.n * SLOT) % SIZE)
        self.n += 1
        if not self.flags:
            os.fdatasync(self.fd)

    def close(self) -> None:
        os.close(self.fd)


class RawDsync(RawInPlace):
    name = "raw pwrite O_DSYNC"
    flags = os.O_DSYNC


class RawAppend:
    name = "raw append"

    def __init__(self, folder: Path) -> None:
        self.fd = os.open(folder / "append.queue", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        self.n = 0

    def write(self) -> None:
        os.write(self.fd, record(self.n))
        self.n += 1
        os.fdatasync(self.fd)

    def close(self) -> None:
        os.close(self.fd)


KINDS = (SqliteNow, SqliteWarm, RawInPlace, RawDsync, RawAppend)


def run(folder: Path, writes: int) -> dict[str, list[float]]:
    ways = [kind(folder) for kind in KINDS]
    stop = threading.Event()

    def checkpoints() -> None:  # the window's background sync, every 2 s
        while not stop.wait(2.0):
            for way in ways:
                if isinstance(way, SqliteNow):
                    way.queue.checkpoint()

    beside = threading.Thread(target=checkpoints, daemon=True)
    beside.start()
    times: dict[str, list[float]] = {way.name: [] for way in ways}
    try:
        for _ in range(writes):
            for way in ways:
                t0 = time.perf_counter()
                way.write()
                times[way.name].append(time.perf_counter() - t0)
    finally:
        stop.set()
        beside.join()
        for way in ways:
            way.close()
    return times


def show(title: str, times: dict[str, list[float]]) -> None:
    print(f"\n{title}")
    print(f"{'way':<22} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for name, values in times.items():
        p50, p99, top = percentile(values, 0.5), percentile(values, 0.99), max(values)
        print(f"{name:<22} {p50 * 1000:8.2f} {p99 * 1000:8.2f} {top * 1000:8.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--writes", type=int, default=500)
    parser.add_argument("--folder", type=Path, default=None)
    args = parser.parse_args(argv)
    base = Path(tempfile.mkdtemp(prefix="queue-sync-", dir=args.folder))
    try:
        print(f"{args.writes} writes of each way, interleaved, in {base}")
        print(f"load average before: {os.getloadavg()}")
        quiet = base / "quiet"
        quiet.mkdir()
        show("without a hog", run(quiet, args.writes))
        hogged = base / "hog"
        hogged.mkdir()
        hog = subprocess.Popen([sys.executable, "-c", "while 1: pass"])
        try:
            show("beside a CPU hog (nice 0)", run(hogged, args.writes))
        finally:
            hog.kill()
            hog.wait()
        print(f"\nload average after: {os.getloadavg()}")
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
