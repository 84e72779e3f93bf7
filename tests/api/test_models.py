"""The response models: required fields enforced, unknown fields ignored, Unix seconds vs ISO-8601 typed right."""
from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID

import pydantic
import pytest

from app.api.models import NewProduct, NewUser, Product, ProductItem, ProductType, User

ITEM_ID = "3c90c3cc-0d44-4b50-8888-8dd25736052a"


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


@pytest.mark.parametrize("missing", ["id", "item_id", "redemption_count", "is_fully_redeemed", "user", "product"])
def test_a_product_item_missing_a_required_field_is_refused(missing: str) -> None:
    document = item_document()
    del document[missing]
    with pytest.raises(pydantic.ValidationError):
        parse_item(document)


def test_a_nullable_owner_field_must_still_be_present() -> None:
    user = dict(item_document()["user"])  # type: ignore[call-overload]
    del user["email"]
    with pytest.raises(pydantic.ValidationError):
        parse_item(item_document(user=user))


@pytest.mark.parametrize("changes", [
    {"redeemed_at": "2023-11-07T05:31:56Z"},  # Unix seconds, not ISO
    {"redeemed_at": 1699335116.5},
    {"created_at": 1699335116},  # ISO, not Unix seconds
    {"item_id": "7"},
    {"is_fully_redeemed": 1},
    {"id": "not-a-uuid"},
])
def test_a_value_of_the_wrong_type_is_refused(changes: dict[str, object]) -> None:
    with pytest.raises(pydantic.ValidationError):
        parse_item(item_document(**changes))


def test_null_product_settings_read_as_their_documented_defaults() -> None:
    product = Product.model_validate_json(json.dumps({
        "id": ITEM_ID, "type": "admission", "name": "GA", "event_id": None, "event": None,
        "created_at": "2023-11-07T05:31:56Z", "updated_at": "2023-11-07T05:31:56Z",
        "price": None, "active": None, "is_transferable": None, "redemption_quantity": None, "stock": None,
        "max_items": 5.0}))
    assert (product.price, product.active, product.is_transferable, product.redemption_quantity) == \
        (Decimal("0"), True, False, 1)
    assert product.stock is None
    assert product.max_items == 5


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
