"""installer/build.py, imported as a module for the tests (it is a script)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).parents[2]
_spec = importlib.util.spec_from_file_location("houselights_build", ROOT / "installer" / "build.py")
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)
