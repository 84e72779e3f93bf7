"""The cameras this machine has, for station setup's list and for `usher kiosk`'s first run.

On Linux each V4L2 device shows in sysfs with its name; a webcam often has a second node for metadata
(index 1), which cannot capture and is left out. Reading sysfs opens no device, so listing is instant
and never disturbs a camera in use. Elsewhere the list is empty and setup takes a camera number.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

SYSFS_VIDEO = Path("/sys/class/video4linux")


@dataclass(frozen=True, slots=True)
class Camera:
    device: str  # what the camera setting holds, e.g. "/dev/video0"
    name: str  # what the device calls itself, e.g. "HD Pro Webcam C920"


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""


def find_cameras(sysfs: Path = SYSFS_VIDEO) -> list[Camera]:
    """Capture devices, lowest number first."""
    try:
        nodes = [p for p in sysfs.iterdir() if re.fullmatch(r"video\d+", p.name)]
    except OSError:
        return []
    cameras = []
    for node in sorted(nodes, key=lambda p: int(p.name[5:])):
        if _read(node / "index") not in ("", "0"):
            continue  # a metadata node of a camera already listed
        cameras.append(Camera(f"/dev/{node.name}", _read(node / "name") or node.name))
    return cameras
