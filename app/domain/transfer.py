"""The transfer rules (seed 003), pure: may this item move from its owner to that customer, and if not, why —
in words the box office can say to the guest. Checked before the API is called, in the order of the seed's
list, so the desk never sends a transfer the server would refuse for a reason the kiosk already knows."""
from __future__ import annotations

import enum
from dataclasses import dataclass


class TransferRule(enum.Enum):
    TRANSFERABLE = "transferable"
    SENDER_OWNS = "sender_owns"
    NOT_FULLY_REDEEMED = "not_fully_redeemed"
    RECIPIENT_IS_CUSTOMER = "recipient_is_customer"
    NOT_TO_SELF = "not_to_self"
    MAX_PER_ACCOUNT = "max_per_account"


@dataclass(frozen=True, slots=True)
class Party:
    """A customer as the replica knows them: `user_id` None when the email is not a customer of the project."""

    user_id: str | None
    email: str | None = None
    name: str = ""

    @property
    def label(self) -> str:
        return self.name or self.email or self.user_id or "this person"


@dataclass(frozen=True, slots=True)
class TransferFacts:
    """What the replica knows about the item, its product and the recipient at the desk."""

    product_name: str
    is_transferable: bool
    owner_id: str | None  # the item's current owner
    uses_total: int
    uses_taken: int  # confirmed and pending
    recipient_holds: int  # items of this product the recipient already holds
    max_per_account: int | None


@dataclass(frozen=True, slots=True)
class TransferRefused:
    rule: TransferRule
    reason: str


def check_transfer(facts: TransferFacts, sender: Party, recipient: Party) -> TransferRefused | None:
    """None when the transfer may be asked of the server; else the first rule it breaks, in plain words."""
    if not facts.is_transferable:
        return TransferRefused(TransferRule.TRANSFERABLE,
                               f"{facts.product_name} tickets cannot be passed on to someone else")
    if sender.user_id is None or sender.user_id != facts.owner_id:
        return TransferRefused(TransferRule.SENDER_OWNS, f"{sender.label} does not hold this ticket")
    if facts.uses_taken >= facts.uses_total:
        return TransferRefused(TransferRule.NOT_FULLY_REDEEMED, "This ticket is used up: nothing is left to pass on")
    if recipient.user_id is None:
        return TransferRefused(TransferRule.RECIPIENT_IS_CUSTOMER,
                               f"{recipient.label} is not a customer yet: they must sign up first")
    if recipient.user_id == sender.user_id:
        return TransferRefused(TransferRule.NOT_TO_SELF, f"{sender.label} already holds this ticket")
    if facts.max_per_account is not None and facts.recipient_holds + 1 > facts.max_per_account:
        return TransferRefused(TransferRule.MAX_PER_ACCOUNT,
                               f"{recipient.label} already holds the maximum of {facts.max_per_account} "
                               f"{facts.product_name} tickets")
    return None
