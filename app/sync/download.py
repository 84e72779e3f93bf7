"""Download: the configured products and their items, page by page, into the replica.

A product's pages are read until the items read reach the `total` the server announces, or the server
answers an empty page, whatever page size it actually serves. Pages are applied a few at a time, each
group in one transaction together with the cursor that says where to resume, so an interrupted download
continues where it stopped, and a malformed page (a ProtocolError before anything is written) changes
nothing. Only a download whose items add up to `total` is recorded complete; any other raises
DownloadIncomplete and starts over on the next pass. Later downloads ask only for items changed since
the last complete one — unless the server refused `updated_since` once: then every download is full.

A server whose pages never end cannot fill the disk: a download reads at most the `total` its first page
announced plus a small margin, and never more than MAX_ITEMS_PER_PRODUCT.
"""
from __future__ import annotations

import dataclasses
import logging
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, select

from app.api.client import ProductsClient
from app.api.errors import BadRequest, ProtocolError
from app.api.models import ItemOwner, ItemPage, Product, ProductItem
from app.api.settings import Capability
from app.store.db import write_transaction
from app.store.models import Event
from app.store.replica import item_row, items, products, upsert
from app.store.sync_state import delete_state, read_state, write_state

PAGE_SIZE = 1000
ROWS_PER_TRANSACTION = 5000
SINCE_MARGIN_S = 120  # clock skew and in-flight writes around the previous download
SLACK_ITEMS = 100  # items a download may find beyond its first total: issued while it runs
MAX_ITEMS_PER_PRODUCT = 2_000_000  # far beyond any venue; the last word against a server that never stops
SHOWN_SKIPS = 10  # skipped records named in one log line
_OWNER_COLUMNS = ("owner_id", "owner_email", "owner_first_name", "owner_last_name")
_NOBODY = ItemOwner()
events = Event.__table__
log = logging.getLogger(__name__)


class DownloadIncomplete(ProtocolError):
    """A product's pages did not add up to the `total` the server announced.

    The items read are kept, but the download is not recorded complete: the next pass starts it over.
    """

    def __init__(self, product: Product, *, read: int, total: int) -> None:
        self.product_id = str(product.id)
        self.product_name = product.name
        self.read = read
        self.total = total
        super().__init__(f"The item list of “{product.name}” is incomplete: the server announced {total} items "
                         f"but its pages held {read}; the download will be tried again",
                         endpoint=Capability.LIST_ITEMS.endpoint, write=False)


def product_rows(product: Product) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The event rows (zero or one) and the product row for a product record."""
    data = product.model_dump(mode="json", exclude={"event"})
    event_id = product.linked_event_id
    data["id"], data["event_id"] = str(product.id), str(event_id) if event_id else None
    event_rows = []
    if product.event is not None:  # what the record leaves out of its event does not erase what is known
        event_rows.append(product.event.model_dump(mode="json", exclude_none=True) | {"id": str(product.event.id)})
    return event_rows, data


def items_rows(page: list[ProductItem]) -> list[dict[str, Any]]:
    """`items` rows; a row leaves out the owner and timestamps its record did not give, so known ones stay."""
    rows = []
    for i in page:
        owner = i.user or _NOBODY
        row = item_row(
            id=str(i.id), item_id=i.item_id, product_id=str(i.product_id), redemption_quantity=i.redemption_quantity,
            redemption_count=i.redemption_count, redeemed_at=i.redeemed_at,
            user_id=str(owner.id) if owner.id else None, email=owner.email, first_name=owner.first_name,
            last_name=owner.last_name, created_at=i.created_at.isoformat() if i.created_at else None,
            updated_at=i.updated_at.isoformat() if i.updated_at else None,
        )
        unsaid = [*(_OWNER_COLUMNS if i.user is None else ()), *(k for k in ("created_at", "updated_at") if not row[k])]
        rows.append({column: value for column, value in row.items() if column not in unsaid} if unsaid else row)
    return rows


def apply_items(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Upserts item rows, each group of rows that say the same columns in one statement."""
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_columns[tuple(row)].append(row)
    for group in by_columns.values():
        upsert(conn, items, group)


def cache_product(replica: Engine, product: Product) -> None:
    event_rows, row = product_rows(product)
    with write_transaction(replica) as conn:
        upsert(conn, events, event_rows)
        if row["event_id"] and not event_rows and not _known(conn, row["event_id"]):
            row["event_id"] = None  # an event the replica has never seen cannot be linked until a record brings it
        upsert(conn, products, [row])


def _known(conn: Connection, event_id: str) -> bool:
    return conn.execute(select(events.c.id).where(events.c.id == event_id)).first() is not None


def cache_item(replica: Engine, item: ProductItem) -> None:
    with write_transaction(replica) as conn:
        apply_items(conn, items_rows([item]))


def known_product(replica: Engine, product_id: str) -> bool:
    with replica.connect() as conn:
        return conn.execute(select(products.c.id).where(products.c.id == product_id)).first() is not None


@dataclass(slots=True)
class _Cursor:
    """Where a product's download stands; saved with each applied group of pages."""

    since: int | None  # only items changed since then (Unix seconds); None: every item
    started: float  # when this download began: the next one asks for the changes since then
    page: int  # the next page to fetch
    read: int  # records read so far, used or skipped
    budget: int | None  # the most records this download reads, fixed by its first page's total


class _Keys:
    """The sync_state rows of one product's download."""

    def __init__(self, product_id: str) -> None:
        self.cursor = f"download:{product_id}:cursor"
        self.complete_at = f"download:{product_id}:complete_at"
        self.full_only = f"download:{product_id}:full_only"  # the server refused updated_since


def download_product(replica: Engine, client: ProductsClient, product_id: str, use_list: bool = True) -> int:
    """Refreshes one product and (when the server lists items) its items; returns the items applied.

    Raises DownloadIncomplete when the items read do not add up to the server's total.
    """
    product = client.get_product(product_id)
    cache_product(replica, product)
    if not use_list:
        return 0
    keys = _Keys(product_id)
    cursor = _resume_or_start(replica, keys)
    try:
        return _download_items(replica, client, product, keys, cursor)
    except BadRequest:
        if cursor.since is None:
            raise
    # `updated_since` is our assumption, not the documents': a server may refuse it. Download in full, now
    # and from now on.
    log.warning("The server refused updated_since for “%s”: its items are downloaded in full from now on",
                product.name)
    with write_transaction(replica) as conn:
        write_state(conn, keys.full_only, True)
        delete_state(conn, keys.cursor)
    return _download_items(replica, client, product, keys, _resume_or_start(replica, keys))


def _resume_or_start(replica: Engine, keys: _Keys) -> _Cursor:
    with replica.connect() as conn:
        saved = read_state(conn, keys.cursor)
        last_complete = read_state(conn, keys.complete_at)
        full_only = read_state(conn, keys.full_only)
    if isinstance(saved, dict):
        try:
            return _Cursor(**saved)
        except TypeError:  # a cursor of an older version: start over
            pass
    since = None if full_only or last_complete is None else int(last_complete) - SINCE_MARGIN_S
    return _Cursor(since=since, started=time.time(), page=1, read=0, budget=None)


def _download_items(replica: Engine, client: ProductsClient, product: Product, keys: _Keys, cursor: _Cursor) -> int:
    product_id = str(product.id)

    def fetch(number: int) -> ItemPage:
        return client.list_items(product_id, page=number, limit=PAGE_SIZE, updated_since=cursor.since)

    # The next page is fetched while this one is written: the server's time and ours overlap. Pages are
    # applied a few at a time, each group in one transaction with the cursor that follows it.
    unapplied: list[dict[str, Any]] = []
    skipped: list[str] = []
    applied = 0
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="usher-download") as prefetcher:
        upcoming = prefetcher.submit(fetch, cursor.page)
        while True:
            page = upcoming.result()
            if cursor.budget is None:
                cursor.budget = min(page.total + page.total // 100 + SLACK_ITEMS, MAX_ITEMS_PER_PRODUCT)
            records = len(page.items) + len(page.skipped)
            cursor.read += records
            cursor.page += 1
            last = records == 0 or cursor.read >= min(page.total, cursor.budget)
            complete = last and cursor.read == page.total
            if not last:
                upcoming = prefetcher.submit(fetch, cursor.page)
            ours = [item for item in page.items if item.product_id == product.id]
            skipped += page.skipped + [f"item {item.id}: belongs to product {item.product_id}"
                                       for item in page.items if item.product_id != product.id]
            unapplied += items_rows(ours)
            if last or len(unapplied) >= ROWS_PER_TRANSACTION:
                with write_transaction(replica, replaceable=True) as conn:
                    apply_items(conn, unapplied)
                    if not last:
                        write_state(conn, keys.cursor, dataclasses.asdict(cursor))
                    else:
                        delete_state(conn, keys.cursor)
                        if complete:
                            write_state(conn, keys.complete_at, cursor.started)
                applied += len(unapplied)
                unapplied = []
                _log_skipped(product, skipped)
                skipped = []
            if last:
                if not complete:
                    raise DownloadIncomplete(product, read=cursor.read, total=page.total)
                return applied


def _log_skipped(product: Product, skipped: list[str]) -> None:
    if skipped:
        log.warning("Left out %d records of “%s” that the kiosk cannot use: %s%s", len(skipped), product.name,
                    "; ".join(skipped[:SHOWN_SKIPS]), " …" if len(skipped) > SHOWN_SKIPS else "")
