"""The `usher` command line: one sub-command module per job, each with `register(subparsers)`."""
from __future__ import annotations

import argparse
import importlib
import logging
import sys

from app.runtime import tune_gc

# Each module defines `register(subparsers)`, which adds its sub-commands and sets `func` on them.
COMMAND_MODULES = (
    "app.cli.replica",
    "app.cli.simulator",
    "app.cli.sync",
    "app.cli.demo",
    "app.cli.kiosk",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="usher", description="Usher check-in kiosk")
    parser.add_argument("--db", help="database URL (default: SQLite in the user data directory)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    tune_gc()
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
