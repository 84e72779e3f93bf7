"""Transfers and each of their rules (seed 003)."""
from __future__ import annotations

import uuid
from collections.abc import Callable

import httpx
import pytest
from sim_http import Document, expect

Users = Callable[[int], list[Document]]
Setting = Callable[..., tuple[Document, Document, list[Document]]]


@pytest.fixture
def setting(http: httpx.Client, new_product: Callable[..., Document],
            new_users: Users) -> Setting:
    """setting(**product fields) → (product, an item owned by users[0], three users)."""

    def make(**fields: object) -> tuple[Document, Document, list[Document]]:
        product = new_product(**{"is_transferable": True, **fields})
        users = new_users(3)
        [item] = expect(http.post(f"/v1/products/{product['id']}/items",
                                  json={"product_id": product["id"], "users": [users[0]["id"]]}), 201)["items"]
        return product, item, users  # type: ignore[return-value]

    return make


def transfer(http: httpx.Client, product: Document, item: Document, **parties: object) -> httpx.Response:
    return http.post(f"/v1/products/{product['id']}/transfer", json={"product_item_id": item["id"], **parties})


def refusal(response: httpx.Response) -> str:
    return str(expect(response, 422)["message"])


def test_a_transfer_moves_the_item_and_says_from_whom_to_whom(http: httpx.Client, setting: Setting) -> None:
    product, item, (owner, friend, _) = setting()
    moved = expect(transfer(http, product, item, sender_email=owner["email"], recipient_user_id=friend["id"]), 200)
    assert moved["previous_owner"]["id"] == owner["id"] and moved["new_owner"]["id"] == friend["id"]
    assert moved["product_item"]["id"] == item["id"] and isinstance(moved["transferred_at"], int)
    assert expect(http.get(f"/v1/products/{product['id']}/items/{item['id']}"), 200)["user"]["id"] == friend["id"]


def test_items_of_a_product_that_is_not_transferable_stay_put(http: httpx.Client, setting: Setting) -> None:
    product, item, (owner, friend, _) = setting(is_transferable=False)
    assert refusal(transfer(http, product, item, sender_user_id=owner["id"], recipient_user_id=friend["id"])) == \
        "Items of this product are not transferable"


def test_only_the_current_owner_may_send(http: httpx.Client, setting: Setting) -> None:
    product, item, (_, friend, stranger) = setting()
    assert refusal(transfer(http, product, item, sender_user_id=stranger["id"], recipient_user_id=friend["id"])) == \
        "The sender is not the owner of the item"


def test_a_fully_redeemed_item_cannot_be_transferred(http: httpx.Client, setting: Setting) -> None:
    product, item, (owner, friend, _) = setting()
    expect(http.post(f"/v1/products/{product['id']}/items/redeem", json={"product_item_id": item["id"]}), 200)
    assert refusal(transfer(http, product, item, sender_user_id=owner["id"], recipient_user_id=friend["id"])) == \
        "A fully redeemed item cannot be transferred"


def test_the_recipient_must_be_a_user_of_the_project(http: httpx.Client, setting: Setting) -> None:
    product, item, (owner, _, _) = setting()
    assert refusal(transfer(http, product, item, sender_user_id=owner["id"],
                            recipient_email="not-a-user@example.com")) == "The recipient is not a user of this project"


def test_an_item_cannot_be_transferred_to_its_owner(http: httpx.Client, setting: Setting) -> None:
    product, item, (owner, _, _) = setting()
    assert refusal(transfer(http, product, item, sender_user_id=owner["id"], recipient_email=owner["email"])) == \
        "An item cannot be transferred to its owner"


def test_the_recipient_must_stay_within_max_per_account(http: httpx.Client, setting: Setting) -> None:
    product, item, (owner, friend, _) = setting(max_per_account=1)
    expect(http.post(f"/v1/products/{product['id']}/items", json={"product_id": product["id"],
                                                                   "users": [friend["id"]]}), 201)
    assert refusal(transfer(http, product, item, sender_user_id=owner["id"], recipient_user_id=friend["id"])) == \
        "The recipient would exceed max_per_account (1)"


def test_transferring_an_unknown_item_is_not_found(http: httpx.Client, setting: Setting) -> None:
    product, _, (owner, friend, _) = setting()
    expect(transfer(http, product, {"id": str(uuid.uuid4())}, sender_user_id=owner["id"],
                    recipient_user_id=friend["id"]), 404)
