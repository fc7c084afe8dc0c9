"""Workstations starting at the same moment on one shared PostgreSQL store.

Each round runs two real ``houselights check-in`` processes on a fresh database
and lets them open the store at the same moment. The processes are forked from one
launcher that has imported the command line once (importing it took 1.4 s of each
process's 1.5 s, sixty times a test): each child waits, fully imported, on a pipe of
its own, and the launcher writes to every pipe once all of them are waiting.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from infrastructure.bootstrap import bootstrap
from infrastructure.config import resolve
from infrastructure.shared_store import ServerProblem, open_shared

ROUNDS = 30
#: a failure timeout (the processes are waited for), not a speed assertion
DEADLINE_S = 180

#: reads one round per line (a folder and the commands' arguments) and answers with
#: the exit statuses; each command's output is left in the folder. Its standard input
#: closing (the test gone) ends it, and a waiting child ends with it.
LAUNCHER = f"""
DEADLINE_S = {DEADLINE_S}
import json, logging, os, signal, sys
import desktop.cli, desktop.door_check, infrastructure.shared_store, psycopg
from desktop.cli import main

def child(folder, number, args, gate, ready):
    for fd, name in ((1, "out"), (2, "err")):
        os.dup2(os.open(os.path.join(folder, f"{{name}}-{{number}}"), os.O_WRONLY | os.O_CREAT), fd)
    os.write(ready, b"r")
    signal.alarm(DEADLINE_S)  # (a child that hangs ends, and its round fails)
    code = 3
    try:
        if os.read(gate, 1) == b"g":
            code = main(args) or 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        logging.shutdown()
        os._exit(code)

for line in sys.stdin:
    folder, commands = json.loads(line)
    ready_r, ready_w = os.pipe()
    gates, children = [], []
    for number, args in enumerate(commands):
        gate_r, gate_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            child(folder, number, args, gate_r, ready_w)
        os.close(gate_r)
        gates.append(gate_w)
        children.append(pid)
    for _ in children:
        os.read(ready_r, 1)
    for gate in gates:
        os.write(gate, b"g")
    codes = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in children]
    for fd in (ready_r, ready_w, *gates):
        os.close(fd)
    print(json.dumps(codes), flush=True)
"""


@pytest.fixture(scope="module")
def launcher():
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    process = subprocess.Popen(
        [sys.executable, "-c", LAUNCHER],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    yield process
    process.stdin.close()
    process.wait(timeout=DEADLINE_S)


def fresh_database(admin_url: str) -> str:
    name = "hl_" + uuid.uuid4().hex[:12]
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(urlsplit(admin_url)._replace(path="/" + name))


def drop_database(admin_url: str, url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start_together(
    launcher: subprocess.Popen, folder: Path, commands: list[list[str]]
) -> list[subprocess.CompletedProcess]:
    """Run the CLI commands as separate processes released at one moment."""
    launcher.stdin.write(json.dumps([str(folder), commands]) + "\n")
    launcher.stdin.flush()
    answer = launcher.stdout.readline()
    assert answer, "the launcher ended"
    return [
        subprocess.CompletedProcess(
            args,
            code,
            (folder / f"out-{number}").read_text(),
            (folder / f"err-{number}").read_text(),
        )
        for number, (args, code) in enumerate(zip(commands, json.loads(answer), strict=True))
    ]


def test_two_check_ins_started_together_on_a_fresh_store_never_fail(
    launcher, postgres_url, tmp_path
):
    """Thirty rounds, each on a new database: both processes create-or-find the schema
    and answer the door's question; none says the store is damaged."""
    performance = str(uuid.uuid4())
    for round_number in range(ROUNDS):
        url = fresh_database(postgres_url)
        folder = tmp_path / f"round-{round_number}"
        folder.mkdir()
        try:
            results = start_together(
                launcher,
                folder,
                [
                    [
                        "--data",
                        str(folder / f"door-{n}"),
                        "--store",
                        url,
                        "check-in",
                        "EB-00000",
                        "--performance",
                        performance,
                        "--json",
                    ]
                    for n in (1, 2)
                ],
            )
        finally:
            drop_database(postgres_url, url)
        for result in results:
            # the store opened: the only complaint is the unknown performance
            assert result.returncode == 1, (round_number, result.stderr)
            assert "could not find that performance" in result.stderr, (round_number, result.stderr)
            assert "backup" not in result.stderr and "could not be read" not in result.stderr


def test_two_doors_started_together_admit_a_ticket_exactly_once(launcher, postgres_db, tmp_path):
    """On a store in use: two door processes start at once, both scan the same ticket."""
    services = bootstrap(resolve(tmp_path / "office", store=postgres_db))
    app = services.app
    show = app.schedule_performance(
        app.create_production("Aida"), datetime.now(tz=UTC) + timedelta(hours=1), 50, {"Adult": 900}
    )
    codes = app.sell_tickets(show, {"Adult": 5}).codes
    services.close()
    for number, code in enumerate(codes):
        folder = tmp_path / f"round-{number}"
        folder.mkdir()
        results = start_together(
            launcher,
            folder,
            [
                [
                    "--data",
                    str(folder / f"door-{n}"),
                    "--store",
                    postgres_db,
                    "check-in",
                    code,
                    "--performance",
                    show,
                    "--door",
                    f"Door {n}",
                    "--json",
                ]
                for n in (1, 2)
            ],
        )
        verdicts = sorted(json.loads(r.stdout)["verdict"] for r in results)
        assert verdicts == ["admit", "already_admitted"], [r.stderr for r in results]


def test_an_unreachable_server_is_named_not_a_damaged_file(tmp_path, capsys):
    from desktop.cli import main

    with socket_that_refuses() as port:
        url = f"postgresql://houselights@127.0.0.1:{port}/houselights"
        status = main(
            [
                "--data",
                str(tmp_path),
                "--store",
                url,
                "check-in",
                "EB-00000",
                "--performance",
                str(uuid.uuid4()),
            ]
        )
    err = capsys.readouterr().err
    assert status == 5  # a server problem: its own exit status (issue 19)
    assert f"Cannot reach the server at 127.0.0.1:{port}" in err
    assert "backup" not in err and "file" not in err


def test_a_refused_user_is_named_as_a_refusal(postgres_url, tmp_path, capsys):
    from desktop.cli import main

    url = urlunsplit(urlsplit(postgres_url)._replace(path="/no_such_database_here"))
    status = main(
        [
            "--data",
            str(tmp_path),
            "--store",
            url,
            "check-in",
            "EB-00000",
            "--performance",
            str(uuid.uuid4()),
        ]
    )
    err = capsys.readouterr().err
    assert status == 5  # a server problem: its own exit status (issue 19)
    assert "refused the connection" in err and "no_such_database_here" in err
    assert "backup" not in err


def test_a_user_without_the_right_to_create_tables_is_told_so(postgres_url, tmp_path):
    url = fresh_database(postgres_url)
    role = "hl_reader_" + uuid.uuid4().hex[:8]
    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{role}" LOGIN')
        conn.execute(f'REVOKE ALL ON DATABASE "{name}" FROM PUBLIC')
        conn.execute(f'GRANT CONNECT ON DATABASE "{name}" TO "{role}"')
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    reader = urlunsplit(
        urlsplit(url)._replace(netloc=f"{role}@{urlsplit(url).hostname}:{urlsplit(url).port}")
    )
    try:
        with pytest.raises(ServerProblem) as raised:
            bootstrap(resolve(tmp_path, store=reader))
        assert raised.value.kind == "refused"
        assert "refused user" in str(raised.value) and role in str(raised.value)
    finally:
        drop_database(postgres_url, url)
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute(f'DROP ROLE IF EXISTS "{role}"')


def test_a_transient_catalogue_race_is_tried_again(postgres_db):
    """The server's 'tuple concurrently updated' on the first try: the second try opens."""
    from infrastructure.config import postgres_env

    env = postgres_env(postgres_db)
    tries = []

    def open_app(opened):
        tries.append(opened["CREATE_TABLE"])
        if len(tries) == 1:
            raise psycopg.errors.InternalError_("tuple concurrently updated")
        return "opened"

    assert open_shared(env, open_app, sleep=lambda _s: None) == "opened"
    assert tries == ["true", "true"]


class socket_that_refuses:  # noqa: N801 - a context manager read as a phrase
    """A port nothing listens on (bound, never listening: connections are refused)."""

    def __enter__(self) -> int:
        import socket

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        return self.sock.getsockname()[1]

    def __exit__(self, *exc) -> None:
        self.sock.close()
