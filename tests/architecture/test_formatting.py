"""The code is laid out by ``ruff format`` alone (``uv run ruff format .``).

Lines that asked the formatter to leave them alone (there were 1,690 of them) made
every file look different and hid long lines from the checks; they are gone, and this
keeps a new one from coming back. Only comments count: a string may mention them.
"""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

from tests.architecture.imports_graph import ROOT

#: a comment that switches the formatter off for a line or a block (ruff and black)
ESCAPE = re.compile(r"#\s*fmt\s*:\s*(skip|off)\b")
#: folders that are not the project's source (tools, caches, builds)
NOT_SOURCE = {".venv", ".git", "build", "dist", "__pycache__", "node_modules"}


def python_files(root: Path) -> list[Path]:
    return sorted(
        path
        for path in root.rglob("*.py")
        if not NOT_SOURCE & set(path.relative_to(root).parts[:-1])
        and not any(part.startswith(".") for part in path.relative_to(root).parts[:-1])
    )


def formatter_escapes(root: Path) -> list[str]:
    """``path:line`` of every comment under ``root`` that turns the formatter off."""
    found = []
    for path in python_files(root):
        source = path.read_text(encoding="utf-8")
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT and ESCAPE.search(token.string):
                found.append(f"{path.relative_to(root)}:{token.start[0]}")
    return found


def test_no_line_tells_the_formatter_to_skip_it():
    assert formatter_escapes(ROOT) == []


def test_the_check_finds_a_skipped_line_and_a_switched_off_block(tmp_path):
    marker = "# fmt" + ": "  # not written whole, so this file does not carry it
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "table.py").write_text(
        f"ROWS = [1,2,  3]  {marker}skip\n"
        f"{marker}off\nGRID = [[1, 0],\n        [0, 1]]\n{marker.replace(' ', '')}on\n"
        'TEXT = "# fmt: skip is only words here"\n',
        encoding="utf-8",
    )
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "vendored.py").write_text(f"X = 1  {marker}skip\n", encoding="utf-8")
    assert formatter_escapes(tmp_path) == ["pkg/table.py:1", "pkg/table.py:2"]
