"""Draws synthetic camera frames: a phone showing a ticket QR code, held up in front of a cluttered venue.

Used by the synthetic demo camera (app/scan/sources.py) and by the decoder benchmark, so that both see the
same kind of picture: a perspective-projected phone, optical and motion blur, glare on the screen, dark mode,
low contrast, lighting changes and sensor noise.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import cv2
import numpy as np
import qrcode
from qrcode.constants import ERROR_CORRECT_M

from app.scan.deblur import Motion, motion_kernel

FRAME_SIZE = (1280, 720)  # width, height
FOCAL_PX = 1000.0  # a typical 720p webcam, ~65° horizontal field of view
QUIET_ZONE_MODULES = 4


@dataclass(frozen=True)
class Pose:
    """Where the phone is: the centre of its QR symbol in the frame and how it is turned."""

    center: tuple[float, float]
    code_px: float  # side of the symbol (without quiet zone) when facing the camera
    roll_deg: float = 0.0  # rotation in the image plane
    tilt_deg: float = 0.0  # angle between the screen's normal and the camera axis
    tilt_axis_deg: float = 0.0  # direction, in the image plane, of the axis the phone is tilted about


@dataclass(frozen=True)
class Look:
    """How the picture is degraded."""

    brightness: float = 1.0  # scene light, multiplies the whole frame
    contrast: float = 1.0  # screen contrast: 1 = full, lower washes the screen towards grey
    dark_mode: bool = False  # light modules on a dark screen (an inverted code)
    glare: float = 0.0  # strength of a specular blob on the screen, 0..1
    glare_at: tuple[float, float] = (0.5, 0.5)  # its centre, as a fraction of the symbol's width and height
    glare_radius: float = 0.3  # its radius, as a fraction of the symbol's side
    motion_blur_px: float = 0.0  # length of the phone's motion smear during the exposure
    motion_angle_deg: float = 0.0
    focus_sigma: float = 0.6  # optical blur of the lens, pixels
    noise_sigma: float = 2.0  # sensor noise, grey levels


@dataclass(frozen=True)
class PhoneTexture:
    """A phone drawn face-on: the screen shows a ticket with its QR symbol (or no code at all)."""

    image: np.ndarray  # BGR
    mask: np.ndarray  # 255 inside the phone's outline
    symbol_corners: np.ndarray  # 4×2 float32, TL TR BR BL of the symbol (without quiet zone), texture pixels


@dataclass(frozen=True)
class Rendered:
    image: np.ndarray  # BGR, FRAME_SIZE
    symbol_quad: np.ndarray | None  # 4×2 float32 corners of the symbol in the frame, None without a code
    symbol_in_frame: bool  # the whole symbol lies inside the frame


@functools.lru_cache(maxsize=256)
def qr_matrix(payload: str) -> np.ndarray:
    """The symbol's modules (True = dark), quiet zone included, as a phone ticket app would draw them."""
    code = qrcode.QRCode(border=QUIET_ZONE_MODULES, error_correction=ERROR_CORRECT_M)
    code.add_data(payload)
    code.make(fit=True)
    matrix = np.array(code.get_matrix(), dtype=bool)
    matrix.flags.writeable = False  # shared through the cache
    return matrix


def texture_module_px(pose: Pose, payload: str) -> int:
    """Texture resolution ~2× the on-frame module size: detailed enough, without aliasing when warped down."""
    modules = len(qr_matrix(payload)) - 2 * QUIET_ZONE_MODULES
    return int(np.clip(round(2 * pose.code_px / modules), 2, 10))


@functools.lru_cache(maxsize=64)
def phone_texture(payload: str | None, module_px: int, dark_mode: bool) -> PhoneTexture:
    if payload is None:
        code_side = 37 * module_px  # a phone showing something that is not a ticket
    else:
        matrix = qr_matrix(payload)
        code_side = len(matrix) * module_px
    bezel = max(4, code_side // 14)
    screen_w = int(code_side * 1.15)
    screen_h = int(screen_w * 1.9)
    width, height = screen_w + 2 * bezel, screen_h + 2 * bezel
    screen_bg, ink, accent = ((30, 30, 30), (225, 225, 225), (150, 90, 40)) if dark_mode else (
        (238, 238, 238), (25, 25, 25), (200, 120, 40))

    image = np.full((height, width, 3), (22, 22, 26), np.uint8)
    mask = np.zeros((height, width), np.uint8)
    _rounded_rect(mask, (0, 0), (width, height), radius=bezel * 3, value=255)
    _rounded_rect(image, (bezel, bezel), (bezel + screen_w, bezel + screen_h), radius=bezel * 2, value=screen_bg)
    cv2.rectangle(image, (bezel, bezel + bezel), (bezel + screen_w, bezel + code_side // 5), accent, -1)
    code_x = bezel + (screen_w - code_side) // 2
    code_y = bezel + code_side // 4
    if payload is not None:
        modules = cv2.resize(matrix.astype(np.uint8), (code_side, code_side), interpolation=cv2.INTER_NEAREST)
        region = image[code_y:code_y + code_side, code_x:code_x + code_side]
        region[modules == 1] = ink
        region[modules == 0] = screen_bg
    # A few lines of "ticket text" under the code: holder, product, date.
    line_h = max(2, code_side // 22)
    for i, fraction in enumerate((0.8, 0.55, 0.65, 0.4)):
        top = code_y + code_side + line_h * (2 + 3 * i)
        cv2.rectangle(image, (code_x, top), (code_x + int(code_side * fraction), top + line_h), ink, -1)

    quiet = QUIET_ZONE_MODULES * module_px
    x0, y0 = code_x + quiet, code_y + quiet
    x1, y1 = code_x + code_side - quiet, code_y + code_side - quiet
    corners = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)
    image.flags.writeable = mask.flags.writeable = False  # shared through the cache
    return PhoneTexture(image, mask, corners)


def _rounded_rect(img: np.ndarray, top_left: tuple[int, int], bottom_right: tuple[int, int], radius: int,
                  value: int | tuple[int, int, int]) -> None:
    (x0, y0), (x1, y1) = top_left, bottom_right
    r = max(1, min(radius, (x1 - x0) // 2, (y1 - y0) // 2))
    cv2.rectangle(img, (x0 + r, y0), (x1 - r - 1, y1 - 1), value, -1)
    cv2.rectangle(img, (x0, y0 + r), (x1 - 1, y1 - r - 1), value, -1)
    for cx, cy in ((x0 + r, y0 + r), (x1 - r - 1, y0 + r), (x0 + r, y1 - r - 1), (x1 - r - 1, y1 - r - 1)):
        cv2.circle(img, (cx, cy), r, value, -1)


def make_backdrop(seed: int, size: tuple[int, int] = FRAME_SIZE) -> np.ndarray:
    """A dim, cluttered venue: posters, lights, shelves, signs and tiled surfaces, slightly out of focus."""
    rng = np.random.default_rng(seed)
    width, height = size
    ramp = np.linspace(rng.uniform(30, 90), rng.uniform(60, 140), height, dtype=np.float32)
    tint = rng.uniform(0.7, 1.2, 3).astype(np.float32)
    img = (ramp[:, None, None] * tint[None, None, :]).repeat(width, axis=1).clip(0, 255).astype(np.uint8)

    def colour() -> tuple[int, int, int]:  # muted: a venue, not a test card
        grey = int(rng.integers(20, 200))
        return tuple(int(np.clip(grey + c, 0, 255)) for c in rng.integers(-60, 60, 3))

    for _ in range(25):  # posters and furniture
        x, y = int(rng.integers(-100, width)), int(rng.integers(-100, height))
        cv2.rectangle(img, (x, y), (x + int(rng.integers(40, 400)), y + int(rng.integers(40, 300))), colour(), -1)
    for _ in range(6):  # tiles, windows, shelving: regular dark/light structure that can fool a finder
        x, y, cell = int(rng.integers(0, width - 200)), int(rng.integers(0, height - 200)), int(rng.integers(6, 30))
        for i in range(int(rng.integers(3, 9))):
            for j in range(int(rng.integers(3, 9))):
                if (i + j) % 2 == 0:
                    cv2.rectangle(img, (x + i * cell, y + j * cell), (x + (i + 1) * cell, y + (j + 1) * cell),
                                  colour(), -1)
    for _ in range(30):  # edges, cables, bottles
        p1 = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        p2 = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        cv2.line(img, p1, p2, colour(), int(rng.integers(1, 8)))
    for _ in range(12):  # lamps
        centre = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        cv2.circle(img, centre, int(rng.integers(5, 60)), colour(), -1)
    for _ in range(10):  # signs
        cv2.putText(img, str(rng.choice(["BAR", "EXIT", "DOOR 2", "TICKETS", "WC", "CLOAKROOM", "2 FOR 1"])),
                    (int(rng.integers(0, width - 200)), int(rng.integers(30, height))), cv2.FONT_HERSHEY_SIMPLEX,
                    float(rng.uniform(0.6, 2.5)), colour(), int(rng.integers(1, 5)))
    grain = cv2.resize(rng.normal(0, 12, (height // 8, width // 8, 3)).astype(np.float32), (width, height))
    img = cv2.add(img.astype(np.float32), grain).clip(0, 255).astype(np.uint8)
    return cv2.GaussianBlur(img, (0, 0), float(rng.uniform(0.8, 2.0)))


class SensorNoise:
    """Gaussian sensor noise, drawn once and applied through random offsets into a larger bank (cheap per frame)."""

    _PAD = 64

    def __init__(self, sigma: float, size: tuple[int, int] = FRAME_SIZE, seed: int = 0) -> None:
        width, height = size
        noise = np.random.default_rng(seed).normal(0, sigma, (height + self._PAD, width + self._PAD, 3))
        self._up = noise.clip(0, 255).astype(np.uint8)
        self._down = (-noise).clip(0, 255).astype(np.uint8)

    def apply(self, image: np.ndarray, rng: np.random.Generator) -> None:
        height, width = image.shape[:2]
        dy, dx = (int(v) for v in rng.integers(0, self._PAD, 2))
        cv2.add(image, self._up[dy:dy + height, dx:dx + width], dst=image)
        cv2.subtract(image, self._down[dy:dy + height, dx:dx + width], dst=image)


@functools.lru_cache(maxsize=16)
def sensor_noise(sigma: int, size: tuple[int, int] = FRAME_SIZE) -> SensorNoise:
    return SensorNoise(sigma, size, seed=sigma)


def project(points: np.ndarray, pivot: np.ndarray, pose: Pose, scale: float) -> np.ndarray:
    """Texture points → frame points: scale about the pivot, roll, tilt in 3-D, then a pinhole projection."""
    xy = (points - pivot) * scale
    roll = math.radians(pose.roll_deg)
    rolled = xy @ np.array([[math.cos(roll), math.sin(roll)], [-math.sin(roll), math.cos(roll)]], np.float32)
    xyz = np.column_stack([rolled, np.zeros(len(points), np.float32)])
    axis = math.radians(pose.tilt_axis_deg)
    rotation, _ = cv2.Rodrigues(np.array([math.cos(axis), math.sin(axis), 0.0]) * math.radians(pose.tilt_deg))
    turned = xyz @ rotation.T.astype(np.float32)
    depth = FOCAL_PX + turned[:, 2]
    return np.column_stack([pose.center[0] + FOCAL_PX * turned[:, 0] / depth,
                            pose.center[1] + FOCAL_PX * turned[:, 1] / depth]).astype(np.float32)


def render(backdrop: np.ndarray, payload: str | None, pose: Pose | None, look: Look,
           rng: np.random.Generator) -> Rendered:
    """One frame: the backdrop, then (if a pose is given) the phone showing `payload`, then light and noise.

    With `payload=None` and a pose, the phone shows a screen without any code.
    """
    frame = backdrop.copy()
    quad = None
    if pose is not None:
        module_px = texture_module_px(pose, payload) if payload is not None else max(2, round(pose.code_px / 14))
        symbol = _draw_phone(frame, phone_texture(payload, module_px, look.dark_mode), pose, look)
        quad = symbol if payload is not None else None
    if look.brightness != 1.0:
        cv2.convertScaleAbs(frame, dst=frame, alpha=look.brightness)
    if look.noise_sigma >= 0.5:
        sensor_noise(int(round(look.noise_sigma)), (frame.shape[1], frame.shape[0])).apply(frame, rng)
    height, width = frame.shape[:2]
    inside = quad is not None and bool(np.all((quad >= 0) & (quad < [width, height])))
    return Rendered(frame, quad, inside)


def _draw_phone(frame: np.ndarray, texture: PhoneTexture, pose: Pose, look: Look) -> np.ndarray:
    """Composites the warped phone into `frame` in place; returns the symbol's corners in the frame."""
    corners = texture.symbol_corners
    pivot = corners.mean(axis=0)
    scale = pose.code_px / float(np.linalg.norm(corners[1] - corners[0]))
    h, w = texture.mask.shape
    outline = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    outline_in_frame = project(outline, pivot, pose, scale)
    symbol_in_frame = project(corners, pivot, pose, scale)

    pad = int(look.motion_blur_px + 3 * look.focus_sigma) + 2
    frame_h, frame_w = frame.shape[:2]
    x0, y0 = np.floor(outline_in_frame.min(axis=0)).astype(int) - pad
    x1, y1 = np.ceil(outline_in_frame.max(axis=0)).astype(int) + pad
    x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, frame_w), min(y1, frame_h)
    if x1 <= x0 or y1 <= y0:
        return symbol_in_frame
    homography = cv2.getPerspectiveTransform(outline, outline_in_frame - np.float32([x0, y0]))
    size = (int(x1 - x0), int(y1 - y0))
    phone = cv2.warpPerspective(texture.image, homography, size, flags=cv2.INTER_LINEAR).astype(np.float32)
    alpha = cv2.warpPerspective(texture.mask, homography, size, flags=cv2.INTER_LINEAR).astype(np.float32) / 255

    if look.contrast != 1.0:
        phone = 128 + (phone - 128) * look.contrast
    if look.glare > 0:
        phone += _glare(symbol_in_frame - np.float32([x0, y0]), size, look)[:, :, None] * alpha[:, :, None]
    if look.focus_sigma > 0:
        phone = cv2.GaussianBlur(phone, (0, 0), look.focus_sigma)
    if look.motion_blur_px >= 1:
        kernel = motion_kernel(Motion(look.motion_angle_deg, look.motion_blur_px))
        phone, alpha = cv2.filter2D(phone, -1, kernel), cv2.filter2D(alpha, -1, kernel)
    region = frame[y0:y1, x0:x1]
    blended = region.astype(np.float32) * (1 - alpha[:, :, None]) + phone * alpha[:, :, None]
    region[:] = blended.clip(0, 255).astype(np.uint8)
    return symbol_in_frame


def _glare(symbol: np.ndarray, size: tuple[int, int], look: Look) -> np.ndarray:
    """A bright blob over part of the symbol: light reflected by the glass of the phone."""
    u, v = look.glare_at
    top = symbol[0] + (symbol[1] - symbol[0]) * u
    bottom = symbol[3] + (symbol[2] - symbol[3]) * u
    cx, cy = top + (bottom - top) * v
    radius = max(2.0, look.glare_radius * float(np.linalg.norm(symbol[1] - symbol[0])))
    xs = np.arange(size[0], dtype=np.float32) - cx
    ys = np.arange(size[1], dtype=np.float32) - cy
    blob = np.exp(-(ys[:, None] ** 2 + xs[None, :] ** 2) / (2 * radius ** 2))
    return blob * (look.glare * 255)
