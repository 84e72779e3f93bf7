"""`usher voucherify push`: upsert the products that changed into Voucherify now, and say what changed."""
from __future__ import annotations

import argparse
import os
import sys

from app.api.errors import ApiError, AuthError
from app.config import Settings, load_settings_or_explain
from app.store.db import open_replica
from app.voucherify.client import VoucherifyClient
from app.voucherify.push import push_now
from app.voucherify.settings import VoucherifySettings

TOKEN_VARIABLE = "USHER_VOUCHERIFY_TOKEN"


def voucherify_settings(settings: Settings, token: str) -> VoucherifySettings | None:
    """The runtime settings, or None while Voucherify is not set up; ValueError with a plain reason."""
    config = settings.voucherify
    if not config.app_id:
        return None
    return VoucherifySettings(config.app_id, token, cluster=config.cluster, address=config.address)


def _push(args: argparse.Namespace) -> int:
    settings = load_settings_or_explain()
    if settings is None:
        return 2
    try:
        target = voucherify_settings(settings, os.environ.get(TOKEN_VARIABLE, ""))
    except ValueError as exc:
        print(f"Voucherify settings cannot be used: {exc}", file=sys.stderr)
        return 2
    if target is None:
        print("Voucherify is not set up: set voucherify.app_id in the settings and the token in "
              f"{TOKEN_VARIABLE}.", file=sys.stderr)
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


def register(subparsers: argparse._SubParsersAction) -> None:
    voucherify = subparsers.add_parser("voucherify", help="the product catalog in Voucherify")
    actions = voucherify.add_subparsers(dest="action", required=True)
    push = actions.add_parser("push", help="upsert the products that changed since they were last sent, now")
    push.add_argument("--product", action="append", help="only this product id (repeatable)")
    push.set_defaults(func=_push)
