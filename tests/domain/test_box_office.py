"""What the box office says before a sale, pure: the product buttons, the limit notices, the quantity typed."""
from __future__ import annotations

import pytest

from app.domain.box_office import Offer, button_text, limit_notice, price_text, read_quantity
from app.domain.issuance import Limits

VIP = Offer("p-vip", "VIP", "admission", "80.00", Limits(stock=40, max_per_account=2), issued=38)
GA = Offer("p-ga", "General Admission", "admission", "25", Limits(max_per_account=4), issued=500)
COMP = Offer("p-comp", "Guest", "admission", "0", Limits(stock=10), issued=10)
CLOSED = Offer("p-eb", "Early Bird", "presale", "15.00", Limits(active=False), issued=5)


def test_each_button_says_the_price_and_what_is_left() -> None:
    assert [button_text(o) for o in (VIP, GA, COMP, CLOSED)] == [
        "VIP\n80.00 · 2 left", "General Admission\n25.00 · no stock limit", "Guest\nfree · sold out",
        "Early Bird\n15.00 · not on sale"]
    assert [o.sellable for o in (VIP, GA, COMP, CLOSED)] == [True, True, False, False]


@pytest.mark.parametrize("offer, quantity, holds, said", [
    (GA, 1, None, ""),
    (VIP, 1, None, "2 left"),
    (VIP, 3, None, "Only 2 left, 3 asked for"),
    (COMP, 1, None, "Guest is sold out"),
    (CLOSED, 1, None, "Early Bird is not on sale any more"),
    (GA, 1, 4, "Ada already holds the maximum of 4"),
    (GA, 2, 3, "Ada holds 3; at most 4 each, so 1 more"),
    (GA, 1, 2, "Ada already holds 2 of at most 4"),
    (VIP, 2, 1, "2 left · Ada holds 1; at most 2 each, so 1 more"),
])
def test_the_limit_a_sale_is_about_to_meet_is_said_before_issuing(offer, quantity, holds, said) -> None:
    assert limit_notice(offer, quantity, holds, "Ada") == said


@pytest.mark.parametrize("typed, read", [
    ("2", 2), (" 10 ", 10), ("0", "Sell from 1 to 10 at a time (more: usher issue --csv)"),
    ("11", "Sell from 1 to 10 at a time (more: usher issue --csv)"), ("two", "Type how many, as a number from 1 to 10"),
    ("-1", "Type how many, as a number from 1 to 10"), ("", "Type how many, as a number from 1 to 10"),
    ("²", "Type how many, as a number from 1 to 10"),
])
def test_a_quantity_is_read_or_refused_in_words(typed, read) -> None:
    assert read_quantity(typed) == read


def test_prices_read_as_staff_say_them() -> None:
    assert [price_text(p) for p in ("25", "9.9", "0", "0.00", "n/a")] == ["25.00", "9.90", "free", "free", "n/a"]
