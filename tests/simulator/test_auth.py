"""Keys: missing → 401, expired → 401, unknown → 403, read key on a write → 403; the admin endpoint needs none."""
from __future__ import annotations

import httpx
import pytest
from sim_http import expect, raw_client

from app import demo_data as shared
from app.simulator.demo_data import DEMO_EVENT_ID, DEMO_EXPIRED_KEY, GA_PRODUCT_ID
from app.simulator.server import SimulatorServer

GA = str(GA_PRODUCT_ID)
WRITES = [
    ("/v1/products", {"type": "admission", "name": "Refused"}),
    (f"/v1/products/{GA}/items", {"product_id": GA, "emails": ["ada.lovelace@example.com"]}),
    (f"/v1/products/{GA}/items/redeem", {"product_item_id": shared.item_uuid(shared.GA, 36)}),
    (f"/v1/products/{GA}/transfer", {"product_item_id": shared.item_uuid(shared.GA, 36),
                                     "sender_email": "a@example.com", "recipient_email": "b@example.com"}),
    ("/v1/events/attendees/register", {"event_id": str(DEMO_EVENT_ID), "email": "ada.lovelace@example.com"}),
    ("/v1/users/create", [{"email": "refused@example.com"}]),
]
READS = [
    ("GET", "/v1/version", None),
    ("GET", f"/v1/products/{GA}", None),
    ("GET", f"/v1/products/{GA}/items?limit=2", None),
    ("GET", f"/v1/products/{GA}/items/{shared.item_uuid(shared.GA, 1)}", None),
    ("GET", f"/v1/products/{GA}/sales", None),
    ("GET", f"/v1/events/{DEMO_EVENT_ID}", None),
    ("POST", "/v1/users/profile", {"email": "ada.lovelace@example.com"}),
    ("POST", "/v1/users/fetch", {"limit": 2}),
]


@pytest.mark.parametrize("authorization", [None, "", "Bearer", "Token x", "Basic dXNlcjpwYXNz", "usher-demo-write-key"])
def test_a_request_without_a_bearer_key_is_unauthorized(simulator: SimulatorServer, authorization: str | None) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    answer = expect(httpx.get(f"{simulator.url}/v1/products/{GA}", headers=headers), 401)
    assert "missing" in str(answer["message"])


def test_an_expired_key_is_unauthorized(simulator: SimulatorServer) -> None:
    with raw_client(simulator.url, DEMO_EXPIRED_KEY) as http:
        assert expect(http.get("/v1/version"), 401) == {"message": "The API key has expired"}


def test_an_unknown_key_is_forbidden(simulator: SimulatorServer) -> None:
    with raw_client(simulator.url, "not-a-key-of-this-project") as http:
        assert expect(http.get("/v1/version"), 403) == {"message": "The API key is not valid"}


@pytest.mark.parametrize(("path", "body"), WRITES, ids=[path for path, _ in WRITES])
def test_a_write_with_a_read_key_is_forbidden(read_http: httpx.Client, path: str, body: object) -> None:
    assert expect(read_http.post(path, json=body), 403) == {"message": "This API key is read-only"}


def test_the_key_is_checked_before_the_body(read_http: httpx.Client) -> None:
    expect(read_http.post(f"/v1/products/{GA}/items/redeem", content=b"not json"), 403)


@pytest.mark.parametrize(("method", "path", "body"), READS, ids=[path for _, path, _ in READS])
def test_a_read_key_may_query(read_http: httpx.Client, method: str, path: str, body: object) -> None:
    assert read_http.request(method, path, json=body).status_code == 200


def test_the_fault_endpoint_needs_no_key(anon_http: httpx.Client) -> None:
    assert expect(anon_http.get("/_sim/faults"), 200)["dark"] is False
