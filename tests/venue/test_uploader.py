"""One uploader per venue: sync processes on several doors share one PostgreSQL replica; one of them sends at a
time (the upload lease), and when it dies another takes over within seconds — nothing lost, nothing sent twice.
Real processes, killed with SIGKILL, against the simulator over HTTP; time scaled down (a 1.5 s deadline, a 4 s
settle window). Twenty random kills of two sync processes on a faulty server are tests/sync/test_sync_crash.py,
which runs on PostgreSQL too."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from app import demo_data as demo
from app.api import ApiSettings, ProductsClient, Timeouts
from app.demo_data import DEMO_REPLICA
from app.domain.rules import Preset, StationRules
from app.services.importer import import_file
from app.services.station import Station
from app.simulator.demo_data import DEMO_WRITE_KEY
from app.simulator.faults import FaultSettings
from app.simulator.server import SimulatorServer
from app.store import lease
from app.store.db import open_replica
from app.store.models import Conflict
from app.store.replica import outbox
from app.sync.connectivity import ConnectivityMonitor
from app.sync.engine import SyncEngine

ROOT = Path(__file__).resolve().parents[2]
DEADLINE = Timeouts(connect=1.0, read=1.0, write=1.0, pool=1.0, total=1.5)
SETTLE_WINDOW_S = 4.0
PRODUCTS = (demo.GA, demo.VIP, demo.DRINKS)


@dataclass
class Venue:
    url: str
    replica: Engine
    sim: SimulatorServer
    accepted: Counter[str]


@pytest.fixture
def venue(venue_url, tmp_path) -> Venue:
    """The demo event on a venue replica, every ticket used at two doors and every drink thrice at the bar,
    a simulator, and the settings the sync processes read."""
    replica = open_replica(venue_url)
    import_file(replica, DEMO_REPLICA)
    doors = [Station(replica, StationRules(name, Preset.ANY)) for name in ("Door 1", "Door 2", "Bar")]
    plan = [demo.item_uuid(p, n) for p in PRODUCTS for n in range(1, p.items + 1) for _ in range(p.redemption_quantity)]
    assert all(doors[n % 3].redeem(item).accepted for n, item in enumerate(plan))
    settings = {"api": {"base_url": "", "timeout_s": DEADLINE.total, "settle_window_s": SETTLE_WINDOW_S},
                "product_ids": [p.id for p in PRODUCTS]}
    with SimulatorServer(tmp_path / "simulator.db", seed="demo") as sim:
        settings["api"]["base_url"] = sim.url
        config = Path(os.environ["USHER_CONFIG_DIR"])
        config.mkdir(parents=True, exist_ok=True)
        (config / "settings.json").write_text(json.dumps(settings), encoding="utf-8")
        yield Venue(venue_url, replica, sim, Counter(plan))
    replica.dispose()


def start_uploader(venue: Venue) -> subprocess.Popen:
    """`usher sync --watch` as a door's machine runs it."""
    return subprocess.Popen([sys.executable, "-m", "app.cli.main", "--db", venue.url, "sync", "--watch",
                             "--interval", "0.2"], cwd=ROOT, env={**os.environ, "USHER_API_KEY": DEMO_WRITE_KEY},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def holder_pid(venue: Venue) -> int | None:
    with venue.replica.connect() as conn:
        owner = lease.holder(conn, lease.UPLOAD, time.time())
    return None if owner is None else int(owner.split(":")[1])


def outbox_count(venue: Venue, *states: str) -> int:
    with venue.replica.connect() as conn:
        return conn.execute(select(func.count()).where(outbox.c.state.in_(states))).scalar()


def wait_for(condition, timeout_s: float = 30.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    return condition()


def settle_and_compare(venue: Venue) -> None:
    """Sends what is left with faults off, then: the server counts every accepted use once, and no use is a
    conflict or in doubt."""
    venue.sim.faults = FaultSettings()
    api = ApiSettings(venue.sim.url, DEMO_WRITE_KEY, timeouts=DEADLINE)
    engine = SyncEngine(venue.replica, api, [p.id for p in PRODUCTS], settle_window_s=SETTLE_WINDOW_S,
                        backoff_base_s=0.01, backoff_cap_s=0.05, recheck_unknown_s=0.2,
                        monitor=ConnectivityMonitor(probe_every_s=0.02))
    with ProductsClient(api) as client:
        assert wait_for(lambda: not engine.upload(client).errors and not outbox_count(venue, "PENDING", "IN_FLIGHT",
                                                                                        "UNKNOWN"), 120)
        product_of = {demo.item_uuid(p, n): p.id for p in PRODUCTS for n in range(1, p.items + 1)}
        server = {item: client.get_item(product_of[item], item).redemption_count for item in venue.accepted}
    assert server == dict(venue.accepted)
    assert outbox_count(venue, "DONE") == sum(venue.accepted.values())
    with venue.replica.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Conflict.__table__)).scalar() == 0


def test_when_the_uploading_process_dies_the_other_takes_over_within_seconds(venue):
    venue.sim.faults = FaultSettings(latency_ms=200)  # the upload lasts long enough to die in the middle
    first, second = start_uploader(venue), start_uploader(venue)
    try:
        assert wait_for(lambda: holder_pid(venue) in {first.pid, second.pid} and outbox_count(venue, "DONE") > 0)
        dying, survivor = (first, second) if holder_pid(venue) == first.pid else (second, first)
        dying.send_signal(signal.SIGKILL)
        dying.wait()
        died = time.monotonic()
        assert wait_for(lambda: holder_pid(venue) == survivor.pid)
        assert time.monotonic() - died < 10.0  # a dead process on the same host is not waited for (lease.py)
        done_at_takeover = outbox_count(venue, "DONE")
        assert wait_for(lambda: outbox_count(venue, "DONE") > done_at_takeover)  # and the survivor sends
    finally:
        for uploader in (first, second):
            uploader.send_signal(signal.SIGKILL)
            uploader.wait()
    settle_and_compare(venue)
