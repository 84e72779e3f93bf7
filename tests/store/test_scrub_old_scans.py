"""Migration 0006: scans recorded before the audit kept only a fingerprint lose the content of codes that
were not tickets — on SQLite and on PostgreSQL, through the append-only guard, which stands again after."""
from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.domain.scan_audit import fingerprint
from app.store.db import upgrade_schema, write_transaction
from schema_at import replica_at

ITEM = "3f2b6c1e-8a4b-4c1e-9a57-0d3e5b7a2c10"
WIFI = "WIFI:S:Backstage;T:WPA;P:correct-horse-battery-staple;;"
OTP = "otpauth://totp/Bar:till?secret=JBSWY3DPEHPK3PXP&issuer=Bar"
OLD_ROWS = {  # what the old code wrote → what the audit keeps now
    WIFI: f"Wi-Fi network, {len(WIFI)} characters, fingerprint {fingerprint(WIFI)}",
    OTP: f"one-time-password seed, {len(OTP)} characters, fingerprint {fingerprint(OTP)}",
    f"https://tickets.example/t/{ITEM}": ITEM,
    f'{{"product_item_id": "{ITEM.upper()}"}}': ITEM,
    ITEM: ITEM,
    "": "",
    # Written after the audit changed, before this migration: already as it should be, and kept.
    "web address, 31 characters, fingerprint 0a1b2c3d": "web address, 31 characters, fingerprint 0a1b2c3d",
}


def test_old_scans_of_codes_that_are_not_tickets_keep_only_kind_length_and_fingerprint(db_url):
    engine = replica_at(db_url, "0005")
    with write_transaction(engine) as conn:
        for payload in OLD_ROWS:
            conn.execute(text("INSERT INTO scans (scanned_at, station, verdict, reason, payload) "
                              "VALUES (1, 'Door 1', 'INVALID_CODE', '', :payload)"), {"payload": payload})

    upgrade_schema(engine)

    with engine.connect() as conn:
        kept = conn.execute(text("SELECT payload FROM scans ORDER BY id")).scalars().all()
        everything = " ".join(str(v) for row in conn.execute(text("SELECT * FROM scans")) for v in row)
    assert kept == list(OLD_ROWS.values())
    assert "correct-horse" not in everything and "JBSWY3DP" not in everything
    engine.dispose()


def test_after_the_scrub_the_scan_log_still_refuses_updates_and_deletes(db_url):
    engine = replica_at(db_url, "0005")
    with write_transaction(engine) as conn:
        conn.execute(text("INSERT INTO scans (scanned_at, station, verdict, reason, payload) "
                          "VALUES (1, 'Door 1', 'INVALID_CODE', '', :payload)"), {"payload": WIFI})
    upgrade_schema(engine)

    for statement in ("UPDATE scans SET payload = 'x'", "DELETE FROM scans"):
        with pytest.raises(DBAPIError, match="append-only"):
            with write_transaction(engine) as conn:
                conn.exec_driver_sql(statement)
    engine.dispose()
