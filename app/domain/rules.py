"""The redeem rules: what a station may accept, and what a scan of a known item comes to.

These are pure: the store supplies the facts (`ItemFacts`), the station its rules, and the caller
performs the conditional write that makes an ACCEPTED decision stick.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field

from app.domain.verdict import VerdictKind


class ProductType(enum.StrEnum):
    """What a product is, in the Products API's words (seed 002); each value is also its plain text."""

    ADMISSION = "admission"
    PRESALE = "presale"
    PERKS = "perks"  # drink vouchers and the like: served at a bar


# One item of these lets one person in: what a door accepts, and what the manager counts as people inside.
ADMISSION_TYPES = frozenset({ProductType.ADMISSION, ProductType.PRESALE})


class Preset(enum.Enum):
    """What a station is for; each preset accepts product types and names the unit of a use."""

    DOOR = "door"
    BAR = "bar"
    ANY = "any"

    @property
    def product_types(self) -> frozenset[ProductType]:
        return {
            Preset.DOOR: ADMISSION_TYPES,
            Preset.BAR: frozenset({ProductType.PERKS}),
            Preset.ANY: frozenset(ProductType),
        }[self]

    @property
    def use_noun(self) -> tuple[str, str]:
        """Singular and plural of one use, as staff say it."""
        return {
            Preset.DOOR: ("entry", "entries"),
            Preset.BAR: ("drink", "drinks"),
            Preset.ANY: ("use", "uses"),
        }[self]


@dataclass(frozen=True, slots=True)
class StationRules:
    """A station: its name, and which products it accepts (by type, and optionally by product id)."""

    name: str
    preset: Preset = Preset.ANY
    product_ids: frozenset[str] = field(default_factory=frozenset)  # empty: any product of the types
    # `active` decides whether items can be *issued* (seed 003); tickets already sold for a product whose
    # sales have closed stay valid, unless the venue wants them refused here.
    refuse_inactive: bool = False

    def accepts(self, product_id: str, product_type: str) -> bool:
        if product_type not in self.preset.product_types:
            return False
        return not self.product_ids or product_id in self.product_ids


@dataclass(frozen=True, slots=True)
class ItemFacts:
    """What the replica knows about an item at the moment of a scan."""

    product_id: str
    product_type: str
    product_active: bool
    redemption_quantity: int
    confirmed_count: int  # redemptions the server has confirmed
    pending_count: int  # local redemptions not yet confirmed

    @property
    def uses_left(self) -> int:
        return max(0, self.redemption_quantity - self.confirmed_count - self.pending_count)


def check(facts: ItemFacts, station: StationRules, payload_product_id: str | None = None) -> VerdictKind:
    """The verdict for a known item before the write: ACCEPTED means 'try to take one use'."""
    if payload_product_id is not None and payload_product_id != facts.product_id:
        return VerdictKind.NOT_FOUND  # the code names another product: forged or mixed up
    if not station.accepts(facts.product_id, facts.product_type):
        return VerdictKind.WRONG_STATION
    if not facts.product_active and station.refuse_inactive:
        return VerdictKind.PRODUCT_INACTIVE
    if facts.uses_left <= 0:
        return VerdictKind.ALREADY_USED
    return VerdictKind.ACCEPTED
