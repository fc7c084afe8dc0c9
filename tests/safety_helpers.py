"""Shared by the data-safety tests (issue 19): a small store made once, copied per test."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from desktop.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def noise(path: Path, size: int = 4096) -> None:
    """4 KB of noise written over a page in the middle of the file, as a failing disk
    or a stray program does (page-aligned, so a whole page is garbage)."""
    raw = bytearray(path.read_bytes())
    middle = (len(raw) // 2) // 4096 * 4096
    raw[middle : middle + size] = bytes((i * 7919 + 13) % 251 for i in range(size))
    path.write_bytes(bytes(raw))


def copy_store(template: Path, target: Path) -> Path:
    shutil.copytree(template, target)
    return target


def a_ticket(capsys, data: Path) -> tuple[str, str]:
    """(code, performance id) of a sold, not yet admitted ticket."""
    _, out, _ = run(capsys, "--data", str(data), "performances", "--json")
    for performance in json.loads(out):
        _, out, _ = run(
            capsys, "--data", str(data), "tickets", "--performance", performance["id"], "--json"
        )
        for ticket in json.loads(out):
            if ticket["status"] == "valid":
                return ticket["code"], performance["id"]
    raise AssertionError("the demo has no valid ticket")
