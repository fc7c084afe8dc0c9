"""A distinct short sound for each door verdict, made on first use.

The tones are written as WAV files with the ``wave`` module into a folder the
app owns (the data folder, or the temp folder) and played with
``QSoundEffect`` when QtMultimedia can be loaded. A computer without an audio
device or without the multimedia libraries plays nothing and never fails;
``requested`` records which sound was asked for (tests check it).
"""

from __future__ import annotations

import math
import struct
import tempfile
import wave
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QUrl

if TYPE_CHECKING:
    from PySide6.QtMultimedia import QSoundEffect

RATE = 22050

#: verdict -> notes as (frequency Hz, duration s); 0 Hz is a short silence
TONES: dict[str, tuple[tuple[float, float], ...]] = {
    "admit": ((880.0, 0.09), (1318.5, 0.14)),  # bright rising two-note chime
    "already_admitted": ((659.3, 0.12), (0, 0.05), (659.3, 0.12)),  # two even beeps
    "wrong_performance": ((784.0, 0.1), (587.3, 0.1), (440.0, 0.14)),  # falling three
    "void": ((220.0, 0.35),),  # one low long buzz
    "unknown": ((392.0, 0.07), (0, 0.04), (392.0, 0.07), (0, 0.04), (392.0, 0.07)),  # triple
}


def write_tone(path: Path, notes: tuple[tuple[float, float], ...], volume: float = 0.45) -> None:
    frames = bytearray()
    for frequency, seconds in notes:
        count = int(RATE * seconds)
        fade = max(1, int(RATE * 0.008))  # no clicks at the edges
        for i in range(count):
            envelope = min(1.0, i / fade, (count - i) / fade)
            sample = 0.0
            if frequency:
                phase = 2 * math.pi * frequency * i / RATE
                sample = math.sin(phase) + 0.25 * math.sin(2 * phase)  # a warmer tone
            frames += struct.pack("<h", int(32767 * volume * envelope * sample / 1.25))
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(bytes(frames))


def _sound_effect_class():
    """QSoundEffect, or None where QtMultimedia or its libraries are missing."""
    return None if multimedia_problem() else _qsoundeffect()


def _qsoundeffect():
    from PySide6.QtMultimedia import QSoundEffect

    return QSoundEffect


def multimedia_problem() -> str | None:
    """None when QtMultimedia loads here, else the loader's reason (it names the
    missing module or library, for the smoke test and the log)."""
    try:
        from PySide6.QtMultimedia import QSoundEffect  # noqa: F401
    except (ImportError, OSError) as error:
        return f"{type(error).__name__}: {error}"
    return None


class VerdictSounds(QObject):
    def __init__(
        self, folder: str | Path | None = None, enabled: bool = True, parent: QObject | None = None
    ):
        super().__init__(parent)
        self.folder = Path(folder) if folder else Path(tempfile.gettempdir()) / "houselights"
        self.folder = self.folder / "sounds"
        self.enabled = enabled
        self.requested: list[str] = []
        self._effects: dict[str, QSoundEffect] = {}
        self._effect_class: type[QSoundEffect] | None = None
        self._loaded = False

    def path(self, verdict: str) -> Path:
        return self.folder / f"{verdict}.wav"

    def prepare(self) -> None:
        """Write the tones (once) and load them, if sound can play here at all."""
        if self._loaded:
            return
        self._loaded = True
        try:
            for verdict, notes in TONES.items():
                if not self.path(verdict).exists():
                    write_tone(self.path(verdict), notes)
        except OSError:
            return  # a read-only folder: silence rather than a crash
        self._effect_class = _sound_effect_class()

    def play(self, verdict: str) -> None:
        self.requested.append(verdict)
        if not self.enabled or verdict not in TONES:
            return
        self.prepare()
        if self._effect_class is None:
            return
        try:
            self.effect(verdict).play()
        except Exception:  # noqa: BLE001 - no audio device must never stop the door
            self._effect_class = None

    @property
    def available(self) -> bool:
        """Whether QtMultimedia loaded (after ``prepare``): sounds can be played."""
        return self._effect_class is not None

    def effect(self, verdict: str) -> QSoundEffect:
        """The QSoundEffect of ``verdict``, made and given its tone on first use
        (``prepare`` first; needs ``available``)."""
        effect = self._effects.get(verdict)
        if effect is None:
            if self._effect_class is None:
                raise RuntimeError("no sound effects here: prepare() first, and check available")
            effect = self._effect_class(self)
            effect.setSource(QUrl.fromLocalFile(str(self.path(verdict))))
            effect.setVolume(0.8)
            self._effects[verdict] = effect
        return effect
