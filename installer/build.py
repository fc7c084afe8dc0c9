"""Build the Houselights installer for the platform this runs on.

    uv run --group installer python installer/build.py [--skip-smoke-test] [--max-mb N]

1. PyInstaller freezes the app with ``installer/houselights.spec`` into
   ``dist/Houselights/`` (the windowed ``Houselights`` program and the console
   ``houselights-cli`` sharing one folder of libraries; on Linux the two are one
   program and ``houselights-cli`` is a link; on macOS ``dist/Houselights.app``).
2. ``--max-mb N`` fails the build when the unpacked bundle (every file a user
   gets: the folder, or the whole ``.app`` on macOS) is larger than N MB.
3. A smoke test runs the frozen app: ``--version``; ``--smoke`` (the main window
   offscreen on throwaway demo data, one ticket admitted through the door view
   as a USB scanner types it, its printed barcode read back with the bundled
   zbar, the door's verdict sounds loaded and played on an audio output, the
   camera panel built); ``demo --patrons 20`` and ``status --json`` on a
   throwaway data folder. Any failure stops the build with the reason. On Linux
   the sounds play to a null PulseAudio output started for the test when no
   sound server runs (needs ``pulseaudio``); on Windows and macOS to the
   machine's default output (CI gives its runners a virtual one).
4. The platform's installer is made from that folder, and signed when the
   signing secrets are in the environment (see ``sign_windows``/``notarize``):
   * Windows: ``dist/Houselights-VERSION-setup.exe`` with Inno Setup 6.3 or newer
     (``ISCC.exe`` on the PATH or in its default folder);
   * macOS: ``dist/Houselights-VERSION-macos-ARCH.dmg`` holding ``Houselights.app``;
   * Linux: ``dist/Houselights-VERSION-linux-x86_64.tar.gz``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist"
BUNDLE = DIST / "Houselights"


def version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def freeze() -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--distpath",
            str(DIST),
            "--workpath",
            str(ROOT / "build" / "pyinstaller"),
            str(ROOT / "installer" / "houselights.spec"),
        ],
        check=True,
        cwd=ROOT,
    )


def cli_program() -> Path:
    name = "houselights-cli.exe" if sys.platform == "win32" else "houselights-cli"
    if sys.platform == "darwin" and (DIST / "Houselights.app").exists():
        return DIST / "Houselights.app" / "Contents" / "MacOS" / name
    return BUNDLE / name


@contextlib.contextmanager
def null_audio_output():
    """Environment for the smoke test under which Qt has an audio output to play to.

    Linux: the running sound server if there is one, else a PulseAudio daemon
    with only a null output (sounds go nowhere), started here in a throwaway
    folder and stopped afterwards. Windows and macOS: the default output as it is.
    """
    if not sys.platform.startswith("linux"):
        yield {}
        return
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if os.environ.get("PULSE_SERVER") or (runtime and Path(runtime, "pulse", "native").exists()):
        yield {}
        return
    daemon = shutil.which("pulseaudio")
    if daemon is None:
        raise SystemExit(
            "the smoke test plays the door sounds, and no sound server runs here: install "
            "PulseAudio (sudo apt-get install pulseaudio) and the build starts a null "
            "output for the test by itself"
        )
    with tempfile.TemporaryDirectory(prefix="houselights-audio-") as folder:
        socket = Path(folder) / "native"
        env = {"XDG_RUNTIME_DIR": folder, "PULSE_RUNTIME_PATH": folder, "HOME": folder}
        server = subprocess.Popen(
            [
                daemon,
                "--daemonize=no",
                "-n",
                "--exit-idle-time=-1",
                "--disable-shm=yes",
                "--use-pid-file=no",
                "--load=module-null-sink sink_name=houselights_smoke",
                f"--load=module-native-protocol-unix socket={socket} auth-anonymous=1",
            ],
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            deadline = time.monotonic() + 30
            while not socket.exists():
                if server.poll() is not None or time.monotonic() > deadline:
                    error = server.stderr.read().decode() if server.poll() is not None else ""
                    raise SystemExit(f"the null audio output did not start: {error[-800:]}")
                time.sleep(0.1)
            yield {"PULSE_SERVER": f"unix:{socket}"}
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def smoke_test() -> dict:
    program = cli_program()
    with (
        tempfile.TemporaryDirectory(prefix="houselights-smoke-") as data,
        null_audio_output() as audio,
    ):
        env = {
            **os.environ,
            **audio,
            "HOUSELIGHTS_DATA": data,
            "QT_QPA_PLATFORM": "offscreen",
            "HOUSELIGHTS_SMOKE_REQUIRE_AUDIO": "1",
        }
        env.pop("HOUSELIGHTS_STORE", None)

        def run(*args: str) -> str:
            done = subprocess.run(
                [str(program), *args], env=env, capture_output=True, text=True, timeout=300
            )
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


def windows_signing() -> list[str] | None:
    """The signtool command (without the file) when a code-signing certificate is
    given: WINDOWS_CERTIFICATE_PFX (a .pfx file) and WINDOWS_CERTIFICATE_PASSWORD.
    None without one: the installer is then unsigned (SmartScreen warns)."""
    pfx = os.environ.get("WINDOWS_CERTIFICATE_PFX")
    if not pfx:
        return None
    tool = shutil.which("signtool") or max(
        (
            str(p)
            for p in Path(r"C:\Program Files (x86)\Windows Kits\10\bin").glob("*/x64/signtool.exe")
        ),
        default=None,
    )
    if tool is None:
        raise SystemExit("a certificate is given but signtool.exe (Windows SDK) is missing")
    timestamp = os.environ.get("WINDOWS_TIMESTAMP_URL", "http://timestamp.digicert.com")
    return [
        tool,
        "sign",
        "/f",
        pfx,
        "/p",
        os.environ.get("WINDOWS_CERTIFICATE_PASSWORD", ""),
        "/fd",
        "SHA256",
        "/tr",
        timestamp,
        "/td",
        "SHA256",
        "/d",
        "Houselights",
    ]


def sign_windows(files: list[Path]) -> None:
    command = windows_signing()
    if command is not None:
        subprocess.run([*command, *map(str, files)], check=True)
        print(f"signed: {', '.join(f.name for f in files)}")


def inno_setup() -> str:
    """ISCC.exe of Inno Setup 6.3 or newer (the script uses x64compatible)."""
    iscc = shutil.which("ISCC") or r"C:\Program Files (x86)\Inno Setup 6\ISCC.exe"
    if not Path(iscc).exists():
        raise SystemExit("Inno Setup 6.3 or newer is needed: https://jrsoftware.org/isdl.php")
    return iscc


def notarize(path: Path) -> None:
    """macOS: submit ``path`` (a .zip of the app, or the .dmg) to Apple's notary
    service and wait; then staple the ticket to the app or disk image. Runs when
    APPLE_ID, APPLE_TEAM_ID and APPLE_APP_PASSWORD (an app-specific password) are
    set, as CI sets them from its secrets; without them nothing is notarized."""
    account = [os.environ.get(k, "") for k in ("APPLE_ID", "APPLE_TEAM_ID", "APPLE_APP_PASSWORD")]
    if not all(account):
        return
    apple_id, team, password = account
    subprocess.run(
        [
            "xcrun",
            "notarytool",
            "submit",
            str(path),
            "--apple-id",
            apple_id,
            "--team-id",
            team,
            "--password",
            password,
            "--wait",
        ],
        check=True,
    )
    stapled = DIST / "Houselights.app" if path.suffix == ".zip" else path
    subprocess.run(["xcrun", "stapler", "staple", str(stapled)], check=True)
    print(f"notarized and stapled: {stapled.name}")


def package() -> Path:
    v = version()
    if sys.platform == "win32":
        sign_windows([BUNDLE / "Houselights.exe", BUNDLE / "houselights-cli.exe"])
        command = [inno_setup(), f"/DAppVersion={v}"]
        signing = windows_signing()
        if signing is not None:  # Inno Setup signs the setup and its uninstaller
            # Inno Setup's own quoting: $q is a quote, $f the quoted file to sign
            quoted = " ".join(f"$q{part}$q" for part in signing)
            command += ["/DSignInstaller=1", f"/Shouselights={quoted} $f"]
        subprocess.run([*command, str(ROOT / "installer" / "houselights.iss")], check=True)
        return DIST / f"Houselights-{v}-setup.exe"
    if sys.platform == "darwin":
        app = DIST / "Houselights.app"
        identity = os.environ.get("HOUSELIGHTS_CODESIGN_IDENTITY")
        if identity:  # PyInstaller signed it with this identity and the entitlements
            archive = DIST / "Houselights-notarize.zip"
            subprocess.run(
                ["ditto", "-c", "-k", "--keepParent", str(app), str(archive)], check=True
            )
            notarize(archive)
            archive.unlink()
        # the disk image shows the app next to a link to Applications: drag to install
        target = DIST / f"Houselights-{v}-macos-{platform.machine()}.dmg"
        target.unlink(missing_ok=True)
        with tempfile.TemporaryDirectory(prefix="houselights-dmg-") as stage:
            shutil.copytree(app, Path(stage) / "Houselights.app", symlinks=True)
            (Path(stage) / "Applications").symlink_to("/Applications")
            subprocess.run(
                [
                    "hdiutil",
                    "create",
                    "-volname",
                    f"Houselights {v}",
                    "-srcfolder",
                    stage,
                    "-ov",
                    "-format",
                    "UDZO",
                    str(target),
                ],
                check=True,
            )
        if identity:
            subprocess.run(["codesign", "--sign", identity, "--timestamp", str(target)], check=True)
            notarize(target)
        return target
    target = DIST / f"Houselights-{v}-linux-{platform.machine()}.tar.gz"
    with tarfile.open(target, "w:gz") as archive:
        archive.add(BUNDLE, arcname="Houselights")
    return target


def installed_folder(platform_name: str = sys.platform, dist: Path = DIST) -> Path:
    """What a user gets on disk: ``Houselights.app`` on macOS (it holds its own copy
    of every library), the ``Houselights`` folder elsewhere (Inno Setup installs
    that folder's files; the Linux archive unpacks to it)."""
    return dist / ("Houselights.app" if platform_name == "darwin" else "Houselights")


def bundle_size_mb(folder: Path | None = None) -> float:
    """Unpacked size of the bundle in MB (10^6 bytes): every file in it, wherever it
    is inside (``_internal``, the plugins, the licences); a link counts as nothing,
    as the files it points at are counted where they are."""
    folder = folder or installed_folder()
    if not folder.is_dir():
        raise SystemExit(f"there is no bundle at {folder}")
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
    print(f"bundle: {installed_folder()} ({size:.1f} MB unpacked)", flush=True)
    if args.max_mb is not None and size > args.max_mb:
        raise SystemExit(f"the bundle is {size:.1f} MB, more than {args.max_mb:.0f} MB")
    if not args.skip_smoke_test:
        status = smoke_test()
        print(f"smoke test passed: {status['events']} events, {status['patrons']} patrons")
    made = package()
    print(f"bundle: {installed_folder()} ({size:.1f} MB unpacked)")
    print(f"installer: {made} ({made.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
