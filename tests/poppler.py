"""Reading PDFs back in tests with poppler-utils (pdftotext, pdftoppm).

CI installs poppler-utils and must never skip these tests (as with PostgreSQL
in tests/conftest.py): the mark skips only on a developer's machine without it.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

POPPLER = shutil.which("pdftoppm") and shutil.which("pdftotext")

needs_poppler = pytest.mark.skipif(
    not POPPLER and os.environ.get("CI") != "true",
    reason="poppler-utils (pdftoppm, pdftotext) is not installed",
)


def pdf_text(path) -> str:
    """The text of a PDF, laid out as on the page."""
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
