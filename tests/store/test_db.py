import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from app.store.db import create_replica_engine, open_replica, upgrade_schema, write_transaction


LATEST = "0006"  # the newest migration in app/store/migrations/versions

def test_a_new_replica_has_every_table_at_the_latest_migration(replica):
    tables = set(inspect(replica).get_table_names())
    assert {"events", "products", "items", "scans", "outbox", "conflicts", "sync_state", "leases", "alembic_version"} <= tables
    with replica.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == LATEST


def test_upgrading_twice_changes_nothing(replica):
    upgrade_schema(replica)
    with replica.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1


@pytest.mark.sqlite_only
def test_sqlite_runs_in_wal_mode_with_full_sync_a_busy_timeout_and_foreign_keys(replica):
    with replica.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_the_database_url_is_configurable_through_the_environment(tmp_path, monkeypatch):
    path = tmp_path / "elsewhere" / "kiosk.db"
    monkeypatch.setenv("USHER_DB_URL", f"sqlite:///{path}")
    open_replica().dispose()
    assert path.exists()


def truncate(replica) -> tuple[str, ...]:
    return ("TRUNCATE scans",) if replica.dialect.name == "postgresql" else ()  # SQLite has no TRUNCATE


def test_the_scan_log_refuses_updates_and_deletes(replica):
    with write_transaction(replica) as conn:
        conn.exec_driver_sql("INSERT INTO scans (scanned_at, station, verdict, reason, payload) VALUES (1, 'D', 'ERROR', '', '')")
    for statement in ("UPDATE scans SET verdict = 'ACCEPTED'", "DELETE FROM scans", *truncate(replica)):
        with pytest.raises(DBAPIError, match="append-only"):
            with write_transaction(replica) as conn:
                conn.exec_driver_sql(statement)


def test_an_item_of_an_unknown_product_is_refused_by_the_foreign_key(replica):
    with pytest.raises(DBAPIError):
        with write_transaction(replica) as conn:
            conn.exec_driver_sql(
                "INSERT INTO items (id, item_id, product_id, redemption_quantity, confirmed_count, pending_count) "
                "VALUES ('x', 1, 'no-such-product', 1, 0, 0)"
            )


def test_a_writer_waits_for_another_writer_instead_of_failing(db_url, replica):
    other = create_replica_engine(db_url)
    holding = threading.Event()

    def hold_the_write_lock():
        with write_transaction(other) as conn:
            conn.exec_driver_sql("INSERT INTO sync_state (key, value) VALUES ('a', '1')")
            holding.set()
            time.sleep(0.5)

    holder = threading.Thread(target=hold_the_write_lock)
    holder.start()
    holding.wait()
    with write_transaction(replica) as conn:  # blocks on the busy timeout, then goes through
        conn.exec_driver_sql("INSERT INTO sync_state (key, value) VALUES ('b', '2')")
    holder.join()
    with replica.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM sync_state").scalar() == 2


def test_a_replica_made_by_the_first_schema_is_migrated_and_keeps_its_data(db_url):
    from schema_at import replica_at

    engine = replica_at(db_url, "0001")
    with write_transaction(engine) as conn:
        conn.exec_driver_sql("INSERT INTO products (id, type, name, price, active, is_claimable, is_transferable, "
                             "redemption_quantity, min_rep_balance, mint_nft) VALUES ('p', 'admission', 'T', '0', TRUE, FALSE, FALSE, 1, 0, FALSE)")
        conn.exec_driver_sql("INSERT INTO items (id, item_id, product_id, redemption_quantity, confirmed_count, pending_count) "
                             "VALUES ('i', 1, 'p', 1, 0, 0)")
    upgrade_schema(engine)
    assert {ix["name"] for ix in inspect(engine).get_indexes("items")} == {"ix_items_product_item", "ix_items_product_owner"}
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT id FROM items").scalars().all() == ["i"]


def test_the_migrations_build_exactly_the_schema_the_models_describe(replica):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from app.store.models import Base

    with replica.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert differences == []


def test_four_kiosks_upgrading_an_empty_database_at_once_all_succeed(db_url):
    root = Path(__file__).resolve().parents[2]
    kiosks = [subprocess.Popen([sys.executable, "-m", "app.cli.main", "--db", db_url, "db", "upgrade"], cwd=root,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outcomes = [(kiosk.wait(60), kiosk.stderr.read()) for kiosk in kiosks]
    assert outcomes == [(0, "")] * 4
    engine = create_replica_engine(db_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [LATEST]
    engine.dispose()


def test_a_plain_postgresql_url_uses_psycopg_the_driver_that_usher_postgres_installs():
    engine = create_replica_engine("postgresql://usher_kiosk@db.venue.lan/usher")  # connects only when used
    assert engine.url.drivername == "postgresql+psycopg"
    engine.dispose()
