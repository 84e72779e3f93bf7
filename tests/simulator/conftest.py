"""Raw HTTP to a simulator on 127.0.0.1, to send exactly what a test needs, malformed or not."""
from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import httpx
import pytest
from sim_http import Document, expect, raw_client

from app.simulator.demo_data import DEMO_EVENT_ID, DEMO_READ_KEY, DEMO_WRITE_KEY
from app.simulator.server import SimulatorServer
from app.simulator.testing import calm_faults, simulator  # noqa: F401  (pytest fixtures)


@pytest.fixture
def http(simulator: SimulatorServer) -> Iterator[httpx.Client]:
    """Authorized with the write key."""
    with raw_client(simulator.url, DEMO_WRITE_KEY) as client:
        yield client


@pytest.fixture
def read_http(simulator: SimulatorServer) -> Iterator[httpx.Client]:
    with raw_client(simulator.url, DEMO_READ_KEY) as client:
        yield client


@pytest.fixture
def anon_http(simulator: SimulatorServer) -> Iterator[httpx.Client]:
    with raw_client(simulator.url, None) as client:
        yield client


@pytest.fixture
def new_users(http: httpx.Client) -> Callable[[int], list[Document]]:
    """Makes n users nobody else touches."""

    def make(count: int) -> list[Document]:
        tag = uuid.uuid4().hex[:10]
        body = [{"email": f"sim-{tag}-{n}@example.com", "firstName": "Sim", "lastName": f"{tag} {n}"}
                for n in range(count)]
        return expect(http.post("/v1/users/create", json=body), 201)["users"]  # type: ignore[return-value]

    return make


@pytest.fixture
def new_product(http: httpx.Client) -> Callable[..., Document]:
    """Makes a product of the demo event; keyword arguments are product fields."""

    def make(**fields: object) -> Document:
        body = {"type": "admission", "name": f"Sim product {uuid.uuid4().hex[:8]}", "event_id": str(DEMO_EVENT_ID),
                **fields}
        return expect(http.post("/v1/products", json=body), 201)

    return make


@pytest.fixture
def issue(http: httpx.Client) -> Callable[..., httpx.Response]:
    """issue(product, users=[...], emails=[...]) → the raw answer of POST /v1/products/{id}/items."""

    def send(product: Document, **recipients: list[str]) -> httpx.Response:
        return http.post(f"/v1/products/{product['id']}/items", json={"product_id": product["id"], **recipients})

    return send
