"""Sub-commands on the local replica: db upgrade, db backup, import, redeem, stats."""
from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import uuid
from pathlib import Path

from app.domain.presentation import detail, headline, shows_item
from app.domain.rules import Preset, StationRules
from app.services.importer import ImportRejected, import_file
from app.services.reports import product_counts
from app.services.station import Station
from app.store.db import open_replica


def _db_upgrade(args: argparse.Namespace) -> int:
    open_replica(args.db)
    print("Replica schema is up to date.")
    return 0


def _db_backup(args: argparse.Namespace) -> int:
    """A consistent copy of a SQLite replica, safe while the kiosk runs (SQLite's online backup)."""
    engine = open_replica(args.db)
    if engine.url.get_backend_name() != "sqlite" or not engine.url.database:
        print("usher db backup copies a SQLite replica; back up PostgreSQL with pg_dump", file=sys.stderr)
        return 2
    target = Path(args.file)
    if target.exists():
        print(f"{target} exists already — choose a new file name", file=sys.stderr)
        return 2
    with sqlite3.connect(engine.url.database) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    print(f"Backed up {engine.url.database} to {target}")
    return 0


def _import(args: argparse.Namespace) -> int:
    engine = open_replica(args.db)
    try:
        summary = import_file(engine, Path(args.file))
    except ImportRejected as exc:
        print(f"Import rejected, nothing changed: {exc}", file=sys.stderr)
        return 2
    print(f"Imported {summary.events} events, {summary.products} products, {summary.items} items.")
    return 0


def product_id(text: str) -> str:
    """--product: a product ID, or a one-line error saying what one looks like."""
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a product ID — they look like 3f2b6c1e-8a4b-4c1e-9a57-0d3e5b7a2c10 (see `usher stats`)") from None


def _redeem(args: argparse.Namespace) -> int:
    engine = open_replica(args.db)
    rules = StationRules(args.station, Preset(args.preset), frozenset(args.product or ()))
    # The payload as the bytes the shell passed: invalid UTF-8 is the scanner's junk, judged like any code.
    verdict = Station(engine, rules).redeem(os.fsencode(args.payload))
    print(f"{verdict.kind.value}: {headline(verdict.kind)} — {detail(verdict, rules.preset)}")
    if verdict.product_name and shows_item(verdict.kind):
        print(f"  {verdict.product_name} #{verdict.item_number} · {verdict.holder_name}")
    return 0 if verdict.accepted else 1


def _stats(args: argparse.Namespace) -> int:
    rows = product_counts(open_replica(args.db))
    header = ("product", "type", "items", "checked in", "fully used", "uses left")
    table = [header] + [(r.name, r.type, r.issued, r.checked_in, r.fully_used, r.uses_left) for r in rows]
    widths = [max(len(str(row[i])) for row in table) for i in range(len(header))]
    for row in table:
        print("  ".join(str(cell).ljust(w) if i < 2 else str(cell).rjust(w) for i, (cell, w) in enumerate(zip(row, widths))))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    db = subparsers.add_parser("db", help="replica database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply schema migrations").set_defaults(func=_db_upgrade)
    backup = db_sub.add_parser("backup", help="copy the SQLite replica to FILE (safe while the kiosk runs)")
    backup.add_argument("file")
    backup.set_defaults(func=_db_backup)

    imp = subparsers.add_parser("import", help="import events, products and items (JSON or CSV)")
    imp.add_argument("file")
    imp.set_defaults(func=_import)

    redeem = subparsers.add_parser("redeem", help="redeem one scanned payload and print the verdict")
    redeem.add_argument("payload")
    redeem.add_argument("--station", required=True, help="station name, e.g. 'Door 1'")
    redeem.add_argument("--preset", choices=[p.value for p in Preset], default="any",
                        help="which product types the station accepts (door: tickets, bar: vouchers)")
    redeem.add_argument("--product", action="append", type=product_id,
                        help="accept only this product id (repeatable)")
    redeem.set_defaults(func=_redeem)

    subparsers.add_parser("stats", help="per-product counts").set_defaults(func=_stats)
