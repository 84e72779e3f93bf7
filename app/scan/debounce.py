"""One submission each time a code is shown to the camera.

A code is submitted when it is first read. While it stays in view it is not submitted again, even if a few
frames in between fail to read (motion blur, glare): it counts as in view until it has gone unread for longer
than `presence_timeout_s`. After it leaves it is not submitted again within `cooldown_s` of the last time it
was read. Pure logic: the caller passes the time of each frame (seconds, any monotonic clock).
"""
from __future__ import annotations

from collections.abc import Iterable


class Debouncer:
    def __init__(self, cooldown_s: float = 3.0, presence_timeout_s: float = 0.5) -> None:
        if cooldown_s < 0 or presence_timeout_s < 0:
            raise ValueError("durations cannot be negative")
        self.cooldown_s = cooldown_s
        self.presence_timeout_s = presence_timeout_s
        self._last_read: dict[str, float] = {}  # text → when it was last read

    def update(self, texts: Iterable[str], now: float) -> list[str]:
        """The texts read in the frame taken at `now` → those to submit, in the order given, each once."""
        quiet_needed = max(self.cooldown_s, self.presence_timeout_s)
        submit: list[str] = []
        for text in dict.fromkeys(texts):
            last = self._last_read.get(text)
            # Strictly longer than the presence timeout: a code unread for exactly that long is still in view.
            gone = last is None or (now - last > self.presence_timeout_s and now - last >= self.cooldown_s)
            if gone:
                submit.append(text)
            self._last_read[text] = now
        self._forget_older_than(now - quiet_needed)
        return submit

    @property
    def remembered(self) -> int:
        """How many codes it currently holds back (read within the quiet period)."""
        return len(self._last_read)

    def reset(self) -> None:
        """Forget every code: the next read of any code is submitted (e.g. after the station changes)."""
        self._last_read.clear()

    def _forget_older_than(self, horizon: float) -> None:
        # Codes unread for longer than the quiet period would be submitted again anyway; forgetting them keeps
        # memory flat over a night of scanning.
        stale = [text for text, last in self._last_read.items() if last < horizon]
        for text in stale:
            del self._last_read[text]
