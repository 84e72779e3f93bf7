"""Sync scenarios: a fresh demo simulator per test (counts must start from zero) and kiosks on real replicas."""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest

from app import demo_data as demo
from app.api import ApiSettings, ProductsClient, Timeouts
from app.simulator.demo_data import DEMO_WRITE_KEY, add_bulk_items, seed_database
from app.simulator.faults import FaultSettings
from app.simulator.server import SimulatorServer
from app.store.db import open_replica
from app.sync.connectivity import ConnectivityMonitor
from app.sync.engine import SyncEngine, SyncReport
from app.store import outbox as ob
from app.store.db import read_transaction

FAST = Timeouts(connect=1.0, read=2.0, write=1.0, pool=1.0)
ALL_PRODUCTS = [p.id for p in demo.PRODUCTS]


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


def make_engine(replica, api: ApiSettings, products=ALL_PRODUCTS, **kwargs) -> SyncEngine:
    kwargs.setdefault("backoff_base_s", 0.01)
    kwargs.setdefault("backoff_cap_s", 0.05)
    kwargs.setdefault("recheck_unknown_s", 0.0)
    kwargs.setdefault("monitor", ConnectivityMonitor(probe_every_s=0.02))
    return SyncEngine(replica, api, products, **kwargs)


def waiting(replica) -> int:
    with read_transaction(replica) as conn:
        return ob.waiting_count(conn)


def sync_until_settled(engine: SyncEngine, deadline_s: float = 120.0,
                       between: Callable[[], None] = lambda: None) -> list[SyncReport]:
    """Runs passes until nothing waits, as the engine's thread would (with short back-offs)."""
    reports = []
    deadline = time.monotonic() + deadline_s
    with ProductsClient(engine.api, on_call=engine._observe) as client:
        while waiting(engine.engine) and time.monotonic() < deadline:
            reports.append(engine.upload(client))
            between()
            time.sleep(0.01)
    assert waiting(engine.engine) == 0, "the outbox did not drain"
    return reports


__all__ = ["FaultSettings", "make_engine", "open_replica", "sync_until_settled", "waiting"]
