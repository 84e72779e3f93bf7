"""`usher voucherify push`, run as a user runs it."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from app import demo_data as demo
from app.simulator.server import SimulatorServer
from app.simulator.voucherify import DEMO_APP_ID, DEMO_APP_TOKEN, PREFIX

ROOT = Path(__file__).resolve().parents[2]


def push(db_url: str, token: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "USHER_VOUCHERIFY_TOKEN": token}
    return subprocess.run([sys.executable, "-m", "app.cli.main", "--db", db_url, "voucherify", "push"],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)


def test_push_upserts_every_product_once_and_then_nothing_until_one_changes(tmp_path, demo_replica, db_url):
    with SimulatorServer(tmp_path / "sim.db", seed="demo") as sim:
        config = tmp_path / "config"
        config.mkdir(exist_ok=True)
        (config / "settings.json").write_text(json.dumps(
            {"voucherify": {"app_id": DEMO_APP_ID, "address": sim.url + PREFIX}}), encoding="utf-8")
        first = push(db_url, DEMO_APP_TOKEN)
        again = push(db_url, DEMO_APP_TOKEN)
    assert first.returncode == 0, first.stderr
    assert f"{demo.GA.name} → prod_" in first.stdout and "(new)" in first.stdout
    assert f"{len(demo.PRODUCTS)} upserted, 0 refused, 0 unchanged." in first.stdout
    assert again.stdout.strip().endswith(f"0 upserted, 0 refused, {len(demo.PRODUCTS)} unchanged.")


def test_push_without_voucherify_set_up_says_what_to_set(db_url):
    result = push(db_url, "")
    assert result.returncode == 2 and "Voucherify is not set up" in result.stderr


def test_the_token_is_stored_from_standard_input_for_only_its_user_and_push_uses_it(tmp_path, db_url):
    env = {k: v for k, v in os.environ.items() if k != "USHER_VOUCHERIFY_TOKEN"}
    stored = subprocess.run([sys.executable, "-m", "app.cli.main", "voucherify", "token"], input="tok-9876\n",
                            capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
    assert stored.returncode == 0 and "tok-9876" not in stored.stdout + stored.stderr
    token_file = tmp_path / "config" / "voucherify-token.token"
    assert token_file.read_text() == "tok-9876" and token_file.stat().st_mode & 0o777 == 0o600
