"""Real frames for the scanner tests: drawn by the same scene renderer as the demo camera and the benchmark."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import cv2
import numpy as np
import pytest

from app.scan import scene


@pytest.fixture(scope="session")
def backdrop() -> np.ndarray:
    return scene.make_backdrop(seed=11)


@pytest.fixture(scope="session")
def code_frame(backdrop) -> Callable[..., np.ndarray]:
    """A 1280×720 BGR frame of a phone showing `payload` (None: the venue without a phone)."""

    def make(payload: str | None, *, center: tuple[float, float] = (640, 360), code_px: float = 200,
             roll_deg: float = 8, tilt_deg: float = 10, seed: int = 0, **look: object) -> np.ndarray:
        pose = None if payload is None else scene.Pose(center, code_px, roll_deg, tilt_deg, tilt_axis_deg=30)
        return scene.render(backdrop, payload, pose, scene.Look(**look), np.random.default_rng(seed)).image

    return make


@pytest.fixture
def make_video(tmp_path) -> Callable[..., Path]:
    """Writes frames to an MJPG AVI (every OpenCV build can write and read it back)."""

    def make(frames: Sequence[np.ndarray], fps: float = 30.0, name: str = "clip.avi") -> Path:
        path = tmp_path / name
        height, width = frames[0].shape[:2]
        writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (width, height))
        assert writer.isOpened()
        for frame in frames:
            writer.write(frame)
        writer.release()
        return path

    return make
