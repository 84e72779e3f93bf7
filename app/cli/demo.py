"""`usher demo`: the embedded default — a demo replica and a scripted round of scans, verdict by verdict."""
from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from app.domain.presentation import detail, headline
from app.domain.rules import Preset, StationRules
from app.services.importer import import_file
from app.services.station import Station
from app.store.db import open_replica

DEMO_REPLICA = Path(__file__).resolve().parents[2] / "resources" / "demo" / "replica.json"


@dataclass(frozen=True, slots=True)
class DemoScan:
    station: StationRules
    payload: str
    note: str


def scripted_round() -> list[DemoScan]:
    """The round the demo plays: every verdict a station meets on a normal night."""
    from app.demo_data import DRINKS, GA, INACTIVE, UNKNOWN_ITEM, item_uuid

    door = StationRules("Door 1", Preset.DOOR)
    bar = StationRules("Bar 1", Preset.BAR)
    ticket = item_uuid(GA, 1)
    voucher = item_uuid(DRINKS, 1)
    return [
        DemoScan(door, ticket, "a valid ticket"),
        DemoScan(door, ticket, "the same ticket again"),
        *[DemoScan(bar, f"https://tickets.example/v/{voucher}", f"3-drink voucher, drink {n}") for n in (1, 2, 3, 4)],
        DemoScan(door, voucher, "a drink voucher at the door"),
        DemoScan(door, item_uuid(INACTIVE, 1), "a ticket of a closed product"),
        DemoScan(door, UNKNOWN_ITEM, "a code not in the list"),
        DemoScan(door, "\x1d]Q1WIFI:S:venue;T:WPA;P:hunter2;;", "garbage (a Wi-Fi QR code)"),
    ]


def run_console_round(db_url: str) -> int:
    engine = open_replica(db_url)
    import_file(engine, DEMO_REPLICA)
    stations: dict[str, Station] = {}
    for scan in scripted_round():
        station = stations.setdefault(scan.station.name, Station(engine, scan.station))
        started = time.perf_counter()
        verdict = station.redeem(scan.payload)
        elapsed_ms = (time.perf_counter() - started) * 1000
        line = detail(verdict, scan.station.preset)
        print(f"{verdict.kind.value:<16} {elapsed_ms:6.1f} ms  {scan.station.name:<7} {scan.note:<30} "
              f"{headline(verdict.kind)} — {line}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="usher-demo-") as tmp:
        return run_console_round(args.db or f"sqlite:///{Path(tmp) / 'demo.db'}")


def register(subparsers: argparse._SubParsersAction) -> None:
    demo = subparsers.add_parser("demo", help="run the demo on its embedded default data")
    demo.set_defaults(func=_demo)
