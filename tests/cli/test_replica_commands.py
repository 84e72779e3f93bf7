"""The command line, run as a user runs it: `python -m app.cli.main ...` in a child process."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from app import demo_data as demo
from app.cli.demo import DEMO_REPLICA

ROOT = Path(__file__).resolve().parents[2]


def usher(*args: str, db_url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app.cli.main", "--db", db_url, *args],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )


def test_db_upgrade_creates_the_replica(db_url, tmp_path):
    result = usher("db", "upgrade", db_url=db_url)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "replica.db").exists()


def test_import_then_redeem_then_stats(db_url):
    assert "Imported 1 events, 4 products, 85 items" in usher("import", str(DEMO_REPLICA), db_url=db_url).stdout
    ticket = demo.item_uuid(demo.GA, 1)
    first = usher("redeem", ticket, "--station", "Door 1", "--preset", "door", db_url=db_url)
    assert first.returncode == 0 and first.stdout.startswith("ACCEPTED")
    again = usher("redeem", ticket, "--station", "Door 1", "--preset", "door", db_url=db_url)
    assert again.returncode == 1 and again.stdout.startswith("ALREADY_USED") and "at Door 1" in again.stdout
    stats = usher("stats", db_url=db_url).stdout.splitlines()
    ga = next(line for line in stats if line.startswith("General Admission")).split()
    assert ga[-4:] == ["40", "1", "1", "39"]


def test_a_rejected_import_says_why_and_exits_non_zero(db_url, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("id,item_id,product_id\nnope,1,2\n")
    result = usher("import", str(bad), db_url=db_url)
    assert result.returncode == 2
    assert "Import rejected, nothing changed: line 2" in result.stderr


def test_a_voucher_redeemed_at_a_door_is_the_wrong_station(db_url):
    usher("import", str(DEMO_REPLICA), db_url=db_url)
    result = usher("redeem", demo.item_uuid(demo.DRINKS, 1), "--station", "Door 1", "--preset", "door", db_url=db_url)
    assert result.stdout.startswith("WRONG_STATION")
