"""Download the project's customers (`POST /v1/users/fetch`, at most 1,000 a page) into the replica."""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine

from app.api.client import ProductsClient
from app.api.models import User
from app.store import customers
from app.store.db import write_transaction

PAGE_SIZE = 1000  # the documented maximum of `limit`


def download_customers(replica: Engine, client: ProductsClient,
                       progress: Callable[[int, int], None] = lambda done, total: None) -> int:
    """Reads every page until `total` is reached (or a page comes back empty); each page is stored in its
    own transaction, so an interruption keeps what was read. Returns how many customers were stored."""
    offset, total = 0, None
    while total is None or offset < total:
        page = client.fetch_users(limit=PAGE_SIZE, offset=offset)
        total = page.total
        if not page.users:
            break
        with write_transaction(replica, replaceable=True) as conn:  # the server can tell it again
            customers.store(conn, [_row(user) for user in page.users])
        offset += len(page.users)
        progress(offset, total)
    return offset


def _row(user: User) -> dict[str, object]:
    return customers.customer_row(id=str(user.id), email=user.email, first_name=user.first_name,
                                  last_name=user.last_name, reference_id=user.reference_id)
