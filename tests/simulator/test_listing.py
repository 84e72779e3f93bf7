"""[assume] The list, read-one and sales endpoints: pages by item_id, incremental filter, totals."""
from __future__ import annotations

import time
import uuid
from collections.abc import Callable

import httpx
from sim_http import Document, expect

from app import demo_data as shared
from app.simulator.demo_data import GA_PRODUCT_ID, VIP_PRODUCT_ID

GA_ITEMS = f"/v1/products/{GA_PRODUCT_ID}/items"


def test_items_come_in_item_id_order_one_page_at_a_time(http: httpx.Client) -> None:
    first, second, third = (expect(http.get(f"{GA_ITEMS}?page={n}&limit=16"), 200) for n in (1, 2, 3))
    assert [p["total"] for p in (first, second, third)] == [40, 40, 40]
    numbers = [item["item_id"] for page in (first, second, third) for item in page["items"]]  # type: ignore[attr-defined]
    assert numbers == list(range(1, 41))
    assert expect(http.get(f"{GA_ITEMS}?page=4&limit=16"), 200)["items"] == []


def test_the_default_page_is_the_first_hundred(http: httpx.Client, new_product: Callable[..., Document],
                                               new_users: Callable[[int], list[Document]]) -> None:
    product = new_product()
    users = new_users(120)
    expect(http.post(f"/v1/products/{product['id']}/items",
                     json={"product_id": product["id"], "users": [u["id"] for u in users]}), 201)
    page = expect(http.get(f"/v1/products/{product['id']}/items"), 200)
    assert (len(page["items"]), page["total"]) == (100, 120)  # type: ignore[arg-type]


def test_updated_since_keeps_only_items_changed_at_or_after_that_second(http: httpx.Client) -> None:
    since = int(time.time())
    ticket = shared.item_uuid(shared.VIP, 4)
    expect(http.post(f"/v1/products/{VIP_PRODUCT_ID}/items/redeem", json={"product_item_id": ticket}), 200)
    changed = expect(http.get(f"/v1/products/{VIP_PRODUCT_ID}/items?updated_since={since}"), 200)
    assert changed["total"] == 1 and [i["id"] for i in changed["items"]] == [ticket]  # type: ignore[attr-defined]
    assert expect(http.get(f"/v1/products/{VIP_PRODUCT_ID}/items?updated_since=0"), 200)["total"] == 10


def test_one_item_is_read_with_its_owner_and_product(http: httpx.Client) -> None:
    item = expect(http.get(f"{GA_ITEMS}/{shared.item_uuid(shared.GA, 5)}"), 200)
    owner = shared.item_owner(shared.GA, 5)
    assert item["user"] == {"id": owner.id, "email": owner.email, "first_name": owner.first_name,
                            "last_name": owner.last_name}
    assert item["product"] == {"id": str(GA_PRODUCT_ID), "name": "General Admission", "type": "admission",
                               "redemption_quantity": 1}


def test_listing_an_unknown_product_is_not_found(http: httpx.Client) -> None:
    assert expect(http.get(f"/v1/products/{uuid.uuid4()}/items"), 404) == {"message": "Product not found"}


def test_sales_are_listed_with_their_buyers(http: httpx.Client) -> None:
    page = expect(http.get(f"/v1/products/{GA_PRODUCT_ID}/sales?page=2&limit=3"), 200)
    assert page["total"] == 10
    sales: list[Document] = page["sales"]  # type: ignore[assignment]
    assert [s["order_number"] for s in sales] == ["USH-GA-0004", "USH-GA-0005", "USH-GA-0006"]
    assert sales[0]["buyer"]["id"] == shared.item_owner(shared.GA, 4).id  # type: ignore[index]
    assert (sales[0]["quantity"], sales[0]["unit_price"]) == (1, "25.00")
