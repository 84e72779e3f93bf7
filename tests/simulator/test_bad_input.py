"""Malformed requests get 400 {"errors": [...]}, never a crash."""
from __future__ import annotations

import json
import uuid

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sim_http import expect

from app import demo_data as shared
from app.simulator.demo_data import DEMO_EVENT_ID, GA_PRODUCT_ID

GA = str(GA_PRODUCT_ID)
ITEMS = f"/v1/products/{GA}/items"
REDEEM = f"/v1/products/{GA}/items/redeem"
TRANSFER = f"/v1/products/{GA}/transfer"
USER = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
TICKET = shared.item_uuid(shared.GA, 37)


def errors_of(response: httpx.Response) -> list[str]:
    answer = expect(response, 400)
    assert set(answer) == {"errors"} and answer["errors"]
    return answer["errors"]  # type: ignore[return-value]


@pytest.mark.parametrize(("body", "reason"), [
    ({"product_id": GA, "users": ["not-a-uuid"]}, "users must contain only UUIDs"),
    ({"product_id": GA, "users": [USER] * 551}, "users must not have more than 550 entries"),
    ({"product_id": GA, "emails": ["a@example.com"] * 551}, "emails must not have more than 550 entries"),
    ({"product_id": GA, "users": [USER] * 300, "emails": ["a@example.com"] * 251},
     "at most 550 recipients (users and emails together) per request"),
    ({"product_id": GA}, "at least one of users or emails is required"),
    ({"product_id": GA, "users": [], "emails": []}, "users and emails are both empty"),
    ({"product_id": str(uuid.uuid4()), "users": [USER]}, "product_id must be the product id of the path"),
    ({"users": [USER]}, "product_id is required"),
    ({"product_id": GA, "emails": ["not an email"]}, "emails must contain only email addresses"),
    ({"product_id": GA, "users": "3c90c3cc-0d44-4b50-8888-8dd25736052a"}, "users must be an array"),
    ([GA], "The body must be a JSON object"),
], ids=["bad uuid", "551 users", "551 emails", "551 together", "no recipients", "empty lists", "id mismatch",
        "no product_id", "bad email", "not an array", "not an object"])
def test_a_malformed_issue_request_is_refused_with_the_reason(http: httpx.Client, body: object, reason: str) -> None:
    assert reason in errors_of(http.post(ITEMS, json=body))


@pytest.mark.parametrize("raw", [b"", b"{", b"nope", b"[" * 100_000 + b"]" * 100_000, "{\"a\": \"\xff\"}".encode(
    "latin-1")], ids=["empty", "truncated", "not json", "absurdly deep", "not utf-8"])
def test_a_body_that_is_not_json_is_refused(http: httpx.Client, raw: bytes) -> None:
    assert errors_of(http.post(REDEEM, content=raw)) == ["The body is not valid JSON"]


def test_a_body_over_two_megabytes_is_refused(http: httpx.Client) -> None:
    padding = "x" * (2 * 1024 * 1024)
    assert "larger than" in errors_of(http.post(REDEEM, json={"product_item_id": TICKET, "pad": padding}))[0]


def test_a_path_id_that_is_not_a_uuid_is_refused(http: httpx.Client) -> None:
    assert errors_of(http.get("/v1/products/ga-tickets")) == ["id must be a UUID"]
    assert errors_of(http.get(f"{ITEMS}/42")) == ["item_id must be a UUID"]


def test_malformed_input_is_reported_before_an_unknown_product(http: httpx.Client) -> None:
    unknown = str(uuid.uuid4())
    errors_of(http.post(f"/v1/products/{unknown}/items", json={"product_id": unknown}))


@pytest.mark.parametrize("body", [{}, {"product_item_id": "42"}, {"product_item_id": 42}, {"product_item_id": None}])
def test_a_redeem_without_a_valid_item_uuid_is_refused(http: httpx.Client, body: object) -> None:
    errors_of(http.post(REDEEM, json=body))


@pytest.mark.parametrize(("body", "reason"), [
    ({"product_item_id": TICKET, "recipient_email": "b@example.com"},
     "one of sender_user_id or sender_email is required"),
    ({"product_item_id": TICKET, "sender_email": "a@example.com"},
     "one of recipient_user_id or recipient_email is required"),
    ({"product_item_id": TICKET, "sender_user_id": "x", "recipient_email": "b@example.com"},
     "sender_user_id must be a UUID"),
    ({"product_item_id": TICKET, "sender_email": "a@example.com", "recipient_email": "b"},
     "recipient_email must be an email address"),
])
def test_a_malformed_transfer_is_refused(http: httpx.Client, body: object, reason: str) -> None:
    assert reason in errors_of(http.post(TRANSFER, json=body))


@pytest.mark.parametrize(("changes", "reason"), [
    ({"type": None}, "type is required"),
    ({"type": "redeemable_item"}, "type must be one of admission, presale, perks"),
    ({"name": ""}, "name must be a string of 1 to 255 characters"),
    ({"name": "x" * 256}, "name must be a string of 1 to 255 characters"),
    ({"stock": 0}, "stock must be in the range 1..inf"),
    ({"redemption_quantity": "3"}, "redemption_quantity must be an integer"),
    ({"max_per_account": True}, "max_per_account must be an integer"),
    ({"min_rep_balance": -1}, "min_rep_balance must be in the range 0..inf"),
    ({"price": 9.99}, 'price must be a decimal string such as "9.99"'),
    ({"active": "yes"}, "active must be true or false"),
    ({"mint_nft": True}, "metadata_uri and chain are required when mint_nft is true"),
    ({"chain": "Ethereum"}, "chain must be one of WestendAssetHub, AssetHub"),
    ({"event_id": "demo-night"}, "event_id must be a UUID"),
])
def test_a_malformed_new_product_is_refused(http: httpx.Client, changes: dict[str, object], reason: str) -> None:
    body = {"type": "admission", "name": "Checked", **changes}
    assert reason in errors_of(http.post("/v1/products", json={k: v for k, v in body.items() if v is not None}))


@pytest.mark.parametrize(("query", "reason"), [
    ("page=0", "page must be in the range 1..1000000000"),
    ("limit=1001", "limit must be in the range 1..1000"),
    ("limit=ten", "limit must be an integer"),
    ("updated_since=-1", "updated_since must be in the range 0..100000000000"),
])
def test_a_malformed_page_request_is_refused(http: httpx.Client, query: str, reason: str) -> None:
    assert errors_of(http.get(f"{ITEMS}?{query}")) == [reason]


@pytest.mark.parametrize(("body", "reason"), [
    ({"users": "a@example.com"}, "The body must be an array of 1 to 1000 users"),
    ([], "The body must be an array of 1 to 1000 users"),
    ([{"email": f"u{n}@example.com"} for n in range(1001)], "The body must be an array of 1 to 1000 users"),
    ([{"firstName": "No email"}], "users[0]: email is required"),
    ([{"email": "same@example.com"}, {"email": "SAME@example.com"}], "Each user must have a unique email"),
])
def test_a_malformed_user_creation_is_refused(http: httpx.Client, body: object, reason: str) -> None:
    assert reason in errors_of(http.post("/v1/users/create", json=body))


@pytest.mark.parametrize(("path", "body"), [
    ("/v1/users/fetch", {"limit": 0}),
    ("/v1/users/fetch", {"limit": 1001}),
    ("/v1/users/profile", {}),
    ("/v1/users/profile", {"id": "nope"}),
    ("/v1/events/attendees/register", {"email": "ada.lovelace@example.com"}),
    ("/v1/events/attendees/register", {"event_id": str(DEMO_EVENT_ID)}),
    ("/v1/events/attendees/register", {"event_id": str(DEMO_EVENT_ID), "email": "ada.lovelace@example.com",
                                       "checked_in_at": 0}),
])
def test_malformed_user_and_attendee_queries_are_refused(http: httpx.Client, path: str, body: object) -> None:
    errors_of(http.post(path, json=body))


SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40)
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=20), inner,
                                                                                        max_size=5), max_leaves=12)
FIELDS = st.sampled_from(["product_id", "users", "emails", "product_item_id", "sender_email", "recipient_user_id",
                          "event_id", "email", "type", "name", "stock", "limit", "offset", "checked_in_at", "id"])
BODIES = JSON | st.dictionaries(FIELDS, JSON | st.just(GA) | st.just(TICKET) | st.just([TICKET]), max_size=6)
POSTS = st.sampled_from([ITEMS, REDEEM, TRANSFER, "/v1/products", "/v1/events/attendees/register",
                         "/v1/users/create", "/v1/users/profile", "/v1/users/fetch"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=POSTS, body=BODIES)
def test_no_body_whatsoever_makes_the_server_fail(http: httpx.Client, path: str, body: object) -> None:
    response = http.post(path, content=json.dumps(body))
    assert response.status_code < 500, response.text
    if response.status_code == 400:
        assert isinstance(response.json()["errors"], list)
