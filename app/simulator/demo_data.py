"""The simulator's `seed="demo"`: the demo event of `app.demo_data`, served by the simulated API.

The ids are those of `app.demo_data` (uuid5 of readable names), so the simulator, the demo replica
(resources/demo/replica.json) and the tests agree on every event, product, user and item:

    DEMO_EVENT_ID        123040b8-90c0-5033-9bc3-7d8f3143614a  "Usher Demo Night" (reference "usher-demo-night")
    GA_PRODUCT_ID        abd24df5-9e2f-5941-a795-591b805735df  General Admission: admission, 1 use, 40 items
    VIP_PRODUCT_ID       7323b77c-bb30-5a13-a9ed-d531c110461f  VIP: admission, 1 use, 10 items
    DRINKS_PRODUCT_ID    bb9ec88d-1e5c-543c-9b59-a659e52c6f67  Drinks ×3: perks, 3 uses, 30 items
    INACTIVE_PRODUCT_ID  20c1994d-cb39-5b8e-b4ea-dc86e6c1148b  Early Bird (closed): presale, inactive, 5 items

Items are numbered 1..n per product; `app.demo_data.item_uuid(product, n)` gives item n's UUID and
`item_owner(product, n)` its owner among the 20 demo users. No item is redeemed yet. The first ten
items of General Admission and VIP each come with a sale. For benchmarks, `add_bulk_items` adds N items
(of a "Benchmark Pass" product by default) straight into a simulator database file.
"""
from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path
from uuid import UUID

from app import demo_data as shared
from app.simulator import db
from app.simulator.auth import KeyAccess
from app.simulator.catalog import insert_product, product_spec
from app.simulator.items import insert_bulk

DEMO_PROJECT_ID = UUID(shared.demo_uuid("project:usher-demo"))
DEMO_EVENT_ID = UUID(shared.EVENT_ID)
DEMO_EVENT_REFERENCE_ID = "usher-demo-night"
GA_PRODUCT_ID = UUID(shared.GA.id)
VIP_PRODUCT_ID = UUID(shared.VIP.id)
DRINKS_PRODUCT_ID = UUID(shared.DRINKS.id)
INACTIVE_PRODUCT_ID = UUID(shared.INACTIVE.id)
BENCH_PRODUCT_ID = UUID(shared.demo_uuid("product:bench"))

# Obviously fake keys for a local test double; a real key never appears in code.
DEMO_WRITE_KEY = "usher-demo-write-key"
DEMO_READ_KEY = "usher-demo-read-key"
DEMO_EXPIRED_KEY = "usher-demo-expired-key"
DEMO_KEYS = {DEMO_WRITE_KEY: KeyAccess.WRITE, DEMO_READ_KEY: KeyAccess.READ, DEMO_EXPIRED_KEY: KeyAccess.EXPIRED}

SEEDS = ("demo", "empty")
CREATED_AT = db.iso_of(1793556000)  # 2026-11-01T18:00:00Z, as in the demo replica
BENCH_OWNERS = 1000

# What the simulator knows beyond the demo replica: prices and issuing limits.
_PRODUCT_TERMS: dict[str, dict[str, object]] = {
    shared.GA.key: {"price": "25.00", "is_transferable": True, "max_per_account": 4},
    shared.VIP.key: {"price": "80.00", "stock": 40, "max_per_account": 2},
    shared.DRINKS.key: {"price": "12.00", "is_transferable": True},
    shared.INACTIVE.key: {"price": "15.00"},
}
_SOLD = (shared.GA, shared.VIP)
_SALES_PER_PRODUCT = 10


def seed_database(path: Path | str, seed: str) -> None:
    """Fill a simulator database: "demo" adds the demo event once (a no-op if it is there), "empty" nothing."""
    if seed not in SEEDS:
        raise ValueError(f"Unknown seed {seed!r}; choose one of {', '.join(SEEDS)}")
    conn = db.connect(path)
    try:
        if seed == "demo" and not _has_demo(conn):
            with db.transaction(conn):
                _add_demo(conn)
    finally:
        conn.close()


def add_bulk_items(path: Path | str, count: int, *, product_id: UUID = BENCH_PRODUCT_ID) -> list[UUID]:
    """Add `count` items to a simulator database, fast (~50k items/s), and return their UUIDs.

    Run it before starting the server or while it is idle. The default product, "Benchmark Pass"
    (admission, 1 use, no limits), is created on first use; its items go to 1000 bench users in turn.
    """
    conn = db.connect(path)
    try:
        with db.transaction(conn):
            if product_id == BENCH_PRODUCT_ID and not _exists(conn, "products", BENCH_PRODUCT_ID):
                insert_product(conn, str(BENCH_PRODUCT_ID), product_spec(type="admission", name="Benchmark Pass"),
                               CREATED_AT)
            owners = [_bench_user(conn, n) for n in range(BENCH_OWNERS)]
        return [UUID(item) for item in insert_bulk(conn, str(product_id), owners, count)]
    finally:
        conn.close()


def _has_demo(conn: sqlite3.Connection) -> bool:
    return _exists(conn, "events", DEMO_EVENT_ID)


def _exists(conn: sqlite3.Connection, table: str, row_id: UUID) -> bool:
    return conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (str(row_id),)).fetchone() is not None


def _add_demo(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT INTO events (id, reference_id, project_id, name, description, location, address, "
                 "start_date, end_date, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 (str(DEMO_EVENT_ID), DEMO_EVENT_REFERENCE_ID, str(DEMO_PROJECT_ID), shared.EVENT_NAME,
                  "A night to try Usher: tickets at the door, drink vouchers at the bar.", "The Usher Hall",
                  "1 Demo Street", 1795370400, 1795392000, CREATED_AT, CREATED_AT))
    conn.executemany("INSERT INTO users (id, email, first_name, last_name, reference_id, is_activated, "
                     "activated_on, created_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?)",
                     [(u.id, u.email, u.first_name, u.last_name, f"demo-user-{n}", CREATED_AT, CREATED_AT)
                      for n, u in enumerate(shared.demo_users())])
    for product in shared.PRODUCTS:
        spec = product_spec(type=product.type, name=product.name, event_id=str(DEMO_EVENT_ID), active=product.active,
                            redemption_quantity=product.redemption_quantity, **_PRODUCT_TERMS[product.key])
        insert_product(conn, product.id, {**spec, "issued_count": product.items}, CREATED_AT)
        conn.executemany("INSERT INTO items (id, product_id, item_id, owner_id, created_at, updated_at) "
                         "VALUES (?, ?, ?, ?, ?, ?)",
                         [(shared.item_uuid(product, n), product.id, n, shared.item_owner(product, n).id,
                           CREATED_AT, CREATED_AT) for n in range(1, product.items + 1)])
    for product in _SOLD:
        price = _PRODUCT_TERMS[product.key]["price"]
        conn.executemany("INSERT INTO sales (id, product_id, order_number, quantity, unit_price, buyer_id, "
                         "created_at) VALUES (?, ?, ?, 1, ?, ?, ?)",
                         [(shared.demo_uuid(f"sale:{product.key}:{n}"), product.id,
                           f"USH-{product.key.upper()}-{n:04d}", price, shared.item_owner(product, n).id, CREATED_AT)
                          for n in range(1, _SALES_PER_PRODUCT + 1)])


def _bench_user(conn: sqlite3.Connection, n: int) -> str:
    user_id = str(uuid.uuid5(BENCH_PRODUCT_ID, f"user:{n}"))
    conn.execute("INSERT OR IGNORE INTO users (id, email, first_name, last_name, is_activated, activated_on, "
                 "created_at) VALUES (?, ?, 'Bench', ?, 1, ?, ?)",
                 (user_id, f"bench-{n:05d}@example.com", f"User {n}", CREATED_AT, CREATED_AT))
    return user_id
