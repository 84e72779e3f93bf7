"""`usher issue` (one recipient, or a CSV file of them), `usher customers` and `usher venue-key`."""
from __future__ import annotations

import argparse
import csv
import enum
import hashlib
import sys
import time
import uuid
from contextlib import nullcontext
from pathlib import Path

from app.api.client import ProductsClient
from app.api.errors import ApiError, NotFound
from app.config import Settings, load_settings_or_explain
from app.domain.issuance import Refused, is_email
from app.secrets import load_api_key
from app.services.issuer import BatchOutcome, Issued, Issuer
from app.store import customers, venue_keys
from app.store import outbox as ob
from app.store.db import open_replica, read_transaction, write_transaction
from app.sync.customers import download_customers
from app.sync.download import cache_product
from app.sync.engine import SyncEngine
from app.sync.service import NotConfigured, api_settings, build_online_sync

MAX_CSV_BYTES = 20_000_000


class Exit(enum.IntEnum):
    ISSUED = 0  # every item is confirmed by the server (or, --offline, written here)
    WAITING = 1  # some wait: the server could not be reached or has not answered; `usher sync` sends them
    BAD_INPUT = 2  # nothing was issued: the input or the settings cannot be used
    REFUSED = 3  # the rules or the server refused some or all of them


class BadInput(Exception):
    pass


def read_recipients(path: Path) -> list[str]:
    """A CSV file's recipients: the first column (or the one headed email/user/user_id), each an email or a
    user id. Any bad line fails the whole file, naming the lines, so that nothing is issued from half a file."""
    try:
        if path.stat().st_size > MAX_CSV_BYTES:
            raise BadInput(f"{path} is larger than {MAX_CSV_BYTES // 1_000_000} MB")
        rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise BadInput(f"{path} cannot be read as a UTF-8 CSV file: {exc}") from None
    column, start = 0, 0
    if rows and rows[0]:
        header = [h.strip().lower() for h in rows[0]]
        named = [n for n, h in enumerate(header) if h in ("email", "emails", "user", "user_id", "id")]
        if named or not _recipient(rows[0][0]):
            column, start = (named[0] if named else 0), 1
    recipients, bad = [], []
    for number, row in enumerate(rows[start:], start + 1):
        text = row[column].strip() if len(row) > column else ""
        if not text and not any(cell.strip() for cell in row):
            continue  # blank lines
        if _recipient(text):
            recipients.append(text)
        else:
            bad.append(f"line {number}: {text[:60]!r}")
    if bad:
        shown = "; ".join(bad[:5]) + (f"; and {len(bad) - 5} more" if len(bad) > 5 else "")
        raise BadInput(f"{len(bad)} line(s) of {path} hold neither an email address nor a user id ({shown}); "
                       "nothing was issued")
    if not recipients:
        raise BadInput(f"{path} lists no recipients")
    return recipients


def _recipient(text: str) -> bool:
    return is_email(text) or _is_uuid(text)


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return len(text) == 36


def _issue(args: argparse.Namespace) -> int:
    settings = load_settings_or_explain(args.api)
    if settings is None:
        return Exit.BAD_INPUT
    try:
        recipients = read_recipients(Path(args.csv)) if args.csv else [w.strip() for w in args.email]
    except BadInput as exc:
        print(exc, file=sys.stderr)
        return Exit.BAD_INPUT
    if args.admit and len(recipients) != 1:
        print("--admit is for one recipient at the door: give one --email", file=sys.stderr)
        return Exit.BAD_INPUT
    replica = open_replica(args.db)
    issuer = Issuer(replica, settings.station.name)
    sync = None
    if not args.offline and (sync := _online(replica, settings)) is None:
        return Exit.BAD_INPUT
    with ProductsClient(sync.api, on_call=sync._observe) if sync else nullcontext() as client:
        if client is not None and not _refresh_product(replica, client, args.product):
            return Exit.BAD_INPUT
        issued = _write(issuer, args, recipients, settings)
        if isinstance(issued, Refused):
            print(f"Refused ({issued.rule.value}): {issued.reason}. Nothing was issued.", file=sys.stderr)
            return Exit.REFUSED
        for email in issued.pending_customers[:5]:
            print(f"Pending customer (not in the local list; the server decides): {email}")
        outcomes = issuer.outcomes(issued.op_uuids) if sync is None else _send(issuer, sync, client, issued)
    if len(recipients) == 1:
        print(f"Code: {issuer.codes(issued.local_ids)[issued.local_ids[0]]}")
    return _report(outcomes, offline=sync is None)


def _write(issuer: Issuer, args: argparse.Namespace, recipients: list[str], settings: Settings) -> Issued | Refused:
    """Records the issue (and, with --admit, the admission) in the replica, before anything is sent."""
    if args.admit:
        issued, verdict = issuer.issue_and_admit(args.product, recipients[0], settings.station.rules())
        if verdict is not None:
            print(f"Admitted: {verdict.kind.value} {verdict.reason}".rstrip())
        return issued
    run = _digest(args.product, recipients) if args.csv else None
    if args.again and run is not None:
        issuer.forget_run(run)
    return issuer.issue(args.product, recipients, run=run)


def _online(replica, settings: Settings) -> SyncEngine | None:  # type: ignore[no-untyped-def]
    try:
        return build_online_sync(replica, settings, load_api_key(settings.api.base_url)).engine
    except NotConfigured:
        print("No Products API set up (give --api URL and set USHER_API_KEY), or use --offline.", file=sys.stderr)
    except ValueError as exc:
        print(f"API settings cannot be used: {exc}", file=sys.stderr)
    return None


def _refresh_product(replica, client: ProductsClient, product_id: str) -> bool:  # type: ignore[no-untyped-def]
    """The product's record (and limits) from the server; offline, the replica's copy is used."""
    try:
        cache_product(replica, client.get_product(product_id))
    except NotFound:
        print(f"Product {product_id} is not on the server. Nothing was issued.", file=sys.stderr)
        return False
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return False
    except ApiError:
        pass  # unreachable: the issue is written here and waits for the server
    return True


def _send(issuer: Issuer, sync: SyncEngine, client: ProductsClient, issued: Issued) -> list[BatchOutcome]:
    total = len(issued.op_uuids)

    def progress(done: int, _total: int) -> None:
        bar = "#" * (20 * done // total)
        print(f"\rIssuing [{bar:<20}] {done}/{total} batches", end="", file=sys.stderr, flush=True)

    try:
        return issuer.send(sync, client, issued.op_uuids, deadline_s=2 * sync.settle_window_s, progress=progress)
    finally:
        print(file=sys.stderr)
        sync.release_lease()


def _report(outcomes: list[BatchOutcome], *, offline: bool) -> int:
    count = {state: sum(len(o.recipients) for o in outcomes if o.state is state) for state in ob.OpState}
    waiting = sum(count[state] for state in ob.WAITING)  # of this issue's recipients
    print(f"Issued {count[ob.OpState.DONE]}; refused {count[ob.OpState.REJECTED]}; "
          f"{'written here, to send with usher sync' if offline else 'waiting'} {waiting}; "
          f"to check {count[ob.OpState.DOUBTFUL]}.")
    for o in outcomes:
        if o.state in (ob.OpState.REJECTED, ob.OpState.DOUBTFUL):
            print(f"  {len(o.recipients)} recipient(s) from {o.recipients[0]}: {o.message}")
    if count[ob.OpState.REJECTED] or count[ob.OpState.DOUBTFUL]:
        return Exit.REFUSED
    return Exit.WAITING if waiting else Exit.ISSUED


def _digest(product_id: str, recipients: list[str]) -> str:
    return hashlib.sha256("\n".join([product_id.lower(), *recipients]).encode()).hexdigest()[:32]


def _customers(args: argparse.Namespace) -> int:
    replica = open_replica(args.db)
    if args.download:
        settings = load_settings_or_explain(args.api)
        if settings is None:
            return Exit.BAD_INPUT
        try:
            with ProductsClient(api_settings(settings, load_api_key(settings.api.base_url))) as client:
                stored = download_customers(replica, client)
        except (NotConfigured, ValueError) as exc:
            print(f"No usable Products API set up: {exc}", file=sys.stderr)
            return Exit.BAD_INPUT
        except ApiError as exc:
            print(f"The customers could not be downloaded: {exc}", file=sys.stderr)
            return Exit.WAITING
        print(f"Downloaded {stored} customers.")
    with read_transaction(replica) as conn:
        if not args.query:
            print(f"{customers.count(conn)} customers in the local list.")
            return Exit.ISSUED
        found = customers.search(conn, " ".join(args.query))
    for c in found:
        print(f"{c.id}  {c.email or '':<40} {c.name}")
    if not found:
        print("No customer matches.")
    return Exit.ISSUED


def _venue_key(args: argparse.Namespace) -> int:
    replica = open_replica(args.db)
    with write_transaction(replica) as conn:
        if args.trust:
            try:
                key_id = venue_keys.trust(conn, args.trust, time.time())
            except ValueError as exc:
                print(f"Not a public key: {exc}", file=sys.stderr)
                return Exit.BAD_INPUT
            print(f"Provisional codes signed with key {key_id} are now admitted here.")
            return Exit.ISSUED
        key = venue_keys.signing_key(conn)
        if key is None or args.new:
            key = venue_keys.make(conn, time.time())
    print(f"Key {key.key_id}; give the venue's other kiosks its public half: usher venue-key --trust {key.public_hex}")
    return Exit.ISSUED


def register(subparsers: argparse._SubParsersAction) -> None:
    issue = subparsers.add_parser("issue", help="issue items of a product to customers, online or offline")
    issue.add_argument("--product", required=True, help="the product id")
    who = issue.add_mutually_exclusive_group(required=True)
    who.add_argument("--email", action="append", help="a recipient's email or user id (repeatable)")
    who.add_argument("--csv", help="a CSV file with a column of emails or user ids (batches of 550)")
    issue.add_argument("--admit", action="store_true", help="also admit the recipient now (the walk-up sale)")
    issue.add_argument("--offline", action="store_true", help="write the items here; `usher sync` sends them")
    issue.add_argument("--again", action="store_true", help="issue the same file a second time, on purpose")
    issue.add_argument("--api", help="API base URL (default: from the settings)")
    issue.set_defaults(func=_issue)
    people = subparsers.add_parser("customers", help="search the project's customers (offline), or download them")
    people.add_argument("query", nargs="*", help="part of a name or an email")
    people.add_argument("--download", action="store_true", help="download the customers from the API first")
    people.add_argument("--api", help="API base URL (default: from the settings)")
    people.set_defaults(func=_customers)
    key = subparsers.add_parser("venue-key", help="the key that signs provisional codes: show, make, or trust one")
    key.add_argument("--new", action="store_true", help="make a new key pair")
    key.add_argument("--trust", metavar="PUBLIC_KEY", help="admit codes signed by another kiosk's key (64 hex digits)")
    key.set_defaults(func=_venue_key)
