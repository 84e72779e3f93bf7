"""Setting a venue up: `usher venue init` makes an empty PostgreSQL database ready and gives the kiosks a role
that can redeem and upload but not rewrite the audit log or the schema; station setup's connection test says
in words what is wrong."""
from __future__ import annotations

import itertools

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app import demo_data as demo
from app.demo_data import DEMO_REPLICA
from app.cli.main import main
from app.domain.rules import Preset, StationRules
from app.services.importer import import_file
from app.services.station import Station
from app.store import lease
from app.store.db import open_replica, write_transaction
from app.store.venue import check_venue

_names = (f"empty_venue_{n}" for n in itertools.count(1))


@pytest.fixture
def empty_venue(postgres):
    """A new, empty database on the session's server, as a venue's administrator creates it."""
    name = next(_names)
    yield postgres.create_database(name)
    postgres.drop_database(name)


def venue_init(owner_url: str, capsys) -> str:  # type: ignore[no-untyped-def]
    """Runs `usher venue init`; returns the kiosk URL it printed."""
    assert main(["--db", owner_url, "venue", "init"]) == 0
    printed = capsys.readouterr().out.splitlines()
    return printed[printed.index(next(line for line in printed if "venue database URL" in line)) + 1].strip()


def test_venue_init_readies_an_empty_database_for_kiosks_that_redeem_and_upload_but_cannot_rewrite_the_audit(
        empty_venue, capsys):
    kiosk_url = venue_init(empty_venue, capsys)
    assert kiosk_url.startswith("postgresql+psycopg://usher_kiosk@")
    kiosk = open_replica(kiosk_url)  # finds the schema up to date: a kiosk never migrates
    import_file(kiosk, DEMO_REPLICA)
    assert Station(kiosk, StationRules("Door 1", Preset.DOOR)).redeem(demo.item_uuid(demo.GA, 1)).accepted
    with write_transaction(kiosk) as conn:
        assert lease.acquire(conn, lease.UPLOAD, "door-1", now=100.0, ttl_s=30.0)
    for forbidden in ("UPDATE scans SET verdict = 'ACCEPTED'", "DELETE FROM scans", "DELETE FROM items",
                      "DROP TRIGGER scans_append_only ON scans", "CREATE TABLE mine (x int)", "DROP TABLE outbox"):
        with pytest.raises(DBAPIError, match="permission denied|must be owner"):
            with write_transaction(kiosk) as conn:
                conn.execute(text(forbidden))
    kiosk.dispose()


def test_venue_init_run_again_keeps_the_evening_and_gives_the_role_a_new_password(empty_venue, capsys):
    kiosk_url = venue_init(empty_venue, capsys)
    kiosk = open_replica(kiosk_url)
    import_file(kiosk, DEMO_REPLICA)
    assert Station(kiosk, StationRules("Door 1", Preset.DOOR)).redeem(demo.item_uuid(demo.GA, 2)).accepted
    kiosk.dispose()
    assert main(["--db", empty_venue, "venue", "init"]) == 0
    again = capsys.readouterr().out
    kiosk = open_replica(kiosk_url)
    assert not Station(kiosk, StationRules("Door 2", Preset.DOOR)).redeem(demo.item_uuid(demo.GA, 2)).accepted
    kiosk.dispose()
    assert again.count(":usher_kiosk:") == 1  # the ~/.pgpass line with the new password


def test_the_connection_test_says_in_words_what_is_wrong_and_when_all_is_well(empty_venue, postgres, capsys):
    unreachable = check_venue(postgres.url("x").replace(f":{postgres.port}/", ":1/"))
    assert not unreachable.ok and "Cannot reach the venue database at 127.0.0.1:1/x: Connection refused" in \
        unreachable.message
    assert "does not exist" in check_venue(postgres.url("no_such_venue")).message
    assert "no Usher schema yet: run `usher venue init`" in check_venue(empty_venue).message
    assert "PostgreSQL" in check_venue("sqlite:///replica.db").message
    kiosk_url = venue_init(empty_venue, capsys)
    ready = check_venue(kiosk_url)
    assert ready.ok and "as usher_kiosk" in ready.message and "the schema matches this kiosk" in ready.message
    assert main(["--db", kiosk_url, "venue", "check"]) == 0


def test_station_setup_keeps_the_venue_url_but_never_its_password():
    from pydantic import ValidationError

    from app.config import Settings

    url = "postgresql+psycopg://usher_kiosk@db.venue.lan:5432/usher"
    assert Settings.model_validate({"venue_db_url": f" {url} "}).venue_db_url == url
    assert Settings().venue_db_url == ""  # a kiosk of its own, on SQLite
    with pytest.raises(ValidationError, match="pgpass"):
        Settings.model_validate({"venue_db_url": "postgresql+psycopg://usher_kiosk:secret@db.venue.lan/usher"})
    with pytest.raises(ValidationError, match="PostgreSQL"):
        Settings.model_validate({"venue_db_url": "sqlite:///replica.db"})
