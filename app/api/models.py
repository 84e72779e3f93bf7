"""Typed records of the Products API, mirroring the seed schemas.

Responses are validated strictly: required fields must be present, every value must have its JSON type
(`created_at`/`updated_at` are ISO-8601 strings; `redeemed_at`, `start_date`, `end_date`, `transferred_at`,
`registered_at`, `checked_in_at` are integer Unix seconds). Unknown fields are ignored, so the server may
add fields without breaking the kiosk. Where the seed says a field defaults to a value when null, null
reads as that default. The Users endpoints speak camelCase; everything else snake_case.
"""
from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, TypeVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, WrapValidator
from pydantic.alias_generators import to_camel

T = TypeVar("T")


def _null_means(default: T) -> WrapValidator:
    return WrapValidator(lambda value, handler: default if value is None else handler(value))


class ProductType(enum.StrEnum):
    ADMISSION = "admission"
    PRESALE = "presale"
    PERKS = "perks"


class Chain(enum.StrEnum):
    WESTEND_ASSET_HUB = "WestendAssetHub"
    ASSET_HUB = "AssetHub"


class _Record(BaseModel):
    model_config = ConfigDict(strict=True, frozen=True, extra="ignore")


class _CamelRecord(BaseModel):
    model_config = ConfigDict(strict=True, frozen=True, extra="ignore", alias_generator=to_camel,
                              populate_by_name=True)


# --- Items (seed 000, 001) ---

class ItemOwner(_Record):
    """The current owner of an item, a sale's buyer, a transfer's party."""

    id: UUID
    email: str | None
    first_name: str | None
    last_name: str | None


class ItemProduct(_Record):
    id: UUID
    name: str
    type: ProductType
    redemption_quantity: int


class ProductItem(_Record):
    id: UUID  # the UUID in the QR code, the one to redeem
    created_at: datetime
    updated_at: datetime
    product_id: UUID
    item_id: int  # sequential per product, also the NFT id
    redemption_count: int
    redemption_quantity: int
    is_fully_redeemed: bool
    redeemed_at: int | None = None  # Unix seconds when it became fully redeemed
    user: ItemOwner
    product: ItemProduct

    @property
    def uses_left(self) -> int:
        return max(self.redemption_quantity - self.redemption_count, 0)


class ItemList(_Record):
    items: list[ProductItem]


class ItemPage(_Record):
    """[assume] One page of `GET /v1/products/{id}/items`."""

    items: list[ProductItem]
    total: int


# --- Transfers ---

class TransferredItem(_Record):
    id: UUID
    item_id: int
    product_id: UUID
    product_name: str
    product_type: ProductType
    redemption_count: int
    redemption_quantity: int
    is_fully_redeemed: bool
    redeemed_at: int | None = None


class Transfer(_Record):
    product_item: TransferredItem
    previous_owner: ItemOwner
    new_owner: ItemOwner
    transferred_at: int


# --- Events and products (seed 002) ---

class Event(_Record):
    id: UUID
    created_at: datetime
    updated_at: datetime
    name: str
    project_id: UUID | None = None
    reference_id: str | None = None
    description: str | None = None
    location: str | None = None
    address: str | None = None
    start_date: int | None = None
    end_date: int | None = None


class Product(_Record):
    id: UUID
    type: ProductType
    name: str
    event_id: UUID | None  # required but may be blank: a general product outlives events
    event: Event | None
    created_at: datetime
    updated_at: datetime
    description: str | None = None
    price: Annotated[Decimal, Field(strict=False), _null_means(Decimal("0"))] = Decimal("0")
    active: Annotated[bool, _null_means(True)] = True
    is_claimable: Annotated[bool, _null_means(False)] = False
    is_transferable: Annotated[bool, _null_means(False)] = False
    stock: int | None = None  # None: unlimited
    redemption_quantity: Annotated[int, _null_means(1)] = 1
    max_per_account: int | None = None  # None: unlimited
    min_rep_balance: Annotated[int, _null_means(0)] = 0
    metadata_uri: str | None = None
    mint_nft: Annotated[bool, _null_means(False)] = False
    chain: Chain | None = None
    max_items: Annotated[int | None, Field(strict=False)] = None  # the seed types it "number"; None: unlimited


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
    quantity: int
    unit_price: Annotated[Decimal, Field(strict=False)]
    buyer: ItemOwner
    created_at: datetime


class SalePage(_Record):
    sales: list[Sale]
    total: int


# --- Users (camelCase) and attendees ---

class User(_CamelRecord):
    id: UUID
    email: str | None
    first_name: str | None = None
    last_name: str | None = None
    reference_id: str | None = None
    is_activated: Annotated[bool, _null_means(False)] = False
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
