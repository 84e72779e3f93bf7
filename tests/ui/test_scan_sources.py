"""Every scan source feeds the same slot: the camera pipeline, a keyboard-wedge scanner, search."""
from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtTest import QTest

from app.demo_data import GA, item_uuid
from app.domain.verdict import VerdictKind
from app.scan.pipeline import ScanEvent
from app.scan.sources import Frame, SourceState, SyntheticCamera
from app.scan.wedge import KeyboardWedge
from app.ui.scan_pipeline import QtScanPipeline


class PipelineSignals(QObject):
    """The signals of app.ui.scan_pipeline.QtScanPipeline, to drive the window one event at a time."""

    payload = Signal(object)
    frame = Signal(object)
    state = Signal(str)


def event_for(text: str) -> ScanEvent:
    now = time.perf_counter()
    return ScanEvent(text, "test", ((0, 0), (1, 0), (1, 1), (0, 1)), now, now, time.time(), 0, 0.0)  # type: ignore[arg-type]


def test_the_pipeline_signals_reach_the_preview_the_strip_and_the_verdict(qtbot, window):
    source = PipelineSignals()
    window.attach_scan_source(source)  # type: ignore[arg-type]
    assert window.strip.camera.text() == "Starting the camera…"

    source.state.emit(SourceState.LIVE.value)
    image = np.zeros((72, 128, 3), np.uint8)
    source.frame.emit(Frame(image, 0, 0.0, time.perf_counter(), time.time()))
    assert window.preview.frame() is not None
    assert window.strip.camera.text() == "Camera on"

    with qtbot.waitSignal(window.verdict_shown) as shown:
        source.payload.emit(event_for(item_uuid(GA, 1)))
    verdict, latency = shown.args
    assert verdict.kind is VerdictKind.ACCEPTED
    assert latency is not None and latency >= 0

    source.state.emit(SourceState.MISSING.value)
    assert window.strip.camera.text() == "Camera not found — check the cable"
    assert window.preview.frame() is None


def test_a_ticket_shown_to_the_demo_camera_is_checked_in(qtbot, window):
    camera = SyntheticCamera([(f"https://tickets.example/t/{item_uuid(GA, 4)}", 1.5, 0.3)], lead_in_s=0.2)
    pipeline = QtScanPipeline(camera, preview_max_fps=10)
    window.attach_scan_source(pipeline)
    try:
        with qtbot.waitSignal(window.verdict_shown, timeout=10_000) as shown:
            pipeline.start()
    finally:
        pipeline.stop()

    assert shown.args[0].kind is VerdictKind.ACCEPTED
    assert shown.args[0].item_id == item_uuid(GA, 4)


def test_a_usb_scanner_typing_the_code_checks_it_in(qtbot, qapp, window):
    wedge = KeyboardWedge(max_key_interval_ms=60, end_silence_ms=120)
    wedge.install(qapp)
    window.attach_keyboard_wedge(wedge)
    try:
        with qtbot.waitSignal(window.verdict_shown, timeout=3000) as shown:
            QTest.keyClicks(window.panel, item_uuid(GA, 2))
            QTest.keyClick(window.panel, Qt.Key.Key_Return)
    finally:
        wedge.uninstall(qapp)

    assert shown.args[0].kind is VerdictKind.ACCEPTED
