"""Local redeem at scale: builds an N-item replica (default 1,000,000) and measures durable redeem
latency, lookup latency, build time and resident memory. Prints one JSON object.

    python benchmarks/redeem.py [--items N] [--redeems N] [--dir DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.domain.rules import Preset, StationRules  # noqa: E402
from app.runtime import tune_gc  # noqa: E402
from app.services.station import Station  # noqa: E402
from app.store.db import open_replica, read_transaction, write_transaction  # noqa: E402
from app.store.replica import items, load_item, products, upsert  # noqa: E402

PAGE = 10_000  # rows per transaction, like a download page


def rss_mb(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def item_uuid(n: int) -> str:
    return f"{n:08x}-0000-4000-8000-{n:012x}"


def build(replica, count: int) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    products_rows = [
        {"id": "00000000-0000-4000-8000-00000000000a", "type": "admission", "name": "Ticket", "redemption_quantity": 1},
        {"id": "00000000-0000-4000-8000-00000000000b", "type": "perks", "name": "Drinks ×3", "redemption_quantity": 3},
    ]
    with write_transaction(replica) as conn:
        upsert(conn, products, products_rows)
    for start in range(0, count, PAGE):
        rows = []
        for n in range(start, min(start + PAGE, count)):
            product = products_rows[n % 2]
            rows.append({
                "id": item_uuid(n), "item_id": n // 2 + 1, "product_id": product["id"],
                "owner_email": f"guest{n}@example.com", "owner_first_name": "Guest", "owner_last_name": str(n),
                "redemption_quantity": product["redemption_quantity"], "confirmed_count": 0,
            })
        with write_transaction(replica) as conn:
            upsert(conn, items, rows)
    return time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    tune_gc()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--redeems", type=int, default=3000)
    parser.add_argument("--dir", help="where the replica file goes (default: a temporary directory)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="usher-bench-", dir=args.dir) as tmp:
        replica = open_replica(f"sqlite:///{Path(tmp) / 'replica.db'}")
        build_s = build(replica, args.items)
        station = Station(replica, StationRules("Bench Door", Preset.ANY))
        rng = random.Random(7)
        targets = [item_uuid(rng.randrange(args.items)) for _ in range(args.redeems)]

        lookups = []
        for target in targets[:2000]:
            started = time.perf_counter()
            with read_transaction(replica) as conn:
                load_item(conn, target)
            lookups.append((time.perf_counter() - started) * 1000)

        redeems, verdicts = [], {}
        for target in targets:
            started = time.perf_counter()
            verdict = station.redeem(target)
            redeems.append((time.perf_counter() - started) * 1000)
            verdicts[verdict.kind.value] = verdicts.get(verdict.kind.value, 0) + 1
        db_mb = sum(f.stat().st_size for f in Path(tmp).iterdir()) / 2**20

    print(json.dumps({
        "items": args.items,
        "redeems": args.redeems,
        "redeem_p50_ms": round(statistics.median(redeems), 3),
        "redeem_p99_ms": round(percentile(redeems, 0.99), 3),
        "redeem_max_ms": round(max(redeems), 3),
        "lookup_p50_ms": round(statistics.median(lookups), 3),
        "lookup_p99_ms": round(percentile(lookups, 0.99), 3),
        "build_s": round(build_s, 1),
        "build_items_per_s": round(args.items / build_s),
        "rss_mb": round(rss_mb(), 1),
        "peak_rss_mb": round(rss_mb("VmHWM"), 1),
        "db_mb": round(db_mb, 1),
        "verdicts": verdicts,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "budget_ok": statistics.median(redeems) <= 2 and percentile(redeems, 0.99) <= 10 and rss_mb("VmHWM") <= 300,
    }))


if __name__ == "__main__":
    main()
