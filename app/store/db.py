"""Opening the replica: the engine, each database's settings, and the schema upgrade at start.

SQLite (one kiosk, or several on one file) and PostgreSQL (a venue's doors sharing one server) run the
same code. Their locking differs, and the guards are written so that both are enough:
- SQLite: a writer takes the database's write lock up front (`BEGIN IMMEDIATE`), so writers queue.
- PostgreSQL: READ COMMITTED, chosen explicitly. Every decision that two writers could race for is a
  conditional UPDATE whose WHERE clause is the guard (the last use of an item, an outbox transition, the
  upload lease); when an UPDATE waits for another transaction's lock on the row, PostgreSQL evaluates
  the WHERE clause again on the row as that transaction committed it, so exactly one of them changes
  the row and the row count tells the other. SERIALIZABLE would add nothing to that but retries.
"""
from __future__ import annotations

import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import platformdirs
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError

APP_NAME = "usher"
BUSY_TIMEOUT_MS = 10_000
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_MIGRATION_LOCK = threading.Lock()  # Alembic keeps its migration context in module globals
# The advisory lock that serialises schema upgrades of one PostgreSQL database across kiosks ("usher" in hex).
PG_MIGRATION_LOCK_KEY = 0x7573686572
PG_TIMEOUT_S = 5
IDLE_PING_S = 1.0  # a pooled connection unused this long is checked before use (PostgreSQL)


def default_database_url() -> str:
    """SQLite in the user data directory, unless USHER_DB_URL says otherwise."""
    if url := os.environ.get("USHER_DB_URL"):
        return url
    return f"sqlite:///{_data_dir() / 'replica.db'}"


def venue_copy_url() -> str:
    """A venue door's own SQLite copy of the shared replica, in the user data directory."""
    return f"sqlite:///{_data_dir() / 'venue-copy.db'}"


def _data_dir() -> Path:
    data_dir = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    data_dir.mkdir(parents=True, exist_ok=True)
    return data_dir


def _configure_sqlite(replica: Engine) -> None:
    @event.listens_for(replica, "connect")
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

    @event.listens_for(replica, "begin")
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
    """An engine for the replica at `url` (default: see default_database_url).

    Statement parameters are kept out of error messages and logs (`hide_parameters`): they carry guests'
    names and e-mail addresses."""
    url = url or default_database_url()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        replica = create_engine(url, hide_parameters=True,
                               connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(replica)
        return replica
    if parsed.drivername == "postgresql":  # SQLAlchemy's default driver would be psycopg2
        parsed = parsed.set(drivername="postgresql+psycopg")
    # READ COMMITTED: see this module's docstring for why the conditional UPDATEs need nothing stronger.
    replica = create_engine(parsed, hide_parameters=True, isolation_level="READ COMMITTED", connect_args={
        # A venue database that is unreachable must not hold a scan for minutes: connecting gives up after
        # a few seconds, and so does a statement whose packets the network no longer acknowledges.
        "connect_timeout": PG_TIMEOUT_S, "tcp_user_timeout": PG_TIMEOUT_S * 1000})
    _ping_when_idle(replica)
    return replica


def _ping_when_idle(replica: Engine) -> None:
    """A pooled connection that sat idle is checked before use; one in steady use is not. SQLAlchemy's
    pre-ping would check every time: a round trip that costs a third of a busy door's redeem. A
    connection the server dropped (a restart, a network cut) is replaced instead of failing a scan."""
    @event.listens_for(replica, "checkin")
    def _on_checkin(_dbapi_connection, record) -> None:  # type: ignore[no-untyped-def]
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(replica, "checkout")
    def _on_checkout(dbapi_connection, record, _proxy) -> None:  # type: ignore[no-untyped-def]
        if time.monotonic() - record.info.get("idle_since", time.monotonic()) < IDLE_PING_S:
            return
        try:
            dbapi_connection.execute("SELECT 1")
            dbapi_connection.rollback()
        except replica.dialect.loaded_dbapi.Error:
            raise DisconnectionError("The database dropped this connection") from None  # the pool opens another


@contextmanager
def write_transaction(replica: Engine, replaceable: bool = False) -> Iterator[Connection]:
    """A transaction that holds the write lock from its first statement, committed on success and on
    disk when this returns — unless `replaceable` (what the server can tell again: downloads, settled
    answers), which skips the fsync; the next durable commit takes it to disk too."""
    with replica.connect().execution_options(write=True, replaceable=replaceable) as connection, connection.begin():
        yield connection


@contextmanager
def read_transaction(replica: Engine) -> Iterator[Connection]:
    """A consistent read-only snapshot."""
    with replica.connect() as connection, connection.begin():
        yield connection


def upgrade_schema(replica: Engine) -> None:
    """Applies every Alembic migration the database does not have yet.

    Several kiosks may start at once against one venue database: on PostgreSQL the upgrade runs under a
    transaction-scoped advisory lock, so one kiosk migrates while the others wait, then find the schema
    up to date (their next statements see what it committed). The lock ends with the transaction, also
    when a kiosk dies mid-upgrade (PostgreSQL's DDL is transactional: nothing half-done remains)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with _MIGRATION_LOCK, replica.connect().execution_options(write=True) as connection, connection.begin():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATION_LOCK_KEY})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_replica(url: str | None = None) -> Engine:
    """The engine of an up-to-date replica: what the app, the CLI and the tests start from."""
    replica = create_replica_engine(url)
    upgrade_schema(replica)
    return replica
