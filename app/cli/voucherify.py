"""`usher voucherify push`: upsert the products that changed into Voucherify now, and say what changed."""
from __future__ import annotations

import argparse
import getpass
import sys

from app.api.errors import ApiError, AuthError
from app.config import load_settings_or_explain
from app.secrets import load_voucherify_token, store_voucherify_token
from app.store.db import open_replica
from app.voucherify.client import VoucherifyClient
from app.voucherify.push import push_now
from app.voucherify.settings import voucherify_settings


def _push(args: argparse.Namespace) -> int:
    settings = load_settings_or_explain()
    if settings is None:
        return 2
    try:
        target = voucherify_settings(settings, load_voucherify_token())
    except ValueError as exc:
        print(f"Voucherify settings cannot be used: {exc}", file=sys.stderr)
        return 2
    if target is None:
        print("Voucherify is not set up: set voucherify.app_id in the settings, and store the app token with "
              "`usher voucherify token` (or USHER_VOUCHERIFY_TOKEN).", file=sys.stderr)
        return 2
    try:
        with VoucherifyClient(target) as client:
            report = push_now(open_replica(args.db), client, args.product)
    except AuthError:
        print("Voucherify refused the app id or token: check them.", file=sys.stderr)
        return 3
    except ApiError as exc:
        print(f"Voucherify did not answer: {exc}", file=sys.stderr)
        return 1
    for change, voucherify_id in report.sent:
        what = "new" if not change.fields else "changed: " + ", ".join(change.fields)
        print(f"{change.name} → {voucherify_id} ({what})")
    for name, why in report.refused:
        print(f"{name}: not sent — {why}")
    print(f"{len(report.sent)} upserted, {len(report.refused)} refused, {report.unchanged} unchanged.")
    return 1 if report.refused else 0


def _token(args: argparse.Namespace) -> int:
    """Stores the app token like the API key: read from standard input, never from the command line."""
    token = (getpass.getpass("Voucherify app token: ") if sys.stdin.isatty() else sys.stdin.readline()).strip()
    if not token or not token.isprintable() or any(c.isspace() for c in token):
        print("That is not a token: it is empty or contains spaces or control characters.", file=sys.stderr)
        return 2
    store_voucherify_token(token)
    print("Stored.")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    voucherify = subparsers.add_parser("voucherify", help="the product catalog in Voucherify")
    actions = voucherify.add_subparsers(dest="action", required=True)
    push = actions.add_parser("push", help="upsert the products that changed since they were last sent, now")
    push.add_argument("--product", action="append", help="only this product id (repeatable)")
    push.set_defaults(func=_push)
    actions.add_parser("token", help="store Voucherify's app token (read from standard input)").set_defaults(func=_token)
