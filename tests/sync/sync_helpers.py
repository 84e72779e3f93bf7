"""Helpers for the sync scenarios: an engine with short back-offs, and running it until the outbox drains."""
from __future__ import annotations

import time
from collections.abc import Callable

from app import demo_data as demo
from app.api import Timeouts
from app.simulator.faults import FaultSettings
from app.store import outbox as ob
from app.store.db import read_transaction
from app.sync.connectivity import ConnectivityMonitor
from app.sync.engine import SyncEngine, SyncReport
from app.api import ApiSettings, ProductsClient

FAST = Timeouts(connect=1.0, read=1.0, write=1.0, pool=1.0, total=1.5)
SETTLE_WINDOW_S = 2.0  # scaled down with FAST's deadline: the same logic as 20 s and 300 s
ALL_PRODUCTS = [p.id for p in demo.PRODUCTS]

__all__ = ["FAST", "ALL_PRODUCTS", "FaultSettings", "make_engine", "stations_that_accepted", "sync_until_settled",
           "waiting"]


def make_engine(replica, api: ApiSettings, products=ALL_PRODUCTS, **kwargs) -> SyncEngine:
    kwargs.setdefault("backoff_base_s", 0.01)
    kwargs.setdefault("backoff_cap_s", 0.05)
    kwargs.setdefault("recheck_unknown_s", 0.2)
    kwargs.setdefault("settle_window_s", SETTLE_WINDOW_S)
    kwargs.setdefault("clock_skew_s", 1.0)
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
        while waiting(engine.replica) and time.monotonic() < deadline:
            reports.append(engine.upload(client))
            between()
            time.sleep(0.01)
    engine.release_lease()
    assert waiting(engine.replica) == 0, "the outbox did not drain"
    return reports



def stations_that_accepted(tmp_path, item: str, names: list[str], preset) -> list:  # type: ignore[no-untyped-def]
    """Replicas of their own (the demo event imported), one per station name, where each accepted `item` offline."""
    from app.demo_data import DEMO_REPLICA
    from app.domain.rules import StationRules
    from app.services.importer import import_file
    from app.services.station import Station
    from app.store.db import open_replica

    replicas = []
    for name in names:
        replica = open_replica(f"sqlite:///{tmp_path / (name.replace(' ', '') + '.db')}")
        import_file(replica, DEMO_REPLICA)
        assert Station(replica, StationRules(name, preset)).redeem(item).accepted
        replicas.append(replica)
    return replicas
