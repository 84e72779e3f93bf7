"""The camera preview: paints the newest frame, or says in words why there is none.

It never decodes and never queues: a frame only replaces the one before, and conversion to a QImage
happens when Qt paints, so frames arriving faster than the screen refreshes cost nothing.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.scan.sources import SourceState
from app.ui.theme import CHROME_MUTED

NO_CAMERA = "none"  # no scan source attached: a station with only a keyboard-wedge scanner
# What the scan pipeline's source states mean to staff. A state not listed here is shown as it comes.
CAMERA_STATE_TEXT = {
    NO_CAMERA: "No camera — use the barcode reader",
    SourceState.STARTING.value: "Starting the camera…",
    SourceState.LIVE.value: "Camera on",
    SourceState.MISSING.value: "Camera not found — check the cable",
    SourceState.RECONNECTING.value: "Reconnecting…",
    SourceState.ENDED.value: "The video has ended",
    SourceState.STOPPED.value: "Camera off",
}


CAMERA_WORKING = frozenset({SourceState.STARTING.value, SourceState.LIVE.value})


def camera_state_text(state: str) -> str:
    return CAMERA_STATE_TEXT.get(state, state)


def camera_problem(state: str) -> str | None:
    """Why a camera that should be scanning is not, in words; None while it works (or there is none)."""
    if state == NO_CAMERA or state in CAMERA_WORKING:
        return None
    return camera_state_text(state)


class CameraPreview(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cameraPreview")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(240, 135)
        self._frame: np.ndarray | None = None
        self.state_text = camera_state_text(NO_CAMERA)

    def show_frame(self, frame: np.ndarray) -> None:
        """Takes a BGR (or grey) frame; only the newest is kept."""
        self._frame = np.ascontiguousarray(frame)  # no copy for the usual, contiguous frame
        self.update()

    def show_state(self, state: str) -> None:
        self.state_text = camera_state_text(state)
        if state != SourceState.LIVE.value:
            self._frame = None  # a frozen last picture would look like a working camera
        self.update()

    def frame(self) -> np.ndarray | None:
        """The frame shown now, if any."""
        return self._frame

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#0B0C0F"))
        image = _to_qimage(self._frame) if self._frame is not None else None
        if image is not None:
            scaled = image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRectF((self.width() - scaled.width()) / 2, (self.height() - scaled.height()) / 2,
                            scaled.width(), scaled.height())
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(target, image)
            return
        painter.setPen(QColor(CHROME_MUTED))
        font = QFont(self.font())
        font.setPointSizeF(16)
        painter.setFont(font)
        painter.drawText(self.rect().adjusted(16, 16, -16, -16),
                         Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.state_text)


def _to_qimage(frame: np.ndarray) -> QImage | None:
    """A QImage over the (contiguous) frame's memory, valid while the frame is; None for a shape it
    cannot show."""
    if frame.dtype != np.uint8 or frame.ndim not in (2, 3) or frame.size == 0:
        return None
    if frame.ndim == 3 and frame.shape[2] != 3:
        return None
    height, width = frame.shape[:2]
    fmt = QImage.Format.Format_BGR888 if frame.ndim == 3 else QImage.Format.Format_Grayscale8
    return QImage(frame.data, width, height, frame.strides[0], fmt)
