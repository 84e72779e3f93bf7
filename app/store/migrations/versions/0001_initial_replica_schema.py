"""initial replica schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-22
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('conflicts',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('op_uuid', sa.String(length=36), nullable=False),
    sa.Column('item_uuid', sa.String(length=36), nullable=False),
    sa.Column('product_id', sa.String(length=36), nullable=False),
    sa.Column('station', sa.String(length=120), nullable=False),
    sa.Column('scanned_at', sa.Float(), nullable=False),
    sa.Column('refused_at', sa.Float(), nullable=False),
    sa.Column('server_message', sa.Text(), nullable=False),
    sa.Column('server_redeemed_at', sa.BigInteger(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('op_uuid')
    )
    op.create_table('events',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('start_date', sa.BigInteger(), nullable=True),
    sa.Column('end_date', sa.BigInteger(), nullable=True),
    sa.Column('location', sa.Text(), nullable=True),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('project_id', sa.String(length=36), nullable=True),
    sa.Column('reference_id', sa.String(length=255), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('created_at', sa.String(length=40), nullable=True),
    sa.Column('updated_at', sa.String(length=40), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('outbox',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('op_uuid', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('item_uuid', sa.String(length=36), nullable=False),
    sa.Column('product_id', sa.String(length=36), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('scanned_at', sa.Float(), nullable=False),
    sa.Column('station', sa.String(length=120), nullable=False),
    sa.Column('scan_id', sa.Integer(), nullable=True),
    sa.Column('expected_count', sa.Integer(), nullable=True),
    sa.Column('next_attempt_at', sa.Float(), nullable=False),
    sa.Column('created_at', sa.Float(), nullable=False),
    sa.Column('updated_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('op_uuid')
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_state', ['state', 'id'], unique=False)

    op.create_table('scans',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('scanned_at', sa.Float(), nullable=False),
    sa.Column('station', sa.String(length=120), nullable=False),
    sa.Column('verdict', sa.String(length=24), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('payload', sa.String(length=256), nullable=False),
    sa.Column('item_uuid', sa.String(length=36), nullable=True),
    sa.Column('product_id', sa.String(length=36), nullable=True),
    sa.Column('uses_left', sa.Integer(), nullable=True),
    sa.Column('undoes_scan_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('scans', schema=None) as batch_op:
        batch_op.create_index('ix_scans_item', ['item_uuid'], unique=False)
        batch_op.create_index('ix_scans_time', ['scanned_at'], unique=False)

    op.create_table('sync_state',
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('products',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('type', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('event_id', sa.String(length=36), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('price', sa.String(length=32), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('is_claimable', sa.Boolean(), nullable=False),
    sa.Column('is_transferable', sa.Boolean(), nullable=False),
    sa.Column('stock', sa.Integer(), nullable=True),
    sa.Column('redemption_quantity', sa.Integer(), nullable=False),
    sa.Column('max_per_account', sa.Integer(), nullable=True),
    sa.Column('min_rep_balance', sa.Integer(), nullable=False),
    sa.Column('metadata_uri', sa.String(length=512), nullable=True),
    sa.Column('mint_nft', sa.Boolean(), nullable=False),
    sa.Column('chain', sa.String(length=32), nullable=True),
    sa.Column('max_items', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.String(length=40), nullable=True),
    sa.Column('updated_at', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('items',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.String(length=36), nullable=False),
    sa.Column('owner_id', sa.String(length=36), nullable=True),
    sa.Column('owner_email', sa.String(length=320), nullable=True),
    sa.Column('owner_first_name', sa.String(length=255), nullable=True),
    sa.Column('owner_last_name', sa.String(length=255), nullable=True),
    sa.Column('redemption_quantity', sa.Integer(), nullable=False),
    sa.Column('confirmed_count', sa.Integer(), nullable=False),
    sa.Column('pending_count', sa.Integer(), nullable=False),
    sa.Column('first_used_at', sa.Float(), nullable=True),
    sa.Column('first_used_station', sa.String(length=120), nullable=True),
    sa.Column('last_used_at', sa.Float(), nullable=True),
    sa.Column('last_used_station', sa.String(length=120), nullable=True),
    sa.Column('redeemed_at', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.String(length=40), nullable=True),
    sa.Column('updated_at', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.create_index('ix_items_owner_email', ['owner_email'], unique=False)
        batch_op.create_index('ix_items_product_item', ['product_id', 'item_id'], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        # The scan log is an audit: the database itself refuses to rewrite it.
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER scans_append_only_{action.lower()} BEFORE {action} ON scans "
                "BEGIN SELECT RAISE(ABORT, 'scans are append-only'); END"
            )


def downgrade() -> None:
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.drop_index('ix_items_product_item')
        batch_op.drop_index('ix_items_owner_email')

    op.drop_table('items')
    op.drop_table('products')
    op.drop_table('sync_state')
    with op.batch_alter_table('scans', schema=None) as batch_op:
        batch_op.drop_index('ix_scans_time')
        batch_op.drop_index('ix_scans_item')

    op.drop_table('scans')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_state')

    op.drop_table('outbox')
    op.drop_table('events')
    op.drop_table('conflicts')
