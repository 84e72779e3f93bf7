"""Product items: issue, redeem, transfer, read and list — with every documented rule (seed 000, 001, 003)."""
from __future__ import annotations

import sqlite3
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from app.simulator import db
from app.simulator.catalog import load_product
from app.simulator.fields import Fields
from app.simulator.people import Identity, find_user
from app.simulator.problems import Problem
from app.simulator.records import (
    ITEM_COLUMNS,
    ITEMS_WITH_OWNERS,
    Listing,
    item_document,
    owner_document,
    product_summary,
)

MAX_RECIPIENTS = 550
MAX_PAGE_SIZE = 1000
_SHOWN_IN_MESSAGES = 10


@dataclass(frozen=True, slots=True)
class IssueRequest:
    users: list[str]
    emails: list[str]


def parse_issue(document: object, path_product_id: str) -> IssueRequest:
    f = Fields(document)
    product_id = f.uuid("product_id", required=True)
    users = f.uuid_list("users", max_items=MAX_RECIPIENTS) or []
    emails = f.email_list("emails", max_items=MAX_RECIPIENTS) or []
    if product_id is not None and product_id != path_product_id:
        f.error("product_id must be the product id of the path")
    if not f.present("users") and not f.present("emails"):
        f.error("at least one of users or emails is required")
    elif not f.errors and not users and not emails:
        f.error("users and emails are both empty")
    if len(users) + len(emails) > MAX_RECIPIENTS:
        f.error(f"at most {MAX_RECIPIENTS} recipients (users and emails together) per request")
    f.check()
    return IssueRequest(users, emails)


def issue(conn: sqlite3.Connection, product_id: str, request: IssueRequest) -> list[dict[str, object]]:
    """One item per recipient, in request order (users, then emails); the whole batch fails on any rule."""
    moment = db.now()
    with db.transaction(conn):
        product = load_product(conn, product_id)
        if not product["active"]:
            raise Problem.refused("The product is not active")
        owners = _recipients(conn, request)
        if product["min_rep_balance"] > 0:  # the simulator keeps no reputation: every balance is 0
            raise Problem.refused(f"The recipients' reputation balance (0) is below min_rep_balance "
                                  f"({product['min_rep_balance']})")
        issued, wanted = product["issued_count"], len(owners)
        for limit, refusal in (("stock", "Insufficient stock"), ("max_items", "Exceeds max_items")):
            if product[limit] is not None and issued + wanted > product[limit]:
                raise Problem.refused(f"{refusal}: {issued} of {product[limit]} already issued, {wanted} requested")
        if product["max_per_account"] is not None:
            _check_max_per_account(conn, product, Counter(owners))
        first = issued + 1
        rows = [(str(uuid.uuid4()), product_id, first + n, owner, moment.iso, moment.iso)
                for n, owner in enumerate(owners)]
        conn.executemany("INSERT INTO items (id, product_id, item_id, owner_id, created_at, updated_at) "
                         "VALUES (?, ?, ?, ?, ?, ?)", rows)
        conn.execute("UPDATE products SET issued_count = issued_count + ? WHERE id = ?", (wanted, product_id))
    summary = product_summary(product)
    return [item_document(row, summary) for row in conn.execute(
        f"SELECT {ITEM_COLUMNS} FROM {ITEMS_WITH_OWNERS} WHERE i.product_id = ? AND i.item_id BETWEEN ? AND ? "
        "ORDER BY i.item_id", (product_id, first, first + wanted - 1))]


def _recipients(conn: sqlite3.Connection, request: IssueRequest) -> list[str]:
    """The owner id of each requested item; unknown users or emails fail the whole batch."""
    by_id = _lookup(conn, "id", request.users)
    by_email = {email.casefold(): user_id for email, user_id in _lookup(conn, "email", request.emails).items()}
    unknown_users = [u for u in dict.fromkeys(request.users) if u not in by_id]
    unknown_emails = [e for e in dict.fromkeys(request.emails) if e.casefold() not in by_email]
    if unknown_users or unknown_emails:
        named = [*unknown_users, *unknown_emails]
        raise Problem.refused(f"Not users of this project: {', '.join(named[:_SHOWN_IN_MESSAGES])}"
                              + (f" and {len(named) - _SHOWN_IN_MESSAGES} more" if len(named) > _SHOWN_IN_MESSAGES
                                 else ""))
    return [by_id[u] for u in request.users] + [by_email[e.casefold()] for e in request.emails]


def _lookup(conn: sqlite3.Connection, column: str, values: Sequence[str]) -> dict[str, str]:
    if not values:
        return {}
    distinct = list(dict.fromkeys(values))
    rows = conn.execute(f"SELECT {column}, id FROM users WHERE {column} IN ({', '.join('?' * len(distinct))})",
                        distinct)
    return {row[0]: row[1] for row in rows}


def _check_max_per_account(conn: sqlite3.Connection, product: sqlite3.Row, added: Counter[str]) -> None:
    owners = list(added)
    held = dict(conn.execute(
        f"SELECT owner_id, COUNT(*) FROM items WHERE product_id = ? AND owner_id IN ({', '.join('?' * len(owners))}) "
        "GROUP BY owner_id", (product["id"], *owners)).fetchall())
    over = [owner for owner in owners if held.get(owner, 0) + added[owner] > product["max_per_account"]]
    if over:
        raise Problem.refused(f"Exceeds max_per_account ({product['max_per_account']}) for users: "
                              f"{', '.join(over[:_SHOWN_IN_MESSAGES])}")


def parse_redeem(document: object) -> str:
    f = Fields(document)
    item_id = f.uuid("product_item_id", required=True)
    f.check()
    return item_id or ""


def redeem(conn: sqlite3.Connection, product_id: str, item_uuid: str, *,
           fully_redeemed_status: int = 422) -> dict[str, object]:
    """Add one redemption; at `redemption_quantity` the item is fully redeemed and refuses more (422, as
    seed 003 says, or the status another server might use)."""
    moment = db.now()
    with db.transaction(conn):
        product = load_product(conn, product_id)
        item = _load_item(conn, product_id, item_uuid)
        quantity = product["redemption_quantity"]
        if item["redemption_count"] >= quantity:
            raise Problem.refused("The product item is already fully redeemed", status=fully_redeemed_status)
        count = item["redemption_count"] + 1
        conn.execute("UPDATE items SET redemption_count = ?, redeemed_at = ?, updated_at = ? WHERE id = ?",
                     (count, moment.unix if count >= quantity else None, moment.iso, item_uuid))
    return _item(conn, product, item_uuid)


def get_item(conn: sqlite3.Connection, product_id: str, item_uuid: str) -> dict[str, object]:
    product = load_product(conn, product_id)
    _load_item(conn, product_id, item_uuid)
    return _item(conn, product, item_uuid)


def _load_item(conn: sqlite3.Connection, product_id: str, item_uuid: str) -> sqlite3.Row:
    # An item of another product is not an item of this one: 404 as for an unknown item.
    item = conn.execute("SELECT * FROM items WHERE id = ? AND product_id = ?", (item_uuid, product_id)).fetchone()
    if item is None:
        raise Problem.not_found("Product item not found")
    return item


def _item(conn: sqlite3.Connection, product: sqlite3.Row, item_uuid: str) -> dict[str, object]:
    row = conn.execute(f"SELECT {ITEM_COLUMNS} FROM {ITEMS_WITH_OWNERS} WHERE i.id = ?", (item_uuid,)).fetchone()
    return item_document(row, product_summary(product))


@dataclass(frozen=True, slots=True)
class TransferRequest:
    item_id: str
    sender: Identity
    recipient: Identity


def parse_transfer(document: object) -> TransferRequest:
    f = Fields(document)
    item_id = f.uuid("product_item_id", required=True)
    sender = Identity(f.uuid("sender_user_id"), f.email("sender_email"))
    recipient = Identity(f.uuid("recipient_user_id"), f.email("recipient_email"))
    for role in ("sender", "recipient"):
        if not (f.present(f"{role}_user_id") or f.present(f"{role}_email")):
            f.error(f"one of {role}_user_id or {role}_email is required")
    f.check()
    return TransferRequest(item_id or "", sender, recipient)


def transfer(conn: sqlite3.Connection, product_id: str, request: TransferRequest) -> dict[str, object]:
    moment = db.now()
    with db.transaction(conn):
        product = load_product(conn, product_id)
        item = _load_item(conn, product_id, request.item_id)
        if not product["is_transferable"]:
            raise Problem.refused("Items of this product are not transferable")
        if item["redemption_count"] >= product["redemption_quantity"]:
            raise Problem.refused("A fully redeemed item cannot be transferred")
        sender = find_user(conn, request.sender)
        if sender is None or sender["id"] != item["owner_id"]:
            raise Problem.refused("The sender is not the owner of the item")
        recipient = find_user(conn, request.recipient)
        if recipient is None:
            raise Problem.refused("The recipient is not a user of this project")
        if recipient["id"] == sender["id"]:
            raise Problem.refused("An item cannot be transferred to its owner")
        if product["max_per_account"] is not None:
            held = conn.execute("SELECT COUNT(*) FROM items WHERE product_id = ? AND owner_id = ?",
                                (product_id, recipient["id"])).fetchone()[0]
            if held + 1 > product["max_per_account"]:
                raise Problem.refused(f"The recipient would exceed max_per_account ({product['max_per_account']})")
        conn.execute("UPDATE items SET owner_id = ?, updated_at = ? WHERE id = ?",
                     (recipient["id"], moment.iso, request.item_id))
    return {"product_item": {"id": item["id"], "item_id": item["item_id"], "product_id": product_id,
                             "product_name": product["name"], "product_type": product["type"],
                             "redemption_count": item["redemption_count"],
                             "redemption_quantity": product["redemption_quantity"], "is_fully_redeemed": False,
                             "redeemed_at": item["redeemed_at"]},
            "previous_owner": owner_document(sender), "new_owner": owner_document(recipient),
            "transferred_at": moment.unix}


@dataclass(frozen=True, slots=True)
class PageRequest:
    page: int
    limit: int
    updated_since: int | None = None


def parse_page(query: object, *, default_limit: int) -> PageRequest:
    f = Fields(query, textual=True)
    page = f.integer("page", minimum=1, maximum=10**9)
    limit = f.integer("limit", minimum=1, maximum=MAX_PAGE_SIZE)
    since = f.integer("updated_since", minimum=0, maximum=10**11)
    f.check()
    return PageRequest(page or 1, limit or default_limit, since)


def list_items(conn: sqlite3.Connection, product_id: str, request: PageRequest) -> Listing:
    """[assume] A page of a product's items ordered by item_id, optionally only those updated since a time."""
    product = load_product(conn, product_id)
    summary = product_summary(product)
    offset = (request.page - 1) * request.limit
    if request.updated_since is None:
        # item_ids run 1..issued_count without gaps, so a page is a range of item_ids (no OFFSET scan).
        total = product["issued_count"]
        rows = conn.execute(f"SELECT {ITEM_COLUMNS} FROM {ITEMS_WITH_OWNERS} WHERE i.product_id = ? AND "
                            "i.item_id BETWEEN ? AND ? ORDER BY i.item_id",
                            (product_id, offset + 1, offset + request.limit))
    else:
        since = db.iso_of(request.updated_since)
        total = conn.execute("SELECT COUNT(*) FROM items WHERE product_id = ? AND updated_at >= ?",
                             (product_id, since)).fetchone()[0]
        rows = conn.execute(f"SELECT {ITEM_COLUMNS} FROM {ITEMS_WITH_OWNERS} WHERE i.product_id = ? AND "
                            "i.updated_at >= ? ORDER BY i.item_id LIMIT ? OFFSET ?",
                            (product_id, since, request.limit, offset))
    return Listing([item_document(row, summary) for row in rows], total)


def insert_bulk(conn: sqlite3.Connection, product_id: str, owners: Sequence[str], count: int) -> list[str]:
    """Add `count` items quickly (benchmarks), owners taken in turn; bypasses the issue rules on purpose."""
    moment = db.now()
    with db.transaction(conn):
        first = load_product(conn, product_id)["issued_count"] + 1
        ids = [str(uuid.uuid4()) for _ in range(count)]
        conn.executemany("INSERT INTO items (id, product_id, item_id, owner_id, created_at, updated_at) "
                         "VALUES (?, ?, ?, ?, ?, ?)",
                         ((item_uuid, product_id, first + n, owners[n % len(owners)], moment.iso, moment.iso)
                          for n, item_uuid in enumerate(ids)))
        conn.execute("UPDATE products SET issued_count = issued_count + ? WHERE id = ?", (count, product_id))
    return ids
