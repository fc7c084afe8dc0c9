"""What the installed (frozen) app needs to find the files bundled with it.

PyInstaller puts the app's libraries in one folder (``sys._MEIPASS``). pyzbar
finds zbar on Linux and macOS with ``ctypes.util.find_library("zbar")``, which
only looks in the system's library folders; the installers ship their own
copy of zbar, so ``use_bundled_zbar`` points pyzbar at it. On Windows the
pyzbar wheel's DLLs are bundled in ``pyzbar/`` next to its code, where pyzbar
looks by itself.
"""

from __future__ import annotations

import sys
from pathlib import Path

#: file names of zbar as the installers bundle it, per platform
ZBAR_NAMES = ("libzbar.so.0", "libzbar.0.dylib", "libzbar.dylib")


def bundle_folder() -> Path | None:
    """The folder holding the bundled libraries, or None when running from source."""
    folder = getattr(sys, "_MEIPASS", None)
    return Path(folder) if getattr(sys, "frozen", False) and folder else None


def bundled_zbar(folder: Path) -> Path | None:
    for name in ZBAR_NAMES:
        if (folder / name).is_file():
            return folder / name
    return None


def use_bundled_zbar(folder: Path | None = None) -> Path | None:
    """Make pyzbar load the zbar library in ``folder`` (default: the bundle's).

    Returns the library used, or None when there is none there (pyzbar then
    looks in the system's folders as usual).
    """
    folder = folder if folder is not None else bundle_folder()
    library = bundled_zbar(folder) if folder is not None else None
    if library is None:
        return None
    from pyzbar import zbar_library

    system_find = zbar_library.find_library

    def find_library(name: str) -> str | None:
        return str(library) if name == "zbar" else system_find(name)

    zbar_library.find_library = find_library
    return library
