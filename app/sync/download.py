"""Download: the configured products and their items, page by page, into the replica.

Each page is applied in one transaction together with the cursor that says where to resume, so an
interrupted download continues where it stopped, and a malformed page (a ProtocolError before anything
is written) changes nothing. Later downloads ask only for items changed since the last complete one.
"""
from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import Connection, Engine, select

from app.api.client import ProductsClient
from app.api.models import ItemPage, Product, ProductItem
from app.store.db import write_transaction
from app.store.models import Event, SyncState
from app.store.replica import item_row, items, products, upsert

PAGE_SIZE = 1000
ROWS_PER_TRANSACTION = 5000
SINCE_MARGIN_S = 120  # clock skew and in-flight writes around the previous download
events = Event.__table__
sync_state = SyncState.__table__


def read_state(conn: Connection, key: str) -> Any:
    value = conn.execute(select(sync_state.c.value).where(sync_state.c.key == key)).scalar()
    return None if value is None else json.loads(value)


def write_state(conn: Connection, key: str, value: Any) -> None:
    upsert(conn, sync_state, [{"key": key, "value": json.dumps(value)}])


def product_rows(product: Product) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The event rows (zero or one) and the product row for a product record."""
    data = product.model_dump(mode="json", exclude={"event"})
    data["id"], data["event_id"] = str(product.id), str(product.event_id) if product.event_id else None
    event_rows = []
    if product.event is not None:
        event_rows.append(product.event.model_dump(mode="json") | {"id": str(product.event.id)})
    return event_rows, data


def items_rows(page: list[ProductItem]) -> list[dict[str, Any]]:
    return [
        item_row(
            id=str(i.id), item_id=i.item_id, product_id=str(i.product_id), redemption_quantity=i.redemption_quantity,
            redemption_count=i.redemption_count, redeemed_at=i.redeemed_at, user_id=str(i.user.id),
            email=i.user.email, first_name=i.user.first_name, last_name=i.user.last_name,
            created_at=i.created_at.isoformat(), updated_at=i.updated_at.isoformat(),
        )
        for i in page
    ]


def cache_product(engine: Engine, product: Product) -> None:
    event_rows, row = product_rows(product)
    with write_transaction(engine) as conn:
        upsert(conn, events, event_rows)
        upsert(conn, products, [row])


def cache_item(engine: Engine, item: ProductItem) -> None:
    with write_transaction(engine) as conn:
        upsert(conn, items, items_rows([item]))


def known_product(engine: Engine, product_id: str) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(products.c.id).where(products.c.id == product_id)).first() is not None


def download_product(engine: Engine, client: ProductsClient, product_id: str, use_list: bool = True) -> int:
    """Refreshes one product and (when the server lists items) its items; returns the items applied."""
    cache_product(engine, client.get_product(product_id))
    if not use_list:
        return 0
    cursor_key, since_key = f"download:{product_id}:cursor", f"download:{product_id}:complete_at"
    with engine.connect() as conn:
        cursor = read_state(conn, cursor_key) or {}
        last_complete = read_state(conn, since_key)
    started = cursor.get("started", time.time())
    since = cursor.get("since", None if last_complete is None else int(last_complete) - SINCE_MARGIN_S)
    page_number, applied = cursor.get("page", 1), 0

    def fetch(number: int) -> ItemPage:
        return client.list_items(product_id, page=number, limit=PAGE_SIZE, updated_since=since)

    # The next page is fetched while this one is written: the server's time and ours overlap. Pages are
    # applied a few at a time, each group in one transaction with the cursor that follows it.
    unapplied: list[dict[str, Any]] = []
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="usher-download") as prefetcher:
        upcoming = prefetcher.submit(fetch, page_number)
        while True:
            page = upcoming.result()
            last = len(page.items) < PAGE_SIZE or page_number * PAGE_SIZE >= page.total
            if not last:
                upcoming = prefetcher.submit(fetch, page_number + 1)
            unapplied += items_rows(page.items)
            if last or len(unapplied) >= ROWS_PER_TRANSACTION:
                with write_transaction(engine, replaceable=True) as conn:
                    upsert(conn, items, unapplied)
                    if last:
                        write_state(conn, since_key, started)
                        conn.execute(sync_state.delete().where(sync_state.c.key == cursor_key))
                    else:
                        write_state(conn, cursor_key, {"page": page_number + 1, "since": since, "started": started})
                applied += len(unapplied)
                unapplied = []
            if last:
                return applied
            page_number += 1
