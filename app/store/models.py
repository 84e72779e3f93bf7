"""The replica's tables. Columns mirror the Products API records; local bookkeeping is named as such."""
from __future__ import annotations

import enum

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Event(Base):
    __tablename__ = "events"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    start_date: Mapped[int | None] = mapped_column(BigInteger)  # Unix seconds, as the API sends them
    end_date: Mapped[int | None] = mapped_column(BigInteger)
    location: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(Text)
    project_id: Mapped[str | None] = mapped_column(String(36))
    reference_id: Mapped[str | None] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[str | None] = mapped_column(String(40))  # ISO-8601, as the API sends them
    updated_at: Mapped[str | None] = mapped_column(String(40))


class Product(Base):
    """Every field of the seed product record."""

    __tablename__ = "products"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    type: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(255))
    event_id: Mapped[str | None] = mapped_column(ForeignKey("events.id"))
    description: Mapped[str | None] = mapped_column(Text)
    price: Mapped[str] = mapped_column(String(32), default="0")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_claimable: Mapped[bool] = mapped_column(Boolean, default=False)
    is_transferable: Mapped[bool] = mapped_column(Boolean, default=False)
    stock: Mapped[int | None] = mapped_column(Integer)
    redemption_quantity: Mapped[int] = mapped_column(Integer, default=1)
    max_per_account: Mapped[int | None] = mapped_column(Integer)
    min_rep_balance: Mapped[int] = mapped_column(Integer, default=0)
    metadata_uri: Mapped[str | None] = mapped_column(String(512))
    mint_nft: Mapped[bool] = mapped_column(Boolean, default=False)
    chain: Mapped[str | None] = mapped_column(String(32))
    max_items: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[str | None] = mapped_column(String(40))
    updated_at: Mapped[str | None] = mapped_column(String(40))


class Item(Base):
    """A product item, with the server's confirmed count and this replica's unconfirmed uses."""

    __tablename__ = "items"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the UUID in the QR code
    item_id: Mapped[int] = mapped_column(Integer)  # sequential per product
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id"))
    owner_id: Mapped[str | None] = mapped_column(String(36))
    owner_email: Mapped[str | None] = mapped_column(String(320))
    owner_first_name: Mapped[str | None] = mapped_column(String(255))
    owner_last_name: Mapped[str | None] = mapped_column(String(255))
    redemption_quantity: Mapped[int] = mapped_column(Integer, default=1)
    confirmed_count: Mapped[int] = mapped_column(Integer, default=0)  # last server-confirmed count
    pending_count: Mapped[int] = mapped_column(Integer, default=0)  # local uses not yet confirmed
    first_used_at: Mapped[float | None] = mapped_column(Float)  # Unix seconds, real scan time
    first_used_station: Mapped[str | None] = mapped_column(String(120))
    last_used_at: Mapped[float | None] = mapped_column(Float)
    last_used_station: Mapped[str | None] = mapped_column(String(120))
    redeemed_at: Mapped[int | None] = mapped_column(BigInteger)  # server: when fully redeemed
    created_at: Mapped[str | None] = mapped_column(String(40))
    updated_at: Mapped[str | None] = mapped_column(String(40))

    # No index on owner names or emails: search matches substrings, which no B-tree index can serve.
    __table_args__ = (Index("ix_items_product_item", "product_id", "item_id"),
                      Index("ix_items_product_owner", "product_id", "owner_id"))


class Scan(Base):
    """Every scan, accepted or not. Only ever appended to (a trigger refuses updates and deletes)."""

    __tablename__ = "scans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scanned_at: Mapped[float] = mapped_column(Float)
    station: Mapped[str] = mapped_column(String(120))
    verdict: Mapped[str] = mapped_column(String(24))
    reason: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[str] = mapped_column(String(256), default="")  # cleaned and cut, for the audit
    item_uuid: Mapped[str | None] = mapped_column(String(36))
    product_id: Mapped[str | None] = mapped_column(String(36))
    uses_left: Mapped[int | None] = mapped_column(Integer)
    undoes_scan_id: Mapped[int | None] = mapped_column(Integer)  # set on an UNDONE row

    __table_args__ = (
        Index("ix_scans_item", "item_uuid"),
        Index("ix_scans_time", "scanned_at"),
    )


class OutboxOp(Base):
    """One operation to send to the API, with its own client UUID and a state (see app/store/outbox.py)."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    op_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(24))  # "redeem" or "checkin"
    item_uuid: Mapped[str] = mapped_column(String(36))
    product_id: Mapped[str] = mapped_column(String(36))
    payload: Mapped[str] = mapped_column(Text, default="{}")  # JSON body extras
    state: Mapped[str] = mapped_column(String(12), default="PENDING")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    scanned_at: Mapped[float] = mapped_column(Float)  # the real scan time
    station: Mapped[str] = mapped_column(String(120))
    scan_id: Mapped[int | None] = mapped_column(Integer)
    # The server's redemption_count this operation should produce, fixed when it is sent;
    # an UNKNOWN operation is reconciled against it before anything is resent.
    expected_count: Mapped[int | None] = mapped_column(Integer)
    # The server's count read just before sending (multi-use items), so another door's use is never ours.
    server_count_before: Mapped[int | None] = mapped_column(Integer)
    owner: Mapped[str | None] = mapped_column(String(64))  # the uploader that marked it IN_FLIGHT
    sent_at: Mapped[float | None] = mapped_column(Float)  # when it was marked IN_FLIGHT, just before the send
    # Until then a read-back may confirm the use but never deny it: the request may still land.
    settle_after: Mapped[float | None] = mapped_column(Float)
    answer_status: Mapped[int | None] = mapped_column(Integer)  # the status that left it UNKNOWN, if one came
    next_attempt_at: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[float] = mapped_column(Float)

    __table_args__ = (Index("ix_outbox_state", "state", "id"),)


class ConflictKind(str, enum.Enum):
    REFUSED = "refused"  # the server refused a use the kiosk had accepted
    DOUBTFUL = "doubtful"  # the server's word cannot settle it: a manager checks the item


class Conflict(Base):
    """A redemption the kiosk accepted and the server later refused, or one whose fate the kiosk cannot
    settle on its own (`kind`, a ConflictKind)."""

    __tablename__ = "conflicts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    op_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    item_uuid: Mapped[str] = mapped_column(String(36))
    product_id: Mapped[str] = mapped_column(String(36))
    station: Mapped[str] = mapped_column(String(120))
    scanned_at: Mapped[float] = mapped_column(Float)  # when the kiosk accepted it
    refused_at: Mapped[float] = mapped_column(Float)  # when the server refused it
    server_message: Mapped[str] = mapped_column(Text, default="")
    server_redeemed_at: Mapped[int | None] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16), default=ConflictKind.REFUSED.value, server_default="refused")
    expected_count: Mapped[int | None] = mapped_column(Integer)  # what our use should have made the count
    server_count: Mapped[int | None] = mapped_column(Integer)  # what the server said it is


class Lease(Base):
    """Who may do a job that must have one doer at a time (the upload), and until when."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    owner: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[float] = mapped_column(Float)


class SyncState(Base):
    """Small key → JSON values: cursors, last success and failure."""

    __tablename__ = "sync_state"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Customer(Base):
    """A user of the project (`POST /v1/users/fetch`), so the box office can search and check "is a customer"
    offline. `email_key` is the email case-folded: emails are matched without regard to case."""

    __tablename__ = "customers"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    email: Mapped[str | None] = mapped_column(String(320))
    email_key: Mapped[str | None] = mapped_column(String(320), index=True)
    first_name: Mapped[str | None] = mapped_column(String(255))
    last_name: Mapped[str | None] = mapped_column(String(255))
    reference_id: Mapped[str | None] = mapped_column(String(255))


class ProvisionalItem(Base):
    """An item issued while the server could not be asked. It also has a row in `items` under `local_id` (so
    it redeems like any item), and `server_item_id` once its ISSUE operation is confirmed. `issued_here` is
    false for one adopted from another kiosk's signed code."""

    __tablename__ = "provisional_items"

    local_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    product_id: Mapped[str] = mapped_column(String(36))
    owner_id: Mapped[str | None] = mapped_column(String(36))
    owner_email: Mapped[str | None] = mapped_column(String(320))
    station: Mapped[str] = mapped_column(String(120))  # where it was issued
    issued_at: Mapped[float] = mapped_column(Float)
    issued_here: Mapped[bool] = mapped_column(Boolean, default=True)
    op_uuid: Mapped[str | None] = mapped_column(String(36))  # the ISSUE operation that creates it on the server
    server_item_id: Mapped[str | None] = mapped_column(String(36), index=True)
    refused: Mapped[str | None] = mapped_column(Text)  # the server's refusal, when it refused it



class VenueKey(Base):
    """The venue's Ed25519 keys for provisional codes (app/domain/signing.py). Every kiosk holds the public
    keys it trusts; a kiosk that may sign also holds the private half (raw, hex). On a shared replica the
    venue's doors share them; otherwise `usher venue-key` exports and trusts one."""

    __tablename__ = "venue_keys"

    key_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    public_key: Mapped[str] = mapped_column(String(64))
    private_key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[float] = mapped_column(Float)
