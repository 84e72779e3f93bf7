"""Manual search over the replica: by holder name, email, or item number."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, func, or_, select

from app.store.db import read_transaction
from app.store.replica import holder_name, items, products

MAX_QUERY_CHARS = 100


@dataclass(frozen=True, slots=True)
class ItemHit:
    item_uuid: str
    item_number: int
    product_name: str
    holder_name: str
    email: str
    uses_total: int
    uses_left: int


def search_items(replica: Engine, query: str, limit: int = 50) -> list[ItemHit]:
    """Items whose holder's name or email contains `query`, or whose item number is `query`."""
    # LIKE wildcards typed by staff are taken as nothing, not as "match anything".
    text = query.strip()[:MAX_QUERY_CHARS].replace("%", "").replace("_", "")
    if not text:
        return []
    pattern = f"%{text.lower()}%"
    full_name = func.lower(func.coalesce(items.c.owner_first_name, "") + " " + func.coalesce(items.c.owner_last_name, ""))
    conditions = [full_name.like(pattern), func.lower(items.c.owner_email).like(pattern)]
    if text.isdigit():
        conditions.append(items.c.item_id == int(text))
    stmt = (
        select(
            items.c.id, items.c.item_id, products.c.name, items.c.owner_first_name, items.c.owner_last_name,
            items.c.owner_email, items.c.redemption_quantity, items.c.confirmed_count, items.c.pending_count,
        )
        .join_from(items, products, items.c.product_id == products.c.id)
        .where(or_(*conditions))
        .order_by(items.c.owner_last_name, items.c.owner_first_name, items.c.item_id)
        .limit(limit)
    )
    with read_transaction(replica) as conn:
        return [
            ItemHit(
                item_uuid=row.id,
                item_number=row.item_id,
                product_name=row.name,
                holder_name=holder_name(row.owner_first_name, row.owner_last_name, row.owner_email),
                email=row.owner_email or "",
                uses_total=row.redemption_quantity,
                uses_left=max(0, row.redemption_quantity - row.confirmed_count - row.pending_count),
            )
            for row in conn.execute(stmt)
        ]
