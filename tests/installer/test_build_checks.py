"""What the installers' build checks and bundles besides the smoke test: the size
gate, the licence notices, the Linux desktop entry, the DLLs zbar needs on
Windows, the smaller ICU data, the macOS signing entitlements."""

from __future__ import annotations

import json
import os
import plistlib
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from infrastructure import third_party
from infrastructure.bundled import pe_imports, zbar_load_problem
from tests.installer.build_script import ROOT, build

SPEC = (ROOT / "installer" / "houselights.spec").read_text()


def write(path: Path, size: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * size)


def test_the_size_counts_every_file_a_user_gets_once(tmp_path):
    folder = build.installed_folder("linux", tmp_path)
    assert folder == tmp_path / "Houselights"
    write(folder / "Houselights", 1_000_000)
    write(folder / "_internal" / "PySide6" / "Qt" / "lib" / "libQt6Core.so.6", 2_500_000)
    write(folder / "_internal" / "licenses" / "Qt.txt", 500_000)
    (folder / "houselights-cli").symlink_to("Houselights")  # a link is not a second copy
    (folder / "_internal" / "libQt6Core.so.6").symlink_to("PySide6/Qt/lib/libQt6Core.so.6")
    assert build.bundle_size_mb(folder) == 4.0


def test_on_macos_the_whole_app_is_counted(tmp_path):
    app = build.installed_folder("darwin", tmp_path)
    assert app == tmp_path / "Houselights.app"
    write(app / "Contents" / "MacOS" / "Houselights", 3_000_000)
    write(app / "Contents" / "Frameworks" / "libzbar.0.dylib", 1_000_000)
    write(app / "Contents" / "Resources" / "licenses" / "index.json", 250_000)
    write(tmp_path / "Houselights" / "Houselights", 9_000_000)  # the folder inside no app
    assert build.bundle_size_mb(app) == 4.25
    assert build.installed_folder("win32", tmp_path) == tmp_path / "Houselights"


def test_the_build_stops_when_the_bundle_is_over_the_limit(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "Houselights"
    monkeypatch.setattr(build, "installed_folder", lambda *a: folder)
    monkeypatch.setattr(build, "freeze", lambda: write(folder / "_internal" / "big.so", 2_100_000))
    monkeypatch.setattr(build, "smoke_test", lambda: pytest.fail("the size comes first"))
    monkeypatch.setattr(sys, "argv", ["build.py", "--max-mb", "2"])
    with pytest.raises(SystemExit) as stopped:
        build.main()
    assert str(stopped.value) == "the bundle is 2.1 MB, more than 2 MB"
    assert f"bundle: {folder} (2.1 MB unpacked)" in capsys.readouterr().out


def test_a_missing_bundle_is_an_error_not_zero_megabytes(tmp_path):
    with pytest.raises(SystemExit, match="there is no bundle at"):
        build.bundle_size_mb(tmp_path / "Houselights")


def test_the_licence_notices_are_written_for_the_bundle_and_read_back_from_it(tmp_path):
    folder = third_party.write_notices(tmp_path / "licenses")
    index = json.loads((folder / third_party.INDEX).read_text())
    names = {entry["name"]: entry for entry in index}
    for component in (
        "Python",
        "Qt",
        "FFmpeg",
        "ZBar",
        "ICU",
        "pyzbar",
        "PySide6_Essentials",
        "eventsourcing",
        "psycopg",
        "cryptography",
    ):
        assert component in names, component
        assert (folder / names[component]["file"]).read_text().startswith(component)
    assert names["ZBar"]["license"] == "LGPL-2.1-or-later"
    assert names["ZBar"]["shared"] == ["LGPL-2.1.txt"]
    assert names["eventsourcing"]["license"] == "BSD-3-Clause"
    # each full licence text is there once, however many components refer to it
    assert sorted(p.name for p in folder.glob("*GPL*.txt")) == [
        "GPL-3.0.txt",
        "LGPL-2.1.txt",
        "LGPL-3.0.txt",
    ]
    bundled = {n.name: n for n in third_party.notices(tmp_path)}  # the app's folder
    assert list(bundled) == [e["name"] for e in index]
    source = {n.name: n for n in third_party.collect()}
    for name in ("FFmpeg", "Qt", "pyzbar", "Python"):
        assert bundled[name].text == source[name].text  # read back as it was written
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in bundled["FFmpeg"].text
    assert third_party.notices(tmp_path / "elsewhere")[0].name == "Python"  # from source


def test_the_spec_bundles_the_licence_folder_the_app_reads():
    found = re.search(
        r'datas \+= \[\(str\(write_notices\(ROOT / "build" / "licenses"\)\), '
        r'"(\w+)"\)\]',
        SPEC,
    )
    assert found and found[1] == "licenses"


def test_the_spec_keeps_qt_network_and_the_pieces_of_the_media_plugin():
    excluded = re.search(r"QT_UNUSED = \[(.*?)\]", SPEC, re.S)[1]
    assert '"QtNetwork"' not in excluded  # QtMultimedia cannot be imported without it
    dropped = re.search(r"DROP_FILES = \((.*?)\)\n", SPEC, re.S)[1]
    for needed in ("Qt6Quick", "Qt6Qml", "Qt6OpenGL", "ffmpegmediaplugin"):
        assert f'"{needed}"' not in dropped  # the FFmpeg plugin links to them
    for system in ("libpulse.so.0", "libasound.so.2", "libpipewire-0.3.so.0"):
        assert f'"{system}"' in SPEC  # never bundled, whatever the build machine has


def test_the_linux_bundle_puts_the_app_in_the_users_menu_and_takes_it_out(tmp_path):
    bundle = tmp_path / "my apps" / "Houselights"
    shutil.copytree(ROOT / "desktop" / "icons", bundle / "_internal" / "desktop" / "icons")
    write(bundle / "Houselights", 10)
    (bundle / "Houselights").chmod(0o755)
    script = bundle / "install-desktop-entry"
    shutil.copy(ROOT / "installer" / "linux" / "install-desktop-entry", script)
    home = tmp_path / "home"
    env = {"HOME": str(home), "PATH": os.environ["PATH"]}
    done = subprocess.run([str(script)], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    entry = home / ".local" / "share" / "applications" / "houselights.desktop"
    lines = entry.read_text().splitlines()
    assert f'Exec="{bundle}/Houselights"' in lines
    assert "Icon=houselights" in lines and "Type=Application" in lines
    icons = home / ".local" / "share" / "icons" / "hicolor"
    assert (icons / "256x256" / "apps" / "houselights.png").read_bytes() == (
        ROOT / "desktop" / "icons" / "houselights-256.png"
    ).read_bytes()
    assert (icons / "scalable" / "apps" / "houselights.svg").is_file()
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(
            ["desktop-file-validate", str(entry)], capture_output=True, text=True
        )
        assert check.returncode == 0, check.stdout
    removed = subprocess.run([str(script), "--remove"], env=env, capture_output=True, text=True)
    assert removed.returncode == 0, removed.stderr
    assert not entry.exists() and not (icons / "256x256" / "apps" / "houselights.png").exists()
    wrong = subprocess.run([str(script), "--install"], env=env, capture_output=True, text=True)
    assert wrong.returncode == 2 and "usage:" in wrong.stderr


def pe_file(imports: list[str], pe32_plus: bool = True) -> bytes:
    """A minimal Windows library whose import table names ``imports``."""
    section_rva, section_raw = 0x1000, 0x200
    names = b""
    offsets = []
    table_size = 20 * (len(imports) + 1)
    for name in imports:
        offsets.append(section_rva + table_size + len(names))
        names += name.encode() + b"\0"
    table = b"".join(struct.pack("<12xI4x", rva) for rva in offsets) + bytes(20)
    body = table + names
    optional_size = 240 if pe32_plus else 224
    optional = bytearray(optional_size)
    struct.pack_into("<H", optional, 0, 0x20B if pe32_plus else 0x10B)
    directories = 112 if pe32_plus else 96
    struct.pack_into("<II", optional, directories + 8, section_rva, len(table))
    header = b"PE\0\0" + struct.pack("<HHIIIHH", 0x8664, 1, 0, 0, 0, optional_size, 0x2022)
    section = struct.pack(
        "<8sIIII12xI", b".idata", len(body), section_rva, len(body), section_raw, 0
    )
    head = bytearray(b"MZ" + bytes(0x3A) + struct.pack("<I", 0x40)) + header + optional + section
    return bytes(head.ljust(section_raw, b"\0")) + body


@pytest.mark.parametrize("pe32_plus", [True, False])
def test_the_dlls_a_windows_library_imports_are_read_from_its_import_table(tmp_path, pe32_plus):
    # the imports of pyzbar 0.1.9's libzbar-64.dll, which needs the VC++ 2013 runtime
    imports = ["WINMM.dll", "KERNEL32.dll", "USER32.dll", "libiconv.dll", "MSVCR120.dll"]
    (tmp_path / "libzbar-64.dll").write_bytes(pe_file(imports, pe32_plus))
    assert pe_imports(tmp_path / "libzbar-64.dll") == imports
    (tmp_path / "notes.txt").write_text("not a library")
    with pytest.raises(ValueError, match="is not a Windows library"):
        pe_imports(tmp_path / "notes.txt")


def test_a_zbar_that_cannot_load_is_named_with_the_loaders_reason(monkeypatch, tmp_path):
    from pyzbar import zbar_library

    assert zbar_load_problem() is None
    broken = tmp_path / "libzbar.so.0"
    broken.write_bytes(b"\x7fELF not really")
    monkeypatch.setattr(zbar_library, "find_library", lambda name: str(broken))
    problem = zbar_load_problem()
    assert problem.startswith("OSError: ") and str(broken) in problem


def test_the_spec_bundles_msvcr120_beside_zbar_on_windows_or_stops():
    assert '[(str(runtime), "pyzbar")]' in SPEC
    assert '"System32" / "msvcr120.dll"' in SPEC
    assert "needs MSVCR120.dll, the Visual C++ 2013" in SPEC


def test_the_mac_app_asks_for_the_camera_under_the_hardened_runtime():
    entitlements = plistlib.loads((ROOT / "installer" / "entitlements.plist").read_bytes())
    assert entitlements["com.apple.security.device.camera"] is True
    assert '"NSCameraUsageDescription"' in SPEC
    assert '"LSMinimumSystemVersion": minimum_macos(a.binaries)' in SPEC


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the ICU data is Linux's")
def test_the_smaller_icu_data_sorts_names_as_the_full_one(tmp_path):
    sys.path.insert(0, str(ROOT / "installer"))
    try:
        from icu_data import dropped, slim_icu_data
    finally:
        sys.path.remove(str(ROOT / "installer"))
    import PySide6

    full = next((Path(PySide6.__file__).parent / "Qt" / "lib").glob("libicudata.so.*"))
    slim = slim_icu_data(full, tmp_path / "icu")
    assert slim.stat().st_size < full.stat().st_size / 4
    assert not dropped("coll/sv.res") and not dropped("coll/zh.res")  # every collation kept
    assert dropped("lang/de.res") and dropped("ibm-1390_P110-2003.cnv")
    sort = (
        "from PySide6.QtCore import QCollator, QLocale, QCoreApplication\n"
        "app = QCoreApplication([])\n"
        "names = ['Zoë', 'Ähre', 'Öberg', 'Zebra', 'Ada', 'émile', 'Eve', 'Åsa']\n"
        "for locale in ('sv_SE', 'de_DE', 'fr_FR'):\n"
        "    print(sorted(names, key=QCollator(QLocale(locale)).sortKey))\n"
        "print(QLocale('tr_TR').toUpper('istanbul'))\n"
    )

    def run(preload: str | None) -> str:
        env = {**os.environ, "LD_PRELOAD": preload} if preload else dict(os.environ)
        done = subprocess.run(
            [sys.executable, "-c", sort], env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    slimmed = run(str(slim))
    assert slimmed == run(None)
    assert slimmed.splitlines()[0] == str(
        ["Ada", "émile", "Eve", "Zebra", "Zoë", "Åsa", "Ähre", "Öberg"]  # Swedish: Å Ä Ö last
    )
