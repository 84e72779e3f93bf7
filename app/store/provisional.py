"""Provisional items: issued by this replica while the server could not be asked, until the server's
answer (or a read-back) maps each one to the server's item.

A provisional item has a row in `items` under its local id, so the redeem flow treats it as any item
(uses are taken and counted the same way); its uses wait in the outbox until its ISSUE is confirmed. Mapping
moves those uses onto the server's item and points the waiting REDEEM operations at it; the local id stays
in `provisional_items`, so a printed provisional code keeps working.
"""
from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, and_, bindparam, delete, func, insert, or_, select, update

from app.domain.issuance import Counts, Limits, Recipient
from app.domain.signing import ProvisionalCode
from app.store.models import ProvisionalItem
from app.store.outbox import Kind, OpState, outbox
from app.store.replica import items, products

provisional = ProvisionalItem.__table__
CHUNK = 500  # ids per IN (...) list


@dataclass(frozen=True, slots=True)
class ProductFacts:
    id: str
    name: str
    redemption_quantity: int
    limits: Limits


def product_facts(conn: Connection, product_id: str) -> ProductFacts | None:
    row = conn.execute(select(products).where(products.c.id == product_id)).first()
    if row is None:
        return None
    return ProductFacts(row.id, row.name, row.redemption_quantity,
                        Limits(bool(row.active), row.stock, row.max_items, row.max_per_account, row.min_rep_balance or 0))


def counts(conn: Connection, product: ProductFacts, recipients: Sequence[Recipient]) -> Counts:
    """What the replica knows was issued (server items and provisional ones not refused), counted only where
    the product has a limit."""
    limits = product.limits
    waiting = and_(provisional.c.product_id == product.id, provisional.c.server_item_id.is_(None),
                   provisional.c.refused.is_(None))
    issued = 0
    if limits.stock is not None or limits.max_items is not None:
        # The server numbers a product's items 1, 2, 3…: the highest number known is how many it has issued
        # (even when the replica holds only some of them), read from the (product_id, item_id) index at once —
        # where counting a million rows would hold the door. Provisional items not yet confirmed come on top.
        highest = conn.execute(select(func.max(items.c.item_id)).where(items.c.product_id == product.id)).scalar()
        issued = (highest or 0) + (conn.execute(select(func.count()).where(waiting)).scalar() or 0)
    held: dict[str, int] = {}
    if limits.max_per_account is not None:
        refused = select(provisional.c.local_id).where(provisional.c.product_id == product.id,
                                                       provisional.c.refused.is_not(None))
        of_product = and_(items.c.product_id == product.id, items.c.id.not_in(refused))
        # Two queries, not one with OR: by owner id the (product_id, owner_id) index answers at once.
        ids = list({r.user_id for r in recipients if r.user_id})
        emails = list({r.key for r in recipients if not r.user_id})
        if ids:
            held.update(conn.execute(select(items.c.owner_id, func.count())
                                     .where(of_product, items.c.owner_id.in_(ids)).group_by(items.c.owner_id)).all())
        if emails:
            email = func.lower(items.c.owner_email)
            held.update(conn.execute(select(email, func.count()).where(of_product, items.c.owner_id.is_(None),
                                                                       email.in_(emails)).group_by(email)).all())
    return Counts(issued, held)


def create(conn: Connection, product: ProductFacts, recipients: Sequence[Recipient], *, station: str, at: float,
           op_uuid: str, names: dict[str, tuple[str | None, str | None]] | None = None) -> list[str]:
    """One provisional item per recipient, in the caller's transaction (with its ISSUE operation); returns
    their local ids. `names` gives known customers' first and last names, by user id."""
    names = names or {}
    local_ids = [str(uuid.uuid4()) for _ in recipients]
    conn.execute(insert(items), [
        {"id": local_id, "item_id": 0, "product_id": product.id, "owner_id": r.user_id, "owner_email": r.email,
         "owner_first_name": names.get(r.user_id or "", (None, None))[0],
         "owner_last_name": names.get(r.user_id or "", (None, None))[1],
         "redemption_quantity": product.redemption_quantity, "confirmed_count": 0, "pending_count": 0}
        for local_id, r in zip(local_ids, recipients)])
    conn.execute(insert(provisional), [
        {"local_id": local_id, "product_id": product.id, "owner_id": r.user_id, "owner_email": r.email,
         "station": station, "issued_at": at, "issued_here": True, "op_uuid": op_uuid}
        for local_id, r in zip(local_ids, recipients)])
    return local_ids


def adopt(conn: Connection, code: ProvisionalCode) -> bool:
    """Another kiosk's provisional item, from its verified code: held here too, so that its uses are counted
    (a second scan is ALREADY_USED) and wait, like this kiosk's own, for the issue to be confirmed. False when
    the product is not in this replica."""
    product = product_facts(conn, code.product_id)
    if product is None:
        return False
    conn.execute(insert(items).values(id=code.local_id, item_id=0, product_id=product.id,
                                      redemption_quantity=product.redemption_quantity, confirmed_count=0,
                                      pending_count=0))
    conn.execute(insert(provisional).values(local_id=code.local_id, product_id=product.id, station=code.station,
                                            issued_at=float(code.issued_at), issued_here=False))
    return True


def server_item_of(conn: Connection, local_id: str) -> str | None:
    return conn.execute(select(provisional.c.server_item_id).where(provisional.c.local_id == local_id)).scalar()


def map_to_server(conn: Connection, pairs: Sequence[tuple[str, str]]) -> None:
    """The server created each local id as the server item paired with it (whose rows the caller has just
    stored): local uses move onto the server items, waiting uses are sent for them, the local rows go.
    Set-based, since a bulk issue maps thousands at once; ids already mapped are left alone."""
    for start in range(0, len(pairs), CHUNK):
        chunk = dict(pairs[start:start + CHUNK])
        for done in conn.execute(select(provisional.c.local_id).where(provisional.c.local_id.in_(list(chunk)),
                                                                      provisional.c.server_item_id.is_not(None))):
            del chunk[done.local_id]
        if not chunk:
            continue
        conn.execute(update(provisional).where(provisional.c.local_id == bindparam("local"))
                     .values(server_item_id=bindparam("server")),
                     [{"local": local, "server": server} for local, server in chunk.items()])
        used = conn.execute(select(items).where(items.c.id.in_(list(chunk)), or_(
            items.c.pending_count > 0, items.c.first_used_at.is_not(None)))).all()
        for local in used:  # only items admitted before their issue was confirmed: few
            conn.execute(update(items).where(items.c.id == chunk[local.id]).values(
                pending_count=items.c.pending_count + local.pending_count,
                first_used_at=func.coalesce(items.c.first_used_at, local.first_used_at),
                first_used_station=func.coalesce(items.c.first_used_station, local.first_used_station),
                last_used_at=func.coalesce(local.last_used_at, items.c.last_used_at),
                last_used_station=func.coalesce(local.last_used_station, items.c.last_used_station)))
            conn.execute(update(outbox).where(outbox.c.item_uuid == local.id, outbox.c.kind == Kind.REDEEM.value,
                                              outbox.c.state == OpState.PENDING.value)
                         .values(item_uuid=chunk[local.id]))
        conn.execute(delete(items).where(items.c.id.in_(list(chunk))))


def refusal_of(conn: Connection, local_id: str) -> str | None:
    """The server's refusal of this provisional item, if it refused it."""
    return conn.execute(select(provisional.c.refused).where(provisional.c.local_id == local_id)).scalar()


def mark_refused(conn: Connection, local_ids: Sequence[str], message: str) -> None:
    """The server refused to create these: they stay (with their local uses) for the manager to see."""
    conn.execute(update(provisional).where(provisional.c.local_id.in_(list(local_ids))).values(refused=message))
