"""An evening at a venue with several doors, as a load: items on one shared replica, and kiosk processes of
several threads each redeeming them, every redeem timed. The tests check its verdicts; benchmarks/venue.py
reports its timings.
"""
from __future__ import annotations

import multiprocessing
import random
import threading
import time
from dataclasses import dataclass, field

from app.domain.rules import Preset, StationRules
from app.services.station import Station
from app.store.db import open_replica, write_transaction
from app.store.replica import items, products, upsert

TICKET = "00000000-0000-4000-8000-0000000000a1"
DRINKS = "00000000-0000-4000-8000-0000000000b3"
DRINK_USES = 3
ONE_IN_N_IS_DRINKS = 5


def item_uuid(n: int) -> str:
    return f"{n:08x}-0000-4000-8000-{n:012x}"


def seed(url: str, count: int) -> dict[str, int]:
    """`count` items on the replica at `url`, one in five a three-drink voucher; returns each item's uses."""
    engine = open_replica(url)
    uses = {item_uuid(n): DRINK_USES if n % ONE_IN_N_IS_DRINKS == 0 else 1 for n in range(count)}
    with write_transaction(engine) as conn:
        upsert(conn, products, [{"id": TICKET, "type": "admission", "name": "Ticket", "redemption_quantity": 1},
                                {"id": DRINKS, "type": "perks", "name": "Drinks", "redemption_quantity": DRINK_USES}])
        upsert(conn, items, [{"id": item, "item_id": n, "product_id": DRINKS if q > 1 else TICKET,
                              "owner_email": f"guest{n}@example.com", "redemption_quantity": q, "confirmed_count": 0}
                             for n, (item, q) in enumerate(uses.items())])
    engine.dispose()
    return uses


@dataclass
class KioskRun:
    """What one kiosk process saw: each accepted use as (item, uses left), each redeem's time in ms, and when
    its redeeming began and ended (time.monotonic, which all processes of the machine share)."""

    accepted: list[tuple[str, int]] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    began: float = 0.0
    ended: float = 0.0


def kiosk(url: str, number: int, plans: list[list[str]], every_s: float = 0.0) -> KioskRun:
    """One kiosk process with a thread per plan, each redeeming its plan's items in order: back to back, or
    one every `every_s` seconds (guests arriving at a steady rate, whether or not the last scan was slow)."""
    engine = open_replica(url)
    station = Station(engine, StationRules(f"Door {number}", Preset.ANY))
    run, lock = KioskRun(), threading.Lock()

    def redeem_all(plan: list[str]) -> None:
        seen = KioskRun()
        arrivals = time.perf_counter()
        for item in plan:
            arrivals += every_s
            time.sleep(max(0.0, arrivals - time.perf_counter()))
            started = time.perf_counter()
            verdict = station.redeem(item)
            seen.latencies_ms.append((time.perf_counter() - started) * 1000)
            if verdict.accepted:
                seen.accepted.append((item, verdict.uses_left))
        with lock:
            run.accepted += seen.accepted
            run.latencies_ms += seen.latencies_ms

    workers = [threading.Thread(target=redeem_all, args=(plan,)) for plan in plans]
    run.began = time.monotonic()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    run.ended = time.monotonic()
    engine.dispose()
    return run


def evening(url: str, plans: list[list[list[str]]], every_s: float = 0.0) -> list[KioskRun]:
    """A kiosk process per entry of `plans`, all at once; each entry holds its threads' plans."""
    with multiprocessing.get_context("fork").Pool(len(plans)) as pool:
        return pool.starmap(kiosk, [(url, number, threads, every_s) for number, threads in enumerate(plans, 1)])


def shuffled(items: list[str], seed: int) -> list[str]:
    return random.Random(seed).sample(items, len(items))
