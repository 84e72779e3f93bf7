"""`usher pin set` chooses the manager PIN on the kiosk's computer (a locked kiosk needs one before it
starts); `usher pin set --steward` the stewards' PIN (scanning then starts with it). `usher pin reset`
forgets the manager PIN, so the next person to open Manager on an unlocked kiosk chooses one;
`usher pin reset --steward` lets anyone scan again.

Whoever can run commands as the kiosk's user owns its settings anyway; the PINs guard the screen, not the
machine — unless the PIN guard (app.pin_guard) keeps them: then `usher pin-guard set|reset [--steward]`, as root.
"""
from __future__ import annotations

import argparse
import getpass
import sys

from app.config import load_settings_or_explain, save_settings, settings_path
from app.pins import SHORTEST, Role, opens_other_role, pin_problem, settings_hashes
from app.secrets import PIN_MAX, hash_pin

FIELD = {Role.MANAGER: "pin_hash", Role.STEWARD: "steward_pin_hash"}


def _read(prompt: str) -> str:
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    return sys.stdin.readline().strip()  # piped in by an installer script


def _role(args: argparse.Namespace) -> Role:
    return Role.STEWARD if args.steward else Role.MANAGER


def read_new_pin(role: Role, hashes: dict[Role, str]) -> str | None:
    """A new PIN for `role`, typed twice; None after saying on stderr what is wrong with it."""
    pin = _read(f"New {role.value} PIN ({SHORTEST[role]} to {PIN_MAX} digits): ")
    problem = pin_problem(pin, role)
    if not problem and opens_other_role(pin, role, hashes):
        problem = "The steward PIN and the manager PIN must differ — nothing was changed"
    if not problem and _read("The same PIN again: ") != pin:
        problem = "The two PINs differ — nothing was changed"
    if problem:
        print(problem, file=sys.stderr)
        return None
    return pin


def _set(args: argparse.Namespace) -> int:
    role = _role(args)
    settings = load_settings_or_explain()
    if settings is None:
        return 2
    if settings.pin_guard:
        steward = " --steward" if args.steward else ""
        print(f"The PIN guard keeps the PINs: as root, run `usher pin-guard set{steward}`", file=sys.stderr)
        return 2
    if role is Role.STEWARD and not settings.pin_hash:
        print("Set the manager PIN first (`usher pin set`): without it, anyone at the kiosk could choose it.",
              file=sys.stderr)
        return 2
    pin = read_new_pin(role, settings_hashes(settings.pin_hash, settings.steward_pin_hash))
    if pin is None:
        return 2
    save_settings(settings.model_copy(update={FIELD[role]: hash_pin(pin)}))
    print(f"The {role.value} PIN is set ({settings_path()}); a running kiosk picks it up when it restarts.")
    return 0


def _reset(args: argparse.Namespace) -> int:
    role = _role(args)
    settings = load_settings_or_explain()
    if settings is None:
        return 2
    save_settings(settings.model_copy(update={FIELD[role]: ""}))
    if role is Role.STEWARD:
        print(f"The steward PIN is forgotten ({settings_path()}): scanning needs no PIN from the next start.")
    else:
        print(f"The manager PIN is forgotten ({settings_path()}). The next person to open Manager on an unlocked "
              "kiosk chooses a new one (or run `usher pin set`); a running kiosk picks this up when it restarts.")
    return 0


def _guard_set(args: argparse.Namespace, new_pin: bool = True) -> int:
    from app.pin_guard import GuardedPins

    role = _role(args)
    pin = read_new_pin(role, {}) if new_pin else ""
    if pin is None:
        return 2
    try:
        refused = GuardedPins(args.socket).set(role, pin)
    except (OSError, ValueError) as exc:
        print(f"The PIN guard at {args.socket} does not answer ({exc.__class__.__name__}): is "
              "usher-pin-guard.service running?", file=sys.stderr)
        return 2
    if refused:
        print(f"{refused} — nothing was changed", file=sys.stderr)
        return 2
    print(f"The PIN guard keeps the {role.value} PIN " + ("now." if pin else "no more."))
    return 0


def _guard_use(args: argparse.Namespace) -> int:
    """The kiosk asks the guard from now on, and its own copies of the hashes are forgotten."""
    from app.pin_guard import GuardedPins
    from app.pins import Role

    settings = load_settings_or_explain()
    if settings is None:
        return 2
    try:
        has_manager_pin = bool(GuardedPins(args.socket).ask({"op": "has", "role": Role.MANAGER.value})["has"])
    except (OSError, ValueError, KeyError) as exc:
        print(f"The PIN guard at {args.socket} does not answer ({exc.__class__.__name__}): start it first "
              "(docs/security.md)", file=sys.stderr)
        return 2
    if not has_manager_pin:
        print("The PIN guard has no manager PIN yet: as root, run `usher pin-guard set` first", file=sys.stderr)
        return 2
    save_settings(settings.model_copy(update={"pin_guard": args.socket, "pin_hash": "", "steward_pin_hash": ""}))
    print(f"The kiosk asks the PIN guard at {args.socket}; its settings ({settings_path()}) keep no PIN hash now.")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    from app.pin_guard import DEFAULT_SOCKET

    guard = subparsers.add_parser("pin-guard", help="the service that keeps the PINs from the kiosk's user")
    guard_sub = guard.add_subparsers(dest="guard_command", required=True)
    for name, func, text in (("set", _guard_set, "as root: choose a PIN the guard keeps"),
                             ("reset", lambda a: _guard_set(a, new_pin=False), "as root: forget a PIN")):
        command = guard_sub.add_parser(name, help=text)
        command.add_argument("--steward", action="store_true", help="the stewards' PIN (4 to 8 digits)")
        command.add_argument("--socket", default=DEFAULT_SOCKET)
        command.set_defaults(func=func)
    use = guard_sub.add_parser("use", help="as the kiosk's user: ask the guard, keep no PIN hash here")
    use.add_argument("--socket", default=DEFAULT_SOCKET)
    use.set_defaults(func=_guard_use)

    pin = subparsers.add_parser("pin", help="the manager's and the stewards' PINs")
    pin_sub = pin.add_subparsers(dest="pin_command", required=True)
    for name, func, text in (("set", _set, "choose the PIN (asked twice)"),
                             ("reset", _reset, "forget the PIN")):
        command = pin_sub.add_parser(name, help=f"{text}: the manager's, or with --steward the stewards'")
        command.add_argument("--steward", action="store_true", help="the stewards' PIN (4 to 8 digits)")
        command.set_defaults(func=func)
