"""Sales for managers: issued against stock per product, today's issuing per station (online, offline,
refused), and — where the server offers the sales endpoint (a probed capability) — the order history, paged,
and exported as CSV."""
from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, func, select

from app.api.client import ProductsClient
from app.api.models import Sale
from app.api.settings import ApiSettings, Capability
from app.domain.box_office import price_text
from app.services.box_office import BoxOffice
from app.store.db import read_transaction
from app.store.models import ProvisionalItem
from app.store.outbox import outbox
from app.store.replica import holder_name, items

provisional = ProvisionalItem.__table__
# An issue confirmed by the server within this long of the sale went out at once: the station was online.
ONLINE_WITHIN_S = 60.0
ORDER_PAGE = 25


@dataclass(frozen=True, slots=True)
class StockLine:
    product: str
    price: str
    issued: int
    stock: int | None  # None: no stock limit
    left: int | None


@dataclass(frozen=True, slots=True)
class StationIssuance:
    station: str
    online: int  # confirmed by the server within a minute of the sale
    offline: int  # confirmed later, or still waiting for the server
    refused: int  # issued here, refused by the server


@dataclass(frozen=True, slots=True)
class OrderLine:
    order_number: str
    product: str
    quantity: int
    unit_price: str
    buyer: str
    at: datetime


def issuance_today(replica: Engine, now: float) -> list[StationIssuance]:
    """Items issued at each station since midnight (local), by how they reached the server."""
    midnight = datetime.fromtimestamp(now).replace(hour=0, minute=0, second=0, microsecond=0).timestamp()
    with read_transaction(replica) as conn:
        rows = conn.execute(
            select(provisional.c.station, provisional.c.issued_at, provisional.c.server_item_id,
                   provisional.c.refused, outbox.c.updated_at)
            .join_from(provisional, outbox, provisional.c.op_uuid == outbox.c.op_uuid, isouter=True)
            .where(provisional.c.issued_here.is_(True), provisional.c.issued_at >= midnight)).all()
    counts: dict[str, list[int]] = {}
    for row in rows:
        line = counts.setdefault(row.station, [0, 0, 0])
        if row.refused is not None:
            line[2] += 1
        elif row.server_item_id and row.updated_at is not None and row.updated_at - row.issued_at <= ONLINE_WITHIN_S:
            line[0] += 1
        else:
            line[1] += 1
    return [StationIssuance(station, *line) for station, line in sorted(counts.items())]


@dataclass(frozen=True, slots=True)
class SalesFigures:
    """What the manager's Sales tab shows from the replica."""

    stock: list[StockLine]
    today: list[StationIssuance]
    products: dict[str, str]  # product id → name, for the order history


def sales_figures(replica: Engine, now: float) -> SalesFigures:
    offers = BoxOffice(replica, "").offers()
    with read_transaction(replica) as conn:
        issued = {o.product_id: _issued(conn, o.product_id) for o in offers}
    return SalesFigures([StockLine(o.name, price_text(o.price), issued[o.product_id], o.limits.stock, o.left)
                         for o in offers], issuance_today(replica, now), {o.product_id: o.name for o in offers})


def _issued(conn: Connection, product_id: str) -> int:
    """Items issued of the product, as the issue rules count them (app/store/provisional.py): the highest item
    number the server gave, plus the provisional items it has not confirmed or refused yet."""
    highest = conn.execute(select(func.max(items.c.item_id)).where(items.c.product_id == product_id)).scalar()
    waiting = conn.execute(select(func.count()).where(provisional.c.product_id == product_id,
                                                      provisional.c.server_item_id.is_(None),
                                                      provisional.c.refused.is_(None))).scalar()
    return (highest or 0) + (waiting or 0)


class OrderHistory:
    """The server's order history of the products this station knows (read with its own client)."""

    def __init__(self, api: ApiSettings | None, products: dict[str, str]) -> None:
        self.api = api
        self.products = products  # product id → name

    @property
    def available(self) -> bool:
        return self.api is not None and Capability.SALES in self.api.capabilities

    def page(self, product_id: str, page: int, limit: int = ORDER_PAGE) -> tuple[list[OrderLine], int]:
        """One page of the product's orders (1-based) and how many there are in all."""
        assert self.api is not None
        with ProductsClient(self.api) as client:
            listed = client.list_sales(product_id, page=page, limit=limit)
        return [self._line(product_id, sale) for sale in listed.sales], listed.total

    def export_csv(self, path: Path, hide_names: bool = False) -> int:
        """Every order of every product to `path` (readable by this user only); returns the rows written."""
        rows = []
        for product_id in self.products:
            page = 1
            while True:
                lines, total = self.page(product_id, page, 100)
                rows += lines
                if not lines or page * 100 >= total:
                    break
                page += 1
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", newline="",
                       encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["order_number", "product", "quantity", "unit_price", "buyer", "ordered_at"])
            for line in rows:
                writer.writerow([line.order_number, line.product, line.quantity, line.unit_price,
                                 "" if hide_names else line.buyer, line.at.astimezone().isoformat(timespec="seconds")])
        return len(rows)

    def _line(self, product_id: str, sale: Sale) -> OrderLine:
        buyer = holder_name(sale.buyer.first_name, sale.buyer.last_name, sale.buyer.email)
        return OrderLine(sale.order_number, self.products.get(product_id, product_id), sale.quantity,
                         price_text(str(sale.unit_price)), buyer, sale.created_at)

