"""What Voucherify should hear: each downloaded product whose upsert body changed since it was last sent.

The body last sent (or queued) is kept in sync_state (`voucherify:<product id>`), so a product is pushed
when it is new or when something Voucherify shows (name, price, type, uses, active, event) changed, and
never twice for the same change. The sync engine queues changes after each product refresh and lets the
`CatalogUploader` send them; `usher voucherify push` sends them at once.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, select

from app.api.errors import ApiError, AuthError
from app.store import lease, outbox
from app.store.db import read_transaction, write_transaction
from app.store.models import Event
from app.store.replica import products
from app.store.sync_state import read_state, write_state
from app.voucherify.catalog import ProductFacts, upsert_body
from app.voucherify.client import VoucherifyClient
from app.voucherify.settings import VoucherifySettings

log = logging.getLogger(__name__)
events = Event.__table__
CATALOG_LEASE = "voucherify"


@dataclass(frozen=True, slots=True)
class Change:
    product_id: str
    name: str
    body: dict[str, object]
    fields: tuple[str, ...]  # what differs from the body last sent; empty: never sent


@dataclass
class ChangeSet:
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    unusable: list[tuple[str, str]] = field(default_factory=list)  # (product name, why it cannot be sent)


@dataclass
class PushReport:
    sent: list[tuple[Change, str]] = field(default_factory=list)  # (change, Voucherify's product id)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (product name, Voucherify's message or why not)
    unchanged: int = 0


def changes(conn: Connection, product_ids: list[str] | None = None) -> ChangeSet:
    """Products of the replica (or just these) whose body differs from the one last sent."""
    query = (select(products.c.id, products.c.name, products.c.price, products.c.type, products.c.redemption_quantity,
                    products.c.active, products.c.event_id, events.c.name.label("event_name"))
             .join_from(products, events, products.c.event_id == events.c.id, isouter=True).order_by(products.c.name))
    if product_ids:
        query = query.where(products.c.id.in_(product_ids))
    found = ChangeSet()
    for row in conn.execute(query):
        try:
            body = upsert_body(ProductFacts(row.id, row.name, row.price or "0", row.type, row.redemption_quantity,
                                            bool(row.active), row.event_id, row.event_name))
        except ValueError as exc:
            found.unusable.append((row.name, str(exc)))
            continue
        last = read_state(conn, _key(row.id))
        if last == body:
            found.unchanged += 1
            continue
        differing = () if last is None else tuple(sorted(k for k in body if body[k] != last.get(k)))
        found.changes.append(Change(row.id, row.name, body, differing))
    return found


def record_sent(conn: Connection, change: Change) -> None:
    write_state(conn, _key(change.product_id), change.body)


def push_now(replica: Engine, client: VoucherifyClient, product_ids: list[str] | None = None) -> PushReport:
    """Upserts what changed, at once (`usher voucherify push`). An upsert is idempotent by `source_id`, so a
    lost answer is simply sent again next time."""
    with read_transaction(replica) as conn:
        pending = changes(conn, product_ids)
    report = PushReport(unchanged=pending.unchanged, refused=list(pending.unusable))
    for change in pending.changes:
        try:
            answer = client.upsert_product(change.body)
        except ApiError as exc:
            if exc.transient or isinstance(exc, AuthError):  # nothing else will fare better: stop here
                raise
            report.refused.append((change.name, exc.message))
            continue
        with write_transaction(replica) as conn:
            record_sent(conn, change)
        report.sent.append((change, answer.id))
    return report


def _key(product_id: str) -> str:
    return f"voucherify:{product_id}"


def queue_changes(replica: Engine, product_ids: list[str], now: float) -> int:
    """After a product refresh: each product whose body changed is queued as a CATALOG operation in the
    outbox (sent by `CatalogUploader`, waiting like a redemption while Voucherify cannot be reached)."""
    with write_transaction(replica) as conn:
        pending = changes(conn, product_ids)
        for change in pending.changes:
            outbox.enqueue(conn, outbox.Kind.CATALOG, item_uuid=change.product_id, product_id=change.product_id,
                           at=now, station="", payload=change.body)
            record_sent(conn, change)  # what Voucherify will hold: the next change is measured against it
        for name, why in pending.unusable:
            log.warning("Product %s cannot be sent to Voucherify: %s", name, why)
    return len(pending.changes)


class CatalogUploader:
    """Sends the queued CATALOG operations to Voucherify, one holder at a time (its own lease). An upsert is
    idempotent by `source_id`, so a lost answer is simply sent again; a refusal is kept, with Voucherify's
    message, for the manager (`usher conflicts`)."""

    def __init__(self, replica: Engine, settings: VoucherifySettings, clock: Callable[[], float] = time.time,
                 retry_s: float = 30.0) -> None:
        self.replica, self.settings, self.clock, self.retry_s = replica, settings, clock, retry_s
        self.owner = lease.new_owner()

    def after_download(self, product_ids: list[str]) -> None:
        queue_changes(self.replica, product_ids, self.clock())

    def upload(self) -> PushReport:
        """One pass: sends what is due, holding the catalog lease only while it does."""
        report = PushReport()
        try:
            self._upload(report)
        finally:
            with write_transaction(self.replica) as conn:
                lease.release(conn, CATALOG_LEASE, self.owner)
        return report

    def _upload(self, report: PushReport) -> None:
        with VoucherifyClient(self.settings) as client:
            while True:
                now = self.clock()
                with write_transaction(self.replica) as conn:
                    if not lease.acquire(conn, CATALOG_LEASE, self.owner, now, self.settings.timeouts.total + 10):
                        return
                    # Left in flight by an uploader that died: an upsert is simply sent again.
                    outbox.take_over_interrupted(conn, self.owner, now, 0.0, kinds=(outbox.Kind.CATALOG,))
                    ready = outbox.next_to_send(conn, now, 1, kinds=(outbox.Kind.CATALOG,))
                    sending = ready and outbox.mark_sending(conn, ready[0], self.owner, now, 0.0, expected_count=None)
                if not sending or not self._send(client, sending, report):
                    return

    def _send(self, client: VoucherifyClient, op: outbox.Operation, report: PushReport) -> bool:
        change = Change(op.product_id, str(op.payload.get("name", "")), op.payload, ())
        try:
            answer = client.upsert_product(op.payload)
        except ApiError as exc:
            now = self.clock()
            with write_transaction(self.replica, replaceable=True) as conn:
                if exc.transient or isinstance(exc, AuthError):
                    outbox.hand_back(conn, op, self.owner, exc.message, now + self.retry_s, now)
                    return False
                outbox.reject(conn, op, f"Voucherify refused: {exc.message}", now)
            report.refused.append((change.name, exc.message))
            return True
        with write_transaction(self.replica, replaceable=True) as conn:
            outbox.confirm(conn, op, None, None, self.clock())
        report.sent.append((change, answer.id))
        return True
