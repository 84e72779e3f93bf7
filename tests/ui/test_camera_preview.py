"""The camera preview shows the newest frame, or the camera's state in words."""
from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor

from app.scan.sources import SourceState
from app.ui.camera_preview import CameraPreview, camera_state_text


def test_with_no_frame_the_preview_says_what_the_camera_is_doing(qtbot):
    preview = CameraPreview()
    qtbot.addWidget(preview)

    preview.show_state(SourceState.MISSING.value)
    assert preview.state_text == "Camera not found — check the cable"
    preview.show_state(SourceState.RECONNECTING.value)
    assert preview.state_text == "Reconnecting…"


def test_every_camera_state_has_words_for_staff():
    for state in SourceState:
        assert camera_state_text(state.value) != state.value


def test_the_preview_paints_the_newest_frame(qtbot):
    preview = CameraPreview()
    qtbot.addWidget(preview)
    preview.resize(320, 180)
    preview.show()
    red, blue = np.zeros((90, 160, 3), np.uint8), np.zeros((90, 160, 3), np.uint8)
    red[:] = (0, 0, 255)  # BGR
    blue[:] = (255, 0, 0)

    preview.show_frame(red)
    preview.show_frame(blue)

    centre = preview.grab().toImage().pixelColor(160, 90)
    assert centre == QColor(0, 0, 255)


def test_a_lost_camera_does_not_leave_a_frozen_picture(qtbot):
    preview = CameraPreview()
    qtbot.addWidget(preview)
    preview.show_frame(np.zeros((10, 10, 3), np.uint8))

    preview.show_state(SourceState.RECONNECTING.value)

    assert preview.frame() is None
    assert preview.state_text == "Reconnecting…"


def test_a_frame_it_cannot_show_is_skipped(qtbot):
    preview = CameraPreview()
    qtbot.addWidget(preview)
    preview.show()

    preview.show_frame(np.zeros((10, 10, 4), np.float32))
    preview.grab()  # paints without raising
