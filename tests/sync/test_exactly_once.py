"""Exactly once under slowness, restarts and a second sender: each failure measured in the first round,
reproduced over real HTTP, with time scaled down (a 1.5 s deadline and a 4 s settle window)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from app import demo_data as demo
from app.api import ProductsClient
from app.cli.compose import build_kiosk
from app.config import Settings
from app.domain.rules import Preset, StationRules
from app.services.reports import conflicts
from app.services.station import Station
from app.simulator.demo_data import DEMO_WRITE_KEY
from app.store.replica import outbox
from sync_helpers import FAST, FaultSettings, make_engine, stations_that_accepted, sync_until_settled, waiting

ROOT = Path(__file__).resolve().parents[2]
BAR = StationRules("Bar 1", Preset.BAR)
WINDOW_S = 4.0  # longer than any stall below: the server gives up on a request within it
GET_ITEM = "GET /v1/products/{id}/items/{item_id}"
REDEEM = "POST /v1/products/{id}/items/redeem"


def accepted_uses(replica) -> dict[str, int]:
    with replica.connect() as conn:
        return dict(conn.execute(select(outbox.c.item_uuid, func.count())
                                 .where(outbox.c.state != "CANCELLED").group_by(outbox.c.item_uuid)).all())


def server_uses(server_client: ProductsClient, item_ids) -> dict[str, int]:
    product_of = {demo.item_uuid(p, n): p.id for p in demo.PRODUCTS for n in range(1, p.items + 1)}
    return {item: server_client.get_item(product_of[item], item).redemption_count for item in item_ids}


def sends(replica) -> int:
    with replica.connect() as conn:
        return conn.execute(select(func.sum(outbox.c.attempts))).scalar() or 0


def faults_around_redeems(sim, engine, during_redeem: FaultSettings):
    """A call observer that turns `during_redeem` on once an item has been read (the count before a send)
    and off once the redemption's call is over: only the redemption meets the fault."""
    def observe(endpoint: str, ok: bool, seconds: float) -> None:
        engine._observe(endpoint, ok, seconds)
        if endpoint == GET_ITEM and sim.faults != during_redeem:
            sim.faults = during_redeem
        elif endpoint == REDEEM:
            sim.faults = FaultSettings()
    return observe


def test_a_redemption_stalled_past_the_deadline_and_applied_later_is_not_sent_again(demo_replica, api, sim, server_client):
    voucher = demo.item_uuid(demo.DRINKS, 3)
    assert Station(demo_replica, BAR).redeem(voucher).accepted
    engine = make_engine(demo_replica, api, settle_window_s=WINDOW_S)
    with ProductsClient(api, on_call=faults_around_redeems(sim, engine, FaultSettings(latency_ms=2500))) as client:
        report = engine.upload(client)
    assert report.unknown == 1  # the client gave up after 1.5 s; the server applies it at 2.5 s
    sync_until_settled(engine)  # read back at once: "not counted yet" may not deny it
    assert sends(demo_replica) == 1
    assert server_uses(server_client, [voucher]) == accepted_uses(demo_replica) == {voucher: 1}


def test_two_bars_with_their_own_replicas_and_a_502_never_take_another_bars_use_for_theirs(tmp_path, api, sim, server_client):
    voucher = demo.item_uuid(demo.DRINKS, 4)
    bars = stations_that_accepted(tmp_path, voucher, ["Bar 1", "Bar 2"], Preset.BAR)
    sync_until_settled(make_engine(bars[1], api))  # the other bar's use reaches the server first
    engine = make_engine(bars[0], api, settle_window_s=WINDOW_S)
    lost = FaultSettings(server_error_rate=1.0, server_error_status=502)
    with ProductsClient(api, on_call=faults_around_redeems(sim, engine, lost)) as client:
        assert engine.upload(client).unknown == 1
    sync_until_settled(engine)  # the server's count is the other bar's: ours is denied, then sent again
    assert server_uses(server_client, [voucher]) == {voucher: 2}
    assert [conflicts(bar) for bar in bars] == [[], []]


def write_settings(config_dir: Path, sim_url: str, products: list[str]) -> None:
    config_dir.mkdir(parents=True, exist_ok=True)
    settings = {"api": {"base_url": sim_url, "timeout_s": FAST.total, "settle_window_s": WINDOW_S},
                "product_ids": products}
    (config_dir / "settings.json").write_text(json.dumps(settings), encoding="utf-8")


def start_sync(db_url: str, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "USHER_API_KEY": DEMO_WRITE_KEY}
    return subprocess.Popen([sys.executable, "-m", "app.cli.main", "--db", db_url, "sync", *extra],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def in_flight(replica) -> int:
    with replica.connect() as conn:
        return conn.execute(select(func.count()).where(outbox.c.state == "IN_FLIGHT")).scalar()


def test_kill_9_during_a_slow_request_and_an_immediate_restart_count_each_use_once(demo_replica, db_url, api, sim,
                                                                                   server_client, tmp_path):
    vouchers = [demo.item_uuid(demo.DRINKS, n) for n in range(5, 9)]
    bar = Station(demo_replica, BAR)
    assert all(bar.redeem(v).accepted for v in vouchers * 2)
    write_settings(tmp_path / "config", sim.url, [demo.DRINKS.id])
    sim.faults = FaultSettings(latency_ms=1200)  # slow, within the 1.5 s deadline
    for _ in range(3):
        child = start_sync(db_url)
        deadline = time.monotonic() + 30
        while not in_flight(demo_replica) and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.3)  # the request is with the server, which applies it 0.9 s later
        child.send_signal(signal.SIGKILL)
        child.wait()
    sim.faults = FaultSettings()
    sync_until_settled(make_engine(demo_replica, api, settle_window_s=WINDOW_S))  # restarted at once
    assert server_uses(server_client, vouchers) == accepted_uses(demo_replica) == dict.fromkeys(vouchers, 2)
    assert conflicts(demo_replica) == []


def test_saving_setup_during_a_slow_request_hands_over_without_blocking_or_a_second_send(qtbot, demo_replica, sim,
                                                                                          server_client):
    settings = Settings.model_validate({"api": {"base_url": sim.url, "timeout_s": FAST.total,
                                                "settle_window_s": WINDOW_S},
                                        "product_ids": [demo.DRINKS.id], "station": {"name": "Bar 1", "preset": "bar"}})
    vouchers = [demo.item_uuid(demo.DRINKS, n) for n in range(9, 15)]
    sim.faults = FaultSettings(latency_ms=700)  # slow, within the deadline
    kiosk = build_kiosk(demo_replica, settings, DEMO_WRITE_KEY, None)
    qtbot.addWidget(kiosk.window)
    try:
        station = Station(demo_replica, BAR)
        assert all(station.redeem(v).accepted for v in vouchers)
        kiosk.engine.sync_now()
        qtbot.waitUntil(lambda: in_flight(demo_replica) > 0, timeout=20_000)
        started = time.monotonic()
        kiosk.replace_sync(settings, DEMO_WRITE_KEY)  # staff press Save while a request is on its way
        assert time.monotonic() - started < 0.5, "Save waited for the server on the UI thread"
        qtbot.waitUntil(lambda: waiting(demo_replica) == 0, timeout=60_000)
    finally:
        kiosk.close()
    sim.faults = FaultSettings()
    assert server_uses(server_client, vouchers) == accepted_uses(demo_replica) == dict.fromkeys(vouchers, 1)
    assert conflicts(demo_replica) == []


def test_two_sync_processes_on_one_replica_send_each_use_once(demo_replica, db_url, api, sim, server_client, tmp_path):
    vouchers = [demo.item_uuid(demo.DRINKS, n) for n in range(15, 21)]
    tickets = [demo.item_uuid(demo.GA, n) for n in range(1, 7)]
    bar, door = Station(demo_replica, BAR), Station(demo_replica, StationRules("Door 1", Preset.DOOR))
    assert all(bar.redeem(v).accepted for v in vouchers * 2)
    assert all(door.redeem(t).accepted for t in tickets)
    write_settings(tmp_path / "config", sim.url, [demo.DRINKS.id, demo.GA.id])
    sim.faults = FaultSettings(latency_jitter_ms=250, stall_rate=0.1, stall_ms=2000, seed=4)
    children = [start_sync(db_url, "--watch", "--interval", "0.5") for _ in range(2)]
    try:
        deadline = time.monotonic() + 120
        while waiting(demo_replica) and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        for child in children:
            child.send_signal(signal.SIGKILL)
            child.wait()
    sim.faults = FaultSettings()
    sync_until_settled(make_engine(demo_replica, api, settle_window_s=WINDOW_S))
    assert server_uses(server_client, vouchers + tickets) == accepted_uses(demo_replica)
    assert conflicts(demo_replica) == []
