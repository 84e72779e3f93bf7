"""The scan pipeline for the window: app/scan's `ScanPipeline` with Qt signals instead of callbacks, emitted
from the pipeline's threads and delivered queued on the receiver's (UI) thread, so the UI never decodes."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Signal

from app.scan.debounce import Debouncer
from app.scan.decode import QrDecoder
from app.scan.pipeline import ScanEvent, ScanPipeline
from app.scan.sources import FrameSource


class QtScanPipeline(QObject):
    """A `ScanPipeline` whose callbacks are these signals."""

    payload = Signal(object)  # ScanEvent
    frame = Signal(object)  # Frame, for the preview, at most preview_max_fps per second
    state = Signal(str)  # a SourceState value: "starting", "live", "missing", "reconnecting", "ended", "stopped"

    def __init__(self, source: FrameSource, *, decoder: QrDecoder | None = None,
                 debouncer: Debouncer | None = None, preview_max_fps: float = 30.0,
                 reconnect_interval_s: float = 1.0, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pipeline = ScanPipeline(source, decoder=decoder, debouncer=debouncer,
                                     on_payload=self.payload.emit, on_frame=self.frame.emit,
                                     on_state=lambda s: self.state.emit(s.value),
                                     preview_max_fps=preview_max_fps, reconnect_interval_s=reconnect_interval_s)
        app = QCoreApplication.instance()
        if app is not None:
            # Threads that outlive this object would emit into a deleted QObject.
            app.aboutToQuit.connect(self.stop)

    def start(self) -> None:
        self.pipeline.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        self.pipeline.stop(timeout_s)

    def run_until_exhausted(self) -> list[ScanEvent]:
        """Decodes on the calling thread (headless demo, tests): never call it from a UI that must stay live."""
        return self.pipeline.run_until_exhausted()
