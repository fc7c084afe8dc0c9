"""The packages uv installs are compiled when it installs them (``[tool.uv]
compile-bytecode`` in pyproject.toml), so a start of the app, or of an import's second
process, does not compile them again.

A Python told not to keep what it compiles (``PYTHONDONTWRITEBYTECODE``, as this
project's development machine and many containers set it) otherwise compiled every
installed module it imported at every start: 0.2 s more for each of an import's two
processes (docs/performance.md, *Compiled once, at install*).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest


def _installed_by_uv() -> bool:
    """Whether this interpreter's environment is one uv made (``uv run``, ``uv sync``)."""
    settings = Path(sys.prefix) / "pyvenv.cfg"
    return settings.is_file() and "uv =" in settings.read_text(encoding="utf-8")


@pytest.mark.skipif(
    not _installed_by_uv(), reason="the setting is uv's: this environment was not made by uv"
)
@pytest.mark.parametrize(
    "module",
    # what every start imports: the read models' database, the store, and the date
    # parsing sqlite-utils brings
    ["sqlite_utils.recipes", "eventsourcing.persistence", "dateutil.parser._parser"],
)
def test_the_installed_packages_are_compiled_at_install(module: str) -> None:
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None
    compiled = Path(importlib.util.cache_from_source(spec.origin))
    assert compiled.is_file(), (
        f"{module} has no compiled module beside it ({compiled}): uv did not compile the "
        "packages it installed (pyproject.toml's [tool.uv] compile-bytecode)"
    )
    assert compiled.stat().st_mtime >= Path(spec.origin).stat().st_mtime - 1
