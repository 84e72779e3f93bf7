"""The issue rules, table-driven: each row is a box-office situation and what the rules make of it."""
from __future__ import annotations

import pytest

from app.domain.issuance import Allowed, Counts, Limits, Recipient, Refused, Rule, decide, is_email

ANNA = Recipient(user_id="u-anna", email="anna@example.org")
BEN = Recipient(user_id="u-ben", email="ben@example.org")
NEWCOMER = Recipient(email="new@example.org", known=False)
GHOST_ID = Recipient(user_id="u-ghost", known=False)

CASES = [
    # (situation, limits, counts, recipients, offline, expected rule or None)
    ("an unlimited product issues to a customer", Limits(), Counts(), [ANNA], False, None),
    ("nobody to issue to", Limits(), Counts(), [], False, Rule.RECIPIENT),
    ("an inactive product issues nothing", Limits(active=False), Counts(), [ANNA], False, Rule.ACTIVE),
    ("the last ticket of the stock", Limits(stock=10), Counts(issued=9), [ANNA], False, None),
    ("one more than the stock", Limits(stock=10), Counts(issued=10), [ANNA], True, Rule.STOCK),
    ("two asked for with one left", Limits(stock=10), Counts(issued=9), [ANNA, BEN], False, Rule.STOCK),
    ("the collection is full", Limits(max_items=5), Counts(issued=5), [ANNA], False, Rule.MAX_ITEMS),
    ("a customer at the per-account limit", Limits(max_per_account=1), Counts(held={"u-anna": 1}), [ANNA], False,
     Rule.MAX_PER_ACCOUNT),
    ("a customer listed twice with room for one", Limits(max_per_account=1), Counts(), [ANNA, ANNA], False,
     Rule.MAX_PER_ACCOUNT),
    ("another customer's items do not count", Limits(max_per_account=1), Counts(held={"u-ben": 1}), [ANNA], False,
     None),
    ("a reputation minimum only the server can check", Limits(min_rep_balance=5), Counts(), [ANNA], True,
     Rule.MIN_REP_BALANCE),
    ("an unknown email offline is a pending customer", Limits(), Counts(), [NEWCOMER], True, None),
    ("an unknown email online is refused before sending", Limits(), Counts(), [NEWCOMER], False, Rule.RECIPIENT),
    ("an unknown user id is never a customer", Limits(), Counts(), [GHOST_ID], True, Rule.RECIPIENT),
    ("a malformed email", Limits(), Counts(), [Recipient(email="anna.example.org", known=False)], True,
     Rule.RECIPIENT),
    ("an email counts per person whatever its case", Limits(max_per_account=1),
     Counts(held={"new@example.org": 1}), [Recipient(email="NEW@example.org", known=False)], True,
     Rule.MAX_PER_ACCOUNT),
]


@pytest.mark.parametrize("situation, limits, counts, recipients, offline, rule", CASES, ids=[c[0] for c in CASES])
def test_the_issue_rules(situation, limits, counts, recipients, offline, rule) -> None:
    decision = decide(limits, counts, recipients, unknown_emails_allowed=offline)
    if rule is None:
        assert isinstance(decision, Allowed) and decision.ok
    else:
        assert isinstance(decision, Refused) and decision.rule is rule and decision.reason


def test_a_pending_customer_is_named_in_the_decision() -> None:
    assert decide(Limits(), Counts(), [NEWCOMER, ANNA], unknown_emails_allowed=True) == Allowed(("new@example.org",))


def test_a_refusal_says_how_many_are_left() -> None:
    refused = decide(Limits(stock=10), Counts(issued=8), [ANNA, BEN, ANNA], unknown_emails_allowed=True)
    assert isinstance(refused, Refused) and refused.reason == "Not enough stock: 2 left, 3 asked for"


def test_an_inactive_product_is_refused_before_its_stock_is_counted() -> None:
    refused = decide(Limits(active=False, stock=1), Counts(issued=5), [ANNA], unknown_emails_allowed=True)
    assert isinstance(refused, Refused) and refused.rule is Rule.ACTIVE


@pytest.mark.parametrize("text, ok", [("a@b.co", True), ("anna.smith+door@venue.example", True), ("a@b", False),
                                      ("a b@c.de", False), ("@c.de", False), ("a@@c.de", False), ("", False),
                                      ("a@" + "b" * 320 + ".de", False)])
def test_what_counts_as_an_email_address(text: str, ok: bool) -> None:
    assert is_email(text) is ok
