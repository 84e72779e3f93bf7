"""The response models: what the kiosk needs is required, the rest tolerated; types and bounds checked;
unknown fields ignored."""
from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID

import pydantic
import pytest

from app.api.models import Chain, ItemPage, NewProduct, NewUser, Product, ProductItem, User
from app.domain.rules import ProductType

ITEM_ID = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
OTHER_ID = "5d2a4c1e-7b3f-4e8a-9c6d-1f0e2b3a4c5d"


def item_document(**changes: object) -> dict[str, object]:
    document: dict[str, object] = {
        "id": ITEM_ID, "created_at": "2023-11-07T05:31:56Z", "updated_at": "2023-11-07T05:31:56Z",
        "product_id": ITEM_ID, "item_id": 7, "redemption_count": 1, "redemption_quantity": 3,
        "is_fully_redeemed": False, "redeemed_at": None,
        "user": {"id": ITEM_ID, "email": "ada@example.com", "first_name": "Ada", "last_name": "Lovelace"},
        "product": {"id": ITEM_ID, "name": "Drinks", "type": "perks", "redemption_quantity": 3},
    }
    document.update(changes)
    return document


def parse_item(document: dict[str, object]) -> ProductItem:
    return ProductItem.model_validate_json(json.dumps(document))


def test_a_product_item_reads_with_its_types() -> None:
    item = parse_item(item_document(redeemed_at=1699335116))
    assert item.id == UUID(ITEM_ID)
    assert item.created_at == datetime(2023, 11, 7, 5, 31, 56, tzinfo=UTC)
    assert item.redeemed_at == 1699335116
    assert item.product.type is ProductType.PERKS
    assert item.uses_left == 2


def test_unknown_fields_are_ignored() -> None:
    item = parse_item(item_document(nft={"chain": "AssetHub"}, user={**item_document()["user"], "wallet": "x"}))
    assert item.item_id == 7


@pytest.mark.parametrize("missing", ["id", "product_id", "redemption_count", "redemption_quantity"])
def test_a_product_item_missing_a_field_the_kiosk_needs_is_refused(missing: str) -> None:
    document = item_document()
    del document[missing]
    with pytest.raises(pydantic.ValidationError):
        parse_item(document)


def test_a_product_item_with_only_what_the_kiosk_needs_reads_with_defaults() -> None:
    item = parse_item({"id": ITEM_ID, "product_id": ITEM_ID, "redemption_count": 3, "redemption_quantity": 3})
    assert (item.user, item.product, item.created_at, item.redeemed_at, item.item_id) == (None, None, None, None, 0)
    assert item.is_fully_redeemed and item.uses_left == 0


def test_an_owner_without_an_email_or_names_is_read_as_unknown() -> None:
    item = parse_item(item_document(user={"id": ITEM_ID}))
    assert item.user is not None and (item.user.email, item.user.first_name) == (None, None)


@pytest.mark.parametrize("changes", [
    {"redeemed_at": "2023-11-07T05:31:56Z"},  # Unix seconds, not ISO
    {"redeemed_at": 1699335116.5},
    {"created_at": 1699335116},  # ISO, not Unix seconds
    {"item_id": "7"},
    {"redemption_count": True},
    {"id": "not-a-uuid"},
    {"user": None},  # an object when given
])
def test_a_value_of_the_wrong_type_is_refused(changes: dict[str, object]) -> None:
    with pytest.raises(pydantic.ValidationError):
        parse_item(item_document(**changes))


@pytest.mark.parametrize(("changes", "reason"), [
    ({"redemption_count": 2**63}, "less than or equal to 2147483647"),
    ({"redemption_count": -1}, "greater than or equal to 0"),
    ({"redemption_quantity": 0}, "greater than or equal to 1"),
    ({"redemption_count": 4}, "redemption_count 4 is above redemption_quantity 3"),
    ({"item_id": 2**40}, "less than or equal to 2147483647"),
    ({"redeemed_at": 2**63}, "less than or equal to 253402300799"),
])
def test_counts_out_of_bounds_are_refused_with_a_reason(changes: dict[str, object], reason: str) -> None:
    with pytest.raises(pydantic.ValidationError, match=reason):
        parse_item(item_document(**changes))


def test_a_page_leaves_out_the_records_the_kiosk_cannot_use_and_says_why() -> None:
    broken = {k: v for k, v in item_document(id=OTHER_ID).items() if k != "redemption_count"}
    body = {"items": [item_document(), broken, item_document(redemption_count=9), "junk"], "total": 4}
    page = ItemPage.from_json(json.dumps(body).encode())
    assert [str(item.id) for item in page.items] == [ITEM_ID]
    assert page.total == 4
    assert page.skipped == [f"item {OTHER_ID}: redemption_count: Field required",
                            f"item {ITEM_ID}: Value error, redemption_count 9 is above redemption_quantity 3",
                            "an item without an id: Input should be an object"]


@pytest.mark.parametrize("body", [{"items": [item_document()]}, {"items": {}, "total": 1}, [],
                                  {"items": [], "total": 2**31}])
def test_a_page_that_is_itself_broken_is_refused(body: object) -> None:
    with pytest.raises(pydantic.ValidationError):
        ItemPage.from_json(json.dumps(body).encode())


def product_document(**changes: object) -> dict[str, object]:
    return {"id": ITEM_ID, "type": "admission", "name": "GA", "redemption_quantity": 1, "active": True, **changes}


def test_null_product_settings_read_as_their_documented_defaults() -> None:
    product = Product.model_validate_json(json.dumps(product_document(
        event_id=None, event=None, created_at="2023-11-07T05:31:56Z", updated_at="2023-11-07T05:31:56Z",
        price=None, active=None, is_transferable=None, redemption_quantity=None, stock=None, max_items=5.0)))
    assert (product.price, product.active, product.is_transferable, product.redemption_quantity) == \
        (Decimal("0"), True, False, 1)
    assert product.stock is None
    assert product.max_items == 5


def test_a_product_with_only_what_the_kiosk_needs_reads_with_defaults() -> None:
    product = Product.model_validate_json(json.dumps(product_document(event_id="", description="", chain="")))
    assert (product.event_id, product.event, product.linked_event_id, product.description, product.chain) == \
        (None, None, None, None, None)
    assert (product.price, product.stock, product.min_rep_balance, product.created_at) == (Decimal("0"), None, 0, None)


@pytest.mark.parametrize("missing", ["id", "type", "name", "redemption_quantity", "active"])
def test_a_product_missing_a_field_the_kiosk_needs_is_refused(missing: str) -> None:
    document = product_document()
    del document[missing]
    with pytest.raises(pydantic.ValidationError):
        Product.model_validate_json(json.dumps(document))


def test_a_nested_event_without_timestamps_names_the_products_event() -> None:
    product = Product.model_validate_json(json.dumps(product_document(event={"id": OTHER_ID, "name": "Night"})))
    assert product.event is not None and product.event.created_at is None
    assert str(product.linked_event_id) == OTHER_ID


def test_unknown_types_and_chains_are_kept_as_text() -> None:
    product = Product.model_validate_json(json.dumps(product_document(type="raffle", chain="Kusama")))
    assert (product.type, product.chain) == ("raffle", "Kusama")
    known = Product.model_validate_json(json.dumps(product_document(type="perks", chain="AssetHub")))
    assert (known.type, known.chain) == (ProductType.PERKS, Chain.ASSET_HUB)
    assert parse_item(item_document(product={"id": ITEM_ID, "type": "raffle"})).product.type == "raffle"  # type: ignore[union-attr]


def test_users_speak_camel_case() -> None:
    user = User.model_validate_json(json.dumps({"id": ITEM_ID, "email": "ada@example.com", "firstName": "Ada",
                                                "lastName": "Lovelace", "referenceId": "r-1", "isActivated": True}))
    assert (user.first_name, user.reference_id, user.is_activated) == ("Ada", "r-1", True)
    assert NewUser(email="ada@example.com", first_name="Ada").to_json() == {"email": "ada@example.com",
                                                                             "firstName": "Ada"}


def test_a_new_product_sends_only_the_fields_given_with_the_price_as_a_decimal_string() -> None:
    body = NewProduct(type=ProductType.PERKS, name="Drinks", price=Decimal("9.99"), redemption_quantity=3).to_json()
    assert body == {"type": "perks", "name": "Drinks", "price": "9.99", "redemption_quantity": 3}


def test_a_new_product_is_checked_against_the_documented_constraints() -> None:
    with pytest.raises(pydantic.ValidationError):
        NewProduct(type=ProductType.ADMISSION, name="")
    with pytest.raises(pydantic.ValidationError):
        NewProduct(type=ProductType.ADMISSION, name="GA", stock=0)
