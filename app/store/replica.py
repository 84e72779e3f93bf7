"""Queries and writes on the replica that the services share. All take an open Connection."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Connection, Table, and_, case, func, insert, select, update

from app.domain.rules import ItemFacts
from app.store.models import Item, OutboxOp, Product, Scan
from app.store.text import storable_rows

items = Item.__table__
products = Product.__table__
scans = Scan.__table__
outbox = OutboxOp.__table__

PAYLOAD_AUDIT_CHARS = 256


@dataclass(frozen=True, slots=True)
class ItemRecord:
    """An item as the redeem flow sees it: the rule facts plus what the verdict shows."""

    facts: ItemFacts
    item_uuid: str
    item_number: int
    product_name: str
    holder_name: str
    first_used_at: float | None
    first_used_station: str | None
    last_used_at: float | None
    last_used_station: str | None
    redeemed_at: int | None

    def after_use(self, at: float, station: str) -> ItemRecord:
        """This record as take_one_use leaves it (saves reading the row back)."""
        return replace(
            self,
            facts=replace(self.facts, pending_count=self.facts.pending_count + 1),
            first_used_at=self.first_used_at if self.first_used_at is not None else at,
            first_used_station=self.first_used_station if self.first_used_at is not None else station,
            last_used_at=at,
            last_used_station=station,
        )


_ITEM_COLUMNS = (
    items.c.id,
    items.c.item_id,
    items.c.product_id,
    items.c.redemption_quantity,
    items.c.confirmed_count,
    items.c.pending_count,
    items.c.owner_first_name,
    items.c.owner_last_name,
    items.c.owner_email,
    items.c.first_used_at,
    items.c.first_used_station,
    items.c.last_used_at,
    items.c.last_used_station,
    items.c.redeemed_at,
    products.c.type,
    products.c.name,
    products.c.active,
)
_ITEM_QUERY = select(*_ITEM_COLUMNS).join_from(items, products, items.c.product_id == products.c.id)


def holder_name(first: str | None, last: str | None, email: str | None) -> str:
    name = " ".join(part for part in (first, last) if part)
    return name or email or ""


def load_item(conn: Connection, item_uuid: str, for_update: bool = False) -> ItemRecord | None:
    """The item, or None. `for_update` locks its row until the transaction ends (PostgreSQL; SQLite's write
    transaction already holds the whole database), so what the redeem flow shows is what it decided on."""
    query = _ITEM_QUERY.where(items.c.id == item_uuid)
    row = conn.execute(query.with_for_update(of=items) if for_update else query).first()
    if row is None:
        return None
    return ItemRecord(
        facts=ItemFacts(
            product_id=row.product_id,
            product_type=row.type,
            product_active=bool(row.active),
            redemption_quantity=row.redemption_quantity,
            confirmed_count=row.confirmed_count,
            pending_count=row.pending_count,
        ),
        item_uuid=row.id,
        item_number=row.item_id,
        product_name=row.name,
        holder_name=holder_name(row.owner_first_name, row.owner_last_name, row.owner_email),
        first_used_at=row.first_used_at,
        first_used_station=row.first_used_station,
        last_used_at=row.last_used_at,
        last_used_station=row.last_used_station,
        redeemed_at=row.redeemed_at,
    )


def some_item_of(conn: Connection, product_ids: list[str]) -> tuple[str, str] | None:
    """(product id, item id) of one item of these products the replica holds: something known to exist."""
    row = conn.execute(select(items.c.product_id, items.c.id).where(items.c.product_id.in_(product_ids)).limit(1)).first()
    return None if row is None else (row.product_id, row.id)


def take_one_use(conn: Connection, item_uuid: str, at: float, station: str) -> bool:
    """Adds one pending use if one is left. The condition is in the UPDATE itself, so two writers
    (threads, processes, or kiosks sharing a PostgreSQL replica) can never both take the last use."""
    result = conn.execute(
        update(items)
        .where(
            and_(
                items.c.id == item_uuid,
                items.c.confirmed_count + items.c.pending_count < items.c.redemption_quantity,
            )
        )
        .values(
            pending_count=items.c.pending_count + 1,
            first_used_at=func.coalesce(items.c.first_used_at, at),
            first_used_station=case((items.c.first_used_at.is_(None), station), else_=items.c.first_used_station),
            last_used_at=at,
            last_used_station=station,
        )
    )
    return result.rowcount == 1


def give_back_use(conn: Connection, item_uuid: str) -> None:
    """Undo: the item has one pending use less; an item whose only use this was is unused again (it forgets
    when it was "first used")."""
    conn.execute(update(items).where(items.c.id == item_uuid, items.c.pending_count > 0)
                 .values(pending_count=items.c.pending_count - 1))
    conn.execute(update(items).where(items.c.id == item_uuid, items.c.confirmed_count + items.c.pending_count == 0)
                 .values(first_used_at=None, first_used_station=None, last_used_at=None, last_used_station=None))


def append_scan(
    conn: Connection,
    *,
    at: float,
    station: str,
    verdict: str,
    reason: str = "",
    payload: str = "",
    item_uuid: str | None = None,
    product_id: str | None = None,
    uses_left: int | None = None,
    undoes_scan_id: int | None = None,
) -> int:
    result = conn.execute(
        insert(scans).values(
            scanned_at=at,
            station=station,
            verdict=verdict,
            reason=reason,
            payload=payload[:PAYLOAD_AUDIT_CHARS],
            item_uuid=item_uuid,
            product_id=product_id,
            uses_left=uses_left,
            undoes_scan_id=undoes_scan_id,
        )
    )
    return int(result.inserted_primary_key[0])


def upsert(conn: Connection, table: Table, rows: list[dict[str, Any]], only_new: bool = False) -> None:
    """Inserts rows, updating those whose primary key exists (or leaving them alone: `only_new`). Only the
    columns the rows carry are written, so local bookkeeping (pending uses, use times) survives;
    `confirmed_count` only grows. Text is made storable first (app/store/text.py)."""
    if not rows:
        return
    rows = storable_rows(table, rows)
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    stmt = dialect_insert(table)
    key = {c.name for c in table.primary_key.columns}
    updates = {} if only_new else {name: stmt.excluded[name] for name in rows[0] if name not in key}
    if "confirmed_count" in updates:
        updates["confirmed_count"] = larger_of(conn, table.c.confirmed_count, stmt.excluded.confirmed_count)
    stmt = stmt.on_conflict_do_update(index_elements=list(key), set_=updates) if updates else stmt.on_conflict_do_nothing()
    conn.execute(stmt, rows)


def larger_of(conn: Connection, a: Any, b: Any) -> Any:
    """SQL for the larger of two values (SQLite's two-argument max, PostgreSQL's greatest)."""
    return func.greatest(a, b) if conn.dialect.name == "postgresql" else func.max(a, b)


def item_row(
    *,
    id: str,
    item_id: int,
    product_id: str,
    redemption_quantity: int,
    redemption_count: int,
    redeemed_at: int | None,
    user_id: str | None,
    email: str | None,
    first_name: str | None,
    last_name: str | None,
    created_at: str | None,
    updated_at: str | None,
) -> dict[str, Any]:
    """An `items` row from what an export or the API says about an item (server-side facts only)."""
    return {
        "id": id.lower(),
        "item_id": item_id,
        "product_id": product_id.lower(),
        "owner_id": user_id,
        "owner_email": email,
        "owner_first_name": first_name,
        "owner_last_name": last_name,
        "redemption_quantity": redemption_quantity,
        "confirmed_count": min(redemption_count, redemption_quantity),
        "redeemed_at": redeemed_at,
        "created_at": created_at,
        "updated_at": updated_at,
    }
