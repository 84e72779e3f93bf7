"""Who holds an item, as the replica knows it: changed at once when the desk's transfer succeeds (the next
download would bring the same), so the desk's next check counts the item with its new owner."""
from __future__ import annotations

from sqlalchemy import Connection, update

from app.store.customers import CustomerRecord
from app.store.replica import items


def set_owner(conn: Connection, item_uuid: str, owner: CustomerRecord) -> None:
    conn.execute(update(items).where(items.c.id == item_uuid).values(
        owner_id=owner.id, owner_email=owner.email, owner_first_name=owner.first_name,
        owner_last_name=owner.last_name))
