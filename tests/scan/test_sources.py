from __future__ import annotations

import time

import cv2
import numpy as np
import pytest

from app.scan.sources import (CameraSource, ImageFolderSource, ShownCode, SourceState, SyntheticCamera,
                              VideoFileSource)


def read_all(source) -> list:
    assert source.open()
    frames = []
    while (frame := source.read()) is not None:
        frames.append(frame)
    return frames


# --- Synthetic demo camera ---

def test_the_demo_camera_plays_its_script_as_1280x720_colour_frames_then_ends():
    camera = SyntheticCamera([("T-1", 1.0, 0.5)], fps=20, realtime=False, lead_in_s=0.5)
    frames = read_all(camera)
    assert len(frames) == 40  # (0.5 + 1.0 + 0.5) s at 20 fps
    assert all(f.image.shape == (720, 1280, 3) and f.image.dtype == np.uint8 for f in frames)
    assert camera.state is SourceState.ENDED


def test_the_demo_camera_says_which_payload_is_on_screen_in_each_frame():
    script = [("T-1", 1.5, 1.0), ("T-2", 1.5, 0.5)]
    camera = SyntheticCamera(script, realtime=False, lead_in_s=1.0)
    shown = [f.shown_payload for f in read_all(camera)]
    runs = [p for i, p in enumerate(shown) if i == 0 or p != shown[i - 1]]
    assert runs == [None, "T-1", None, "T-2", None]  # empty stretches around and between the codes shown
    assert shown.count("T-1") > 0.6 * 1.5 * 30  # in view for most of the time it is shown (it slides in and out)


def test_in_simulated_time_frame_timestamps_advance_by_one_frame_interval():
    camera = SyntheticCamera([("T-1", 0.5, 0.0)], fps=25, realtime=False, lead_in_s=0.0)
    assert [f.timestamp for f in read_all(camera)] == pytest.approx([i / 25 for i in range(13)])  # 0 … 0.48 s


def test_in_real_time_the_demo_camera_sleeps_to_its_frame_rate():
    camera = SyntheticCamera([("T-1", 0.2, 0.0)], fps=20, realtime=True, lead_in_s=0.2)
    started = time.perf_counter()
    frames = read_all(camera)
    assert len(frames) == 8
    assert time.perf_counter() - started >= 7 / 20 * 0.9  # a lower bound only: pacing, not speed


def test_the_same_seed_draws_the_same_frames_and_another_seed_does_not():
    def third_second(seed: int) -> np.ndarray:
        return SyntheticCamera([("T-1", 2.0, 0.0)], seed=seed, realtime=False, lead_in_s=0).render_at(1.0).image

    assert np.array_equal(third_second(4), third_second(4))
    assert not np.array_equal(third_second(4), third_second(5))


def test_a_repeating_demo_camera_never_ends():
    camera = SyntheticCamera([ShownCode("T-1", 0.2, 0.1)], fps=30, realtime=False, lead_in_s=0, repeat=True)
    assert not camera.finite
    camera.open()
    frames = [camera.read() for _ in range(40)]  # more than the 9 frames of one round
    assert all(f is not None for f in frames)
    assert [f.shown_payload for f in frames[:9]] == [f.shown_payload for f in frames[9:18]]


@pytest.mark.parametrize("script", [[("T", 0.0, 1.0)], [("T", 1.0, -1.0)]])
def test_a_script_with_an_empty_or_negative_duration_is_refused(script):
    with pytest.raises(ValueError):
        SyntheticCamera(script)


# --- Video files ---

def test_a_video_file_plays_every_frame_then_ends(make_video, code_frame):
    path = make_video([code_frame("V-1", seed=i) for i in range(12)], fps=24)
    source = VideoFileSource(path, realtime=False)
    frames = read_all(source)
    assert len(frames) == 12 and frames[0].image.shape == (720, 1280, 3)
    assert source.fps == pytest.approx(24)
    assert source.state is SourceState.ENDED


def test_a_video_file_that_does_not_exist_is_missing(tmp_path):
    source = VideoFileSource(tmp_path / "nowhere.mp4")
    assert not source.open()
    assert source.state is SourceState.MISSING
    assert source.read() is None


def test_a_corrupt_video_file_is_missing_and_does_not_crash(tmp_path):
    path = tmp_path / "broken.avi"
    path.write_bytes(b"RIFF\x00\x00\x00\x00AVI garbage" * 100)
    source = VideoFileSource(path)
    assert not source.open()
    assert source.state is SourceState.MISSING


# --- Folders of images ---

def test_a_folder_of_images_gives_one_frame_per_readable_image_in_name_order(tmp_path, code_frame):
    small = cv2.resize(code_frame("F-1"), (640, 360))
    cv2.imwrite(str(tmp_path / "b.png"), small)
    cv2.imwrite(str(tmp_path / "a.jpg"), small)
    cv2.imwrite(str(tmp_path / "c.png"), cv2.cvtColor(small, cv2.COLOR_BGR2GRAY))  # grey becomes BGR
    (tmp_path / "d.png").write_bytes(b"\x89PNG\r\n\x1a\n this is not a picture")  # corrupt
    (tmp_path / "notes.txt").write_text("not an image")
    source = ImageFolderSource(tmp_path, realtime=False)
    frames = read_all(source)
    assert len(frames) == 3
    assert all(f.image.shape == (360, 640, 3) for f in frames)
    assert [p.name for p in source.skipped] == ["d.png"]
    assert source.state is SourceState.ENDED


def test_a_folder_that_does_not_exist_is_missing(tmp_path):
    source = ImageFolderSource(tmp_path / "gone")
    assert not source.open()
    assert source.state is SourceState.MISSING


def test_an_empty_folder_ends_at_once(tmp_path):
    source = ImageFolderSource(tmp_path, realtime=False)
    assert read_all(source) == []
    assert source.state is SourceState.ENDED


# --- Cameras ---

def test_a_camera_device_path_that_does_not_exist_is_missing():
    source = CameraSource("/dev/video-usher-test-none")
    assert not source.open()
    assert source.state is SourceState.MISSING
    assert source.read() is None
    source.close()
    assert source.state is SourceState.STOPPED


def test_a_camera_index_with_no_camera_is_missing():
    source = CameraSource(63)
    assert not source.open()
    assert source.state is SourceState.MISSING


def test_a_camera_that_stops_delivering_frames_is_reconnecting_not_ended(make_video, code_frame):
    # OpenCV opens a file where it expects a camera; at the file's end the "camera" stops delivering.
    path = make_video([code_frame("C-1", seed=i) for i in range(3)])
    source = CameraSource(str(path))
    assert source.open()
    frames = [source.read() for _ in range(4)]
    assert all(f is not None for f in frames[:3]) and frames[3] is None
    assert source.state is SourceState.RECONNECTING
    assert source.open() and source.state is SourceState.LIVE
    assert source.read().index == 3  # frame numbers go on across reconnections
