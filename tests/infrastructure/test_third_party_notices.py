"""The third-party notices read every package's metadata, whichever importlib reads it."""

from __future__ import annotations

import importlib_metadata  # keyring's dependency: once imported, it answers for the stdlib

from infrastructure import third_party


def test_notices_are_read_when_the_metadata_backport_answers():
    """importlib_metadata (loaded by keyring) replaces the standard library's finder, and
    its metadata raise KeyError for an absent field such as License-Expression, which
    most packages do not declare; the notices must still list every package."""
    from importlib import metadata

    assert isinstance(metadata.distribution("pyzbar"), importlib_metadata.Distribution)
    names = [notice.name for notice in third_party.notices()]
    for component in ("pyzbar", "eventsourcing", "PySide6_Essentials"):
        assert component in names
