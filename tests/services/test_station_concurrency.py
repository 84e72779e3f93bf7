"""Many redeemers on one replica never take more uses than an item has — exact counts asserted."""
from __future__ import annotations

import multiprocessing
import random
import threading

from sqlalchemy import func, select

from app import demo_data as demo
from app.domain.rules import Preset, StationRules
from app.services.station import Station
from app.store.db import open_replica
from app.store.replica import items, outbox, scans

TICKETS = [demo.item_uuid(demo.GA, n) for n in range(1, 11)]  # redemption_quantity 1
VOUCHERS = [demo.item_uuid(demo.DRINKS, n) for n in range(1, 11)]  # redemption_quantity 3
ATTEMPTS_PER_ITEM = 4  # per worker: more than any item has uses


def redeem_everything(db_url: str, worker: int) -> int:
    engine = open_replica(db_url)
    station = Station(engine, StationRules(f"Station {worker}", Preset.ANY))
    plan = (TICKETS + VOUCHERS) * ATTEMPTS_PER_ITEM
    random.Random(worker).shuffle(plan)
    accepted = sum(station.redeem(item).accepted for item in plan)
    engine.dispose()
    return accepted


def assert_exact_counts(engine, accepted_total: int) -> None:
    expected = {item: 1 for item in TICKETS} | {item: 3 for item in VOUCHERS}
    assert accepted_total == sum(expected.values())
    with engine.connect() as conn:
        pending = dict(conn.execute(select(items.c.id, items.c.pending_count).where(items.c.id.in_(expected))).all())
        queued = dict(conn.execute(select(outbox.c.item_uuid, func.count()).group_by(outbox.c.item_uuid)).all())
        audited = dict(
            conn.execute(
                select(scans.c.item_uuid, func.count()).where(scans.c.verdict == "ACCEPTED").group_by(scans.c.item_uuid)
            ).all()
        )
    assert pending == expected
    assert queued == expected
    assert audited == expected


def test_eight_threads_redeeming_the_same_items_never_exceed_redemption_quantity(demo_replica, db_url):
    results: list[int] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        accepted = redeem_everything(db_url, n)
        with lock:
            results.append(accepted)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 8
    assert_exact_counts(demo_replica, sum(results))


def test_four_processes_redeeming_the_same_items_never_exceed_redemption_quantity(demo_replica, db_url):
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        results = pool.starmap(redeem_everything, [(db_url, n) for n in range(4)])
    assert_exact_counts(demo_replica, sum(results))
