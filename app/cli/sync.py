"""`usher sync [--watch | --probe]` and `usher conflicts`."""
from __future__ import annotations

import argparse
import enum
import sys
import time
from datetime import datetime

from app.config import load_settings_or_explain, save_settings
from app.secrets import load_api_key
from app.services.reports import conflicts, refused_operations
from app.store.db import open_replica, read_transaction
from app.store.models import ConflictKind
from app.store.replica import some_item_of
from app.sync.engine import SyncReport
from app.sync.probe import apply_probe, probe_api
from app.sync.service import NotConfigured, api_settings, build_online_sync
from app.sync.status import Connectivity


class Exit(enum.IntEnum):
    """`usher sync`'s exit status, for scripts (listed in --help)."""

    SYNCED = 0  # every scan is confirmed by the server
    WAITING = 1  # some scans still wait: the server did not answer, or another process is uploading
    NOT_CONFIGURED = 2  # no API address, key or product set up, or the settings cannot be used
    PAUSED = 3  # the server refused the API key: nothing is sent until it is fixed
    CONFLICTS = 4  # the server refused scans accepted here, or they cannot be confirmed: see `usher conflicts`
    UNKNOWN_PRODUCT = 5  # a configured product is not on the server


EXIT_HELP = "exit status:\n" + "\n".join(f"  {code.value}  {code.name.lower().replace('_', ' ')}: "
                                         f"{_why}" for code, _why in (
    (Exit.SYNCED, "every scan is confirmed by the server"),
    (Exit.WAITING, "scans still wait (server unreachable, or another sync process is uploading)"),
    (Exit.NOT_CONFIGURED, "no API address, key or product set up"),
    (Exit.PAUSED, "the server refused the API key"),
    (Exit.CONFLICTS, "the server refused scans accepted here, or they cannot be confirmed (usher conflicts)"),
    (Exit.UNKNOWN_PRODUCT, "a configured product is not on the server"),
))


def _sync(args: argparse.Namespace) -> int:
    settings = load_settings_or_explain(args.api)
    if settings is None:
        return Exit.NOT_CONFIGURED
    if args.product:
        settings.product_ids = args.product
    if args.probe:
        return _probe(settings, args)
    try:
        replica = open_replica(settings.replica_url(args.db))
        sync = build_online_sync(replica, settings, load_api_key(settings.api.base_url))
    except NotConfigured:
        print("No Products API set up: give --api URL and set the key (USHER_API_KEY or station setup).",
              file=sys.stderr)
        return Exit.NOT_CONFIGURED
    except ValueError as exc:
        print(f"API settings cannot be used: {exc}", file=sys.stderr)
        return Exit.NOT_CONFIGURED
    engine = sync.engine
    if args.watch:
        engine.start()
        try:
            while True:
                print(engine.status().message, flush=True)
                time.sleep(args.interval)
        except KeyboardInterrupt:
            engine.stop()
            return Exit.SYNCED
    report = engine.run_once()
    print(f"Sent {report.sent} ({report.confirmed} confirmed, {report.rejected} refused, "
          f"{report.unknown} unknown, {report.doubtful} to check, {report.reconciled} reconciled); "
          f"downloaded {report.downloaded} items.")
    for error in report.errors[:5]:
        print(f"  {error}")
    status = engine.status()
    print(status.message)
    if not settings.product_ids:
        print("No product configured, so nothing was downloaded: give --product ID (or choose products in "
              "station setup).", file=sys.stderr)
    return _exit_status(report, status.connectivity is Connectivity.PAUSED, status.waiting, bool(settings.product_ids))


def _exit_status(report: SyncReport, paused: bool, waiting: int, has_products: bool) -> Exit:
    if paused:
        return Exit.PAUSED
    if not has_products:
        return Exit.NOT_CONFIGURED
    if report.unknown_products:
        return Exit.UNKNOWN_PRODUCT
    if report.rejected or report.doubtful:
        return Exit.CONFLICTS
    if waiting or report.errors or report.other_uploader:
        return Exit.WAITING
    return Exit.SYNCED


def _probe(settings, args: argparse.Namespace) -> int:  # type: ignore[no-untyped-def]
    """Tests the connection, prints what the server offers, and stores the capabilities it could tell."""
    try:
        api = api_settings(settings, load_api_key(settings.api.base_url))
    except (NotConfigured, ValueError) as exc:
        print(f"No usable Products API set up: {exc}", file=sys.stderr)
        return Exit.NOT_CONFIGURED
    report = probe_api(api, settings.product_ids, item_id=_some_item(args.db, settings.product_ids))
    print(f"Reachable: {'yes' if report.reachable else 'no'}; key accepted: {'yes' if report.key_accepted else 'no'}; "
          f"may write: {_yes_no(report.write_allowed)}")
    for capability, offered in report.capabilities.items():
        print(f"  {capability.endpoint}: {_yes_no(offered)}")
    for product_id, name in report.products.items():
        print(f"  product {product_id}: {name}")
    for message in report.messages:
        print(message)
    flags = apply_probe({"list_items": settings.api.list_items, "get_item": settings.api.get_item,
                         "sales": settings.api.sales}, report)
    settings.api = settings.api.model_copy(update=flags)
    if not args.api:  # a one-off --api address is not the station's: keep its settings as they are
        save_settings(settings)
    if report.reachable and not report.key_accepted:
        return Exit.PAUSED
    if not report.reachable:
        return Exit.WAITING
    return Exit.UNKNOWN_PRODUCT if len(report.known_products) < len(report.products) else Exit.SYNCED


def _some_item(db: str | None, product_ids: list[str]) -> str | None:
    """An item the replica knows, to test reading single items with."""
    with read_transaction(open_replica(db)) as conn:
        known = some_item_of(conn, product_ids)
    return None if known is None else known[1]


def _yes_no(value: bool | None) -> str:
    return "could not be told" if value is None else ("yes" if value else "no")


def _conflicts(args: argparse.Namespace) -> int:
    settings = load_settings_or_explain()
    replica = open_replica(settings.replica_url(args.db) if settings else args.db)
    rows, refused = conflicts(replica), refused_operations(replica)
    for operation in refused:
        when = datetime.fromtimestamp(operation.refused_at).strftime("%Y-%m-%d %H:%M:%S")
        print(f"Voucherify refused {operation.subject} at {when}: {operation.message}")
    if not rows:
        print("No conflicts.")
        return 0
    refused = [r for r in rows if r.kind is ConflictKind.REFUSED]
    print(f"{len(refused)} use(s) accepted here and refused by the server; "
          f"{len(rows) - len(refused)} the server could not confirm (check each item):")
    for row in rows:
        print("  " + _conflict_line(row, hide_names=settings is None or settings.hide_names))
    return 0


def _conflict_line(row, hide_names: bool) -> str:  # type: ignore[no-untyped-def]
    """One conflict in local time: the ticket, where and when it was accepted, and what the server said."""
    ticket = f"#{row.item_number}" if row.item_number else row.item_uuid
    holder = "" if hide_names or not row.holder_name else f" ({row.holder_name})"
    scanned = datetime.fromtimestamp(row.scanned_at).strftime("%Y-%m-%d %H:%M:%S")
    other = ""
    if row.other_used_at is not None:
        other = f"; used {'at ' + row.other_station + ' ' if row.other_station else ''}" \
                f"{datetime.fromtimestamp(row.other_used_at).strftime('%H:%M:%S')}"
    what = "refused" if row.kind is ConflictKind.REFUSED else "not confirmed"
    return (f"{row.product_name or 'item'} {ticket}{holder}: accepted at {row.station} {scanned}{other}; "
            f"{what}: {row.server_message}")


def register(subparsers: argparse._SubParsersAction) -> None:
    sync = subparsers.add_parser("sync", help="upload waiting scans, then download the configured products",
                                 epilog=EXIT_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    sync.add_argument("--watch", action="store_true", help="keep syncing until interrupted")
    sync.add_argument("--probe", action="store_true",
                      help="test the connection and which optional endpoints the server offers, and remember them")
    sync.add_argument("--interval", type=float, default=5.0, help="seconds between status lines with --watch")
    sync.add_argument("--api", help="API base URL (default: from the settings)")
    sync.add_argument("--product", action="append", help="product id to download (repeatable; default: settings)")
    sync.set_defaults(func=_sync)
    subparsers.add_parser("conflicts", help="redemptions the server refused after this kiosk accepted them") \
        .set_defaults(func=_conflicts)
