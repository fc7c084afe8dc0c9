"""``houselights --smoke``: prove an installed (or source) Houselights works, end to end.

In a throwaway data folder (never the user's), with Qt's offscreen platform:
a small demo organization is made, tonight's performance is scheduled with
one ticket sold, the main window opens, the door view is shown, the ticket's
code arrives as a USB scanner types it (key events within milliseconds, then
Enter) and the door must say ADMIT. Then the door's verdict sounds are loaded and
played with Qt Multimedia (``check_sounds``), the camera panel is built as the
Camera button builds it (``check_camera_panel``), and the libraries an installer
might leave out are exercised once each (``check_libraries``). Exit status 0
then; any failure raises ``SmokeFailed`` with the reason (the command prints it
and exits 1).

The installers' build runs the frozen app with ``--smoke`` before packaging,
and CI does so on Linux.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial

SMOKE_TIMEOUT_S = 60.0


class SmokeFailed(Exception):
    """The smoke run did not get to ADMIT; the message says where it stopped."""


def _wait(app, condition: Callable[[], bool], what: str, timeout: float = SMOKE_TIMEOUT_S) -> None:
    """Process Qt events until ``condition()`` holds, or fail saying ``what`` never happened."""
    from PySide6.QtCore import QEventLoop

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SmokeFailed(f"timed out after {timeout:.0f} s waiting for {what}")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def _type_like_a_scanner(app, text: str) -> None:
    """Key presses and releases as a USB scanner sends them, to the focused widget."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent

    target = app.focusWidget()
    if target is None:
        raise SmokeFailed("no widget has the keyboard focus in the door view")
    keys = [(Qt.Key(ord(ch.upper())), ch) for ch in text] + [(Qt.Key.Key_Return, "\r")]
    for key, char in keys:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            app.sendEvent(target, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, char))


def prepare_demo(app) -> tuple[str, str]:
    """A small demo organization plus tonight's performance with one ticket sold.

    Returns (performance id, ticket code)."""
    from demo import organization as demo

    demo.generate(app, 12, seed=7)
    show = app.create_production("Smoke test")
    # an instant an hour from now (no calendar day is decided here: any clock zone will do)
    tonight = datetime.now().astimezone().replace(second=0, microsecond=0) + timedelta(hours=1)
    performance_id = app.schedule_performance(show, tonight, 50, {"Adult": 2000}, venue="Hall")
    sale = app.sell_tickets(performance_id, {"Adult": 1}, payment="cash")
    return performance_id, sale.codes[0]


def read_printed_barcode(code: str) -> str:
    """Draw the ticket's barcode as printed and read it back with zbar (the bundled
    library in an installed app). Returns the zbar library used."""
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QImage, QPainter

    from desktop.barcode_reading import BarcodeReadingProblem, decode
    from desktop.ticket_symbols import paint_barcode

    image = QImage(900, 260, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    paint_barcode(painter, QRectF(40, 30, 820, 200), code)
    painter.end()
    try:
        read = decode(image)
    except BarcodeReadingProblem as problem:
        from infrastructure.bundled import zbar_load_problem

        why = zbar_load_problem()  # names the missing library (MSVCR120.dll, ...)
        raise SmokeFailed(f"zbar is missing: {why or problem}") from None
    if code not in read:
        raise SmokeFailed(f"zbar read {read!r} from the barcode of {code}")
    from pyzbar import zbar_library

    return zbar_library.find_library("zbar") or "zbar"


def check_libraries() -> str:
    """Use each library that is loaded by name or lazily once, cheaply: argon2 (staff
    PINs), the store's AES-GCM cipher (pycryptodome), cryptography (the Secret
    Service keyring's session cipher) and the keyring backends, rapidfuzz's
    distances (duplicates), openpyxl (XLSX exports). Returns a one-line summary;
    raises SmokeFailed naming the library that does not work."""
    import io

    def fail(what: str, error: Exception) -> SmokeFailed:
        return SmokeFailed(f"{what} does not work: {type(error).__name__}: {error}")

    try:
        from argon2 import PasswordHasher

        hasher = PasswordHasher(time_cost=1, memory_cost=1024)
        if not hasher.verify(hasher.hash("2468"), "2468"):
            raise ValueError("a PIN did not verify")
    except Exception as error:
        raise fail("argon2", error) from None
    try:
        from eventsourcing.cipher import AESCipher
        from eventsourcing.utils import Environment

        cipher = AESCipher(Environment(env={"CIPHER_KEY": AESCipher.create_key(32)}))
        secret = b"Ada Lovelace, ada@example.org"
        sealed = cipher.encrypt(secret)
        if secret in sealed or cipher.decrypt(sealed) != secret:
            raise ValueError("an event did not come back as it went in")
    except Exception as error:
        raise fail("the store's AES cipher (pycryptodome)", error) from None
    try:
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
        from keyring.backends import SecretService, chainer

        # an AttributeError where a backend is missing from the bundle
        SecretService.Keyring, chainer.ChainerBackend  # noqa: B018
        if sys.platform.startswith("linux"):
            import secretstorage  # the Secret Service backend's own library

            secretstorage.check_service_availability  # noqa: B018
        aes = Cipher(algorithms.AES(bytes(16)), modes.CBC(bytes(16))).encryptor()
        if len(aes.update(bytes(32)) + aes.finalize()) != 32:
            raise ValueError("AES-CBC gave the wrong length")
    except Exception as error:
        raise fail("the keyring (cryptography, keyring backends)", error) from None
    try:
        from rapidfuzz.distance import OSA

        if OSA.distance("Moreau", "Moraeu") != 1:
            raise ValueError("the distance of a swap is not 1")
    except Exception as error:
        raise fail("rapidfuzz", error) from None
    try:
        from openpyxl import Workbook, load_workbook

        book, buffer = Workbook(), io.BytesIO()
        book.active.append(["Tickets", 3])
        book.save(buffer)
        if list(load_workbook(buffer).active.values) != [("Tickets", 3)]:
            raise ValueError("a workbook did not read back")
    except Exception as error:
        raise fail("openpyxl", error) from None
    return (
        "argon2 PIN hash, AES-GCM cipher, cryptography and keyring backends, "
        f"rapidfuzz ({OSA.distance.__module__.rsplit('.', 1)[-1]}), openpyxl: all work"
    )


#: set (to 1) by the installers' build, which provides a null audio output: then a
#: computer without one fails the smoke run instead of skipping the playing
REQUIRE_AUDIO = "HOUSELIGHTS_SMOKE_REQUIRE_AUDIO"


def _loaded(effect, waiting: tuple) -> bool:
    return effect.status() not in waiting


def _note_playing(effect, changes: list[bool]) -> None:
    changes.append(effect.isPlaying())


def _played(changes: list[bool]) -> bool:
    return changes[-2:] == [True, False]


def check_sounds(qt_app, folder) -> str:
    """Load every door verdict sound with Qt Multimedia and play it to the end on
    the default audio output (the build gives it a null one). Fails when Qt
    Multimedia cannot be loaded, a sound does not load, or one does not play."""
    from desktop.sounds import TONES, VerdictSounds, multimedia_problem

    problem = multimedia_problem()
    if problem:
        raise SmokeFailed(f"the door sounds cannot play: Qt Multimedia does not load: {problem}")
    from PySide6.QtMultimedia import QMediaDevices, QSoundEffect

    output = QMediaDevices.defaultAudioOutput()
    if output.isNull():
        if os.environ.get(REQUIRE_AUDIO) == "1":
            raise SmokeFailed("the door sounds cannot play: this computer has no audio output")
        return "Qt Multimedia loads; no audio output here, so none played"
    sounds = VerdictSounds(folder)
    sounds.prepare()
    if not sounds.available:
        raise SmokeFailed("the door sounds cannot play: Qt Multimedia did not load")
    waiting = (QSoundEffect.Status.Null, QSoundEffect.Status.Loading)
    for verdict in TONES:
        effect = sounds.effect(verdict)
        _wait(qt_app, partial(_loaded, effect, waiting), f"the {verdict} sound to load")
        if effect.status() != QSoundEffect.Status.Ready:
            raise SmokeFailed(
                f"the {verdict} sound did not load on {output.description()!r}: "
                f"{effect.status().name}"
            )
        changes: list[bool] = []
        effect.playingChanged.connect(partial(_note_playing, effect, changes))
        sounds.play(verdict)
        _wait(
            qt_app,
            partial(_played, changes),
            f"the {verdict} sound to play to its end",
            20,
        )
        if effect.status() != QSoundEffect.Status.Ready:
            raise SmokeFailed(f"the {verdict} sound failed while playing")
    return f"{len(TONES)} verdict sounds loaded and played on {output.description()!r}"


def check_camera_panel(qt_app) -> str:
    """Build the door's camera panel as the Camera button does. With no camera here
    it must say so (not that Qt Multimedia or zbar is missing), and Qt's FFmpeg
    media plugin, which delivers camera frames, must have loaded."""
    from PySide6.QtCore import QEvent

    from desktop.views.door.camera_panel import CameraDialog

    dialog = CameraDialog()
    try:
        if dialog.camera_found is None:
            raise SmokeFailed(f"the camera panel cannot work: {dialog.problem}")
        from PySide6.QtMultimedia import QMediaFormat

        decoders = QMediaFormat().supportedFileFormats(QMediaFormat.ConversionMode.Decode)
        if not decoders:
            raise SmokeFailed(
                "the camera panel cannot work: Qt's FFmpeg media plugin "
                "did not load (no media backend)"
            )
        found = "a camera started" if dialog.camera_found else "no camera here, as it says"
        return f"camera panel built with the FFmpeg backend ({found})"
    finally:
        dialog.close()
        dialog.deleteLater()
        qt_app.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


def check_licences() -> str:
    """The third-party licence notices Help -> About shows: in an installed app they
    must come from its bundled ``licenses`` folder, and name the LGPL libraries."""
    from infrastructure.bundled import bundle_folder
    from infrastructure.third_party import INDEX, notices

    bundle = bundle_folder()
    if bundle is not None and not (bundle / "licenses" / INDEX).is_file():
        raise SmokeFailed("the third-party licence notices are not in the bundle")
    found = notices(bundle)
    missing = {"Python", "Qt", "FFmpeg", "ZBar"} - {n.name for n in found}
    if missing:
        raise SmokeFailed(f"no licence notice for {', '.join(sorted(missing))}")
    where = "bundled" if bundle is not None else "from the installed packages"
    return f"{len(found)} third-party notices ({where})"


def check_shared_rebuild(runner) -> str:
    """Rebuild the read models as a long rebuild does, sharing it with a second process
    (in the frozen app that process is this program started again)."""
    batch_size, side_after = runner.batch_size, runner.side_after
    runner.batch_size, runner.side_after = 50, 0  # the demo is short: take that path anyway
    try:
        events = runner.rebuild()
    finally:
        runner.batch_size, runner.side_after = batch_size, side_after
    if runner.side_error or not runner.side_copied:
        raise SmokeFailed(f"the rebuild's second process failed: {runner.side_error or 'unused'}")
    return f"{events:,} events, {len(runner.side_copied)} read models built by a second process"


def run_smoke(report: Callable[[str], None] = print, code_for=None) -> dict:
    """Run the smoke test; returns what the door showed. Raises SmokeFailed.

    ``code_for(code)`` may change the scanned code (tests use it to see a failure).
    """
    if os.environ.get("QT_QPA_PLATFORM") != "offscreen":
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # no screen needed, none touched
    from PySide6.QtCore import QEvent

    from desktop.app import application, create_main_window
    from desktop.views.door.door import DoorNotice
    from domain.door_service import ScanResult
    from infrastructure.bootstrap import bootstrap
    from infrastructure.config import resolve

    qt_app = application()
    with tempfile.TemporaryDirectory(prefix="houselights-smoke-") as data:
        config = resolve(data, "")  # always the local store in the throwaway folder
        services = bootstrap(config, staff="smoke-test", workstation="smoke-test")
        window = None
        try:
            performance_id, code = prepare_demo(services.app)
            services.runner.catch_up()
            report(f"demo data: {services.app.event_count():,} events in {data}")
            window = create_main_window(services)
            window.show()
            _wait(qt_app, window.isVisible, "the main window to open")
            window.show_area("door")
            door = window.door_view
            _wait(qt_app, lambda: door.scanner.active, "the door view to listen for scanners")
            door.choose_performance(performance_id)
            if door.performance_id() != performance_id:
                raise SmokeFailed("the door view does not offer tonight's performance")
            door.code_field.setFocus()
            _wait(qt_app, lambda: qt_app.focusWidget() is not None, "keyboard focus")
            scanned = code_for(code) if code_for else code
            _type_like_a_scanner(qt_app, scanned)
            _wait(qt_app, lambda: door.last_result is not None, "the door's verdict", 20)
            result = door.last_result
            shown = door.panel.title_label.text()
            if not isinstance(result, ScanResult) or result.verdict != "admit":
                from desktop.door_check import verdict_words

                # a problem has its own message
                why = (
                    verdict_words(result)
                    if isinstance(result, ScanResult)
                    else result.message or "nothing"
                    if isinstance(result, DoorNotice)
                    else "nothing"
                )

                raise SmokeFailed(f"the door said {shown!r} ({why}) for {scanned}")
            report(f"door: {shown} for ticket {code}")
            _wait(
                qt_app,
                lambda: door.house.admitted_label.text() == "1",
                "the house count to show the admission",
                20,
            )
            report(f"zbar: read the printed barcode with {read_printed_barcode(code)}")
            report(f"sounds: {check_sounds(qt_app, data)}")
            report(f"camera: {check_camera_panel(qt_app)}")
            report(f"libraries: {check_libraries()}")
            report(f"licences: {check_licences()}")
            report(f"rebuild: {check_shared_rebuild(services.runner)}")
            return {
                "verdict": result.verdict,
                "shown": shown,
                "code": code,
                "events": services.app.event_count(),
            }
        finally:
            if window is not None:
                window.close()
                qt_app.processEvents()  # signals already queued, while the store is open
                window.deleteLater()
                qt_app.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
            services.close()
