"""A smaller ICU data library for the Linux bundle (32 MB -> about 5 MB).

Qt's Linux libraries link ICU, whose data library (``libicudata.so.NN``) holds
every locale's names of languages, countries, currencies and units, number
spelling, transliteration, Thai/Khmer/Lao/Burmese/CJK word dictionaries and 190
legacy character converters. Qt uses ICU for collation (the tables sort names
locale-aware), case mapping and time-zone data; none of it needs those items,
and ICU falls back to its root data when an item is missing. This copy keeps
the collation of every language, case mapping, normalization, the time-zone
database, the root and English locale data, and drops the rest (ICU's own
``icupkg`` removes them; ``as`` and ``ld`` of binutils wrap the package into a
library with the same name and symbol).

Needs ``icupkg`` (Debian/Ubuntu: icu-devtools) and binutils on the build machine.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

#: items dropped: locale display names, number spelling, transliteration, word
#: dictionaries, legacy converters, character names and string-prep profiles
DROPPED_TREES = ("unit/", "curr/", "lang/", "region/", "translit/", "rbnf/")
DROPPED_SUFFIXES = (".cnv", ".dict", ".spp", ".cfu")
DROPPED_NAMES = ("unames.icu",)
#: locale data kept (every language's collation is kept in coll/)
KEPT_LOCALES = re.compile(r"(root|pool|tzdbNames|en)(_[A-Za-z0-9]+)*\.res")
LOCALE = re.compile(r"[a-z]{2,3}(_[A-Za-z0-9]+)*\.res")


def dropped(item: str) -> bool:
    """Whether a package item (``coll/fr.res``, ``lang/de.res``, ...) is left out."""
    if item.startswith(DROPPED_TREES) or item.endswith(DROPPED_SUFFIXES):
        return True
    if item in DROPPED_NAMES:
        return True
    tree, _, name = item.rpartition("/")
    if tree in ("", "zone") and LOCALE.fullmatch(name):
        return not KEPT_LOCALES.fullmatch(name)
    return False


def _data_blob(library: Path) -> tuple[str, bytes]:
    """The package name (icudt73l) and bytes of the data in an ICU data library."""
    symbols = subprocess.run(
        ["readelf", "-sW", str(library)], capture_output=True, text=True, check=True
    ).stdout
    found = re.search(
        r":\s+([0-9a-f]+)\s+(0x[0-9a-f]+|\d+)\s+OBJECT\s+GLOBAL\s+\S+\s+\S+\s+"
        r"(icudt\d+)_dat",
        symbols,
    )
    if not found:
        raise SystemExit(f"{library}: no ICU data symbol")
    address, size, name = int(found[1], 16), int(found[2], 0), found[3]
    sections = subprocess.run(
        ["readelf", "-SW", str(library)], capture_output=True, text=True, check=True
    ).stdout
    for line in sections.splitlines():
        parts = re.search(r"\]\s+\S+\s+\S+\s+([0-9a-f]{8,})\s+([0-9a-f]{6,})\s+([0-9a-f]+)", line)
        if parts:
            start, offset, length = (int(p, 16) for p in parts.groups())
            if start <= address < start + length:
                data = library.read_bytes()
                at = address - start + offset
                return name + "l", data[at : at + size]
    raise SystemExit(f"{library}: the ICU data is in no section")


def slim_icu_data(library: Path, work: Path) -> Path:
    """Write a smaller copy of the ICU data library ``library`` into ``work``."""
    for tool in ("icupkg", "as", "ld", "readelf"):
        if shutil.which(tool) is None:
            raise SystemExit(
                f"making the smaller ICU data needs {tool}: apt-get install icu-devtools binutils"
            )
    package, blob = _data_blob(library)
    work.mkdir(parents=True, exist_ok=True)
    full, slim = work / "full" / f"{package}.dat", work / "slim" / f"{package}.dat"
    for folder in (full.parent, slim.parent):
        folder.mkdir(exist_ok=True)
    full.write_bytes(blob)
    slim.unlink(missing_ok=True)
    listing = subprocess.run(
        ["icupkg", "-l", str(full)], capture_output=True, text=True, check=True
    ).stdout.split()
    drop = work / "dropped.txt"
    drop.write_text("\n".join(item for item in listing if dropped(item)) + "\n")
    # the word dictionaries are named by brkitr/root.res, which stays: Qt breaks
    # text with its own rules, never ICU's dictionaries
    subprocess.run(
        ["icupkg", "--ignore-deps", "-r", str(drop), str(full), str(slim)],
        check=True,
        capture_output=True,
    )
    symbol = package[:-1] + "_dat"
    source = work / "data.s"
    source.write_text(
        '\t.section .note.GNU-stack,"",%progbits\n\t.section .rodata\n'
        f"\t.globl {symbol}\n\t.balign 16\n\t.type {symbol},%object\n{symbol}:\n"
        f'\t.incbin "{slim}"\n\t.size {symbol}, .-{symbol}\n'
    )
    target = work / library.name
    subprocess.run(["as", str(source), "-o", str(work / "data.o")], check=True)
    subprocess.run(
        ["ld", "-shared", "-soname", library.name, "-o", str(target), str(work / "data.o")],
        check=True,
    )
    return target
