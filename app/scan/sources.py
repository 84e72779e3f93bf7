"""Frame sources behind one interface: a camera, a video file, a folder of images, and a synthetic demo camera.

A source is driven by one thread at a time (the capture thread, or the caller of a synchronous run):
`open()`, then `read()` until it returns None, then `close()`. Its `state` says what the UI should show.
A source never raises from these three calls: a failure is a state.
"""
from __future__ import annotations

import bisect
import logging
import math
import os
import time
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import cv2
import numpy as np

from app.scan import scene

log = logging.getLogger(__name__)


class SourceState(str, Enum):
    STARTING = "starting"  # not opened yet
    LIVE = "live"  # delivering frames
    MISSING = "missing"  # could not be opened (no such camera, file or folder)
    RECONNECTING = "reconnecting"  # was live, lost its device; opening again
    ENDED = "ended"  # a finite source delivered its last frame
    STOPPED = "stopped"  # closed on purpose


@dataclass(frozen=True, slots=True)
class Frame:
    image: np.ndarray  # BGR, uint8, height × width × 3
    index: int  # sequence number within the source, across reconnections
    timestamp: float  # seconds on the source's clock: perf_counter, or index / fps for simulated time
    captured_at: float  # time.perf_counter() when the frame was taken
    captured_wall: float  # time.time() at the same moment
    shown_payload: str | None = None  # synthetic camera only: the payload whose code is wholly in view


class FrameSource(ABC):
    """Open / read the next frame / close, with a state the UI can show."""

    finite: bool = False  # True: the source ends by itself (file, folder, a scripted demo)

    def __init__(self, name: str) -> None:
        self.name = name
        self.state = SourceState.STARTING
        self._was_live = False
        self._next_index = 0

    def open(self) -> bool:
        try:
            opened = self._open()
        except Exception:
            log.exception("opening %s failed", self.name)
            opened = False
        if opened:
            self.state = SourceState.LIVE
            self._was_live = True
        else:
            self._release_quietly()
            self.state = SourceState.RECONNECTING if self._was_live else SourceState.MISSING
        return opened

    def read(self) -> Frame | None:
        """The next frame, or None when there is none: then `state` says whether it ended or was lost."""
        if self.state is not SourceState.LIVE:
            return None
        try:
            self._pace()
            shot = self._grab()
        except Exception:
            log.exception("reading %s failed", self.name)
            shot = None
        image = as_bgr(shot[0]) if shot is not None else None
        if image is None:
            self._release_quietly()
            self.state = SourceState.ENDED if self.finite else SourceState.RECONNECTING
            return None
        captured_at, captured_wall = time.perf_counter(), time.time()
        index = self._next_index
        self._next_index += 1
        return Frame(image, index, self._timestamp(index, captured_at), captured_at, captured_wall, shot[1])

    def close(self) -> None:
        self._release_quietly()
        if self.state is not SourceState.ENDED:
            self.state = SourceState.STOPPED

    def _release_quietly(self) -> None:
        try:
            self._release()
        except Exception:
            log.exception("releasing %s failed", self.name)

    def _pace(self) -> None:
        """Waits until the next frame is due; sources paced by their hardware need not."""

    def _timestamp(self, index: int, captured_at: float) -> float:
        return captured_at

    @abstractmethod
    def _open(self) -> bool: ...

    @abstractmethod
    def _grab(self) -> tuple[np.ndarray, str | None] | None:
        """The next image and the payload known to be shown in it (synthetic only), or None."""

    @abstractmethod
    def _release(self) -> None: ...


def as_bgr(image: object) -> np.ndarray | None:
    """A usable 8-bit BGR image, or None for anything a decoder or preview cannot use."""
    if not isinstance(image, np.ndarray) or image.size == 0 or image.dtype != np.uint8:
        return None
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.ndim == 3 and image.shape[2] == 3:
        return image
    if image.ndim == 3 and image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    return None


class _OpenCvReader:
    """Reading frames from an OpenCV capture, shared by cameras and video files."""

    _capture: cv2.VideoCapture | None

    def _grab(self) -> tuple[np.ndarray, None] | None:
        ok, image = self._capture.read()
        return (image, None) if ok else None

    def _release(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None


class CameraSource(_OpenCvReader, FrameSource):
    """A webcam by index (0, 1, …) or device path ("/dev/video2"), through OpenCV's VideoCapture."""

    def __init__(self, device: int | str, *, width: int = 1280, height: int = 720, fps: float = 30.0,
                 fourcc: str | None = "MJPG", backend: int = cv2.CAP_ANY) -> None:
        super().__init__(f"camera {device}")
        self.device, self.width, self.height, self.fps = device, width, height, fps
        self.fourcc, self.backend = fourcc, backend
        self._capture: cv2.VideoCapture | None = None

    def _open(self) -> bool:
        if isinstance(self.device, str) and self.device.startswith("/dev/") and not os.path.exists(self.device):
            return False  # unplugged: do not let a backend guess what the path means
        capture = cv2.VideoCapture(self.device, self.backend)
        self._capture = capture
        if not capture.isOpened():
            return False
        if self.fourcc:
            # Uncompressed YUYV cannot carry 1280×720 at 30 fps over USB 2 on most webcams; MJPG can.
            # A camera that does not offer it ignores the request and keeps its own format.
            capture.set(cv2.CAP_PROP_FOURCC, cv2.VideoWriter_fourcc(*self.fourcc))
        capture.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
        capture.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
        capture.set(cv2.CAP_PROP_FPS, self.fps)
        capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # newest frame, not a backlog
        return True



class _PacedSource(FrameSource):
    """A finite source that plays at `fps`: in real time (sleeping), or in simulated time as fast as possible.

    In simulated time a frame's timestamp is index / fps, so time-based logic (debounce) behaves as if the
    frames had arrived in real time.
    """

    finite = True

    def __init__(self, name: str, *, fps: float, realtime: bool) -> None:
        super().__init__(name)
        if fps <= 0:
            raise ValueError("fps must be positive")
        self.fps, self.realtime = fps, realtime
        self._due: float | None = None

    def _pace(self) -> None:
        if not self.realtime:
            return
        now = time.perf_counter()
        if self._due is None or self._due < now:
            self._due = now  # first frame, or running late: re-anchor rather than burst to catch up
        else:
            time.sleep(self._due - now)
        self._due += 1 / self.fps

    def _timestamp(self, index: int, captured_at: float) -> float:
        return captured_at if self.realtime else index / self.fps


class VideoFileSource(_OpenCvReader, _PacedSource):
    """A video file, played at its own frame rate (or `fps`), ending at its last frame."""

    def __init__(self, path: str | os.PathLike[str], *, realtime: bool = True, fps: float | None = None) -> None:
        super().__init__(f"video {path}", fps=fps or 30.0, realtime=realtime)
        self.path = Path(path)
        self._fixed_fps = fps is not None
        self._capture: cv2.VideoCapture | None = None

    def _open(self) -> bool:
        if not self.path.is_file():
            return False
        capture = cv2.VideoCapture(str(self.path))
        self._capture = capture
        if not capture.isOpened():
            return False
        file_fps = capture.get(cv2.CAP_PROP_FPS)
        if not self._fixed_fps and math.isfinite(file_fps) and 1 <= file_fps <= 240:
            self.fps = file_fps
        return True



IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif", ".tiff", ".pgm", ".ppm"})


class ImageFolderSource(_PacedSource):
    """The images of a folder in name order, one frame each; files that cannot be read are skipped."""

    def __init__(self, folder: str | os.PathLike[str], *, fps: float = 30.0, realtime: bool = True) -> None:
        super().__init__(f"folder {folder}", fps=fps, realtime=realtime)
        self.folder = Path(folder)
        self.skipped: list[Path] = []
        self._pending: list[Path] = []

    def _open(self) -> bool:
        if not self.folder.is_dir():
            return False
        self._pending = sorted(p for p in self.folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        self._pending.reverse()  # pop() from the end takes them in name order
        return True

    def _grab(self) -> tuple[np.ndarray, None] | None:
        while self._pending:
            path = self._pending.pop()
            image = cv2.imread(str(path), cv2.IMREAD_COLOR)
            if image is not None:
                return image, None
            log.warning("skipping unreadable image %s", path)
            self.skipped.append(path)
        return None

    def _release(self) -> None:
        self._pending = []


@dataclass(frozen=True)
class ShownCode:
    """One code held up to the synthetic camera: shown for `shown_s`, then nothing for `gap_after_s`."""

    payload: str
    shown_s: float
    gap_after_s: float


class SyntheticCamera(_PacedSource):
    """A demo camera: a phone showing each scripted payload as a QR code, moving and tilting in front of a
    cluttered venue, with light changes and empty stretches between codes.

    `script` is a list of `ShownCode` or `(payload, seconds_shown, seconds_gap_after)`. Frames carry the
    payload whose code is wholly in view (`Frame.shown_payload`). The scene is a function of the seed and the
    scene time (sensor noise aside), so real-time and simulated runs show the same pictures. With `repeat`, the
    script plays in a loop and the camera never ends (a live demo); otherwise it ends after the last gap.
    """

    ENTER_S = 0.35  # the phone slides in from below, and out again, in this long

    def __init__(self, script: Sequence[ShownCode | tuple[str, float, float]], *, fps: float = 30.0,
                 realtime: bool = True, seed: int = 0, lead_in_s: float = 1.0, repeat: bool = False) -> None:
        super().__init__("demo camera", fps=fps, realtime=realtime)
        self.script = [p if isinstance(p, ShownCode) else ShownCode(*p) for p in script]
        if any(p.shown_s <= 0 or p.gap_after_s < 0 for p in self.script):
            raise ValueError("a shown code needs shown_s > 0 and gap_after_s >= 0")
        self.finite = not repeat
        self._starts = []
        t = lead_in_s
        for p in self.script:
            self._starts.append(t)
            t += p.shown_s + p.gap_after_s
        self.duration_s = t
        self._backdrop = scene.make_backdrop(seed)
        self._looks = [_ShownCodeLook.draw(seed, i) for i in range(len(self.script))]
        self._noise_rng = np.random.default_rng(seed)

    def _open(self) -> bool:
        return True

    def _release(self) -> None:
        pass

    def _grab(self) -> tuple[np.ndarray, str | None] | None:
        t = self._next_index / self.fps
        if not self.finite and self.duration_s > 0:
            t %= self.duration_s
        elif t >= self.duration_s:
            return None
        rendered = self.render_at(t)
        code = self.code_shown_at(t)
        shown = code.payload if code is not None and rendered.symbol_in_frame else None
        return rendered.image, shown

    def code_shown_at(self, t: float) -> ShownCode | None:
        """The code being shown at scene time `t` (the phone may still be sliding in or out)."""
        i = self._shown_index(t)
        return None if i is None else self.script[i]

    def _shown_index(self, t: float) -> int | None:
        i = bisect.bisect_right(self._starts, t) - 1
        if i < 0 or t >= self._starts[i] + self.script[i].shown_s:
            return None
        return i

    def render_at(self, t: float) -> scene.Rendered:
        light = 1.0 + 0.12 * math.sin(2 * math.pi * t / 9.0) + 0.05 * math.sin(2 * math.pi * t / 2.3)
        i = self._shown_index(t)
        if i is None:
            return scene.render(self._backdrop, None, None, scene.Look(brightness=light), self._noise_rng)
        code, style = self.script[i], self._looks[i]
        local_t = t - self._starts[i]
        pose = style.pose(local_t, code.shown_s)
        before = style.pose(local_t - 0.5 / self.fps, code.shown_s)
        after = style.pose(local_t + 0.5 / self.fps, code.shown_s)
        dx, dy = after.center[0] - before.center[0], after.center[1] - before.center[1]
        exposure_fraction = 0.5  # the shutter is open for half the frame interval
        # Past ~40 px the phone is a smear either way; longer kernels would only cost render time.
        smear = min(math.hypot(dx, dy) * exposure_fraction, 40.0)
        look = scene.Look(brightness=light * style.brightness, dark_mode=style.dark_mode, glare=style.glare,
                          glare_at=style.glare_at, motion_blur_px=smear,
                          motion_angle_deg=math.degrees(math.atan2(dy, dx)))
        return scene.render(self._backdrop, code.payload, pose, look, self._noise_rng)


@dataclass(frozen=True)
class _ShownCodeLook:
    """How one shown code looks: drawn from the seed, so a script always renders the same way."""

    center: tuple[float, float]
    code_px: float
    roll_deg: float
    tilt_deg: float
    tilt_axis_deg: float
    sway: tuple[float, float, float]  # amplitude px, frequency Hz, phase
    brightness: float
    dark_mode: bool
    glare: float
    glare_at: tuple[float, float]

    @classmethod
    def draw(cls, seed: int, index: int) -> _ShownCodeLook:
        rng = np.random.default_rng([seed, index])
        width, height = scene.FRAME_SIZE
        code_px = float(rng.uniform(150, 260))
        return cls(center=(float(rng.uniform(0.3, 0.7) * width), float(rng.uniform(0.35, 0.55) * height)),
                   code_px=code_px, roll_deg=float(rng.uniform(-20, 20)), tilt_deg=float(rng.uniform(0, 30)),
                   tilt_axis_deg=float(rng.uniform(0, 360)),
                   sway=(float(rng.uniform(10, 35)), float(rng.uniform(0.2, 0.6)), float(rng.uniform(0, 6.3))),
                   brightness=float(rng.uniform(0.85, 1.1)), dark_mode=bool(rng.random() < 0.25),
                   glare=float(rng.uniform(0.3, 0.6)) if rng.random() < 0.15 else 0.0,
                   glare_at=(float(rng.uniform(0.2, 0.8)), float(rng.uniform(0.2, 0.8))))

    def pose(self, local_t: float, shown_s: float) -> scene.Pose:
        amplitude, frequency, phase = self.sway
        wave = math.sin(2 * math.pi * frequency * local_t + phase)
        enter = min(1.0, max(0.0, min(local_t, shown_s - local_t) / SyntheticCamera.ENTER_S))
        lift = (1 - enter * enter * (3 - 2 * enter)) * scene.FRAME_SIZE[1]  # smoothstep from below the frame
        return scene.Pose(center=(self.center[0] + amplitude * wave,
                                  self.center[1] + 0.5 * amplitude * math.cos(2 * math.pi * frequency * local_t)
                                  + lift),
                          code_px=self.code_px, roll_deg=self.roll_deg + 6 * wave,
                          tilt_deg=max(0.0, self.tilt_deg + 10 * wave), tilt_axis_deg=self.tilt_axis_deg)
