"""The PIN guard: a small service, under an account of its own, that keeps the PINs' hashes and the count of
wrong tries where the kiosk's user cannot read or reset them.

Without it, the hashes are in the kiosk user's settings (0600): whoever gets a shell as that user — a
steward who escapes the kiosk window — could copy them and try every PIN offline, on all the cores of a
laptop. With it, the kiosk only asks "which role does this PIN open?" over a Unix socket, one question at a
time, and the guard answers after the same growing rest (app.secrets.PinAttempts) as the screen: trying
every 6-digit PIN this way takes longer than any event.

    python -m app.pin_guard --state DIR --socket PATH   # the service (packaging/usher-pin-guard.service)
    usher pin-guard set [--steward]                      # as root: choose a PIN, kept by the guard

Protocol: one JSON object a line, one answer a line. `has` and `check` are for anyone who can reach the
socket; `set` only for root or the guard's own account (the peer's uid, from the kernel: SO_PEERCRED).
"""
from __future__ import annotations

import json
import logging
import os
import socket
import socketserver
import struct
from pathlib import Path
from typing import Callable, Mapping

from app.config import write_private
from app.pins import LocalPins, PinAnswer, PinGate, Role, opens_other_role, pin_problem
from app.secrets import PIN_COST, PinAttempts, ScryptCost, hash_pin

log = logging.getLogger(__name__)

DEFAULT_SOCKET = "/run/usher-pin-guard/socket"
PINS_FILE = "pins.json"
ATTEMPTS_FILE = "pin-attempts.json"
LINE_MAX = 1024
CLIENT_TIMEOUT_S = 15.0  # a check may wait behind others (1.4 s of scrypt for each role tried)
GUARD_SILENT = "The PIN guard does not answer — ask whoever runs this computer to start usher-pin-guard"


class GuardKeeper:
    """The guard's side: hashes in a file of its own state folder (0600 in 0700), wrong tries beside them."""

    def __init__(self, state: Path, cost: ScryptCost = PIN_COST) -> None:
        self._pins_file = state / PINS_FILE
        self._cost = cost
        self.pins = LocalPins(self.hashes, PinAttempts(state / ATTEMPTS_FILE))

    def hashes(self) -> dict[Role, str]:
        try:
            stored = json.loads(self._pins_file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        return {role: str(stored.get(role.value, "")) for role in Role}

    def set(self, role: Role, pin: str) -> str:
        """Keeps a new PIN for `role` (an empty one forgets it); returns what is wrong with it, or ''."""
        hashes = self.hashes()
        if pin:
            if problem := pin_problem(pin, role):
                return problem
            if opens_other_role(pin, role, hashes):
                return "The steward PIN and the manager PIN must differ"
            if role is Role.STEWARD and not hashes.get(Role.MANAGER):
                return "Set the manager PIN first"
        hashes[role] = hash_pin(pin, self._cost) if pin else ""
        write_private(self._pins_file, json.dumps({r.value: h for r, h in hashes.items()}))
        return ""


def peer_uid(sock: socket.socket) -> int:
    """The uid of the process at the other end of a Unix socket, as the kernel knows it."""
    _pid, uid, _gid = struct.unpack("3i", sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")))
    return uid


def answer(keeper: GuardKeeper, request: dict, uid: int) -> dict:
    """One request's answer; never raises on a bad request."""
    try:
        op = request["op"]
        if op == "has":
            return {"has": keeper.pins.has(Role(request["role"]))}
        if op == "rest":
            return {"rest_s": keeper.pins.rest_s()}
        if op == "check":
            roles = tuple(Role(r) for r in request["roles"])
            result = keeper.pins.check(str(request["pin"]), roles)
            return {"role": result.role.value if result.role else None, "rest_s": result.rest_s}
        if op == "set":
            if uid not in (0, os.getuid()):
                return {"error": "only root may choose a PIN"}
            return {"error": keeper.set(Role(request["role"]), str(request["pin"]))}
    except (KeyError, ValueError, TypeError):
        pass
    return {"error": "bad request"}


class _Handler(socketserver.StreamRequestHandler):
    timeout = 5.0  # a client that says nothing does not hold the guard

    def handle(self) -> None:
        try:
            line = self.rfile.readline(LINE_MAX)
            request = json.loads(line)
        except (OSError, ValueError):
            return
        uid = peer_uid(self.request)
        reply = answer(self.server.keeper, request if isinstance(request, dict) else {}, uid)
        if reply.get("role", "") is None:
            log.warning("a wrong PIN from uid %d", uid)
        self.wfile.write(json.dumps(reply).encode() + b"\n")


class GuardServer(socketserver.UnixStreamServer):
    """One request at a time: checks cannot be run in parallel to go faster."""

    def __init__(self, socket_path: Path, state: Path, cost: ScryptCost = PIN_COST) -> None:
        state.mkdir(mode=0o700, parents=True, exist_ok=True)
        state.chmod(0o700)  # the hashes: the guard's alone, whatever made the folder
        socket_path.unlink(missing_ok=True)
        self.keeper = GuardKeeper(state, cost)
        super().__init__(str(socket_path), _Handler)
        socket_path.chmod(0o666)  # any local account may ask; the rest between wrong PINs is the guard's


class GuardedPins:
    """The kiosk's side (a PinGate): every question goes to the guard. When the guard is silent the kiosk
    fails closed — roles count as having a PIN, and no PIN opens anything."""

    may_choose_on_screen = False  # only root chooses the guard's PINs

    def __init__(self, socket_path: str | Path) -> None:
        self._path = str(socket_path)
        # Which roles have a PIN, asked once: the window asks at every scan, and the guard answers one
        # question at a time (a check takes a second). A PIN root sets later counts from the next start.
        self._has: dict[Role, bool] = {}

    def ask(self, request: dict) -> dict:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(CLIENT_TIMEOUT_S)
            sock.connect(self._path)
            sock.sendall(json.dumps(request).encode() + b"\n")
            with sock.makefile("rb") as reply:
                return json.loads(reply.readline(LINE_MAX))

    def has(self, role: Role) -> bool:
        if role not in self._has:
            try:
                self._has[role] = bool(self.ask({"op": "has", "role": role.value})["has"])
            except (OSError, ValueError, KeyError):
                return True  # asked again next time
        return self._has[role]

    def rest_s(self) -> float:
        try:
            return float(self.ask({"op": "rest"})["rest_s"])
        except (OSError, ValueError, KeyError):
            return 0.0

    def check(self, pin: str, roles: tuple[Role, ...]) -> PinAnswer:
        try:
            reply = self.ask({"op": "check", "pin": pin, "roles": [r.value for r in roles]})
            return PinAnswer(Role(reply["role"]) if reply["role"] else None, float(reply["rest_s"]))
        except (OSError, ValueError, KeyError, TypeError):
            return PinAnswer(None, problem=GUARD_SILENT)

    def set(self, role: Role, pin: str) -> str:
        """Asks the guard to keep a new PIN (root only); returns its refusal, or ''."""
        self._has.pop(role, None)
        return str(self.ask({"op": "set", "role": role.value, "pin": pin}).get("error", ""))


def pin_gate(guard_socket: str, hashes: Callable[[], Mapping[Role, str]], attempts: PinAttempts) -> PinGate:
    """The PIN guard at `guard_socket` when one is configured, else the hashes in this user's settings."""
    return GuardedPins(guard_socket) if guard_socket else LocalPins(hashes, attempts)


def main(argv: list[str] | None = None) -> int:
    """The service: runs until stopped. Not through `usher`'s command line, which touches the kiosk user's
    folders; the service has none (systemd's DynamicUser)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m app.pin_guard", description="The PIN guard service")
    parser.add_argument("--state", type=Path, default=Path("/var/lib/usher-pin-guard"),
                        help="its folder for the hashes and the wrong tries (0700)")
    parser.add_argument("--socket", type=Path, default=Path(DEFAULT_SOCKET))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    os.umask(0o077)
    with GuardServer(args.socket, args.state) as server:
        log.warning("the PIN guard answers on %s", args.socket)
        server.serve_forever()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
