"""A venue's shared replica on PostgreSQL: setting it up (`usher venue init`) and the connection test that
station setup runs on the venue URL (docs/venue.md).

The kiosks connect as a role of their own with only the rights the redeem flow and the sync need: they
read and write the replica's tables, only add to the scan log, and change no schema. The database's
owner migrates it (`usher venue init` again after an upgrade of Usher).
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.pool import NullPool

from app.store.db import MIGRATIONS_DIR, open_replica, write_transaction
from app.store.models import Base

KIOSK_ROLE = "usher_kiosk"
CONNECT_TIMEOUT_S = 5
# What a kiosk may do to each table: the redeem flow and the sync need no more. The scan log is only
# added to (its triggers refuse changes, and the kiosk, not being the owner, cannot drop them).
KIOSK_RIGHTS = {"scans": "SELECT, INSERT", "alembic_version": "SELECT", "sync_state": "SELECT, INSERT, UPDATE, DELETE"}
DEFAULT_RIGHTS = "SELECT, INSERT, UPDATE"
_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class VenueError(Exception):
    """The venue database cannot be set up or used; the message says why, in words for the operator."""


@dataclass(frozen=True, slots=True)
class VenueSetup:
    kiosk_url: str  # what station setup takes: without the password
    password: str  # for the kiosks' ~/.pgpass (docs/venue.md), shown once

    @property
    def pgpass_line(self) -> str:
        url = make_url(self.kiosk_url)
        return f"{url.host}:{url.port or 5432}:{url.database}:{url.username}:{self.password}"


def venue_url(url: str) -> URL:
    """`url` parsed, if it names a PostgreSQL database (psycopg is the driver whatever the URL says)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise VenueError("Not a database URL: a venue database looks like "
                         "postgresql+psycopg://usher_kiosk@db.venue.lan/usher") from None
    if parsed.get_backend_name() != "postgresql" or not parsed.database:
        raise VenueError("A venue database is PostgreSQL: postgresql+psycopg://USER@HOST/DATABASE")
    return parsed.set(drivername="postgresql+psycopg")


def kiosk_url_problem(url: str) -> str:
    """Why `url` cannot be kept in a kiosk's settings as its venue database, or ''. (Whether the database
    answers is `check_venue`'s question.)"""
    try:
        parsed = venue_url(url)
    except VenueError as exc:
        return str(exc)
    if parsed.password is not None:
        return "Keep the password out of the settings: put it in ~/.pgpass (docs/venue.md)"
    return ""


def init_venue(owner_url: str, role: str = KIOSK_ROLE, password: str | None = None) -> VenueSetup:
    """Creates or upgrades the schema (as the database's owner), and creates or updates the kiosks' role with
    a new password (or `password`) and exactly the rights it needs. Safe to run again."""
    owner = venue_url(owner_url)
    if not _ROLE_NAME.match(role):
        raise VenueError(f"A role name is lower-case letters, digits and underscores: {role!r}")
    password = password or secrets.token_urlsafe(24)
    replica = open_replica(owner.render_as_string(hide_password=False))
    try:
        with write_transaction(replica) as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": role}).first()
            secret = "'" + password.replace("'", "''") + "'"  # a literal: utility statements take no parameters
            conn.exec_driver_sql(f"{'ALTER' if exists else 'CREATE'} ROLE {role} LOGIN PASSWORD {secret} "
                                 "NOSUPERUSER NOCREATEDB NOCREATEROLE")
            conn.exec_driver_sql(f'GRANT CONNECT ON DATABASE "{owner.database}" TO {role}')
            conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA public TO {role}")
            for table in [*Base.metadata.tables, "alembic_version"]:
                conn.exec_driver_sql(f"REVOKE ALL ON {table} FROM {role}")
                conn.exec_driver_sql(f"GRANT {KIOSK_RIGHTS.get(table, DEFAULT_RIGHTS)} ON {table} TO {role}")
            conn.exec_driver_sql(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role}")
    finally:
        replica.dispose()
    kiosk = owner.set(username=role, password=None)
    return VenueSetup(kiosk.render_as_string(hide_password=False), password)


@dataclass(frozen=True, slots=True)
class VenueCheck:
    ok: bool
    message: str  # for station setup, in words; never the password


def check_venue(url: str) -> VenueCheck:
    """Station setup's "Test connection": can this kiosk reach the venue database, log in, and use a schema
    that matches its own version? Changes nothing and never migrates."""
    try:
        parsed = venue_url(url)
    except VenueError as exc:
        return VenueCheck(False, str(exc))
    where = f"{parsed.host or 'localhost'}:{parsed.port or 5432}/{parsed.database}"
    try:
        replica = create_engine(parsed, poolclass=NullPool, connect_args={"connect_timeout": CONNECT_TIMEOUT_S})
    except ImportError:
        return VenueCheck(False, "This kiosk lacks PostgreSQL's driver: pip install 'usher[postgres]'")
    try:
        with replica.connect() as conn:
            version = conn.execute(text("SHOW server_version")).scalar()
            schema = _schema_version(conn)
            user = conn.execute(text("SELECT current_user")).scalar()
            can_write = schema is not None and conn.execute(text(
                "SELECT has_table_privilege('outbox', 'UPDATE') AND has_table_privilege('scans', 'INSERT')")).scalar()
    except DBAPIError as exc:
        return VenueCheck(False, _unreachable(where, exc))
    finally:
        replica.dispose()
    head = _head_revision()
    if schema is None:
        return VenueCheck(False, f"The venue database at {where} has no Usher schema yet: run `usher venue init` "
                                 "there with the database owner's URL")
    if schema != head:
        return VenueCheck(False, f"The venue database at {where} has schema {schema}, this kiosk needs {head}: "
                                 "run `usher venue init` with this version of Usher and the owner's URL")
    if not can_write:
        return VenueCheck(False, f"The user {user} may not redeem on the venue database at {where}: "
                                 "run `usher venue init` to give the kiosks' role its rights")
    return VenueCheck(True, f"Connected to the venue database at {where} as {user} (PostgreSQL {version}); "
                            "the schema matches this kiosk")


def _schema_version(conn) -> str | None:  # type: ignore[no-untyped-def]
    if conn.execute(text("SELECT to_regclass('alembic_version')")).scalar() is None:
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _head_revision() -> str | None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(config).get_current_head()


def _unreachable(where: str, exc: DBAPIError) -> str:
    # psycopg says "connection failed: connection to server at …, port … failed: FATAL:  <the reason>".
    first_line = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else exc.__class__.__name__
    reason = first_line.rsplit("failed: ", 1)[-1].removeprefix("FATAL:").strip()
    if "password" in reason or "authentication" in reason or "role" in reason:
        return (f"The venue database at {where} refused the login ({reason}): check the user, and the password "
                "in ~/.pgpass")
    return f"Cannot reach the venue database at {where}: {reason}"
