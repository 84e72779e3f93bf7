"""Blocking calls (the database) run here, off the UI thread; their results come back on it.

Each Background runs its calls one at a time, in the order submitted: the scan queue keeps scans in
order and never waits behind a slow report, which has a queue of its own.
"""
from __future__ import annotations

import itertools
import logging
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot
from sqlalchemy.exc import OperationalError

log = logging.getLogger(__name__)


class Background(QObject):
    _finished = Signal(int, bool, object)  # ticket, succeeded, result or error message

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # one at a time, first in first out
        self._tickets = itertools.count()
        self._callbacks: dict[int, tuple[Callable[[Any], None], Callable[[str], None] | None]] = {}
        # The receiver lives on the UI thread, so Qt queues the delivery to it.
        self._finished.connect(self._deliver)

    def submit(
        self,
        call: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        """Runs `call` on the worker thread, then `on_done(result)` (or `on_error(message)`) on this one."""
        ticket = next(self._tickets)
        self._callbacks[ticket] = (on_done, on_error)

        def run() -> None:
            try:
                result = call()
            except Exception as exc:  # a failed call must reach its caller, never kill the worker
                log.error("background call failed: %s", exc.__class__.__name__, exc_info=True)
                self._finished.emit(ticket, False, _plain_error(exc))
            else:
                self._finished.emit(ticket, True, result)

        self._pool.start(QRunnable.create(run))

    @Slot(int, bool, object)
    def _deliver(self, ticket: int, succeeded: bool, value: object) -> None:
        on_done, on_error = self._callbacks.pop(ticket)
        if succeeded:
            on_done(value)
        elif on_error is not None:
            on_error(str(value))

    def idle(self) -> bool:
        """True when every call submitted has been delivered (or failed)."""
        return not self._callbacks

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Lets queued calls finish (a scan already read must still be recorded)."""
        self._pool.waitForDone(timeout_ms)


def _plain_error(exc: Exception) -> str:
    if isinstance(exc, OperationalError):
        return "The local database is busy or unreadable — try again"
    if isinstance(exc, OSError):
        return exc.strerror or "The file could not be read or written"
    return "Something went wrong — try again"
