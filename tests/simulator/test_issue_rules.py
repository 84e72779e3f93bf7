"""Issuing items: 201 with sequential item_ids, and every 422 rule, each failing the whole batch."""
from __future__ import annotations

import uuid
from collections.abc import Callable

import httpx
from sim_http import Document, expect

from app.simulator.demo_data import INACTIVE_PRODUCT_ID

Users = Callable[[int], list[Document]]
Issue = Callable[..., httpx.Response]


def ids(users: list[Document]) -> list[str]:
    return [str(user["id"]) for user in users]


def refusal(response: httpx.Response) -> str:
    return str(expect(response, 422)["message"])


def items_of(http: httpx.Client, product: Document) -> list[Document]:
    return expect(http.get(f"/v1/products/{product['id']}/items"), 200)["items"]  # type: ignore[return-value]


def test_issuing_answers_201_with_one_item_per_recipient_numbered_from_1(
        issue: Issue, new_product: Callable[..., Document], new_users: Users) -> None:
    product = new_product(redemption_quantity=2)
    alice, bob = new_users(2)
    items = expect(issue(product, users=[alice["id"], alice["id"]], emails=[str(bob["email"]).upper()]), 201)["items"]
    assert [i["item_id"] for i in items] == [1, 2, 3]  # type: ignore[union-attr, index]
    assert [i["user"]["id"] for i in items] == [alice["id"], alice["id"], bob["id"]]  # type: ignore[union-attr, index]
    assert all(i["redemption_count"] == 0 and i["redemption_quantity"] == 2 and i["is_fully_redeemed"] is False
               and i["redeemed_at"] is None for i in items)  # type: ignore[union-attr, index]
    more = expect(issue(product, users=[bob["id"]]), 201)["items"]
    assert [i["item_id"] for i in more] == [4]  # type: ignore[union-attr, index]


def test_issuing_an_inactive_product_is_refused(issue: Issue, new_users: Users) -> None:
    assert refusal(issue({"id": str(INACTIVE_PRODUCT_ID)}, users=ids(new_users(1)))) == "The product is not active"


def test_stock_is_the_total_to_issue_and_more_than_it_is_refused(
        http: httpx.Client, issue: Issue, new_product: Callable[..., Document], new_users: Users) -> None:
    product = new_product(stock=3)
    users = ids(new_users(4))
    expect(issue(product, users=users[:2]), 201)
    assert expect(http.get(f"/v1/products/{product['id']}"), 200)["stock"] == 3
    assert refusal(issue(product, users=users[2:])) == "Insufficient stock: 2 of 3 already issued, 2 requested"
    expect(issue(product, users=users[2:3]), 201)
    assert len(items_of(http, product)) == 3


def test_a_product_that_needs_a_reputation_balance_refuses_every_recipient(
        http: httpx.Client, issue: Issue, new_product: Callable[..., Document], new_users: Users) -> None:
    product = new_product(min_rep_balance=1)
    message = refusal(issue(product, users=ids(new_users(1))))
    assert message == "The recipients' reputation balance (0) is below min_rep_balance (1)"
    assert items_of(http, product) == []
    expect(issue(new_product(min_rep_balance=0), users=ids(new_users(1))), 201)


def test_max_items_is_refused_when_the_collection_would_exceed_it(
        issue: Issue, new_product: Callable[..., Document], new_users: Users) -> None:
    product = new_product(max_items=2)
    users = ids(new_users(3))
    expect(issue(product, users=users[:2]), 201)
    assert refusal(issue(product, users=users[2:])).startswith("Exceeds max_items")


def test_max_per_account_counts_the_items_held_and_those_in_the_batch(
        http: httpx.Client, issue: Issue, new_product: Callable[..., Document], new_users: Users) -> None:
    product = new_product(max_per_account=2)
    alice, bob = new_users(2)
    expect(issue(product, users=[alice["id"]]), 201)
    message = refusal(issue(product, users=[bob["id"], alice["id"]], emails=[str(alice["email"])]))
    assert message.startswith("Exceeds max_per_account (2)") and str(alice["id"]) in message
    assert len(items_of(http, product)) == 1  # bob got nothing either: the batch failed whole


def test_an_unknown_user_or_email_fails_the_whole_batch(
        http: httpx.Client, issue: Issue, new_product: Callable[..., Document], new_users: Users) -> None:
    product = new_product()
    known = new_users(1)
    stranger, nobody = str(uuid.uuid4()), "nobody-here@example.com"
    message = refusal(issue(product, users=[*ids(known), stranger], emails=[nobody]))
    assert stranger in message and nobody in message
    assert items_of(http, product) == []


def test_issuing_to_an_unknown_product_is_not_found(issue: Issue, new_users: Users) -> None:
    answer = expect(issue({"id": str(uuid.uuid4())}, users=ids(new_users(1))), 404)
    assert answer == {"message": "Product not found"}


def test_550_recipients_in_one_request_are_accepted(
        issue: Issue, new_product: Callable[..., Document], new_users: Users) -> None:
    users = new_users(500)
    items = expect(issue(new_product(), users=ids(users), emails=[str(u["email"]) for u in users[:50]]), 201)
    assert len(items["items"]) == 550  # type: ignore[arg-type]
