"""`kill -9` of the sync process at random moments never loses or duplicates an operation."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from app import demo_data as demo
from app.api import ApiSettings, ProductsClient
from app.domain.rules import Preset, StationRules
from app.services.station import Station
from app.simulator.demo_data import DEMO_WRITE_KEY
from app.store.replica import outbox
from sync_helpers import FAST, FaultSettings, make_engine, sync_until_settled

ROOT = Path(__file__).resolve().parents[2]


def in_flight(replica) -> int:
    with replica.connect() as conn:
        return conn.execute(select(func.count()).where(outbox.c.state == "IN_FLIGHT")).scalar()


def sends_claimed(replica) -> int:
    with replica.connect() as conn:
        return conn.execute(select(func.sum(outbox.c.attempts))).scalar() or 0


def wait_until_sending(replica, child: subprocess.Popen, timeout_s: float = 30.0) -> None:
    """Until this child has claimed operations of its own to send (or has finished)."""
    before = sends_claimed(replica)
    deadline = time.monotonic() + timeout_s
    while sends_claimed(replica) == before and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)


def test_sigkill_of_the_sync_process_over_twenty_runs_never_loses_or_duplicates(demo_replica, db_url, sim, api):
    station = Station(demo_replica, StationRules("Door 1", Preset.ANY))
    plan = [demo.item_uuid(p, n) for p in (demo.GA, demo.VIP) for n in range(1, p.items + 1)]
    plan += [demo.item_uuid(demo.DRINKS, n) for n in range(1, 16)] * 3
    assert all(station.redeem(item).accepted for item in plan)
    sim.faults = FaultSettings(latency_ms=40)  # so that the 20 kills land while requests are in flight
    env = {**os.environ, "USHER_API_KEY": DEMO_WRITE_KEY}
    rng = random.Random(11)
    killed_mid_flight = 0
    for _ in range(20):
        child = subprocess.Popen(
            [sys.executable, "-m", "app.cli.main", "--db", db_url, "sync", "--api", sim.url,
             "--product", demo.GA.id],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_until_sending(demo_replica, child)
        time.sleep(rng.uniform(0.0, 0.4))  # a random moment while requests are in flight
        child.send_signal(signal.SIGKILL)
        child.wait()
        killed_mid_flight += bool(in_flight(demo_replica))
    with demo_replica.connect() as conn:
        done = conn.execute(select(func.count()).where(outbox.c.state == "DONE")).scalar()
    assert killed_mid_flight >= 10, "the kills did not land while operations were in flight"
    assert done > 0, "the killed processes made no progress at all"
    sim.faults = FaultSettings()
    sync_until_settled(make_engine(demo_replica, api))

    with demo_replica.connect() as conn:
        accepted = dict(conn.execute(select(outbox.c.item_uuid, func.count()).group_by(outbox.c.item_uuid)).all())
        states = set(conn.execute(select(outbox.c.state)).scalars())
    assert states == {"DONE"}
    assert sum(accepted.values()) == len(plan)
    product_of = {demo.item_uuid(p, n): p.id for p in demo.PRODUCTS for n in range(1, p.items + 1)}
    with ProductsClient(ApiSettings(sim.url, DEMO_WRITE_KEY, timeouts=FAST)) as client:
        server = {item: client.get_item(product_of[item], item).redemption_count for item in accepted}
    assert server == accepted
