"""Answers that break the contract, served by a tiny real HTTP server, become typed errors and change nothing."""
from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from canned_http import Canned, CannedServer

from app.api import BadRequest, OutcomeUnknown, ProductsClient, ProtocolError, Rejected, ServerError
from app.simulator.demo_data import GA_PRODUCT_ID

ITEM = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
VALID_ITEM = {
    "id": ITEM, "created_at": "2023-11-07T05:31:56Z", "updated_at": "2023-11-07T05:31:56Z", "product_id": ITEM,
    "item_id": 1, "redemption_count": 1, "redemption_quantity": 1, "is_fully_redeemed": True, "redeemed_at": 1,
    "user": {"id": ITEM, "email": None, "first_name": None, "last_name": None},
    "product": {"id": ITEM, "name": "GA", "type": "admission", "redemption_quantity": 1},
}
LIMIT = 64 * 1024


@pytest.fixture
def api(canned: CannedServer, make_client: Callable[..., ProductsClient]) -> ProductsClient:
    return make_client(canned.url, max_response_bytes=LIMIT)


def answer_json(canned: CannedServer, document: object, status: int = 200) -> None:
    canned.answer = Canned(status=status, body=json.dumps(document).encode())


def test_a_valid_canned_answer_is_accepted(canned: CannedServer, api: ProductsClient) -> None:
    answer_json(canned, VALID_ITEM)
    assert api.redeem(GA_PRODUCT_ID, ITEM).item_id == 1
    method, path, _headers, body = canned.requests[-1]
    assert (method, path) == ("POST", f"/v1/products/{GA_PRODUCT_ID}/items/redeem")
    assert json.loads(body) == {"product_item_id": ITEM}


@pytest.mark.parametrize("document", [
    {key: value for key, value in VALID_ITEM.items() if key != "redemption_count"},
    {**VALID_ITEM, "item_id": "1"},
    {**VALID_ITEM, "redeemed_at": "2023-11-07T05:31:56Z"},
    {**VALID_ITEM, "user": None},
    [VALID_ITEM],
], ids=["missing field", "string for integer", "ISO for Unix seconds", "null object", "array"])
def test_an_answer_that_breaks_the_schema_is_a_protocol_error(
        canned: CannedServer, api: ProductsClient, document: object) -> None:
    answer_json(canned, document)
    with pytest.raises(ProtocolError, match="does not match the contract"):
        api.get_item(GA_PRODUCT_ID, ITEM)


def test_a_captive_portal_page_instead_of_json_is_a_protocol_error(canned: CannedServer, api: ProductsClient) -> None:
    canned.answer = Canned(body=b"<html><body>Please log in to Venue Wi-Fi</body></html>",
                           headers={"Content-Type": "text/html"})
    with pytest.raises(ProtocolError) as caught:
        api.get_product(GA_PRODUCT_ID)
    assert not caught.value.may_have_applied


def test_a_malformed_answer_to_a_write_may_have_applied(canned: CannedServer, api: ProductsClient) -> None:
    answer_json(canned, {"ok": True})
    with pytest.raises(ProtocolError) as caught:
        api.redeem(GA_PRODUCT_ID, ITEM)
    assert caught.value.may_have_applied and caught.value.transient


def test_a_declared_huge_body_is_refused_before_reading_it(canned: CannedServer, api: ProductsClient) -> None:
    canned.answer = Canned(body=b"{}", headers={"Content-Type": "application/json",
                                                "Content-Length": str(LIMIT * 100)}, close_after=True)
    with pytest.raises(ProtocolError, match="too large"):
        api.get_product(GA_PRODUCT_ID)


def test_a_streamed_huge_body_is_cut_at_the_limit(canned: CannedServer, api: ProductsClient) -> None:
    canned.answer = Canned(body=[b"[" + b"1," * 8192] * 64)  # ~1 MB, chunked, no Content-Length
    with pytest.raises(ProtocolError, match="larger than the limit"):
        api.list_items(GA_PRODUCT_ID)


def test_a_body_cut_short_is_outcome_unknown(canned: CannedServer, api: ProductsClient) -> None:
    body = json.dumps(VALID_ITEM).encode()
    canned.answer = Canned(body=body[:40], headers={"Content-Type": "application/json",
                                                    "Content-Length": str(len(body))}, close_after=True)
    with pytest.raises(OutcomeUnknown) as caught:
        api.redeem(GA_PRODUCT_ID, ITEM)
    assert caught.value.may_have_applied


@pytest.mark.parametrize("status", [204, 302, 418])
def test_an_unexpected_status_is_a_protocol_error(canned: CannedServer, api: ProductsClient, status: int) -> None:
    canned.answer = Canned(status=status, body=b"", headers={"Location": "https://elsewhere.example/"})
    with pytest.raises(ProtocolError):
        api.get_product(GA_PRODUCT_ID)


def test_error_answers_without_the_documented_body_still_map_by_status(
        canned: CannedServer, api: ProductsClient) -> None:
    canned.answer = Canned(status=422, body=b"Unprocessable", headers={"Content-Type": "text/plain"})
    with pytest.raises(Rejected, match="no reason given"):
        api.redeem(GA_PRODUCT_ID, ITEM)
    canned.answer = Canned(status=400, body=b'{"errors": "not a list"}')
    with pytest.raises(BadRequest) as caught:
        api.redeem(GA_PRODUCT_ID, ITEM)
    assert caught.value.errors == []
    canned.answer = Canned(status=502, body=b"<html>Bad Gateway</html>")
    with pytest.raises(ServerError) as server_error:
        api.redeem(GA_PRODUCT_ID, ITEM)
    assert server_error.value.may_have_applied


def test_a_server_message_is_trimmed_to_one_short_line(canned: CannedServer, api: ProductsClient) -> None:
    answer_json(canned, {"message": "line one\nline two " + "x" * 1000}, status=422)
    with pytest.raises(Rejected) as caught:
        api.redeem(GA_PRODUCT_ID, ITEM)
    assert "\n" not in caught.value.reason and len(caught.value.reason) <= 300
