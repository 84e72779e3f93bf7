"""`usher sync [--watch]` and `usher conflicts`."""
from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime

from app.config import load_settings_or_explain
from app.secrets import load_api_key
from app.services.reports import conflicts
from app.store.db import open_replica
from app.sync.service import NotConfigured, build_online_sync


def _sync(args: argparse.Namespace) -> int:
    settings = load_settings_or_explain()
    if settings is None:
        return 2
    if args.api:
        settings.api.base_url = args.api.rstrip("/")
    if args.product:
        settings.product_ids = args.product
    try:
        sync = build_online_sync(open_replica(args.db), settings, load_api_key())
    except NotConfigured:
        print("No Products API set up: give --api URL and set the key (USHER_API_KEY or station setup).",
              file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"API settings cannot be used: {exc}", file=sys.stderr)
        return 2
    engine = sync.engine
    if args.watch:
        engine.start()
        try:
            while True:
                print(engine.status().message, flush=True)
                time.sleep(args.interval)
        except KeyboardInterrupt:
            engine.stop()
            return 0
    report = engine.run_once()
    print(f"Sent {report.sent} ({report.confirmed} confirmed, {report.rejected} refused, "
          f"{report.unknown} unknown, {report.reconciled} reconciled); downloaded {report.downloaded} items.")
    for error in report.errors[:5]:
        print(f"  {error}")
    print(engine.status().message)
    return 0 if not report.errors else 1


def _conflicts(args: argparse.Namespace) -> int:
    rows = conflicts(open_replica(args.db))
    if not rows:
        print("No conflicts.")
        return 0
    print(f"{len(rows)} redemption(s) accepted here and refused by the server:")
    for row in rows:
        scanned = datetime.fromtimestamp(row.scanned_at).strftime("%Y-%m-%d %H:%M:%S")
        refused = datetime.fromtimestamp(row.refused_at).strftime("%H:%M:%S")
        print(f"  item {row.item_uuid} at {row.station}, scanned {scanned}, refused {refused}: {row.server_message}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    sync = subparsers.add_parser("sync", help="upload waiting scans, then download the configured products")
    sync.add_argument("--watch", action="store_true", help="keep syncing until interrupted")
    sync.add_argument("--interval", type=float, default=5.0, help="seconds between status lines with --watch")
    sync.add_argument("--api", help="API base URL (default: from the settings)")
    sync.add_argument("--product", action="append", help="product id to download (repeatable; default: settings)")
    sync.set_defaults(func=_sync)
    subparsers.add_parser("conflicts", help="redemptions the server refused after this kiosk accepted them") \
        .set_defaults(func=_conflicts)
