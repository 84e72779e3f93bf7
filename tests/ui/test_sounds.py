"""Sounds: a beep at once on every scan, a distinct sound per verdict class, and silence (never an
error, never a wait) when there is no audio device or no sound file."""
from __future__ import annotations

import time
import wave

from ui_helpers import door_settings, scan

from app.demo_data import GA, item_uuid
from app.domain.presentation import SOUNDS, TONE_LOOK
from app.ui.sounds import READ_BEEP, SOUND_NAMES, SoundPlayer, ensure_sounds


def test_the_sound_files_are_generated_the_same_every_time(tmp_path):
    ensure_sounds(tmp_path / "a")
    ensure_sounds(tmp_path / "b")

    for name in SOUND_NAMES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_every_sound_is_a_short_wav_and_go_used_stop_and_look_sound_different(tmp_path):
    ensure_sounds(tmp_path)

    for name in SOUND_NAMES:
        with wave.open(str(tmp_path / name)) as wav:
            assert wav.getnchannels() == 1 and wav.getsampwidth() == 2
            assert 0.04 < wav.getnframes() / wav.getframerate() < 0.6
    assert {look.sound for look in TONE_LOOK.values()} == set(SOUNDS)
    assert len({(tmp_path / name).read_bytes() for name in SOUNDS}) == len(SOUNDS)


def test_the_committed_sounds_match_the_generator(tmp_path):
    from app.ui.theme import SOUNDS_DIR

    ensure_sounds(tmp_path)
    for name in SOUND_NAMES:
        assert (SOUNDS_DIR / name).read_bytes() == (tmp_path / name).read_bytes()


def test_playing_without_an_audio_device_is_silent_and_instant(qtbot):
    player = SoundPlayer()
    qtbot.wait(200)  # let the effects try (and here: fail) to load

    started = time.perf_counter()
    for name in SOUND_NAMES:
        player.play(name)
    assert time.perf_counter() - started < 0.1


def test_a_sound_folder_that_cannot_be_written_means_silence_not_an_error(qtbot, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")

    player = SoundPlayer(directory=blocker / "sounds")
    player.play("valid.wav")  # nothing to play; nothing raised


def test_a_scan_beeps_at_once_then_plays_the_verdict_sound(qtbot, window):
    played: list[str] = []
    window.sounds.played.connect(played.append)

    window.on_payload(item_uuid(GA, 1))
    assert played == [READ_BEEP]  # before the verdict is even decided
    qtbot.waitUntil(lambda: len(played) == 2, timeout=5000)

    assert played == [READ_BEEP, "valid.wav"]
    scan(qtbot, window, item_uuid(GA, 1))
    assert played[-2:] == [READ_BEEP, "used.wav"]


def test_sounds_can_be_switched_off(qtbot, make_window):
    window = make_window(door_settings(sounds=False))
    played: list[str] = []
    window.sounds.played.connect(played.append)

    scan(qtbot, window, item_uuid(GA, 1))

    assert played == []
