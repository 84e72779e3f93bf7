"""What Voucherify should hear: each downloaded product whose upsert body changed since it was last sent.

The body last sent is kept in sync_state (`voucherify:<product id>`), so a product is pushed when it is new
or when something Voucherify shows (name, price, type, uses, active, event) changed, and never twice for
the same change.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, select

from app.api.errors import ApiError, AuthError
from app.store.db import read_transaction, write_transaction
from app.store.models import Event
from app.store.replica import products
from app.sync.download import read_state, write_state
from app.voucherify.catalog import ProductFacts, upsert_body
from app.voucherify.client import VoucherifyClient

events = Event.__table__


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


def push_now(engine: Engine, client: VoucherifyClient, product_ids: list[str] | None = None) -> PushReport:
    """Upserts what changed, at once (`usher voucherify push`). An upsert is idempotent by `source_id`, so a
    lost answer is simply sent again next time."""
    with read_transaction(engine) as conn:
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
        with write_transaction(engine) as conn:
            record_sent(conn, change)
        report.sent.append((change, answer.id))
    return report


def _key(product_id: str) -> str:
    return f"voucherify:{product_id}"
