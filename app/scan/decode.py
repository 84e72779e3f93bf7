"""The QR decoder chain: zxing-cpp on the whole frame, then retries only where something suggests a code.

Each stage after the first has a trigger, so a frame with nothing code-like costs zxing-cpp plus a quick
look for smeared codes (~0.4 ms at 1280×720):
- a symbol zxing-cpp located but could not read → its region again: upscaled 2×, then contrast-normalised
  (CLAHE), then straightened (its outline warped to a square) and given to pyzbar;
- a located symbol still unread after that, among other symbols → the whole frame again, upscaled and
  contrast-normalised: a frame of many codes holds others zxing-cpp did not even locate;
- a square region dense with light/dark transitions, smeared in one direction → motion deblurring.
Retries stop when the frame's time budget is spent. Only QR codes are looked for (other symbologies cost
time and read barcodes out of noise). Every symbol read is returned once with its corners: two identical
tickets side by side are two results; a later stage's symbol whose centre lies inside one already read is
that symbol again. Texts are returned exactly as decoded. Why these stages: docs/scanning.md.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np
import zxingcpp
from pyzbar import pyzbar

from app.scan import deblur

log = logging.getLogger(__name__)

# The time the retries after the first stage may take per frame: a frame with a code may cost a dropped frame.
DEFAULT_BUDGET_MS = 40.0

Quad = tuple[tuple[float, float], tuple[float, float], tuple[float, float], tuple[float, float]]


@dataclass(frozen=True)
class Decoded:
    text: str
    stage: str  # the chain stage that read it
    position: Quad  # corners in the frame's pixels: top-left, top-right, bottom-right, bottom-left of the symbol


@dataclass
class _Frame:
    """What the stages of one frame share: the symbols read so far and those located but not read."""

    gray: np.ndarray
    deadline: float = float("inf")  # time.perf_counter() after which no retry starts
    found: list[Decoded] = field(default_factory=list)
    located: list[Quad] = field(default_factory=list)

    def add(self, decoded: list[Decoded]) -> bool:
        """Keeps the symbols not read before; True if there was one."""
        before = len(self.found)
        for d in decoded:  # checked one by one: a decoder can report a symbol twice (as it is and inverted)
            if not any(_inside(d.position, f.position) for f in self.found):
                self.found.append(d)
        return len(self.found) > before

    def unread(self) -> list[Quad]:
        return [q for q in self.located if not any(_inside(q, f.position) for f in self.found)]

    def time_left(self) -> bool:
        return time.perf_counter() < self.deadline


def _centre(quad: Quad) -> tuple[float, float]:
    return sum(p[0] for p in quad) / 4, sum(p[1] for p in quad) / 4


def _inside(quad: Quad, outer: Quad) -> bool:
    """Whether `quad`'s centre lies inside `outer`: the same symbol seen twice."""
    return cv2.pointPolygonTest(np.array(outer, np.float32), _centre(quad), False) >= 0


def _overlap(a: Quad, b: Quad) -> bool:
    hull_a, hull_b = (cv2.convexHull(np.array(q, np.float32)) for q in (a, b))
    area, _ = cv2.intersectConvexConvex(hull_a, hull_b)
    return area > 0


def read_zxing(gray: np.ndarray, *, stage: str = "zxing", to_frame: Callable[[np.ndarray], np.ndarray] | None = None,
               located: list[Quad] | None = None) -> list[Decoded]:
    """zxing-cpp on a grey image. `to_frame` maps its 4×2 corner arrays back to frame pixels. With `located`,
    the corners of symbols found but not decoded are appended to it (each symbol once)."""
    try:
        barcodes = zxingcpp.read_barcodes(gray, formats=zxingcpp.BarcodeFormat.QRCode, try_invert=True,
                                          text_mode=zxingcpp.TextMode.Plain,
                                          return_errors=located is not None)
    except Exception:
        log.exception("zxing-cpp failed on a %s image", gray.shape)
        return []
    found = []
    for barcode in barcodes:
        p = barcode.position
        corners = np.array([(pt.x, pt.y) for pt in (p.top_left, p.top_right, p.bottom_right, p.bottom_left)],
                           np.float32)
        quad = _as_quad(to_frame(corners) if to_frame else corners)
        if barcode.valid:
            found.append(Decoded(barcode.text, stage, quad))
        elif located is not None and cv2.contourArea(corners) >= 16 and not any(_inside(quad, q) for q in located):
            located.append(quad)  # zxing-cpp reports a symbol it cannot read once as it is and once inverted
    return found


def read_pyzbar(gray: np.ndarray, *, stage: str = "pyzbar",
                to_frame: Callable[[np.ndarray], np.ndarray] | None = None) -> list[Decoded]:
    try:
        symbols = pyzbar.decode(gray, symbols=[pyzbar.ZBarSymbol.QRCODE])
    except Exception:
        log.exception("pyzbar failed on a %s image", gray.shape)
        return []
    found = []
    for symbol in symbols:
        try:
            text = symbol.data.decode("utf-8")  # zbar hands QR text over as UTF-8
        except UnicodeDecodeError:
            log.info("pyzbar returned a payload that is not UTF-8; ignored")
            continue
        points = np.array(symbol.polygon, np.float32)
        found.append(Decoded(text, stage, _as_quad(to_frame(points) if to_frame else points)))
    return found


def _as_quad(points: np.ndarray) -> Quad:
    """Four (x, y) corners; zbar gives a polygon of any length: then its bounding box."""
    if len(points) != 4:
        (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
        points = np.array([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
    return tuple((float(x), float(y)) for x, y in points)


def _shifted(offset: tuple[float, float], scale: float = 1.0) -> Callable[[np.ndarray], np.ndarray]:
    """Corners found in a crop at `offset`, resized by `scale`, → frame pixels."""
    return lambda corners: corners / scale + np.float32(offset)


def _clahe(gray: np.ndarray) -> np.ndarray:
    """Contrast normalised tile by tile: codes under a bright spot, in glare or in shadow."""
    return cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8)).apply(gray)


def crop_around(gray: np.ndarray, quad: Quad, margin: float = 0.5) -> tuple[np.ndarray, tuple[int, int]]:
    """The region around a located symbol, widened by `margin` of its size on each side, and its offset."""
    xs, ys = [p[0] for p in quad], [p[1] for p in quad]
    side = max(max(xs) - min(xs), max(ys) - min(ys), 32.0)
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    half = side * (0.5 + margin)
    height, width = gray.shape
    x0, y0 = max(int(cx - half), 0), max(int(cy - half), 0)
    x1, y1 = min(int(cx + half) + 1, width), min(int(cy + half) + 1, height)
    return gray[y0:y1, x0:x1], (x0, y0)


def outline(gray: np.ndarray, quad: Quad) -> np.ndarray | None:
    """The corners (4×2, clockwise from the top left) of the dark blob around a located symbol.

    zxing-cpp's corners of a symbol it could not read are often off under perspective or curvature; the
    modules themselves, closed into one blob, show where the symbol really is.
    """
    crop, offset = crop_around(gray, quad, margin=0.3)
    if min(crop.shape) < 16:
        return None
    _, dark = cv2.threshold(cv2.GaussianBlur(crop, (0, 0), 1), 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    xs, ys = [p[0] for p in quad], [p[1] for p in quad]
    module_gaps = max(3, int(max(max(xs) - min(xs), max(ys) - min(ys)) / 12))
    dark = cv2.morphologyEx(dark, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (module_gaps,) * 2))
    contours, _ = cv2.findContours(dark, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    cx, cy = _centre(quad)
    centre = (cx - offset[0], cy - offset[1])
    for contour in contours:
        if cv2.pointPolygonTest(contour, centre, False) < 0:
            continue
        hull = cv2.convexHull(contour)
        corners = next((c for eps in (0.02, 0.04, 0.06, 0.1)
                        if len(c := cv2.approxPolyDP(hull, eps * cv2.arcLength(hull, True), True)) == 4),
                       None)
        corners = (corners if corners is not None else cv2.boxPoints(cv2.minAreaRect(contour))).reshape(4, 2)
        corners = corners.astype(np.float32) + np.float32(offset)
        middle = corners.mean(axis=0)
        return corners[np.argsort(np.arctan2(corners[:, 1] - middle[1], corners[:, 0] - middle[0]))]
    return None


def straighten(gray: np.ndarray, corners: np.ndarray) -> tuple[np.ndarray, Callable[[np.ndarray], np.ndarray]]:
    """The symbol warped to an upright square with a quiet zone, and the map from its pixels to the frame's."""
    side = max(120.0, float(np.ptp(corners[:, 0])))
    quiet = side / 4
    square = np.float32([[quiet, quiet], [quiet + side, quiet], [quiet + side, quiet + side], [quiet, quiet + side]])
    homography = cv2.getPerspectiveTransform(corners, square)
    size = int(side + 2 * quiet)
    upright = cv2.warpPerspective(gray, homography, (size, size), flags=cv2.INTER_LINEAR,
                                  borderMode=cv2.BORDER_REPLICATE)
    back = np.linalg.inv(homography)
    return upright, lambda points: cv2.perspectiveTransform(points.reshape(-1, 1, 2), back).reshape(-1, 2)


# --- Stages. Each looks at a frame's shared state, adds what it reads, and says whether its trigger fired. ---

def _stage_zxing(frame: _Frame) -> bool:
    frame.add(read_zxing(frame.gray, located=frame.located))
    return True


def _retry_unread(frame: _Frame, read: Callable[[Quad], list[Decoded]]) -> bool:
    """`read(quad)` for each located symbol still unread, while time is left; False if there was none."""
    unread = frame.unread()
    for quad in unread:
        if not frame.time_left():
            break
        frame.add(read(quad))
    return bool(unread)


def _read_region(frame: _Frame, quad: Quad, stage: str, prepare: Callable[[np.ndarray], np.ndarray],
                 scale: float = 1.0) -> list[Decoded]:
    """zxing-cpp on the region around a located symbol, prepared (and resized by `scale`) first."""
    crop, offset = crop_around(frame.gray, quad)
    return read_zxing(prepare(crop), stage=stage, to_frame=_shifted(offset, scale)) if crop.size else []


def _stage_upscale(frame: _Frame) -> bool:
    """Small or dense symbols (many codes in one photo): modules a pixel or two wide become readable."""
    return _retry_unread(frame, lambda quad: _read_region(
        frame, quad, "upscale", lambda crop: cv2.resize(crop, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC), 2))


def _stage_clahe(frame: _Frame) -> bool:
    return _retry_unread(frame, lambda quad: _read_region(frame, quad, "clahe", _clahe))


def _stage_straighten(frame: _Frame) -> bool:
    """Perspective, curvature, damage: the symbol's outline warped to a square, read by pyzbar, whose
    decoder tolerates what zxing-cpp's does not (on a region only: on a whole frame it costs ~25 ms)."""
    def read(quad: Quad) -> list[Decoded]:
        corners = outline(frame.gray, quad)
        if corners is None:
            return []
        upright, to_frame = straighten(frame.gray, corners)
        return read_pyzbar(upright, stage="straighten", to_frame=to_frame)

    return _retry_unread(frame, read)


def _frame_retry(frame: _Frame, stage: str, prepare: Callable[[np.ndarray], np.ndarray], scale: float) -> bool:
    """The whole frame again, when it holds several symbols and one has resisted every retry on its own
    region: a photo of many codes, where others were not even located. A lone ticket never pays for it."""
    unread = frame.unread()
    symbols = [d.position for d in frame.found]
    for quad in unread:  # zxing-cpp can locate one symbol it cannot read twice, in overlapping parts
        if not any(_overlap(quad, s) for s in symbols):
            symbols.append(quad)
    if not unread or len(symbols) < 2:
        return False
    if frame.time_left():
        frame.add(read_zxing(prepare(frame.gray), stage=stage, to_frame=_shifted((0, 0), scale)))
    return True


def _stage_frame_upscale(frame: _Frame) -> bool:
    return _frame_retry(frame, "frame-upscale", lambda gray: cv2.resize(gray, None, fx=1.5, fy=1.5), 1.5)


def _stage_frame_clahe(frame: _Frame) -> bool:
    return _frame_retry(frame, "frame-clahe", _clahe, 1.0)


def _stage_deblur(frame: _Frame) -> bool:
    """A code smeared by motion, which zxing-cpp cannot even locate (see app/scan/deblur.py)."""
    triggered = False
    for x0, y0, x1, y1 in deblur.code_shaped_regions(frame.gray):
        if any(x0 <= x < x1 and y0 <= y < y1 for x, y in (_centre(f.position) for f in frame.found)):
            continue  # a region holding a symbol already read is that symbol, not a smear
        region = frame.gray[y0:y1, x0:x1]
        motion = deblur.smear(region)
        if motion is None or not frame.time_left():
            continue
        triggered = True
        frame.add(read_zxing(deblur.wiener_deblur(region, motion), stage="deblur", to_frame=_shifted((x0, y0))))
    return triggered


def _stage_pyzbar(frame: _Frame) -> bool:
    frame.add(read_pyzbar(frame.gray))
    return True


STAGES: dict[str, Callable[[_Frame], bool]] = {
    "zxing": _stage_zxing,
    "upscale": _stage_upscale,
    "clahe": _stage_clahe,
    "straighten": _stage_straighten,
    "frame-upscale": _stage_frame_upscale,
    "frame-clahe": _stage_frame_clahe,
    "deblur": _stage_deblur,
    "pyzbar": _stage_pyzbar,  # the whole frame: for comparison in the benchmark, too slow for the chain
}
DEFAULT_STAGES: tuple[str, ...] = ("zxing", "upscale", "clahe", "straighten", "frame-upscale", "frame-clahe",
                                   "deblur")


@dataclass
class StageStats:
    triggered: int = 0  # frames on which its trigger fired (evidence of a code it could retry)
    reads: int = 0  # symbols it read that no earlier stage had
    seconds: float = 0.0  # time spent in it, trigger checks included


class QrDecoder:
    """Decodes every QR symbol in a frame with a chain of stages, each adding what the earlier ones missed.

    Not thread-safe: one decoder per decoding thread.
    """

    def __init__(self, stages: Sequence[str] = DEFAULT_STAGES, budget_ms: float = DEFAULT_BUDGET_MS) -> None:
        unknown = [s for s in stages if s not in STAGES]
        if unknown or not stages:
            raise ValueError(f"unknown or no stages: {unknown}; known: {list(STAGES)}")
        self.stages = tuple(stages)
        self.budget_s = budget_ms / 1000
        self.stats = {name: StageStats() for name in self.stages}

    def decode(self, image: np.ndarray) -> list[Decoded]:
        gray = to_gray(image)
        if gray is None:
            return []
        frame = _Frame(gray)
        for name in self.stages:
            stage_started = time.perf_counter()
            before = len(frame.found)
            try:
                triggered = STAGES[name](frame)
            except Exception:  # a stage's own image processing, on a frame nobody foresaw
                log.exception("decoder stage %s failed on a %s frame", name, gray.shape)
                triggered = True
            stats = self.stats[name]
            stats.triggered += triggered
            stats.reads += len(frame.found) - before
            stats.seconds += time.perf_counter() - stage_started
            if name == self.stages[0]:
                frame.deadline = time.perf_counter() + self.budget_s
        return frame.found


def to_gray(image: object) -> np.ndarray | None:
    """8-bit grey from a BGR, BGRA or grey frame; None for anything that is not an image."""
    if not isinstance(image, np.ndarray) or image.size == 0 or image.ndim not in (2, 3):
        return None
    if image.dtype != np.uint8:
        if not np.issubdtype(image.dtype, np.number):
            return None
        image = cv2.normalize(np.nan_to_num(image.astype(np.float32)), None, 0, 255, cv2.NORM_MINMAX,
                              dtype=cv2.CV_8U)
    if image.ndim == 2:
        return image
    channels = image.shape[2]
    if channels == 1:
        return np.ascontiguousarray(image[:, :, 0])
    if channels == 3:
        return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    if channels == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2GRAY)
    return None
