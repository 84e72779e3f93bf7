"""`usher simulator`: run the local Products API simulator until Ctrl-C."""
from __future__ import annotations

import argparse
import tempfile
import threading
from pathlib import Path

from app.simulator import SimulatorServer
from app.simulator.demo_data import DEMO_READ_KEY, DEMO_WRITE_KEY, SEEDS


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "simulator", help="run the local Products API simulator",
        description="Serve a faithful local stand-in for the Products API, with fault injection, until Ctrl-C.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    parser.add_argument("--port", type=int, default=8765, help="API port; 0 picks a free one (default: %(default)s)")
    parser.add_argument("--admin-port", type=int, default=0,
                        help="port of /_sim/faults that stays up while the API is dark (default: a free port)")
    parser.add_argument("--seed", choices=SEEDS, default="demo", help="initial data (default: %(default)s)")
    # Its own dest: the top-level --db is the replica's database URL.
    parser.add_argument("--db", dest="simulator_db", type=Path, metavar="PATH",
                        help="SQLite file that keeps the simulator's state (default: a temporary file)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="usher-simulator-") as scratch:
        db_path = args.simulator_db or Path(scratch) / "simulator.db"
        with SimulatorServer(db_path, seed=args.seed, host=args.host, port=args.port,
                             admin_port=args.admin_port) as server:
            print(f"Products API simulator: {server.url}")
            print(f"  write key: {DEMO_WRITE_KEY}")
            print(f"  read key:  {DEMO_READ_KEY}")
            print(f"  faults:    {server.admin_url}/_sim/faults  (GET, PUT JSON)")
            print(f"  state:     {db_path}")
            print("Press Ctrl-C to stop.", flush=True)
            try:
                threading.Event().wait()
            except KeyboardInterrupt:
                print("Stopping.", flush=True)
    return 0
