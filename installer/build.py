"""Build the Houselights installer for the platform this runs on.

    uv run --group installer python installer/build.py [--skip-smoke-test] [--max-mb N]

1. PyInstaller freezes the app with ``installer/houselights.spec`` into
   ``dist/Houselights/`` (the windowed ``Houselights`` program and the console
   ``houselights-cli`` sharing one folder of libraries; on Linux the two are one
   program and ``houselights-cli`` is a link).
2. A smoke test runs the frozen app: ``--version``; ``--smoke`` (the main window
   offscreen on throwaway demo data, one ticket admitted through the door view
   as a USB scanner types it, its printed barcode read back with the bundled
   zbar); ``demo --patrons 20`` and ``status --json`` on a throwaway data folder.
   Any failure stops the build with the reason.
3. The platform's installer is made from that folder:
   * Windows: ``dist/Houselights-VERSION-setup.exe`` with Inno Setup (``ISCC.exe``
     on the PATH or in its default folder);
   * macOS: ``dist/Houselights-VERSION.dmg`` holding ``Houselights.app`` (hdiutil);
   * Linux: ``dist/Houselights-VERSION-linux-x86_64.tar.gz``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist"
BUNDLE = DIST / "Houselights"


def version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def freeze() -> None:
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean",
         "--distpath", str(DIST), "--workpath", str(ROOT / "build" / "pyinstaller"),
         str(ROOT / "installer" / "houselights.spec")],
        check=True, cwd=ROOT,
    )  # fmt: skip


def cli_program() -> Path:
    name = "houselights-cli.exe" if sys.platform == "win32" else "houselights-cli"
    if sys.platform == "darwin" and (DIST / "Houselights.app").exists():
        return DIST / "Houselights.app" / "Contents" / "MacOS" / name
    return BUNDLE / name


def smoke_test() -> dict:
    program = cli_program()
    with tempfile.TemporaryDirectory(prefix="houselights-smoke-") as data:
        env = {**os.environ, "HOUSELIGHTS_DATA": data, "QT_QPA_PLATFORM": "offscreen"}
        env.pop("HOUSELIGHTS_STORE", None)

        def run(*args: str) -> str:
            done = subprocess.run([str(program), *args], env=env, capture_output=True,
                                  text=True, timeout=300)  # fmt: skip
            if done.returncode != 0:
                raise SystemExit(f"smoke test failed: {' '.join(args)}\n{done.stderr}")
            return done.stdout

        printed = run("--version").strip()
        if printed != f"houselights {version()}":
            raise SystemExit(f"smoke test: --version printed {printed!r}")
        print(run("--smoke").rstrip())
        run("demo", "--patrons", "20")
        status = json.loads(run("status", "--json"))
        if status["patrons"] < 20 or status["events"] <= 20:
            raise SystemExit(f"smoke test: unexpected status {status}")
        return status


def package() -> Path:
    v = version()
    if sys.platform == "win32":
        iscc = shutil.which("ISCC") or r"C:\Program Files (x86)\Inno Setup 6\ISCC.exe"
        subprocess.run([iscc, f"/DAppVersion={v}", str(ROOT / "installer" / "houselights.iss")],
                       check=True)  # fmt: skip
        return DIST / f"Houselights-{v}-setup.exe"
    if sys.platform == "darwin":
        # the disk image shows the app next to a link to Applications: drag to install
        target = DIST / f"Houselights-{v}.dmg"
        target.unlink(missing_ok=True)
        with tempfile.TemporaryDirectory(prefix="houselights-dmg-") as stage:
            shutil.copytree(DIST / "Houselights.app", Path(stage) / "Houselights.app",
                            symlinks=True)  # fmt: skip
            (Path(stage) / "Applications").symlink_to("/Applications")
            subprocess.run(["hdiutil", "create", "-volname", f"Houselights {v}", "-srcfolder",
                            stage, "-ov", "-format", "UDZO", str(target)], check=True)  # fmt: skip
        return target
    target = DIST / f"Houselights-{v}-linux-{platform.machine()}.tar.gz"
    with tarfile.open(target, "w:gz") as archive:
        archive.add(BUNDLE, arcname="Houselights")
    return target


def bundle_size_mb() -> float:
    """Unpacked size of the bundle in MB (10^6 bytes); links count as nothing."""
    folder = DIST / "Houselights.app" if sys.platform == "darwin" else BUNDLE
    files = (f for f in folder.rglob("*") if f.is_file() and not f.is_symlink())
    return sum(f.stat().st_size for f in files) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description="Build the Houselights installer.")
    parser.add_argument("--skip-smoke-test", action="store_true")
    parser.add_argument(
        "--max-mb", type=float, default=None, help="fail when the unpacked bundle is larger"
    )
    args = parser.parse_args()
    freeze()
    size = bundle_size_mb()
    print(f"bundle: {BUNDLE} ({size:.1f} MB unpacked)", flush=True)
    if args.max_mb is not None and size > args.max_mb:
        raise SystemExit(f"the bundle is {size:.1f} MB, more than {args.max_mb:.0f} MB")
    if not args.skip_smoke_test:
        status = smoke_test()
        print(f"smoke test passed: {status['events']} events, {status['patrons']} patrons")
    made = package()
    print(f"bundle: {BUNDLE} ({size:.1f} MB unpacked)")
    print(f"installer: {made} ({made.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
