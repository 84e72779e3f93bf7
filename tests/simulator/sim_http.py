"""Helpers for raw HTTP to the simulator, shared by tests/simulator."""
from __future__ import annotations

import time
from collections.abc import Callable

import httpx

Document = dict[str, object]


def raw_client(url: str, key: str | None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.Client(base_url=url, headers=headers, timeout=5.0)


def expect(response: httpx.Response, status: int) -> Document:
    assert response.status_code == status, response.text
    document = response.json()
    assert isinstance(document, dict)
    return document


def eventually(condition: Callable[[], bool], seconds: float = 5.0) -> bool:
    """Whether `condition` holds within `seconds` (connection errors on the way count as not yet)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    return False
