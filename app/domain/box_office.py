"""What the box office shows before a sale, pure: each product's button (name, price, what is left) and the
limit a sale is about to meet ("2 left", "this customer already holds the maximum of 4") — said before the
issue rules (app/domain/issuance.py) refuse it — and the quantity staff type, read or refused in words."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from app.domain.issuance import Limits

MAX_QUANTITY = 10  # one sale at the desk; more is a bulk issue (usher issue --csv)
FEW_LEFT = 10  # "only 3 left" from here down


@dataclass(frozen=True, slots=True)
class Offer:
    """A product as the box office sells it, with what the replica knows was issued."""

    product_id: str
    name: str
    type: str
    price: str  # the API's decimal string, e.g. "25.00"
    limits: Limits
    issued: int  # server items and provisional ones not refused

    @property
    def left(self) -> int | None:
        """Items still to sell (stock and max_items both cap it); None: unlimited."""
        caps = [cap for cap in (self.limits.stock, self.limits.max_items) if cap is not None]
        return None if not caps else max(0, min(caps) - self.issued)

    @property
    def sellable(self) -> bool:
        return self.limits.active and self.left != 0


def price_text(price: str) -> str:
    """"25.00" → "25.00", "0" → "free"; anything unreadable is shown as the server sent it."""
    try:
        value = Decimal(price)
    except (InvalidOperation, ValueError):
        return price
    return "free" if value == 0 else f"{value:.2f}"


def left_text(offer: Offer) -> str:
    if not offer.limits.active:
        return "not on sale"
    left = offer.left
    if left is None:
        return "no stock limit"
    return "sold out" if left == 0 else f"{left} left"


def button_text(offer: Offer) -> str:
    """The product's button: its name, then price and what is left, on a second line."""
    return f"{offer.name}\n{price_text(offer.price)} · {left_text(offer)}"


def limit_notice(offer: Offer, quantity: int, customer_holds: int | None, customer: str = "this customer") -> str:
    """What staff should know before pressing Issue; "" when nothing is near a limit. `customer_holds` is
    None while no customer is chosen."""
    notes = []
    left = offer.left
    if not offer.limits.active:
        notes.append(f"{offer.name} is not on sale any more")
    elif left is not None and left < quantity:
        notes.append(f"Only {left} left, {quantity} asked for" if left else f"{offer.name} is sold out")
    elif left is not None and left <= FEW_LEFT:
        notes.append(f"{left} left")
    most = offer.limits.max_per_account
    if most is not None and customer_holds is not None:
        if customer_holds >= most:
            notes.append(f"{customer} already holds the maximum of {most}")
        elif customer_holds + quantity > most:
            held = f"{customer} holds {customer_holds}; " if customer_holds else ""
            notes.append(f"{held}at most {most} each, so {most - customer_holds} more")
        elif customer_holds:
            notes.append(f"{customer} already holds {customer_holds} of at most {most}")
    return " · ".join(notes)


def read_quantity(text: str) -> int | str:
    """The quantity typed, or what is wrong with it in words."""
    stripped = text.strip()
    if not (stripped.isascii() and stripped.isdigit()):  # "²" is a digit to Python, not to int()
        return f"Type how many, as a number from 1 to {MAX_QUANTITY}"
    quantity = int(stripped)
    if not 1 <= quantity <= MAX_QUANTITY:
        return f"Sell from 1 to {MAX_QUANTITY} at a time (more: usher issue --csv)"
    return quantity
