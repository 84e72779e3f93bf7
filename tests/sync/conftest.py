"""Sync scenarios: a fresh demo simulator per test (counts must start from zero) and kiosks on real replicas."""
from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from app.api import ApiSettings, ProductsClient
from app.simulator.demo_data import DEMO_WRITE_KEY, add_bulk_items, seed_database
from app.simulator.server import SimulatorServer
from sync_helpers import FAST


@pytest.fixture
def sim(tmp_path) -> Iterator[SimulatorServer]:
    with SimulatorServer(tmp_path / "simulator.db", seed="demo") as server:
        yield server


@pytest.fixture
def bulk_sim(tmp_path) -> Iterator[Callable[[int], tuple[SimulatorServer, list[str]]]]:
    """A demo simulator that also holds N single-use "Benchmark Pass" items: bulk_sim(N) → (server, item ids)."""
    servers: list[SimulatorServer] = []

    def start(count: int) -> tuple[SimulatorServer, list[str]]:
        path = tmp_path / "bulk-simulator.db"
        seed_database(path, "demo")
        ids = [str(i) for i in add_bulk_items(path, count)]
        servers.append(SimulatorServer(path, seed="demo").start())
        return servers[-1], ids

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def api(sim) -> ApiSettings:
    return ApiSettings(sim.url, DEMO_WRITE_KEY, timeouts=FAST)


@pytest.fixture
def server_client(sim) -> Iterator[ProductsClient]:
    """The test's own view of the server, to read counts back."""
    with ProductsClient(ApiSettings(sim.url, DEMO_WRITE_KEY, timeouts=FAST)) as client:
        yield client


