"""`Retry-After` in both of its forms (RFC 9110): delta-seconds and an HTTP-date."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.api.transport import parse_retry_after

NOW = datetime(2026, 11, 1, 21, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(("header", "seconds"), [
    ("120", 120.0),
    (" 0 ", 0.0),
    ("Sun, 01 Nov 2026 21:00:30 GMT", 30.0),
    ("Sun, 01 Nov 2026 20:59:00 GMT", 0.0),  # already past: retry now
    (None, None),
    ("soon", None),
    ("-5", None),
    ("1.5", None),
])
def test_retry_after_is_read_as_seconds_to_wait(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header, now=NOW) == seconds
