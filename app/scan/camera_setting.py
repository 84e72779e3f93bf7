"""The station's camera setting, parsed in one place: what the text in the settings file (or typed in station
setup, or given as `usher kiosk --camera`) names.

    ""            the first camera found (none found: the station scans with a hand scanner)
    "none"        no camera: a hand scanner only
    "0", "1", …   a camera by number
    a path        a device (/dev/video2), a video file, or a folder of images
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path

FIRST_CAMERA = ""
NO_CAMERA = "none"
DEMO_CAMERA = "synthetic"  # `usher demo`'s made-up camera: never a station's setting (app/config.py)


class CameraKind(enum.Enum):
    FIRST = "first"
    NONE = "none"
    NUMBER = "number"
    DEVICE = "device"
    VIDEO = "video"
    FOLDER = "folder"


@dataclass(frozen=True, slots=True)
class CameraSetting:
    kind: CameraKind
    value: str  # the setting as written (a number or a path)

    @property
    def number(self) -> int:
        return int(self.value)


def parse_camera(setting: str) -> CameraSetting:
    setting = setting.strip()
    if setting == FIRST_CAMERA:
        return CameraSetting(CameraKind.FIRST, setting)
    if setting == NO_CAMERA:
        return CameraSetting(CameraKind.NONE, setting)
    if setting.isdigit():
        return CameraSetting(CameraKind.NUMBER, setting)
    path = Path(setting)
    if path.is_dir():
        return CameraSetting(CameraKind.FOLDER, setting)
    if path.is_file() and not setting.startswith("/dev/"):
        return CameraSetting(CameraKind.VIDEO, setting)
    return CameraSetting(CameraKind.DEVICE, setting)


def typed_camera_problem(setting: str) -> str:
    """Why a camera typed by hand (a number, device, video file or folder) cannot be used, or ''."""
    setting = setting.strip()
    if not setting:
        return "Type the camera's number (0 for the first), or the path of a device, video or folder"
    if not setting.isdigit() and not Path(setting).exists():
        return f"Nothing found at {setting}"
    return ""
