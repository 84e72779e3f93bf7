"""How long the manager PIN, once entered, keeps the manager pages open.

A manager at a busy door is interrupted all the time: by scans, by going back to the scan screen to look
at a guest's verdict. Asking for the PIN again after each interruption teaches people to tape it to the
screen, so the PIN stays good for a few minutes after the manager's last action, and then locks by itself.
"""
from __future__ import annotations

import time
from typing import Callable

UNLOCKED_FOR_S = 180.0


class ManagerSession:
    def __init__(self, clock: Callable[[], float] = time.monotonic, unlocked_for_s: float = UNLOCKED_FOR_S) -> None:
        self._clock = clock
        self._unlocked_for_s = unlocked_for_s
        self._until = float("-inf")

    def unlock(self) -> None:
        """The right PIN was entered."""
        self._until = self._clock() + self._unlocked_for_s

    def touch(self) -> None:
        """The manager did something: keep the pages open a little longer (only while unlocked)."""
        if self.unlocked:
            self.unlock()

    def lock(self) -> None:
        self._until = float("-inf")

    @property
    def unlocked(self) -> bool:
        return self._clock() < self._until
