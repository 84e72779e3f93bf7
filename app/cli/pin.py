"""`usher pin reset`: forgets the manager PIN, so the next person to open Manager chooses a new one.

Whoever can run commands as the kiosk's user owns its settings anyway; the PIN guards the screen, not the
machine.
"""
from __future__ import annotations

import argparse

from app.config import load_settings_or_explain, save_settings, settings_path


def _reset(_args: argparse.Namespace) -> int:
    settings = load_settings_or_explain()
    if settings is None:
        return 2
    save_settings(settings.model_copy(update={"pin_hash": ""}))
    print(f"The manager PIN is forgotten ({settings_path()}). The next person to open Manager chooses a new one; "
          "a running kiosk picks this up when it restarts.")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    pin = subparsers.add_parser("pin", help="the manager PIN")
    pin_sub = pin.add_subparsers(dest="pin_command", required=True)
    pin_sub.add_parser("reset", help="forget the PIN; the next manager chooses a new one").set_defaults(func=_reset)
