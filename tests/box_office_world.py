"""A box office as staff find it at opening: a demo simulator on real HTTP, and a replica synced from it (the
products with their prices and limits, the items, the project's customers) — shared by the services, UI and
sync tests of the box office."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine

from app import demo_data as demo
from app.api import ApiSettings, ProductsClient, Timeouts
from app.simulator.demo_data import DEMO_WRITE_KEY
from app.simulator.server import SimulatorServer
from app.store.db import open_replica
from app.sync.connectivity import ConnectivityMonitor
from app.sync.customers import download_customers
from app.sync.engine import SyncEngine

FAST = Timeouts(connect=1.0, read=1.0, write=1.0, pool=1.0, total=1.5)
PRODUCT_IDS = [p.id for p in demo.PRODUCTS]


@dataclass
class BoxOfficeWorld:
    simulator: SimulatorServer
    replica: Engine
    api: ApiSettings

    def engine(self, **kwargs) -> SyncEngine:  # type: ignore[no-untyped-def]
        """A sync engine with short back-offs and a short settle window, as in tests/sync."""
        kwargs.setdefault("backoff_base_s", 0.01)
        kwargs.setdefault("backoff_cap_s", 0.05)
        kwargs.setdefault("recheck_unknown_s", 0.2)
        kwargs.setdefault("settle_window_s", 2.0)
        kwargs.setdefault("clock_skew_s", 1.0)
        kwargs.setdefault("monitor", ConnectivityMonitor(probe_every_s=0.02))
        return SyncEngine(self.replica, self.api, PRODUCT_IDS, **kwargs)

    def client(self) -> ProductsClient:
        return ProductsClient(self.api)

    def close(self) -> None:
        self.replica.dispose()
        self.simulator.stop()


def open_box_office(folder: Path) -> BoxOfficeWorld:
    simulator = SimulatorServer(folder / "simulator.db", seed="demo").start()
    world = BoxOfficeWorld(simulator, open_replica(f"sqlite:///{folder / 'replica.db'}"),
                           ApiSettings(simulator.url, DEMO_WRITE_KEY, timeouts=FAST))
    world.engine().run_once()
    with world.client() as client:
        download_customers(world.replica, client)
    return world


@pytest.fixture
def world(tmp_path):  # type: ignore[no-untyped-def]
    """A box office at opening, in the test's own folder (import it into a test module to use it)."""
    world = open_box_office(tmp_path)
    yield world
    world.close()
