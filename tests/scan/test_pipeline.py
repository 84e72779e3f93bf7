from __future__ import annotations

import threading
import time

import cv2
import pytest

from app.scan.debounce import Debouncer
from app.scan.pipeline import ScanEvent, ScanPipeline
from app.scan.sources import CameraSource, Frame, ImageFolderSource, SourceState, SyntheticCamera

A = "https://tickets.example.com/i/3f2a4c1e-8b7d-4e2a-9c1f-123456789abc"
B = "0b8e4a52-7d3c-4f1e-9a6b-2c5d8e7f1a30"
C = '{"product_item_id": "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f"}'


def demo(script, **options) -> SyntheticCamera:
    """A scripted demo camera in simulated time, at 15 fps to keep the tests quick."""
    return SyntheticCamera(script, realtime=False, lead_in_s=0.5, fps=15, **options)


def test_a_scripted_round_run_to_exhaustion_submits_each_shown_code_once_in_order():
    camera = demo([(A, 1.5, 1.0), (B, 1.5, 1.0), (C, 1.5, 0.5)])
    seen: list[ScanEvent] = []
    events = ScanPipeline(camera, on_payload=seen.append).run_until_exhausted()
    assert [e.text for e in events] == [A, B, C]
    assert seen == events
    assert camera.state is SourceState.ENDED


def test_a_voucher_shown_again_after_the_cooldown_is_submitted_again_but_not_within_it():
    script = [(A, 1.5, 3.5), (A, 1.5, 1.0), (A, 1.5, 0.5)]  # gaps of 3.5 s, then 1 s; cooldown 3 s
    events = ScanPipeline(demo(script), debouncer=Debouncer(cooldown_s=3.0)).run_until_exhausted()
    assert [e.text for e in events] == [A, A]


def test_an_event_carries_its_frame_its_stage_and_when_it_was_captured_and_decoded():
    frames: dict[int, Frame] = {}
    camera = demo([(B, 1.5, 0.5)])
    pipeline = ScanPipeline(camera, on_frame=lambda f: frames.setdefault(f.index, f), preview_max_fps=1e6)
    (event,) = pipeline.run_until_exhausted()
    frame = frames[event.frame_index]
    assert frame.shown_payload == B  # read from a frame where the code was in view
    assert event.captured_at == frame.captured_at and event.captured_wall == frame.captured_wall
    assert event.captured_at <= event.decoded_at and event.decode_latency_s >= 0
    assert event.frame_timestamp == pytest.approx(event.frame_index / 15)
    assert event.stage in pipeline.decoder.stages
    assert len(event.position) == 4


def test_the_preview_is_throttled_to_the_preview_rate():
    previews: list[Frame] = []
    camera = demo([(A, 1.0, 0.5)])  # 30 frames, decoded as fast as possible
    pipeline = ScanPipeline(camera, on_frame=previews.append, preview_max_fps=5)
    started = time.perf_counter()
    pipeline.run_until_exhausted()
    elapsed = time.perf_counter() - started
    assert 1 <= len(previews) <= elapsed * 5 + 1
    assert all(b.captured_at - a.captured_at >= 0.2 for a, b in zip(previews, previews[1:]))


def test_running_in_the_background_submits_the_round_and_finishes_when_the_source_ends():
    events: list[ScanEvent] = []
    states: list[SourceState] = []
    camera = SyntheticCamera([(A, 1.5, 0.5), (B, 1.5, 0.5)], lead_in_s=0.3, fps=15)  # real time
    pipeline = ScanPipeline(camera, on_payload=events.append, on_state=states.append)
    pipeline.start()
    assert pipeline.wait(timeout_s=30)
    assert [e.text for e in events] == [A, B]
    assert states == [SourceState.LIVE, SourceState.ENDED]
    stats = pipeline.stats
    assert stats.frames_captured == 65  # (0.3 + 2 + 2) s at 15 fps
    assert stats.frames_decoded + stats.frames_skipped + stats.frames_dropped == stats.frames_captured


def test_decoding_happens_off_the_calling_thread():
    decoding_threads = set()
    pipeline = ScanPipeline(demo([(A, 1.0, 0.2)]),
                            on_payload=lambda e: decoding_threads.add(threading.current_thread()))
    pipeline.start()
    assert pipeline.wait(timeout_s=30)
    assert decoding_threads and threading.current_thread() not in decoding_threads


def test_a_missing_camera_is_reported_and_the_pipeline_stops_cleanly():
    states: list[SourceState] = []
    pipeline = ScanPipeline(CameraSource("/dev/video-usher-test-none"), on_state=states.append,
                            reconnect_interval_s=0.05)
    pipeline.start()
    deadline = time.monotonic() + 5
    while pipeline.stats.open_attempts < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    pipeline.stop()
    assert pipeline.stats.open_attempts >= 3
    assert states == [SourceState.MISSING, SourceState.STOPPED]
    assert pipeline.stats.frames_decoded == 0


def test_a_folder_of_photos_with_a_corrupt_file_is_decoded_without_crashing(tmp_path, code_frame):
    cv2.imwrite(str(tmp_path / "1.png"), code_frame(A))
    (tmp_path / "2.jpg").write_bytes(b"\xff\xd8\xff\xe0 truncated")
    cv2.imwrite(str(tmp_path / "3.png"), code_frame(B))
    source = ImageFolderSource(tmp_path, realtime=False)
    events = ScanPipeline(source).run_until_exhausted()
    assert [e.text for e in events] == [A, B]
    assert [p.name for p in source.skipped] == ["2.jpg"]


def test_a_listener_that_raises_does_not_stop_the_scanning():
    def broken(event):
        raise RuntimeError("listener bug")

    events = ScanPipeline(demo([(A, 1.0, 0.2), (B, 1.0, 0.2)]), on_payload=broken).run_until_exhausted()
    assert [e.text for e in events] == [A, B]


def test_a_source_that_never_ends_cannot_be_run_to_exhaustion():
    with pytest.raises(ValueError):
        ScanPipeline(demo([(A, 1.0, 0.0)], repeat=True)).run_until_exhausted()


# --- Every symbol from the decoder, each text submitted once ---

def test_two_identical_tickets_in_one_frame_are_submitted_once(tmp_path, code_frame):
    import numpy as np

    left, right = code_frame(A, center=(330, 300), code_px=160), code_frame(A, center=(950, 300), code_px=160)
    cv2.imwrite(str(tmp_path / "1.png"), np.hstack([left[:, :640], right[:, 640:]]))
    pipeline = ScanPipeline(ImageFolderSource(tmp_path, realtime=False))
    assert len(pipeline.decoder.decode(cv2.imread(str(tmp_path / "1.png")))) == 2
    assert [e.text for e in pipeline.run_until_exhausted()] == [A]


def test_a_still_empty_view_is_decoded_only_now_and_then_and_a_code_held_up_still_submitted_at_once():
    camera = demo([(A, 1.0, 0.5)])  # 0.5 s lead-in, 1 s with the phone, 0.5 s after: 30 frames at 15 fps
    frames: dict[int, Frame] = {}
    pipeline = ScanPipeline(camera, on_frame=lambda f: frames.setdefault(f.index, f), preview_max_fps=1e6)
    (event,) = pipeline.run_until_exhausted()
    assert pipeline.stats.frames_skipped > 0
    first_in_view = min(i for i, f in frames.items() if f.shown_payload == A)
    every_frame = ScanPipeline(demo([(A, 1.0, 0.5)]), decode_every_frame=True)
    (reference,) = every_frame.run_until_exhausted()
    assert every_frame.stats.frames_skipped == 0
    assert event.frame_index == reference.frame_index >= first_in_view
