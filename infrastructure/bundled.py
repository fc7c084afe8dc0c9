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


def pe_imports(path: Path) -> list[str]:
    """The DLL names a Windows library (PE file) imports, as its import table lists them.

    Windows' own message for a library whose dependency is missing names only the
    library (``Could not find module 'libzbar-64.dll' (or one of its
    dependencies)``); this tells which dependencies to look for."""
    import struct

    data = Path(path).read_bytes()
    if data[:2] != b"MZ":
        raise ValueError(f"{path} is not a Windows library")
    pe = struct.unpack_from("<I", data, 0x3C)[0]
    if data[pe : pe + 4] != b"PE\0\0":
        raise ValueError(f"{path} is not a Windows library")
    sections, optional_size = struct.unpack_from("<H12xH", data, pe + 6)
    optional = pe + 24
    magic = struct.unpack_from("<H", data, optional)[0]
    directories = optional + (112 if magic == 0x20B else 96)  # PE32+ or PE32
    import_rva = struct.unpack_from("<I", data, directories + 8)[0]  # directory 1: imports
    table = [
        struct.unpack_from("<8xIIII", data, optional + optional_size + 40 * i)
        for i in range(sections)
    ]

    def offset(rva: int) -> int:
        for size, address, _raw_size, raw in table:
            if address <= rva < address + max(size, _raw_size):
                return rva - address + raw
        raise ValueError(f"{path}: address {rva:#x} is in no section")

    names, entry = [], offset(import_rva) if import_rva else None
    while entry is not None:
        name_rva = struct.unpack_from("<12xI", data, entry)[0]
        if name_rva == 0:
            break
        start = offset(name_rva)
        names.append(data[start : data.index(b"\0", start)].decode("ascii"))
        entry += 20
    return names


def zbar_load_problem() -> str | None:
    """None when pyzbar can load zbar, else why not, naming the missing library.

    On Windows the DLLs zbar imports are tried one by one (``MSVCR120.dll``, the
    Visual C++ 2013 runtime, is the one a build machine may lack); elsewhere the
    loader's own message already names the missing file."""
    from pyzbar import zbar_library

    try:
        zbar_library.load()
    except (ImportError, OSError) as error:
        problem = f"{type(error).__name__}: {error}"
        if sys.platform == "win32":
            missing = _missing_windows_imports()
            if missing:
                problem += f"; not found: {', '.join(missing)}"
        return problem
    return None


def _missing_windows_imports() -> list[str]:
    import ctypes
    import os

    import pyzbar

    folder = Path(pyzbar.__file__).parent
    fname, _dependencies = zbar_library_names()
    if not (folder / fname).is_file():
        return [fname]
    missing = []
    with os.add_dll_directory(str(folder)):  # type: ignore[attr-defined]
        for name in pe_imports(folder / fname):
            try:
                ctypes.WinDLL(name)  # type: ignore[attr-defined]
            except OSError:
                missing.append(name)
    return missing


def zbar_library_names() -> tuple[str, list[str]]:
    """pyzbar's Windows DLL and the DLLs it loads first (64- or 32-bit Python)."""
    from pyzbar import zbar_library

    return zbar_library._windows_fnames()
