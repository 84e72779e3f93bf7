"""The window's scan pipeline: the same scans as app/scan's, delivered as Qt signals on the UI thread."""
from __future__ import annotations

from PySide6.QtCore import QThread

from app.scan.pipeline import ScanEvent
from app.scan.sources import CameraSource, Frame, SyntheticCamera
from app.ui.scan_pipeline import QtScanPipeline

A = "https://tickets.example.com/i/3f2a4c1e-8b7d-4e2a-9c1f-123456789abc"
C = '{"product_item_id": "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f"}'


def demo(script) -> SyntheticCamera:
    """A scripted demo camera in simulated time, at 15 fps to keep the tests quick."""
    return SyntheticCamera(script, realtime=False, lead_in_s=0.5, fps=15)


def test_the_qt_pipeline_delivers_payloads_frames_and_states_as_signals_on_the_ui_thread(qtbot, qapp):
    pipeline = QtScanPipeline(demo([(A, 1.0, 0.3)]), preview_max_fps=30)
    received = {"payload": [], "frame": [], "state": []}
    threads = set()
    for name in received:
        getattr(pipeline, name).connect(lambda value, name=name: (received[name].append(value),
                                                                  threads.add(QThread.currentThread())))
    with qtbot.waitSignal(pipeline.payload, timeout=20_000):
        pipeline.start()
    qtbot.waitUntil(lambda: "ended" in received["state"], timeout=20_000)
    pipeline.stop()
    assert [e.text for e in received["payload"]] == [A]
    assert isinstance(received["payload"][0], ScanEvent)
    assert received["frame"] and isinstance(received["frame"][0], Frame)
    assert received["state"] == ["live", "ended"]
    assert threads == {qapp.thread()}


def test_the_qt_pipeline_runs_a_scripted_round_headless_to_exhaustion(qtbot):
    pipeline = QtScanPipeline(demo([(A, 1.0, 0.5), (C, 1.0, 0.5)]))
    with qtbot.waitSignals([pipeline.payload, pipeline.payload], timeout=20_000):
        events = pipeline.run_until_exhausted()
    assert [e.text for e in events] == [A, C]


def test_the_qt_pipeline_reports_a_missing_camera(qtbot):
    pipeline = QtScanPipeline(CameraSource("/dev/video-usher-test-none"), reconnect_interval_s=0.05)
    with qtbot.waitSignal(pipeline.state, timeout=5000) as signal:
        pipeline.start()
    pipeline.stop()
    assert signal.args == ["missing"]
