"""Verdict sounds: short distinct tones, made on first use, never a crash without audio."""

from __future__ import annotations

import wave

import desktop.sounds as sounds_module
from desktop.sounds import TONES, VerdictSounds


def test_each_verdict_gets_its_own_short_tone_written_on_first_use(tmp_path):
    sounds = VerdictSounds(tmp_path)
    assert not (tmp_path / "sounds").exists()
    sounds.play("admit")
    contents = {}
    for verdict in TONES:
        with wave.open(str(sounds.path(verdict)), "rb") as tone:
            assert (tone.getnchannels(), tone.getsampwidth()) == (1, 2)
            seconds = tone.getnframes() / tone.getframerate()
            assert 0.1 < seconds < 0.5
            contents[verdict] = tone.readframes(tone.getnframes())
    assert len(set(contents.values())) == len(TONES)
    assert sounds.requested == ["admit"]


def test_no_audio_device_or_library_never_stops_the_door(tmp_path, monkeypatch):
    class Broken:
        def __init__(self, parent):
            raise RuntimeError("no audio device")

    monkeypatch.setattr(sounds_module, "_sound_effect_class", lambda: Broken)
    sounds = VerdictSounds(tmp_path)
    sounds.play("void")
    sounds.play("unknown")
    assert sounds.requested == ["void", "unknown"]

    monkeypatch.setattr(sounds_module, "_sound_effect_class", lambda: None)
    quiet = VerdictSounds(tmp_path / "other")
    quiet.play("admit")
    assert quiet.requested == ["admit"]


def test_sounds_switched_off_are_still_recorded_as_requested_but_not_written(tmp_path):
    sounds = VerdictSounds(tmp_path, enabled=False)
    sounds.play("already_admitted")
    assert sounds.requested == ["already_admitted"]
    assert not (tmp_path / "sounds").exists()
