"""Sub-commands on the replica: db upgrade, db backup, venue init/check (a shared PostgreSQL replica), import,
redeem, stats."""
from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import uuid
from pathlib import Path

from app.config import load_settings_or_explain
from app.domain.presentation import detail, headline, shows_item
from app.domain.rules import Preset, StationRules
from app.services.importer import ImportRejected, import_file
from app.services.reports import product_counts
from app.services.station import Station
from app.store.db import open_replica
from app.store.venue import KIOSK_ROLE, VenueError, check_venue, init_venue


def _db_upgrade(args: argparse.Namespace) -> int:
    open_replica(args.db)
    print("Replica schema is up to date.")
    return 0


def _venue_init(args: argparse.Namespace) -> int:
    if not args.db:
        print("Give the venue database with the owner's URL: usher --db postgresql+psycopg://OWNER@HOST/DB venue init",
              file=sys.stderr)
        return 2
    try:
        setup = init_venue(args.db, role=args.role)
    except VenueError as exc:
        print(f"Venue not set up: {exc}", file=sys.stderr)
        return 2
    print("The venue database is ready: its schema is up to date and the kiosks' role has its rights.")
    print(f"Station setup on each kiosk takes this venue database URL:\n  {setup.kiosk_url}")
    print("The role's new password, shown only now: put this line in ~/.pgpass of each kiosk's user (mode 600):")
    print(f"  {setup.pgpass_line}")
    return 0


def _venue_check(args: argparse.Namespace) -> int:
    result = check_venue(args.db or "")
    print(result.message, file=sys.stdout if result.ok else sys.stderr)
    return 0 if result.ok else 1


def _db_backup(args: argparse.Namespace) -> int:
    """A consistent copy of a SQLite replica, safe while the kiosk runs (SQLite's online backup)."""
    replica = open_replica(args.db)
    if replica.url.get_backend_name() != "sqlite" or not replica.url.database:
        print("usher db backup copies a SQLite replica; back up PostgreSQL with pg_dump", file=sys.stderr)
        return 2
    target = Path(args.file)
    if target.exists():
        print(f"{target} exists already — choose a new file name", file=sys.stderr)
        return 2
    with sqlite3.connect(replica.url.database) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    print(f"Backed up {replica.url.database} to {target}")
    return 0


def _import(args: argparse.Namespace) -> int:
    replica = open_replica(args.db)
    try:
        summary = import_file(replica, Path(args.file))
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
    replica = open_replica(args.db)
    rules = StationRules(args.station, Preset(args.preset), frozenset(args.product or ()))
    # The payload as the bytes the shell passed: invalid UTF-8 is the scanner's junk, judged like any code.
    verdict = Station(replica, rules).redeem(os.fsencode(args.payload))
    print(f"{verdict.kind.value}: {headline(verdict.kind)} — {detail(verdict, rules.preset)}")
    if verdict.product_name and shows_item(verdict.kind):
        settings = load_settings_or_explain()
        holder = "" if settings is None or settings.hide_names else f" · {verdict.holder_name}"
        print(f"  {verdict.product_name} #{verdict.item_number}{holder}")
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

    venue = subparsers.add_parser("venue", help="a venue's shared PostgreSQL replica (docs/venue.md)")
    venue_sub = venue.add_subparsers(dest="venue_command", required=True)
    init = venue_sub.add_parser("init", help="create or upgrade the schema and the kiosks' role (give --db as the owner)")
    init.add_argument("--role", default=KIOSK_ROLE, help=f"the kiosks' database role (default: {KIOSK_ROLE})")
    init.set_defaults(func=_venue_init)
    venue_sub.add_parser("check", help="test the connection to the venue database given with --db"
                         ).set_defaults(func=_venue_check)

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
