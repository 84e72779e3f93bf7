"""Opening the replica: the engine, SQLite's durability settings, and the schema upgrade at start."""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import platformdirs
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url

APP_NAME = "usher"
BUSY_TIMEOUT_MS = 10_000
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_MIGRATION_LOCK = threading.Lock()  # Alembic keeps its migration context in module globals


def default_database_url() -> str:
    """SQLite in the user data directory, unless USHER_DB_URL says otherwise."""
    if url := os.environ.get("USHER_DB_URL"):
        return url
    data_dir = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{data_dir / 'replica.db'}"


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # SQLAlchemy, not the sqlite3 module, decides when transactions begin (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL: a commit is on disk before redeem returns; a crash never loses an accepted scan.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        options = connection.get_execution_options()
        # Data that can be fetched again (downloads) skips the fsync of each commit; the next durable
        # commit flushes it too. WAL keeps the file consistent either way.
        synchronous = "NORMAL" if options.get("replaceable") else "FULL"
        connection.exec_driver_sql(f"PRAGMA synchronous={synchronous}")
        # Writers take the write lock up front (IMMEDIATE), so they queue on the busy timeout
        # instead of failing when a read snapshot goes stale.
        connection.exec_driver_sql(f"BEGIN {'IMMEDIATE' if options.get('write') else 'DEFERRED'}")


def create_replica_engine(url: str | None = None) -> Engine:
    """An engine for the replica at `url` (default: see default_database_url)."""
    url = url or default_database_url()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


@contextmanager
def write_transaction(engine: Engine, replaceable: bool = False) -> Iterator[Connection]:
    """A transaction that holds the write lock from its first statement, committed on success and on
    disk when this returns — unless `replaceable` (what the server can tell again: downloads, settled
    answers), which skips the fsync; the next durable commit takes it to disk too."""
    with engine.connect().execution_options(write=True, replaceable=replaceable) as connection, connection.begin():
        yield connection


@contextmanager
def read_transaction(engine: Engine) -> Iterator[Connection]:
    """A consistent read-only snapshot."""
    with engine.connect() as connection, connection.begin():
        yield connection


def upgrade_schema(engine: Engine) -> None:
    """Applies every Alembic migration the database does not have yet."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with _MIGRATION_LOCK, engine.connect().execution_options(write=True) as connection, connection.begin():
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_replica(url: str | None = None) -> Engine:
    """The engine of an up-to-date replica: what the app, the CLI and the tests start from."""
    engine = create_replica_engine(url)
    upgrade_schema(engine)
    return engine
