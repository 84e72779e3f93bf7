"""The simulator's SQLite file: connection settings, schema, transactions and the clock.

Timestamps are stored as fixed-width ISO-8601 UTC strings ("2026-11-01T18:00:00.000000Z"), so comparing
them as text orders them in time; Unix-second fields are stored as integers.
"""
from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id TEXT PRIMARY KEY,
    reference_id TEXT UNIQUE,
    project_id TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    location TEXT,
    address TEXT,
    start_date INTEGER,
    end_date INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS products (
    id TEXT PRIMARY KEY,
    event_id TEXT REFERENCES events (id),
    type TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    price TEXT NOT NULL,
    active INTEGER NOT NULL,
    is_claimable INTEGER NOT NULL,
    is_transferable INTEGER NOT NULL,
    stock INTEGER,
    redemption_quantity INTEGER NOT NULL,
    max_per_account INTEGER,
    min_rep_balance INTEGER NOT NULL,
    metadata_uri TEXT,
    mint_nft INTEGER NOT NULL,
    chain TEXT,
    max_items INTEGER,
    issued_count INTEGER NOT NULL DEFAULT 0,  -- items are never deleted: item_ids run 1..issued_count
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    first_name TEXT,
    last_name TEXT,
    reference_id TEXT UNIQUE,
    is_activated INTEGER NOT NULL,
    activated_on TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS items (
    id TEXT PRIMARY KEY,
    product_id TEXT NOT NULL REFERENCES products (id),
    item_id INTEGER NOT NULL,
    owner_id TEXT NOT NULL REFERENCES users (id),
    redemption_count INTEGER NOT NULL DEFAULT 0,
    redeemed_at INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (product_id, item_id)
);
CREATE INDEX IF NOT EXISTS items_by_owner ON items (product_id, owner_id);
CREATE INDEX IF NOT EXISTS items_by_update ON items (product_id, updated_at);
CREATE TABLE IF NOT EXISTS sales (
    id TEXT PRIMARY KEY,
    product_id TEXT NOT NULL REFERENCES products (id),
    order_number TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    unit_price TEXT NOT NULL,
    buyer_id TEXT NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sales_by_product ON sales (product_id, created_at);
CREATE TABLE IF NOT EXISTS attendees (
    id TEXT PRIMARY KEY,
    event_id TEXT NOT NULL REFERENCES events (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    registered_at INTEGER,
    checked_in_at INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (event_id, user_id)
);
"""


def connect(path: Path | str) -> sqlite3.Connection:
    # Autocommit mode: transactions are explicit (see `transaction`). synchronous=NORMAL is durable enough
    # for a test double and keeps commits cheap under WAL.
    conn = sqlite3.connect(path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "busy_timeout=5000",
                   "temp_store=MEMORY"):
        conn.execute(f"PRAGMA {pragma}")
    conn.executescript(SCHEMA)
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


@dataclass(frozen=True, slots=True)
class Moment:
    iso: str
    unix: int


def now() -> Moment:
    seconds = time.time()
    return Moment(iso_of(seconds), int(seconds))


def iso_of(unix_seconds: float) -> str:
    return datetime.fromtimestamp(unix_seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
