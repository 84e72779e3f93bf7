"""Database rows → the JSON documents the API answers with (plain dicts: list pages must be cheap to build)."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass

# Columns for `item_document`, in this order, selected FROM ITEMS_WITH_OWNERS.
ITEM_COLUMNS = ("i.id, i.created_at, i.updated_at, i.product_id, i.item_id, i.redemption_count, i.redeemed_at, "
                "u.id, u.email, u.first_name, u.last_name")
ITEMS_WITH_OWNERS = "items AS i JOIN users AS u ON u.id = i.owner_id"

_PRODUCT_BOOLEANS = ("active", "is_claimable", "is_transferable", "mint_nft")
_PRODUCT_VALUES = ("description", "price", "stock", "redemption_quantity", "max_per_account", "min_rep_balance",
                   "metadata_uri", "max_items")
_EVENT_FIELDS = ("id", "created_at", "updated_at", "name", "start_date", "end_date", "location", "address",
                 "project_id", "reference_id", "description")
# What the kiosk cannot do without (app.api.models): the whole record when the fault `sparse_records` is on.
_ESSENTIAL_ITEM_FIELDS = ("id", "product_id", "redemption_count", "redemption_quantity")
_ESSENTIAL_PRODUCT_FIELDS = ("id", "type", "name", "redemption_quantity", "active")


@dataclass(frozen=True, slots=True)
class Listing:
    """One page of a list endpoint: its records, and how many match in all."""

    records: list[dict[str, object]]
    total: int


def product_summary(product: sqlite3.Row) -> dict[str, object]:
    return {"id": product["id"], "name": product["name"], "type": product["type"],
            "redemption_quantity": product["redemption_quantity"]}


def item_document(row: sqlite3.Row | tuple, summary: dict[str, object]) -> dict[str, object]:
    """`summary` is `product_summary` of the item's product, shared by all items of a page."""
    item_uuid, created, updated, product_id, item_id, count, redeemed_at, user_id, email, first, last = row
    quantity = summary["redemption_quantity"]
    return {"id": item_uuid, "created_at": created, "updated_at": updated, "product_id": product_id,
            "item_id": item_id, "redemption_count": count, "redemption_quantity": quantity,
            "is_fully_redeemed": count >= quantity,  # type: ignore[operator]
            "redeemed_at": redeemed_at,
            "user": {"id": user_id, "email": email, "first_name": first, "last_name": last},
            "product": summary}


def owner_document(user: sqlite3.Row) -> dict[str, object]:
    return {"id": user["id"], "email": user["email"], "first_name": user["first_name"],
            "last_name": user["last_name"]}


def event_document(event: sqlite3.Row) -> dict[str, object]:
    return {name: event[name] for name in _EVENT_FIELDS}


def product_document(product: sqlite3.Row, event: sqlite3.Row | None) -> dict[str, object]:
    document: dict[str, object] = {
        "id": product["id"], "type": product["type"], "name": product["name"], "event_id": product["event_id"],
        "event": event_document(event) if event is not None else None,
        "created_at": product["created_at"], "updated_at": product["updated_at"],
    }
    document.update((name, product[name]) for name in _PRODUCT_VALUES)
    document.update((name, bool(product[name])) for name in _PRODUCT_BOOLEANS)
    if product["chain"] is not None:  # seed 002 types chain as a non-null enum: absent when there is none
        document["chain"] = product["chain"]
    return document


def sparse_item(document: dict[str, object]) -> dict[str, object]:
    return {name: document[name] for name in _ESSENTIAL_ITEM_FIELDS}


def sparse_product(document: dict[str, object]) -> dict[str, object]:
    """The essential fields; the event reduced to its id and name, or a blank `event_id` for a general
    product ("leave blank", seed 002)."""
    sparse = {name: document[name] for name in _ESSENTIAL_PRODUCT_FIELDS}
    event = document["event"]
    if isinstance(event, dict):
        sparse["event"] = {"id": event["id"], "name": event["name"]}
    else:
        sparse["event_id"] = ""
    return sparse


def user_document(user: sqlite3.Row) -> dict[str, object]:
    """The Users endpoints speak camelCase."""
    return {"id": user["id"], "email": user["email"], "firstName": user["first_name"],
            "lastName": user["last_name"], "referenceId": user["reference_id"],
            "isActivated": bool(user["is_activated"]), "activatedOn": user["activated_on"]}


def sale_document(sale: sqlite3.Row) -> dict[str, object]:
    """`sale` is a sales row joined with its buyer's email, first_name and last_name."""
    buyer = {"id": sale["buyer_id"], "email": sale["email"], "first_name": sale["first_name"],
             "last_name": sale["last_name"]}
    return {"id": sale["id"], "order_number": sale["order_number"], "quantity": sale["quantity"],
            "unit_price": sale["unit_price"], "buyer": buyer, "created_at": sale["created_at"]}
