"""Locking a kiosk down from the command line: a locked kiosk needs a manager PIN, the PIN is chosen on the
computer, and every file with guests' data or secrets is this user's alone — whatever the umask."""
from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from app.config import load_settings
from app.pins import Role
from app.secrets import check_pin

ROOT = Path(__file__).resolve().parents[2]


def usher(*args: str, home: Path, stdin: str = "") -> subprocess.CompletedProcess:
    """`usher ARGS` as the kiosk's user runs it, with the usual umask 022 and its files under `home`."""
    env = {**os.environ, "USHER_CONFIG_DIR": str(home / "config"), "XDG_DATA_HOME": str(home / "data"),
           "QT_QPA_PLATFORM": "offscreen"}
    env.pop("USHER_DB_URL", None)
    return subprocess.run([sys.executable, "-m", "app.cli.main", *args], input=stdin, capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=120, umask=0o022)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_locked_kiosk_refuses_to_start_without_a_manager_pin(tmp_path):
    result = usher("kiosk", "--locked", home=tmp_path)

    assert result.returncode == 2
    assert "needs a manager PIN first: run `usher pin set`" in result.stderr


def test_pin_set_wants_six_digits_twice_and_keeps_only_a_hash_readable_by_this_user(tmp_path):
    assert "Use 6 to 8 digits" in usher("pin", "set", home=tmp_path, stdin="2468\n2468\n").stderr
    assert "differ" in usher("pin", "set", home=tmp_path, stdin="246813\n246831\n").stderr

    result = usher("pin", "set", home=tmp_path, stdin="246813\n246813\n")

    assert result.returncode == 0, result.stderr
    settings_file = tmp_path / "config" / "settings.json"
    assert check_pin("246813", load_settings(settings_file).pin_hash)
    assert "246813" not in settings_file.read_text()
    assert (mode(settings_file), mode(settings_file.parent)) == (0o600, 0o700)


def test_the_steward_pin_comes_after_the_managers_is_at_least_four_digits_and_differs_from_it(tmp_path):
    assert "Set the manager PIN first" in usher("pin", "set", "--steward", home=tmp_path, stdin="1357\n1357\n").stderr
    assert usher("pin", "set", home=tmp_path, stdin="246813\n246813\n").returncode == 0
    assert "Use 4 to 8 digits" in usher("pin", "set", "--steward", home=tmp_path, stdin="135\n135\n").stderr
    assert "must differ" in usher("pin", "set", "--steward", home=tmp_path, stdin="246813\n246813\n").stderr

    result = usher("pin", "set", "--steward", home=tmp_path, stdin="1357\n1357\n")

    assert result.returncode == 0, result.stderr
    settings = load_settings(tmp_path / "config" / "settings.json")
    assert check_pin("1357", settings.steward_pin_hash) and check_pin("246813", settings.pin_hash)
    assert usher("pin", "reset", "--steward", home=tmp_path).returncode == 0
    assert load_settings(tmp_path / "config" / "settings.json").steward_pin_hash == ""


def test_files_left_readable_by_others_are_repaired_at_start_with_a_warning(tmp_path):
    config, data = tmp_path / "config", tmp_path / "data" / "usher"
    for folder in (config, data):
        folder.mkdir(parents=True)
        folder.chmod(0o755)
    for name, text in (("settings.json", "{}"), ("api-key.token", "sk_live_old_0644"), ("pin-attempts.json", "{}")):
        (config / name).write_text(text)
        (config / name).chmod(0o644)
    for name in ("replica.db", "venue-copy.db"):  # a venue door's own copy holds guests' data too
        (data / name).touch()
        (data / name).chmod(0o644)

    result = usher("db", "upgrade", home=tmp_path)

    assert result.returncode == 0, result.stderr
    assert {p.name: mode(p) for p in [config, data, *config.iterdir(), *data.iterdir()]} == {
        "config": 0o700, "usher": 0o700, "settings.json": 0o600, "api-key.token": 0o600,
        "pin-attempts.json": 0o600, "replica.db": 0o600, "venue-copy.db": 0o600}
    assert result.stderr.count("was readable by other users") == 7


def test_a_new_replica_and_its_folder_are_private_whatever_the_umask(tmp_path):
    result = usher("db", "upgrade", home=tmp_path)

    assert result.returncode == 0, result.stderr
    data = tmp_path / "data" / "usher"
    assert mode(data) == 0o700
    assert {p.name: mode(p) for p in data.iterdir()} == {"replica.db": 0o600}
    assert "readable by other users" not in result.stderr


def test_with_the_pin_guard_root_chooses_the_pins_and_the_kiosk_keeps_no_hash(tmp_path):
    from guard_helpers import running_guard

    with running_guard() as (pins, folder):
        socket = str(folder / "socket")
        assert usher("pin", "set", home=tmp_path, stdin="246813\n246813\n").returncode == 0
        chosen = usher("pin-guard", "set", "--socket", socket, home=tmp_path, stdin="864210\n864210\n")
        assert chosen.returncode == 0, chosen.stderr

        result = usher("pin-guard", "use", "--socket", socket, home=tmp_path)

        assert result.returncode == 0, result.stderr
        settings = load_settings(tmp_path / "config" / "settings.json")
        assert (settings.pin_guard, settings.pin_hash, settings.steward_pin_hash) == (socket, "", "")
        assert "pin-guard set" in usher("pin", "set", home=tmp_path, stdin="135791\n135791\n").stderr
        assert pins.check("864210", (Role.MANAGER,)).role is Role.MANAGER
    assert "does not answer" in usher("pin-guard", "use", "--socket", socket, home=tmp_path).stderr


def test_a_locked_kiosk_asks_the_pin_guard_for_the_manager_pin(tmp_path):
    from app.config import Settings, save_settings
    from guard_helpers import running_guard

    with running_guard() as (pins, folder):
        assert pins.set(Role.MANAGER, "") == ""  # the guard has a steward PIN only
        save_settings(Settings(pin_guard=str(folder / "socket")), tmp_path / "config" / "settings.json")

        result = usher("kiosk", "--locked", home=tmp_path)

    assert result.returncode == 2
    assert "needs a manager PIN first: run as root, `usher pin-guard set`" in result.stderr
