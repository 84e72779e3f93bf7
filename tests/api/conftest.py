"""Clients against a real simulator on 127.0.0.1, and a canned server for answers the simulator never gives."""
from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from canned_http import Canned, CannedServer

from app.api import ApiSettings, CallObserver, ProductsClient, Timeouts
from app.api.models import NewProduct, NewUser, Product, User
from app.domain.rules import ProductType
from app.simulator.demo_data import DEMO_EVENT_ID, DEMO_READ_KEY, DEMO_WRITE_KEY
from app.simulator.server import SimulatorServer
from app.simulator.testing import calm_faults, simulator  # noqa: F401  (pytest fixtures)

FAST = Timeouts(connect=2.0, read=3.0, write=2.0, pool=2.0)


@pytest.fixture
def make_client() -> Iterator[Callable[..., ProductsClient]]:
    """Clients with short timeouts: make_client(url, key=..., on_call=..., <other ApiSettings fields>)."""
    made: list[ProductsClient] = []

    def make(url: str, key: str = DEMO_WRITE_KEY, on_call: CallObserver | None = None,
             **settings: Any) -> ProductsClient:
        settings.setdefault("timeouts", FAST)
        made.append(ProductsClient(ApiSettings(url, key, **settings), on_call=on_call))
        return made[-1]

    yield make
    for api in made:
        api.close()


@pytest.fixture
def client(simulator: SimulatorServer, make_client: Callable[..., ProductsClient]) -> ProductsClient:
    return make_client(simulator.url)


@pytest.fixture
def read_client(simulator: SimulatorServer, make_client: Callable[..., ProductsClient]) -> ProductsClient:
    return make_client(simulator.url, DEMO_READ_KEY)


@pytest.fixture
def new_users(client: ProductsClient) -> Callable[[int], list[User]]:
    """Makes n users nobody else touches."""

    def make(count: int) -> list[User]:
        tag = uuid.uuid4().hex[:10]
        return client.create_users([NewUser(email=f"guest-{tag}-{n}@example.com", first_name="Guest",
                                            last_name=f"{tag} {n}", reference_id=f"ref-{tag}-{n}")
                                    for n in range(count)])

    return make


@pytest.fixture
def new_product(client: ProductsClient) -> Callable[..., Product]:
    """Makes a product of the demo event; keyword arguments are NewProduct fields."""

    def make(**terms: object) -> Product:
        terms.setdefault("type", ProductType.ADMISSION)
        return client.create_product(NewProduct(name=f"Test product {uuid.uuid4().hex[:8]}",
                                                event_id=DEMO_EVENT_ID, **terms))  # type: ignore[arg-type]

    return make


@pytest.fixture(scope="module")
def canned_server() -> Iterator[CannedServer]:
    server = CannedServer()
    yield server
    server.close()


@pytest.fixture
def canned(canned_server: CannedServer) -> Iterator[CannedServer]:
    canned_server.answer = Canned()
    canned_server.requests.clear()
    yield canned_server
