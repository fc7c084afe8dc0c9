"""How the houselights program ends: its exit handlers run and the exit status is the
command's, but the interpreter is not taken apart object by object (after a big
import that took about 0.2 s; the operating system takes the memory back at once)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: the program as the console script runs it, with a few witnesses around it
PROGRAM = """
import atexit, sys, threading

class Witness:
    def __del__(self):
        print("taken apart", flush=True)

witness = Witness()
atexit.register(lambda: print("exit handlers ran", flush=True))
if sys.argv[1] == "thread":  # a thread still working when the command returns
    done = threading.Event()
    def work():
        threading.main_thread().join()  # until the program has ended the command
        print("the thread finished", flush=True)
    threading.Thread(target=work).start()
sys.argv = ["houselights", *sys.argv[2:]]
from desktop.program import run
run()
"""


def program(*argv: str, script: str = PROGRAM) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", script, *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_program_ends_without_taking_the_interpreter_apart(tmp_path):
    done = program("plain", "--data", str(tmp_path / "data"), "status", "--json")

    assert done.returncode == 0, done.stderr
    first, *rest = done.stdout.splitlines()
    assert json.loads(first)["events"] == 0  # what it printed is all there
    assert rest == ["exit handlers ran"]  # and nothing was taken apart after them
    assert done.stderr == ""


def test_the_exit_status_is_the_commands(tmp_path):
    done = program("plain", "--data", str(tmp_path / "data"), "import", "sales", "missing.csv")

    assert done.returncode == 1
    assert "There is no file missing.csv" in done.stderr
    assert done.stdout.splitlines() == ["exit handlers ran"]


def test_a_thread_still_working_is_waited_for(tmp_path):
    done = program("thread", "--data", str(tmp_path / "data"), "status", "--json")

    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert json.loads(lines[0])["events"] == 0
    # the ordinary exit: the thread ends its work, then the interpreter is taken apart
    assert lines[1:] == ["the thread finished", "exit handlers ran", "taken apart"]


def test_the_second_process_of_an_import_starts_without_qt_or_the_services():
    """The import's second process (started with "spawn") imports the program's main
    module again: importing the command line loads only what parsing the command needs,
    each command imports the rest."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, desktop.cli; print(' '.join(sorted(sys.modules)))",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    loaded = set(done.stdout.split())
    heavy = {
        "PySide6",
        "PySide6.QtCore",
        "desktop.formatting",
        "desktop.settings",
        "infrastructure.backups",
        "infrastructure.bootstrap",
        "domain.application",
        "eventsourcing.persistence",
        "projections",
        "sqlite_utils",
        "importlib.metadata",
    }
    assert loaded & heavy == set()


#: the console script, with Ctrl-C pressed while the command line loads its modules
#: (a signal sent by the process to itself when one of them is first imported)
INTERRUPTED_WHILE_LOADING = """
import os, signal, sys

class PressCtrlC:
    def find_spec(self, name, path=None, target=None):
        if name == PRESSED_AT:
            os.kill(os.getpid(), signal.SIGINT)
        return None

# what Python sets at start, unless it was started with Ctrl-C ignored (a background
# job of a script is, and its children keep that)
signal.signal(signal.SIGINT, signal.default_int_handler)
PRESSED_AT = sys.argv[1]
sys.meta_path.insert(0, PressCtrlC())
sys.argv = ["houselights", *sys.argv[2:]]
from desktop.program import run
run()
"""


@pytest.mark.parametrize(
    "module", ["domain.errors", "infrastructure.config", "desktop.cli_backups"]
)
def test_ctrl_c_while_the_program_loads_is_one_line_and_status_130(tmp_path, module):
    done = program(module, "--data", str(tmp_path), "status", script=INTERRUPTED_WHILE_LOADING)

    assert done.returncode == 130, done.stderr
    assert done.stderr == "houselights: stopped.\n"
    assert done.stdout == ""
    assert not (tmp_path / "events.sqlite").exists()  # nothing was begun
