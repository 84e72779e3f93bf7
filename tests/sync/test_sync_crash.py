"""Chaos: two sync processes on one replica, a server with variable latency that stalls some requests
past the deadline, and `kill -9` at random moments, over twenty kills. Every use the kiosk accepted is
counted by the server exactly once, or the difference is listed for the manager."""
from __future__ import annotations

import json
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
from app.services.reports import conflicts
from app.services.station import Station
from app.simulator.demo_data import DEMO_WRITE_KEY
from app.store.replica import outbox
from sync_helpers import FAST, FaultSettings, make_engine, sync_until_settled

ROOT = Path(__file__).resolve().parents[2]
WINDOW_S = 3.0  # the settle window; the longest stall below is shorter


def sends_claimed(replica) -> int:
    with replica.connect() as conn:
        return conn.execute(select(func.sum(outbox.c.attempts))).scalar() or 0


def start_sync(db_url: str) -> subprocess.Popen:
    env = {**os.environ, "USHER_API_KEY": DEMO_WRITE_KEY}
    return subprocess.Popen([sys.executable, "-m", "app.cli.main", "--db", db_url, "sync", "--watch", "--interval", "1"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_two_sync_processes_killed_twenty_times_on_a_stalling_server_never_lose_or_duplicate(
        demo_replica, db_url, sim, api, tmp_path):
    door, bar = Station(demo_replica, StationRules("Door 1", Preset.DOOR)), Station(demo_replica, StationRules("Bar", Preset.BAR))
    tickets = [demo.item_uuid(p, n) for p in (demo.GA, demo.VIP) for n in range(1, p.items + 1)]
    vouchers = [demo.item_uuid(demo.DRINKS, n) for n in range(1, 16)] * 3
    assert all(door.redeem(t).accepted for t in tickets) and all(bar.redeem(v).accepted for v in vouchers)
    config = tmp_path / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.json").write_text(json.dumps({
        "api": {"base_url": sim.url, "timeout_s": FAST.total, "settle_window_s": WINDOW_S},
        "product_ids": [demo.GA.id, demo.VIP.id, demo.DRINKS.id]}), encoding="utf-8")
    # Latency from 0 to 0.4 s, and one request in twenty stalled 2 s: past the 1.5 s deadline, then applied.
    sim.faults = FaultSettings(latency_jitter_ms=400, stall_rate=0.05, stall_ms=2000, drop_after_commit_rate=0.03,
                               server_error_rate=0.03, seed=5)
    rng = random.Random(11)
    children = [start_sync(db_url), start_sync(db_url)]
    kills = 0
    try:
        while kills < 20:
            before = sends_claimed(demo_replica)
            deadline = time.monotonic() + 20
            while sends_claimed(demo_replica) == before and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(rng.uniform(0.0, 0.6))  # a random moment while requests are on their way
            victim = rng.randrange(2)
            children[victim].send_signal(signal.SIGKILL)
            children[victim].wait()
            kills += 1
            children[victim] = start_sync(db_url)  # restarted at once, as the service manager does
    finally:
        for child in children:
            child.send_signal(signal.SIGKILL)
            child.wait()
    assert sends_claimed(demo_replica) > 0
    sim.faults = FaultSettings()
    sync_until_settled(make_engine(demo_replica, api, settle_window_s=WINDOW_S))

    with demo_replica.connect() as conn:
        accepted = dict(conn.execute(select(outbox.c.item_uuid, func.count()).group_by(outbox.c.item_uuid)).all())
        states = set(conn.execute(select(outbox.c.state)).scalars())
    assert sum(accepted.values()) == len(tickets) + len(vouchers)
    product_of = {demo.item_uuid(p, n): p.id for p in demo.PRODUCTS for n in range(1, p.items + 1)}
    with ProductsClient(ApiSettings(sim.url, DEMO_WRITE_KEY, timeouts=FAST)) as client:
        server = {item: client.get_item(product_of[item], item).redemption_count for item in accepted}
    listed = {row.item_uuid for row in conflicts(demo_replica)}
    differences = {item for item in accepted if server[item] != accepted[item]}
    assert differences <= listed, "a difference the manager is not told about"
    assert states <= {"DONE", "DOUBTFUL", "REJECTED"}
    assert len(listed) <= 3, f"too much doubt for a manager: {len(listed)} items listed"
