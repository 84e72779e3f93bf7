"""Issuing: a bulk issue of N recipients (default 10,000) against the local simulator, sent exactly once in
batches of 550; and the offline walk-up sale (`issue_and_admit`: issue one item and admit it, durably) on a
replica of 1,000,000 items, with the product's stock and per-customer limit checked. Prints one JSON object.

    python benchmarks/issue.py [--recipients N] [--items N] [--sales N] [--dir DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from redeem import build, percentile  # noqa: E402

from app.api import ApiSettings, ProductsClient  # noqa: E402
from app.api.models import NewUser  # noqa: E402
from app.domain.rules import Preset, StationRules  # noqa: E402
from app.runtime import tune_gc  # noqa: E402
from app.services.issuer import Issued, Issuer  # noqa: E402
from app.simulator.demo_data import BENCH_PRODUCT_ID, DEMO_WRITE_KEY, add_bulk_items  # noqa: E402
from app.simulator.server import SimulatorServer  # noqa: E402
from app.store import customers  # noqa: E402
from app.store.db import open_replica, write_transaction  # noqa: E402
from app.store.replica import products  # noqa: E402
from app.sync.download import cache_product  # noqa: E402
from app.sync.engine import SyncEngine  # noqa: E402

TICKET = "00000000-0000-4000-8000-00000000000a"  # the admission product of benchmarks/redeem.py's replica


def bulk_issue(tmp: Path, recipients: int) -> dict[str, object]:
    sim_db = tmp / "simulator.db"
    from app.simulator.demo_data import seed_database
    seed_database(sim_db, "demo")
    add_bulk_items(sim_db, 1)  # creates the "Benchmark Pass" product (no limits)
    with SimulatorServer(sim_db, seed="demo") as sim:
        api = ApiSettings(sim.url, DEMO_WRITE_KEY)
        replica = open_replica(f"sqlite:///{tmp / 'box.db'}")
        emails = [f"bulk{n:06d}@example.org" for n in range(recipients)]
        with ProductsClient(api) as client:
            for start in range(0, recipients, 1000):
                client.create_users([NewUser(email=e) for e in emails[start:start + 1000]])
            cache_product(replica, client.get_product(BENCH_PRODUCT_ID))
            sync = SyncEngine(replica, api, [])
            issuer = Issuer(replica, "Box office")
            started = time.perf_counter()
            issued = issuer.issue(str(BENCH_PRODUCT_ID), emails)
            assert isinstance(issued, Issued), issued
            outcomes = issuer.send(sync, client, issued.op_uuids)
            seconds = time.perf_counter() - started
            sync.release_lease()
        done = sum(len(o.recipients) for o in outcomes if o.state.value == "DONE")
    return {"bulk_recipients": recipients, "bulk_issued": done, "bulk_s": round(seconds, 2),
            "bulk_issue_items_per_s": round(done / seconds)}


def offline_sales(tmp: Path, item_count: int, sales: int) -> dict[str, object]:
    replica = open_replica(f"sqlite:///{tmp / 'replica.db'}")
    build(replica, item_count)
    with write_transaction(replica) as conn:
        conn.execute(products.update().where(products.c.id == TICKET).values(stock=2_000_000, max_per_account=4))
        customers.store(conn, [customers.customer_row(id=f"{n:08x}-0000-4000-9000-{n:012x}",
                                                      email=f"walkup{n}@example.org", first_name="Walk",
                                                      last_name=f"Up {n}", reference_id=None) for n in range(sales)])
    issuer = Issuer(replica, "Box 1")
    door = StationRules("Door 1", Preset.DOOR)
    latencies = []
    for n in range(sales):
        started = time.perf_counter()
        issued, verdict = issuer.issue_and_admit(TICKET, f"walkup{n}@example.org", door)
        latencies.append((time.perf_counter() - started) * 1000)
        assert isinstance(issued, Issued) and verdict is not None and verdict.accepted
    return {"items": item_count, "sales": sales,
            "offline_issue_admit_p50_ms": round(statistics.median(latencies), 3),
            "offline_issue_admit_p99_ms": round(percentile(latencies, 0.99), 3)}


def main() -> None:
    tune_gc()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--sales", type=int, default=1000)
    parser.add_argument("--dir", help="where the databases go (default: a temporary directory)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="usher-bench-", dir=args.dir) as tmp:
        figures = {**bulk_issue(Path(tmp), args.recipients), **offline_sales(Path(tmp), args.items, args.sales)}
    figures["machine"] = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    figures["budget_ok"] = figures["bulk_issue_items_per_s"] >= 2000 and figures["offline_issue_admit_p99_ms"] <= 10
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
