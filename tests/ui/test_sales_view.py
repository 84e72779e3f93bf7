"""The manager's sales view over a replica synced from the simulator: stock and today's issuing, and the order
history paged from the server's (assumed) sales endpoint — or a plain note where the server lacks it."""
from __future__ import annotations

import dataclasses

import pytest

from app import demo_data as demo
from app.api.settings import Capability
from app.services.box_office import BoxOffice
from app.ui.background import Background
from app.ui.sales_view import NO_SALES_ENDPOINT, SalesView
from box_office_world import world  # noqa: F401  (a pytest fixture)


@pytest.fixture
def view(qtbot, world):
    reader = Background()
    view = SalesView(world.replica, reader)
    reader.setParent(view)
    qtbot.addWidget(view)
    view.resize(1200, 600)
    view.show()
    yield view
    view.shutdown()
    reader.shutdown()


def cells(table, row: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [table.item(row, c).text() for c in range(table.columnCount())]


def test_stock_and_todays_issuing_are_shown_per_product_and_station(qtbot, world, view) -> None:
    BoxOffice(world.replica, "Box 1").sell(demo.VIP.id, demo.demo_users()[1].email, quantity=2)
    view.api = world.api
    view.refresh()
    qtbot.waitUntil(lambda: view.today.rowCount() == 1)
    rows = {cells(view.stock, r)[0]: cells(view.stock, r)[1:] for r in range(view.stock.rowCount())}
    assert rows["VIP"] == ["80.00", "12", "40", "28"] and rows["General Admission"][2:] == ["no limit", "no limit"]
    assert cells(view.today, 0) == ["Box 1", "0", "2", "0"]


def test_the_order_history_pages_through_the_servers_orders(qtbot, world, view) -> None:
    view.api = world.api
    view.refresh()
    qtbot.waitUntil(lambda: view.product_choice.count() == 4)
    view.product_choice.setCurrentIndex(view.product_choice.findText("VIP"))
    qtbot.waitUntil(lambda: view.page_label.text() == "page 1 of 1 · 10 orders")
    assert cells(view.orders, 0)[:4] == ["USH-VIP-0001", "VIP", "1", "80.00"]
    assert not view.next_button.isEnabled()


def test_without_the_sales_endpoint_the_view_says_so_and_asks_nothing(qtbot, world, view) -> None:
    view.api = dataclasses.replace(world.api, capabilities=frozenset(world.api.capabilities) - {Capability.SALES})
    view.refresh()
    qtbot.waitUntil(lambda: view.stock.rowCount() == 4)
    assert view.note.text() == NO_SALES_ENDPOINT and not view.export_button.isEnabled()
