"""Helpers for raw HTTP to the simulator, shared by tests/simulator."""
from __future__ import annotations

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
