"""A replica product as Voucherify's "Create Product" body (seed 004).

The Products API's price is a decimal string ("9.99"); Voucherify's is an integer number of cents (999).
The conversion is exact decimal arithmetic, never a float: "0.29" must become 29, not 28.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

MAX_CENTS = 2**53  # beyond what any JSON reader keeps exactly


@dataclass(frozen=True, slots=True)
class ProductFacts:
    """What Voucherify is told about a product."""

    id: str
    name: str
    price: str
    type: str
    redemption_quantity: int
    active: bool
    event_id: str | None
    event_name: str | None


def price_in_cents(price: str) -> int:
    """"9.99" → 999, "10" → 1000, "1234.50" → 123450; anything else is a ValueError that names it."""
    try:
        amount = Decimal(price.strip())
    except (InvalidOperation, AttributeError):
        raise ValueError(f"The price {price!r} is not a number") from None
    cents = amount * 100
    if not amount.is_finite() or amount < 0 or cents != cents.to_integral_value() or cents > MAX_CENTS:
        raise ValueError(f"The price {price!r} is not a positive amount with at most two decimals")
    return int(cents)


def upsert_body(product: ProductFacts) -> dict[str, object]:
    """Upserted by `source_id`: the Products API's product id, so every run names the same product."""
    return {
        "source_id": product.id,
        "name": product.name,
        "price": price_in_cents(product.price),
        "attributes": [],
        "metadata": {
            "event_id": product.event_id or "",
            "event_name": product.event_name or "",
            "product_type": product.type,
            "redemption_quantity": product.redemption_quantity,
            "active": product.active,
        },
    }

