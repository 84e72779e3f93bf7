"""The `usher` command line: one sub-command module per job, each with `register(subparsers)`."""
from __future__ import annotations

import argparse
import importlib
import importlib.util
import logging
import os
import sys
from pathlib import Path

from app.files import secure_files
from app.runtime import tune_gc

# Each module defines `register(subparsers)`, which adds its sub-commands and sets `func` on them.
COMMAND_MODULES = (
    "app.cli.replica",
    "app.cli.simulator",
    "app.cli.sync",
    "app.cli.voucherify",
    "app.cli.demo",
    "app.cli.kiosk",
    "app.cli.pin",
    "app.cli.issue",
)


def database_url(text: str) -> str:
    """--db (or USHER_DB_URL): a database URL Usher can open, or a one-line error with the fix."""
    if "://" not in text:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a database URL — for a SQLite file write sqlite:///{Path(text).expanduser().resolve()}")
    scheme = text.split("://", 1)[0]
    if scheme.startswith("postgresql") and importlib.util.find_spec("psycopg") is None:
        raise argparse.ArgumentTypeError("PostgreSQL needs its driver: pip install 'usher[postgres]'")
    if not scheme.startswith(("sqlite", "postgresql")):
        raise argparse.ArgumentTypeError(f"Usher runs on SQLite (sqlite:///…) or PostgreSQL (postgresql+psycopg://…), "
                                         f"not {scheme}")
    return text


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="usher", description="Usher check-in kiosk")
    parser.add_argument("--db", type=database_url, default=os.environ.get("USHER_DB_URL") or None,
                        help="database URL, e.g. sqlite:////srv/usher/replica.db (default: USHER_DB_URL, "
                             "else SQLite in the user data directory)")
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
    secure_files(args.db)
    try:
        return int(args.func(args) or 0)
    except BrokenPipeError:
        # The reader went away (`usher stats | head -3`): not an error. Point stdout at nothing so that
        # Python's own flush at exit does not complain a second time.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
