"""Runs a frame source on its own thread and keeps only its newest frame.

Latency must not build up behind a slow consumer, so a frame nobody took before the next one arrived is
dropped (and counted), never queued. A source that cannot be opened, or is lost, is retried every
`reconnect_interval_s` until it comes back or the capture is stopped; a finite source that ends stops it.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from app.scan.sources import Frame, FrameSource, SourceState

log = logging.getLogger(__name__)


class FrameCapture:
    def __init__(self, source: FrameSource, *, reconnect_interval_s: float = 1.0,
                 on_state: Callable[[SourceState], None] | None = None,
                 on_frame: Callable[[Frame], None] | None = None) -> None:
        """`on_state` and `on_frame` are called on the capture thread; keep them short."""
        self.source = source
        self.reconnect_interval_s = reconnect_interval_s
        self._on_state = on_state
        self._on_frame = on_frame
        self._newest: Frame | None = None
        self._ready = threading.Condition()
        self._stopping = threading.Event()
        self._finished = False
        self._thread: threading.Thread | None = None
        self.state = source.state
        self.frames_captured = 0
        self.frames_dropped = 0
        self.open_attempts = 0

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("a capture can be started once")
        self._thread = threading.Thread(target=self._run, name=f"capture {self.source.name}", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            if self._thread.is_alive():
                log.warning("capture of %s did not stop within %.1f s", self.source.name, timeout_s)

    @property
    def finished(self) -> bool:
        """The capture will deliver no more frames (its source ended, or it was stopped)."""
        with self._ready:
            return self._finished

    def take_newest(self, timeout_s: float | None = None) -> Frame | None:
        """The newest frame not yet taken, waiting up to `timeout_s` for one; None on timeout or when finished."""
        with self._ready:
            self._ready.wait_for(lambda: self._newest is not None or self._finished, timeout_s)
            frame, self._newest = self._newest, None
            return frame

    def run_here(self, consume: Callable[[Frame], None]) -> None:
        """Synchronously, on the calling thread: hands every frame of a finite source to `consume`, none
        dropped, until the source ends (or `stop()` is called from another thread). No reconnection."""
        if not self.source.finite:
            raise ValueError(f"{self.source.name} never ends; start() it instead")
        self.open_attempts += 1
        opened = self.source.open()
        self._publish_state(self.source.state)
        if not opened:
            return
        while not self._stopping.is_set() and (frame := self.source.read()) is not None:
            self.frames_captured += 1
            notify(self._on_frame, frame)
            consume(frame)
        self.source.close()
        self._publish_state(self.source.state)

    def _run(self) -> None:
        try:
            self._capture_until_done()
        except Exception:
            log.exception("capture of %s failed", self.source.name)
        finally:
            self.source.close()
            self._publish_state(self.source.state)
            with self._ready:
                self._finished = True
                self._ready.notify_all()

    def _capture_until_done(self) -> None:
        self._publish_state(self.source.state)
        while not self._stopping.is_set():
            if self.source.state is not SourceState.LIVE:
                if self.open_attempts and self._stopping.wait(self.reconnect_interval_s):
                    return
                self.open_attempts += 1
                self.source.open()
                self._publish_state(self.source.state)
                continue
            frame = self.source.read()
            if frame is None:
                self._publish_state(self.source.state)
                if self.source.state is SourceState.ENDED:
                    return
                continue
            self._keep(frame)

    def _keep(self, frame: Frame) -> None:
        with self._ready:
            if self._newest is not None:
                self.frames_dropped += 1
            self._newest = frame
            self.frames_captured += 1
            self._ready.notify_all()
        notify(self._on_frame, frame)

    def _publish_state(self, state: SourceState) -> None:
        if state is self.state:
            return
        self.state = state
        notify(self._on_state, state)


def notify(callback: Callable[[object], None] | None, value: object) -> None:
    """Calls a listener; one that fails is logged and must not stop capture or decoding."""
    if callback is None:
        return
    try:
        callback(value)
    except Exception:
        log.exception("scan listener %r failed", callback)
