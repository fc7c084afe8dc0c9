"""The smoke test's sound and camera checks (``desktop/smoke.py``): what fails the
installers' build when Qt Multimedia, the verdict sounds or the camera panel
would not work in the frozen app. They run unfrozen here, in the normal suite."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import smoke
from tests.installer.build_script import build


@pytest.fixture(scope="module")
def null_output():
    """A PulseAudio server with only a null output (sounds go nowhere), as the
    installers' build starts one for the frozen app's smoke test."""
    with build.null_audio_output() as env:
        yield env


def test_every_verdict_sound_loads_and_plays_to_the_end_on_a_null_output(tmp_path, null_output):
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env.update(null_output)
    env["HOUSELIGHTS_DATA"] = str(tmp_path / "never-touched")
    env[smoke.REQUIRE_AUDIO] = "1"
    done = subprocess.run(
        [sys.executable, "-m", "desktop.cli", "--smoke"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "smoke: sounds: 5 verdict sounds loaded and played on 'Null Output'" in done.stdout
    assert "smoke: camera: camera panel built with the FFmpeg backend (no camera here" in (
        done.stdout
    )
    assert "smoke: licences: " in done.stdout and "from the installed packages" in done.stdout


def test_without_an_audio_output_the_build_fails_the_smoke_run(qapp, tmp_path, monkeypatch):
    from PySide6.QtMultimedia import QAudioDevice, QMediaDevices

    monkeypatch.setattr(QMediaDevices, "defaultAudioOutput", staticmethod(QAudioDevice))
    assert "no audio output here, so none played" in smoke.check_sounds(qapp, tmp_path)
    monkeypatch.setenv(smoke.REQUIRE_AUDIO, "1")
    with pytest.raises(smoke.SmokeFailed, match="this computer has no audio output"):
        smoke.check_sounds(qapp, tmp_path)


def test_a_qt_multimedia_that_cannot_load_fails_the_sounds_and_the_camera(
    qapp, tmp_path, monkeypatch
):
    # as in a bundle without QtNetwork: importing PySide6.QtMultimedia fails
    monkeypatch.setitem(sys.modules, "PySide6.QtMultimedia", None)
    with pytest.raises(smoke.SmokeFailed) as sounds:
        smoke.check_sounds(qapp, tmp_path)
    assert str(sounds.value) == (
        "the door sounds cannot play: Qt Multimedia does not load: ModuleNotFoundError: "
        "import of PySide6.QtMultimedia halted; None in sys.modules"
    )
    with pytest.raises(smoke.SmokeFailed) as camera:
        smoke.check_camera_panel(qapp)
    assert "the camera panel cannot work: The camera needs Qt Multimedia" in str(camera.value)


def test_the_camera_panel_builds_without_a_camera_and_says_so(qapp):
    assert smoke.check_camera_panel(qapp) == (
        "camera panel built with the FFmpeg backend (no camera here, as it says)"
    )


def test_a_camera_panel_without_a_media_backend_fails(qapp, monkeypatch):
    from PySide6.QtMultimedia import QMediaFormat

    # what Qt reports when its FFmpeg plugin is not in the bundle: no formats at all
    monkeypatch.setattr(QMediaFormat, "supportedFileFormats", lambda self, mode: [])
    with pytest.raises(smoke.SmokeFailed, match="Qt's FFmpeg media plugin did not load"):
        smoke.check_camera_panel(qapp)


def test_a_sound_that_does_not_load_fails_the_smoke_run(qapp, tmp_path, null_output, monkeypatch):
    check = (
        "import os, sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from desktop import smoke\n"
        "from desktop.sounds import VerdictSounds\n"
        "app = QApplication([])\n"
        "folder = sys.argv[1]\n"
        "sounds = VerdictSounds(folder)\n"
        "sounds.prepare()\n"
        "sounds.path('void').write_bytes(b'RIFF-not-a-wave')\n"
        "try:\n"
        "    smoke.check_sounds(app, folder)\n"
        "except smoke.SmokeFailed as failed:\n"
        "    print(failed)\n"
    )
    env = {**os.environ, **null_output, smoke.REQUIRE_AUDIO: "1", "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", check, str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).parents[2],
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "the void sound did not load on 'Null Output': Error"
