"""Back-off with jitter after failures, honouring the server's `Retry-After`; reset by a success."""
from __future__ import annotations

import random
import threading
from typing import Callable


class Backoff:
    """Thread-safe: the sync thread records failures, the UI's "Sync now" clears the wait."""

    def __init__(self, base_s: float, cap_s: float, clock: Callable[[], float], rng: random.Random) -> None:
        self.base_s, self.cap_s = base_s, cap_s
        self._clock = clock
        self._rng = rng
        self._lock = threading.Lock()
        self._failures = 0
        self._resume_at = 0.0

    @property
    def resume_at(self) -> float:
        with self._lock:
            return self._resume_at

    def waiting(self) -> bool:
        return self._clock() < self.resume_at

    def failed(self, retry_after: float | None = None) -> None:
        """One more failure in a row: wait base × 2^(n-1), capped, ×0.5–1.5 jitter, and at least `retry_after`."""
        with self._lock:
            self._failures += 1
            delay = min(self.cap_s, self.base_s * 2 ** (self._failures - 1)) * self._rng.uniform(0.5, 1.5)
            self._resume_at = self._clock() + max(delay, retry_after or 0.0)

    def wait_until(self, at: float) -> None:
        """Wait until `at` whatever the failure count (a refused key is retried after a while)."""
        with self._lock:
            self._resume_at = at

    def succeeded(self) -> None:
        with self._lock:
            self._failures = 0

    def clear(self) -> None:
        with self._lock:
            self._resume_at = 0.0
