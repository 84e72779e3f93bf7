"""Redeeming: each call adds one use; at redemption_quantity the item is fully redeemed and refuses more."""
from __future__ import annotations

import time
import uuid

import httpx
from sim_http import expect

from app import demo_data as shared
from app.simulator.demo_data import DRINKS_PRODUCT_ID, GA_PRODUCT_ID, INACTIVE_PRODUCT_ID


def redeem(http: httpx.Client, product_id: object, item: str) -> httpx.Response:
    return http.post(f"/v1/products/{product_id}/items/redeem", json={"product_item_id": item})


def test_each_redemption_adds_one_use_and_the_last_one_fully_redeems(http: httpx.Client) -> None:
    voucher = shared.item_uuid(shared.DRINKS, 10)
    before = int(time.time())
    answers = [expect(redeem(http, DRINKS_PRODUCT_ID, voucher), 200) for _ in range(3)]
    assert [a["redemption_count"] for a in answers] == [1, 2, 3]
    assert [a["is_fully_redeemed"] for a in answers] == [False, False, True]
    assert answers[0]["redeemed_at"] is None and answers[1]["redeemed_at"] is None
    assert before <= answers[2]["redeemed_at"] <= int(time.time())  # type: ignore[operator]
    assert answers[2]["item_id"] == 10 and answers[2]["user"]["id"] == shared.item_owner(shared.DRINKS, 10).id


def test_redeeming_a_fully_redeemed_item_is_refused_with_422(http: httpx.Client) -> None:
    ticket = shared.item_uuid(shared.GA, 38)
    expect(redeem(http, GA_PRODUCT_ID, ticket), 200)
    assert expect(redeem(http, GA_PRODUCT_ID, ticket), 422) == {"message": "The product item is already fully redeemed"}
    item = expect(http.get(f"/v1/products/{GA_PRODUCT_ID}/items/{ticket}"), 200)
    assert item["redemption_count"] == 1


def test_redeeming_an_unknown_item_is_not_found(http: httpx.Client) -> None:
    assert expect(redeem(http, GA_PRODUCT_ID, str(uuid.uuid4())), 404) == {"message": "Product item not found"}


def test_redeeming_an_item_under_another_product_is_not_found(http: httpx.Client) -> None:
    expect(redeem(http, DRINKS_PRODUCT_ID, shared.item_uuid(shared.GA, 39)), 404)
    assert expect(http.get(f"/v1/products/{GA_PRODUCT_ID}/items/{shared.item_uuid(shared.GA, 39)}"),
                  200)["redemption_count"] == 0


def test_redeeming_under_an_unknown_product_is_not_found(http: httpx.Client) -> None:
    assert expect(redeem(http, uuid.uuid4(), shared.item_uuid(shared.GA, 39)), 404) == {"message": "Product not found"}


def test_an_item_of_an_inactive_product_can_still_be_redeemed(http: httpx.Client) -> None:
    expect(redeem(http, INACTIVE_PRODUCT_ID, shared.item_uuid(shared.INACTIVE, 2)), 200)
