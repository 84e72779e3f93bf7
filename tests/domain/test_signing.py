"""Provisional codes: signed by the venue's key, read and verified offline; forged or altered ones are not."""
from __future__ import annotations

import pytest

from app.domain.payload import InvalidPayload, parse_payload
from app.domain.signing import ProvisionalCode, make_code, new_key_pair, read_code, verify

LOCAL = "6f1e2b9a-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
PRODUCT = "7323b77c-bb30-5a13-a9ed-d531c110461f"
VENUE = new_key_pair()


def code(station: str = "Box 1", key=VENUE) -> str:
    return make_code(key.private_hex, local_id=LOCAL, product_id=PRODUCT, issued_at=1_795_370_400, station=station)


def test_a_provisional_code_reads_back_what_was_signed_and_verifies() -> None:
    read = read_code(code("Box 1 — Süd"))
    assert isinstance(read, ProvisionalCode)
    assert (read.local_id, read.product_id, read.issued_at, read.station, read.key_id) == (
        LOCAL, PRODUCT, 1_795_370_400, "Box 1 — Süd", VENUE.key_id)
    assert verify(read, VENUE.public_hex)


def test_a_code_signed_by_another_key_does_not_verify() -> None:
    read = read_code(code(key=new_key_pair()))
    assert isinstance(read, ProvisionalCode) and not verify(read, VENUE.public_hex)


@pytest.mark.parametrize("part, value", [
    (1, "6f1e2b9a-1c2d-4e5f-8a9b-0c1d2e3f4a5c"),  # another item
    (2, "abd24df5-9e2f-5941-a795-591b805735df"),  # another product
    (3, "1795370401"),  # another time
    (4, "Qm94IDI"),  # "Box 2"
])
def test_an_altered_code_does_not_verify(part: int, value: str) -> None:
    parts = code().split(".")
    parts[part] = value
    altered = read_code(".".join(parts))
    assert isinstance(altered, ProvisionalCode) and not verify(altered, VENUE.public_hex)


@pytest.mark.parametrize("text, reason", [
    ("USHER1.not-a-uuid." + PRODUCT + ".1.Qm94.c3923acd.AAAA", "Damaged provisional code"),
    ("USHER1.too.few.parts", "Not a provisional code"),
    ("USHER1." + LOCAL + "." + PRODUCT + ".1.Qm94.c3923acd.AAAA", "Damaged provisional code"),  # a short signature
])
def test_a_damaged_provisional_code_is_an_invalid_payload_with_a_reason(text: str, reason: str) -> None:
    assert parse_payload(text) == InvalidPayload(reason)


def test_the_scanner_hands_a_provisional_code_to_the_station_as_one() -> None:
    assert isinstance(parse_payload("]Q1" + code() + "\r\n"), ProvisionalCode)
