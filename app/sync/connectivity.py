"""Online or offline, decided from the recent calls to the API (pure: the caller passes times in).

A rolling window of the last calls: two failures, or two answers slower than the limit, switch the
station offline; while offline a probe is due every `probe_every_s`, and a run of clean answers brings
it back. Staff can force either state; a forced state holds until they choose automatic again.
"""
from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass

from app.sync.status import Connectivity, Override


@dataclass(frozen=True, slots=True)
class Call:
    ok: bool
    seconds: float


class ConnectivityMonitor:
    def __init__(self, window: int = 5, failures_to_drop: int = 2, clean_to_return: int = 2,
                 slow_s: float = 2.0, probe_every_s: float = 10.0) -> None:
        self.calls: deque[Call] = deque(maxlen=window)
        self.failures_to_drop = failures_to_drop
        self.clean_to_return = clean_to_return
        self.slow_s = slow_s
        self.probe_every_s = probe_every_s
        self._override = Override.AUTO
        self._lock = threading.Lock()  # the sync thread and the scanning thread both report calls
        self._online = True
        self._went_offline_at: float | None = None
        self._last_call_at = 0.0

    def record(self, ok: bool, seconds: float, at: float) -> None:
        with self._lock:
            self._record(ok, seconds, at)

    def _record(self, ok: bool, seconds: float, at: float) -> None:
        self.calls.append(Call(ok, seconds))
        self._last_call_at = at
        bad = sum(1 for c in self.calls if not c.ok or c.seconds > self.slow_s)
        recent = list(self.calls)[-self.clean_to_return:]
        if self._online and (bad >= self.failures_to_drop or (not ok and len(self.calls) == 1)):
            self._online = False
            self._went_offline_at = at
        elif not self._online and len(recent) == self.clean_to_return and all(
            c.ok and c.seconds <= self.slow_s for c in recent
        ):
            self._online = True
            self._went_offline_at = None
            self.calls.clear()

    @property
    def override(self) -> Override:
        return self._override

    @override.setter
    def override(self, value: Override) -> None:
        self._override = value

    @property
    def online(self) -> bool:
        """Whether to act online now (ask the server about unknown items)."""
        if self._override is Override.FORCE_ONLINE:
            return True
        if self._override is Override.FORCE_OFFLINE:
            return False
        return self._online

    @property
    def connectivity(self) -> Connectivity:
        return Connectivity.ONLINE if self.online else Connectivity.OFFLINE

    def probe_due(self, now: float) -> bool:
        """While offline (and not forced), whether it is time to try the server again."""
        return (not self._online and self._override is not Override.FORCE_OFFLINE
                and now - self._last_call_at >= self.probe_every_s)

    def probe_soon(self) -> None:
        """Make a probe due now (staff asked to sync, or the settings changed)."""
        with self._lock:
            self._last_call_at = float("-inf")

    @property
    def offline_since(self) -> float | None:
        return self._went_offline_at
