"""The licences of the third-party software Houselights is made of.

Help -> About -> Third-party licences lists them. The installers bundle them in
a ``licenses`` folder (``write_notices``, run by the PyInstaller spec at build
time, from the metadata and licence files of the installed Python packages plus
the notices of the native libraries in ``infrastructure/notices``); the
installed app reads that folder, and from source the same list is made from the
installed packages directly.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

NOTICES = Path(__file__).with_name("notices")
INDEX = "index.json"
#: the Python packages the app is made of: houselights' requirements, followed
#: through theirs; plus psycopg's binary build where the installer brings it
ROOTS = ("houselights", "psycopg-binary")
LICENCE_FILE = re.compile(r"(LICEN[CS]E|COPYING|NOTICE|AUTHORS)", re.IGNORECASE)


@dataclass(frozen=True)
class Notice:
    name: str
    version: str
    license: str
    #: the component's own notice (copyright lines, its licence file)
    own: str
    #: full licence texts it refers to, shared with others (LGPL-2.1.txt, ...)
    shared: tuple[str, ...] = ()
    #: where the shared texts are
    folder: Path = NOTICES

    @property
    def text(self) -> str:
        """The notice followed by the full text of each licence it refers to."""
        parts = [self.own] + [(self.folder / f).read_text(encoding="utf-8") for f in self.shared]
        return "\n\n".join(parts)


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirements(dist: metadata.Distribution) -> list[str]:
    """The names of a distribution's requirements, leaving out those of its extras
    (the ones the app uses are named in ``bundled_distributions``); requirements
    for another platform are not installed, so they are passed over there."""
    names = []
    for line in dist.requires or []:
        requirement, _, marker = line.partition(";")
        if "extra" in marker:
            continue
        names.append(re.split(r"[\s\[<>=!~(]", requirement.strip(), maxsplit=1)[0])
    return names


def bundled_distributions() -> list[metadata.Distribution]:
    """The installed distributions the app needs (extras of houselights' own
    requirements included: eventsourcing[crypto,postgres])."""
    seen: dict[str, metadata.Distribution] = {}
    todo = list(ROOTS)
    while todo:
        name = _normal(todo.pop())
        if name in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        seen[name] = dist
        todo += _requirements(dist)
        if name == "eventsourcing":
            todo += ["pycryptodome", "psycopg", "psycopg-pool"]  # its crypto and postgres extras
    seen.pop("houselights", None)
    return sorted(seen.values(), key=lambda d: _normal(d.metadata["Name"]))


def _field(meta: metadata.PackageMetadata, name: str) -> str | None:
    """A metadata field, None when absent: the standard library's metadata say None,
    but importlib_metadata's (the backport, which keyring loads and which then answers
    for the standard library too) raise KeyError; ``get_all`` is the same in both."""
    values = meta.get_all(name) or []
    return str(values[0]) if values else None


def _licence(dist: metadata.Distribution) -> str:
    meta = dist.metadata
    expression = _field(meta, "License-Expression")
    if expression:
        return expression
    declared = (_field(meta, "License") or "").strip()
    if declared and "\n" not in declared and len(declared) < 80:
        return declared
    classifiers = [
        c.rsplit(" :: ", 1)[-1]
        for c in meta.get_all("Classifier") or []
        if c.startswith("License ::")
    ]
    return ", ".join(classifiers) or "see the licence text"


def _licence_texts(dist: metadata.Distribution) -> str:
    texts = []
    for file in dist.files or []:
        parts = Path(str(file)).parts
        if any(p.endswith((".dist-info", ".egg-info")) for p in parts[:1]) and LICENCE_FILE.search(
            parts[-1]
        ):
            try:
                texts.append(f"--- {parts[-1]} ---\n{file.read_text(encoding='utf-8').strip()}")
            except (OSError, UnicodeDecodeError):
                continue
    return "\n\n".join(texts)


def python_notices() -> list[Notice]:
    return [
        Notice(
            dist.metadata["Name"],
            dist.version,
            _licence(dist),
            _licence_texts(dist) or f"Licence: {_licence(dist)}",
        )
        for dist in bundled_distributions()
    ]


def native_notices() -> list[Notice]:
    """Qt, FFmpeg, ZBar, ICU, ... (libraries that are no Python package)."""
    notices = []
    for entry in json.loads((NOTICES / "native.json").read_text(encoding="utf-8")):
        notices.append(
            Notice(
                entry["name"],
                entry["version"],
                entry["license"],
                entry["notice"],
                tuple(entry["files"]),
            )
        )
    return notices


def python_itself() -> Notice:
    import os
    import sys

    version = sys.version.split()[0]
    for candidate in (
        Path(os.__file__).with_name("LICENSE.txt"),
        Path(sys.base_prefix) / "LICENSE.txt",
    ):
        if candidate.is_file():
            return Notice("Python", version, "PSF-2.0", candidate.read_text(encoding="utf-8"))
    return Notice(
        "Python",
        version,
        "PSF-2.0",
        "Python is Copyright (c) Python Software Foundation, licensed under the "
        "PSF License Agreement: https://docs.python.org/3/license.html",
    )


def collect() -> list[Notice]:
    return [python_itself(), *native_notices(), *python_notices()]


def write_notices(folder: Path) -> Path:
    """Write every notice into ``folder`` for an installer to bundle: one text file
    each, the full licence texts they share once, and the index the app reads.
    Returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.txt"):  # a previous build's
        old.unlink()
    entries = []
    for notice in collect():
        file = re.sub(r"[^A-Za-z0-9.+-]+", "-", notice.name).strip("-") + ".notice.txt"
        (folder / file).write_text(
            f"{notice.name} {notice.version}\nLicence: {notice.license}\n\n{notice.own}\n",
            encoding="utf-8",
        )
        for shared in notice.shared:
            (folder / shared).write_bytes((notice.folder / shared).read_bytes())
        entries.append(
            {
                "name": notice.name,
                "version": notice.version,
                "license": notice.license,
                "file": file,
                "shared": list(notice.shared),
            }
        )
    (folder / INDEX).write_text(json.dumps(entries, indent=1), encoding="utf-8")
    return folder


def _bundled(folder: Path, entry: dict) -> Notice:
    written = (folder / entry["file"]).read_text(encoding="utf-8")
    own = written.split("\n\n", 1)[-1].removesuffix("\n")  # as write_notices wrote it
    return Notice(
        entry["name"], entry["version"], entry["license"], own, tuple(entry["shared"]), folder
    )


def notices(bundle: Path | None = None) -> list[Notice]:
    """The notices of this installation: the bundled ``licenses`` folder of an
    installed app, else made from the installed packages (running from source)."""
    if bundle is None:
        from infrastructure.bundled import bundle_folder

        bundle = bundle_folder()
    folder = bundle / "licenses" if bundle else None
    if folder is not None and (folder / INDEX).is_file():
        entries = json.loads((folder / INDEX).read_text(encoding="utf-8"))
        return [_bundled(folder, entry) for entry in entries]
    return collect()
