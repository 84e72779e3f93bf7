"""The QR decoder chain: zxing-cpp first, then fallbacks for what it misses, chosen by benchmarks/decode.py.

Only QR codes are looked for (other symbologies cost time and read barcodes out of noise). A later stage
runs only while nothing has been read in the frame. Every decoder call is guarded: a failing decoder reads
nothing, it never raises. Texts are returned exactly as the decoder produced them.
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

MIN_SMEAR_ANISOTROPY = 2.0  # sharp codes measure ~1–1.5; smeared ones 2–6 (benchmarks/decode.py)
MAX_SMEARED_CODE_PX = 560  # larger textured regions are scenery (a code that big is close and rarely smeared)

Quad = tuple[tuple[float, float], tuple[float, float], tuple[float, float], tuple[float, float]]


@dataclass(frozen=True)
class Decoded:
    text: str
    stage: str  # the chain stage that read it
    position: Quad  # corners in the frame's pixels: top-left, top-right, bottom-right, bottom-left of the symbol


@dataclass
class _Attempt:
    """What the stages of one frame share."""

    gray: np.ndarray
    located: list[Quad] = field(default_factory=list)  # symbols zxing-cpp found but could not read


def read_zxing(gray: np.ndarray, *, offset: tuple[float, float] = (0.0, 0.0), scale: float = 1.0,
               stage: str = "zxing", located: list[Quad] | None = None) -> list[Decoded]:
    """zxing-cpp on a grey image; positions mapped back by `offset + position / scale`.

    With `located`, the positions of symbols found but not decoded are appended to it.
    """
    try:
        barcodes = zxingcpp.read_barcodes(gray, formats=zxingcpp.BarcodeFormat.QRCode, try_invert=True,
                                          text_mode=zxingcpp.TextMode.Plain, return_errors=located is not None)
    except Exception:
        log.exception("zxing-cpp failed on a %s image", gray.shape)
        return []
    found = []
    for barcode in barcodes:
        p = barcode.position
        quad = tuple((offset[0] + pt.x / scale, offset[1] + pt.y / scale)
                     for pt in (p.top_left, p.top_right, p.bottom_right, p.bottom_left))
        if barcode.valid:
            found.append(Decoded(barcode.text, stage, quad))
        elif located is not None:
            located.append(quad)
    return found


def read_pyzbar(gray: np.ndarray, *, offset: tuple[float, float] = (0.0, 0.0), scale: float = 1.0,
                stage: str = "pyzbar") -> list[Decoded]:
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
        points = [(offset[0] + x / scale, offset[1] + y / scale) for x, y in symbol.polygon]
        found.append(Decoded(text, stage, _as_quad(points)))
    return found


def _as_quad(points: list[tuple[float, float]]) -> Quad:
    """zbar gives a polygon of any length; the UI wants four corners (its bounding box when it is not four)."""
    if len(points) == 4:
        return tuple(points)
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return (min(xs), min(ys)), (max(xs), min(ys)), (max(xs), max(ys)), (min(xs), max(ys))


def sharpen(gray: np.ndarray, sigma: float = 1.0, amount: float = 1.0) -> np.ndarray:
    """Unsharp mask: restores module edges softened by focus or slight motion."""
    return cv2.addWeighted(gray, 1 + amount, cv2.GaussianBlur(gray, (0, 0), sigma), -amount, 0)


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


# --- Stages. Each reads a frame's attempt and returns what it decoded. ---

def _stage_zxing(attempt: _Attempt) -> list[Decoded]:
    return read_zxing(attempt.gray, located=attempt.located)


def _stage_located_retry(attempt: _Attempt) -> list[Decoded]:
    """zxing-cpp again on a crop around each located-but-unread symbol: sharpened, then upscaled 2×."""
    for quad in attempt.located:
        crop, offset = crop_around(attempt.gray, quad)
        if crop.size == 0:
            continue
        sharp = sharpen(crop)
        found = read_zxing(sharp, offset=offset, stage="located-retry")
        if not found:
            upscaled = cv2.resize(sharp, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
            found = read_zxing(upscaled, offset=offset, scale=2, stage="located-retry")
        if found:
            return found
    return []


def _stage_sharpen(attempt: _Attempt) -> list[Decoded]:
    """The whole frame sharpened: small codes whose finder patterns zxing-cpp could not even locate."""
    return read_zxing(sharpen(attempt.gray), stage="sharpen")


def _stage_deblur(attempt: _Attempt) -> list[Decoded]:
    """A code smeared by motion: find a square, densely textured region smeared in one direction, estimate
    the smear and undo it (see app/scan/deblur.py)."""
    for x0, y0, x1, y1 in deblur.textured_regions(attempt.gray):
        width, height = x1 - x0, y1 - y0
        if not (0.75 <= width / height <= 1.33 and max(width, height) <= MAX_SMEARED_CODE_PX):
            continue  # a code's region is square; a smear short enough to undo does not change that
        crop = attempt.gray[y0:y1, x0:x1]
        # Estimated on the middle of the region: the code, not the phone's edges and the room around it.
        motion = deblur.estimate_motion(crop[height // 6:height - height // 6, width // 6:width - width // 6])
        if motion.anisotropy < MIN_SMEAR_ANISOTROPY or motion.length_px < 2:
            continue
        for length in (motion.length_px - 1, motion.length_px):  # the estimate is whole pixels
            restored = deblur.wiener_deblur(crop, deblur.Motion(motion.angle_deg, length))
            found = read_zxing(restored, offset=(x0, y0), stage="deblur")
            if found:
                return found
    return []


def _stage_pyzbar(attempt: _Attempt) -> list[Decoded]:
    return read_pyzbar(attempt.gray)


STAGES: dict[str, Callable[[_Attempt], list[Decoded]]] = {
    "zxing": _stage_zxing,
    "located-retry": _stage_located_retry,
    "sharpen": _stage_sharpen,
    "deblur": _stage_deblur,
    "pyzbar": _stage_pyzbar,
}
DEFAULT_STAGES: tuple[str, ...] = ("zxing", "located-retry", "deblur", "sharpen")


@dataclass
class StageStats:
    runs: int = 0  # frames it ran on (those earlier stages read nothing in)
    reads: int = 0  # frames in which it read something
    seconds: float = 0.0  # time spent in it


class QrDecoder:
    """Decodes the QR codes in a frame with a chain of stages; the first stage that reads anything wins.

    Not thread-safe: one decoder per decoding thread.
    """

    def __init__(self, stages: Sequence[str] = DEFAULT_STAGES) -> None:
        unknown = [s for s in stages if s not in STAGES]
        if unknown or not stages:
            raise ValueError(f"unknown or no stages: {unknown}; known: {list(STAGES)}")
        self.stages = tuple(stages)
        self.stats = {name: StageStats() for name in self.stages}

    def decode(self, image: np.ndarray) -> list[Decoded]:
        gray = to_gray(image)
        if gray is None:
            return []
        attempt = _Attempt(gray)
        for name in self.stages:
            started = time.perf_counter()
            try:
                found = STAGES[name](attempt)
            except Exception:  # a stage's own image processing, on a frame nobody foresaw
                log.exception("decoder stage %s failed on a %s frame", name, gray.shape)
                found = []
            stats = self.stats[name]
            stats.runs += 1
            stats.seconds += time.perf_counter() - started
            if found:
                stats.reads += 1
                return _unique(found)
        return []


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


def _unique(found: list[Decoded]) -> list[Decoded]:
    """One result per text (zxing-cpp can report a symbol twice, e.g. once as it is and once inverted)."""
    seen: dict[str, Decoded] = {}
    for decoded in found:
        seen.setdefault(decoded.text, decoded)
    return list(seen.values())
