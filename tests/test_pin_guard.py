"""The PIN guard: a service of its own keeps the PINs' hashes and the wrong tries, so that the kiosk's user —
a steward who got a shell — can neither read a hash to search offline nor reset the count."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from guard_helpers import MANAGER_PIN as MANAGER
from guard_helpers import QUICK_COST, running_guard
from guard_helpers import STEWARD_PIN as STEWARD

from app.pin_guard import GUARD_SILENT, GuardedPins, GuardServer
from app.pins import Role
from app.secrets import FIRST_REST_S, FREE_TRIES


@pytest.fixture
def guard_and_folder():
    with running_guard() as running:
        yield running


@pytest.fixture
def guard(guard_and_folder):
    return guard_and_folder[0]


@pytest.fixture
def guard_folder(guard_and_folder):
    return guard_and_folder[1]


def test_the_guard_says_which_role_a_pin_opens(guard):
    assert guard.check(STEWARD, (Role.STEWARD, Role.MANAGER)).role is Role.STEWARD
    assert guard.check(MANAGER, (Role.STEWARD, Role.MANAGER)).role is Role.MANAGER
    assert guard.check(STEWARD, (Role.MANAGER,)).role is None
    assert guard.has(Role.MANAGER) and guard.has(Role.STEWARD)


def test_the_guard_refuses_a_short_manager_pin_and_a_steward_pin_equal_to_the_managers(guard):
    assert guard.set(Role.MANAGER, "1234") == "Use 6 to 8 digits"
    assert guard.set(Role.STEWARD, MANAGER) == "The steward PIN and the manager PIN must differ"
    assert guard.check(MANAGER, (Role.MANAGER,)).role is Role.MANAGER


def test_wrong_pins_rest_the_guard_and_its_restart_forgives_nothing(guard, guard_folder):
    for _ in range(FREE_TRIES):
        answer = guard.check("000000", (Role.MANAGER,))
    assert answer.role is None and answer.rest_s == pytest.approx(FIRST_REST_S, abs=2)
    assert guard.check(MANAGER, (Role.MANAGER,)).role is None  # even the right PIN waits out the rest

    restarted = GuardServer(guard_folder / "socket2", guard_folder / "state", QUICK_COST)
    try:
        assert restarted.keeper.pins.rest_s() > FIRST_REST_S - 2
    finally:
        restarted.server_close()


def test_a_bad_request_gets_an_answer_and_changes_nothing(guard):
    assert guard.ask({"op": "check"}) == {"error": "bad request"}
    assert guard.ask({"op": "set", "role": "owner", "pin": "1"}) == {"error": "bad request"}
    assert guard.check(MANAGER, (Role.MANAGER,)).role is Role.MANAGER


def test_a_silent_guard_opens_nothing_and_says_so(tmp_path):
    pins = GuardedPins(tmp_path / "no-such-socket")

    answer = pins.check(MANAGER, (Role.MANAGER,))

    assert answer.role is None and answer.problem == GUARD_SILENT
    assert pins.has(Role.MANAGER)  # fails closed: a locked kiosk does not offer to choose a PIN


def as_another_account(folder: Path, pin: str) -> dict:
    """What an account other than the guard's (uid 65534, "nobody": the kiosk's user) gets: a forked child
    that drops to that account, then tries to read the hashes, to open the manager role and to choose a PIN."""
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # the child: never returns into pytest
        try:
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            try:
                (folder / "state" / "pins.json").read_text()
                hashes = "read"
            except PermissionError:
                hashes = "refused"
            pins = GuardedPins(folder / "socket")
            role = pins.check(pin, (Role.MANAGER,)).role
            result = {"hashes": hashes, "opens": role.value if role else None, "set": pins.set(Role.MANAGER, "999999")}
            os.write(write_end, json.dumps(result).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as reply:
        text = reply.read()
    os.waitpid(child, 0)
    return json.loads(text)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to become a second account")
def test_another_account_may_ask_the_guard_but_neither_read_its_hashes_nor_choose_a_pin(guard, guard_folder):
    assert as_another_account(guard_folder, MANAGER) == {
        "hashes": "refused", "opens": "manager", "set": "only root may choose a PIN"}
    assert guard.check(MANAGER, (Role.MANAGER,)).role is Role.MANAGER  # unchanged


def test_the_service_keeps_its_folder_and_files_to_itself_whatever_the_umask(tmp_path):
    import stat
    import subprocess
    import sys
    import time

    socket, state = tmp_path / "socket", tmp_path / "state"
    service = subprocess.Popen([sys.executable, "-m", "app.pin_guard", "--state", str(state), "--socket", str(socket)],
                               stderr=subprocess.PIPE, text=True, umask=0o022, cwd=Path(__file__).resolve().parents[1])
    try:
        deadline = time.monotonic() + 20
        while not socket.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        pins = GuardedPins(socket)
        assert pins.set(Role.MANAGER, MANAGER) == ""  # the test runs as root or as the service's own account

        assert pins.check(MANAGER, (Role.MANAGER,)).role is Role.MANAGER
        assert pins.check("000000", (Role.MANAGER,)).role is None
    finally:
        service.terminate()
        service.wait(10)
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in (state, *state.iterdir())}
    assert modes == {"state": 0o700, "pins.json": 0o600, "pin-attempts.json": 0o600}
    assert "a wrong PIN from uid" in service.stderr.read()
