"""The simulator's answers validate against the seed schemas.

ProductItem answers (issue, redeem, list, get one) and the error bodies are checked against the OpenAPI
3.1 YAML embedded in seed 000. Seed 002 (get product) has no YAML, only a field list, so its schema is
written out by hand below from that list.
"""
from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
import yaml
from sim_http import Document, expect, raw_client

from app import demo_data as shared
from app.simulator.demo_data import DEMO_READ_KEY, DRINKS_PRODUCT_ID, GA_PRODUCT_ID

# Copies of seeds 000 and 004 as they came (the project's source documents live outside the repository).
SEEDS = Path(__file__).resolve().parent / "seeds"

_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
FORMATS = jsonschema.FormatChecker()


@FORMATS.checks("date-time")
def _is_date_time(value: object) -> bool:
    # jsonschema only checks date-time with an optional package; this check needs none. A format speaks
    # only of strings (a null is for `type` to judge).
    if not isinstance(value, str):
        return True
    if not _RFC3339.match(value):
        return False
    datetime.fromisoformat(value)
    return True


def seed(number: str) -> dict[str, Any]:
    """The OpenAPI YAML fenced in a seed document."""
    [path] = SEEDS.glob(f"{number}_*.txt")
    fenced = re.search(r"^````yaml[^\n]*\n(.*?)^````", path.read_text(encoding="utf-8"), re.DOTALL | re.MULTILINE)
    assert fenced, f"no ```` yaml block in {path}"
    return yaml.safe_load(fenced.group(1))


def seed_000() -> dict[str, Any]:
    return seed("000")


def validator(schema: dict[str, Any]) -> Callable[[object], None]:
    """Validates against `schema`, whose $refs point into seed 000's components."""
    root = {**schema, "components": seed_000()["components"]}
    checker = jsonschema.Draft202012Validator(root, format_checker=FORMATS)
    return checker.validate


def component(name: str) -> Callable[[object], None]:
    return validator({"$ref": f"#/components/schemas/{name}"})


def issue_response(status: str) -> Callable[[object], None]:
    responses = seed_000()["paths"]["/v1/products/{id}/items"]["post"]["responses"]
    return validator(responses[status]["content"]["application/json"]["schema"])


# Seed 002, by hand: every field of the product record with its type, nullability and constraints.
_UUID = {"type": "string", "format": "uuid"}
_WHEN = {"type": "string", "format": "date-time"}
PRODUCT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "name", "event_id", "id", "created_at", "updated_at", "event"],
    "properties": {
        "type": {"enum": ["admission", "presale", "perks"]},
        "name": {"type": "string", "minLength": 1, "maxLength": 255},
        "event_id": _UUID, "id": _UUID, "created_at": _WHEN, "updated_at": _WHEN,
        "event": {"type": "object", "required": ["id", "name"], "properties": {
            "id": _UUID, "created_at": _WHEN, "updated_at": _WHEN, "name": {"type": "string"},
            "start_date": {"type": ["integer", "null"]}, "end_date": {"type": ["integer", "null"]},
            "location": {"type": ["string", "null"]}, "address": {"type": ["string", "null"]}, "project_id": _UUID,
            "reference_id": {"type": ["string", "null"]}, "description": {"type": ["string", "null"]}}},
        "description": {"type": ["string", "null"], "minLength": 1, "maxLength": 255},
        "price": {"type": ["string", "null"], "pattern": r"^\d+(\.\d+)?$"},
        "active": {"type": ["boolean", "null"]},
        "is_claimable": {"type": ["boolean", "null"]},
        "is_transferable": {"type": ["boolean", "null"]},
        "stock": {"type": ["integer", "null"], "minimum": 1},
        "redemption_quantity": {"type": ["integer", "null"], "minimum": 1},
        "max_per_account": {"type": ["integer", "null"], "minimum": 1},
        "min_rep_balance": {"type": ["integer", "null"], "minimum": 0},
        "metadata_uri": {"type": ["string", "null"], "maxLength": 512},
        "mint_nft": {"type": ["boolean", "null"]},
        "chain": {"enum": ["WestendAssetHub", "AssetHub"]},
        "max_items": {"type": ["number", "null"], "minimum": 1},
    },
}


def test_issued_items_match_the_product_items_response(
        http: httpx.Client, new_product: Callable[..., Document], new_users: Callable[[int], list[Document]]) -> None:
    product = new_product(redemption_quantity=2)
    users = new_users(2)
    answer = expect(http.post(f"/v1/products/{product['id']}/items", json={
        "product_id": product["id"], "users": [users[0]["id"]], "emails": [users[1]["email"]]}), 201)
    component("ProductItemsResponse")(answer)


def test_redeemed_items_match_the_product_item_response_before_and_after_full_redemption(http: httpx.Client) -> None:
    voucher = shared.item_uuid(shared.DRINKS, 20)
    for _ in range(3):
        component("ProductItemResponse")(expect(http.post(f"/v1/products/{DRINKS_PRODUCT_ID}/items/redeem",
                                                          json={"product_item_id": voucher}), 200))


def test_listed_and_read_items_match_the_product_item_response(http: httpx.Client) -> None:
    page = expect(http.get(f"/v1/products/{GA_PRODUCT_ID}/items?limit=1000"), 200)
    validator({"type": "object", "required": ["items", "total"], "properties": {
        "items": {"type": "array", "items": {"$ref": "#/components/schemas/ProductItemResponse"}},
        "total": {"type": "integer", "minimum": 0}}})(page)
    component("ProductItemResponse")(expect(http.get(f"/v1/products/{GA_PRODUCT_ID}/items/"
                                                     f"{shared.item_uuid(shared.GA, 7)}"), 200))


@pytest.mark.parametrize("product_id", [shared.GA.id, shared.VIP.id, shared.DRINKS.id, shared.INACTIVE.id])
def test_demo_products_match_seed_002(http: httpx.Client, product_id: str) -> None:
    jsonschema.Draft202012Validator(PRODUCT_SCHEMA, format_checker=FORMATS).validate(
        expect(http.get(f"/v1/products/{product_id}"), 200))


def test_a_created_product_matches_seed_002(new_product: Callable[..., Document]) -> None:
    product = new_product(type="perks", price="4.50", stock=10, max_items=10, max_per_account=2, mint_nft=True,
                          metadata_uri="https://example.com/meta.json", chain="WestendAssetHub")
    jsonschema.Draft202012Validator(PRODUCT_SCHEMA, format_checker=FORMATS).validate(product)


def test_error_bodies_match_the_documented_error_responses(simulator: Any, http: httpx.Client) -> None:
    items = f"/v1/products/{GA_PRODUCT_ID}/items"
    issue_response("400")(expect(http.post(items, json={"product_id": "nope"}), 400))
    issue_response("401")(expect(httpx.post(f"{simulator.url}{items}", json={}), 401))
    with raw_client(simulator.url, DEMO_READ_KEY) as read_only:
        issue_response("403")(expect(read_only.post(items, json={}), 403))
    issue_response("422")(expect(http.post(f"/v1/products/{shared.INACTIVE.id}/items", json={
        "product_id": shared.INACTIVE.id, "emails": ["ada.lovelace@example.com"]}), 422))


def test_the_schema_check_itself_catches_a_broken_item() -> None:
    with pytest.raises(jsonschema.ValidationError):
        component("ProductItemResponse")({"id": "x", "item_id": "1"})
    _valid_item_with()
    for broken in ({"created_at": 1699335116}, {"created_at": "2023-11-07"}, {"product_id": "GA"},
                   {"redeemed_at": "2023-11-07T05:31:56Z"}):
        with pytest.raises(jsonschema.ValidationError):
            _valid_item_with(**broken)


def _valid_item_with(**changes: object) -> None:
    item = {"id": str(uuid.uuid4()), "created_at": "2023-11-07T05:31:56Z", "updated_at": "2023-11-07T05:31:56Z",
            "product_id": str(uuid.uuid4()), "item_id": 1, "redemption_count": 0, "redemption_quantity": 1,
            "is_fully_redeemed": False, "user": {"id": str(uuid.uuid4()), "email": None, "first_name": None,
                                                 "last_name": None},
            "product": {"id": str(uuid.uuid4()), "name": "GA", "type": "admission", "redemption_quantity": 1}}
    component("ProductItemResponse")({**item, **changes})


def _openapi_30_nullable(schema: object) -> object:
    """OpenAPI 3.0's `nullable: true` as JSON Schema's type list."""
    if isinstance(schema, dict):
        converted = {key: _openapi_30_nullable(value) for key, value in schema.items() if key != "nullable"}
        if schema.get("nullable") and "type" in schema:
            converted["type"] = [schema["type"], "null"]
        return converted
    if isinstance(schema, list):
        return [_openapi_30_nullable(value) for value in schema]
    return schema


def test_the_voucherify_upsert_answers_with_seed_004s_product_object(simulator) -> None:
    from app.simulator.voucherify import DEMO_APP_ID, DEMO_APP_TOKEN, PREFIX

    components = _openapi_30_nullable(seed("004")["components"])
    check = jsonschema.Draft202012Validator({"$ref": "#/components/schemas/ProductsCreateResponseBody",
                                             "components": components}, format_checker=FORMATS).validate
    headers = {"X-App-Id": DEMO_APP_ID, "X-App-Token": DEMO_APP_TOKEN}
    body = {"source_id": f"seed-check-{uuid.uuid4()}", "name": "Seed check", "price": 999, "metadata": {"a": 1}}
    with httpx.Client(base_url=simulator.url + PREFIX, headers=headers, timeout=5) as http:
        created = expect(http.post("/v1/products", json=body), 200)
        updated = expect(http.post("/v1/products", json=body | {"price": 1099}), 200)
        refused = http.post("/v1/products", json={"price": "cheap"})
    for document in (created, updated):
        check(document)
    assert updated["id"] == created["id"] and updated["price"] == 1099 and created["id"].startswith("prod_")
    assert refused.status_code == 400 and {"code", "key", "message", "details", "request_id"} <= set(refused.json())
