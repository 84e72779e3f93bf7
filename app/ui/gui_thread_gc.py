"""Python's cycle collector runs in whichever thread happens to allocate. When that is a worker thread
(redeems, reports, the scan pipeline) and a garbage cycle holds a Qt object, the object is deleted on
the wrong thread and the process crashes. While the window lives, automatic collection is therefore off
and the UI thread collects instead, generation by generation, as CPython itself would."""
from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class GuiThreadGarbageCollector(QObject):
    _active = 0  # collectors running; automatic collection comes back when the last one stops

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._timer = QTimer(self, interval=INTERVAL_MS)
        self._timer.timeout.connect(self.collect)
        self._timer.start()
        self._running = True
        GuiThreadGarbageCollector._active += 1
        gc.disable()

    def collect(self) -> None:
        counts = gc.get_count()
        for generation in (2, 1, 0):  # the oldest generation that is due; younger ones are collected with it
            if counts[generation] > self._thresholds[generation]:
                gc.collect(generation)
                return

    def stop(self) -> None:
        if not self._running:
            return
        self._running = False
        self._timer.stop()
        gc.collect()  # what is left goes now, on this (the UI) thread
        GuiThreadGarbageCollector._active -= 1
        if GuiThreadGarbageCollector._active == 0:
            gc.enable()
