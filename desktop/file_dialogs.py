"""Where file dialogs start: the last folder used for that kind of file, else Documents.

Every open and save dialog of the app goes through ``open_file_name``,
``save_file_name`` or ``existing_directory`` with a *kind* ("sales", "chats",
"pdf", "export", "backup", "picture"), so a dialog never opens in the program's
working folder or in a folder that does not exist. The last folders are kept in
the hidden ``files/last_folders`` setting once the main window calls
``remember_in(settings)``; before that (tests, scripts) only for this session.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

KEY = "files/last_folders"
_last: dict[str, str] = {}
_settings = None


def remember_in(settings) -> None:
    """Keep the last folders in ``settings`` (and start from what it holds)."""
    global _settings
    _settings = settings
    if settings is None:
        return
    try:
        stored = json.loads(str(settings.get(KEY)) or "{}")
    except ValueError:
        stored = {}
    if isinstance(stored, dict):
        _last.update({str(k): str(v) for k, v in stored.items()})


def documents() -> Path:
    """The user's Documents folder (home when there is none)."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    path = Path(found) if found else Path.home()
    return path if path.is_dir() else Path.home()


def start_folder(kind: str) -> Path:
    """Where a dialog for this kind of file opens: the last folder used, else Documents."""
    last = _last.get(kind)
    if last and Path(last).is_dir():
        return Path(last)
    return documents()


def used(kind: str, path: str | Path) -> None:
    """Remember the folder of a file (or a folder) just chosen for this kind."""
    if not path:
        return
    chosen = Path(path)
    folder = chosen if chosen.is_dir() else chosen.parent
    _last[kind] = str(folder)
    if _settings is not None:
        _settings.set(KEY, json.dumps(_last))


def open_file_name(parent: QWidget | None, kind: str, title: str, filters: str = "") -> str:
    path, _ = QFileDialog.getOpenFileName(parent, title, str(start_folder(kind)), filters)
    used(kind, path)
    return path


def save_file_name(
    parent: QWidget | None, kind: str, title: str, name: str, filters: str = ""
) -> tuple[str, str]:
    """(path, chosen filter); ``name`` is the suggested file name."""
    path, chosen = QFileDialog.getSaveFileName(
        parent, title, str(start_folder(kind) / name), filters
    )
    used(kind, path)
    return path, chosen


def existing_directory(parent: QWidget | None, kind: str, title: str, start: str = "") -> str:
    begin = start if start and Path(start).is_dir() else str(start_folder(kind))
    path = QFileDialog.getExistingDirectory(parent, title, begin)
    used(kind, path)
    return path
