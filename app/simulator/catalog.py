"""Events, products and sales of the simulated project."""
from __future__ import annotations

import sqlite3
import uuid

from app.simulator import db
from app.simulator.fields import Fields
from app.simulator.problems import Problem
from app.simulator.records import Listing, event_document, product_document, sale_document

PRODUCT_TYPES = ("admission", "presale", "perks")
CHAINS = ("WestendAssetHub", "AssetHub")
# Values a new product takes for fields the request leaves out (seed 002, seed 003).
PRODUCT_DEFAULTS: dict[str, object] = {"price": "0", "active": True, "is_claimable": False, "is_transferable": False,
                                       "redemption_quantity": 1, "min_rep_balance": 0, "mint_nft": False}
PRODUCT_FIELDS = ("type", "name", "event_id", "description", "price", "active", "is_claimable", "is_transferable",
                  "stock", "redemption_quantity", "max_per_account", "min_rep_balance", "metadata_uri", "mint_nft",
                  "chain", "max_items")


def product_spec(**given: object) -> dict[str, object]:
    """Every product field: the values given (None counts as not given), else the defaults."""
    return {name: PRODUCT_DEFAULTS.get(name) if given.get(name) is None else given[name] for name in PRODUCT_FIELDS}


def load_product(conn: sqlite3.Connection, product_id: str) -> sqlite3.Row:
    product = conn.execute("SELECT * FROM products WHERE id = ?", (product_id,)).fetchone()
    if product is None:
        raise Problem.not_found("Product not found")
    return product


def get_product(conn: sqlite3.Connection, product_id: str) -> dict[str, object]:
    product = load_product(conn, product_id)
    event = conn.execute("SELECT * FROM events WHERE id = ?", (product["event_id"],)).fetchone()
    return product_document(product, event)


def get_event(conn: sqlite3.Connection, id_or_reference_id: str) -> dict[str, object]:
    try:
        key = str(uuid.UUID(id_or_reference_id))
    except ValueError:
        key = id_or_reference_id
    event = conn.execute("SELECT * FROM events WHERE id = ? OR reference_id = ? ORDER BY id = ? DESC",
                         (key, id_or_reference_id, key)).fetchone()
    if event is None:
        raise Problem.not_found("Event not found")
    return event_document(event)


def parse_new_product(document: object) -> dict[str, object]:
    f = Fields(document)
    spec: dict[str, object | None] = {
        "type": f.choice("type", PRODUCT_TYPES, required=True),
        "name": f.text("name", required=True),
        "event_id": f.uuid("event_id"),
        "description": f.text("description"),
        "price": f.decimal_text("price"),
        "active": f.boolean("active"),
        "is_claimable": f.boolean("is_claimable"),
        "is_transferable": f.boolean("is_transferable"),
        "stock": f.integer("stock", minimum=1),
        "redemption_quantity": f.integer("redemption_quantity", minimum=1),
        "max_per_account": f.integer("max_per_account", minimum=1),
        "min_rep_balance": f.integer("min_rep_balance", minimum=0),
        "metadata_uri": f.text("metadata_uri", max_length=512),
        "mint_nft": f.boolean("mint_nft"),
        "chain": f.choice("chain", CHAINS),
        "max_items": f.integer("max_items", minimum=1),
    }
    if spec["mint_nft"] and not (spec["metadata_uri"] and spec["chain"]):
        f.error("metadata_uri and chain are required when mint_nft is true")
    f.check()
    return product_spec(**spec)


def create_product(conn: sqlite3.Connection, spec: dict[str, object]) -> dict[str, object]:
    product_id = str(uuid.uuid4())
    moment = db.now()
    with db.transaction(conn):
        if spec["event_id"] is not None and conn.execute(
                "SELECT 1 FROM events WHERE id = ?", (spec["event_id"],)).fetchone() is None:
            raise Problem.refused("The event_id does not name an event of this project")
        insert_product(conn, product_id, spec, moment.iso)
    return get_product(conn, product_id)


def insert_product(conn: sqlite3.Connection, product_id: str, spec: dict[str, object], created_at: str) -> None:
    columns = ["id", *spec, "created_at", "updated_at"]
    conn.execute(f"INSERT INTO products ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                 (product_id, *spec.values(), created_at, created_at))


def list_sales(conn: sqlite3.Connection, product_id: str, page: int, limit: int) -> Listing:
    load_product(conn, product_id)
    total = conn.execute("SELECT COUNT(*) FROM sales WHERE product_id = ?", (product_id,)).fetchone()[0]
    rows = conn.execute(
        "SELECT s.*, u.email, u.first_name, u.last_name FROM sales AS s "
        "JOIN users AS u ON u.id = s.buyer_id WHERE s.product_id = ? ORDER BY s.created_at, s.rowid LIMIT ? OFFSET ?",
        (product_id, limit, (page - 1) * limit)).fetchall()
    return Listing([sale_document(row) for row in rows], total)
