"""Alembic environment: runs on the connection handed over by app.store.db.upgrade_schema."""
from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from app.store.models import Base


def run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:  # the `alembic` command line, for writing new revisions
        connection = create_engine(context.config.get_main_option("sqlalchemy.url")).connect()
    # Batch mode: SQLite cannot ALTER most things, so Alembic copies and swaps tables.
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run()
