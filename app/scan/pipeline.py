"""Source → decode → debounce → payload, off the UI thread.

`ScanPipeline` is the core, plain Python: a capture thread keeps the newest frame, a decode thread decodes
it (unless the change gate says the view is as it was when nothing was read), debounces the texts, and calls
back with a `ScanEvent` per submission; it knows nothing of Qt (app/ui/scan_pipeline.py wraps it in
signals for the window). For finite sources, `run_until_exhausted()` runs the same steps synchronously over
every frame (headless demo, tests).
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import cv2

from app.scan.capture import FrameCapture, notify
from app.scan.debounce import Debouncer
from app.scan.decode import QrDecoder, Quad
from app.scan.gate import ChangeGate
from app.scan.sources import Frame, FrameSource, SourceState

STILL_PREVIEW_FPS = 10.0  # the preview of a view that does not change: redrawing it 30 times a second costs CPU


def use_one_opencv_thread() -> None:
    """Process-wide: OpenCV works on the calling thread only. Capture and decoding already run on threads of
    their own; on a 2-core kiosk OpenCV's worker pool on top only adds contention and wake-ups (measured by
    benchmarks/decode.py: an empty frame 2.1 → 1.6 ms through the chain, shorter real-time latency tails)."""
    cv2.setNumThreads(1)


@dataclass(frozen=True)
class ScanEvent:
    """A code to submit: its text, where and how it was read, and when (for scan-to-verdict latency)."""

    text: str
    stage: str  # the decoder chain stage that read it
    position: Quad  # corners in the frame's pixels
    captured_at: float  # time.perf_counter() when the frame was taken
    decoded_at: float  # time.perf_counter() when decoding it finished
    captured_wall: float  # time.time() when the frame was taken
    frame_index: int
    frame_timestamp: float  # the frame's time on its source's clock (what the debounce saw)

    @property
    def decode_latency_s(self) -> float:
        return self.decoded_at - self.captured_at


@dataclass(frozen=True)
class PipelineStats:
    frames_captured: int
    frames_decoded: int
    frames_dropped: int  # captured but replaced by a newer frame before the decoder took them
    frames_skipped: int  # taken but not decoded: the view had not changed since a frame that read nothing
    open_attempts: int


class ScanPipeline:
    def __init__(self, source: FrameSource, *, decoder: QrDecoder | None = None,
                 debouncer: Debouncer | None = None,
                 on_payload: Callable[[ScanEvent], None] | None = None,
                 on_frame: Callable[[Frame], None] | None = None,
                 on_state: Callable[[SourceState], None] | None = None,
                 preview_max_fps: float = 30.0, reconnect_interval_s: float = 1.0,
                 decode_every_frame: bool = False) -> None:
        """Callbacks run on the pipeline's threads: `on_payload` on the decode thread, `on_frame` (at most
        `preview_max_fps` times a second, `STILL_PREVIEW_FPS` while the view stays as it was) and `on_state` on
        the capture thread. `decode_every_frame` turns the change gate off (the benchmark's worst case)."""
        use_one_opencv_thread()
        self.source = source
        self.decoder = decoder or QrDecoder()
        self.debouncer = debouncer or Debouncer()
        self.gate = None if decode_every_frame else ChangeGate()
        self._on_payload = on_payload
        self._on_frame = on_frame
        self._on_state = on_state
        self._preview_interval_s = 1.0 / preview_max_fps
        self._still_preview_interval_s = max(self._preview_interval_s, 1.0 / STILL_PREVIEW_FPS)
        self._last_preview_at = float("-inf")
        self._view_still = False  # the gate found the last frame unchanged: a slower preview shows the same
        self._capture = FrameCapture(source, reconnect_interval_s=reconnect_interval_s,
                                     on_state=on_state, on_frame=self._offer_preview)
        self._decode_thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self.frames_decoded = 0
        self.frames_skipped = 0

    @property
    def state(self) -> SourceState:
        return self._capture.state

    @property
    def stats(self) -> PipelineStats:
        c = self._capture
        return PipelineStats(c.frames_captured, self.frames_decoded, c.frames_dropped, self.frames_skipped,
                             c.open_attempts)

    def start(self) -> None:
        """Starts capturing and decoding in the background; `stop()` ends it."""
        self._capture.start()
        self._decode_thread = threading.Thread(target=self._decode_loop, name="decode", daemon=True)
        self._decode_thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        self._stopping.set()
        self._capture.stop(timeout_s)
        if self._decode_thread is not None:
            self._decode_thread.join(timeout_s)

    def wait(self, timeout_s: float | None = None) -> bool:
        """Waits for a finite source to end and its last frame to be decoded; True if it has."""
        if self._decode_thread is None:
            raise RuntimeError("the pipeline was not started")
        self._decode_thread.join(timeout_s)
        return not self._decode_thread.is_alive()

    def run_until_exhausted(self) -> list[ScanEvent]:
        """Decodes every frame of a finite source on the calling thread, none dropped; returns the events
        (which were also passed to `on_payload`)."""
        events: list[ScanEvent] = []
        self._capture.run_here(lambda frame: events.extend(self._process(frame)))
        return events

    def _decode_loop(self) -> None:
        while not self._stopping.is_set():
            frame = self._capture.take_newest(timeout_s=0.5)
            if frame is not None:
                self._process(frame)
            elif self._capture.finished:
                return

    def _process(self, frame: Frame) -> list[ScanEvent]:
        self._view_still = self.gate is not None and not self.gate.should_decode(frame.image, frame.timestamp)
        if self._view_still:
            self.frames_skipped += 1
            return []
        decoded = self.decoder.decode(frame.image)
        decoded_at = time.perf_counter()
        self.frames_decoded += 1
        if self.gate is not None:
            self.gate.decoded(frame.image, frame.timestamp, read_something=bool(decoded))
        # Every symbol, two identical tickets as two: the debouncer submits each text once.
        submitted = self.debouncer.update([d.text for d in decoded], frame.timestamp)
        symbol = {d.text: d for d in reversed(decoded)}  # the first symbol read with each text
        events = [ScanEvent(text, symbol[text].stage, symbol[text].position, frame.captured_at, decoded_at,
                            frame.captured_wall, frame.index, frame.timestamp) for text in submitted]
        for event in events:
            notify(self._on_payload, event)
        return events

    def _offer_preview(self, frame: Frame) -> None:
        interval = self._still_preview_interval_s if self._view_still else self._preview_interval_s
        if frame.captured_at - self._last_preview_at >= interval:
            self._last_preview_at = frame.captured_at
            notify(self._on_frame, frame)
