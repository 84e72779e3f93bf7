"""Typed records of the Products API, read tolerantly where the kiosk can do without, strictly where it cannot.

Only what the kiosk needs is required: of an item its `id`, `product_id`, `redemption_count` and
`redemption_quantity`; of a product its `id`, `name`, `type`, `redemption_quantity` and `active` (null
reads as the documented default). Every other field may be missing, and a missing, null or blank one
reads as its documented default (None where there is none). Values that are present must have their JSON
type (`created_at`/`updated_at` are ISO-8601 strings; `redeemed_at`, `start_date`, `end_date`,
`transferred_at`, `registered_at`, `checked_in_at` are integer Unix seconds) and sane bounds: counts within
0..2**31-1, an item never redeemed more often than it may be. Unknown fields are ignored, and unknown
values of `type` and `chain` are kept as text, so a server that adds fields or values breaks nothing. The
Users endpoints speak camelCase; everything else snake_case.
"""
from __future__ import annotations

import enum
import json
from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, TypeVar
from uuid import UUID

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    WrapValidator,
    model_validator,
)
from pydantic.alias_generators import to_camel

from app.domain.rules import ProductType

T = TypeVar("T")
E = TypeVar("E", bound=enum.Enum)

MAX_COUNT = 2**31 - 1  # the replica's Integer columns (32-bit on PostgreSQL); more is a broken answer, not a venue
MAX_UNIX_SECONDS = 253_402_300_799  # 9999-12-31T23:59:59Z

Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
Quantity = Annotated[int, Field(ge=1, le=MAX_COUNT)]
UnixSeconds = Annotated[int, Field(ge=0, le=MAX_UNIX_SECONDS)]


def _absent_means(default: T) -> WrapValidator:
    """Null or blank ("") reads as `default`: seed 002 says to leave a field blank, and null means the default."""
    return WrapValidator(lambda value, handler: default if value is None or value == "" else handler(value))


def _known_or_text(kind: type[E]) -> AfterValidator:
    """A member of `kind` when the text is one of its values, else the text itself: a value the server added
    later is kept and shown, never refused."""

    def read(text: str) -> E | str:
        try:
            return kind(text)
        except ValueError:
            return text

    return AfterValidator(read)


class Chain(enum.StrEnum):
    WESTEND_ASSET_HUB = "WestendAssetHub"
    ASSET_HUB = "AssetHub"


ProductTypeName = Annotated[str, _known_or_text(ProductType)]
ChainName = Annotated[str, _known_or_text(Chain)]


class _Record(BaseModel):
    model_config = ConfigDict(strict=True, frozen=True, extra="ignore")


class _CamelRecord(BaseModel):
    model_config = ConfigDict(strict=True, frozen=True, extra="ignore", alias_generator=to_camel,
                              populate_by_name=True)


# --- Items (seed 000, 001) ---

class ItemOwner(_Record):
    """The current owner of an item, a sale's buyer, a transfer's party."""

    id: Annotated[UUID | None, _absent_means(None)] = None
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None


class ItemProduct(_Record):
    """The product summary inside an item: the item's own `product_id` is what the kiosk uses."""

    id: Annotated[UUID | None, _absent_means(None)] = None
    name: str | None = None
    type: ProductTypeName | None = None
    redemption_quantity: Quantity | None = None


def _used_at_most_quantity(count: int, quantity: int) -> None:
    if count > quantity:
        raise ValueError(f"redemption_count {count} is above redemption_quantity {quantity}")


class ProductItem(_Record):
    id: UUID  # the UUID in the QR code, the one to redeem
    product_id: UUID
    redemption_count: Count
    redemption_quantity: Quantity
    item_id: Annotated[Count, _absent_means(0)] = 0  # sequential per product from 1, also the NFT id; 0: not given
    created_at: datetime | None = None
    updated_at: datetime | None = None
    redeemed_at: UnixSeconds | None = None  # when it became fully redeemed
    user: ItemOwner | None = None  # None: the server did not say who holds it
    product: ItemProduct | None = None

    @model_validator(mode="after")
    def _sane(self) -> ProductItem:
        _used_at_most_quantity(self.redemption_count, self.redemption_quantity)
        if self.user is None and "user" in self.model_fields_set:
            raise ValueError("user must be an object when it is given, not null")  # seed 000 types it an object
        return self

    @property
    def is_fully_redeemed(self) -> bool:
        """From the counts, which are checked; the server's own flag is ignored."""
        return self.redemption_count >= self.redemption_quantity

    @property
    def uses_left(self) -> int:
        return self.redemption_quantity - self.redemption_count


class ItemList(_Record):
    items: list[ProductItem]


class ItemPage(_Record):
    """[assume] One page of `GET /v1/products/{id}/items`.

    A record the kiosk cannot use (a required field missing, a count out of bounds) is left out of
    `items` and described in `skipped`, instead of failing the whole page. Read it with `from_json`.
    """

    items: list[ProductItem]
    total: Count
    _skipped: list[str] = PrivateAttr(default_factory=list)

    @property
    def skipped(self) -> list[str]:
        """One short reason per record left out, naming the item where the record says which it is."""
        return self._skipped

    @classmethod
    def from_json(cls, body: bytes) -> ItemPage:
        try:
            return cls.model_validate_json(body)
        except ValidationError as error:
            unusable = _unusable_records(error)
            if unusable is None:
                raise
        document = json.loads(body)
        records = document["items"]
        kept = [record for n, record in enumerate(records) if n not in unusable]
        page = cls.model_validate_json(json.dumps({**document, "items": kept}))
        page._skipped = [_skip_reason(records[n], problems) for n, problems in sorted(unusable.items())]
        return page


def _unusable_records(error: ValidationError) -> dict[int, list[str]] | None:
    """The problems of each unusable record by its index, or None when the page itself is broken."""
    problems: dict[int, list[str]] = defaultdict(list)
    for detail in error.errors(include_url=False):
        where = detail["loc"]
        if len(where) < 2 or where[0] != "items" or not isinstance(where[1], int):
            return None
        field = ".".join(str(part) for part in where[2:])
        problems[where[1]].append(f"{field}: {detail['msg']}" if field else detail["msg"])
    return problems


def _skip_reason(record: object, problems: list[str]) -> str:
    named = record.get("id") if isinstance(record, dict) else None
    which = f"item {named}" if isinstance(named, str) else "an item without an id"
    return f"{which[:60]}: {'; '.join(problems)[:200]}"


# --- Transfers ---

class TransferredItem(_Record):
    id: UUID
    item_id: Count
    product_id: UUID
    product_name: str
    product_type: ProductTypeName
    redemption_count: Count
    redemption_quantity: Quantity
    is_fully_redeemed: bool
    redeemed_at: UnixSeconds | None = None

    @model_validator(mode="after")
    def _sane_counts(self) -> TransferredItem:
        _used_at_most_quantity(self.redemption_count, self.redemption_quantity)
        return self


class Transfer(_Record):
    product_item: TransferredItem
    previous_owner: ItemOwner
    new_owner: ItemOwner
    transferred_at: UnixSeconds


# --- Events and products (seed 002) ---

class Event(_Record):
    id: UUID
    name: str
    created_at: datetime | None = None
    updated_at: datetime | None = None
    project_id: Annotated[UUID | None, _absent_means(None)] = None
    reference_id: str | None = None
    description: str | None = None
    location: str | None = None
    address: str | None = None
    start_date: UnixSeconds | None = None
    end_date: UnixSeconds | None = None


class Product(_Record):
    id: UUID
    type: ProductTypeName
    name: str
    redemption_quantity: Annotated[Quantity, _absent_means(1)]
    active: Annotated[bool, _absent_means(True)]
    event_id: Annotated[UUID | None, _absent_means(None)] = None  # blank: a general product that outlives events
    event: Event | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    description: Annotated[str | None, _absent_means(None)] = None
    price: Annotated[Decimal, Field(strict=False), _absent_means(Decimal("0"))] = Decimal("0")
    is_claimable: Annotated[bool, _absent_means(False)] = False
    is_transferable: Annotated[bool, _absent_means(False)] = False
    stock: Count | None = None  # None: unlimited
    max_per_account: Count | None = None  # None: unlimited
    min_rep_balance: Annotated[Count, _absent_means(0)] = 0
    metadata_uri: Annotated[str | None, _absent_means(None)] = None
    mint_nft: Annotated[bool, _absent_means(False)] = False
    chain: Annotated[ChainName | None, _absent_means(None)] = None
    # The seed types max_items "number"; None: unlimited.
    max_items: Annotated[Count | None, Field(strict=False)] = None

    @property
    def linked_event_id(self) -> UUID | None:
        """The product's event: `event_id`, or the nested event's id when only that was sent."""
        return self.event_id or (self.event.id if self.event is not None else None)


class NewProduct(BaseModel):
    """The body of `POST /v1/products`; fields left as None take the server's defaults."""

    model_config = ConfigDict(frozen=True)

    type: ProductType
    name: str = Field(min_length=1, max_length=255)
    event_id: UUID | None = None
    description: str | None = Field(default=None, min_length=1, max_length=255)
    price: Decimal | None = None
    active: bool | None = None
    is_claimable: bool | None = None
    is_transferable: bool | None = None
    stock: int | None = Field(default=None, ge=1)
    redemption_quantity: int | None = Field(default=None, ge=1)
    max_per_account: int | None = Field(default=None, ge=1)
    min_rep_balance: int | None = Field(default=None, ge=0)
    metadata_uri: str | None = Field(default=None, max_length=512)
    mint_nft: bool | None = None
    chain: Chain | None = None
    max_items: int | None = Field(default=None, ge=1)

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


# --- Sales [assume] ---

class Sale(_Record):
    id: UUID
    order_number: str
    quantity: Count
    unit_price: Annotated[Decimal, Field(strict=False)]
    buyer: ItemOwner
    created_at: datetime


class SalePage(_Record):
    sales: list[Sale]
    total: Count


# --- Users (camelCase) and attendees ---

class User(_CamelRecord):
    id: UUID
    email: str | None
    first_name: str | None = None
    last_name: str | None = None
    reference_id: str | None = None
    is_activated: Annotated[bool, _absent_means(False)] = False
    activated_on: datetime | None = None


class UserPage(_CamelRecord):
    users: list[User]
    total: int


class CreatedUsers(_CamelRecord):
    """The documented answer is only a message; the simulator also lists the users it created."""

    message: str | None = None
    users: list[User] = []


class NewUser(BaseModel):
    model_config = ConfigDict(frozen=True, alias_generator=to_camel, populate_by_name=True)

    email: str = Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")
    first_name: str | None = None
    last_name: str | None = None
    reference_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class Attendee(_Record):
    id: UUID
    created_at: datetime
    updated_at: datetime
    event_id: UUID
    registered_at: int | None = None
    checked_in_at: int | None = None
    user: User | None = None
    event: Event | None = None
