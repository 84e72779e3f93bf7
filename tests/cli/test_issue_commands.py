"""`usher issue`, `usher customers` and `usher venue-key`, run as a user runs them — including a bulk issue
killed with -9 half-way and run again."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import demo_data as demo
from app.api import ApiSettings, ProductsClient
from app.api.models import NewUser
from app.simulator.demo_data import DEMO_WRITE_KEY
from app.simulator.faults import FaultSettings
from app.simulator.server import SimulatorServer
from app.store.db import open_replica
from app.store.replica import outbox
from server_reads import holders

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_S, WINDOW_S = 1.5, 4.0  # scaled down: a 1.5 s deadline, a 4 s settle window


def usher_command(db_url: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "app.cli.main", "--db", db_url, *args]


def usher(db_url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(usher_command(db_url, *args), capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={**os.environ, "USHER_API_KEY": DEMO_WRITE_KEY})


@pytest.fixture
def sim(tmp_path):
    with SimulatorServer(tmp_path / "sim.db", seed="demo") as server:
        yield server


@pytest.fixture
def configured(tmp_path, sim):
    config = tmp_path / "config"  # USHER_CONFIG_DIR (tests/conftest.py)
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.json").write_text(json.dumps({"api": {"base_url": sim.url, "timeout_s": TIMEOUT_S,
                                                              "settle_window_s": WINDOW_S}}), encoding="utf-8")
    return f"sqlite:///{tmp_path / 'box.db'}"


@pytest.fixture
def server(sim):
    with ProductsClient(ApiSettings(sim.url, DEMO_WRITE_KEY)) as client:
        yield client


def new_customers(server: ProductsClient, count: int) -> list[str]:
    emails = [f"fan{n:04d}@example.org" for n in range(count)]
    for start in range(0, count, 1000):
        server.create_users([NewUser(email=e) for e in emails[start:start + 1000]])
    return emails


def test_a_csv_with_a_bad_line_is_refused_whole_naming_the_line(tmp_path) -> None:
    csv_file = tmp_path / "guests.csv"
    csv_file.write_text("email\nanna@example.org\nnot an email\n\nben@example.org\n", encoding="utf-8")
    db_url = f"sqlite:///{tmp_path / 'box.db'}"
    done = usher(db_url, "issue", "--product", demo.GA.id, "--csv", str(csv_file), "--offline")
    assert done.returncode == 2, done.stderr
    assert "line 3: 'not an email'" in done.stderr and "nothing was issued" in done.stderr
    with open_replica(db_url).connect() as conn:
        assert conn.execute(select(func.count()).select_from(outbox)).scalar() == 0


def test_a_walk_up_sale_online_prints_the_server_items_code_and_the_customer_is_found(configured, server) -> None:
    anna = demo.demo_users()[0]
    assert usher(configured, "customers", "--download").stdout.startswith("Downloaded 20 customers")
    found = usher(configured, "customers", anna.last_name)
    assert anna.email in found.stdout
    sold = usher(configured, "issue", "--product", demo.GA.id, "--email", anna.email, "--admit")
    assert sold.returncode == 0, sold.stdout + sold.stderr
    assert "Admitted: ACCEPTED" in sold.stdout and "Issued 1; refused 0" in sold.stdout
    code = sold.stdout.split("Code: ")[1].split()[0]
    assert server.get_item(demo.GA.id, code).redemption_count == 1


def test_kill_9_during_a_bulk_csv_issue_of_2000_then_a_rerun_gives_everyone_exactly_one_item(
        configured, sim, server, tmp_path) -> None:
    emails = new_customers(server, 2000)
    csv_file = tmp_path / "guests.csv"
    csv_file.write_text("email\n" + "\n".join(emails) + "\n", encoding="utf-8")
    replica = open_replica(configured)
    sim.faults = FaultSettings(latency_ms=600)  # slow, within the deadline: the kill lands mid-request
    child = subprocess.Popen(usher_command(configured, "issue", "--product", demo.GA.id, "--csv", str(csv_file)),
                             cwd=ROOT, env={**os.environ, "USHER_API_KEY": DEMO_WRITE_KEY},
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and child.poll() is None:
        with replica.connect() as conn:
            states = Counter(conn.execute(select(outbox.c.state)).scalars())
        if states["DONE"] >= 1 and states["IN_FLIGHT"]:
            break
        time.sleep(0.02)
    time.sleep(0.3)  # the issue call is with the server, which applies it a moment later
    child.send_signal(signal.SIGKILL)
    child.wait()
    sim.faults = FaultSettings()
    with replica.connect() as conn:  # killed with a batch on its way: the rerun must read it back
        assert conn.execute(select(func.count()).where(outbox.c.state == "IN_FLIGHT")).scalar() == 1

    rerun = usher(configured, "issue", "--product", demo.GA.id, "--csv", str(csv_file))
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert "Issued 2000; refused 0" in rerun.stdout
    owners = holders(server, demo.GA.id)
    assert all(owners[e] == 1 for e in emails) and sum(owners.values()) == demo.GA.items + 2000
