"""The transfer rules at the desk, table-driven: each row is a request a guest makes and what the rules answer."""
from __future__ import annotations

from dataclasses import replace

import pytest

from app.domain.transfer import Party, TransferFacts, TransferRule, check_transfer

ANNA = Party("u-anna", "anna@example.org", "Anna Smith")
BEN = Party("u-ben", "ben@example.org", "Ben Jones")
STRANGER = Party(None, "stranger@example.org")
TICKET = TransferFacts(product_name="General Admission", is_transferable=True, owner_id="u-anna", uses_total=1,
                       uses_taken=0, recipient_holds=0, max_per_account=4)


def facts(**changes) -> TransferFacts:  # type: ignore[no-untyped-def]
    return replace(TICKET, **changes)


CASES = [
    # (situation, facts, sender, recipient, expected rule or None)
    ("an unused ticket passed to a friend", facts(), ANNA, BEN, None),
    ("a product that is not transferable", facts(is_transferable=False), ANNA, BEN, TransferRule.TRANSFERABLE),
    ("someone passing on a ticket they do not hold", facts(), BEN, ANNA, TransferRule.SENDER_OWNS),
    ("a sender the replica does not know", facts(), STRANGER, BEN, TransferRule.SENDER_OWNS),
    ("a ticket already used", facts(uses_taken=1), ANNA, BEN, TransferRule.NOT_FULLY_REDEEMED),
    ("a voucher with one drink left", facts(uses_total=3, uses_taken=2), ANNA, BEN, None),
    ("a recipient who is not a customer", facts(), ANNA, STRANGER, TransferRule.RECIPIENT_IS_CUSTOMER),
    ("a transfer to oneself", facts(), ANNA, ANNA, TransferRule.NOT_TO_SELF),
    ("a recipient at the per-account maximum", facts(recipient_holds=4), ANNA, BEN, TransferRule.MAX_PER_ACCOUNT),
    ("a recipient one below the maximum", facts(recipient_holds=3), ANNA, BEN, None),
    ("no per-account maximum", facts(recipient_holds=99, max_per_account=None), ANNA, BEN, None),
]


@pytest.mark.parametrize("situation, transfer, sender, recipient, expected", CASES, ids=[c[0] for c in CASES])
def test_each_transfer_request_gets_the_answer_of_seed_003(situation, transfer, sender, recipient, expected) -> None:
    refused = check_transfer(transfer, sender, recipient)
    assert (refused.rule if refused else None) is expected


def test_the_rules_are_checked_in_the_order_of_the_seed_so_the_first_broken_rule_is_the_one_said() -> None:
    everything_wrong = facts(is_transferable=False, uses_taken=1, recipient_holds=9)
    assert check_transfer(everything_wrong, BEN, BEN).rule is TransferRule.TRANSFERABLE  # type: ignore[union-attr]
    assert check_transfer(facts(uses_taken=1), ANNA, STRANGER).rule is TransferRule.NOT_FULLY_REDEEMED  # type: ignore[union-attr]


def test_each_refusal_is_said_in_plain_words_naming_the_people() -> None:
    words = {rule: check_transfer(f, s, r).reason for rule, f, s, r in [  # type: ignore[union-attr]
        (TransferRule.TRANSFERABLE, facts(is_transferable=False), ANNA, BEN),
        (TransferRule.SENDER_OWNS, facts(), BEN, ANNA),
        (TransferRule.NOT_FULLY_REDEEMED, facts(uses_taken=1), ANNA, BEN),
        (TransferRule.RECIPIENT_IS_CUSTOMER, facts(), ANNA, STRANGER),
        (TransferRule.NOT_TO_SELF, facts(), ANNA, ANNA),
        (TransferRule.MAX_PER_ACCOUNT, facts(recipient_holds=4), ANNA, BEN),
    ]}
    assert words == {
        TransferRule.TRANSFERABLE: "General Admission tickets cannot be passed on to someone else",
        TransferRule.SENDER_OWNS: "Ben Jones does not hold this ticket",
        TransferRule.NOT_FULLY_REDEEMED: "This ticket is used up: nothing is left to pass on",
        TransferRule.RECIPIENT_IS_CUSTOMER: "stranger@example.org is not a customer yet: they must sign up first",
        TransferRule.NOT_TO_SELF: "Anna Smith already holds this ticket",
        TransferRule.MAX_PER_ACCOUNT: "Ben Jones already holds the maximum of 4 General Admission tickets",
    }
