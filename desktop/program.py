"""The ``houselights`` program's first step (its console script, the installer's
launcher): Ctrl-C pressed while the command line is still loading its modules, or
parsing the command, ends it as a Ctrl-C during a command does, with status 130 and
one line, instead of Python's traceback. Only the standard library's ``sys`` is
loaded before that guard."""

from __future__ import annotations

import sys
from typing import NoReturn

STOPPED = 130


def run() -> NoReturn:
    try:
        from desktop.cli import run as run_command

        run_command()
    except KeyboardInterrupt:
        print("houselights: stopped.", file=sys.stderr)
        sys.exit(STOPPED)
