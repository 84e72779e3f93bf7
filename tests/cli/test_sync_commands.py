"""`usher sync` and `usher conflicts`, run as a user runs them."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app import demo_data as demo
from app.demo_data import DEMO_REPLICA
from app.domain.rules import Preset, StationRules
from app.services.importer import import_file
from app.services.station import Station
from app.simulator.demo_data import DEMO_WRITE_KEY
from app.simulator.server import SimulatorServer
from app.store.db import open_replica

ROOT = Path(__file__).resolve().parents[2]


def usher(*args: str, db_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "USHER_API_KEY": DEMO_WRITE_KEY}
    return subprocess.run([sys.executable, "-m", "app.cli.main", "--db", db_url, *args],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)


@pytest.fixture
def sim(tmp_path):
    with SimulatorServer(tmp_path / "sim.db", seed="demo") as server:
        yield server


def test_sync_uploads_and_conflicts_lists_the_ticket_used_at_two_doors(tmp_path, sim):
    ticket = demo.item_uuid(demo.GA, 2)
    urls = []
    for name in ("Door 1", "Door 2"):
        url = f"sqlite:///{tmp_path / (name.replace(' ', '') + '.db')}"
        replica = open_replica(url)
        import_file(replica, DEMO_REPLICA)
        Station(replica, StationRules(name, Preset.DOOR)).redeem(ticket)
        replica.dispose()
        urls.append(url)
    first = usher("sync", "--api", sim.url, "--product", demo.GA.id, db_url=urls[0])
    assert first.returncode == 0, first.stdout + first.stderr
    assert "Sent 1 (1 confirmed" in first.stdout and "Online" in first.stdout
    second = usher("sync", "--api", sim.url, db_url=urls[1])
    assert "1 refused" in second.stdout  # uploaded, although no product is configured to download
    assert second.returncode == 2 and "No product configured" in second.stderr
    listed = usher("conflicts", db_url=urls[1]).stdout
    assert "1 use(s) accepted here and refused by the server" in listed
    assert "General Admission #2" in listed and "accepted at Door 2" in listed
    assert "Door 2" in listed
    assert usher("conflicts", db_url=urls[0]).stdout.strip() == "No conflicts."


def test_sync_without_an_api_says_what_to_set_up(db_url):
    result = subprocess.run([sys.executable, "-m", "app.cli.main", "--db", db_url, "sync"],
                            capture_output=True, text=True, cwd=ROOT,
                            env={k: v for k, v in os.environ.items() if k != "USHER_API_KEY"}, timeout=60)
    assert result.returncode == 2 and "No Products API set up" in result.stderr


def test_sync_exit_statuses_tell_a_script_what_needs_doing(tmp_path, sim):
    from app.cli.sync import Exit
    from app.simulator.demo_data import DEMO_READ_KEY

    url = f"sqlite:///{tmp_path / 'door.db'}"
    replica = open_replica(url)
    import_file(replica, DEMO_REPLICA)
    ticket = demo.item_uuid(demo.VIP, 4)
    Station(replica, StationRules("Door 1", Preset.DOOR)).redeem(ticket)
    with_key = lambda key, *args: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "app.cli.main", "--db", url, "sync", "--api", sim.url, *args],
        capture_output=True, text=True, cwd=ROOT, env={**os.environ, "USHER_API_KEY": key}, timeout=120)
    assert with_key(DEMO_READ_KEY, "--product", demo.VIP.id).returncode == Exit.PAUSED
    assert with_key(DEMO_WRITE_KEY, "--product", "00000000-0000-4000-8000-0000000000aa").returncode == Exit.UNKNOWN_PRODUCT
    assert with_key(DEMO_WRITE_KEY, "--product", demo.VIP.id).returncode == Exit.SYNCED
    Station(replica, StationRules("Door 1", Preset.DOOR)).redeem(demo.item_uuid(demo.VIP, 5))
    with replica.begin() as conn:  # the same ticket was used elsewhere meanwhile
        conn.exec_driver_sql("UPDATE items SET confirmed_count = 0, pending_count = 0 WHERE id = ?", (ticket,))
    Station(replica, StationRules("Door 1", Preset.DOOR)).redeem(ticket)
    assert with_key(DEMO_WRITE_KEY, "--product", demo.VIP.id).returncode == Exit.CONFLICTS
    assert "exit status" in usher("sync", "--help", db_url=url).stdout
