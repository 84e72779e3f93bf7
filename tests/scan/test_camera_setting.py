"""The camera setting, parsed in one place: what each text a station's settings may hold names."""
from __future__ import annotations

from app.scan.camera_setting import CameraKind, parse_camera


def test_each_kind_of_camera_setting_is_told_apart(tmp_path):
    video = tmp_path / "door.mp4"
    video.write_bytes(b"not really a video")
    assert parse_camera("").kind is CameraKind.FIRST
    assert parse_camera("none").kind is CameraKind.NONE
    assert parse_camera(" 2 ").kind is CameraKind.NUMBER and parse_camera("2").number == 2
    assert parse_camera(str(tmp_path)).kind is CameraKind.FOLDER
    assert parse_camera(str(video)).kind is CameraKind.VIDEO
    assert parse_camera("/dev/video2").kind is CameraKind.DEVICE  # may not be plugged in yet
