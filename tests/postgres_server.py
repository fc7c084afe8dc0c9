"""A real PostgreSQL server for the shared-store tests.

Resolution order: ``HOUSELIGHTS_TEST_POSTGRES`` (CI starts a server and sets
it); otherwise a throwaway cluster started for the test session when
PostgreSQL's server programs are installed; otherwise ``None``.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def _bin_dir() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version_key)
    candidates += glob.glob("/opt/homebrew/opt/postgresql*/bin/initdb")
    candidates += glob.glob("/usr/local/opt/postgresql*/bin/initdb")
    return Path(candidates[-1]).parent if candidates else None


def _version_key(path: str) -> float:
    try:
        return float(Path(path).parts[-3])
    except ValueError:
        return 0.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ThrowawayServer:
    """initdb + pg_ctl in a temporary folder; as root, run as the postgres user."""

    def __init__(self, bin_dir: Path):
        self.bin_dir = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="houselights-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.as_root = hasattr(os, "geteuid") and os.geteuid() == 0
        self.user = "postgres" if self.as_root else None

    def _run(self, *args: str) -> None:
        cmd = [str(self.bin_dir / args[0]), *args[1:]]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)

    def start(self) -> str:
        if self.as_root:
            shutil.chown(self.root, user="postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-w",
            "-l",
            str(self.root / "server.log"),
            "-o",
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        )
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


def start_server() -> tuple[str | None, ThrowawayServer | None, str]:
    """(admin URL, server to stop later, reason when there is none)."""
    url = os.environ.get("HOUSELIGHTS_TEST_POSTGRES")
    if url:
        return url, None, ""
    bin_dir = _bin_dir()
    if bin_dir is None:
        return (
            None,
            None,
            (
                "PostgreSQL server programs not found: install PostgreSQL "
                "(or set HOUSELIGHTS_TEST_POSTGRES) to run the shared-store tests"
            ),
        )
    server = ThrowawayServer(bin_dir)
    try:
        return server.start(), server, ""
    except (subprocess.SubprocessError, OSError) as error:
        server.stop()
        detail = getattr(error, "stderr", b"") or b""
        return None, None, f"could not start a PostgreSQL server: {error} {detail[-300:]!r}"
