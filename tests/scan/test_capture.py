from __future__ import annotations

import threading

import pytest

from app.scan.capture import FrameCapture
from app.scan.sources import CameraSource, SourceState, SyntheticCamera, VideoFileSource

RETRY_S = 0.05


class StateLog:
    """Collects the states a capture reports, and lets a test wait for one."""

    def __init__(self) -> None:
        self.states: list[SourceState] = []
        self._changed = threading.Condition()

    def __call__(self, state: SourceState) -> None:
        with self._changed:
            self.states.append(state)
            self._changed.notify_all()

    def wait_for(self, state: SourceState, timeout_s: float = 10.0) -> None:
        with self._changed:
            assert self._changed.wait_for(lambda: state in self.states, timeout_s), self.states


def test_frames_nobody_took_are_dropped_and_counted_and_only_the_newest_is_kept():
    camera = SyntheticCamera([("T-1", 0.5, 0.0)], realtime=False, lead_in_s=0.0)  # 15 frames, unpaced
    log = StateLog()
    capture = FrameCapture(camera, on_state=log)
    capture.start()
    log.wait_for(SourceState.ENDED)
    newest = capture.take_newest(timeout_s=1)
    assert newest.index == 14
    assert capture.frames_captured == 15 and capture.frames_dropped == 14
    assert capture.take_newest(timeout_s=0.1) is None  # nothing queued behind it
    assert capture.finished


def test_a_consumer_that_keeps_up_gets_every_frame():
    camera = SyntheticCamera([("T-1", 0.5, 0.0)], fps=30, realtime=True, lead_in_s=0.0)
    capture = FrameCapture(camera)
    capture.start()
    indexes = []
    while (frame := capture.take_newest(timeout_s=2)) is not None:
        indexes.append(frame.index)
    assert indexes == list(range(15))
    assert capture.frames_dropped == 0


def test_a_camera_that_does_not_exist_is_missing_and_retried_until_stopped():
    log = StateLog()
    capture = FrameCapture(CameraSource("/dev/video-usher-test-none"), reconnect_interval_s=RETRY_S, on_state=log)
    capture.start()
    log.wait_for(SourceState.MISSING)
    assert capture.take_newest(timeout_s=4 * RETRY_S) is None
    capture.stop()
    assert capture.open_attempts >= 2
    assert log.states == [SourceState.MISSING, SourceState.STOPPED]
    assert capture.finished


def test_a_source_that_appears_later_is_picked_up_by_the_retries(tmp_path, make_video, code_frame):
    path = tmp_path / "late.avi"
    log = StateLog()
    capture = FrameCapture(VideoFileSource(path, realtime=False), reconnect_interval_s=RETRY_S, on_state=log)
    capture.start()
    log.wait_for(SourceState.MISSING)
    make_video([code_frame("L-1", seed=i) for i in range(5)], name="late.avi")  # plugged in
    log.wait_for(SourceState.ENDED)
    assert log.states == [SourceState.MISSING, SourceState.LIVE, SourceState.ENDED]
    assert capture.frames_captured == 5


def test_a_camera_that_is_lost_reconnects_by_itself(make_video, code_frame):
    # A file opened as a camera: when it runs out, the "camera" is lost, and reopening it brings it back.
    path = make_video([code_frame("R-1", seed=i) for i in range(4)])
    log = StateLog()
    capture = FrameCapture(CameraSource(str(path)), reconnect_interval_s=RETRY_S, on_state=log)
    capture.start()
    log.wait_for(SourceState.RECONNECTING)
    log.states.clear()
    log.wait_for(SourceState.LIVE)
    capture.stop()
    assert capture.frames_captured >= 5  # frames from after the reconnection too
    assert capture.open_attempts >= 2


def test_a_source_unplugged_while_reconnecting_stays_reconnecting_until_it_is_back(tmp_path, make_video,
                                                                                   code_frame):
    path = make_video([code_frame("U-1", seed=i) for i in range(3)], name="cam.avi")
    content = path.read_bytes()
    log = StateLog()
    capture = FrameCapture(CameraSource(str(path)), reconnect_interval_s=RETRY_S, on_state=log)
    path.unlink()  # unplugged before the capture even looks: nothing to open
    capture.start()
    log.wait_for(SourceState.MISSING)
    path.write_bytes(content)  # plugged in
    log.wait_for(SourceState.RECONNECTING)  # its frames ran out: lost
    attempts = capture.open_attempts
    path.unlink()  # unplugged
    log.states.clear()
    with pytest.raises(AssertionError):
        log.wait_for(SourceState.LIVE, timeout_s=6 * RETRY_S)
    assert capture.open_attempts > attempts  # still trying
    path.write_bytes(content)
    log.wait_for(SourceState.LIVE)
    capture.stop()


def test_a_listener_that_raises_does_not_stop_the_capture():
    def broken(_):
        raise RuntimeError("listener bug")

    camera = SyntheticCamera([("T-1", 0.2, 0.0)], realtime=False, lead_in_s=0.0)
    capture = FrameCapture(camera, on_state=broken, on_frame=broken)
    capture.start()
    while capture.take_newest(timeout_s=2) is not None:
        pass
    assert capture.finished
    assert capture.frames_captured == 6


def test_a_synchronous_run_hands_over_every_frame_of_a_finite_source():
    camera = SyntheticCamera([("T-1", 0.3, 0.0)], realtime=False, lead_in_s=0.0)
    frames = []
    FrameCapture(camera).run_here(frames.append)
    assert [f.index for f in frames] == list(range(9))


def test_a_synchronous_run_refuses_a_source_that_never_ends():
    with pytest.raises(ValueError):
        FrameCapture(CameraSource(0)).run_here(print)
