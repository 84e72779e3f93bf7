"""Which frames to decode: every one while something is happening, few while the view stays as it was.

A code cannot appear without the picture changing where it appears. So after a frame in which nothing was
read, a frame that still looks like it (a 160×90 thumbnail, corrected for overall light, nowhere more than
`threshold` grey levels off) is not decoded; one is decoded anyway every `max_skip_s`, for what changes
slowly (focus, a code brightening on a screen). The first frame in which a code is held up differs from the
empty view before it, so it is decoded. While codes are being read, every frame is decoded.
Pure logic: the caller passes each frame's time.
"""
from __future__ import annotations

import cv2
import numpy as np

THUMBNAIL = (160, 90)  # a 60 px code, the smallest worth reading, still covers ~7×7 of its pixels


class ChangeGate:
    def __init__(self, *, threshold: float = 16.0, min_changed_px: int = 6, max_skip_s: float = 0.5) -> None:
        self.threshold = threshold
        self.min_changed_px = min_changed_px
        self.max_skip_s = max_skip_s
        self._reference: np.ndarray | None = None  # thumbnail of the last frame decoded, if it read nothing
        self._reference_at = 0.0

    def should_decode(self, image: np.ndarray, now: float) -> bool:
        if self._reference is None or now - self._reference_at >= self.max_skip_s:
            return True
        return self._changed(thumbnail(image))

    def decoded(self, image: np.ndarray, now: float, read_something: bool) -> None:
        """Records a decoded frame: the reference for the frames after it, unless something was read."""
        self._reference = None if read_something else thumbnail(image)
        self._reference_at = now

    def _changed(self, thumb: np.ndarray) -> bool:
        # Light changes (a lamp, the camera's exposure) scale the whole picture; a code changes one place.
        gain = float(self._reference.mean()) / max(float(thumb.mean()), 1.0)
        difference = cv2.absdiff(cv2.convertScaleAbs(thumb, alpha=gain), self._reference)
        return cv2.countNonZero(cv2.threshold(difference, self.threshold, 255, cv2.THRESH_BINARY)[1]) \
            >= self.min_changed_px


def thumbnail(image: np.ndarray) -> np.ndarray:
    """A small grey picture, averaged enough that sensor noise and compression speckle vanish (~0.15 ms)."""
    half = cv2.resize(image, (2 * THUMBNAIL[0], 2 * THUMBNAIL[1]), interpolation=cv2.INTER_LINEAR)
    small = cv2.resize(half, THUMBNAIL, interpolation=cv2.INTER_AREA)
    return cv2.cvtColor(small, cv2.COLOR_BGR2GRAY) if small.ndim == 3 else small
