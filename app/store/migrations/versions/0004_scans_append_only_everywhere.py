"""the scan log is append-only on PostgreSQL too (0001 made it so on SQLite only)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""
from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

MESSAGE = "scans are append-only"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite: the triggers of 0001 already refuse UPDATE and DELETE
    op.execute(f"""
        CREATE FUNCTION scans_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
        END $$""")
    op.execute("CREATE TRIGGER scans_append_only BEFORE UPDATE OR DELETE ON scans "
               "FOR EACH ROW EXECUTE FUNCTION scans_append_only()")
    # TRUNCATE fires no row trigger: refuse it by statement.
    op.execute("CREATE TRIGGER scans_no_truncate BEFORE TRUNCATE ON scans "
               "FOR EACH STATEMENT EXECUTE FUNCTION scans_append_only()")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER scans_no_truncate ON scans")
    op.execute("DROP TRIGGER scans_append_only ON scans")
    op.execute("DROP FUNCTION scans_append_only()")
