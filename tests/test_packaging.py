"""The kiosk session shipped in packaging/: the locked kiosk alone in the cage compositor, restarted by systemd."""
from __future__ import annotations

import configparser
import shlex
from pathlib import Path

PACKAGING = Path(__file__).resolve().parents[1] / "packaging"


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read(PACKAGING / name)
    return parser


def test_the_cage_unit_runs_the_locked_kiosk_alone_without_vt_switching_and_restarts_it():
    service = unit("usher-cage@.service")["Service"]
    command = shlex.split(service["ExecStart"])

    assert command[0] == "/usr/bin/cage" and "-s" not in command[: command.index("--")]  # -s would allow VT switching
    assert command[command.index("--") + 1:][-2:] == ["kiosk", "--locked"]
    assert service["User"] == "%i" and service["TTYPath"] == "/dev/tty1"
    assert service["Restart"] == "always"
    assert unit("usher-cage@.service")["Unit"]["Conflicts"] == "getty@tty1.service"


def test_both_autostart_units_start_the_kiosk_locked():
    for name in ("usher-cage@.service", "usher-kiosk.service"):
        assert unit(name)["Service"]["ExecStart"].endswith("usher kiosk --locked"), name


def test_the_pin_guard_runs_under_its_own_account_from_code_the_kiosk_user_cannot_change():
    service = unit("usher-pin-guard.service")["Service"]
    command = shlex.split(service["ExecStart"])

    assert service["DynamicUser"] == "yes" and service["StateDirectoryMode"] == "0700"
    assert command[0].startswith("/opt/usher/") and command[1:3] == ["-m", "app.pin_guard"]
    assert "%h" not in service["ExecStart"] and "/home/" not in service["ExecStart"]
    assert service["RestrictAddressFamilies"] == "AF_UNIX" and service["PrivateNetwork"] == "yes"


def test_the_installer_keeps_the_kiosk_with_its_resources_and_the_guard_out_of_the_users_reach():
    script = (PACKAGING / "install.sh").read_text()

    assert '"$venv/bin/pip" install -q -e "$here"' in script  # resources/ are read from the clone
    assert 'sudo /opt/usher/venv/bin/pip install -q "$here"' in script  # a root-owned copy, not editable
    assert "libwayland-cursor0" in script  # Qt's Wayland plugin under cage
