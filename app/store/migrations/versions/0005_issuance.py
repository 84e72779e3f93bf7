"""issuance: customers, provisional items, items by owner, the venue's code-signing keys

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("email_key", sa.String(length=320), nullable=True),
        sa.Column("first_name", sa.String(length=255), nullable=True),
        sa.Column("last_name", sa.String(length=255), nullable=True),
        sa.Column("reference_id", sa.String(length=255), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_customers_email_key", "customers", ["email_key"])
    op.create_table(
        "provisional_items",
        sa.Column("local_id", sa.String(length=36), nullable=False),
        sa.Column("product_id", sa.String(length=36), nullable=False),
        sa.Column("owner_id", sa.String(length=36), nullable=True),
        sa.Column("owner_email", sa.String(length=320), nullable=True),
        sa.Column("station", sa.String(length=120), nullable=False),
        sa.Column("issued_at", sa.Float(), nullable=False),
        sa.Column("issued_here", sa.Boolean(), nullable=False),
        sa.Column("op_uuid", sa.String(length=36), nullable=True),
        sa.Column("server_item_id", sa.String(length=36), nullable=True),
        sa.Column("refused", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("local_id"),
    )
    op.create_index("ix_provisional_items_server_item_id", "provisional_items", ["server_item_id"])
    # max_per_account counts a recipient's items of a product: without this, a scan of every item.
    op.create_index("ix_items_product_owner", "items", ["product_id", "owner_id"])
    op.create_table(
        "venue_keys",
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("private_key", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key_id"),
    )


def downgrade() -> None:
    op.drop_table("venue_keys")
    op.drop_index("ix_items_product_owner", "items")
    op.drop_index("ix_provisional_items_server_item_id", "provisional_items")
    op.drop_table("provisional_items")
    op.drop_index("ix_customers_email_key", "customers")
    op.drop_table("customers")
