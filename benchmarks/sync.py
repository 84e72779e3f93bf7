"""Sync throughput against the local simulator (in its own process, as the real API would be).

Downloads N items into an empty replica, redeems M of them offline, and uploads the queue; then the
same with 100 ms of latency injected on every call. Prints one JSON object.

    python benchmarks/sync.py [--items N] [--redeems M]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.api import ApiSettings, ProductsClient  # noqa: E402
from app.domain.rules import Preset, StationRules  # noqa: E402
from app.runtime import tune_gc  # noqa: E402
from app.services.station import Station  # noqa: E402
from app.simulator.demo_data import BENCH_PRODUCT_ID, DEMO_WRITE_KEY, add_bulk_items, seed_database  # noqa: E402
from app.store.db import open_replica, read_transaction  # noqa: E402
from app.store import outbox as ob  # noqa: E402
from app.sync.engine import SyncEngine  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_simulator(db: Path) -> tuple[subprocess.Popen, str, str]:
    port, admin = free_port(), free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli.main", "simulator", "--port", str(port), "--admin-port", str(admin),
         "--db", str(db)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        cwd=Path(__file__).resolve().parents[1])
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("Press Ctrl-C"):
            break
    return proc, f"http://127.0.0.1:{port}", f"http://127.0.0.1:{admin}"


def set_latency(admin_url: str, ms: int) -> None:
    httpx.put(f"{admin_url}/_sim/faults", json={"latency_ms": ms}).raise_for_status()


def measure(api: ApiSettings, tmp: Path, name: str, items: int, redeems: list[str]) -> tuple[float, float]:
    replica = open_replica(f"sqlite:///{tmp / (name + '.db')}")
    engine = SyncEngine(replica, api, [str(BENCH_PRODUCT_ID)])
    with ProductsClient(api) as client:
        started = time.perf_counter()
        downloaded = engine.download(client)
        download_s = time.perf_counter() - started
        assert downloaded == items, (downloaded, items)
        station = Station(replica, StationRules("Bench", Preset.ANY))
        assert all(station.redeem(item).accepted for item in redeems)
        started = time.perf_counter()
        report = engine.upload(client)
        upload_s = time.perf_counter() - started
    with read_transaction(replica) as conn:
        assert ob.waiting_count(conn) == 0 and report.confirmed == len(redeems), report
    replica.dispose()
    return len(redeems) / upload_s, items / download_s


def main() -> None:
    tune_gc()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--redeems", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="usher-sync-bench-") as tmp_name:
        tmp = Path(tmp_name)
        sim_db = tmp / "simulator.db"
        seed_database(sim_db, "empty")
        ids = [str(i) for i in add_bulk_items(sim_db, args.items)]
        proc, url, admin = start_simulator(sim_db)
        try:
            api = ApiSettings(url, DEMO_WRITE_KEY)
            up, down = measure(api, tmp, "plain", args.items, ids[: args.redeems])
            set_latency(admin, 100)
            # With 100 ms a call, a smaller round tells the same story in reasonable time.
            slow_items = args.items
            up_slow, down_slow = measure(api, tmp, "latency", slow_items, ids[args.redeems: args.redeems + 100])
        finally:
            proc.terminate()
            proc.wait(10)
    print(json.dumps({
        "items": args.items,
        "redeems": args.redeems,
        "upload_ops_per_s": round(up, 1),
        "download_items_per_s": round(down),
        "upload_ops_per_s_100ms": round(up_slow, 2),
        "download_items_per_s_100ms": round(down_slow),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "budget_ok": up >= 200 and down >= 20_000,
    }))


if __name__ == "__main__":
    main()
