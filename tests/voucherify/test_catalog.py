"""A product as Voucherify's upsert body: the price in cents exactly, the facts a promotion needs."""
from __future__ import annotations

import pytest

from app.voucherify.catalog import ProductFacts, price_in_cents, upsert_body

GA = ProductFacts("abd24df5-9e2f-5941-a795-591b805735df", "General Admission", "9.99", "admission", 1, True,
                  "e0000000-0000-4000-8000-000000000001", "Usher Demo Night")


@pytest.mark.parametrize(("price", "cents"), [("0", 0), ("9.99", 999), ("10", 1000), ("1234.50", 123450),
                                               ("0.29", 29), ("0.1", 10), (" 5 ", 500)])
def test_a_decimal_price_becomes_exact_cents(price, cents):
    assert price_in_cents(price) == cents


@pytest.mark.parametrize("price", ["-1", "1.999", "abc", "", "NaN", "Infinity", "1e400"])
def test_a_price_that_is_not_an_amount_of_cents_is_refused_by_name(price):
    with pytest.raises(ValueError, match="price"):
        price_in_cents(price)


def test_the_body_names_the_product_by_its_products_api_id_and_carries_what_a_promotion_needs():
    body = upsert_body(GA)
    assert body["source_id"] == GA.id and body["name"] == "General Admission" and body["price"] == 999
    assert body["metadata"] == {"event_id": GA.event_id, "event_name": "Usher Demo Night", "product_type": "admission",
                                "redemption_quantity": 1, "active": True}
