"""`usher pin set` chooses the manager PIN on the kiosk's computer (a locked kiosk needs one before it
starts); `usher pin reset` forgets it, so the next person to open Manager on an unlocked kiosk chooses one.

Whoever can run commands as the kiosk's user owns its settings anyway; the PIN guards the screen, not the
machine.
"""
from __future__ import annotations

import argparse
import getpass
import sys

from app.config import load_settings_or_explain, save_settings, settings_path
from app.secrets import MANAGER_PIN_MIN, PIN_MAX, hash_pin, pin_problem


def _read(prompt: str) -> str:
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    return sys.stdin.readline().strip()  # piped in by an installer script


def _set(_args: argparse.Namespace) -> int:
    settings = load_settings_or_explain()
    if settings is None:
        return 2
    pin = _read(f"New manager PIN ({MANAGER_PIN_MIN} to {PIN_MAX} digits): ")
    if problem := pin_problem(pin):
        print(problem, file=sys.stderr)
        return 2
    if _read("The same PIN again: ") != pin:
        print("The two PINs differ — nothing was changed", file=sys.stderr)
        return 2
    save_settings(settings.model_copy(update={"pin_hash": hash_pin(pin)}))
    print(f"The manager PIN is set ({settings_path()}); a running kiosk picks it up when it restarts.")
    return 0


def _reset(_args: argparse.Namespace) -> int:
    settings = load_settings_or_explain()
    if settings is None:
        return 2
    save_settings(settings.model_copy(update={"pin_hash": ""}))
    print(f"The manager PIN is forgotten ({settings_path()}). The next person to open Manager on an unlocked "
          "kiosk chooses a new one (or run `usher pin set`); a running kiosk picks this up when it restarts.")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    pin = subparsers.add_parser("pin", help="the manager PIN")
    pin_sub = pin.add_subparsers(dest="pin_command", required=True)
    pin_sub.add_parser("set", help="choose the manager PIN (asked twice)").set_defaults(func=_set)
    pin_sub.add_parser("reset", help="forget the PIN; the next manager chooses a new one").set_defaults(func=_reset)
