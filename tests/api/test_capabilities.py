"""The assumed endpoints (list items, get item, sales) are optional capabilities with a clear error when missing."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app import demo_data as shared
from app.api import Capability, CapabilityMissing, NotFound, ProductsClient
from app.api.errors import ProtocolError
from app.simulator.demo_data import GA_PRODUCT_ID
from app.simulator.server import SimulatorServer

UNKNOWN = "00000000-0000-4000-8000-000000000000"


@pytest.fixture(scope="module")
def bare_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatorServer]:
    """A server with only the documented endpoints, like the real API may be."""
    directory: Path = tmp_path_factory.mktemp("bare")
    with SimulatorServer(directory / "simulator.db", optional_endpoints=False) as server:
        yield server


CALLS: dict[Capability, Callable[[ProductsClient], object]] = {
    Capability.LIST_ITEMS: lambda c: c.list_items(GA_PRODUCT_ID),
    Capability.GET_ITEM: lambda c: c.get_item(GA_PRODUCT_ID, shared.item_uuid(shared.GA, 1)),
    Capability.SALES: lambda c: c.list_sales(GA_PRODUCT_ID),
}


@pytest.mark.parametrize("capability", list(Capability), ids=lambda c: c.value)
def test_a_capability_switched_off_fails_at_once_without_a_call(
        simulator: SimulatorServer, make_client: Callable[..., ProductsClient], capability: Capability) -> None:
    calls: list[str] = []
    client = make_client(simulator.url, capabilities=frozenset(Capability) - {capability},
                         on_call=lambda endpoint, ok, seconds: calls.append(endpoint))
    with pytest.raises(CapabilityMissing) as caught:
        CALLS[capability](client)
    assert calls == []
    assert (caught.value.capability, caught.value.status) == (capability, None)
    assert "switched off" in str(caught.value)


@pytest.mark.parametrize("capability", list(Capability), ids=lambda c: c.value)
def test_a_server_without_the_endpoint_answers_with_its_status_and_the_client_does_not_guess_why(
        bare_server: SimulatorServer, make_client: Callable[..., ProductsClient], capability: Capability) -> None:
    # Whether the route or the resource is missing is for the probe (app/sync/probe.py) to learn, not
    # for the shape of an error body to suggest.
    with pytest.raises((NotFound, ProtocolError)) as caught:
        CALLS[capability](make_client(bare_server.url))
    assert not isinstance(caught.value, CapabilityMissing)
    assert caught.value.status in (404, 405)


def test_the_documented_endpoints_still_work_on_such_a_server(
        bare_server: SimulatorServer, make_client: Callable[..., ProductsClient]) -> None:
    client = make_client(bare_server.url)
    assert client.redeem(GA_PRODUCT_ID, shared.item_uuid(shared.GA, 1)).redemption_count == 1


def test_an_unknown_item_on_a_server_with_the_endpoint_is_not_found_rather_than_a_missing_capability(
        client: ProductsClient) -> None:
    with pytest.raises(NotFound):
        client.get_item(GA_PRODUCT_ID, UNKNOWN)
    with pytest.raises(NotFound):
        client.list_items(UNKNOWN)
