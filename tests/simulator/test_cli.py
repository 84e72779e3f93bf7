"""`usher simulator`: prints where it listens and the demo keys, serves until Ctrl-C, then stops cleanly."""
from __future__ import annotations

import argparse
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from app.cli import simulator as simulator_command
from app.simulator.demo_data import DEMO_READ_KEY, DEMO_WRITE_KEY

ROOT = Path(__file__).resolve().parents[2]
# The sub-command as `usher` mounts it: `register` on a fresh parser.
RUN_COMMAND = """
import argparse, sys
from app.cli import simulator
parser = argparse.ArgumentParser(prog="usher")
simulator.register(parser.add_subparsers(dest="command", required=True))
args = parser.parse_args(sys.argv[1:])
sys.exit(args.func(args))
"""


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="usher")
    parser.add_argument("--db")
    simulator_command.register(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


def test_the_options_default_to_a_demo_on_port_8765_and_leave_the_replica_db_alone() -> None:
    args = parse("--db", "sqlite:///replica.db", "simulator")
    assert (args.host, args.port, args.seed, args.simulator_db) == ("127.0.0.1", 8765, "demo", None)
    assert args.db == "sqlite:///replica.db"
    assert parse("simulator", "--db", "sim.db", "--seed", "empty").simulator_db == Path("sim.db")


def test_the_command_prints_its_url_and_keys_serves_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", RUN_COMMAND, "simulator", "--port", "0", "--db", str(tmp_path / "cli.db")],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    try:
        banner = ""
        while "Press Ctrl-C" not in banner and (line := process.stdout.readline()):
            banner += line
        assert DEMO_WRITE_KEY in banner and DEMO_READ_KEY in banner, banner
        found = re.search(r"simulator: (http://127\.0\.0\.1:\d+)", banner)
        assert found, banner
        answer = httpx.get(f"{found.group(1)}/v1/version", headers={"Authorization": f"Bearer {DEMO_READ_KEY}"})
        assert answer.status_code == 200
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0
        assert "Stopping." in process.stdout.read()
    finally:
        process.kill()
        process.wait()
    assert (tmp_path / "cli.db").exists()
