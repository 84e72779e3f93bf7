"""drop the owner e-mail index: search matches substrings, which it could not serve

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""
from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("items") as batch:
        batch.drop_index("ix_items_owner_email")


def downgrade() -> None:
    with op.batch_alter_table("items") as batch:
        batch.create_index("ix_items_owner_email", ["owner_email"])
