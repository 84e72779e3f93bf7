"""The command line, run as a user runs it: `python -m app.cli.main ...` in a child process."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from app import demo_data as demo
from app.demo_data import DEMO_REPLICA

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


def usher_raw(*args: str | bytes, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Runs the command with exact bytes on the command line, as a shell passes them."""
    return subprocess.run([sys.executable, "-m", "app.cli.main", *args], capture_output=True, cwd=ROOT,
                          timeout=120, env=env)


def one_line_error(result: subprocess.CompletedProcess) -> str:
    stderr = result.stderr.decode() if isinstance(result.stderr, bytes) else result.stderr
    assert "Traceback" not in stderr
    return stderr.strip().splitlines()[-1]


def test_a_payload_with_invalid_utf8_bytes_is_just_not_a_ticket(db_url):
    usher("import", str(DEMO_REPLICA), db_url=db_url)
    result = usher_raw("--db", db_url, "redeem", b"abc\xff\xfe", "--station", "Door 1")
    assert result.returncode == 1
    assert result.stdout.decode().startswith("INVALID_CODE: NOT A TICKET")
    assert b"Traceback" not in result.stderr


def test_a_plain_path_for_db_gets_the_url_to_write_instead(tmp_path):
    result = usher_raw("--db", str(tmp_path / "replica.db"), "stats")
    assert result.returncode == 2
    assert f"for a SQLite file write sqlite:///{tmp_path / 'replica.db'}" in one_line_error(result)
    assert not (tmp_path / "replica.db").exists()


def test_a_postgresql_url_without_the_driver_names_the_extra_to_install(tmp_path):
    # As on a machine without the extra, whether or not this one has it: the import of psycopg fails.
    without_psycopg = "import sys; sys.modules['psycopg'] = None; from app.cli.main import main; sys.exit(main())"
    result = subprocess.run([sys.executable, "-c", without_psycopg, "--db", "postgresql+psycopg://usher@localhost/venue",
                             "stats"], capture_output=True, cwd=ROOT, timeout=120)
    assert result.returncode == 2
    assert "pip install 'usher[postgres]'" in one_line_error(result)


def test_the_database_url_can_come_from_the_environment_and_is_checked_the_same_way(tmp_path):
    env = {**os.environ, "USHER_DB_URL": str(tmp_path / "plain-path.db")}
    result = usher_raw("stats", env=env)
    assert result.returncode == 2 and "is not a database URL" in one_line_error(result)


def test_a_product_that_is_not_an_id_is_refused_before_anything_is_scanned(db_url):
    result = usher("redeem", demo.item_uuid(demo.GA, 1), "--station", "Door 1", "--product", "GA", db_url=db_url)
    assert result.returncode == 2
    assert "'GA' is not a product ID" in one_line_error(result)


def test_an_import_with_nothing_in_it_fails_instead_of_claiming_success(db_url, tmp_path):
    empty = tmp_path / "empty.json"
    empty.write_text("{}")
    result = usher("import", str(empty), db_url=db_url)
    assert result.returncode == 2
    assert "nothing to import" in one_line_error(result)


def test_stats_into_a_pipe_that_closes_early_is_not_an_error(db_url, tmp_path):
    many = tmp_path / "products.csv"  # a table longer than a pipe holds, so the reader leaves mid-way
    many.write_text("id,name,type\n" + "".join(f"{n:08x}-0000-4000-8000-{n:012x},Product {n},admission\n"
                                                for n in range(1, 4001)))
    assert usher("import", str(many), db_url=db_url).returncode == 0
    pipeline = subprocess.run(
        f"{sys.executable} -m app.cli.main --db {db_url} stats | head -3 > /dev/null; echo ${{PIPESTATUS[0]}}",
        shell=True, executable="/bin/bash", capture_output=True, text=True, cwd=ROOT, timeout=120,
    )
    assert pipeline.stderr == ""
    assert pipeline.stdout.strip() == "0"


def test_a_backup_is_a_working_copy_of_the_replica(db_url, tmp_path):
    usher("import", str(DEMO_REPLICA), db_url=db_url)
    usher("redeem", demo.item_uuid(demo.GA, 1), "--station", "Door 1", db_url=db_url)
    target = tmp_path / "backup.db"

    assert usher("db", "backup", str(target), db_url=db_url).returncode == 0

    again = usher("redeem", demo.item_uuid(demo.GA, 1), "--station", "Door 1", db_url=f"sqlite:///{target}")
    assert again.stdout.startswith("ALREADY_USED")  # the copy holds the use made before it
    assert usher("db", "backup", str(target), db_url=db_url).returncode == 2  # never overwrites


def test_pin_reset_forgets_the_pin_and_keeps_the_other_settings(tmp_path):
    from app.config import Settings, load_settings, save_settings

    config = tmp_path / "config"
    save_settings(Settings(pin_hash="scrypt$x", hide_names=True), config / "settings.json")
    result = usher_raw("pin", "reset", env={**os.environ, "USHER_CONFIG_DIR": str(config)})
    assert result.returncode == 0
    settings = load_settings(config / "settings.json")
    assert (settings.pin_hash, settings.hide_names) == ("", True)


def test_a_code_naming_another_product_prints_no_holders_name(db_url):
    usher("import", str(DEMO_REPLICA), db_url=db_url)
    forged = f'{{"product_item_id": "{demo.item_uuid(demo.GA, 1)}", "product_id": "{demo.DRINKS.id}"}}'
    result = usher("redeem", forged, "--station", "Door 1", db_url=db_url)
    assert result.stdout.startswith("NOT_FOUND: UNKNOWN TICKET")
    assert demo.item_owner(demo.GA, 1).last_name not in result.stdout


def test_redeem_prints_no_holder_when_names_are_hidden(db_url, tmp_path):
    from app.config import Settings, save_settings

    usher("import", str(DEMO_REPLICA), db_url=db_url)
    save_settings(Settings(hide_names=True), tmp_path / "config" / "settings.json")  # USHER_CONFIG_DIR, as set by conftest

    result = usher("redeem", demo.item_uuid(demo.GA, 1), "--station", "Door 1", db_url=db_url)

    assert result.stdout.splitlines()[1] == "  General Admission #1"
    assert demo.item_owner(demo.GA, 1).last_name not in result.stdout
