"""Motion deblurring for codes smeared by a moving phone, which zxing-cpp cannot even locate.

Three steps; only the first looks at the whole frame, at quarter resolution (~0.3 ms on 1280×720):
1. `textured_regions`: where a code may be. A QR symbol, even blurred, is dense with light/dark transitions
   in both directions; most of a scene is not (a sharp edge is one transition, not forty).
2. `smear`: the smear's direction is the one along which the region has the least gradient energy
   (structure tensor; a region not clearly smeared one way stops here); its length is where the
   autocorrelation of the derivative along that direction is most negative (a box blur turns each edge into
   a pair of edges that far apart). A code-shaped region smeared one way is the decoder's deblur trigger.
3. `wiener_deblur`: undoes a linear motion blur of that length and direction (the estimated length alone
   reads all the smeared synthetic codes that it and one pixel less read together).

It reads smeared codes on synthetic frames only (none of the real photo sets has a motion smear it can undo,
see docs/scanning.md); it stays because a phone moved in front of a webcam smears exactly so.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

Box = tuple[int, int, int, int]  # x0, y0, x1, y1 in full-resolution pixels

MIN_SMEAR_ANISOTROPY = 2.0  # sharp codes measure ~1–1.5; smeared ones 2–6 (benchmarks/decode.py)
MAX_SMEARED_CODE_PX = 560  # larger textured regions are scenery (a code that big is close and rarely smeared)


@dataclass(frozen=True)
class Motion:
    angle_deg: float  # direction of the smear, 0..180, image x axis towards y
    length_px: float
    anisotropy: float = 1.0  # gradient energy across the smear / along it: ~1 for a sharp code


def code_shaped_regions(gray: np.ndarray) -> list[Box]:
    """The textured regions shaped like a code: square (a smear short enough to undo does not change that)
    and not too large."""
    return [(x0, y0, x1, y1) for x0, y0, x1, y1 in textured_regions(gray)
            if 0.75 <= (x1 - x0) / (y1 - y0) <= 1.33 and max(x1 - x0, y1 - y0) <= MAX_SMEARED_CODE_PX]


def smear(region: np.ndarray) -> Motion | None:
    """The motion that smeared a region, or None when it is not smeared in one direction (most are not:
    then only the cheap structure tensor is computed)."""
    height, width = region.shape
    # Estimated on the middle of the region: the code, not the phone's edges and the room around it.
    middle = region[height // 6:height - height // 6, width // 6:width - width // 6].astype(np.float32)
    gx = cv2.Sobel(middle, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(middle, cv2.CV_32F, 0, 1, ksize=3)
    angle, anisotropy = _dominant_direction(gx, gy)
    if anisotropy < MIN_SMEAR_ANISOTROPY:
        return None
    length = _smear_length(gx, gy, angle)
    return Motion(angle, length, anisotropy) if length >= 2 else None


def textured_regions(gray: np.ndarray, max_regions: int = 2, min_density: float = 0.12) -> list[Box]:
    """Up to `max_regions` boxes around the areas densest in light/dark transitions, densest first.

    Computed at quarter resolution (a code's modules are still a pixel or more); `min_density` (transitions
    per pixel, both directions blended) keeps flat or merely edgy scenes from producing candidates at all.
    """
    height, width = gray.shape
    if min(height, width) < 64:
        return []  # too small to hold a code worth deblurring
    quarter = cv2.resize(gray, (width // 4, height // 4), interpolation=cv2.INTER_LINEAR)
    binary = cv2.adaptiveThreshold(quarter, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, 7, 8)
    across = np.zeros(binary.shape, np.float32)
    down = np.zeros(binary.shape, np.float32)
    across[:, 1:] = binary[:, 1:] != binary[:, :-1]
    down[1:, :] = binary[1:, :] != binary[:-1, :]
    across = cv2.boxFilter(across, -1, (15, 15))
    down = cv2.boxFilter(down, -1, (15, 15))
    # A smear can wipe out the transitions along its direction, never those across it.
    density = np.minimum(across, down) + 0.5 * np.maximum(across, down)
    boxes = []
    for _ in range(max_regions):
        _, peak, _, (px, py) = cv2.minMaxLoc(density)
        if peak < min_density:
            break
        region = (density >= 0.5 * peak).astype(np.uint8)
        mask = np.zeros((region.shape[0] + 2, region.shape[1] + 2), np.uint8)
        _, _, _, (x, y, w, h) = cv2.floodFill(region, mask, (px, py), 2, flags=4 | cv2.FLOODFILL_MASK_ONLY)
        density[y:y + h, x:x + w] = 0
        margin = max(w, h) // 4 + 4
        boxes.append((max(4 * (x - margin), 0), max(4 * (y - margin), 0),
                      min(4 * (x + w + margin), width), min(4 * (y + h + margin), height)))
    return boxes


def _dominant_direction(gx: np.ndarray, gy: np.ndarray) -> tuple[float, float]:
    """The smear's direction (degrees, 0..180: across the strongest gradients) and the anisotropy."""
    sxx, syy, sxy = float((gx * gx).sum()), float((gy * gy).sum()), float((gx * gy).sum())
    half_trace = (sxx + syy) / 2
    spread = math.sqrt(max(half_trace ** 2 - (sxx * syy - sxy * sxy), 0.0))
    anisotropy = (half_trace + spread) / max(half_trace - spread, 1e-6)
    angle = math.degrees(0.5 * math.atan2(2 * sxy, sxx - syy)) + 90
    return angle % 180, anisotropy


def _smear_length(gx: np.ndarray, gy: np.ndarray, angle_deg: float, max_length_px: int = 30) -> float:
    c, s = math.cos(math.radians(angle_deg)), math.sin(math.radians(angle_deg))
    derivative = c * gx + s * gy
    derivative -= derivative.mean()
    spectrum = cv2.dft(derivative, flags=cv2.DFT_COMPLEX_OUTPUT)
    power = spectrum[:, :, 0] ** 2 + spectrum[:, :, 1] ** 2
    # Wiener–Khinchin: the autocorrelation is the inverse transform of the power spectrum (a complex array:
    # a one-channel input would be read as OpenCV's packed format).
    autocorrelation = cv2.idft(np.dstack([power, np.zeros_like(power)]), flags=cv2.DFT_REAL_OUTPUT | cv2.DFT_SCALE)
    rows, cols = autocorrelation.shape
    lengths = np.arange(2, max_length_px + 1, dtype=np.float32)
    # Sample along the direction (wrapping: the autocorrelation is periodic), nearest neighbour is enough.
    xs = np.rint(lengths * c).astype(int) % cols
    ys = np.rint(lengths * s).astype(int) % rows
    # The 3-pixel derivative widens each edge pair by about a pixel.
    return float(lengths[int(np.argmin(autocorrelation[ys, xs]))]) - 1


def motion_kernel(motion: Motion) -> np.ndarray:
    size = int(math.ceil(motion.length_px)) | 1
    kernel = np.zeros((size, size), np.float32)
    centre = (size - 1) / 2
    dx = math.cos(math.radians(motion.angle_deg)) * motion.length_px / 2
    dy = math.sin(math.radians(motion.angle_deg)) * motion.length_px / 2
    cv2.line(kernel, (round(centre - dx), round(centre - dy)), (round(centre + dx), round(centre + dy)), 1.0, 1)
    return kernel / kernel.sum()


def wiener_deblur(gray: np.ndarray, motion: Motion, noise_to_signal: float = 0.01) -> np.ndarray:
    kernel = motion_kernel(motion)
    rows, cols = cv2.getOptimalDFTSize(gray.shape[0]), cv2.getOptimalDFTSize(gray.shape[1])
    image = cv2.copyMakeBorder(gray.astype(np.float32), 0, rows - gray.shape[0], 0, cols - gray.shape[1],
                               cv2.BORDER_REFLECT)
    padded = np.zeros((rows, cols), np.float32)
    k = kernel.shape[0]
    padded[:k, :k] = kernel
    padded = np.roll(padded, (-(k // 2), -(k // 2)), axis=(0, 1))  # centre the kernel on the origin
    # The two-channel spectra viewed as complex numbers: G · conj(H) / (|H|² + K) in three array operations.
    g = cv2.dft(image, flags=cv2.DFT_COMPLEX_OUTPUT).view(np.complex64)
    h = cv2.dft(padded, flags=cv2.DFT_COMPLEX_OUTPUT).view(np.complex64)
    restored = g * np.conj(h) / (h.real ** 2 + h.imag ** 2 + noise_to_signal)
    out = cv2.idft(restored.view(np.float32), flags=cv2.DFT_REAL_OUTPUT | cv2.DFT_SCALE)
    return np.clip(out[:gray.shape[0], :gray.shape[1]], 0, 255).astype(np.uint8)
