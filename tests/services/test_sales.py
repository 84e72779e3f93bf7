"""Sales for managers: issued against stock, today's issuing per station by how it reached the server, and the
server's order history (an assumed endpoint) paged and exported."""
from __future__ import annotations

import csv
import dataclasses
import os
import time

from app import demo_data as demo
from app.api.settings import Capability
from app.services.box_office import BoxOffice, Sale
from app.services.sales import OrderHistory, StationIssuance, issuance_today, sales_figures
from box_office_world import world  # noqa: F401  (a pytest fixture)

GRACE = demo.demo_users()[1]


def test_issued_against_stock_counts_the_tickets_sold_here_before_the_server_confirms_them(world) -> None:
    assert isinstance(BoxOffice(world.replica, "Box 1").sell(demo.VIP.id, GRACE.email, quantity=2), Sale)
    vip = next(line for line in sales_figures(world.replica, time.time()).stock if line.product == "VIP")
    assert (vip.price, vip.issued, vip.stock, vip.left) == ("80.00", 12, 40, 28)


def test_todays_issuing_per_station_says_online_offline_and_refused(world) -> None:
    now = time.time()
    online = BoxOffice(world.replica, "Box 1")
    assert isinstance(online.sell(demo.GA.id, GRACE.email), Sale)
    world.engine().run_once()  # sent at once: online
    offline = BoxOffice(world.replica, "Box 1", clock=lambda: now - 600)  # sold ten minutes before the network came back
    assert isinstance(offline.sell(demo.GA.id, GRACE.email), Sale)
    assert isinstance(offline.sell(demo.GA.id, "never.signed.up@example.net"), Sale)  # the server refuses it
    world.engine().run_once()
    assert isinstance(BoxOffice(world.replica, "Box 2").sell(demo.VIP.id, GRACE.email), Sale)  # not sent yet

    assert issuance_today(world.replica, now) == [StationIssuance("Box 1", online=1, offline=1, refused=1),
                                                  StationIssuance("Box 2", online=0, offline=1, refused=0)]


def test_the_order_history_comes_a_page_at_a_time(world) -> None:
    history = OrderHistory(world.api, sales_figures(world.replica, time.time()).products)
    lines, total = history.page(demo.GA.id, 2, limit=4)
    assert total == 10 and [line.order_number for line in lines] == [f"USH-GA-{n:04d}" for n in (5, 6, 7, 8)]
    assert (lines[0].product, lines[0].quantity, lines[0].unit_price) == ("General Admission", 1, "25.00")


def test_the_order_export_holds_every_order_and_only_this_user_may_read_it(world, tmp_path) -> None:
    history = OrderHistory(world.api, sales_figures(world.replica, time.time()).products)
    path = tmp_path / "orders.csv"
    assert history.export_csv(path, hide_names=True) == 20  # ten each of General Admission and VIP
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert {r["product"] for r in rows} == {"General Admission", "VIP"} and {r["buyer"] for r in rows} == {""}
    assert os.stat(path).st_mode & 0o077 == 0


def test_without_the_sales_endpoint_there_is_no_order_history(world) -> None:
    api = dataclasses.replace(world.api, capabilities=frozenset(world.api.capabilities) - {Capability.SALES})
    assert not OrderHistory(api, {}).available and not OrderHistory(None, {}).available
