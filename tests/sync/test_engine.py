"""The sync engine against the simulator over real HTTP on 127.0.0.1."""
from __future__ import annotations

import random
import time

import pytest

from sqlalchemy import func, select

from app import demo_data as demo
from app.api import ApiSettings, ProductsClient
from app.domain.rules import Preset, StationRules
from app.domain.verdict import VerdictKind
from app.services.reports import conflicts
from app.services.station import Station
from app.simulator.demo_data import BENCH_PRODUCT_ID, DEMO_READ_KEY, DEMO_WRITE_KEY
from app.store.replica import items, outbox
from app.sync.status import Connectivity
from sync_helpers import FAST, FaultSettings, make_engine, stations_that_accepted, sync_until_settled, waiting

DOOR = StationRules("Door 1", Preset.DOOR)
BAR = StationRules("Bar 1", Preset.BAR)
ANY = StationRules("Office", Preset.ANY)


def accepted_counts(replica) -> dict[str, int]:
    with replica.connect() as conn:
        return dict(conn.execute(
            select(outbox.c.item_uuid, func.count()).where(outbox.c.state != "CANCELLED").group_by(outbox.c.item_uuid)
        ).all())


def server_count(client: ProductsClient, product_id: str, item_uuid: str) -> int:
    return client.get_item(product_id, item_uuid).redemption_count


def test_offline_redemptions_are_uploaded_and_confirmed(demo_replica, api, server_client):
    bar = Station(demo_replica, BAR)
    voucher = demo.item_uuid(demo.DRINKS, 1)
    assert [bar.redeem(voucher).kind for _ in range(2)] == [VerdictKind.ACCEPTED] * 2
    Station(demo_replica, DOOR).redeem(demo.item_uuid(demo.GA, 1))
    report = make_engine(demo_replica, api).run_once()
    assert (report.sent, report.confirmed, report.rejected) == (3, 3, 0)
    assert server_count(server_client, demo.DRINKS.id, voucher) == 2
    assert server_count(server_client, demo.GA.id, demo.item_uuid(demo.GA, 1)) == 1
    with demo_replica.connect() as conn:
        row = conn.execute(select(items).where(items.c.id == voucher)).one()
    assert (row.confirmed_count, row.pending_count) == (2, 0)
    assert waiting(demo_replica) == 0


def test_a_lost_response_on_a_three_drink_voucher_does_not_spend_a_second_drink(demo_replica, api, sim, server_client):
    voucher = demo.item_uuid(demo.DRINKS, 2)
    Station(demo_replica, BAR).redeem(voucher)
    engine = make_engine(demo_replica, api)
    sim.faults = FaultSettings(drop_after_commit_rate=1.0)
    report = engine.run_once()
    assert report.unknown == 1
    with demo_replica.connect() as conn:
        assert conn.execute(select(outbox.c.state)).scalar() == "UNKNOWN"
    sim.faults = FaultSettings()
    sync_until_settled(engine)
    assert server_count(server_client, demo.DRINKS.id, voucher) == 1  # applied once, never resent
    with demo_replica.connect() as conn:
        assert conn.execute(select(outbox.c.state)).scalar() == "DONE"


def test_an_operation_that_never_reached_the_server_is_sent_again_after_reconciliation(demo_replica, api, sim, server_client):
    ticket = demo.item_uuid(demo.GA, 3)
    Station(demo_replica, DOOR).redeem(ticket)
    with demo_replica.begin() as conn:  # as if the kiosk died between claiming and sending
        conn.execute(outbox.update().values(state="IN_FLIGHT", expected_count=1))
    engine = make_engine(demo_replica, api)  # a restart: IN_FLIGHT becomes UNKNOWN
    sync_until_settled(engine)
    assert server_count(server_client, demo.GA.id, ticket) == 1


CLASSIC_FAULTS = {"server_error_rate": 0.1, "rate_limit_rate": 0.01, "retry_after_seconds": 0,
                  "drop_after_commit_rate": 0.05}
# A server that differs from the simulator where the documents are silent: it fails after committing,
# answers 409 for a used item, caps its pages, leaves optional fields out, is slow by a variable amount
# and now and then stalls a request past the client's deadline (and applies it later).
OTHER_SERVER_FAULTS = {"error_after_commit_rate": 0.05, "drop_after_commit_rate": 0.03, "server_error_rate": 0.03,
                       "conflict_status": 409, "page_size_cap": 100, "sparse_records": True,
                       "latency_jitter_ms": 20, "stall_rate": 0.01, "stall_ms": 1800}


BULK_ITEMS = 350  # with 30 three-drink vouchers: 440 uses, every fault met dozens of times in each run


@pytest.mark.parametrize("faults", [CLASSIC_FAULTS, OTHER_SERVER_FAULTS], ids=["classic faults", "another server"])
def test_hundreds_of_offline_redemptions_through_random_faults_end_with_exact_server_counts(replica, bulk_sim, faults):
    sim, bench_items = bulk_sim(BULK_ITEMS)
    api = ApiSettings(sim.url, DEMO_WRITE_KEY, timeouts=FAST)
    engine = make_engine(replica, api, products=[str(BENCH_PRODUCT_ID), demo.DRINKS.id], rng=random.Random(3))
    sim.faults = FaultSettings(**{k: v for k, v in faults.items() if k in ("page_size_cap", "sparse_records")})
    assert engine.run_once().downloaded == BULK_ITEMS + demo.DRINKS.items
    station = Station(replica, ANY)
    plan = bench_items + [demo.item_uuid(demo.DRINKS, n) for n in range(1, 31)] * 4
    random.Random(5).shuffle(plan)
    accepted = sum(station.redeem(item).accepted for item in plan)
    assert accepted == BULK_ITEMS + 30 * 3 == sum(accepted_counts(replica).values())

    flips = iter(range(10_000))

    def weather():  # random faults, and now and then a dark spell
        n = next(flips)
        if n % 40 == 0:
            sim.faults = FaultSettings(dark=True)
        elif n % 40 == 3:
            sim.faults = FaultSettings(**faults, seed=n)

    sim.faults = FaultSettings(**faults, seed=1)
    sync_until_settled(engine, between=weather)
    sim.faults = FaultSettings()
    expected = accepted_counts(replica)
    product_of = {i: str(BENCH_PRODUCT_ID) for i in bench_items} | {
        demo.item_uuid(demo.DRINKS, n): demo.DRINKS.id for n in range(1, 31)}
    with ProductsClient(api) as client:
        server = {item: server_count(client, product_of[item], item) for item in expected}
    listed = {row.item_uuid for row in conflicts(replica)}
    assert {item for item in expected if server[item] != expected[item]} <= listed  # every difference is listed
    assert len(listed) <= 5, f"{len(listed)} items listed for the manager"


def test_the_same_ticket_used_offline_at_two_doors_is_one_conflict(tmp_path, api, server_client):
    ticket = demo.item_uuid(demo.VIP, 1)
    doors = stations_that_accepted(tmp_path, ticket, ["Door 1", "Door 2"], Preset.DOOR)
    for replica in doors:
        make_engine(replica, api).run_once()
    found = [row for replica in doors for row in conflicts(replica)]
    assert len(found) == 1
    assert found[0].item_uuid == ticket and found[0].station == "Door 2"
    assert found[0].refused_at >= found[0].scanned_at
    assert server_count(server_client, demo.VIP.id, ticket) == 1


def test_a_read_only_key_pauses_the_queue_with_a_clear_status_and_loses_nothing(demo_replica, sim):
    Station(demo_replica, DOOR).redeem(demo.item_uuid(demo.GA, 4))
    engine = make_engine(demo_replica, ApiSettings(sim.url, DEMO_READ_KEY, timeouts=FAST))
    report = engine.run_once()
    status = engine.status()
    assert status.connectivity is Connectivity.PAUSED
    assert "key was refused" in status.message and DEMO_READ_KEY not in status.message
    assert report.confirmed == 0 and waiting(demo_replica) == 1
    with demo_replica.connect() as conn:
        assert conn.execute(select(outbox.c.state)).scalar() == "PENDING"


def test_retry_after_is_honoured(demo_replica, api, sim):
    Station(demo_replica, DOOR).redeem(demo.item_uuid(demo.GA, 5))
    engine = make_engine(demo_replica, api)
    sim.faults = FaultSettings(rate_limit_rate=1.0, retry_after_seconds=30)
    before = time.time()
    engine.run_once()
    sim.faults = FaultSettings()
    assert engine.backoff.resume_at >= before + 30
    assert engine.run_once().sent == 0  # it waits, although the server would answer now
    assert waiting(demo_replica) == 1


def test_going_dark_takes_the_station_offline_in_plain_words(demo_replica, api, sim):
    Station(demo_replica, DOOR).redeem(demo.item_uuid(demo.GA, 6))
    engine = make_engine(demo_replica, api)
    sim.faults = FaultSettings(dark=True)
    engine.run_once()
    engine.run_once()
    status = engine.status()
    assert status.connectivity is Connectivity.OFFLINE
    assert status.message.startswith("Offline") and "1 scan waiting to sync" in status.message
    assert "Error" not in status.message and "errno" not in status.message.lower()
    sim.faults = FaultSettings()
    sync_until_settled(engine)
    time.sleep(0.05)
    engine.run_once()  # the probe and the download answer cleanly: back online
    assert engine.status().connectivity is Connectivity.ONLINE


def test_download_brings_new_server_items_into_the_replica(replica, api):
    report = make_engine(replica, api).run_once()
    assert report.downloaded == sum(p.items for p in demo.PRODUCTS)
    with replica.connect() as conn:
        assert conn.execute(select(func.count()).select_from(items)).scalar() == report.downloaded


def test_an_interrupted_download_resumes_where_it_stopped(replica, bulk_sim):
    sim, _ = bulk_sim(12_000)  # 12 pages; applied five at a time
    api = ApiSettings(sim.url, DEMO_WRITE_KEY, timeouts=FAST)
    engine = make_engine(replica, api, products=[str(BENCH_PRODUCT_ID)])
    list_calls: list[bool] = []

    def dark_after_six_pages(endpoint: str, ok: bool, seconds: float) -> None:
        if endpoint.endswith("/items"):
            list_calls.append(ok)
            if len(list_calls) == 6:
                sim.faults = FaultSettings(dark=True)

    with ProductsClient(api, on_call=dark_after_six_pages) as client:
        engine.download(client)
    assert list_calls == [True] * 6 + [False]
    assert item_count(replica) == 5000  # pages 1-5 applied with their cursor; page 6 was not
    sim.faults = FaultSettings()
    list_calls.clear()
    with ProductsClient(api, on_call=lambda endpoint, ok, _: list_calls.append(ok) if endpoint.endswith("/items") else None) as client:
        engine.download(client)
    assert list_calls == [True] * 7  # pages 6 to 12 only: it resumed
    assert item_count(replica) == 12_000


def item_count(replica) -> int:
    with replica.connect() as conn:
        return conn.execute(select(func.count()).select_from(items)).scalar()
