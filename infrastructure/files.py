"""Who may read the files Houselights writes (issue 19).

On Linux and macOS every file Houselights creates (the event store, the read
models -- which hold names and contact details in plain text --, backups, logs,
the key file) is readable by its owner only: ``restrict_new_files`` sets the
process's umask to 077 at start-up (new files 0600, new folders 0700), and
``make_private`` tightens a data folder made by an older version. Windows keeps
its own rule (a user's AppData folder is private to that user already).
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path


def restrict_new_files() -> None:
    """From now on, files and folders this process creates are the owner's only."""
    if os.name == "posix":
        os.umask(0o077)


def make_private(folder: Path) -> None:
    """Take away group and others' access to the data folder, its backup folder and
    the files in them (where we own them; an owner's own bits are never widened, so a
    read-only folder stays read-only). Quietly leaves alone what cannot be changed."""
    if os.name != "posix":
        return
    folder = Path(folder)
    with contextlib.suppress(OSError):
        _private(folder)
        for path in folder.iterdir():
            if path.name == "backups" and path.is_dir():
                _private(path)
                for inner in path.iterdir():
                    _private(inner)
            else:
                _private(path)


def _private(path: Path) -> None:
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode) or info.st_uid != os.getuid() or not info.st_mode & 0o077:
        return
    with contextlib.suppress(OSError):
        path.chmod(stat.S_IMODE(info.st_mode) & ~0o077)


def folder_writable(folder: Path) -> str | None:
    """None when a new file can be made in ``folder``, else the operating system's reason."""
    probe = Path(folder) / f".houselights-write-check-{os.getpid()}"
    try:
        with probe.open("wb"):
            pass
    except OSError as error:
        return error.strerror or str(error)
    with contextlib.suppress(OSError):
        probe.unlink()
    return None


def file_writable(path: Path) -> str | None:
    """None when ``path`` (an existing file) can be opened for writing."""
    try:
        with Path(path).open("r+b"):
            pass
    except FileNotFoundError:
        return None
    except OSError as error:
        return error.strerror or str(error)
    return None
