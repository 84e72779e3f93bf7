"""The kiosk's sounds: a read beep the instant a code is read, and one sound per kind of answer
(go, used, stop, look at the screen).

The WAV files are synthesised here, deterministically (same bytes on every run), so they can be
regenerated with `python -m app.ui.sounds` and are recreated when missing. Playback uses QSoundEffect;
with no audio device, or a broken file, it stays silent and never blocks a scan.
"""
from __future__ import annotations

import logging
import math
import sys
import wave
from array import array
from pathlib import Path

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtMultimedia import QSoundEffect

from app.domain.presentation import SOUNDS
from app.ui.theme import SOUNDS_DIR

log = logging.getLogger(__name__)

RATE = 22_050
READ_BEEP = "read.wav"
_AMPLITUDE = 0.45 * 32767
_FADE_S = 0.006  # a few ms of fade in and out, so tones start and stop without a click


def _tone(freq: float, seconds: float, square: bool = False) -> list[float]:
    count = int(RATE * seconds)
    fade = int(RATE * _FADE_S)
    out = []
    for n in range(count):
        phase = 2 * math.pi * freq * n / RATE
        # A buzz: the first odd harmonics of a square wave, harsh but not painful.
        value = sum(math.sin(k * phase) / k for k in (1, 3, 5, 7)) if square else math.sin(phase)
        out.append(value * min(1.0, n / fade, (count - 1 - n) / fade))
    return out


def _silence(seconds: float) -> list[float]:
    return [0.0] * int(RATE * seconds)


def _samples(name: str) -> list[float]:
    if name == READ_BEEP:
        return _tone(1900, 0.06)
    if name == "valid.wav":  # rising two-tone
        return _tone(880, 0.11) + _tone(1320, 0.17)
    if name == "used.wav":  # double low
        return _tone(330, 0.14) + _silence(0.07) + _tone(330, 0.14)
    if name == "refused.wav":  # low buzz
        return [s * 0.8 for s in _tone(140, 0.45, square=True)]
    return _tone(1050, 0.08) + _silence(0.06) + _tone(1050, 0.08) + _silence(0.06) + _tone(1050, 0.08)  # attention


SOUND_NAMES = (READ_BEEP, *SOUNDS)


def write_sound(name: str, path: Path) -> None:
    pcm = array("h", (int(s * _AMPLITUDE) for s in _samples(name)))
    if sys.byteorder == "big":
        pcm.byteswap()  # WAV is little-endian
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(pcm.tobytes())


def ensure_sounds(directory: Path = SOUNDS_DIR, overwrite: bool = False) -> None:
    """Writes the sounds that are missing (all of them with overwrite). A read-only install is fine:
    whatever cannot be written is simply not played."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for name in SOUND_NAMES:
            path = directory / name
            if overwrite or not path.exists():
                write_sound(name, path)
    except OSError as exc:
        log.warning("cannot write sounds to %s: %s", directory, exc.strerror)


class SoundPlayer(QObject):
    """Plays the kiosk's sounds by file name. `played` reports each sound asked for while enabled."""

    played = Signal(str)

    def __init__(self, directory: Path = SOUNDS_DIR, enabled: bool = True, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.enabled = enabled
        ensure_sounds(directory)
        self._effects: dict[str, QSoundEffect] = {}
        for name in SOUND_NAMES:
            effect = QSoundEffect(self)
            effect.setSource(QUrl.fromLocalFile(str(directory / name)))  # loads in the background
            self._effects[name] = effect

    def play(self, name: str) -> None:
        """Starts the sound and returns at once; a missing device or file means silence, not an error."""
        if not self.enabled:
            return
        effect = self._effects.get(name)
        if effect is not None and effect.status() is not QSoundEffect.Status.Error:
            effect.play()
        self.played.emit(name)


if __name__ == "__main__":
    ensure_sounds(Path(sys.argv[1]) if len(sys.argv) > 1 else SOUNDS_DIR, overwrite=True)
