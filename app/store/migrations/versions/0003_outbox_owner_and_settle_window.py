"""the outbox's uploader, send time and settle window; doubtful conflicts; the upload lease

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("server_count_before", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("owner", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("sent_at", sa.Float(), nullable=True))
        batch.add_column(sa.Column("settle_after", sa.Float(), nullable=True))
        batch.add_column(sa.Column("answer_status", sa.Integer(), nullable=True))
    with op.batch_alter_table("conflicts") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=16), nullable=False, server_default="refused"))
        batch.add_column(sa.Column("expected_count", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("server_count", sa.Integer(), nullable=True))
    op.create_table(
        "leases",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("leases")
    with op.batch_alter_table("conflicts") as batch:
        for name in ("server_count", "expected_count", "kind"):
            batch.drop_column(name)
    with op.batch_alter_table("outbox") as batch:
        for name in ("answer_status", "settle_after", "sent_at", "owner", "server_count_before"):
            batch.drop_column(name)
