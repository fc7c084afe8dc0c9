"""The installed app finds the zbar library it ships, not only the system's."""

from __future__ import annotations

import shutil
from ctypes.util import find_library

import pytest
from pyzbar import zbar_library

from infrastructure.bundled import bundle_folder, use_bundled_zbar


@pytest.fixture
def restore_find_library():
    saved = zbar_library.find_library
    yield
    zbar_library.find_library = saved


def test_pyzbar_is_pointed_at_the_bundled_library(tmp_path, restore_find_library):
    (tmp_path / "libzbar.so.0").write_bytes(b"")
    assert use_bundled_zbar(tmp_path) == tmp_path / "libzbar.so.0"
    assert zbar_library.find_library("zbar") == str(tmp_path / "libzbar.so.0")
    assert zbar_library.find_library("c") == find_library("c")  # other names as before


def test_the_bundled_library_really_loads(tmp_path, restore_find_library):
    system = find_library("zbar")
    assert system, "CI installs libzbar0"
    from ctypes import CDLL

    real = CDLL(system)._name
    shutil.copy(
        real if "/" in real else f"/usr/lib/x86_64-linux-gnu/{real}", tmp_path / "libzbar.so.0"
    )
    use_bundled_zbar(tmp_path)
    library, _dependencies = zbar_library.load()
    assert library._name == str(tmp_path / "libzbar.so.0")


def test_without_a_bundled_library_nothing_changes(tmp_path, restore_find_library):
    before = zbar_library.find_library
    assert use_bundled_zbar(tmp_path) is None
    assert zbar_library.find_library is before
    assert bundle_folder() is None  # running from source
