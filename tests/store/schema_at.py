"""A replica migrated only up to a given revision, to test what a later migration does to its rows."""
from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from app.store.db import MIGRATIONS_DIR, create_replica_engine


def replica_at(db_url: str, revision: str) -> Engine:
    engine = create_replica_engine(db_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
    return engine
