"""What the audit log keeps of a scan: a ticket's item id; of any other code only its kind, length and a
short fingerprint — never a Wi-Fi password, a vCard or a one-time-password seed shown to the camera."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app import demo_data as demo
from app.domain.payload import clean
from app.domain.rules import Preset, StationRules
from app.domain.verdict import VerdictKind
from app.services.station import Station
from app.store.replica import scans

DOOR = StationRules("Door 1", Preset.DOOR)
SECRETS_SHOWN_BY_MISTAKE = {
    "WIFI:S:venue-staff;T:WPA;P:hunter2-correct-horse;;": ("Wi-Fi network", "hunter2"),
    "BEGIN:VCARD\nVERSION:3.0\nFN:Ada Lovelace\nTEL:+44 20 7946 0000\nEND:VCARD": ("contact card", "Lovelace"),
    "otpauth://totp/Bank:ada?secret=JBSWY3DPEHPK3PXP&issuer=Bank": ("one-time-password seed", "JBSWY3DPEHPK3PXP"),
}


def audit_rows(engine) -> list[str]:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return list(conn.execute(select(scans.c.payload).order_by(scans.c.id)).scalars())


@pytest.mark.parametrize("code", SECRETS_SHOWN_BY_MISTAKE)
def test_a_code_that_is_not_a_ticket_leaves_its_kind_length_and_fingerprint_never_its_content(demo_replica, code):
    kind, secret = SECRETS_SHOWN_BY_MISTAKE[code]
    station = Station(demo_replica, DOOR)

    assert station.redeem(code).kind is VerdictKind.INVALID_CODE
    station.redeem(code)

    first, again = audit_rows(demo_replica)
    assert secret not in first
    assert first.startswith(f"{kind}, {len(clean(code))} characters, fingerprint ")  # as the scanner gave it
    assert first == again  # staff can tell the same code shown twice


def test_different_codes_of_one_kind_get_different_fingerprints(demo_replica):
    station = Station(demo_replica, DOOR)
    station.redeem("WIFI:S:venue;T:WPA;P:one;;")
    station.redeem("WIFI:S:venue;T:WPA;P:two;;")

    first, second = audit_rows(demo_replica)
    assert first != second


def test_a_ticket_scan_keeps_its_item_id_and_nothing_else_of_the_code(demo_replica):
    ticket = demo.item_uuid(demo.GA, 1)
    Station(demo_replica, DOOR).redeem(f"https://tickets.example/t/{ticket}?utm=someone@example.com")

    assert audit_rows(demo_replica) == [ticket]
