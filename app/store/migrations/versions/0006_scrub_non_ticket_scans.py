"""the scan log forgets what it kept of codes that are not tickets

Until the audit kept only a code's kind, length and fingerprint (app/domain/scan_audit.py), every scan's
cleaned text went into `scans.payload`, up to 256 characters: a Wi-Fi password, a contact card or a
one-time-password seed shown to the camera by mistake stayed there for good. This migration rewrites those
old rows as a scan made today would be written: a ticket's code becomes its item id; anything else becomes
"<kind>, <length> characters, fingerprint <8 hex>". Rows already in that form, and empty ones, are kept.

The scan log is append-only, and the database enforces it (0001's triggers on SQLite, 0004's on
PostgreSQL): the trigger that refuses UPDATE is dropped, the rows rewritten and the trigger made again, all in
the migration's one transaction — on both databases DDL is transactional, so no other connection ever sees
the log without its guard, and a failure leaves the old rows and the trigger as they were.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""
from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

from app.domain.payload import parse_payload
from app.domain.scan_audit import audit_text

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# What the audit writes today: a canonical item id, or kind, length and fingerprint.
_ITEM_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_SCRUBBED = re.compile(r"[A-Za-z][A-Za-z -]*, \d+ characters, fingerprint [0-9a-f]{8}")
_BATCH = 5000

_SQLITE_GUARD = ("CREATE TRIGGER scans_append_only_update BEFORE UPDATE ON scans "
                 "BEGIN SELECT RAISE(ABORT, 'scans are append-only'); END")
_POSTGRES_GUARD = ("CREATE TRIGGER scans_append_only BEFORE UPDATE OR DELETE ON scans "
                   "FOR EACH ROW EXECUTE FUNCTION scans_append_only()")


def scrubbed(payload: str) -> str:
    """What the audit keeps of an old row's payload (the same as for a scan made now)."""
    if not payload or _ITEM_ID.fullmatch(payload) or _SCRUBBED.fullmatch(payload):
        return payload
    return audit_text(payload, parse_payload(payload))


def upgrade() -> None:
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    scans = sa.table("scans", sa.column("id", sa.Integer), sa.column("payload", sa.String))
    update = scans.update().where(scans.c.id == sa.bindparam("row_id")).values(payload=sa.bindparam("new"))
    op.execute("DROP TRIGGER scans_append_only ON scans" if postgres else "DROP TRIGGER scans_append_only_update")
    last_id = 0
    while rows := bind.execute(sa.select(scans.c.id, scans.c.payload).where(scans.c.id > last_id)
                               .order_by(scans.c.id).limit(_BATCH)).all():
        last_id = rows[-1].id
        changes = [{"row_id": row.id, "new": new} for row in rows if (new := scrubbed(row.payload)) != row.payload]
        if changes:
            bind.execute(update, changes)
    op.execute(_POSTGRES_GUARD if postgres else _SQLITE_GUARD)


def downgrade() -> None:
    """What was scrubbed is gone for good: nothing to give back."""
